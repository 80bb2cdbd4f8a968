#pragma once

#include <QByteArray>
#include <QStringList>

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace gatehouse::server {

// Counters for /metrics in Prometheus text format: requests by route and status, latency
// histograms by route, and auth events. Lock-free (atomics per route), since every request
// records into it.
class Metrics
{
public:
    enum class Event {
        LoginSucceeded,
        LoginFailed,
        LoginMfaRequired,
        LoginThrottled,
        SessionRevoked,
        SignUp,
        RateLimited,
        Overloaded,
        CheckpointExportFailed, // an audit checkpoint not written to the checkpoint folder
    };

    // Counts by the routes of api::apiRoutes(), by index; index apiRoutes().size() counts
    // requests that matched no route or were refused by the HTTP layer.
    Metrics();

    int unmatchedRoute() const { return int(m_routes.size()); }
    void record(int route, int status, double seconds);
    void count(Event event);
    // Where the open connections of each network thread are read from when the numbers are
    // rendered; set once the HTTP server runs.
    void setOpenConnections(std::function<std::vector<int>()> source);

    QByteArray render() const;

private:
    static constexpr std::array<double, 12> kBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                     0.05,   0.1,   0.25,   0.5,   1,    2.5};
    struct RouteCounters {
        std::array<std::atomic<quint64>, 600> statuses{};
        std::array<std::atomic<quint64>, kBuckets.size() + 1> buckets{};
        std::atomic<quint64> count{0};
        std::atomic<quint64> microseconds{0};
    };

    QStringList m_routes;
    std::vector<std::unique_ptr<RouteCounters>> m_counters;
    std::array<std::atomic<quint64>, 9> m_events{};
    mutable std::mutex m_sourceMutex;
    std::function<std::vector<int>()> m_openConnections;
};

} // namespace gatehouse::server
