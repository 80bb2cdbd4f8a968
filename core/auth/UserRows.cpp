#include "UserRows.h"

#include "EmailAddress.h"
#include "UsernameProfile.h"

#include <QJsonArray>

#include <optional>

namespace gatehouse::UserRows {

namespace {

// isoUtc()'s own shape, "yyyy-MM-ddTHH:mm:ss.zzzZ", read without QDateTime::fromString(): the
// session checks of every validated request parse several of these, and the general parser
// costs more than the lookup itself. Anything else (older rows, other offsets) takes the
// general path.
std::optional<QDateTime> fromStoredShape(QStringView text)
{
    static constexpr QStringView shape = u"0000-00-00T00:00:00.000Z";
    if (text.size() != shape.size())
        return std::nullopt;
    for (qsizetype i = 0; i < shape.size(); ++i) {
        const bool digit = shape[i] == u'0';
        if (digit ? !text[i].isDigit() || text[i].unicode() > u'9' : text[i] != shape[i])
            return std::nullopt;
    }
    const auto number = [&](qsizetype from, qsizetype length) {
        int value = 0;
        for (qsizetype i = from; i < from + length; ++i)
            value = value * 10 + (text[i].unicode() - u'0');
        return value;
    };
    const QDate date(number(0, 4), number(5, 2), number(8, 2));
    const QTime time(number(11, 2), number(14, 2), number(17, 2), number(20, 3));
    if (!date.isValid() || !time.isValid())
        return QDateTime();
    return QDateTime(date, time, Qt::UTC);
}

} // namespace

QDateTime fromIso(const QVariant &value)
{
    if (value.isNull())
        return {};
    const QString text = value.toString();
    if (std::optional<QDateTime> stored = fromStoredShape(text))
        return *stored;
    QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    return time.isValid() ? time.toUTC() : QDateTime();
}

QString columns()
{
    return QStringLiteral(
        "users.id, users.username, users.email, users.display_name, users.status,"
        " users.password_hash IS NOT NULL, users.mfa_enrolled, users.locked_until,"
        " users.failed_attempts, users.last_login_at, users.password_changed_at,"
        " users.created_at, users.updated_at");
}

User fromRow(const QSqlQuery &query)
{
    User user;
    user.id = query.value(0).toString();
    user.username = query.value(1).toString();
    user.email = query.value(2).toString();
    user.displayName = query.value(3).toString();
    user.status = query.value(4).toString() == QStringLiteral("active") ? User::Status::Active
                                                                        : User::Status::Disabled;
    user.passwordSet = query.value(5).toInt() != 0;
    user.mfaEnrolled = query.value(6).toInt() != 0;
    user.lockedUntil = fromIso(query.value(7));
    user.failedAttempts = query.value(8).toInt();
    user.lastLoginAt = fromIso(query.value(9));
    user.passwordChangedAt = fromIso(query.value(10));
    user.createdAt = fromIso(query.value(11));
    user.updatedAt = fromIso(query.value(12));
    return user;
}

Result<void> loadRoles(SqlTransaction &tx, QList<User> &users)
{
    if (users.isEmpty())
        return {};
    QStringList placeholders;
    QVariantList ids;
    for (const User &user : users) {
        placeholders.append(QStringLiteral("?"));
        ids.append(user.id);
    }
    Result<QSqlQuery> rows = tx.exec(
        QStringLiteral("SELECT user_id, role FROM user_roles WHERE user_id IN (%1) ORDER BY role")
            .arg(placeholders.join(QLatin1Char(','))),
        ids);
    if (!rows)
        return rows.error();
    while (rows->next()) {
        const QString userId = rows->value(0).toString();
        const std::optional<Role> role = roleFromName(rows->value(1).toString());
        for (User &user : users) {
            if (user.id == userId && role)
                user.roles.append(*role);
        }
    }
    for (User &user : users)
        std::sort(user.roles.begin(), user.roles.end());
    return {};
}

namespace {

Error noSuchUser()
{
    return makeError(ErrorCode::NotFound, QStringLiteral("No such user."));
}

Result<User> single(SqlTransaction &tx, const QString &where, const QVariantList &parameters)
{
    Result<QSqlQuery> row =
        tx.exec(QStringLiteral("SELECT %1 FROM users WHERE %2").arg(columns(), where), parameters);
    if (!row)
        return row.error();
    if (!row->next())
        return noSuchUser();
    QList<User> users{fromRow(*row)};
    if (Result<void> roles = loadRoles(tx, users); !roles)
        return roles.error();
    return users.first();
}

} // namespace

Result<User> byId(SqlTransaction &tx, const QString &id)
{
    return single(tx, QStringLiteral("users.id = ?"), {id});
}

Result<User> byUsernameOrEmail(SqlTransaction &tx, const QString &typed)
{
    if (typed.contains(QLatin1Char('@'))) {
        Result<QString> key = EmailAddress::uniquenessKey(typed);
        if (!key)
            return noSuchUser();
        return single(tx, QStringLiteral("users.email_key = ?"), {*key});
    }
    Result<QString> username = UsernameProfile::prepare(typed);
    if (!username)
        return noSuchUser();
    return single(tx, QStringLiteral("users.username = ?"), {*username});
}

Result<int> activeOwnerCount(SqlTransaction &tx)
{
    Result<QVariant> count = tx.scalar(
        QStringLiteral("SELECT count(*) FROM user_roles r JOIN users u ON u.id = r.user_id"
                       " WHERE r.role = 'owner' AND u.status = 'active'"));
    if (!count)
        return count.error();
    return count->toInt();
}

QJsonObject toJson(const User &user)
{
    QJsonArray roles;
    for (const Role role : user.roles)
        roles.append(roleName(role));
    QJsonObject json{
        {QStringLiteral("id"), user.id},
        {QStringLiteral("username"), user.username},
        {QStringLiteral("email"), user.email},
        {QStringLiteral("displayName"), user.displayName},
        {QStringLiteral("status"), userStatusName(user.status)},
        {QStringLiteral("roles"), roles},
        {QStringLiteral("passwordSet"), user.passwordSet},
        {QStringLiteral("mfaEnrolled"), user.mfaEnrolled},
        {QStringLiteral("failedAttempts"), user.failedAttempts},
        {QStringLiteral("createdAt"), isoUtc(user.createdAt)},
        {QStringLiteral("updatedAt"), isoUtc(user.updatedAt)},
    };
    if (user.lockedUntil.isValid())
        json.insert(QStringLiteral("lockedUntil"), isoUtc(user.lockedUntil));
    if (user.lastLoginAt.isValid())
        json.insert(QStringLiteral("lastLoginAt"), isoUtc(user.lastLoginAt));
    if (user.passwordChangedAt.isValid())
        json.insert(QStringLiteral("passwordChangedAt"), isoUtc(user.passwordChangedAt));
    return json;
}

} // namespace gatehouse::UserRows
