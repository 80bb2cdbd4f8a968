#pragma once

#include <QByteArray>
#include <QString>

namespace gatehouse {

// One stored audit record: the CloudTrail-shaped record and the columns beside it that
// lookups use. The chain hashes all of them (AuditChain::entryHash), so a lookup column edited
// on its own is caught as surely as an edited record.
struct AuditRow {
    qint64 seq = 0;
    QString eventId;
    QString eventTime; // ISO 8601 UTC with milliseconds, as in the record
    QString eventSource;
    QString eventName;
    bool readOnly = false;
    QString username; // the columns below: empty when the record has none
    QString accessKeyId;
    QString sourceIp;
    QString errorCode;
    QString resourceType;
    QString resourceName;
    QByteArray record; // compact JSON, UTF-8
    QByteArray prevHash;
    QByteArray entryHash;
};

} // namespace gatehouse
