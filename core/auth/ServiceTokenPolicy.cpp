#include "ServiceTokenPolicy.h"

#include "PolicyJson.h"
#include "PolicyStore.h"
#include "store/SqlTransaction.h"

#include <QStringList>

namespace gatehouse {

namespace {

const QString keyMaxLifetime = QStringLiteral("maxLifetimeDays");
const QString keyDefaultLifetime = QStringLiteral("defaultLifetimeDays");
const QString keyRotationAge = QStringLiteral("rotationAgeDays");
const QString keyRetention = QStringLiteral("retentionDays");

const QString kName = QStringLiteral("Service token policy");

} // namespace

QJsonObject ServiceTokenPolicy::toJson() const
{
    return QJsonObject{
        {keyMaxLifetime, maxLifetimeDays},
        {keyDefaultLifetime, defaultLifetimeDays},
        {keyRotationAge, rotationAgeDays},
        {keyRetention, retentionDays},
    };
}

Result<ServiceTokenPolicy> ServiceTokenPolicy::fromJson(const QJsonObject &json)
{
    const QStringList known = {keyMaxLifetime, keyDefaultLifetime, keyRotationAge, keyRetention};
    if (Result<void> keys = PolicyJson::checkKeys(json, known, kName); !keys)
        return keys.error();
    ServiceTokenPolicy policy;
    for (Result<void> read :
         {PolicyJson::readInt(json, keyMaxLifetime, policy.maxLifetimeDays, kName),
          PolicyJson::readInt(json, keyDefaultLifetime, policy.defaultLifetimeDays, kName),
          PolicyJson::readInt(json, keyRotationAge, policy.rotationAgeDays, kName),
          PolicyJson::readInt(json, keyRetention, policy.retentionDays, kName)}) {
        if (!read)
            return read.error();
    }
    if (Result<void> valid = policy.validate(); !valid)
        return valid.error();
    return policy;
}

Result<void> ServiceTokenPolicy::validate() const
{
    for (Result<void> checked :
         {PolicyJson::checkRange(kName, keyMaxLifetime, maxLifetimeDays, 1, MaxDays),
          PolicyJson::checkRange(kName, keyDefaultLifetime, defaultLifetimeDays, 1, MaxDays),
          PolicyJson::checkRange(kName, keyRotationAge, rotationAgeDays, 1, MaxDays),
          PolicyJson::checkRange(kName, keyRetention, retentionDays, 1, MaxDays)}) {
        if (!checked)
            return checked.error();
    }
    if (defaultLifetimeDays > maxLifetimeDays) {
        return PolicyJson::invalid(
            kName, QString(keyDefaultLifetime + u" must not exceed " + keyMaxLifetime + u'.'));
    }
    return {};
}

Result<ServiceTokenPolicy> ServiceTokenPolicy::load(SqlTransaction &tx)
{
    Result<QJsonObject> stored = PolicyStore::load(tx, QString::fromLatin1(kPolicyName));
    if (!stored)
        return stored.error();
    if (stored->isEmpty())
        return defaults();
    Result<ServiceTokenPolicy> policy = fromJson(*stored);
    if (!policy) {
        return makeError(ErrorCode::Integrity,
                         QStringLiteral("The stored service token policy is not valid; set it "
                                        "again."));
    }
    return policy;
}

Result<void> ServiceTokenPolicy::save(SqlTransaction &tx, const QString &updatedAt,
                                      const QString &updatedBy) const
{
    if (Result<void> valid = validate(); !valid)
        return valid;
    return PolicyStore::save(tx, QString::fromLatin1(kPolicyName), toJson(), updatedAt, updatedBy);
}

} // namespace gatehouse
