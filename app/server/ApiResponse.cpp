#include "ApiResponse.h"

#include "api/ApiError.h"

#include <QJsonDocument>

namespace gatehouse::server {

ApiResponse ApiResponse::json(int status, const QJsonObject &object)
{
    ApiResponse response;
    response.status = status;
    response.body = QJsonDocument(object).toJson(QJsonDocument::Compact);
    return response;
}

ApiResponse ApiResponse::noContent()
{
    ApiResponse response;
    response.status = 204;
    response.contentType.clear();
    return response;
}

ApiResponse ApiResponse::error(const Error &error, const QString &requestId, int status)
{
    ApiResponse response;
    response.status = status != 0 ? status : httpStatus(error.code);
    response.body = api::errorBody(error, requestId);
    return response;
}

} // namespace gatehouse::server
