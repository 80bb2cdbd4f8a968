#pragma once

#include <QDateTime>
#include <QString>

namespace gatehouse {

// A sign-in session as administrators and the owner see it. Never holds the token or its hash:
// the token exists only once, in IssuedSession, when the session starts.
struct Session {
    enum class State { PendingMfa, Active }; // as stored
    enum class Status { Active, Expired, Revoked, PendingMfa }; // as of a given time

    QString id; // UUID: the public handle for listings, revocation and audit records
    QString userId;
    QString username;
    State state = State::Active;
    QDateTime createdAt;
    QDateTime lastSeenAt;
    QDateTime idleExpiresAt; // never after absoluteExpiresAt
    QDateTime absoluteExpiresAt;
    QDateTime revokedAt; // invalid unless revoked
    QString revokedBy; // user id of whoever revoked it, or "gatehouse" for the server itself
    QString revokeReason;
    QString sourceIp;
    QString userAgent;
    bool mfaAuthenticated = false;

    // Revocation wins over expiry; a session ends at its idle or absolute limit, whichever
    // comes first, and at that exact instant it is already expired.
    Status status(const QDateTime &now) const
    {
        if (revokedAt.isValid())
            return Status::Revoked;
        if (now >= idleExpiresAt || now >= absoluteExpiresAt)
            return Status::Expired;
        return state == State::PendingMfa ? Status::PendingMfa : Status::Active;
    }
};

inline QString sessionStatusName(Session::Status status)
{
    switch (status) {
    case Session::Status::Active:
        return QStringLiteral("active");
    case Session::Status::Expired:
        return QStringLiteral("expired");
    case Session::Status::Revoked:
        return QStringLiteral("revoked");
    case Session::Status::PendingMfa:
        return QStringLiteral("pending_mfa");
    }
    return {};
}

} // namespace gatehouse
