#pragma once

#include "model/Result.h"

#include <QJsonObject>

namespace gatehouse {

class SqlTransaction; // only load() and save() need the store; AdminBackend users do not

// How long service tokens live and when they are reminded and purged (SEC-28), stored as JSON
// in the `policies` table under "service_token"; a store without one uses the defaults.
//
// - maxLifetimeDays (default 90): no token is created, or given a new expiry by a rotation,
//   for longer than this. Every token expires (SEC-28); the default follows the common 90-day
//   practice for API keys (GitHub's default, AWS's rotation advice).
// - defaultLifetimeDays (default 90): the lifetime of a token created without one. At most
//   maxLifetimeDays.
// - rotationAgeDays (default 60): a token whose current secret is older than this is "stale"
//   and listed for a rotation reminder. Nothing happens to it by itself.
// - retentionDays (default 30): expired and revoked tokens are kept this long, for listings
//   and investigations, and then deleted by purge().
// A changed policy applies to tokens created or rotated afterwards; existing expiries stay.
struct ServiceTokenPolicy {
    int maxLifetimeDays = 90;
    int defaultLifetimeDays = 90;
    int rotationAgeDays = 60;
    int retentionDays = 30;

    static constexpr int MaxDays = 3650;

    static constexpr const char *kPolicyName = "service_token";

    static ServiceTokenPolicy defaults() { return ServiceTokenPolicy{}; }

    // Keys are the member names. fromJson() is strict: unknown keys, wrong types, fractions
    // and out-of-range values are InvalidInput; a missing key keeps its default.
    QJsonObject toJson() const;
    static Result<ServiceTokenPolicy> fromJson(const QJsonObject &json);

    // Every value from 1 to MaxDays days; the default lifetime at most the maximum.
    Result<void> validate() const;

    // The stored policy, or the defaults when none was stored. A stored document that no
    // longer passes fromJson() is an Integrity error, never silently replaced.
    static Result<ServiceTokenPolicy> load(SqlTransaction &tx);
    Result<void> save(SqlTransaction &tx, const QString &updatedAt, const QString &updatedBy) const;

    friend bool operator==(const ServiceTokenPolicy &, const ServiceTokenPolicy &) = default;
};

} // namespace gatehouse
