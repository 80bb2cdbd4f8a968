#include "SessionSearch.h"

#include "NewestFirstPage.h"
#include "SessionRows.h"
#include "UserRows.h"
#include "model/PageToken.h"

#include <QJsonDocument>

namespace gatehouse::SessionSearch {

using UserRows::isoUtc;

namespace {

QString fingerprint(const SessionQuery &query, const QString &onlyUserId)
{
    QJsonObject described = describe(query);
    described.insert(QStringLiteral("only"), onlyUserId);
    return PageToken::fingerprint(described);
}

// The status filter as SQL over `s`, with the current time bound as parameters.
void statusFilter(Session::Status status, const QString &now, QStringList &where,
                  QVariantList &parameters)
{
    switch (status) {
    case Session::Status::Revoked:
        where << QStringLiteral("s.revoked_at IS NOT NULL");
        return;
    case Session::Status::Expired:
        where << QStringLiteral("s.revoked_at IS NULL"
                                " AND (s.idle_expires_at <= ? OR s.absolute_expires_at <= ?)");
        parameters << now << now;
        return;
    case Session::Status::Active:
    case Session::Status::PendingMfa:
        where << QStringLiteral("s.revoked_at IS NULL AND s.state = ?"
                                " AND s.idle_expires_at > ? AND s.absolute_expires_at > ?");
        parameters << (status == Session::Status::Active ? QStringLiteral("active")
                                                         : QStringLiteral("pending_mfa"))
                   << now << now;
        return;
    }
}

} // namespace

QJsonObject describe(const SessionQuery &query)
{
    QJsonObject json{{QStringLiteral("pageSize"), query.pageSize}};
    if (!query.userId.isEmpty())
        json.insert(QStringLiteral("userId"), SessionRows::auditableId(query.userId));
    if (query.status)
        json.insert(QStringLiteral("status"), sessionStatusName(*query.status));
    if (!query.sourceIp.isEmpty())
        json.insert(QStringLiteral("sourceIp"), query.sourceIp.left(64));
    if (query.createdAfter.isValid())
        json.insert(QStringLiteral("createdAfter"), isoUtc(query.createdAfter));
    if (query.createdBefore.isValid())
        json.insert(QStringLiteral("createdBefore"), isoUtc(query.createdBefore));
    return json;
}

Result<Page<Session>> run(SqlTransaction &tx, const SessionQuery &query, const QDateTime &now,
                          const QString &onlyUserId)
{
    if (query.pageSize < 1 || query.pageSize > kMaxPageSize) {
        return makeError(
            ErrorCode::InvalidInput,
            QStringLiteral("The page size must be between 1 and %1.").arg(kMaxPageSize));
    }
    if (query.userId.size() > 64 || query.sourceIp.size() > 64) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("A user id or IP address filter is too long."));
    }
    const QString queryFingerprint = fingerprint(query, onlyUserId);

    QStringList where;
    QVariantList parameters;
    if (!onlyUserId.isEmpty()) {
        where << QStringLiteral("s.user_id = ?");
        parameters << onlyUserId;
    }
    if (!query.userId.isEmpty()) {
        where << QStringLiteral("s.user_id = ?");
        parameters << query.userId;
    }
    if (query.status)
        statusFilter(*query.status, isoUtc(now), where, parameters);
    if (!query.sourceIp.isEmpty()) {
        where << QStringLiteral("s.source_ip = ?");
        parameters << query.sourceIp;
    }
    if (query.createdAfter.isValid()) {
        where << QStringLiteral("s.created_at >= ?");
        parameters << isoUtc(query.createdAfter);
    }
    if (query.createdBefore.isValid()) {
        where << QStringLiteral("s.created_at < ?");
        parameters << isoUtc(query.createdBefore);
    }
    return newestFirstPage<Session>(tx, SessionRows::columns(), SessionRows::from(),
                                    QStringLiteral("s"), where, parameters, query.pageToken,
                                    queryFingerprint, query.pageSize, SessionRows::fromRow);
}

} // namespace gatehouse::SessionSearch
