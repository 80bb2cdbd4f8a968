#include "EndpointSupport.h"

#include "api/JsonReader.h"

namespace gatehouse::server::EndpointSupport {

namespace {

Result<api::JsonFields> fieldsOf(const ApiRequest &request, std::span<const char *const> allowed)
{
    Result<QJsonValue> body = api::JsonReader::parse(request.body);
    if (!body)
        return body.error();
    return api::JsonFields::of(*body, allowed);
}

} // namespace

Result<api::JsonFields> fields(const ApiRequest &request,
                               std::initializer_list<const char *> allowed)
{
    return fieldsOf(request, std::span<const char *const>(allowed.begin(), allowed.size()));
}

Result<QStringList> texts(const ApiRequest &request, std::initializer_list<TextField> wanted)
{
    QVarLengthArray<const char *, 4> names;
    for (const TextField &field : wanted)
        names.append(field.name);
    Result<api::JsonFields> object =
        fieldsOf(request, std::span<const char *const>(names.data(), names.size()));
    if (!object)
        return object.error();
    QStringList values;
    for (const TextField &field : wanted) {
        Result<QString> value = object->text(field.name, field.maxLength);
        if (!value)
            return value.error();
        values.append(*value);
    }
    return values;
}

QString bearerToken(const ApiRequest &request)
{
    const QByteArrayView header = request.header("authorization");
    // RFC 9110: the scheme is case-insensitive; one space, then the token68.
    if (header.size() <= 7 || header.size() > 7 + kMaxTokenLength
        || header.first(7).compare("Bearer ", Qt::CaseInsensitive) != 0)
        return {};
    return QString::fromLatin1(header.sliced(7).trimmed());
}

Actor clientOf(const ApiRequest &request)
{
    Actor client;
    client.sourceIp = request.clientAddress;
    const QByteArrayView agent = request.header("user-agent");
    client.userAgent = QString::fromUtf8(agent.first(std::min<qsizetype>(512, agent.size())));
    client.requestId = request.requestId;
    return client;
}

ApiResponse unauthenticated(const ApiRequest &request)
{
    ApiResponse response =
        ApiResponse::error(makeError(ErrorCode::Unauthenticated,
                                     QStringLiteral("Authentication failed; sign in again.")),
                           request.requestId);
    response.addHeader("WWW-Authenticate", "Bearer");
    response.outcome = "unauthenticated";
    return response;
}

ApiResponse failure(const ApiRequest &request, const Error &error)
{
    if (error.code == ErrorCode::Unauthenticated)
        return unauthenticated(request);
    ApiResponse response = ApiResponse::error(error, request.requestId);
    if (error.code == ErrorCode::RateLimited) {
        response.addHeader("Retry-After",
                           QByteArray::number(std::max<qint64>(1, error.retryAfterSeconds)));
    }
    return response;
}

ApiResponse answer(const ApiRequest &request, const Result<void> &result)
{
    if (!result)
        return failure(request, result.error());
    return ApiResponse::noContent();
}

} // namespace gatehouse::server::EndpointSupport
