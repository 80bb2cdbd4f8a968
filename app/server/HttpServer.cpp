#include "HttpServer.h"

#include "HttpConnection.h"
#include "HttpServerPrivate.h"
#include "ServerLog.h"

#include <QFile>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <csignal>

#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace gatehouse::server {

namespace {

Error tlsError(const QString &what)
{
    ERR_clear_error();
    return makeError(ErrorCode::InvalidInput, what);
}

Result<std::shared_ptr<ssl::context>> makeTlsContext(const QString &certificatePath,
                                                     const QString &keyPath)
{
    auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
    SSL_CTX *native = context->native_handle();
    // TLS 1.2 and 1.3 only; for 1.2 only forward-secret AEAD suites.
    SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
    SSL_CTX_set_options(native,
                        SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION
                            | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET);
    if (SSL_CTX_set_cipher_list(native, "ECDHE+AESGCM:ECDHE+CHACHA20") != 1)
        return tlsError(QStringLiteral("OpenSSL refused the TLS 1.2 cipher list."));
    const QByteArray certificate = QFile::encodeName(certificatePath);
    const QByteArray key = QFile::encodeName(keyPath);
    if (SSL_CTX_use_certificate_chain_file(native, certificate.constData()) != 1) {
        return tlsError(QStringLiteral("Cannot read the TLS certificate %1: it must be a "
                                       "readable PEM file, the server's certificate first.")
                            .arg(certificatePath));
    }
    // Read first, then installed: so "unreadable" and "not this certificate's" are told apart.
    EVP_PKEY *privateKey = nullptr;
    if (BIO *file = BIO_new_file(key.constData(), "r")) {
        privateKey = PEM_read_bio_PrivateKey(file, nullptr, nullptr, nullptr);
        BIO_free(file);
    }
    if (!privateKey) {
        return tlsError(QStringLiteral("Cannot read the TLS private key %1: it must be a "
                                       "readable, unencrypted PEM file.")
                            .arg(keyPath));
    }
    const bool installed = SSL_CTX_use_PrivateKey(native, privateKey) == 1;
    EVP_PKEY_free(privateKey);
    if (!installed || SSL_CTX_check_private_key(native) != 1) {
        return tlsError(QStringLiteral("The TLS private key %1 does not belong to the "
                                       "certificate %2.")
                            .arg(keyPath, certificatePath));
    }
    return context;
}

// The CPU that received the connection's packets; -1 when the kernel does not say.
int incomingCpu(Socket &socket)
{
    int cpu = -1;
    socklen_t length = sizeof cpu;
    if (getsockopt(socket.native_handle(), SOL_SOCKET, SO_INCOMING_CPU, &cpu, &length) != 0)
        return -1;
    return cpu;
}

std::vector<std::unique_ptr<net::io_context>> makeContexts(int threads)
{
    std::vector<std::unique_ptr<net::io_context>> contexts;
    for (int i = 0; i < std::max(1, threads); ++i)
        contexts.push_back(std::make_unique<net::io_context>(1));
    return contexts;
}

} // namespace

HttpServer::Private::Private(const Options &serverOptions, HttpHandler &requestHandler)
    : spread(serverOptions.networkThreads, ConnectionSpread::allowedCpus()),
      options(serverOptions),
      handler(requestHandler),
      maxConnections(connectionCeiling(serverOptions.limits.maxConnections)),
      contexts(makeContexts(serverOptions.networkThreads)),
      acceptor(net::make_strand(*contexts.front())),
      acceptRetry(acceptor.get_executor()),
      signals(acceptor.get_executor(), SIGINT, SIGTERM, SIGHUP)
{
    Q_ASSERT(spread.open().size() == contexts.size());
}

int HttpServer::Private::connectionCeiling(int wanted)
{
    // Room under the process's descriptor limit for the store, files and logs.
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
        return std::clamp(int(std::min<rlim_t>(limit.rlim_cur, 1 << 30)) - 64, 16, wanted);
    return wanted;
}

bool HttpServer::Private::reserveBody(qint64 bytes)
{
    qint64 reserved = largeBodies.load();
    do {
        if (reserved + bytes > kLargeBodyBudget)
            return false;
    } while (!largeBodies.compare_exchange_weak(reserved, reserved + bytes));
    return true;
}

beast::error_code HttpServer::Private::moveTo(Socket &socket, const tcp &protocol, int thread)
{
    net::io_context &context = *contexts[size_t(thread)];
    beast::error_code ec;
    if (&socket.get_executor().context() == &context)
        return ec;
    const Socket::native_handle_type descriptor = socket.release(ec);
    if (ec) {
        beast::error_code ignored;
        socket.close(ignored);
        return ec;
    }
    Socket moved(context);
    moved.assign(protocol, descriptor, ec);
    if (ec) {
        ::close(descriptor);
        return ec;
    }
    socket = std::move(moved);
    return ec;
}

void HttpServer::Private::runNetworkThread(net::io_context &context)
{
    // Core and endpoints report failures as values; this keeps an exception from a handler
    // (bad_alloc) from ending the process with every connection on it.
    for (;;) {
        try {
            context.run();
            return;
        } catch (const std::exception &e) {
            qCCritical(lcServer) << "network thread:" << e.what();
        }
    }
}

std::shared_ptr<ssl::context> HttpServer::Private::currentTls()
{
    std::lock_guard lock(tlsMutex);
    return tls;
}

bool HttpServer::Private::admit(const std::string &address)
{
    // A trusted proxy carries many clients on its connections; its own cap is the total.
    bool uncapped = false;
    const QHostAddress peer(QString::fromStdString(address));
    for (const auto &subnet : options.uncappedPeers)
        uncapped = uncapped || peer.isInSubnet(subnet);
    std::lock_guard lock(countsMutex);
    int &count = perAddress[address];
    if ((count >= options.limits.maxConnectionsPerAddress && !uncapped)
        || total >= maxConnections) {
        if (count == 0)
            perAddress.erase(address);
        return false;
    }
    ++count;
    ++total;
    return true;
}

void HttpServer::Private::release(const std::string &address)
{
    std::lock_guard lock(countsMutex);
    auto it = perAddress.find(address);
    if (it != perAddress.end() && --it->second <= 0)
        perAddress.erase(it);
    --total;
}

void HttpServer::Private::accept()
{
    acceptor.async_accept(*contexts.front(), [this](beast::error_code ec, Socket socket) {
        if (ec == net::error::operation_aborted || !acceptor.is_open())
            return;
        if (!ec && !stopping.load()) {
            beast::error_code peerError;
            const tcp::endpoint peer = socket.remote_endpoint(peerError);
            const std::string address = peerError ? std::string() : peer.address().to_string();
            if (!peerError && admit(address)) {
                ConnectionSlot slot(*this, address, spread.take(incomingCpu(socket)));
                if (const beast::error_code moved =
                        moveTo(socket, peer.protocol(), slot.thread())) {
                    qCWarning(lcServer) << "could not hand a connection to its network thread:"
                                        << QString::fromStdString(moved.message());
                    accept();
                    return;
                }
                if (options.tls) {
                    std::make_shared<HttpConnection<TlsStream>>(*this, std::move(socket),
                                                                std::move(slot), currentTls())
                        ->start();
                } else {
                    std::make_shared<HttpConnection<PlainStream>>(*this, std::move(socket),
                                                                  std::move(slot), nullptr)
                        ->start();
                }
            } else {
                // Over the per-address or total cap (or already gone): closed unanswered, the
                // cheapest answer to a connection flood.
                socket.close(peerError);
            }
        } else if (ec) {
            // Out of descriptors (EMFILE) and the like: wait a moment rather than spin.
            qCWarning(lcServer) << "accept failed:" << QString::fromStdString(ec.message());
            acceptRetry.expires_after(std::chrono::milliseconds(100));
            acceptRetry.async_wait([this](beast::error_code waited) {
                if (!waited)
                    accept();
            });
            return;
        }
        accept();
    });
}

void HttpServer::Private::waitForSignal()
{
    signals.async_wait([this](beast::error_code ec, int number) {
        if (ec)
            return;
        if (signalCallback)
            signalCallback(number != SIGHUP);
        waitForSignal();
    });
}

Result<std::unique_ptr<HttpServer>> HttpServer::start(const Options &options, HttpHandler &handler)
{
    auto state = std::make_unique<Private>(options, handler);
    if (options.tls) {
        Result<std::shared_ptr<ssl::context>> tls =
            makeTlsContext(options.certificatePath, options.keyPath);
        if (!tls)
            return tls.error();
        state->tls = *tls;
    }
    beast::error_code ec;
    const net::ip::address address = net::ip::make_address(options.host.toStdString(), ec);
    if (ec) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("The listen address \"%1\" is not an IP address; give "
                                        "one such as 0.0.0.0, 127.0.0.1 or ::1.")
                             .arg(options.host));
    }
    const tcp::endpoint endpoint(address, options.port);
    state->acceptor.open(endpoint.protocol(), ec);
    if (!ec)
        state->acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec)
        state->acceptor.bind(endpoint, ec);
    if (!ec)
        state->acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("Cannot listen on %1:%2: %3.")
                             .arg(options.host)
                             .arg(options.port)
                             .arg(QString::fromStdString(ec.message())));
    }
    state->accept();
    state->waitForSignal();
    for (const auto &context : state->contexts) {
        state->keepRunning.push_back(net::make_work_guard(*context));
        state->threads.emplace_back(
            [raw = state.get(), context = context.get()] { raw->runNetworkThread(*context); });
    }
    return std::unique_ptr<HttpServer>(new HttpServer(std::move(state)));
}

HttpServer::HttpServer(std::unique_ptr<Private> state)
    : d(std::move(state))
{}

HttpServer::~HttpServer()
{
    shutdown(std::chrono::milliseconds(0));
}

std::vector<int> HttpServer::openConnections() const
{
    return d->spread.open();
}

quint16 HttpServer::port() const
{
    beast::error_code ec;
    return d->acceptor.local_endpoint(ec).port();
}

Result<void> HttpServer::reloadCertificate()
{
    if (!d->options.tls)
        return {};
    Result<std::shared_ptr<ssl::context>> tls =
        makeTlsContext(d->options.certificatePath, d->options.keyPath);
    if (!tls)
        return tls.error();
    std::lock_guard lock(d->tlsMutex);
    d->tls = *tls;
    return {};
}

void HttpServer::onSignal(std::function<void(bool stop)> callback)
{
    net::post(d->acceptor.get_executor(),
              [this, callback = std::move(callback)] { d->signalCallback = callback; });
}

void HttpServer::shutdown(std::chrono::milliseconds grace)
{
    if (d->threads.empty())
        return;
    d->stopping = true;
    net::post(d->acceptor.get_executor(), [this] {
        beast::error_code ignored;
        d->acceptor.close(ignored);
        d->signals.cancel(ignored);
    });
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (d->inFlight.load() > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    for (const auto &context : d->contexts)
        context->stop();
    for (std::thread &thread : d->threads)
        thread.join();
    d->threads.clear();
}

} // namespace gatehouse::server
