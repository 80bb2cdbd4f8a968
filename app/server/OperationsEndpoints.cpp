#include "OperationsEndpoints.h"

#include "EndpointSupport.h"

#include <QHostAddress>

namespace gatehouse::server {

void OperationsEndpoints::addTo(Router &router) const
{
    router.add("GET", "/healthz", [](const ApiRequest &) {
        return ApiResponse::json(200,
                                 QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")}});
    });
    router.add("GET", "/readyz", [this](const ApiRequest &request) {
        Result<void> reachable = m_store.transaction(Store::Access::Read, [](SqlTransaction &tx) {
            Result<QVariant> one = tx.scalar(QStringLiteral("SELECT 1"));
            return one ? Result<void>() : Result<void>(one.error());
        });
        if (!reachable)
            return EndpointSupport::failure(request, reachable.error());
        return ApiResponse::json(200,
                                 QJsonObject{{QStringLiteral("status"), QStringLiteral("ready")}});
    });
    router.add("GET", "/metrics", [this](const ApiRequest &request) {
        // The TCP peer, not a forwarded address: only this host sees the numbers.
        if (!QHostAddress(request.peerAddress).isLoopback()) {
            return ApiResponse::error(
                makeError(ErrorCode::NotFound, QStringLiteral("There is no such resource.")),
                request.requestId);
        }
        ApiResponse response;
        response.contentType = "text/plain; version=0.0.4; charset=utf-8";
        response.body = m_metrics.render();
        return response;
    });
}

} // namespace gatehouse::server
