#include "SessionRows.h"

#include "UserRows.h"
#include "crypto/Hash.h"

#include <QUuid>

namespace gatehouse::SessionRows {

using UserRows::fromIso;
using UserRows::isoUtc;

namespace {

constexpr int kMaxReasonLength = 500;

bool isUnsafe(QChar c)
{
    return c.category() == QChar::Other_Control || c.category() == QChar::Other_Format
        || c.isSurrogate();
}

} // namespace

QString columns()
{
    return QStringLiteral(
        "s.id, s.user_id, u.username, s.state, s.created_at, s.last_seen_at, s.idle_expires_at,"
        " s.absolute_expires_at, s.revoked_at, s.revoked_by, s.revoke_reason, s.source_ip,"
        " s.user_agent, s.mfa_authenticated");
}

QString from()
{
    return QStringLiteral("sessions s JOIN users u ON u.id = s.user_id");
}

Session fromRow(const QSqlQuery &query)
{
    Session session;
    session.id = query.value(0).toString();
    session.userId = query.value(1).toString();
    session.username = query.value(2).toString();
    session.state = query.value(3).toString() == QStringLiteral("active")
        ? Session::State::Active
        : Session::State::PendingMfa;
    session.createdAt = fromIso(query.value(4));
    session.lastSeenAt = fromIso(query.value(5));
    session.idleExpiresAt = fromIso(query.value(6));
    session.absoluteExpiresAt = fromIso(query.value(7));
    session.revokedAt = fromIso(query.value(8));
    session.revokedBy = query.value(9).toString();
    session.revokeReason = query.value(10).toString();
    session.sourceIp = query.value(11).toString();
    session.userAgent = query.value(12).toString();
    session.mfaAuthenticated = query.value(13).toInt() != 0;
    return session;
}

Result<Session> byId(SqlTransaction &tx, const QString &id)
{
    Result<QSqlQuery> row =
        tx.exec(QStringLiteral("SELECT %1 FROM %2 WHERE s.id = ?").arg(columns(), from()), {id});
    if (!row)
        return row.error();
    if (!row->next())
        return makeError(ErrorCode::NotFound, QStringLiteral("No such session."));
    return fromRow(*row);
}

Result<std::optional<Lookup>> byTokenHash(SqlTransaction &tx, const QByteArray &hash)
{
    Result<QSqlQuery> row = tx.exec(QStringLiteral("SELECT %1, u.status, s.token_hash FROM %2"
                                                   " WHERE s.token_hash = ?")
                                        .arg(columns(), from()),
                                    {hash});
    if (!row)
        return row.error();
    if (!row->next())
        return std::optional<Lookup>();
    // The index found the row by equality; comparing again in constant time costs nothing
    // and keeps the rule "secrets are compared in constant time" without exceptions.
    if (!crypto::constantTimeEquals(row->value(15).toByteArray(), hash))
        return std::optional<Lookup>();
    return std::optional<Lookup>(
        Lookup{fromRow(*row), row->value(14).toString() == QStringLiteral("active")});
}

QString revoker(const Actor &actor)
{
    return actor.userId.isEmpty() ? actor.username : actor.userId;
}

Result<QString> checkReason(const QString &reason)
{
    if (reason.size() > kMaxReasonLength) {
        return makeError(
            ErrorCode::InvalidInput,
            QStringLiteral("The reason is longer than %1 characters.").arg(kMaxReasonLength));
    }
    for (const QChar c : reason) {
        if (isUnsafe(c)) {
            return makeError(ErrorCode::InvalidInput,
                             QStringLiteral("The reason contains control or invisible "
                                            "formatting characters."));
        }
    }
    return reason.isNull() ? QStringLiteral("") : reason;
}

bool isWellFormedId(const QString &id)
{
    return id.size() == 36 && !QUuid::fromString(id).isNull();
}

QString auditableId(const QString &id)
{
    return isWellFormedId(id) ? id : QStringLiteral("(malformed id)");
}

QString clientText(const QString &text, int maxLength)
{
    QString kept = text.left(maxLength);
    for (QChar &c : kept) {
        if (isUnsafe(c))
            c = QLatin1Char('?');
    }
    return kept.isNull() ? QStringLiteral("") : kept;
}

Result<int> revokeLive(SqlTransaction &tx, const QString &where, const QVariantList &parameters,
                       const QDateTime &now, const QString &revokedBy, const QString &reason)
{
    const QString at = isoUtc(now);
    QVariantList all{at, revokedBy, reason.isEmpty() ? QVariant() : QVariant(reason)};
    all << parameters << at << at;
    Result<QSqlQuery> revoked =
        tx.exec(QStringLiteral("UPDATE sessions SET revoked_at = ?, revoked_by = ?,"
                               " revoke_reason = ? WHERE (%1) AND revoked_at IS NULL"
                               " AND idle_expires_at > ? AND absolute_expires_at > ?")
                    .arg(where),
                all);
    if (!revoked)
        return revoked.error();
    return revoked->numRowsAffected();
}

QJsonObject toJson(const Session &session, const QDateTime &now)
{
    QJsonObject json{
        {QStringLiteral("id"), session.id},
        {QStringLiteral("userId"), session.userId},
        {QStringLiteral("username"), session.username},
        {QStringLiteral("status"), sessionStatusName(session.status(now))},
        {QStringLiteral("createdAt"), isoUtc(session.createdAt)},
        {QStringLiteral("lastSeenAt"), isoUtc(session.lastSeenAt)},
        {QStringLiteral("idleExpiresAt"), isoUtc(session.idleExpiresAt)},
        {QStringLiteral("absoluteExpiresAt"), isoUtc(session.absoluteExpiresAt)},
        {QStringLiteral("sourceIp"), session.sourceIp},
        {QStringLiteral("userAgent"), session.userAgent},
        {QStringLiteral("mfaAuthenticated"), session.mfaAuthenticated},
    };
    if (session.revokedAt.isValid()) {
        json.insert(QStringLiteral("revokedAt"), isoUtc(session.revokedAt));
        json.insert(QStringLiteral("revokedBy"), session.revokedBy);
        json.insert(QStringLiteral("revokeReason"), session.revokeReason);
    }
    return json;
}

} // namespace gatehouse::SessionRows
