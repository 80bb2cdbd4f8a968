#include "AuditCheckpoint.h"

#include "model/IsoTime.h"

#include "AuditSigningKeys.h"
#include "crypto/Ed25519.h"

#include <QJsonDocument>
#include <QJsonValue>

namespace gatehouse {

namespace {

constexpr QByteArrayView kTag = "gatehouse.audit.checkpoint.v1";

Error notACheckpoint(const QString &why)
{
    return makeError(ErrorCode::InvalidInput,
                     QStringLiteral("This is not a Gatehouse audit checkpoint: %1.").arg(why));
}

} // namespace

QByteArray AuditCheckpoint::signedMessage() const
{
    QByteArray message = kTag.toByteArray() + '\n';
    message += logId.toUtf8() + '\n';
    message += QByteArray::number(size) + '\n';
    message += headHash.toHex() + '\n';
    message += isoUtc(time).toLatin1() + '\n';
    message += (previousSignature.isEmpty() ? QByteArrayLiteral("null") : previousSignature.toHex())
        + '\n';
    return message;
}

Result<AuditCheckpoint> AuditCheckpoint::sign(AuditCheckpoint checkpoint,
                                              const crypto::Ed25519KeyPair &key)
{
    checkpoint.keyFingerprint = AuditSigningKeys::fingerprint(key.publicKey());
    Result<QByteArray> signature = key.sign(checkpoint.signedMessage());
    if (!signature)
        return signature.error();
    checkpoint.signature = *signature;
    return checkpoint;
}

AuditCheckpoint::Check AuditCheckpoint::check(const QList<QByteArray> &trustedPublicKeys) const
{
    for (const QByteArray &publicKey : trustedPublicKeys) {
        if (AuditSigningKeys::fingerprint(publicKey) != keyFingerprint)
            continue;
        return crypto::ed25519Verify(publicKey, signedMessage(), signature) ? Check::Valid
                                                                            : Check::BadSignature;
    }
    return Check::UntrustedKey;
}

QJsonObject AuditCheckpoint::toJson() const
{
    return {
        {QStringLiteral("logId"), logId},
        {QStringLiteral("size"), size},
        {QStringLiteral("headHash"), QString::fromLatin1(headHash.toHex())},
        {QStringLiteral("time"), isoUtc(time)},
        {QStringLiteral("previousSignature"),
         previousSignature.isEmpty() ? QJsonValue()
                                     : QJsonValue(QString::fromLatin1(previousSignature.toHex()))},
        {QStringLiteral("keyFingerprint"), keyFingerprint},
        {QStringLiteral("signatureAlgorithm"), QStringLiteral("Ed25519")},
        {QStringLiteral("signature"), QString::fromLatin1(signature.toHex())},
    };
}

Result<AuditCheckpoint> AuditCheckpoint::fromJson(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return notACheckpoint(QStringLiteral("not a JSON object"));
    const QJsonObject object = document.object();
    const auto hex = [&](const char *key, int length, QByteArray &out) {
        const QString text = object.value(QLatin1String(key)).toString();
        out = QByteArray::fromHex(text.toLatin1());
        return out.size() == length && out.toHex() == text.toLatin1();
    };
    AuditCheckpoint checkpoint;
    checkpoint.logId = object.value(QStringLiteral("logId")).toString();
    const QJsonValue size = object.value(QStringLiteral("size"));
    checkpoint.size = qint64(size.toDouble(-1));
    checkpoint.time =
        QDateTime::fromString(object.value(QStringLiteral("time")).toString(), Qt::ISODateWithMs);
    checkpoint.keyFingerprint = object.value(QStringLiteral("keyFingerprint")).toString();
    if (checkpoint.logId.isEmpty() || !size.isDouble() || checkpoint.size < 0
        || double(checkpoint.size) != size.toDouble() || !checkpoint.time.isValid()
        || checkpoint.keyFingerprint.size() != 64) {
        return notACheckpoint(QStringLiteral("a field is missing or malformed"));
    }
    if (object.value(QStringLiteral("signatureAlgorithm")).toString() != QLatin1String("Ed25519"))
        return notACheckpoint(QStringLiteral("the signature algorithm is not Ed25519"));
    if (!hex("headHash", 32, checkpoint.headHash)
        || !hex("signature", crypto::Ed25519KeyPair::kSignatureLength, checkpoint.signature)) {
        return notACheckpoint(QStringLiteral("a hash or signature is malformed"));
    }
    if (!object.value(QStringLiteral("previousSignature")).isNull()
        && !hex("previousSignature", crypto::Ed25519KeyPair::kSignatureLength,
                checkpoint.previousSignature)) {
        return notACheckpoint(QStringLiteral("the previous signature is malformed"));
    }
    checkpoint.time = checkpoint.time.toUTC();
    return checkpoint;
}

QString AuditCheckpoint::fileName() const
{
    return QStringLiteral("%1_AuditCheckpoint_%2_%3.json")
        .arg(logId, time.toUTC().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'")))
        .arg(size);
}

} // namespace gatehouse
