#include "PageToken.h"

#include <QCryptographicHash>
#include <QJsonDocument>

namespace gatehouse::PageToken {

namespace {

constexpr qsizetype kMaxTokenLength = 2048;
constexpr auto kBase64Url = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

Error badToken()
{
    return makeError(ErrorCode::InvalidInput,
                     QStringLiteral("The page token is not valid for this listing; start again "
                                    "from the first page."));
}

} // namespace

QString fingerprint(const QJsonObject &query)
{
    const QByteArray canonical = QJsonDocument(query).toJson(QJsonDocument::Compact);
    return QString::fromLatin1(QCryptographicHash::hash(canonical, QCryptographicHash::Sha256)
                                   .first(12)
                                   .toBase64(kBase64Url));
}

QString encode(const Position &position, const QString &queryFingerprint)
{
    const QJsonObject object{{QStringLiteral("k"), position.key},
                             {QStringLiteral("i"), position.id},
                             {QStringLiteral("q"), queryFingerprint}};
    return QString::fromLatin1(
        QJsonDocument(object).toJson(QJsonDocument::Compact).toBase64(kBase64Url));
}

Result<Position> decode(const QString &token, const QString &queryFingerprint)
{
    if (token.size() > kMaxTokenLength)
        return badToken();
    const QByteArray::FromBase64Result bytes = QByteArray::fromBase64Encoding(
        token.toLatin1(), kBase64Url | QByteArray::AbortOnBase64DecodingErrors);
    if (!bytes)
        return badToken();
    QJsonParseError error{};
    const QJsonObject object = QJsonDocument::fromJson(*bytes, &error).object();
    if (error.error != QJsonParseError::NoError
        || object.value(QStringLiteral("q")).toString() != queryFingerprint
        || !object.value(QStringLiteral("k")).isString()
        || !object.value(QStringLiteral("i")).isString()) {
        return badToken();
    }
    return Position{object.value(QStringLiteral("k")).toString(),
                    object.value(QStringLiteral("i")).toString()};
}

} // namespace gatehouse::PageToken
