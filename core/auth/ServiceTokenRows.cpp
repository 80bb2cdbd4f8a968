#include "ServiceTokenRows.h"

#include "TokenFormat.h"
#include "UserRows.h"
#include "crypto/Hash.h"

#include <QJsonArray>

#include <algorithm>

namespace gatehouse::ServiceTokenRows {

using UserRows::fromIso;
using UserRows::isoUtc;

namespace {

constexpr int kMaxNameLength = 100;

bool isUnsafe(QChar c)
{
    return c.category() == QChar::Other_Control || c.category() == QChar::Other_Format
        || c.isSurrogate();
}

QList<ServiceTokenScope> scopesFrom(const QString &stored)
{
    QList<ServiceTokenScope> scopes;
    for (const QString &name : stored.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        if (const std::optional<ServiceTokenScope> scope = scopeFromName(name))
            scopes.append(*scope);
    }
    std::sort(scopes.begin(), scopes.end());
    return scopes;
}

} // namespace

QString columns()
{
    return QStringLiteral(
        "t.id, t.user_id, u.username, t.name,"
        " (SELECT group_concat(sc.scope, ' ') FROM service_token_scopes sc"
        " WHERE sc.token_id = t.id),"
        " t.created_at, t.created_by, t.expires_at, t.generation, t.rotated_at,"
        " (SELECT max(ss.retires_at) FROM service_token_secrets ss"
        " WHERE ss.token_id = t.id AND ss.retires_at IS NOT NULL),"
        " t.deactivated_at, t.deactivated_by, t.deactivate_reason, t.revoked_at, t.revoked_by,"
        " t.revoke_reason, t.last_used_at, t.last_used_ip, t.last_used_user_agent");
}

QString from()
{
    return QStringLiteral("service_tokens t JOIN users u ON u.id = t.user_id");
}

ServiceToken fromRow(const QSqlQuery &query)
{
    ServiceToken token;
    token.id = query.value(0).toString();
    token.ownerId = query.value(1).toString();
    token.ownerUsername = query.value(2).toString();
    token.name = query.value(3).toString();
    token.scopes = scopesFrom(query.value(4).toString());
    token.createdAt = fromIso(query.value(5));
    token.createdBy = query.value(6).toString();
    token.expiresAt = fromIso(query.value(7));
    token.generation = query.value(8).toInt();
    token.rotatedAt = fromIso(query.value(9));
    token.previousSecretRetiresAt = fromIso(query.value(10));
    token.deactivatedAt = fromIso(query.value(11));
    token.deactivatedBy = query.value(12).toString();
    token.deactivateReason = query.value(13).toString();
    token.revokedAt = fromIso(query.value(14));
    token.revokedBy = query.value(15).toString();
    token.revokeReason = query.value(16).toString();
    token.lastUsedAt = fromIso(query.value(17));
    token.lastUsedIp = query.value(18).toString();
    token.lastUsedUserAgent = query.value(19).toString();
    return token;
}

Error noSuchToken()
{
    return makeError(ErrorCode::NotFound, QStringLiteral("No such service token."));
}

Result<ServiceToken> byId(SqlTransaction &tx, const QString &id)
{
    if (!TokenFormat::isValidKeyId(id))
        return noSuchToken();
    Result<QSqlQuery> row =
        tx.exec(QStringLiteral("SELECT %1 FROM %2 WHERE t.id = ?").arg(columns(), from()), {id});
    if (!row)
        return row.error();
    if (!row->next())
        return noSuchToken();
    return fromRow(*row);
}

Result<QList<StoredSecret>> secretsOf(SqlTransaction &tx, const QString &tokenId)
{
    Result<QSqlQuery> rows = tx.exec(QStringLiteral("SELECT secret_hash, retires_at FROM"
                                                    " service_token_secrets WHERE token_id = ?"
                                                    " ORDER BY generation"),
                                     {tokenId});
    if (!rows)
        return rows.error();
    QList<StoredSecret> secrets;
    while (rows->next())
        secrets.append(StoredSecret{rows->value(0).toByteArray(), fromIso(rows->value(1))});
    return secrets;
}

int matchSecret(const QList<StoredSecret> &secrets, const QByteArray &presentedHash,
                const QDateTime &now)
{
    int found = -1;
    for (qsizetype i = 0; i < secrets.size(); ++i) {
        const StoredSecret &secret = secrets.at(i);
        const bool equal = crypto::constantTimeEquals(secret.hash, presentedHash);
        const bool live = !secret.retiresAt.isValid() || now < secret.retiresAt;
        if (equal && live)
            found = int(i);
    }
    return found;
}

QString auditableId(const QString &id)
{
    return TokenFormat::isValidKeyId(id) ? id : QStringLiteral("(malformed id)");
}

Result<QString> checkName(const QString &name)
{
    const QString trimmed = name.trimmed().normalized(QString::NormalizationForm_C);
    if (trimmed.isEmpty()) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("A service token needs a name that says what it is for."));
    }
    if (trimmed.size() > kMaxNameLength) {
        return makeError(
            ErrorCode::InvalidInput,
            QStringLiteral("The token name is longer than %1 characters.").arg(kMaxNameLength));
    }
    for (const QChar c : trimmed) {
        if (isUnsafe(c)) {
            return makeError(ErrorCode::InvalidInput,
                             QStringLiteral("The token name contains control or invisible "
                                            "formatting characters."));
        }
    }
    return trimmed;
}

Result<QList<ServiceTokenScope>> checkScopes(const QList<ServiceTokenScope> &scopes)
{
    QList<ServiceTokenScope> sorted = scopes;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    if (sorted.isEmpty()) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("A service token needs at least one scope: admin, "
                                        "admin:read or introspect."));
    }
    return sorted;
}

QJsonObject toJson(const ServiceToken &token, const QDateTime &now)
{
    QJsonArray scopes;
    for (const ServiceTokenScope scope : token.scopes)
        scopes.append(scopeName(scope));
    QJsonObject json{
        {QStringLiteral("id"), token.id},
        {QStringLiteral("ownerId"), token.ownerId},
        {QStringLiteral("owner"), token.ownerUsername},
        {QStringLiteral("name"), token.name},
        {QStringLiteral("scopes"), scopes},
        {QStringLiteral("status"), serviceTokenStatusName(token.status(now))},
        {QStringLiteral("createdAt"), isoUtc(token.createdAt)},
        {QStringLiteral("createdBy"), token.createdBy},
        {QStringLiteral("expiresAt"), isoUtc(token.expiresAt)},
        {QStringLiteral("generation"), token.generation},
        {QStringLiteral("rotatedAt"), isoUtc(token.rotatedAt)},
    };
    if (token.previousSecretRetiresAt.isValid() && token.previousSecretRetiresAt > now) {
        json.insert(QStringLiteral("previousSecretRetiresAt"),
                    isoUtc(token.previousSecretRetiresAt));
    }
    if (token.deactivatedAt.isValid()) {
        json.insert(QStringLiteral("deactivatedAt"), isoUtc(token.deactivatedAt));
        json.insert(QStringLiteral("deactivatedBy"), token.deactivatedBy);
        json.insert(QStringLiteral("deactivateReason"), token.deactivateReason);
    }
    if (token.revokedAt.isValid()) {
        json.insert(QStringLiteral("revokedAt"), isoUtc(token.revokedAt));
        json.insert(QStringLiteral("revokedBy"), token.revokedBy);
        json.insert(QStringLiteral("revokeReason"), token.revokeReason);
    }
    if (token.lastUsedAt.isValid()) {
        json.insert(QStringLiteral("lastUsedAt"), isoUtc(token.lastUsedAt));
        json.insert(QStringLiteral("lastUsedIp"), token.lastUsedIp);
        json.insert(QStringLiteral("lastUsedUserAgent"), token.lastUsedUserAgent);
    }
    return json;
}

} // namespace gatehouse::ServiceTokenRows
