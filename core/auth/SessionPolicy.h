#pragma once

#include "model/Result.h"
#include "store/SqlTransaction.h"

#include <QJsonObject>
#include <QString>

namespace gatehouse {

// How long sessions live and how many a user may hold (SEC-22, D10), stored as JSON in the
// `policies` table under "session"; a store without one uses the defaults.
//
// - idleTimeoutSeconds (default 30 min): a session unused this long ends. The defaults follow
//   NIST SP 800-63B-4 for AAL2 (reauthenticate after at most 1 h of inactivity, 24 h overall)
//   with shorter admin-console values, as OWASP's Session Management cheat sheet suggests.
// - absoluteLifetimeSeconds (default 12 h): the session ends then, however busy.
// - maxSessionsPerUser (default 20): starting one more live session (active or pending MFA)
//   revokes the user's OLDEST live sessions, by creation time, with the reason "session limit".
//   Eviction rather than refusal: a user who lost a device can still sign in, and a stolen
//   password cannot lock the owner out by filling the slots.
// - pendingMfaLifetimeSeconds (default 5 min): how long a password-only session waits for the
//   TOTP step before it dies.
// - lastSeenWriteIntervalSeconds (default 60 s): validation writes last-seen (and moves the idle
//   expiry) only when the stored last-seen is older than this, so busy sessions cost one write
//   a minute, not one per request. The idle timeout is therefore measured from the last
//   recorded use: a session may end up to this interval earlier than exact tracking would
//   give, never later.
// - reauthenticationWindowSeconds (default 15 min): sensitive self-service changes (password,
//   MFA enrolment and removal, recovery codes) need a session at most this old, besides the
//   current password (SEC-09, SEC-19, A13). Every sign-in starts a new session (SEC-21), so a
//   session's age is the time since its holder last proved who they are.
// - retentionDays (default 30): expired and revoked rows are kept this long, for listings and
//   investigations, and then deleted by purge().
// A changed policy applies to sessions started afterwards; a running session keeps its
// absolute limit and gets the new idle timeout at its next recorded use.
struct SessionPolicy {
    int idleTimeoutSeconds = 30 * 60;
    int absoluteLifetimeSeconds = 12 * 3600;
    int maxSessionsPerUser = 20;
    int pendingMfaLifetimeSeconds = 5 * 60;
    int lastSeenWriteIntervalSeconds = 60;
    int retentionDays = 30;
    int reauthenticationWindowSeconds = 15 * 60;

    static constexpr int MinIdleTimeout = 60;
    static constexpr int MaxIdleTimeout = 24 * 3600;
    static constexpr int MinAbsoluteLifetime = 5 * 60;
    static constexpr int MaxAbsoluteLifetime = 30 * 24 * 3600;
    static constexpr int MaxSessionsCeiling = 1000;
    static constexpr int MinPendingMfaLifetime = 60;
    static constexpr int MaxPendingMfaLifetime = 30 * 60;
    static constexpr int MaxLastSeenWriteInterval = 300;
    static constexpr int MaxRetentionDays = 3650;
    static constexpr int MinReauthenticationWindow = 60;
    static constexpr int MaxReauthenticationWindow = 24 * 3600;

    static constexpr const char *kPolicyName = "session";

    static SessionPolicy defaults() { return SessionPolicy{}; }

    // Keys are the member names. fromJson() is strict: unknown keys, wrong types, fractions
    // and out-of-range values are InvalidInput; a missing key keeps its default.
    QJsonObject toJson() const;
    static Result<SessionPolicy> fromJson(const QJsonObject &json);

    // Every value within its range; idle timeout at most the absolute lifetime; the last-seen
    // write interval below the idle timeout.
    Result<void> validate() const;

    // The stored policy, or the defaults when none was stored. A stored document that no
    // longer passes fromJson() is an Integrity error, never silently replaced.
    static Result<SessionPolicy> load(SqlTransaction &tx);
    Result<void> save(SqlTransaction &tx, const QString &updatedAt, const QString &updatedBy) const;

    friend bool operator==(const SessionPolicy &, const SessionPolicy &) = default;
};

} // namespace gatehouse
