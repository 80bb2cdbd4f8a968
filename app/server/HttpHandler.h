#pragma once

#include "ApiRequest.h"
#include "ApiResponse.h"

#include <functional>

namespace gatehouse::server {

// What the HTTP layer hands requests to. Called on a network thread: handle() must return at
// once and call `respond` exactly once, from any thread, when the answer is ready.
class HttpHandler
{
public:
    virtual ~HttpHandler() = default;

    // The largest body `method` on `target` may carry; a bigger one is refused with 413
    // before it is read. Called on a network thread once the head is in.
    virtual qint64 maxBodyBytes(QByteArrayView method, QByteArrayView target) const = 0;
    virtual void handle(ApiRequest request, std::function<void(ApiResponse)> respond) = 0;
    // The answer to a request the HTTP layer refused before it was whole (bad framing, a
    // header or body over the limits): `status` and what was wrong.
    virtual ApiResponse refused(int status, const QString &problem, const QString &peerAddress) = 0;
};

} // namespace gatehouse::server
