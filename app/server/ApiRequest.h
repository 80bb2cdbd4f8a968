#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

namespace gatehouse::server {

// One HTTP request as the router and the endpoints see it: parsed and limited by the HTTP
// layer, independent of it. Header names are lower case.
struct ApiRequest {
    QByteArray method;
    QString path; // as sent (not percent-decoded), without the query
    QUrlQuery query;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QString peerAddress; // the TCP peer
    QString clientAddress; // the peer, or the client a trusted proxy forwarded for
    QString requestId;
    // Came through a proxy (a trusted one, or one that said so): not the host's own client.
    bool viaTrustedProxy = false;
    QHash<QString, QString> pathParameters; // filled by the router

    // The value of the one header called `name`; empty if absent.
    QByteArray header(QByteArrayView name) const
    {
        for (const auto &[key, value] : headers) {
            if (key == name)
                return value;
        }
        return {};
    }
    // Every value of `name`, in order, joined with ", " (RFC 9110 §5.3): for list headers
    // such as X-Forwarded-For, which a proxy may add as a line of its own.
    QByteArray headerList(QByteArrayView name) const
    {
        QByteArrayList values;
        for (const auto &[key, value] : headers) {
            if (key == name)
                values.append(value);
        }
        return values.join(", ");
    }
};

} // namespace gatehouse::server
