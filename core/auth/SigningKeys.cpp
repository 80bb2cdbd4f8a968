#include "SigningKeys.h"

#include "SessionRows.h"
#include "UserRows.h"
#include "crypto/Base64.h"
#include "crypto/Random.h"

#include <QJsonArray>

namespace gatehouse {

using UserRows::fromIso;
using UserRows::isoUtc;

namespace {

constexpr auto kKeyResource = "Gatehouse::SigningKey";
constexpr int kKidRandomBytes = 12;

QString columns()
{
    return QStringLiteral("kid, algorithm, public_key, state, created_at, created_by, rotated_at,"
                          " retired_after, retired_at, retired_by");
}

SigningKey::State stateFrom(const QString &text)
{
    if (text == u"active")
        return SigningKey::State::Active;
    if (text == u"verify_only")
        return SigningKey::State::VerifyOnly;
    return SigningKey::State::Retired;
}

SigningKey fromRow(const QSqlQuery &query)
{
    SigningKey key;
    key.kid = query.value(0).toString();
    key.algorithm = query.value(1).toString();
    key.publicKey = query.value(2).toByteArray();
    key.state = stateFrom(query.value(3).toString());
    key.createdAt = fromIso(query.value(4));
    key.createdBy = query.value(5).toString();
    key.rotatedAt = fromIso(query.value(6));
    key.retiredAfter = fromIso(query.value(7));
    key.retiredAt = fromIso(query.value(8));
    key.retiredBy = query.value(9).toString();
    return key;
}

// What binds a sealed private key to its row: a box copied to another kid does not open.
QByteArray associatedData(const QString &kid)
{
    return QByteArray("signing-key:") + kid.toLatin1();
}

QString auditableKid(const QString &kid)
{
    return SigningKeys::isWellFormedKid(kid) ? kid : QStringLiteral("(malformed id)");
}

AuditEvent eventFor(const Actor &actor, const char *name, bool readOnly, const QString &kid = {})
{
    return AuditEvent::of(actor, name, readOnly, kKeyResource,
                          kid.isEmpty() ? QString() : auditableKid(kid));
}

Error noSuchKey()
{
    return makeError(ErrorCode::NotFound, QStringLiteral("No such signing key."));
}

Error noSigningKey()
{
    return makeError(ErrorCode::Unavailable,
                     QStringLiteral("There is no signing key yet, so no access token can be "
                                    "issued. An administrator creates the first one with "
                                    "'gatehousectl key rotate'."));
}

Result<QString> newKid()
{
    Result<QByteArray> bytes = crypto::randomBytes(kKidRandomBytes);
    if (!bytes)
        return bytes.error();
    return QString(u"k_" + QString::fromLatin1(crypto::base64UrlEncode(*bytes)));
}

} // namespace

bool SigningKeys::isWellFormedKid(const QString &kid)
{
    if (kid.size() != kKidLength || !kid.startsWith(u"k_"))
        return false;
    return std::all_of(kid.begin() + 2, kid.end(), [](QChar c) {
        return (c >= u'A' && c <= u'Z') || (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9')
            || c == u'-' || c == u'_';
    });
}

QJsonObject SigningKeys::toJwk(const SigningKey &key)
{
    return QJsonObject{
        {QStringLiteral("kty"), QStringLiteral("OKP")},
        {QStringLiteral("crv"), QStringLiteral("Ed25519")},
        {QStringLiteral("x"), QString::fromLatin1(crypto::base64UrlEncode(key.publicKey))},
        {QStringLiteral("kid"), key.kid},
        {QStringLiteral("use"), QStringLiteral("sig")},
        {QStringLiteral("alg"), key.algorithm},
    };
}

QJsonObject SigningKeys::toJson(const SigningKey &key, const QDateTime &now)
{
    QJsonObject json{
        {QStringLiteral("kid"), key.kid},
        {QStringLiteral("algorithm"), key.algorithm},
        {QStringLiteral("status"), signingKeyStatusName(key.status(now))},
        {QStringLiteral("publicKey"), QString::fromLatin1(crypto::base64UrlEncode(key.publicKey))},
        {QStringLiteral("createdAt"), isoUtc(key.createdAt)},
        {QStringLiteral("createdBy"), key.createdBy},
    };
    if (key.rotatedAt.isValid()) {
        json.insert(QStringLiteral("rotatedAt"), isoUtc(key.rotatedAt));
        json.insert(QStringLiteral("retiredAfter"), isoUtc(key.retiredAfter));
    }
    if (key.retiredAt.isValid()) {
        json.insert(QStringLiteral("retiredAt"), isoUtc(key.retiredAt));
        json.insert(QStringLiteral("retiredBy"), key.retiredBy);
    }
    return json;
}

Result<QList<SigningKey>> SigningKeys::load(SqlTransaction &tx, const QString &where,
                                            const QVariantList &parameters)
{
    Result<QSqlQuery> rows = tx.exec(QStringLiteral("SELECT %1 FROM signing_keys WHERE %2"
                                                    " ORDER BY created_at DESC, kid DESC")
                                         .arg(columns(), where),
                                     parameters);
    if (!rows)
        return rows.error();
    QList<SigningKey> keys;
    while (rows->next())
        keys.append(fromRow(*rows));
    return keys;
}

Result<QList<SigningKey>> SigningKeys::list(const Actor &actor) const
{
    return m_context.perform<QList<SigningKey>>(
        eventFor(actor, "ListSigningKeys", true), Store::Access::Read,
        [&](SqlTransaction &tx, AuditEvent &event) -> Result<QList<SigningKey>> {
            if (Result<AccessControl::Grant> grant =
                    AccessControl::require(tx, actor, Permission::KeysRead);
                !grant) {
                return grant.error();
            }
            Result<QList<SigningKey>> keys = load(tx, QStringLiteral("1 = 1"), {});
            if (keys)
                event.responseElements = {{QStringLiteral("count"), keys->size()}};
            return keys;
        });
}

Result<QJsonObject> SigningKeys::jwks(const Actor &actor) const
{
    return m_context.perform<QJsonObject>(
        eventFor(actor, "GetJwks", true), Store::Access::Read,
        [&](SqlTransaction &tx, AuditEvent &event) -> Result<QJsonObject> {
            if (Result<AccessControl::Grant> grant =
                    AccessControl::require(tx, actor, Permission::KeysRead);
                !grant) {
                return grant.error();
            }
            Result<QJsonObject> set = keySet(tx);
            if (set) {
                QJsonArray kids;
                for (const QJsonValue &key : set->value(u"keys").toArray())
                    kids.append(key[u"kid"]);
                event.responseElements = {{QStringLiteral("kids"), kids}};
            }
            return set;
        });
}

Result<QJsonObject> SigningKeys::publicJwks() const
{
    return m_context.store().transact<QJsonObject>(Store::Access::Read,
                                                   [&](SqlTransaction &tx) { return keySet(tx); });
}

Result<QJsonObject> SigningKeys::keySet(SqlTransaction &tx) const
{
    const QDateTime now = m_context.clock().now();
    Result<QList<SigningKey>> keys = load(
        tx, QStringLiteral("state = 'active' OR (state = 'verify_only' AND retired_after > ?)"),
        {isoUtc(now)});
    if (!keys)
        return keys.error();
    QJsonArray set;
    for (const SigningKey &key : *keys)
        set.append(toJwk(key));
    return QJsonObject{{QStringLiteral("keys"), set}};
}

Result<SigningKey> SigningKeys::rotate(const Actor &actor) const
{
    return m_context.perform<SigningKey>(
        eventFor(actor, "RotateSigningKey", false), Store::Access::Write,
        [&](SqlTransaction &tx, AuditEvent &event) -> Result<SigningKey> {
            if (Result<AccessControl::Grant> grant =
                    AccessControl::require(tx, actor, Permission::KeysManage);
                !grant) {
                return grant.error();
            }
            Result<crypto::SecretBox> dataKey = m_context.dataKey();
            if (!dataKey)
                return dataKey.error();
            const QDateTime now = m_context.clock().now();

            // The current signing key, if any, stops signing now and keeps verifying until
            // the last token it signed has expired, leeway included.
            Result<QSqlQuery> current = tx.exec(QStringLiteral(
                "SELECT kid, last_token_expires_at FROM signing_keys WHERE state = 'active'"));
            if (!current)
                return current.error();
            QJsonObject response;
            if (current->next()) {
                const QString previous = current->value(0).toString();
                const QDateTime lastExpiry = fromIso(current->value(1));
                const QDateTime retiredAfter =
                    std::max(lastExpiry.isValid() ? lastExpiry : now, now)
                        .addSecs(Jwt::kMaxLeewaySeconds);
                Result<QSqlQuery> demoted = tx.exec(
                    QStringLiteral("UPDATE signing_keys SET state = 'verify_only',"
                                   " sealed_private_key = NULL, rotated_at = ?, retired_after = ?"
                                   " WHERE kid = ? AND state = 'active'"),
                    {isoUtc(now), isoUtc(retiredAfter), previous});
                if (!demoted)
                    return demoted.error();
                if (demoted->numRowsAffected() != 1) {
                    return makeError(ErrorCode::Conflict,
                                     QStringLiteral("The signing key changed meanwhile; "
                                                    "list the keys and rotate again if needed."));
                }
                event.resources.append({QString::fromLatin1(kKeyResource), previous});
                response.insert(QStringLiteral("previousKid"), previous);
                response.insert(QStringLiteral("previousRetiredAfter"), isoUtc(retiredAfter));
            }

            Result<crypto::Ed25519KeyPair> pair = crypto::Ed25519KeyPair::generate();
            if (!pair)
                return pair.error();
            Result<QString> kid = newKid();
            if (!kid)
                return kid.error();
            QByteArray seed = pair->privateKey();
            Result<QByteArray> sealed = dataKey->seal(seed, associatedData(*kid));
            crypto::secureZero(seed);
            if (!sealed)
                return sealed.error();
            Result<QSqlQuery> inserted =
                tx.exec(QStringLiteral("INSERT INTO signing_keys (kid, algorithm, public_key,"
                                       " sealed_private_key, state, created_at, created_by)"
                                       " VALUES (?, ?, ?, ?, 'active', ?, ?)"),
                        {*kid, Jwt::algorithm(), pair->publicKey(), *sealed, isoUtc(now),
                         SessionRows::revoker(actor)});
            if (!inserted)
                return inserted.error();
            event.resources.prepend({QString::fromLatin1(kKeyResource), *kid});
            response.insert(QStringLiteral("kid"), *kid);
            event.responseElements = response;

            Result<QList<SigningKey>> created = load(tx, QStringLiteral("kid = ?"), {*kid});
            if (!created)
                return created.error();
            if (created->isEmpty())
                return makeError(ErrorCode::Internal,
                                 QStringLiteral("The new key was not stored."));
            return created->first();
        });
}

Result<SigningKey> SigningKeys::retire(const Actor &actor, const QString &kid) const
{
    return m_context.perform<SigningKey>(
        eventFor(actor, "RetireSigningKey", false, kid.isEmpty() ? QStringLiteral("-") : kid),
        Store::Access::Write, [&](SqlTransaction &tx, AuditEvent &event) -> Result<SigningKey> {
            if (Result<AccessControl::Grant> grant =
                    AccessControl::require(tx, actor, Permission::KeysManage);
                !grant) {
                return grant.error();
            }
            if (!isWellFormedKid(kid))
                return noSuchKey();
            Result<QList<SigningKey>> found = load(tx, QStringLiteral("kid = ?"), {kid});
            if (!found)
                return found.error();
            if (found->isEmpty())
                return noSuchKey();
            const SigningKey &key = found->first();
            if (key.state == SigningKey::State::Retired) {
                event.responseElements = {{QStringLiteral("alreadyRetired"), true}};
                return key;
            }
            if (key.state == SigningKey::State::Active) {
                return makeError(ErrorCode::Conflict,
                                 QStringLiteral("Key %1 is the signing key and cannot be retired: "
                                                "rotate first ('gatehousectl key rotate'), then "
                                                "retire it.")
                                     .arg(key.kid));
            }
            Result<QSqlQuery> retired =
                tx.exec(QStringLiteral("UPDATE signing_keys SET state = 'retired', retired_at = ?,"
                                       " retired_by = ? WHERE kid = ? AND state = 'verify_only'"),
                        {isoUtc(m_context.clock().now()), SessionRows::revoker(actor), kid});
            if (!retired)
                return retired.error();
            Result<QList<SigningKey>> after = load(tx, QStringLiteral("kid = ?"), {kid});
            if (!after)
                return after.error();
            if (after->isEmpty())
                return noSuchKey();
            return after->first();
        });
}

Result<int> SigningKeys::purge(const Actor &actor) const
{
    return m_context.perform<int>(
        eventFor(actor, "PurgeSigningKeys", false), Store::Access::Write,
        [&](SqlTransaction &tx, AuditEvent &event) -> Result<int> {
            if (Result<AccessControl::Grant> grant =
                    AccessControl::require(tx, actor, Permission::KeysManage);
                !grant) {
                return grant.error();
            }
            const QString now = isoUtc(m_context.clock().now());
            const QString ended = QStringLiteral(
                "state = 'retired' OR (state = 'verify_only' AND retired_after <= ?)");
            Result<QList<SigningKey>> doomed = load(tx, ended, {now});
            if (!doomed)
                return doomed.error();
            Result<QSqlQuery> deleted =
                tx.exec(QStringLiteral("DELETE FROM signing_keys WHERE %1").arg(ended), {now});
            if (!deleted)
                return deleted.error();
            QJsonArray kids;
            for (const SigningKey &key : *doomed)
                kids.append(key.kid);
            const int count = deleted->numRowsAffected();
            event.responseElements = {{QStringLiteral("deleted"), count},
                                      {QStringLiteral("kids"), kids}};
            return count;
        });
}

Result<SigningKeys::Signer> SigningKeys::signerFor(SqlTransaction &tx,
                                                   const QDateTime &tokenExpiresAt) const
{
    Result<QSqlQuery> row = tx.exec(QStringLiteral(
        "SELECT kid, public_key, sealed_private_key FROM signing_keys WHERE state = 'active'"));
    if (!row)
        return row.error();
    if (!row->next())
        return noSigningKey();
    const QString kid = row->value(0).toString();
    const QByteArray publicKey = row->value(1).toByteArray();
    Result<crypto::SecretBox> dataKey = m_context.dataKey();
    if (!dataKey)
        return dataKey.error();
    Result<QByteArray> seed = dataKey->open(row->value(2).toByteArray(), associatedData(kid));
    // Whatever SecretBox found wrong (another data key, an altered or moved box, a truncated
    // value), it is stored data failing a check.
    if (!seed) {
        return makeError(ErrorCode::Integrity,
                         QStringLiteral("The signing key %1 cannot be unsealed: %2")
                             .arg(kid, seed.error().message));
    }
    Result<crypto::Ed25519KeyPair> pair = crypto::Ed25519KeyPair::fromPrivateKey(*seed);
    crypto::secureZero(*seed);
    if (!pair || pair->publicKey() != publicKey) {
        return makeError(ErrorCode::Integrity,
                         QStringLiteral("The signing key %1 does not match its public key; "
                                        "rotate to a new key.")
                             .arg(kid));
    }
    // Kept as the latest expiry the key has signed for: rotation turns it into retiredAfter.
    Result<QSqlQuery> noted =
        tx.exec(QStringLiteral("UPDATE signing_keys SET last_token_expires_at = ? WHERE kid = ? AND"
                               " (last_token_expires_at IS NULL OR last_token_expires_at < ?)"),
                {isoUtc(tokenExpiresAt), kid, isoUtc(tokenExpiresAt)});
    if (!noted)
        return noted.error();
    return Signer{kid, std::move(pair).value()};
}

Result<Jwt::PublicKeys> SigningKeys::verifyingKeys(SqlTransaction &tx, const QDateTime &now)
{
    Result<QSqlQuery> rows =
        tx.exec(QStringLiteral("SELECT kid, public_key FROM signing_keys WHERE state = 'active' OR"
                               " (state = 'verify_only' AND retired_after > ?)"),
                {isoUtc(now)});
    if (!rows)
        return rows.error();
    Jwt::PublicKeys keys;
    while (rows->next())
        keys.insert(rows->value(0).toString(), rows->value(1).toByteArray());
    return keys;
}

} // namespace gatehouse
