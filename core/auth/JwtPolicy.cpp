#include "JwtPolicy.h"

#include "PolicyJson.h"
#include "PolicyStore.h"

#include <QStringList>

#include <algorithm>

namespace gatehouse {

namespace {

const QString keyIssuer = QStringLiteral("issuer");
const QString keyAudience = QStringLiteral("audience");
const QString keyLifetime = QStringLiteral("lifetimeSeconds");
const QString keyLeeway = QStringLiteral("leewaySeconds");
const QString kName = QStringLiteral("JWT policy");

bool isPrintableName(const QString &text)
{
    return !text.isEmpty() && text.size() <= JwtPolicy::MaxNameLength
        && std::all_of(text.begin(), text.end(),
                       [](QChar c) { return c.unicode() > 0x20 && c.unicode() < 0x7f; });
}

Result<void> readName(const QJsonObject &json, const QString &key, QString &out)
{
    const QJsonValue value = json.value(key);
    if (value.isUndefined())
        return {};
    if (!value.isString())
        return PolicyJson::invalid(kName, QString(key + u" must be text."));
    out = value.toString();
    return {};
}

} // namespace

QJsonObject JwtPolicy::toJson() const
{
    return QJsonObject{
        {keyIssuer, issuer},
        {keyAudience, audience},
        {keyLifetime, lifetimeSeconds},
        {keyLeeway, leewaySeconds},
    };
}

Result<JwtPolicy> JwtPolicy::fromJson(const QJsonObject &json)
{
    const QStringList known = {keyIssuer, keyAudience, keyLifetime, keyLeeway};
    if (Result<void> keys = PolicyJson::checkKeys(json, known, kName); !keys)
        return keys.error();
    JwtPolicy policy;
    for (Result<void> read :
         {readName(json, keyIssuer, policy.issuer), readName(json, keyAudience, policy.audience),
          PolicyJson::readInt(json, keyLifetime, policy.lifetimeSeconds, kName),
          PolicyJson::readInt(json, keyLeeway, policy.leewaySeconds, kName)}) {
        if (!read)
            return read.error();
    }
    if (Result<void> valid = policy.validate(); !valid)
        return valid.error();
    return policy;
}

Result<void> JwtPolicy::validate() const
{
    for (const QString *name : {&issuer, &audience}) {
        if (!isPrintableName(*name)) {
            return PolicyJson::invalid(
                kName,
                QStringLiteral("%1 must be 1 to %2 printable ASCII characters without spaces.")
                    .arg(name == &issuer ? keyIssuer : keyAudience)
                    .arg(MaxNameLength));
        }
    }
    for (Result<void> checked :
         {PolicyJson::checkRange(kName, keyLifetime, lifetimeSeconds, MinLifetime, MaxLifetime),
          PolicyJson::checkRange(kName, keyLeeway, leewaySeconds, 0, MaxLeeway)}) {
        if (!checked)
            return checked.error();
    }
    return {};
}

Result<JwtPolicy> JwtPolicy::load(SqlTransaction &tx)
{
    Result<QJsonObject> stored = PolicyStore::load(tx, QString::fromLatin1(kPolicyName));
    if (!stored)
        return stored.error();
    if (stored->isEmpty())
        return defaults();
    Result<JwtPolicy> policy = fromJson(*stored);
    if (!policy) {
        return makeError(ErrorCode::Integrity,
                         QStringLiteral("The stored JWT policy is not valid; set it again."));
    }
    return policy;
}

Result<void> JwtPolicy::save(SqlTransaction &tx, const QString &updatedAt,
                             const QString &updatedBy) const
{
    if (Result<void> valid = validate(); !valid)
        return valid;
    return PolicyStore::save(tx, QString::fromLatin1(kPolicyName), toJson(), updatedAt, updatedBy);
}

} // namespace gatehouse
