#include "Metrics.h"

#include "api/ApiRoutes.h"

namespace gatehouse::server {

namespace {

struct EventName {
    const char *metric;
    const char *labels;
};

constexpr EventName kEventNames[] = {
    {"gatehouse_logins_total", "result=\"success\""},
    {"gatehouse_logins_total", "result=\"failure\""},
    {"gatehouse_logins_total", "result=\"mfa_required\""},
    {"gatehouse_logins_total", "result=\"throttled\""},
    {"gatehouse_revocations_total", "kind=\"session\""},
    {"gatehouse_signups_total", ""},
    {"gatehouse_rate_limited_total", ""},
    {"gatehouse_overloaded_total", ""},
    {"gatehouse_checkpoint_export_failures_total", ""},
};
static_assert(std::size(kEventNames) == size_t(Metrics::Event::CheckpointExportFailed) + 1,
              "one name per event");

QByteArray escapeLabel(const QString &value)
{
    QByteArray out = value.toUtf8();
    out.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    return out;
}

} // namespace

Metrics::Metrics()
{
    for (const api::ApiRoute &route : api::apiRoutes())
        m_routes.append(QLatin1String(route.method) + QLatin1Char(' ') + QLatin1String(route.path));
    for (qsizetype i = 0; i <= m_routes.size(); ++i)
        m_counters.push_back(std::make_unique<RouteCounters>());
}

void Metrics::record(int route, int status, double seconds)
{
    RouteCounters &counters = *m_counters[size_t(std::clamp(route, 0, unmatchedRoute()))];
    counters.statuses[size_t(std::clamp(status, 0, 599))].fetch_add(1, std::memory_order_relaxed);
    size_t bucket = 0;
    while (bucket < kBuckets.size() && seconds > kBuckets[bucket])
        ++bucket;
    counters.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
    counters.count.fetch_add(1, std::memory_order_relaxed);
    counters.microseconds.fetch_add(quint64(std::max(0.0, seconds) * 1e6),
                                    std::memory_order_relaxed);
}

void Metrics::count(Event event)
{
    m_events[size_t(event)].fetch_add(1, std::memory_order_relaxed);
}

void Metrics::setOpenConnections(std::function<std::vector<int>()> source)
{
    std::lock_guard lock(m_sourceMutex);
    m_openConnections = std::move(source);
}

QByteArray Metrics::render() const
{
    QByteArray out;
    out += "# HELP gatehouse_http_requests_total Requests answered, by route and status.\n"
           "# TYPE gatehouse_http_requests_total counter\n";
    const auto routeLabel = [&](size_t index) {
        return index < size_t(m_routes.size()) ? escapeLabel(m_routes[qsizetype(index)])
                                               : QByteArray("unmatched");
    };
    for (size_t r = 0; r < m_counters.size(); ++r) {
        for (size_t status = 0; status < 600; ++status) {
            const quint64 n = m_counters[r]->statuses[status].load(std::memory_order_relaxed);
            if (n != 0) {
                out += "gatehouse_http_requests_total{route=\"" + routeLabel(r) + "\",status=\""
                    + QByteArray::number(qulonglong(status)) + "\"} " + QByteArray::number(n)
                    + '\n';
            }
        }
    }
    out += "# HELP gatehouse_http_request_duration_seconds Time from a whole request to its "
           "answer, by route.\n"
           "# TYPE gatehouse_http_request_duration_seconds histogram\n";
    for (size_t r = 0; r < m_counters.size(); ++r) {
        const RouteCounters &counters = *m_counters[r];
        const quint64 total = counters.count.load(std::memory_order_relaxed);
        if (total == 0)
            continue;
        const QByteArray name = "gatehouse_http_request_duration_seconds";
        const QByteArray route = "route=\"" + routeLabel(r) + "\"";
        quint64 cumulative = 0;
        for (size_t b = 0; b <= kBuckets.size(); ++b) {
            cumulative += counters.buckets[b].load(std::memory_order_relaxed);
            const QByteArray le =
                b < kBuckets.size() ? QByteArray::number(kBuckets[b], 'g', 6) : QByteArray("+Inf");
            out += name + "_bucket{" + route + ",le=\"" + le + "\"} "
                + QByteArray::number(cumulative) + '\n';
        }
        out += name + "_sum{" + route + "} "
            + QByteArray::number(double(counters.microseconds.load()) / 1e6, 'f', 6) + '\n';
        out += name + "_count{" + route + "} " + QByteArray::number(total) + '\n';
    }
    const char *previous = "";
    for (size_t e = 0; e < m_events.size(); ++e) {
        const EventName &event = kEventNames[e];
        if (qstrcmp(previous, event.metric) != 0)
            out += QByteArray("# TYPE ") + event.metric + " counter\n";
        previous = event.metric;
        out += QByteArray(event.metric)
            + (*event.labels ? QByteArray("{") + event.labels + "}" : QByteArray()) + ' '
            + QByteArray::number(m_events[e].load(std::memory_order_relaxed)) + '\n';
    }
    std::lock_guard lock(m_sourceMutex);
    if (m_openConnections) {
        out += "# HELP gatehouse_open_connections Connections open now, by network thread.\n"
               "# TYPE gatehouse_open_connections gauge\n";
        const std::vector<int> open = m_openConnections();
        for (size_t thread = 0; thread < open.size(); ++thread) {
            out += "gatehouse_open_connections{thread=\"" + QByteArray::number(qulonglong(thread))
                + "\"} " + QByteArray::number(open[thread]) + '\n';
        }
    }
    return out;
}

} // namespace gatehouse::server
