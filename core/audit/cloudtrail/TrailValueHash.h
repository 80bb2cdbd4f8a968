#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace gatehouse::cloudtrail {

// Lookup values as an index keeps them: a keyed hash of the value's bytes, cut to 32 bits, so
// segments hold numbers without a dictionary of the strings. A million records bring most of
// a million new values (temporary access keys, session names, object ARNs); hashing them
// costs a few dozen nanoseconds each, where a shared dictionary cost a lock, a table and a
// row per string.
//
// Distinct values can share a hash, so a lookup checks the records it reads back against the
// values asked for. The key is random per index, so nobody who writes log records can choose
// values that collide with another's on purpose (SipHash is built for that).
class TrailValueHash
{
public:
    using Key = std::array<std::uint8_t, 16>;

    explicit TrailValueHash(const Key &key);

    // 0 for an empty value (absent), never 0 otherwise.
    std::uint32_t operator()(std::string_view value) const
    {
        if (value.empty())
            return 0;
        const auto hash = std::uint32_t(sipHash13(m_k0, m_k1, value));
        return hash != 0 ? hash : 1;
    }

    // SipHash-c-d (Aumasson and Bernstein) with 64-bit output. 1-3 is what the index uses;
    // 2-4 is there for the published test vectors of the shared code.
    static std::uint64_t sipHash13(std::uint64_t k0, std::uint64_t k1, std::string_view data);
    static std::uint64_t sipHash24(std::uint64_t k0, std::uint64_t k1, std::string_view data);

private:
    std::uint64_t m_k0;
    std::uint64_t m_k1;
};

} // namespace gatehouse::cloudtrail
