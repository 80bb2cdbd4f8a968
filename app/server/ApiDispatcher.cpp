#include "ApiDispatcher.h"

#include "crypto/Random.h"
#include "model/IsoTime.h"

#include <QDateTime>

#include <algorithm>
#include <array>
#include <charconv>
#include <string>

namespace gatehouse::server {

namespace {

bool hasBody(const ApiRequest &request)
{
    return !request.body.isEmpty() || !request.header("transfer-encoding").isEmpty();
}

// A Content-Type's or Accept range's media type, without its parameters (charset=utf-8).
QByteArrayView mediaType(QByteArrayView value)
{
    const qsizetype semicolon = value.indexOf(';');
    return (semicolon < 0 ? value : value.first(semicolon)).trimmed();
}

bool isType(QByteArrayView type, QByteArrayView expected)
{
    return type.compare(expected, Qt::CaseInsensitive) == 0;
}

bool acceptsJson(QByteArrayView accept)
{
    if (accept.isEmpty())
        return true;
    for (qsizetype start = 0; start <= accept.size();) {
        qsizetype comma = accept.indexOf(',', start);
        if (comma < 0)
            comma = accept.size();
        const QByteArrayView type = mediaType(accept.sliced(start, comma - start));
        if (isType(type, "*/*") || isType(type, "application/*")
            || isType(type, "application/json"))
            return true;
        start = comma + 1;
    }
    return false;
}

QString withoutControls(QByteArrayView text, qsizetype maxLength)
{
    QString out = QString::fromUtf8(text.first(std::min(maxLength, text.size())));
    for (QChar &c : out) {
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format)
            c = u'?';
    }
    return out;
}

// `utf8` as a JSON string: quotes, backslashes and control characters escaped.
void appendJsonString(std::string &out, QByteArrayView utf8)
{
    out += '"';
    for (const char c : utf8) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (uchar(c) < 0x20) {
            constexpr char kHex[] = "0123456789abcdef";
            out += "\\u00";
            out += kHex[uchar(c) >> 4];
            out += kHex[uchar(c) & 0xf];
        } else {
            out += c;
        }
    }
    out += '"';
}

void appendJsonString(std::string &out, QStringView text)
{
    // Request ids and addresses are ASCII: no conversion, no allocation.
    std::array<char, 64> ascii;
    if (text.size() <= qsizetype(ascii.size())
        && std::all_of(text.begin(), text.end(), [](QChar c) { return c.unicode() < 0x80; })) {
        std::transform(text.begin(), text.end(), ascii.begin(),
                       [](QChar c) { return char(c.unicode()); });
        return appendJsonString(out, QByteArrayView(ascii.data(), text.size()));
    }
    appendJsonString(out, QByteArrayView(text.toUtf8()));
}

template<class Number>
void appendNumber(std::string &out, Number value)
{
    char digits[32];
    out.append(digits, std::to_chars(digits, digits + sizeof digits, value).ptr);
}

} // namespace

ApiDispatcher::ApiDispatcher(const Router &router, WorkerPool &workers, Metrics &metrics,
                             Options options)
    : m_router(router),
      m_workers(workers),
      m_metrics(metrics),
      m_options(std::move(options)),
      m_limiter(m_options.requestsPerSecondPerAddress, m_options.burstPerAddress),
      m_idPrefix(QString::fromLatin1(crypto::randomBytes(6).valueOr(QByteArray(6, 0)).toHex())),
      m_log(m_options.log)
{}

QString ApiDispatcher::nextRequestId()
{
    char digits[16];
    const char *end = std::to_chars(digits, digits + sizeof digits,
                                    m_nextId.fetch_add(1, std::memory_order_relaxed), 16)
                          .ptr;
    QString id;
    id.reserve(m_idPrefix.size() + 1 + (end - digits));
    return id.append(m_idPrefix).append(u'-').append(QLatin1StringView(digits, end));
}

bool ApiDispatcher::trusted(const QString &address) const
{
    // Most servers trust no proxy: then there is nothing to parse.
    return !m_options.trustedProxies.isEmpty() && trusted(QHostAddress(address));
}

bool ApiDispatcher::trusted(const QHostAddress &address) const
{
    for (const auto &subnet : m_options.trustedProxies) {
        if (address.isInSubnet(subnet))
            return true;
    }
    return false;
}

QString ApiDispatcher::limiterKey(const QString &address)
{
    // One IPv6 client has a whole /64 to pick addresses from.
    if (!address.contains(QLatin1Char(':')))
        return address;
    const QHostAddress parsed(address);
    if (parsed.protocol() != QAbstractSocket::IPv6Protocol || parsed.toIPv4Address() != 0)
        return address;
    Q_IPV6ADDR bytes = parsed.toIPv6Address();
    std::fill(std::begin(bytes.c) + 8, std::end(bytes.c), quint8(0));
    return QHostAddress(bytes).toString() + QStringLiteral("/64");
}

QString ApiDispatcher::clientAddress(const QString &peer, const QByteArray &forwardedFor) const
{
    if (forwardedFor.isEmpty() || !trusted(peer))
        return peer;
    // Right to left: each trusted proxy appended the address it saw; the first address that is
    // not a trusted proxy is the client. Anything to its left is the client's own claim.
    const QByteArrayList hops = forwardedFor.split(',');
    for (qsizetype i = hops.size() - 1; i >= 0; --i) {
        const QHostAddress hop(QString::fromLatin1(hops[i].trimmed()));
        if (hop.isNull())
            return peer; // malformed: trust nothing the header says
        if (!trusted(hop) || i == 0)
            return hop.toString();
    }
    return peer;
}

std::optional<ApiResponse> ApiDispatcher::screen(const ApiRequest &request,
                                                 const Router::Match *match,
                                                 const QByteArray &allow)
{
    const auto refuse = [&](int status, const QString &message) {
        return ApiResponse::error(
            makeError(status == 404 ? ErrorCode::NotFound : ErrorCode::InvalidInput, message),
            request.requestId, status);
    };
    if (const std::optional<int> wait = m_limiter.take(limiterKey(request.clientAddress))) {
        m_metrics.count(Metrics::Event::RateLimited);
        ApiResponse response = ApiResponse::error(
            makeError(ErrorCode::RateLimited,
                      QStringLiteral("Too many requests from this address; retry after %1 "
                                     "second(s).")
                          .arg(*wait)),
            request.requestId);
        response.addHeader("Retry-After", QByteArray::number(*wait));
        return response;
    }
    if (!match && allow.isEmpty())
        return refuse(404,
                      QStringLiteral("There is no such resource. See the API description "
                                     "(openapi.yaml) for the paths served."));
    if (!match) {
        const QByteArrayView origin = request.header("origin");
        if (request.method == "OPTIONS" && !origin.isEmpty()
            && m_options.corsOrigins.contains(QString::fromUtf8(origin))
            && !request.header("access-control-request-method").isEmpty()) {
            ApiResponse preflight = ApiResponse::noContent();
            preflight.addHeader("Access-Control-Allow-Methods", allow);
            preflight.addHeader("Access-Control-Allow-Headers",
                                "Authorization, Content-Type, Idempotency-Key");
            preflight.addHeader("Access-Control-Max-Age", "600");
            return preflight;
        }
        ApiResponse response =
            refuse(405,
                   QStringLiteral("This resource does not take %1; it takes %2.")
                       .arg(withoutControls(request.method, 16), QString::fromLatin1(allow)));
        response.addHeader("Allow", allow);
        return response;
    }
    const char *alsoAccepts = match->route->api.alsoAccepts;
    const QByteArrayView type = mediaType(request.header("content-type"));
    if (hasBody(request) && !isType(type, "application/json")
        && !(alsoAccepts && isType(type, alsoAccepts)))
        return refuse(415,
                      QStringLiteral("The request body must be JSON, sent with "
                                     "Content-Type: application/json."));
    if (!acceptsJson(request.header("accept")))
        return refuse(406,
                      QStringLiteral("The API answers in JSON only; accept "
                                     "application/json."));
    return std::nullopt;
}

void ApiDispatcher::addCorsHeaders(const ApiRequest &request, ApiResponse &response) const
{
    const QByteArrayView origin = request.header("origin");
    if (origin.isEmpty() || m_options.corsOrigins.isEmpty()
        || !m_options.corsOrigins.contains(QString::fromUtf8(origin)))
        return;
    response.addHeader("Access-Control-Allow-Origin", origin.toByteArray());
    response.addHeader("Vary", "Origin");
}

qint64 ApiDispatcher::maxBodyBytes(QByteArrayView method, QByteArrayView target) const
{
    const qsizetype question = target.indexOf('?');
    const QString path = QString::fromUtf8(question < 0 ? target : target.first(question));
    const auto matched = m_router.match(method, path);
    if (const auto *match = std::get_if<Router::Match>(&matched))
        return match->route->api.maxBodyBytes;
    return api::ApiRoute::kDefaultMaxBody;
}

void ApiDispatcher::handle(ApiRequest request, std::function<void(ApiResponse)> respond)
{
    const auto started = std::chrono::steady_clock::now();
    request.requestId = nextRequestId();
    request.clientAddress =
        clientAddress(request.peerAddress, request.headerList("x-forwarded-for"));
    request.viaTrustedProxy = trusted(request.peerAddress)
        || !request.header("x-forwarded-for").isEmpty() || !request.header("forwarded").isEmpty();

    const auto matched = m_router.match(request.method, request.path);
    const auto *match = std::get_if<Router::Match>(&matched);
    const auto *notAllowed = std::get_if<Router::MethodNotAllowed>(&matched);
    const int route = match && match->route->contractIndex >= 0 ? match->route->contractIndex
                                                                : m_metrics.unmatchedRoute();
    static const QByteArray kNoRoute = QByteArrayLiteral("-");
    const QByteArray &routeName = match ? match->route->name : kNoRoute;

    if (std::optional<ApiResponse> answer =
            screen(request, match, notAllowed ? notAllowed->allow : QByteArray())) {
        finish(request, route, routeName, *answer, started);
        respond(std::move(*answer));
        return;
    }
    request.pathParameters = match->parameters;
    if (const Router::MemoryHandler &fromMemory = match->route->fromMemory) {
        std::optional<ApiResponse> answer = guarded(request, [&] { return fromMemory(request); });
        if (answer) {
            finish(request, route, routeName, *answer, started);
            respond(std::move(*answer));
            return;
        }
    }
    const Router::Handler *handler = &match->route->handler;
    auto job = [this, handler, route, routeName, started, request, respond]() mutable {
        ApiResponse response =
            *guarded(request, [&] { return std::optional<ApiResponse>((*handler)(request)); });
        finish(request, route, routeName, response, started);
        respond(std::move(response));
    };
    if (!m_workers.tryPost(job)) {
        m_metrics.count(Metrics::Event::Overloaded);
        ApiResponse busy =
            ApiResponse::error(makeError(ErrorCode::Unavailable,
                                         QStringLiteral("The server is busy; retry in a moment.")),
                               request.requestId);
        busy.addHeader("Retry-After", "1");
        finish(request, route, routeName, busy, started);
        respond(std::move(busy));
    }
}

std::optional<ApiResponse>
ApiDispatcher::guarded(const ApiRequest &request,
                       const std::function<std::optional<ApiResponse>()> &endpoint)
{
    try {
        return endpoint();
    } catch (...) {
        // Core reports failures as values; this is a bug or bad_alloc, and its details stay
        // out of the answer (SEC-38).
        return ApiResponse::error(
            makeError(ErrorCode::Internal,
                      QStringLiteral("The server failed to answer; report the request id.")),
            request.requestId);
    }
}

ApiResponse ApiDispatcher::refused(int status, const QString &problem, const QString &peerAddress)
{
    ApiRequest request;
    request.requestId = nextRequestId();
    request.peerAddress = peerAddress;
    request.clientAddress = peerAddress;
    const ErrorCode code = errorCodeFromHttpStatus(status).value_or(ErrorCode::InvalidInput);
    ApiResponse response = ApiResponse::error(makeError(code, problem), request.requestId, status);
    finish(request, m_metrics.unmatchedRoute(), QByteArrayLiteral("-"), response,
           std::chrono::steady_clock::now());
    return response;
}

void ApiDispatcher::finish(const ApiRequest &request, int route, const QByteArray &routeName,
                           ApiResponse &response, std::chrono::steady_clock::time_point started)
{
    addCorsHeaders(request, response);
    response.addHeader("X-Request-Id", request.requestId.toLatin1());
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    m_metrics.record(route, response.status, seconds);
    writeLog(request, routeName, response, seconds);
}

void ApiDispatcher::writeLog(const ApiRequest &request, const QByteArray &routeName,
                             const ApiResponse &response, double seconds)
{
    if (!m_options.log)
        return;
    // The route's template, never the path or query: a token put in a URL (C7) or an id stays
    // out of the log. Client-sent text is cut short and kept on one line by JSON escaping.
    // Each network thread writes its lines into one buffer of its own, kept between requests.
    thread_local std::string line;
    line.clear();
    line += R"({"time":)";
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (const std::optional<IsoUtcText> time = isoUtcText(now))
        appendJsonString(line, QByteArrayView(time->data(), qsizetype(time->size())));
    else // a clock past the year 9999
        appendJsonString(line, isoUtc(QDateTime::fromMSecsSinceEpoch(now, Qt::UTC)));
    line += R"(,"requestId":)";
    appendJsonString(line, request.requestId);
    line += R"(,"method":)";
    // A token by HTTP's grammar, which the parser enforces: ASCII without controls.
    appendJsonString(
        line, QByteArrayView(request.method).first(std::min<qsizetype>(16, request.method.size())));
    line += R"(,"route":)";
    appendJsonString(line, routeName);
    line += R"(,"status":)";
    appendNumber(line, response.status);
    line += R"(,"ms":)";
    appendNumber(line, qRound(seconds * 1e5) / 100.0);
    line += R"(,"client":)";
    appendJsonString(line, request.clientAddress);
    if (!response.outcome.isEmpty()) {
        line += R"(,"outcome":)";
        appendJsonString(line, response.outcome);
    }
    const QByteArrayView agent = request.header("user-agent");
    if (!agent.isEmpty()) {
        line += R"(,"userAgent":)";
        appendJsonString(line, withoutControls(agent, 200));
    }
    line += '}';
    m_log.add(QByteArrayView(line.data(), qsizetype(line.size())));
}

} // namespace gatehouse::server
