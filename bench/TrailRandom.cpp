#include "TrailRandom.h"

#include <algorithm>

namespace gatehouse::bench {

namespace {

std::uint64_t splitmix64(std::uint64_t &x)
{
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

} // namespace

TrailRandom::TrailRandom(std::uint64_t seed, std::uint64_t stream)
{
    std::uint64_t x = seed * 0xd1342543de82ef95ULL + stream;
    // Mix the stream in twice so neighbouring streams do not start from related states.
    x = splitmix64(x) ^ stream;
    for (std::uint64_t &word : m_state)
        word = splitmix64(x);
}

std::uint64_t TrailRandom::next()
{
    const std::uint64_t result = rotl(m_state[1] * 5, 7) * 9;
    const std::uint64_t t = m_state[1] << 17;
    m_state[2] ^= m_state[0];
    m_state[3] ^= m_state[1];
    m_state[1] ^= m_state[2];
    m_state[0] ^= m_state[3];
    m_state[2] ^= t;
    m_state[3] = rotl(m_state[3], 45);
    return result;
}

std::uint32_t TrailRandom::below(std::uint32_t bound)
{
    // Lemire's multiply-shift: no division, a bias far below anything a benchmark can see.
    return static_cast<std::uint32_t>(((next() >> 32) * bound) >> 32);
}

ZipfTable::ZipfTable(std::uint32_t size)
{
    m_cumulative.reserve(size);
    std::uint32_t total = 0;
    for (std::uint32_t i = 0; i < size; ++i) {
        total += std::max<std::uint32_t>(1, 1000000 / (i + 1));
        m_cumulative.push_back(total);
    }
}

std::uint32_t ZipfTable::draw(TrailRandom &random) const
{
    const std::uint32_t target = random.below(m_cumulative.back());
    const auto it = std::upper_bound(m_cumulative.begin(), m_cumulative.end(), target);
    return static_cast<std::uint32_t>(it - m_cumulative.begin());
}

} // namespace gatehouse::bench
