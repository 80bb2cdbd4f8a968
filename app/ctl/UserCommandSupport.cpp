#include "UserCommandSupport.h"

#include "auth/UserRows.h"

#include <QRegularExpression>

namespace gatehouse::ctl::UserSupport {

namespace {

QString roleList(const QList<Role> &roles)
{
    QStringList names;
    for (const Role role : roles)
        names.append(roleName(role));
    return names.join(QLatin1Char(','));
}

QString timeOr(const QDateTime &time, const QString &fallback)
{
    return time.isValid() ? UserRows::isoUtc(time) : fallback;
}

QString orDash(const QString &text)
{
    return text.isEmpty() ? QStringLiteral("-") : plain(text);
}

} // namespace

std::optional<User::Status> parseStatus(QStringView text)
{
    if (text == u"active")
        return User::Status::Active;
    if (text == u"disabled")
        return User::Status::Disabled;
    return std::nullopt;
}

std::optional<bool> parseYesNo(QStringView text)
{
    if (text == u"yes")
        return true;
    if (text == u"no")
        return false;
    return std::nullopt;
}

std::optional<UserQuery::SortKey> parseSort(QStringView text)
{
    if (text == u"username")
        return UserQuery::SortKey::Username;
    if (text == u"email")
        return UserQuery::SortKey::Email;
    if (text == u"created")
        return UserQuery::SortKey::CreatedAt;
    if (text == u"last-login")
        return UserQuery::SortKey::LastLogin;
    return std::nullopt;
}

std::optional<QList<Role>> parseRoles(const QStringList &names, QString *bad)
{
    QList<Role> roles;
    for (const QString &name : names) {
        const std::optional<Role> role = roleFromName(name);
        if (!role) {
            *bad = name;
            return std::nullopt;
        }
        if (!roles.contains(*role))
            roles.append(*role);
    }
    return roles;
}

bool looksLikeId(QStringView text)
{
    static const QRegularExpression uuid(QStringLiteral(
        "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"));
    return uuid.match(text.toString()).hasMatch();
}

QString plain(const QString &text)
{
    QString out = text;
    for (QChar &c : out) {
        const QChar::Category category = c.category();
        // Other_Format covers the bidi overrides and isolates (U+202A..U+202E, U+2066..U+2069).
        if (category == QChar::Other_Control || category == QChar::Other_Format
            || category == QChar::Separator_Line || category == QChar::Separator_Paragraph)
            c = QChar(QChar::ReplacementCharacter);
    }
    return out;
}

QList<QPair<QString, QString>> describe(const User &user)
{
    const QString yes = QStringLiteral("yes");
    const QString no = QStringLiteral("no");
    return {
        {QStringLiteral("Id"), user.id},
        {QStringLiteral("Username"), plain(user.username)},
        {QStringLiteral("E-mail"), orDash(user.email)},
        {QStringLiteral("Display name"), orDash(user.displayName)},
        {QStringLiteral("Status"), userStatusName(user.status)},
        {QStringLiteral("Roles"), roleList(user.roles)},
        {QStringLiteral("Password set"), user.passwordSet ? yes : no},
        {QStringLiteral("MFA enrolled"), user.mfaEnrolled ? yes : no},
        {QStringLiteral("Locked until"), timeOr(user.lockedUntil, no)},
        {QStringLiteral("Failed attempts"), QString::number(user.failedAttempts)},
        {QStringLiteral("Last login"), timeOr(user.lastLoginAt, QStringLiteral("never"))},
        {QStringLiteral("Created"), timeOr(user.createdAt, QStringLiteral("-"))},
        {QStringLiteral("Updated"), timeOr(user.updatedAt, QStringLiteral("-"))},
    };
}

QString table(const QList<User> &users)
{
    QList<QStringList> rows{{QStringLiteral("USERNAME"), QStringLiteral("EMAIL"),
                             QStringLiteral("STATUS"), QStringLiteral("ROLES"),
                             QStringLiteral("LAST LOGIN")}};
    for (const User &user : users) {
        rows.append({plain(user.username), orDash(user.email), userStatusName(user.status),
                     roleList(user.roles), timeOr(user.lastLoginAt, QStringLiteral("never"))});
    }
    return textTable(rows);
}

QString textTable(const QList<QStringList> &rows)
{
    QList<qsizetype> widths(rows.value(0).size(), 0);
    for (const QStringList &row : rows) {
        for (qsizetype i = 0; i < row.size() && i < widths.size(); ++i)
            widths[i] = std::max(widths[i], row.at(i).size());
    }
    QString text;
    for (const QStringList &row : rows) {
        QString line;
        for (qsizetype i = 0; i < row.size(); ++i)
            line += i + 1 < row.size() ? row.at(i).leftJustified(widths.value(i) + 2) : row.at(i);
        text += line + QLatin1Char('\n');
    }
    return text;
}

} // namespace gatehouse::ctl::UserSupport
