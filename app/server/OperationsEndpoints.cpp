#include "OperationsEndpoints.h"

#include "EndpointSupport.h"
#include "model/IsoTime.h"

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
        // Only this host's own clients see the numbers: a loopback peer that is not a proxy
        // passing on someone else's request.
        if (!QHostAddress(request.peerAddress).isLoopback() || request.viaTrustedProxy) {
            return ApiResponse::error(
                makeError(ErrorCode::NotFound, QStringLiteral("There is no such resource.")),
                request.requestId);
        }
        ApiResponse response;
        response.contentType = "text/plain; version=0.0.4; charset=utf-8";
        response.body = m_metrics.render() + lockedAccounts();
        return response;
    });
}

QByteArray OperationsEndpoints::lockedAccounts() const
{
    // From the store, so every instance reports the same number: a lockout made through one
    // holds on all (the store counts the failures).
    const QString now = isoUtc(m_clock.now());
    Result<QVariant> locked =
        m_store.transact<QVariant>(Store::Access::Read, [&now](SqlTransaction &tx) {
            return tx.scalar(QStringLiteral("SELECT count(*) FROM users WHERE locked_until > ?"),
                             {now});
        });
    if (!locked)
        return {};
    return "# HELP gatehouse_locked_accounts Accounts locked after failed sign-ins, now.\n"
           "# TYPE gatehouse_locked_accounts gauge\n"
           "gatehouse_locked_accounts "
        + QByteArray::number(locked->toLongLong()) + '\n';
}

} // namespace gatehouse::server
