#include "UserSearch.h"

#include <QRegularExpression>

#include "UserDirectory.h"
#include "UserRows.h"
#include "model/PageToken.h"

#include <QJsonDocument>

#include <algorithm>
#include <cmath>
#include <limits>

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

// Roles with at most this many users are tested from a list of them built once per search;
// a commoner role is tested user by user (the walk then meets one of its users almost at once).
constexpr qint64 kListedRoleUsers = 20000;

// One condition of a search: `sql` is what every row must satisfy. A selective condition can
// also find its own users through an index: `source` is a FROM clause that starts from them
// (users is joined to it) and `count` counts them through the index alone, up to a limit (its
// last parameter), unless `found` already holds that number. The search starts from the
// condition's users when they are fewer than `startBelow`. `clustered` marks a condition whose
// users sit together in the sort order, so that walking the order to find them could read
// most of the table first; `impliedBySource` one that its source already guarantees.
struct Condition {
    QString sql;
    QVariantList parameters;
    QString source;
    QString count;
    QVariantList sourceParameters;
    qint64 found = -1;
    qint64 startBelow = 0;
    bool clustered = false;
    bool impliedBySource = false;
};

Condition tested(QString sql, QVariantList parameters)
{
    Condition condition;
    condition.sql = std::move(sql);
    condition.parameters = std::move(parameters);
    return condition;
}

// The plans here are written for SQLite's planner, steered by CROSS JOIN (which keeps the
// order of the tables) and unary + (which keeps a column from using its index). PostgreSQL
// plans from statistics and has neither form: the same SQL, without the steering, for it.
QString forDialect(SqlTransaction &tx, QString sql)
{
    if (!tx.postgres())
        return sql;
    static const QRegularExpression unaryPlus(QStringLiteral("(^|[(\\s])\\+(users\\.|ifnull\\()"));
    sql.replace(QStringLiteral(" CROSS JOIN users ON "), QStringLiteral(" JOIN users ON "));
    sql.replace(unaryPlus, QStringLiteral("\\1\\2"));
    return sql;
}

// A condition whose users `select` (their rowid, as rid) finds through an index. `counted`,
// if given, is a cheaper form of `select` for counting, which may repeat a user.
Condition indexed(QString sql, QVariantList parameters, const QString &select,
                  QVariantList sourceParameters, qint64 startBelow, const QString &counted = {})
{
    Condition condition = tested(std::move(sql), std::move(parameters));
    condition.startBelow = startBelow;
    // CROSS JOIN keeps SQLite to this order: the condition's users first, then their rows.
    condition.source =
        QStringLiteral("(%1) AS pick CROSS JOIN users ON users.rowid = pick.rid").arg(select);
    condition.count = QStringLiteral("SELECT count(*) FROM (%1 LIMIT ?) AS found")
                          .arg(counted.isEmpty() ? select : counted);
    condition.sourceParameters = std::move(sourceParameters);
    return condition;
}

// Which way to run a search. Walking the sort index and testing each row costs about
// pageSize / selectivity rows, so it suits conditions that many users meet; starting from the
// users a condition's index finds and sorting them costs their number, so it suits rare
// ones. SQLite's planner cannot tell the two apart (it keeps no per-value statistics), so the
// search counts, through the index alone and only up to a limit, how many users each
// selective condition finds, and starts from the rarest when it finds fewer than the limit.
// The limit balances the two worst cases: sqrt(page x users) rows either way.
Result<qint64> driverLimit(SqlTransaction &tx, int pageSize)
{
    // max(rowid) is a lookup at the end of the table, not a count; deleted users only make it
    // larger, which errs towards starting from an index.
    Result<QVariant> highest = tx.scalar(QStringLiteral("SELECT max(rowid) FROM users"));
    if (!highest)
        return highest.error();
    const double users = std::max(1.0, highest->toDouble());
    return std::clamp<qint64>(qint64(std::sqrt(double(pageSize + 1) * users)), 256, 20000);
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

    Result<qint64> limit = driverLimit(tx, query.pageSize);
    if (!limit)
        return limit.error();

    // The conditions. Where a condition is tested row by row while the sort index is walked,
    // a unary + keeps SQLite from using an index for it instead of the sort order.
    const bool byLastLogin = query.sortKey == UserQuery::SortKey::LastLogin;
    QList<Condition> conditions;
    const QString low = query.prefix.toLower();
    const QString high = prefixEnd(low);
    if (!query.prefix.isEmpty()) {
        const QVariantList bounds{low, high, low, high, low, high};
        // UNION drops users found twice but collects every match before the first comes out;
        // UNION ALL streams, so counting up to the limit stops there.
        const QString branches = QStringLiteral(
            "SELECT rowid AS rid FROM users WHERE username >= ? AND username < ? %1"
            " SELECT rowid FROM users WHERE email_key >= ? AND email_key < ? %1"
            " SELECT rowid FROM users WHERE display_name_key >= ? AND display_name_key < ?");
        Condition prefix = indexed(
            QStringLiteral("((+users.username >= ? AND +users.username < ?)"
                           " OR (+users.email_key >= ? AND +users.email_key < ?)"
                           " OR (+users.display_name_key >= ? AND +users.display_name_key < ?))"),
            bounds, branches.arg(QStringLiteral("UNION")), bounds, *limit,
            branches.arg(QStringLiteral("UNION ALL")));
        // Users whose name or address starts alike sort together by name and by address: a
        // first page would walk every name before them. A next page starts inside them (at
        // the last page's end), where walking on finds the next ones at once.
        prefix.clustered = query.pageToken.isEmpty()
            && (query.sortKey == UserQuery::SortKey::Username
                || query.sortKey == UserQuery::SortKey::Email);
        conditions.append(prefix);
    }
    if (query.status)
        conditions.append(
            tested(QStringLiteral("users.status = ?"), {userStatusName(*query.status)}));
    if (query.role) {
        const QString role = roleName(*query.role);
        Result<QVariant> members =
            tx.scalar(QStringLiteral("SELECT count(*) FROM (SELECT 1 FROM user_roles"
                                     " WHERE role = ? LIMIT ?) AS members"),
                      {role, kListedRoleUsers + 1});
        if (!members)
            return members.error();
        // Every sort index holds users.id (migrations 0002 and 0007), so a role tested against
        // a list of its users costs no read of the user's row while walking. The walk tests
        // rows about ten times faster than starting from a role's users fetches them, so the
        // role is started from only when its users are sqrt(10) ~ 3 times fewer than the limit.
        Condition condition = tested(
            members->toLongLong() <= kListedRoleUsers
                ? QStringLiteral("+users.id IN (SELECT user_id FROM user_roles WHERE role = ?)")
                : QStringLiteral("EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = users.id"
                                 " AND r.role = ?)"),
            {role});
        condition.source = QStringLiteral("(SELECT user_id FROM user_roles WHERE role = ?) AS pick"
                                          " CROSS JOIN users ON users.id = pick.user_id");
        condition.sourceParameters = {role};
        condition.found = members->toLongLong();
        condition.startBelow = *limit / 3;
        condition.impliedBySource = true;
        conditions.append(condition);
    }
    if (query.mfaEnrolled)
        conditions.append(
            tested(QStringLiteral("users.mfa_enrolled = ?"), {*query.mfaEnrolled ? 1 : 0}));
    if (query.locked) {
        const QString stamp = UserRows::isoUtc(now);
        if (*query.locked) {
            // Found through the partial index of migration 0007, which holds only users that
            // were ever locked.
            conditions.append(
                indexed(QStringLiteral("+users.locked_until > ?"), {stamp},
                        QStringLiteral("SELECT rowid AS rid FROM users WHERE locked_until > ?"),
                        {stamp}, *limit));
        } else {
            conditions.append(
                tested(QStringLiteral("ifnull(users.locked_until, '') <= ?"), {stamp}));
        }
    }
    if (query.lastLoginBefore.isValid() || query.lastLoginAfter.isValid()) {
        // Users who never signed in sort as '', so they count as "before" any time. The sort
        // index of last logins serves the range too; sorted by last login, it is walked anyway.
        const QString login = byLastLogin ? QStringLiteral("ifnull(users.last_login_at, '')")
                                          : QStringLiteral("+ifnull(users.last_login_at, '')");
        QStringList range;
        QStringList indexRange;
        QVariantList bounds;
        if (query.lastLoginAfter.isValid()) {
            range << QString(login + u" >= ?");
            indexRange << QStringLiteral("ifnull(last_login_at, '') >= ?");
            bounds << UserRows::isoUtc(query.lastLoginAfter);
        }
        if (query.lastLoginBefore.isValid()) {
            range << QString(login + u" < ?");
            indexRange << QStringLiteral("ifnull(last_login_at, '') < ?");
            bounds << UserRows::isoUtc(query.lastLoginBefore);
        }
        const QString sql = range.join(QStringLiteral(" AND "));
        conditions.append(byLastLogin
                              ? tested(sql, bounds)
                              : indexed(sql, bounds,
                                        QStringLiteral("SELECT rowid AS rid FROM users WHERE %1")
                                            .arg(indexRange.join(QStringLiteral(" AND "))),
                                        bounds, *limit));
    }
    if (!query.pageToken.isEmpty()) {
        Result<PageToken::Position> position = PageToken::decode(query.pageToken, queryFingerprint);
        if (!position)
            return position.error();
        conditions.append(
            tested(QStringLiteral("(%1, users.id) %2 (?, ?)")
                       .arg(sort, query.descending ? QStringLiteral("<") : QStringLiteral(">")),
                   {position->key, position->id}));
    }

    // Start from the condition with the fewest users among those under their limit, or else
    // from a clustered one whatever its size. Counting stops at the fewest found so far.
    const Condition *driver = nullptr;
    qint64 fewest = std::numeric_limits<qint64>::max();
    for (const Condition &condition : conditions) {
        if (condition.source.isEmpty())
            continue;
        const qint64 cap = std::min(condition.startBelow, fewest);
        qint64 found = condition.found;
        if (found < 0) {
            QVariantList countParameters = condition.sourceParameters;
            countParameters << cap;
            Result<QVariant> counted = tx.scalar(forDialect(tx, condition.count), countParameters);
            if (!counted)
                return counted.error();
            found = counted->toLongLong();
        }
        if (found < cap) {
            fewest = found;
            driver = &condition;
        }
    }
    for (const Condition &condition : conditions) {
        if (!driver && condition.clustered)
            driver = &condition;
    }

    const QString direction = query.descending ? QStringLiteral("DESC") : QStringLiteral("ASC");
    // One page (plus one row, to tell whether another follows) from `from`, whose parameters
    // come first, testing every condition but one that its source already guarantees.
    struct Rows {
        QList<User> users;
        QStringList emailKeys;
    };
    const auto fetch = [&](const QString &from, const QVariantList &fromParameters,
                           const Condition *implied, const QString &also = {},
                           const QVariantList &alsoParameters = {}) -> Result<Rows> {
        QStringList where;
        QVariantList parameters = fromParameters;
        if (!also.isEmpty()) {
            where << also;
            parameters << alsoParameters;
        }
        for (const Condition &condition : conditions) {
            if (&condition == implied && condition.impliedBySource)
                continue;
            where << condition.sql;
            parameters << condition.parameters;
        }
        const QString sql =
            QStringLiteral("SELECT %1, ifnull(users.email_key, '') FROM %2 %3 ORDER BY %4 %5,"
                           " users.id %5 LIMIT ?")
                .arg(UserRows::columns(), from,
                     where.isEmpty()
                         ? QString()
                         : QStringLiteral("WHERE ") + where.join(QStringLiteral(" AND ")),
                     sort, direction);
        parameters << query.pageSize + 1;
        Result<QSqlQuery> result = tx.exec(forDialect(tx, sql), parameters);
        if (!result)
            return result.error();
        Rows rows;
        while (result->next()) {
            rows.users.append(UserRows::fromRow(*result));
            rows.emailKeys.append(result->value(13).toString());
        }
        return rows;
    };

    std::optional<Rows> rows;
    // A common prefix, first page by name: its matches by name sit together in name order, but
    // those by e-mail or display name may sort anywhere, so all of them would be collected and
    // sorted. Instead, the first page of matches by name alone (walked in name order within
    // the prefix's range) bounds the page: no user past its last one can be on it. Matches by
    // e-mail and display name are then read only up to that bound, from indexes that hold the
    // name (migration 0009), and the few found join the ones by name.
    if (driver && driver->clustered && query.sortKey == UserQuery::SortKey::Username) {
        Result<Rows> byName =
            fetch(QStringLiteral("users"), {}, nullptr,
                  QStringLiteral("users.username >= ? AND users.username < ?"), {low, high});
        if (!byName)
            return byName.error();
        if (byName->users.size() > query.pageSize) {
            const User &bound = byName->users.last();
            const QString within = query.descending ? QStringLiteral("(username, id) >= (?, ?)")
                                                    : QStringLiteral("(username, id) <= (?, ?)");
            const QString branches =
                QStringLiteral("SELECT rowid AS rid FROM users WHERE username >= ? AND"
                               " username < ? AND %1"
                               " UNION SELECT rowid FROM users WHERE email_key >= ? AND"
                               " email_key < ? AND %1"
                               " UNION SELECT rowid FROM users WHERE display_name_key >= ? AND"
                               " display_name_key < ? AND %1")
                    .arg(within);
            QVariantList bounds;
            for (int i = 0; i < 3; ++i)
                bounds << low << high << bound.username << bound.id;
            Result<Rows> bounded =
                fetch(QStringLiteral("(%1) AS pick CROSS JOIN users ON users.rowid = pick.rid")
                          .arg(branches),
                      bounds, nullptr);
            if (!bounded)
                return bounded.error();
            rows = std::move(bounded).value();
        }
    }
    if (!rows) {
        Result<Rows> started = fetch(driver ? driver->source : QStringLiteral("users"),
                                     driver ? driver->sourceParameters : QVariantList(), driver);
        if (!started)
            return started.error();
        rows = std::move(started).value();
    }
    Page<User> page;
    page.items = std::move(rows->users);
    const QStringList &emailKeys = rows->emailKeys;
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
