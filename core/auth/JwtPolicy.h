#pragma once

#include "model/Result.h"
#include "store/SqlTransaction.h"

#include <QJsonObject>
#include <QString>

namespace gatehouse {

// What JWT access tokens say and how long they live, stored as JSON in the `policies` table
// under "jwt"; editable and audited like the other policies. A store without one uses the
// defaults.
//
// - issuer (default "gatehouse"): the `iss` of every token, and the only `iss` verification
//   accepts. Set it to the deployment's URL.
// - audience (default "gatehouse-api"): the `aud` of every token, and the audience
//   verification requires. Set it to the identifier the resource servers check.
// - lifetimeSeconds (default 600, 60..900): how long a token is valid. Access tokens cannot be
//   revoked one by one (resource servers verify them offline against JWKS), so they are kept
//   short; a token never outlives the session it was issued from either.
// - leewaySeconds (default 60, 0..60): clock skew tolerated for exp, nbf and iat (RFC 8725
//   §3.1 / SEC-30 cap it at 60 s).
// issuer and audience are 1..255 printable ASCII characters without spaces: they are compared
// byte for byte, and they reach logs and terminals.
struct JwtPolicy {
    QString issuer = QStringLiteral("gatehouse");
    QString audience = QStringLiteral("gatehouse-api");
    int lifetimeSeconds = 600;
    int leewaySeconds = 60;

    static constexpr int MinLifetime = 60;
    static constexpr int MaxLifetime = 900;
    static constexpr int MaxLeeway = 60;
    static constexpr int MaxNameLength = 255;

    static constexpr const char *kPolicyName = "jwt";

    static JwtPolicy defaults() { return JwtPolicy{}; }

    // Keys are the member names. fromJson() is strict: unknown keys, wrong types, fractions
    // and out-of-range values are InvalidInput; a missing key keeps its default.
    QJsonObject toJson() const;
    static Result<JwtPolicy> fromJson(const QJsonObject &json);
    Result<void> validate() const;

    // The stored policy, or the defaults when none was stored. A stored document that no
    // longer passes fromJson() is an Integrity error, never silently replaced.
    static Result<JwtPolicy> load(SqlTransaction &tx);
    Result<void> save(SqlTransaction &tx, const QString &updatedAt, const QString &updatedBy) const;

    friend bool operator==(const JwtPolicy &, const JwtPolicy &) = default;
};

} // namespace gatehouse
