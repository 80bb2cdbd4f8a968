#pragma once

#include <cstdint>
#include <vector>

namespace gatehouse::bench {

// xoshiro256** seeded through splitmix64: fast, and the same numbers on every platform and
// standard library (std::uniform_int_distribution is implementation-defined), which is what
// makes the generated logs byte-identical for one seed.
class TrailRandom
{
public:
    // A stream of its own for each (seed, stream) pair, so any record or file can be made
    // again on its own, in any order, on any thread.
    TrailRandom(std::uint64_t seed, std::uint64_t stream);

    std::uint64_t next();
    // Uniform in [0, bound); bound > 0.
    std::uint32_t below(std::uint32_t bound);
    // True with the given probability in thousandths.
    bool perMille(std::uint32_t chance) { return below(1000) < chance; }

    // A uniformly chosen element of a non-empty array, vector or span.
    template<typename Container>
    const auto &pick(const Container &items)
    {
        return items[below(static_cast<std::uint32_t>(items.size()))];
    }

private:
    std::uint64_t m_state[4];
};

// Picks index i with a weight proportional to 1 / (i + 1) (Zipf, s = 1): a few items
// dominate and a long tail still shows up, as in real API call and address mixes. Integer
// weights keep the draws identical everywhere.
class ZipfTable
{
public:
    explicit ZipfTable(std::uint32_t size);
    std::uint32_t draw(TrailRandom &random) const;

private:
    std::vector<std::uint32_t> m_cumulative;
};

} // namespace gatehouse::bench
