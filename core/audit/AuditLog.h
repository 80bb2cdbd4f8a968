#pragma once

#include "AuditEvent.h"
#include "model/Clock.h"
#include "model/Result.h"
#include "store/SqlTransaction.h"

#include <QJsonObject>

#include <memory>

namespace gatehouse {

// Appends audit records in CloudTrail's record format inside the caller's transaction, so a
// change and its record commit together or not at all (SEC-44).
class AuditLog
{
public:
    static constexpr const char *kEventVersion = "1.09";

    AuditLog(QString storeId, std::shared_ptr<const Clock> clock);

    Result<void> append(SqlTransaction &tx, const AuditEvent &event) const;

    // The CloudTrail-shaped record for an event at a given time (also used by tests).
    QJsonObject record(const AuditEvent &event, const QDateTime &time,
                       const QString &eventId) const;

private:
    QString m_storeId;
    std::shared_ptr<const Clock> m_clock;
};

} // namespace gatehouse
