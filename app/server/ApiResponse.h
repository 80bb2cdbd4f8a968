#pragma once

#include "model/Error.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QPair>
#include <QVarLengthArray>

namespace gatehouse::server {

// What an endpoint answers: a status, a JSON body (or none) and extra headers.
struct ApiResponse {
    int status = 200;
    QByteArray body;
    QByteArray contentType = QByteArrayLiteral("application/json");
    // Names are string literals, so adding one allocates nothing; most answers carry one or
    // two (X-Request-Id).
    QVarLengthArray<QPair<QByteArrayView, QByteArray>, 4> headers;
    // Set by whoever knows (the endpoints, the throttles): the status's reason for the metrics
    // and the request log, e.g. "login_failed"; never secret.
    QByteArray outcome;

    template<qsizetype N>
    void addHeader(const char (&name)[N], QByteArray value)
    {
        headers.append(qMakePair(QByteArrayView(name, N - 1), std::move(value)));
    }

    static ApiResponse json(int status, const QJsonObject &object);
    static ApiResponse noContent();
    // The API's error body with the request id; the status follows the code unless given.
    static ApiResponse error(const Error &error, const QString &requestId, int status = 0);
};

} // namespace gatehouse::server
