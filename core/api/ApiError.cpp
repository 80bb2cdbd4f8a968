#include "ApiError.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace gatehouse::api {

QByteArray errorBody(const Error &error, const QString &requestId)
{
    QJsonObject body{{QStringLiteral("code"), errorCodeName(error.code)},
                     {QStringLiteral("message"), error.message}};
    if (!requestId.isEmpty())
        body.insert(QStringLiteral("requestId"), requestId);
    return QJsonDocument(QJsonObject{{QStringLiteral("error"), body}})
        .toJson(QJsonDocument::Compact);
}

std::optional<Error> errorFromBody(const QByteArray &body)
{
    const QJsonObject error = QJsonDocument::fromJson(body).object()[u"error"].toObject();
    const std::optional<ErrorCode> code = errorCodeFromName(error[u"code"].toString());
    if (!code)
        return std::nullopt;
    return Error{*code, error[u"message"].toString()};
}

} // namespace gatehouse::api
