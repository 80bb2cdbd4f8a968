#pragma once

#include "model/Error.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>

namespace gatehouse::server {

// What an endpoint answers: a status, a JSON body (or none) and extra headers.
struct ApiResponse {
    int status = 200;
    QByteArray body;
    QByteArray contentType = "application/json";
    QList<QPair<QByteArray, QByteArray>> headers;
    // Set by whoever knows (the endpoints, the throttles): the status's reason for the metrics
    // and the request log, e.g. "login_failed"; never secret.
    QByteArray outcome;

    void addHeader(const QByteArray &name, const QByteArray &value)
    {
        headers.append(qMakePair(name, value));
    }

    static ApiResponse json(int status, const QJsonObject &object);
    static ApiResponse noContent();
    // The API's error body with the request id; the status follows the code unless given.
    static ApiResponse error(const Error &error, const QString &requestId, int status = 0);
};

} // namespace gatehouse::server
