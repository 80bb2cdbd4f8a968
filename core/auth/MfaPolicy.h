#pragma once

#include "model/Result.h"
#include "model/Role.h"
#include "store/SqlTransaction.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace gatehouse {

// Who must use a second factor, and how authenticator apps name this deployment; stored as
// JSON in the `policies` table under "mfa", editable and audited like the other policies.
//
// - requiredForRoles (default: every administrative role): a signed-in user holding any of
//   these roles gets none of its permissions from a session that did not pass the TOTP step.
//   Such a user can still sign in with a password alone, to enrol; the session then acts as
//   a plain user until they sign in again with a code. Service tokens are a factor of their
//   own (256 random bits) and are not affected; nor is local administration by whoever holds
//   the store file, who could change the policy anyway.
// - issuer (default "Gatehouse"): the label in otpauth:// URIs, shown by authenticator apps
//   above the account name. 1..64 characters, no ':' (it separates issuer and account in the
//   URI label) and no control characters.
struct MfaPolicy {
    QList<Role> requiredForRoles{Role::Owner, Role::Admin, Role::Operator, Role::Auditor};
    QString issuer = QStringLiteral("Gatehouse");

    static constexpr const char *kPolicyName = "mfa";
    static constexpr int kMaxIssuerLength = 64;

    static MfaPolicy defaults() { return MfaPolicy{}; }

    bool requiredFor(const QList<Role> &roles) const;

    QJsonObject toJson() const;
    // Strict: unknown keys, unknown roles, duplicates and a bad issuer are InvalidInput.
    static Result<MfaPolicy> fromJson(const QJsonObject &json);
    Result<void> validate() const;

    static Result<MfaPolicy> load(SqlTransaction &tx);
    Result<void> save(SqlTransaction &tx, const QString &updatedAt, const QString &updatedBy) const;

    friend bool operator==(const MfaPolicy &, const MfaPolicy &) = default;
};

} // namespace gatehouse
