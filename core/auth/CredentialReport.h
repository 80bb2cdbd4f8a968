#pragma once

#include "ServiceContext.h"
#include "model/Actor.h"

#include <QIODevice>

namespace gatehouse {

// The credential report, like IAM's: one CSV row per user with what an auditor asks about
// credentials: status and roles, whether a password is set and how old it is, MFA, the last
// login, failed attempts, live sessions, and the user's live service tokens (how many, the
// age of the oldest, the most recent use, the nearest expiry). Written user by user, so a
// directory of any size is never held in memory. Cells are neutralised as audit exports are.
class CredentialReport
{
public:
    explicit CredentialReport(const ServiceContext &context)
        : m_context(context)
    {}

    // users:read, sessions:read and tokens:read. Returns how many users were written.
    Result<qint64> write(const Actor &actor, QIODevice &out) const;

    static const QList<QByteArray> &columns();

private:
    const ServiceContext &m_context;
};

} // namespace gatehouse
