#pragma once

#include "RequestHeaders.h"

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QUrlQuery>

namespace gatehouse::server {

// One HTTP request as the router and the endpoints see it: parsed and limited by the HTTP
// layer, independent of it. Header names are lower case.
struct ApiRequest {
    QByteArray method;
    QString path; // as sent (not percent-decoded), without the query
    QUrlQuery query;
    RequestHeaders headers;
    QByteArray body;
    QString peerAddress; // the TCP peer
    QString clientAddress; // the peer, or the client a trusted proxy forwarded for
    QString requestId;
    // Came through a proxy (a trusted one, or one that said so): not the host's own client.
    bool viaTrustedProxy = false;
    QHash<QString, QString> pathParameters; // filled by the router

    // The value of the first header called `name` (lower case); empty if absent.
    QByteArrayView header(QByteArrayView name) const { return headers.value(name); }
    // Every value of `name`, joined with ", " (RequestHeaders::list).
    QByteArray headerList(QByteArrayView name) const { return headers.list(name); }
};

} // namespace gatehouse::server
