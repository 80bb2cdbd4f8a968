#pragma once

#include "HttpServerPrivate.h"
#include "ResponseText.h"
#include "api/ApiRoutes.h"

#include <QUrlQuery>

#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::server {

// One client connection, plain or TLS, on one network thread: reads one request at a time
// (a pipelined next request waits in the buffer), hands it to the handler, writes the answer,
// and reads the next while the client keeps the connection alive.
template<class Stream>
class HttpConnection : public std::enable_shared_from_this<HttpConnection<Stream>>
{
    static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

public:
    HttpConnection(HttpServer::Private &server, Socket socket, ConnectionSlot slot,
                   std::shared_ptr<ssl::context> tls)
        : m_server(server),
          m_limits(server.options.limits),
          m_slot(std::move(slot)),
          m_peerAddress(QString::fromStdString(m_slot.address())),
          m_tls(std::move(tls)),
          m_stream(makeStream(std::move(socket), m_tls.get())),
          m_buffer(m_limits.maxHeaderBytes + 1024 * 1024)
    {}

    ~HttpConnection() { releaseBody(); }

    void start()
    {
        Q_ASSERT(&lowest().get_executor().context()
                 == m_server.contexts[size_t(m_slot.thread())].get());
        if constexpr (kTls) {
            lowest().expires_after(m_limits.headerTimeout);
            m_stream.async_handshake(ssl::stream_base::server,
                                     [self = this->shared_from_this()](beast::error_code ec) {
                                         if (ec)
                                             return self->closeNow();
                                         self->readHeader();
                                     });
        } else {
            readHeader();
        }
    }

private:
    static Stream makeStream(Socket socket, ssl::context *tls)
    {
        if constexpr (kTls)
            return Stream(std::move(socket), *tls);
        else
            return Stream(std::move(socket));
    }

    PlainStream &lowest() { return beast::get_lowest_layer(m_stream); }

    void readHeader()
    {
        m_parser.emplace();
        m_parser->header_limit(std::uint32_t(m_limits.maxHeaderBytes));
        m_parser->body_limit(m_limits.maxBodyBytes);
        lowest().expires_after(m_limits.headerTimeout);
        http::async_read_header(m_stream, m_buffer, *m_parser,
                                [self = this->shared_from_this()](beast::error_code ec, size_t) {
                                    self->onHeader(ec);
                                });
    }

    // The status for a request the parser refused, or 0 to close without an answer (the
    // client went away or was too slow).
    static int statusFor(beast::error_code ec)
    {
        if (ec == http::error::header_limit)
            return 431;
        if (ec == http::error::body_limit)
            return 413;
        if (ec.category() == beast::error_code(http::error::bad_method).category()
            && ec != http::error::end_of_stream && ec != http::error::partial_message
            && ec != http::error::need_more)
            return 400;
        return 0;
    }

    static QString problemFor(int status)
    {
        switch (status) {
        case 431:
            return QStringLiteral("The request headers are too large.");
        case 413:
            return QStringLiteral("The request body is too large.");
        default:
            return QStringLiteral("The request is not valid HTTP/1.1 (its framing, method, "
                                  "target or a header is malformed).");
        }
    }

    void onHeader(beast::error_code ec)
    {
        if (ec)
            return refuseOrClose(ec);
        const auto &request = m_parser->get();
        if (!framedOnce(request))
            return refuse(400, problemFor(400));
        // 100-continue is the one expectation HTTP defines (RFC 9110 §10.1.1); HTTP/1.0
        // clients' are ignored, as the RFC asks.
        const beast::string_view expect = request[http::field::expect];
        const bool expectsContinue = request.version() >= 11 && !expect.empty();
        if (expectsContinue && !beast::iequals(expect, "100-continue"))
            return refuse(417,
                          QStringLiteral("The only expectation this server meets is "
                                         "Expect: 100-continue."));
        const auto length = m_parser->content_length();
        // Only a request with a body needs its route's limit now; the rest (most, GET
        // /auth/user among them) are routed once, by the handler.
        qint64 limit = 0;
        if (length || m_parser->chunked())
            limit = m_server.handler.maxBodyBytes(viewOf(request.method_string()),
                                                  viewOf(request.target()));
        if (length && *length > quint64(limit))
            return refuse(413, problemFor(413));
        const qint64 declared = length ? qint64(*length) : (m_parser->chunked() ? limit : 0);
        if (declared > api::ApiRoute::kDefaultMaxBody) {
            // A large body (user import) only with a credential, and within the budget all
            // large bodies share; the endpoint checks the credential itself.
            const auto authorization = request[http::field::authorization];
            if (authorization.size() < 27 || !beast::iequals(authorization.substr(0, 7), "Bearer "))
                return refuse(413,
                              QStringLiteral("A body over 64 KiB needs an Authorization "
                                             "header."));
            if (!m_server.reserveBody(declared))
                return refuse(503,
                              QStringLiteral("The server is receiving too much at once; "
                                             "retry in a moment."));
            m_reservedBody = declared;
        }
        if (m_parser->is_done())
            return dispatch(); // no body: nothing more to read
        m_parser->body_limit(quint64(limit));
        if (!expectsContinue)
            return readBody();
        // The client waits for this before it sends the body; it is sent only now, once the
        // declared size has passed the limits, so a refused body is never sent at all.
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        lowest().expires_after(m_limits.writeTimeout);
        net::async_write(m_stream, net::buffer(kContinue.data(), kContinue.size()),
                         [self = this->shared_from_this()](beast::error_code written, size_t) {
                             if (written)
                                 return self->closeNow();
                             self->readBody();
                         });
    }

    void readBody()
    {
        lowest().expires_after(m_limits.bodyTimeout);
        http::async_read(m_stream, m_buffer, *m_parser,
                         [self = this->shared_from_this()](beast::error_code readError, size_t) {
                             if (readError)
                                 return self->refuseOrClose(readError);
                             self->dispatch();
                         });
    }

    // What Beast lets through and another parser (a proxy's, an application's) could read
    // another way, so it is refused (SEC-36, C18): Content-Length twice (even equal) or as a
    // list, Content-Length with Transfer-Encoding, a Transfer-Encoding other than exactly
    // "chunked" (Beast reads "gzip" alone as no body, leaving it to pass for the next
    // request), and Authorization, Host or Expect more than once.
    static bool framedOnce(const http::request<http::string_body> &request)
    {
        int lengths = 0;
        int encodings = 0;
        int authorizations = 0;
        int hosts = 0;
        int expectations = 0;
        bool plainLength = true;
        bool plainChunked = true;
        for (const auto &field : request) {
            const beast::string_view value = field.value();
            switch (field.name()) {
            case http::field::content_length:
                ++lengths;
                plainLength = plainLength && !value.empty()
                    && value.find_first_not_of("0123456789") == beast::string_view::npos;
                break;
            case http::field::transfer_encoding:
                ++encodings;
                plainChunked = plainChunked && beast::iequals(value, "chunked");
                break;
            case http::field::authorization:
                ++authorizations;
                break;
            case http::field::host:
                ++hosts;
                break;
            case http::field::expect:
                ++expectations;
                break;
            default:
                break;
            }
        }
        return lengths <= 1 && plainLength && encodings <= 1 && plainChunked
            && lengths + encodings <= 1 && authorizations <= 1 && hosts <= 1 && expectations <= 1;
    }

    void refuseOrClose(beast::error_code ec)
    {
        const int status = statusFor(ec);
        if (status == 0)
            return closeNow();
        refuse(status, problemFor(status));
    }

    void refuse(int status, const QString &problem)
    {
        write(m_server.handler.refused(status, problem, m_peerAddress), true);
    }

    // The method's name, without an allocation for the ones the API serves.
    static QByteArray methodName(const http::request<http::string_body> &request)
    {
        switch (request.method()) {
        case http::verb::get:
            return QByteArrayLiteral("GET");
        case http::verb::post:
            return QByteArrayLiteral("POST");
        case http::verb::put:
            return QByteArrayLiteral("PUT");
        case http::verb::patch:
            return QByteArrayLiteral("PATCH");
        case http::verb::delete_:
            return QByteArrayLiteral("DELETE");
        case http::verb::options:
            return QByteArrayLiteral("OPTIONS");
        default:
            return QByteArray(request.method_string().data(),
                              qsizetype(request.method_string().size()));
        }
    }

    static QByteArrayView viewOf(beast::string_view text)
    {
        return QByteArrayView(text.data(), qsizetype(text.size()));
    }

    void dispatch()
    {
        auto &request = m_parser->get();
        ApiRequest api;
        api.method = methodName(request);
        const QByteArrayView target = viewOf(request.target());
        const qsizetype question = target.indexOf('?');
        api.path = QString::fromUtf8(question < 0 ? target : target.first(question));
        if (question >= 0)
            api.query = QUrlQuery(QString::fromUtf8(target.sliced(question + 1)));
        qsizetype count = 0;
        qsizetype bytes = 0;
        for (const auto &field : request) {
            ++count;
            bytes += qsizetype(field.name_string().size() + field.value().size());
        }
        api.headers.reserve(count, bytes);
        for (const auto &field : request)
            api.headers.append(viewOf(field.name_string()), viewOf(field.value()));
        api.body = QByteArray(request.body().data(), qsizetype(request.body().size()));
        api.peerAddress = m_peerAddress;
        m_keepAlive = request.keep_alive();
        m_version = request.version();
        m_parser.reset();

        ++m_server.inFlight;
        m_dispatched = true;
        // An answer from memory comes back at once, on this thread, and is written without
        // a trip through the queue; one from a worker is posted to this connection's thread.
        m_server.handler.handle(std::move(api),
                                [self = this->shared_from_this()](ApiResponse response) {
                                    net::dispatch(self->m_stream.get_executor(),
                                                  [self, response = std::move(response)]() mutable {
                                                      self->write(std::move(response), false);
                                                  });
                                });
    }

    void write(ApiResponse response, bool close)
    {
        const bool keepAlive = !close && m_keepAlive && !m_server.stopping.load();
        responseText(m_out, response, keepAlive, m_version == 10);
        lowest().expires_after(m_limits.writeTimeout);
        net::async_write(
            m_stream, net::buffer(m_out),
            [self = this->shared_from_this(), keepAlive](beast::error_code ec, size_t) {
                if (self->m_dispatched) {
                    self->m_dispatched = false;
                    --self->m_server.inFlight;
                }
                self->releaseBody();
                if (ec || !keepAlive)
                    return self->closeGracefully();
                self->readHeader();
            });
    }

    // Ends the connection after an answer. What the client may still be sending (the body of
    // a refused request) is read and dropped for a moment first, so the answer is not lost to
    // a reset.
    void closeGracefully()
    {
        lowest().expires_after(std::chrono::seconds(2));
        if constexpr (kTls) {
            m_stream.async_shutdown(
                [self = this->shared_from_this()](beast::error_code) { self->closeNow(); });
        } else {
            beast::error_code ignored;
            lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
            drain();
        }
    }

    void drain()
    {
        m_buffer.clear();
        lowest().async_read_some(m_buffer.prepare(4096),
                                 [self = this->shared_from_this()](beast::error_code ec, size_t) {
                                     if (ec)
                                         return self->closeNow();
                                     self->drain();
                                 });
    }

    void releaseBody() { m_server.releaseBody(std::exchange(m_reservedBody, 0)); }

    void closeNow()
    {
        beast::error_code ignored;
        lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
        lowest().close();
    }

    HttpServer::Private &m_server;
    const HttpLimits &m_limits;
    ConnectionSlot m_slot;
    const QString m_peerAddress; // the slot's, as the handler takes it
    std::shared_ptr<ssl::context> m_tls; // before the stream, which uses it
    Stream m_stream;
    beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::string_body>> m_parser;
    std::string m_out; // the answer being written, its capacity kept for the next
    bool m_keepAlive = false;
    bool m_dispatched = false;
    unsigned m_version = 11;
    qint64 m_reservedBody = 0; // of HttpServer::Private's budget for large bodies
};

} // namespace gatehouse::server
