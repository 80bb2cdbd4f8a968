#pragma once

#include "model/Result.h"
#include "store/SqlTransaction.h"

#include <QJsonObject>

namespace gatehouse {

// Whether anyone may create their own account (POST /auth/signup); stored as JSON in the
// `policies` table under "signup", editable and audited like the other policies. Off unless
// an administrator turns it on: a deployment that does not want strangers in never has them.
// Accounts made this way get the `user` role only; roles come from administrators.
struct SignupPolicy {
    bool enabled = false;

    static constexpr const char *kPolicyName = "signup";

    static SignupPolicy defaults() { return SignupPolicy{}; }

    QJsonObject toJson() const;
    // Strict: unknown keys and a non-boolean `enabled` are InvalidInput.
    static Result<SignupPolicy> fromJson(const QJsonObject &json);
    Result<void> validate() const { return {}; }

    static Result<SignupPolicy> load(SqlTransaction &tx);
    Result<void> save(SqlTransaction &tx, const QString &updatedAt, const QString &updatedBy) const;

    friend bool operator==(const SignupPolicy &, const SignupPolicy &) = default;
};

} // namespace gatehouse
