#pragma once

#include "model/Error.h"

#include <QByteArray>
#include <QString>

namespace gatehouse::api {

// The one error body of the API (SEC-38):
//   {"error":{"code":"InvalidInput","message":"...","requestId":"..."}}
// `code` is the ErrorCode's wire name; the HTTP status is httpStatus(code) unless the HTTP
// layer itself refused the request (413, 415, ...). The message is the core's, written for
// users: it never holds SQL, a path, a key, a token or a stack.
QByteArray errorBody(const Error &error, const QString &requestId);

// Reads an error body back (the remote client's side); nullopt when `body` is not one.
std::optional<Error> errorFromBody(const QByteArray &body);

} // namespace gatehouse::api
