#include "SignupPolicy.h"

#include "PolicyJson.h"
#include "PolicyStore.h"

namespace gatehouse {

namespace {

const QString keyEnabled = QStringLiteral("enabled");
const QString kName = QStringLiteral("sign-up policy");

} // namespace

QJsonObject SignupPolicy::toJson() const
{
    return QJsonObject{{keyEnabled, enabled}};
}

Result<SignupPolicy> SignupPolicy::fromJson(const QJsonObject &json)
{
    if (Result<void> keys = PolicyJson::checkKeys(json, {keyEnabled}, kName); !keys)
        return keys.error();
    SignupPolicy policy;
    if (json.contains(keyEnabled)) {
        if (!json.value(keyEnabled).isBool())
            return PolicyJson::invalid(kName, QString(keyEnabled + u" must be true or false."));
        policy.enabled = json.value(keyEnabled).toBool();
    }
    return policy;
}

Result<SignupPolicy> SignupPolicy::load(SqlTransaction &tx)
{
    Result<QJsonObject> stored = PolicyStore::load(tx, QString::fromLatin1(kPolicyName));
    if (!stored)
        return stored.error();
    if (stored->isEmpty())
        return defaults();
    Result<SignupPolicy> policy = fromJson(*stored);
    if (!policy) {
        return makeError(ErrorCode::Integrity,
                         QStringLiteral("The stored sign-up policy is not valid; set it again."));
    }
    return policy;
}

Result<void> SignupPolicy::save(SqlTransaction &tx, const QString &updatedAt,
                                const QString &updatedBy) const
{
    return PolicyStore::save(tx, QString::fromLatin1(kPolicyName), toJson(), updatedAt, updatedBy);
}

} // namespace gatehouse
