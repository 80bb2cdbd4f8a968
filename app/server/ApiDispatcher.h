#pragma once

#include "HttpHandler.h"
#include "Metrics.h"
#include "RateLimiter.h"
#include "RequestLog.h"
#include "Router.h"
#include "WorkerPool.h"

#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QStringList>

#include <atomic>
#include <cstdio>

namespace gatehouse::server {

// Between the HTTP layer and the endpoints: gives every request an id, finds the client's
// address (X-Forwarded-For only from trusted proxies), throttles per address, routes (404,
// 405 with Allow), checks Content-Type (415) and Accept (406), answers CORS preflights for
// configured origins, answers at once what an endpoint can answer from memory, runs the
// endpoint on the worker pool otherwise (503 when it is full), and writes
// one JSON log line and the metrics for every request.
class ApiDispatcher final : public HttpHandler
{
public:
    struct Options {
        QList<QPair<QHostAddress, int>> trustedProxies; // subnets
        QStringList corsOrigins; // exact origins, e.g. "https://app.example.com"
        double requestsPerSecondPerAddress = 50;
        double burstPerAddress = 100;
        FILE *log = stdout; // null: no request log
    };

    ApiDispatcher(const Router &router, WorkerPool &workers, Metrics &metrics, Options options);

    void handle(ApiRequest request, std::function<void(ApiResponse)> respond) override;
    qint64 maxBodyBytes(QByteArrayView method, QByteArrayView target) const override;
    ApiResponse refused(int status, const QString &problem, const QString &peerAddress) override;

    // The client address for a request from `peer` carrying `forwardedFor` (the header's value).
    QString clientAddress(const QString &peer, const QByteArray &forwardedFor) const;

private:
    QString nextRequestId();
    // What the per-address rate counts: the address, or its /64 for IPv6.
    static QString limiterKey(const QString &address);
    bool trusted(const QHostAddress &address) const;
    bool trusted(const QString &address) const;
    // Answers that need no endpoint (404, 405, 415, 406, 429, CORS preflight); nullopt when the
    // request goes on to `route`.
    std::optional<ApiResponse> screen(const ApiRequest &request, const Router::Match *match,
                                      const QByteArray &allow);
    // What `endpoint` answers; an exception it throws becomes a 500 without details.
    static std::optional<ApiResponse>
    guarded(const ApiRequest &request, const std::function<std::optional<ApiResponse>()> &endpoint);
    void addCorsHeaders(const ApiRequest &request, ApiResponse &response) const;
    void finish(const ApiRequest &request, int route, const QByteArray &routeName,
                ApiResponse &response, std::chrono::steady_clock::time_point started);
    void writeLog(const ApiRequest &request, const QByteArray &routeName,
                  const ApiResponse &response, double seconds);

    const Router &m_router;
    WorkerPool &m_workers;
    Metrics &m_metrics;
    const Options m_options;
    RateLimiter m_limiter;
    const QString m_idPrefix;
    std::atomic<quint64> m_nextId{1};
    RequestLog m_log;
};

} // namespace gatehouse::server
