#include "ServiceTokenSearch.h"

#include "NewestFirstPage.h"
#include "ServiceTokenRows.h"
#include "SessionRows.h"
#include "UserRows.h"
#include "model/PageToken.h"

namespace gatehouse::ServiceTokenSearch {

using UserRows::isoUtc;

namespace {

constexpr qint64 kMaxWindowSeconds = qint64(ServiceTokenPolicy::MaxDays) * 24 * 3600;

QString fingerprint(const ServiceTokenQuery &query, const QString &onlyOwnerId)
{
    QJsonObject described = describe(query);
    described.insert(QStringLiteral("only"), onlyOwnerId);
    return PageToken::fingerprint(described);
}

// The status filter as SQL over `t`, with the current time bound as parameters.
void statusFilter(ServiceToken::Status status, const QString &now, QStringList &where,
                  QVariantList &parameters)
{
    switch (status) {
    case ServiceToken::Status::Revoked:
        where << QStringLiteral("t.revoked_at IS NOT NULL");
        return;
    case ServiceToken::Status::Expired:
        where << QStringLiteral("t.revoked_at IS NULL AND t.expires_at <= ?");
        parameters << now;
        return;
    case ServiceToken::Status::Inactive:
        where << QStringLiteral("t.revoked_at IS NULL AND t.expires_at > ?"
                                " AND t.deactivated_at IS NOT NULL");
        parameters << now;
        return;
    case ServiceToken::Status::Active:
        where << QStringLiteral("t.revoked_at IS NULL AND t.expires_at > ?"
                                " AND t.deactivated_at IS NULL");
        parameters << now;
        return;
    }
}

} // namespace

QJsonObject describe(const ServiceTokenQuery &query)
{
    QJsonObject json{{QStringLiteral("pageSize"), query.pageSize}};
    if (!query.ownerId.isEmpty())
        json.insert(QStringLiteral("ownerId"), SessionRows::auditableId(query.ownerId));
    if (query.status)
        json.insert(QStringLiteral("status"), serviceTokenStatusName(*query.status));
    if (query.expiringWithinSeconds)
        json.insert(QStringLiteral("expiringWithinSeconds"), double(*query.expiringWithinSeconds));
    if (query.stale)
        json.insert(QStringLiteral("stale"), true);
    return json;
}

Result<Page<ServiceToken>> run(SqlTransaction &tx, const ServiceTokenQuery &query,
                               const QDateTime &now, const ServiceTokenPolicy &policy,
                               const QString &onlyOwnerId)
{
    if (query.pageSize < 1 || query.pageSize > kMaxPageSize) {
        return makeError(
            ErrorCode::InvalidInput,
            QStringLiteral("The page size must be between 1 and %1.").arg(kMaxPageSize));
    }
    if (query.ownerId.size() > 64) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("The owner filter is too long; give a user id."));
    }
    if (query.expiringWithinSeconds
        && (*query.expiringWithinSeconds <= 0
            || *query.expiringWithinSeconds > kMaxWindowSeconds)) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("The expiry window must be more than 0 and at most %1 "
                                        "days.")
                             .arg(ServiceTokenPolicy::MaxDays));
    }
    const QString queryFingerprint = fingerprint(query, onlyOwnerId);
    const QString at = isoUtc(now);

    QStringList where;
    QVariantList parameters;
    if (!onlyOwnerId.isEmpty()) {
        where << QStringLiteral("t.user_id = ?");
        parameters << onlyOwnerId;
    }
    if (!query.ownerId.isEmpty()) {
        where << QStringLiteral("t.user_id = ?");
        parameters << query.ownerId;
    }
    if (query.status)
        statusFilter(*query.status, at, where, parameters);
    if (query.expiringWithinSeconds) {
        where << QStringLiteral("t.revoked_at IS NULL AND t.expires_at > ? AND t.expires_at <= ?");
        parameters << at << isoUtc(now.addSecs(*query.expiringWithinSeconds));
    }
    if (query.stale) {
        where << QStringLiteral("t.revoked_at IS NULL AND t.expires_at > ? AND t.rotated_at <= ?");
        parameters << at << isoUtc(now.addDays(-qint64(policy.rotationAgeDays)));
    }
    return newestFirstPage<ServiceToken>(
        tx, ServiceTokenRows::columns(), ServiceTokenRows::from(), QStringLiteral("t"), where,
        parameters, query.pageToken, queryFingerprint, query.pageSize, ServiceTokenRows::fromRow);
}

} // namespace gatehouse::ServiceTokenSearch
