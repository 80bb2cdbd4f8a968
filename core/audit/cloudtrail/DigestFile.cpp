#include "DigestFile.h"

#include "crypto/Hash.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

namespace gatehouse::cloudtrail {

namespace {

Error malformed(const QString &reason)
{
    return makeError(ErrorCode::InvalidInput, reason);
}

QString typeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("missing");
}

// A required string member; InvalidInput when absent or of another type.
Result<QString> requiredString(const QJsonObject &object, const QString &name)
{
    const QJsonValue value = object.value(name);
    if (value.isUndefined())
        return malformed(QStringLiteral("no %1").arg(name));
    if (!value.isString())
        return malformed(QStringLiteral("%1 is %2, not a string").arg(name, typeName(value)));
    return value.toString();
}

// A member that is a string, null or absent (nullopt for the last two).
Result<std::optional<QString>> optionalString(const QJsonObject &object, const QString &name)
{
    const QJsonValue value = object.value(name);
    if (value.isUndefined() || value.isNull())
        return std::optional<QString>();
    if (!value.isString())
        return malformed(
            QStringLiteral("%1 is %2, not a string or null").arg(name, typeName(value)));
    return std::optional<QString>(value.toString());
}

bool isHexSha256(const QString &text)
{
    if (text.size() != 64)
        return false;
    for (const QChar c : text) {
        if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F')))
            return false;
    }
    return true;
}

DigestFile::LogFile logFileFrom(const QJsonValue &value, qsizetype index)
{
    DigestFile::LogFile entry;
    const QString where = QStringLiteral("logFiles[%1]").arg(index);
    if (!value.isObject()) {
        entry.problem = QStringLiteral("%1 is %2, not an object").arg(where, typeName(value));
        return entry;
    }
    const QJsonObject object = value.toObject();
    const Result<QString> bucket = requiredString(object, QStringLiteral("s3Bucket"));
    const Result<QString> key = requiredString(object, QStringLiteral("s3Object"));
    const Result<QString> hash = requiredString(object, QStringLiteral("hashValue"));
    const Result<std::optional<QString>> algorithm =
        optionalString(object, QStringLiteral("hashAlgorithm"));
    if (bucket)
        entry.s3Bucket = *bucket;
    if (key)
        entry.s3Object = *key;
    for (const Error *error :
         {bucket ? nullptr : &bucket.error(), key ? nullptr : &key.error(),
          hash ? nullptr : &hash.error(), algorithm ? nullptr : &algorithm.error()}) {
        if (error) {
            entry.problem = where + QStringLiteral(": ") + error->message;
            return entry;
        }
    }
    if (*algorithm && **algorithm != u"SHA-256") {
        entry.problem = QStringLiteral("%1: hashAlgorithm is not SHA-256").arg(where);
        return entry;
    }
    if (!isHexSha256(*hash)) {
        entry.problem = QStringLiteral("%1: hashValue is not a hex SHA-256").arg(where);
        return entry;
    }
    entry.hashValue = hash->toLatin1().toLower();
    return entry;
}

} // namespace

Result<DigestFile> DigestFile::parse(const QByteArray &json)
{
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        return malformed(QStringLiteral("not valid JSON (%1 at byte %2)")
                             .arg(error.errorString())
                             .arg(error.offset));
    if (!document.isObject())
        return malformed(QStringLiteral("not a JSON object"));
    const QJsonObject object = document.object();

    DigestFile digest;
    // The fields validate-logs requires, in its order.
    const struct {
        const char16_t *name;
        QString *target;
    } required[] = {
        {u"digestPublicKeyFingerprint", &digest.digestPublicKeyFingerprint},
        {u"digestS3Bucket", &digest.digestS3Bucket},
        {u"digestS3Object", &digest.digestS3Object},
        {u"digestEndTime", &digest.digestEndTime},
        {u"digestStartTime", &digest.digestStartTime},
    };
    for (const auto &field : required) {
        Result<QString> value = requiredString(object, QString::fromUtf16(field.name));
        if (!value)
            return value.error();
        *field.target = std::move(*value);
    }
    if (!object.contains(QStringLiteral("previousDigestSignature")))
        return malformed(QStringLiteral("no previousDigestSignature"));
    const struct {
        const char16_t *name;
        std::optional<QString> *target;
    } previous[] = {
        {u"previousDigestSignature", &digest.previousDigestSignature},
        {u"previousDigestS3Bucket", &digest.previousDigestS3Bucket},
        {u"previousDigestS3Object", &digest.previousDigestS3Object},
        {u"previousDigestHashValue", &digest.previousDigestHashValue},
    };
    for (const auto &field : previous) {
        Result<std::optional<QString>> value =
            optionalString(object, QString::fromUtf16(field.name));
        if (!value)
            return value.error();
        *field.target = std::move(*value);
    }
    for (const auto &[name, target] :
         {std::pair{u"awsAccountId", &digest.awsAccountId},
          std::pair{u"digestSignatureAlgorithm", &digest.digestSignatureAlgorithm}}) {
        Result<std::optional<QString>> value = optionalString(object, QString::fromUtf16(name));
        if (!value)
            return value.error();
        *target = value->value_or(QString());
    }
    if (digest.digestS3Object.isEmpty())
        return malformed(QStringLiteral("digestS3Object is empty"));

    const QJsonValue logFiles = object.value(QStringLiteral("logFiles"));
    if (logFiles.isUndefined())
        return malformed(QStringLiteral("no logFiles"));
    if (!logFiles.isArray())
        return malformed(QStringLiteral("logFiles is %1, not an array").arg(typeName(logFiles)));
    const QJsonArray entries = logFiles.toArray();
    digest.logFiles.reserve(entries.size());
    for (qsizetype i = 0; i < entries.size(); ++i)
        digest.logFiles.append(logFileFrom(entries.at(i), i));
    return digest;
}

QByteArray DigestFile::stringToSign(QByteArrayView uncompressed) const
{
    return digestEndTime.toUtf8() + '\n' + digestS3Bucket.toUtf8() + '/' + digestS3Object.toUtf8()
        + '\n' + crypto::sha256(uncompressed).toHex() + '\n'
        + (previousDigestSignature ? previousDigestSignature->toUtf8() : QByteArray("null"));
}

} // namespace gatehouse::cloudtrail
