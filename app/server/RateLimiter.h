#pragma once

#include <QHash>
#include <QString>

#include <chrono>
#include <mutex>
#include <optional>

namespace gatehouse::server {

// Requests per client address, as token buckets in this process: the cheap first line against
// a flood (E14), checked before any work. It is per instance on purpose: what must hold across
// instances (sign-in failures per address and per account, lockouts) is counted in the store
// by the core (LoginThrottle, Credentials).
class RateLimiter
{
public:
    // `perSecond` <= 0 turns limiting off.
    RateLimiter(double perSecond, double burst);

    // nullopt: go ahead (a token was taken); else the seconds to wait, for Retry-After.
    std::optional<int> take(const QString &key);
    std::optional<int> take(const QString &key, std::chrono::steady_clock::time_point now);

private:
    struct Bucket {
        double tokens = 0;
        std::chrono::steady_clock::time_point updated;
    };
    static constexpr int kShards = 16;
    struct Shard {
        std::mutex mutex;
        QHash<QString, Bucket> buckets;
        std::chrono::steady_clock::time_point swept;
    };
    // Drops buckets that have refilled (they hold nothing a new bucket would not).
    void sweep(Shard &shard, std::chrono::steady_clock::time_point now);

    const double m_perSecond;
    const double m_burst;
    Shard m_shards[kShards];
};

} // namespace gatehouse::server
