#include "CredentialReport.h"

#include "AccessControl.h"
#include "UserRows.h"
#include "audit/EventExport.h"

#include <QSqlQuery>

namespace gatehouse {

using UserRows::isoUtc;

namespace {

constexpr int kBatch = 1000;

QString orEmpty(const QDateTime &time)
{
    return time.isValid() ? isoUtc(time) : QString();
}

QString daysSince(const QDateTime &time, const QDateTime &now)
{
    return time.isValid() ? QString::number(time.daysTo(now)) : QString();
}

QString yesNo(bool value)
{
    return value ? QStringLiteral("true") : QStringLiteral("false");
}

} // namespace

const QList<QByteArray> &CredentialReport::columns()
{
    static const QList<QByteArray> names{"user",
                                         "user_id",
                                         "email",
                                         "status",
                                         "roles",
                                         "locked",
                                         "password_enabled",
                                         "password_last_changed",
                                         "password_age_days",
                                         "mfa_active",
                                         "last_login",
                                         "failed_attempts",
                                         "active_sessions",
                                         "active_tokens",
                                         "oldest_token_age_days",
                                         "token_last_used",
                                         "token_next_expiry",
                                         "user_creation_time"};
    return names;
}

Result<qint64> CredentialReport::write(const Actor &actor, QIODevice &out) const
{
    AuditEvent event = AuditEvent::of(actor, "GetCredentialReport", true);
    return m_context.perform<qint64>(
        event, Store::Access::Read,
        [&](SqlTransaction &tx, AuditEvent &recorded) -> Result<qint64> {
            for (Permission permission :
                 {Permission::UsersRead, Permission::SessionsRead, Permission::TokensRead}) {
                if (Result<AccessControl::Grant> grant =
                        AccessControl::require(tx, actor, permission);
                    !grant) {
                    return grant.error();
                }
            }
            const QDateTime now = m_context.clock().now();
            const QString at = isoUtc(now);
            if (out.write(columns().join(',') + "\r\n") < 0)
                return makeError(ErrorCode::Unavailable,
                                 QStringLiteral("Cannot write the report."));
            // The user's live tokens: not revoked, not deactivated, not expired.
            const QString live = QStringLiteral(
                " FROM service_tokens t WHERE t.user_id = users.id AND t.revoked_at IS NULL"
                " AND t.deactivated_at IS NULL AND t.expires_at > ?)");
            const QString sql = QStringLiteral("SELECT ") + UserRows::columns()
                + QStringLiteral(", (SELECT count(*) FROM sessions s WHERE s.user_id = users.id"
                                 " AND s.state = 'active' AND s.revoked_at IS NULL"
                                 " AND s.idle_expires_at > ? AND s.absolute_expires_at > ?)")
                + QStringLiteral(", (SELECT count(*)") + live
                + QStringLiteral(", (SELECT min(t.created_at)") + live
                + QStringLiteral(", (SELECT max(t.last_used_at)") + live
                + QStringLiteral(", (SELECT min(t.expires_at)") + live
                + QStringLiteral(" FROM users WHERE users.username > ? ORDER BY users.username"
                                 " LIMIT ?");
            // The aggregates follow the user's own columns.
            const int userColumns = int(UserRows::columns().count(QLatin1Char(','))) + 1;
            QString after = QStringLiteral(""); // not null: NULL compares with nothing
            qint64 written = 0;
            for (;;) {
                Result<QSqlQuery> rows = tx.exec(sql, {at, at, at, at, at, at, after, kBatch});
                if (!rows)
                    return rows.error();
                QList<User> users;
                QList<QStringList> extra;
                while (rows->next()) {
                    users.append(UserRows::fromRow(*rows));
                    QStringList values;
                    for (int column = userColumns; column < userColumns + 5; ++column)
                        values.append(rows->value(column).toString());
                    extra.append(values);
                }
                if (Result<void> roles = UserRows::loadRoles(tx, users); !roles)
                    return roles.error();
                QByteArray chunk;
                for (qsizetype i = 0; i < users.size(); ++i) {
                    const User &user = users.at(i);
                    const QStringList &more = extra.at(i);
                    QStringList roles;
                    for (Role role : user.roles)
                        roles.append(roleName(role));
                    const QDateTime oldestToken = UserRows::fromIso(more.at(2));
                    const QStringList cells{
                        user.username,
                        user.id,
                        user.email,
                        userStatusName(user.status),
                        roles.join(QLatin1Char(';')),
                        yesNo(user.isLocked(now)),
                        yesNo(user.passwordSet),
                        orEmpty(user.passwordChangedAt),
                        daysSince(user.passwordChangedAt, now),
                        yesNo(user.mfaEnrolled),
                        orEmpty(user.lastLoginAt),
                        QString::number(user.failedAttempts),
                        more.at(0),
                        more.at(1),
                        daysSince(oldestToken, now),
                        orEmpty(UserRows::fromIso(more.at(3))),
                        orEmpty(UserRows::fromIso(more.at(4))),
                        orEmpty(user.createdAt),
                    };
                    QByteArray line;
                    for (const QString &cell : cells)
                        line += (line.isEmpty() ? "" : ",") + EventExport::csvCell(cell);
                    chunk += line + "\r\n";
                }
                if (out.write(chunk) != chunk.size())
                    return makeError(ErrorCode::Unavailable,
                                     QStringLiteral("Cannot write the report."));
                written += users.size();
                if (users.size() < kBatch)
                    break;
                after = users.last().username;
            }
            recorded.responseElements.insert(QStringLiteral("users"), written);
            return written;
        });
}

} // namespace gatehouse
