#include "RateLimiter.h"

#include <cmath>

namespace gatehouse::server {

RateLimiter::RateLimiter(double perSecond, double burst)
    : m_perSecond(perSecond),
      m_burst(std::max(1.0, burst))
{}

std::optional<int> RateLimiter::take(const QString &key)
{
    return take(key, std::chrono::steady_clock::now());
}

std::optional<int> RateLimiter::take(const QString &key, std::chrono::steady_clock::time_point now)
{
    if (m_perSecond <= 0)
        return std::nullopt;
    Shard &shard = m_shards[qHash(key) % kShards];
    std::lock_guard lock(shard.mutex);
    // Many addresses (a spray of IPv6 ones): drop the full buckets, at most once a second.
    if (shard.buckets.size() > 10000 && now - shard.swept > std::chrono::seconds(1)) {
        sweep(shard, now);
        shard.swept = now;
    }
    auto it = shard.buckets.find(key);
    if (it == shard.buckets.end())
        it = shard.buckets.insert(key, Bucket{m_burst, now});
    Bucket &bucket = *it;
    const double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
    bucket.tokens = std::min(m_burst, bucket.tokens + elapsed * m_perSecond);
    bucket.updated = now;
    if (bucket.tokens >= 1.0) {
        bucket.tokens -= 1.0;
        return std::nullopt;
    }
    return int(std::clamp(std::ceil((1.0 - bucket.tokens) / m_perSecond), 1.0, 3600.0));
}

void RateLimiter::sweep(Shard &shard, std::chrono::steady_clock::time_point now)
{
    for (auto it = shard.buckets.begin(); it != shard.buckets.end();) {
        const double elapsed = std::chrono::duration<double>(now - it->updated).count();
        if (it->tokens + elapsed * m_perSecond >= m_burst)
            it = shard.buckets.erase(it);
        else
            ++it;
    }
}

} // namespace gatehouse::server
