#include "DigestSignatureFile.h"

#include "crypto/RsaPublicKey.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

namespace gatehouse::cloudtrail {

namespace {

// The hex of the largest RSA signature, and room for the rest of head-object's output.
constexpr qint64 kMaxFileBytes = 64 * 1024;

Error unreadable(const QString &path, const QString &reason)
{
    return makeError(ErrorCode::InvalidInput,
                     QStringLiteral("%1: %2").arg(QFileInfo(path).fileName(), reason));
}

Result<QByteArray> readSmall(const QString &path)
{
    if (!QFileInfo(path).isFile())
        return unreadable(path, QStringLiteral("not a regular file"));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return unreadable(path, file.errorString());
    const QByteArray content = file.read(kMaxFileBytes + 1);
    if (content.size() > kMaxFileBytes)
        return unreadable(path, QStringLiteral("far too large for a signature"));
    return content;
}

Result<std::optional<QByteArray>> signatureFromHex(const QString &path, QStringView hex)
{
    std::optional<QByteArray> signature = DigestSignatureFile::fromHex(hex.trimmed());
    if (!signature || signature->isEmpty())
        return unreadable(path, QStringLiteral("the signature is not hex"));
    if (signature->size() > crypto::RsaPublicKey::kMaximumBits / 8)
        return unreadable(path, QStringLiteral("the signature is too long"));
    return signature;
}

Result<std::optional<QByteArray>> fromMetadata(const QString &path, const QByteArray &json)
{
    const QJsonDocument document = QJsonDocument::fromJson(json);
    const QJsonValue metadata = document.object().value(QStringLiteral("Metadata"));
    if (!document.isObject() || !metadata.isObject())
        return unreadable(path,
                          QStringLiteral("not the JSON of aws s3api head-object (no Metadata)"));
    const QJsonValue signature = metadata[QStringLiteral("signature")];
    if (signature.isUndefined())
        return std::optional<QByteArray>();
    if (!signature.isString())
        return unreadable(path, QStringLiteral("Metadata.signature is not a string"));
    const QJsonValue algorithm = metadata[QStringLiteral("signature-algorithm")];
    if (!algorithm.isUndefined()
        && algorithm.toString().compare(u"SHA256withRSA", Qt::CaseInsensitive) != 0) {
        return unreadable(path, QStringLiteral("the signature-algorithm is not SHA256withRSA"));
    }
    return signatureFromHex(path, signature.toString());
}

} // namespace

QString DigestSignatureFile::signaturePath(const QString &digestPath)
{
    return digestPath + QStringLiteral(".signature");
}

QString DigestSignatureFile::metadataPath(const QString &digestPath)
{
    return digestPath + QStringLiteral(".metadata.json");
}

Result<std::optional<QByteArray>> DigestSignatureFile::read(const QString &digestPath)
{
    const QString plain = signaturePath(digestPath);
    if (QFileInfo::exists(plain)) {
        Result<QByteArray> content = readSmall(plain);
        if (!content)
            return content.error();
        return signatureFromHex(plain, QString::fromLatin1(*content));
    }
    const QString metadata = metadataPath(digestPath);
    if (QFileInfo::exists(metadata)) {
        Result<QByteArray> content = readSmall(metadata);
        if (!content)
            return content.error();
        return fromMetadata(metadata, *content);
    }
    return std::optional<QByteArray>();
}

std::optional<QByteArray> DigestSignatureFile::fromHex(QStringView text)
{
    if (text.size() % 2 != 0)
        return std::nullopt;
    const auto nibble = [](QChar c) -> int {
        const char16_t u = c.unicode();
        if (u >= u'0' && u <= u'9')
            return u - u'0';
        if (u >= u'a' && u <= u'f')
            return u - u'a' + 10;
        if (u >= u'A' && u <= u'F')
            return u - u'A' + 10;
        return -1;
    };
    QByteArray bytes;
    bytes.reserve(text.size() / 2);
    for (qsizetype i = 0; i < text.size(); i += 2) {
        const int high = nibble(text[i]);
        const int low = nibble(text[i + 1]);
        if (high < 0 || low < 0)
            return std::nullopt;
        bytes.append(static_cast<char>(high * 16 + low));
    }
    return bytes;
}

} // namespace gatehouse::cloudtrail
