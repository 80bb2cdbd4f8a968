#include "SessionPolicy.h"

#include "PolicyJson.h"
#include "PolicyStore.h"

#include <QJsonDocument>
#include <QStringList>

#include <cmath>

namespace gatehouse {

namespace {

const QString keyIdle = QStringLiteral("idleTimeoutSeconds");
const QString keyAbsolute = QStringLiteral("absoluteLifetimeSeconds");
const QString keyMaxSessions = QStringLiteral("maxSessionsPerUser");
const QString keyPendingMfa = QStringLiteral("pendingMfaLifetimeSeconds");
const QString keyLastSeen = QStringLiteral("lastSeenWriteIntervalSeconds");
const QString keyRetention = QStringLiteral("retentionDays");
const QString keyReauthentication = QStringLiteral("reauthenticationWindowSeconds");

Error badPolicy(const QString &why)
{
    return makeError(ErrorCode::InvalidInput, QString(u"Session policy: " + why));
}

Result<void> inRange(const QString &key, int value, int low, int high)
{
    return PolicyJson::checkRange(QStringLiteral("Session policy"), key, value, low, high);
}

} // namespace

QJsonObject SessionPolicy::toJson() const
{
    return QJsonObject{
        {keyIdle, idleTimeoutSeconds},
        {keyAbsolute, absoluteLifetimeSeconds},
        {keyMaxSessions, maxSessionsPerUser},
        {keyPendingMfa, pendingMfaLifetimeSeconds},
        {keyLastSeen, lastSeenWriteIntervalSeconds},
        {keyRetention, retentionDays},
        {keyReauthentication, reauthenticationWindowSeconds},
    };
}

Result<SessionPolicy> SessionPolicy::fromJson(const QJsonObject &json)
{
    const QStringList known = {keyIdle,     keyAbsolute,  keyMaxSessions,     keyPendingMfa,
                               keyLastSeen, keyRetention, keyReauthentication};
    const QString name = QStringLiteral("Session policy");
    if (Result<void> keys = PolicyJson::checkKeys(json, known, name); !keys)
        return keys.error();
    SessionPolicy policy;
    for (Result<void> read :
         {PolicyJson::readInt(json, keyIdle, policy.idleTimeoutSeconds, name),
          PolicyJson::readInt(json, keyAbsolute, policy.absoluteLifetimeSeconds, name),
          PolicyJson::readInt(json, keyMaxSessions, policy.maxSessionsPerUser, name),
          PolicyJson::readInt(json, keyPendingMfa, policy.pendingMfaLifetimeSeconds, name),
          PolicyJson::readInt(json, keyLastSeen, policy.lastSeenWriteIntervalSeconds, name),
          PolicyJson::readInt(json, keyRetention, policy.retentionDays, name),
          PolicyJson::readInt(json, keyReauthentication, policy.reauthenticationWindowSeconds,
                              name)}) {
        if (!read)
            return read.error();
    }
    if (Result<void> valid = policy.validate(); !valid)
        return valid.error();
    return policy;
}

Result<void> SessionPolicy::validate() const
{
    for (Result<void> checked :
         {inRange(keyIdle, idleTimeoutSeconds, MinIdleTimeout, MaxIdleTimeout),
          inRange(keyAbsolute, absoluteLifetimeSeconds, MinAbsoluteLifetime, MaxAbsoluteLifetime),
          inRange(keyMaxSessions, maxSessionsPerUser, 1, MaxSessionsCeiling),
          inRange(keyPendingMfa, pendingMfaLifetimeSeconds, MinPendingMfaLifetime,
                  MaxPendingMfaLifetime),
          inRange(keyLastSeen, lastSeenWriteIntervalSeconds, 0, MaxLastSeenWriteInterval),
          inRange(keyRetention, retentionDays, 1, MaxRetentionDays),
          inRange(keyReauthentication, reauthenticationWindowSeconds, MinReauthenticationWindow,
                  MaxReauthenticationWindow)}) {
        if (!checked)
            return checked.error();
    }
    if (idleTimeoutSeconds > absoluteLifetimeSeconds)
        return badPolicy(QString(keyIdle + u" must not exceed " + keyAbsolute + u'.'));
    // Otherwise a session could expire between two recorded uses while in constant use.
    if (lastSeenWriteIntervalSeconds >= idleTimeoutSeconds)
        return badPolicy(QString(keyLastSeen + u" must be below " + keyIdle + u'.'));
    return {};
}

Result<SessionPolicy> SessionPolicy::load(SqlTransaction &tx)
{
    Result<QJsonObject> stored = PolicyStore::load(tx, QString::fromLatin1(kPolicyName));
    if (!stored)
        return stored.error();
    if (stored->isEmpty())
        return defaults();
    Result<SessionPolicy> policy = fromJson(*stored);
    if (!policy) {
        return makeError(ErrorCode::Integrity,
                         QStringLiteral("The stored session policy is not valid; set it again."));
    }
    return policy;
}

Result<void> SessionPolicy::save(SqlTransaction &tx, const QString &updatedAt,
                                 const QString &updatedBy) const
{
    if (Result<void> valid = validate(); !valid)
        return valid;
    return PolicyStore::save(tx, QString::fromLatin1(kPolicyName), toJson(), updatedAt, updatedBy);
}

} // namespace gatehouse
