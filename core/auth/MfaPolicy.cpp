#include "MfaPolicy.h"

#include "PolicyJson.h"
#include "PolicyStore.h"

#include <QJsonArray>

namespace gatehouse {

namespace {

const QString keyRoles = QStringLiteral("requiredForRoles");
const QString keyIssuer = QStringLiteral("issuer");
const QString kName = QStringLiteral("MFA policy");

} // namespace

bool MfaPolicy::requiredFor(const QList<Role> &roles) const
{
    for (const Role role : roles) {
        if (requiredForRoles.contains(role))
            return true;
    }
    return false;
}

QJsonObject MfaPolicy::toJson() const
{
    QJsonArray roles;
    for (const Role role : requiredForRoles)
        roles.append(roleName(role));
    return QJsonObject{{keyRoles, roles}, {keyIssuer, issuer}};
}

Result<MfaPolicy> MfaPolicy::fromJson(const QJsonObject &json)
{
    if (Result<void> keys = PolicyJson::checkKeys(json, {keyRoles, keyIssuer}, kName); !keys)
        return keys.error();
    MfaPolicy policy;
    if (json.contains(keyRoles)) {
        const QJsonValue value = json.value(keyRoles);
        if (!value.isArray())
            return PolicyJson::invalid(kName, QString(keyRoles + u" must be a list of roles."));
        policy.requiredForRoles.clear();
        for (const QJsonValue &entry : value.toArray()) {
            const std::optional<Role> role = roleFromName(entry.toString());
            if (!entry.isString() || !role) {
                return PolicyJson::invalid(
                    kName,
                    QString(keyRoles
                            + u" may only hold owner, admin, operator, auditor "
                              u"and user."));
            }
            if (policy.requiredForRoles.contains(*role))
                return PolicyJson::invalid(kName, QString(keyRoles + u" names a role twice."));
            policy.requiredForRoles.append(*role);
        }
    }
    if (json.contains(keyIssuer)) {
        const QJsonValue value = json.value(keyIssuer);
        if (!value.isString())
            return PolicyJson::invalid(kName, QString(keyIssuer + u" must be text."));
        policy.issuer = value.toString();
    }
    if (Result<void> valid = policy.validate(); !valid)
        return valid.error();
    return policy;
}

Result<void> MfaPolicy::validate() const
{
    const bool issuerOk = !issuer.isEmpty() && issuer.size() <= kMaxIssuerLength
        && !issuer.contains(u':') && std::none_of(issuer.begin(), issuer.end(), [](QChar c) {
               return c.category() == QChar::Other_Control || c.category() == QChar::Other_Format
                   || c.isSurrogate();
           });
    if (!issuerOk) {
        return PolicyJson::invalid(kName,
                                   QStringLiteral("issuer must be 1 to %1 characters, without ':' "
                                                  "or control characters.")
                                       .arg(kMaxIssuerLength));
    }
    return {};
}

Result<MfaPolicy> MfaPolicy::load(SqlTransaction &tx)
{
    Result<QJsonObject> stored = PolicyStore::load(tx, QString::fromLatin1(kPolicyName));
    if (!stored)
        return stored.error();
    if (stored->isEmpty())
        return defaults();
    Result<MfaPolicy> policy = fromJson(*stored);
    if (!policy) {
        return makeError(ErrorCode::Integrity,
                         QStringLiteral("The stored MFA policy is not valid; set it again."));
    }
    return policy;
}

Result<void> MfaPolicy::save(SqlTransaction &tx, const QString &updatedAt,
                             const QString &updatedBy) const
{
    if (Result<void> valid = validate(); !valid)
        return valid;
    return PolicyStore::save(tx, QString::fromLatin1(kPolicyName), toJson(), updatedAt, updatedBy);
}

} // namespace gatehouse
