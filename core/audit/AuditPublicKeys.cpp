#include "AuditPublicKeys.h"

#include "AuditSigningKeys.h"
#include "crypto/Base64.h"
#include "crypto/Ed25519.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace gatehouse::AuditPublicKeys {

QByteArray toJson(const QString &logId, const QList<QByteArray> &publicKeys)
{
    QJsonArray keys;
    for (const QByteArray &key : publicKeys) {
        keys.append(QJsonObject{
            {QStringLiteral("fingerprint"), AuditSigningKeys::fingerprint(key)},
            {QStringLiteral("publicKey"), QString::fromLatin1(crypto::base64UrlEncode(key))},
        });
    }
    return QJsonDocument(
               QJsonObject{{QStringLiteral("logId"), logId}, {QStringLiteral("keys"), keys}})
        .toJson();
}

Result<QList<QByteArray>> fromJson(const QByteArray &json)
{
    const Error notKeys = makeError(ErrorCode::InvalidInput,
                                    QStringLiteral("This is not an export of Gatehouse audit "
                                                   "public keys."));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject()
        || !document[QStringLiteral("keys")].isArray()) {
        return notKeys;
    }
    QList<QByteArray> keys;
    for (const QJsonValue &entry : document[QStringLiteral("keys")].toArray()) {
        Result<QByteArray> key =
            crypto::base64UrlDecode(entry[QStringLiteral("publicKey")].toString().toLatin1());
        if (!key || key->size() != crypto::Ed25519KeyPair::kPublicKeyLength
            || AuditSigningKeys::fingerprint(*key)
                != entry[QStringLiteral("fingerprint")].toString()) {
            return notKeys;
        }
        keys.append(*key);
    }
    return keys;
}

QString fileName(const QString &logId)
{
    return logId + QStringLiteral("_AuditPublicKeys.json");
}

} // namespace gatehouse::AuditPublicKeys
