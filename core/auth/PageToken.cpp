#include "PageToken.h"

#include "crypto/Base64.h"
#include "crypto/Hash.h"

#include <QJsonDocument>

namespace gatehouse::PageToken {

namespace {

constexpr qsizetype kMaxTokenLength = 2048;

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
    return QString::fromLatin1(crypto::base64UrlEncode(crypto::sha256(canonical).first(12)));
}

QString encode(const Position &position, const QString &queryFingerprint)
{
    const QJsonObject object{{QStringLiteral("k"), position.key},
                             {QStringLiteral("i"), position.id},
                             {QStringLiteral("q"), queryFingerprint}};
    return QString::fromLatin1(
        crypto::base64UrlEncode(QJsonDocument(object).toJson(QJsonDocument::Compact)));
}

Result<Position> decode(const QString &token, const QString &queryFingerprint)
{
    if (token.size() > kMaxTokenLength)
        return badToken();
    Result<QByteArray> bytes = crypto::base64UrlDecode(token.toLatin1());
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
