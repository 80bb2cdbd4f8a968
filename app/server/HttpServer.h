#pragma once

#include "HttpHandler.h"
#include "model/Result.h"

#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>

#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

namespace gatehouse::server {

// Limits of the HTTP layer (SEC-35, SEC-36, E3, E13, C18).
struct HttpLimits {
    size_t maxHeaderBytes = 8 * 1024; // the request line and headers: 431 past it
    // 413 past it, judged on Content-Length before a body is read: the ceiling for every
    // route; HttpHandler::maxBodyBytes() gives each route's own (64 KiB for most).
    size_t maxBodyBytes = 64 * 1024 * 1024;
    // From the end of one response (or the connection's start) to a whole request head: a
    // slow or idle client is cut off after this, however it trickles bytes.
    std::chrono::milliseconds headerTimeout{10'000};
    std::chrono::milliseconds bodyTimeout{30'000};
    std::chrono::milliseconds writeTimeout{30'000};
    int maxConnectionsPerAddress = 64;
    int maxConnections = 8192;
};

// The network side of gatehouse-server: Boost.Beast over Asio, one io_context per network thread,
// with TLS 1.2+ from OpenSSL or, only when asked, plain HTTP. It parses strictly (Transfer-
// Encoding with Content-Length, duplicate or invalid Content-Length: 400 and the connection
// closed), enforces HttpLimits, and hands whole requests to an HttpHandler. Beast stays in
// this class's implementation: nothing else in the server includes it.
class HttpServer
{
public:
    struct Options {
        QString host = QStringLiteral("127.0.0.1");
        quint16 port = 8443; // 0: any free port (tests)
        bool tls = true;
        QString certificatePath; // PEM chain, leaf first
        QString keyPath; // PEM private key
        int networkThreads = 2;
        HttpLimits limits;
        // Peers not held to limits.maxConnectionsPerAddress (trusted reverse proxies).
        QList<QPair<QHostAddress, int>> uncappedPeers;
    };

    // Binds and starts serving; fails with a clear message (address in use, unreadable
    // certificate, key that does not match it, ...).
    static Result<std::unique_ptr<HttpServer>> start(const Options &options, HttpHandler &handler);
    ~HttpServer();

    quint16 port() const;
    // Connections open now on each network thread.
    std::vector<int> openConnections() const;

    // Reads the certificate and key again (SIGHUP); new connections use them, open ones keep
    // theirs. On failure the old pair stays in use.
    Result<void> reloadCertificate();

    // Graceful shutdown: stops accepting, lets requests in progress finish (up to `grace`),
    // then closes every connection and joins the network threads.
    void shutdown(std::chrono::milliseconds grace);

    // Runs `callback` on a network thread when SIGTERM or SIGINT (`stop` true) or SIGHUP
    // arrives.
    void onSignal(std::function<void(bool stop)> callback);

    class Private;

private:
    explicit HttpServer(std::unique_ptr<Private> state);
    std::unique_ptr<Private> d;
};

} // namespace gatehouse::server
