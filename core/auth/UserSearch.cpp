#include "UserSearch.h"

#include "PageToken.h"
#include "UserDirectory.h"
#include "UserRows.h"

#include <QJsonDocument>

namespace gatehouse::UserSearch {

namespace {

// The sort expressions match the indexes of migration 0002 exactly, so SQLite walks an index
// instead of sorting.
QString sortExpression(UserQuery::SortKey key)
{
    switch (key) {
    case UserQuery::SortKey::Username:
        return QStringLiteral("users.username");
    case UserQuery::SortKey::Email:
        return QStringLiteral("ifnull(users.email_key, '')");
    case UserQuery::SortKey::CreatedAt:
        return QStringLiteral("users.created_at");
    case UserQuery::SortKey::LastLogin:
        return QStringLiteral("ifnull(users.last_login_at, '')");
    }
    return QStringLiteral("users.username");
}

QString sortKeyName(UserQuery::SortKey key)
{
    switch (key) {
    case UserQuery::SortKey::Username:
        return QStringLiteral("username");
    case UserQuery::SortKey::Email:
        return QStringLiteral("email");
    case UserQuery::SortKey::CreatedAt:
        return QStringLiteral("createdAt");
    case UserQuery::SortKey::LastLogin:
        return QStringLiteral("lastLogin");
    }
    return {};
}

QVariant sortValue(const User &user, UserQuery::SortKey key, const QString &emailKey)
{
    switch (key) {
    case UserQuery::SortKey::Username:
        return user.username;
    case UserQuery::SortKey::Email:
        return emailKey;
    case UserQuery::SortKey::CreatedAt:
        return UserRows::isoUtc(user.createdAt);
    case UserQuery::SortKey::LastLogin:
        return UserRows::isoUtc(user.lastLoginAt);
    }
    return {};
}

// The smallest string above every string that starts with `prefix`: U+10FFFF is the greatest
// code point, and SQLite compares text as UTF-8 bytes.
QString prefixEnd(const QString &prefix)
{
    return prefix + QString::fromUcs4(U"\U0010FFFF", 1);
}

} // namespace

QJsonObject describe(const UserQuery &query)
{
    QJsonObject json{{QStringLiteral("sortKey"), sortKeyName(query.sortKey)},
                     {QStringLiteral("descending"), query.descending},
                     {QStringLiteral("pageSize"), query.pageSize}};
    if (!query.prefix.isEmpty())
        json.insert(QStringLiteral("prefix"), query.prefix);
    if (query.status)
        json.insert(QStringLiteral("status"), userStatusName(*query.status));
    if (query.role)
        json.insert(QStringLiteral("role"), roleName(*query.role));
    if (query.mfaEnrolled)
        json.insert(QStringLiteral("mfaEnrolled"), *query.mfaEnrolled);
    if (query.locked)
        json.insert(QStringLiteral("locked"), *query.locked);
    if (query.lastLoginBefore.isValid())
        json.insert(QStringLiteral("lastLoginBefore"), UserRows::isoUtc(query.lastLoginBefore));
    if (query.lastLoginAfter.isValid())
        json.insert(QStringLiteral("lastLoginAfter"), UserRows::isoUtc(query.lastLoginAfter));
    return json;
}

Result<Page<User>> run(SqlTransaction &tx, const UserQuery &query, const QDateTime &now)
{
    if (query.pageSize < 1 || query.pageSize > UserDirectory::kMaxPageSize) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("The page size must be between 1 and %1.")
                             .arg(UserDirectory::kMaxPageSize));
    }
    if (query.prefix.size() > 256) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("The search text is longer than 256 characters."));
    }
    // Everything but the page position: a token is only valid for the query that issued it.
    const QString queryFingerprint = PageToken::fingerprint(describe(query));
    const QString sort = sortExpression(query.sortKey);

    QStringList where;
    QVariantList parameters;
    if (!query.prefix.isEmpty()) {
        const QString low = query.prefix.toLower();
        const QString high = prefixEnd(low);
        where << QStringLiteral(
            "((users.username >= ? AND users.username < ?)"
            " OR (users.email_key >= ? AND users.email_key < ?)"
            " OR (users.display_name_key >= ? AND users.display_name_key < ?))");
        parameters << low << high << low << high << low << high;
    }
    if (query.status) {
        where << QStringLiteral("users.status = ?");
        parameters << userStatusName(*query.status);
    }
    if (query.role) {
        where << QStringLiteral("EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = users.id"
                                " AND r.role = ?)");
        parameters << roleName(*query.role);
    }
    if (query.mfaEnrolled) {
        where << QStringLiteral("users.mfa_enrolled = ?");
        parameters << (*query.mfaEnrolled ? 1 : 0);
    }
    if (query.locked) {
        where << (*query.locked ? QStringLiteral("ifnull(users.locked_until, '') > ?")
                                : QStringLiteral("ifnull(users.locked_until, '') <= ?"));
        parameters << UserRows::isoUtc(now);
    }
    if (query.lastLoginBefore.isValid()) {
        where << QStringLiteral("ifnull(users.last_login_at, '') < ?");
        parameters << UserRows::isoUtc(query.lastLoginBefore);
    }
    if (query.lastLoginAfter.isValid()) {
        where << QStringLiteral("users.last_login_at >= ?");
        parameters << UserRows::isoUtc(query.lastLoginAfter);
    }
    if (!query.pageToken.isEmpty()) {
        Result<PageToken::Position> position = PageToken::decode(query.pageToken, queryFingerprint);
        if (!position)
            return position.error();
        where << QStringLiteral("(%1, users.id) %2 (?, ?)")
                     .arg(sort, query.descending ? QStringLiteral("<") : QStringLiteral(">"));
        parameters << position->key << position->id;
    }
    const QString direction = query.descending ? QStringLiteral("DESC") : QStringLiteral("ASC");
    const QString sql =
        QStringLiteral("SELECT %1, ifnull(users.email_key, '') FROM users %2 ORDER BY %3 %4,"
                       " users.id %4 LIMIT ?")
            .arg(UserRows::columns(),
                 where.isEmpty() ? QString()
                                 : QStringLiteral("WHERE ") + where.join(QStringLiteral(" AND ")),
                 sort, direction);
    parameters << query.pageSize + 1;

    Result<QSqlQuery> rows = tx.exec(sql, parameters);
    if (!rows)
        return rows.error();
    Page<User> page;
    QStringList emailKeys;
    while (rows->next()) {
        page.items.append(UserRows::fromRow(*rows));
        emailKeys.append(rows->value(13).toString());
    }
    if (page.items.size() > query.pageSize) {
        page.items.removeLast();
        const User &last = page.items.last();
        page.nextPageToken = PageToken::encode(
            {sortValue(last, query.sortKey, emailKeys.at(page.items.size() - 1)).toString(),
             last.id},
            queryFingerprint);
    }
    if (Result<void> roles = UserRows::loadRoles(tx, page.items); !roles)
        return roles.error();
    return page;
}

} // namespace gatehouse::UserSearch
