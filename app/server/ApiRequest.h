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
    QString path; // percent-decoded, without the query
    QUrlQuery query;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QString peerAddress; // the TCP peer
    QString clientAddress; // the peer, or the client a trusted proxy forwarded for
    QString requestId;
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
    int headerCount(QByteArrayView name) const
    {
        int count = 0;
        for (const auto &header : headers)
            count += header.first == name ? 1 : 0;
        return count;
    }
};

} // namespace gatehouse::server
