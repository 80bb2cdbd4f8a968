#pragma once

#include "ApiRequest.h"
#include "ApiResponse.h"
#include "api/JsonFields.h"
#include "model/Actor.h"
#include "model/Page.h"
#include "model/Result.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

namespace gatehouse::server {

// What every endpoint does the same way.
namespace EndpointSupport {

// The request's body as a JSON object with only `allowed` members (strict parsing, SEC-39).
Result<api::JsonFields> fields(const ApiRequest &request,
                               std::initializer_list<const char *> allowed);

// The body's members `wanted`, each a required string of at most its length, in that order;
// the body may hold no others.
struct TextField {
    const char *name;
    qsizetype maxLength;
};
Result<QStringList> texts(const ApiRequest &request, std::initializer_list<TextField> wanted);

// The bearer credential of `Authorization: Bearer <token>` (SEC-29: nowhere else); empty when
// the header is missing, has another scheme, or is longer than any token of ours.
QString bearerToken(const ApiRequest &request);
constexpr qsizetype kMaxTokenLength = 4096;

// The caller before authentication: network details and the request id, no identity.
Actor clientOf(const ApiRequest &request);

// The one answer for every authentication failure (unknown, expired, revoked or malformed
// credential, wrong password, disabled account): same status, body and header.
ApiResponse unauthenticated(const ApiRequest &request);

// The error's answer (401s as unauthenticated(), 429s with Retry-After).
ApiResponse failure(const ApiRequest &request, const Error &error);

// `result`'s value through `toJson` with `status`, or its error (401s as unauthenticated()).
template<typename T, typename ToJson>
ApiResponse answer(const ApiRequest &request, const Result<T> &result, ToJson &&toJson,
                   int status = 200)
{
    if (!result)
        return failure(request, result.error());
    return ApiResponse::json(status, toJson(*result));
}
ApiResponse answer(const ApiRequest &request, const Result<void> &result);

// {"<name>": [toJson(item)...], "nextPageToken": ...} for one keyset page.
template<typename T, typename ToJson>
QJsonObject pageJson(const char *name, const Page<T> &page, ToJson &&toJson)
{
    QJsonArray items;
    for (const T &item : page.items)
        items.append(toJson(item));
    QJsonObject body{{QLatin1String(name), items}};
    if (!page.nextPageToken.isEmpty())
        body.insert(QStringLiteral("nextPageToken"), page.nextPageToken);
    return body;
}

} // namespace EndpointSupport

} // namespace gatehouse::server
