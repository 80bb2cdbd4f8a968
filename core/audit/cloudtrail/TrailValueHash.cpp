#include "TrailValueHash.h"

#include <QtEndian>

namespace gatehouse::cloudtrail {

namespace {

constexpr std::uint64_t rotl(std::uint64_t x, int b)
{
    return (x << b) | (x >> (64 - b));
}

struct SipState {
    std::uint64_t v0, v1, v2, v3;

    void round()
    {
        v0 += v1;
        v1 = rotl(v1, 13);
        v1 ^= v0;
        v0 = rotl(v0, 32);
        v2 += v3;
        v3 = rotl(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = rotl(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = rotl(v1, 17);
        v1 ^= v2;
        v2 = rotl(v2, 32);
    }
};

template<int C, int D>
std::uint64_t sipHash(std::uint64_t k0, std::uint64_t k1, std::string_view data)
{
    SipState s{k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL, k0 ^ 0x6c7967656e657261ULL,
               k1 ^ 0x7465646279746573ULL};
    const auto *bytes = reinterpret_cast<const unsigned char *>(data.data());
    const std::size_t whole = data.size() / 8 * 8;
    for (std::size_t at = 0; at < whole; at += 8) {
        const std::uint64_t m = qFromLittleEndian<quint64>(bytes + at);
        s.v3 ^= m;
        for (int i = 0; i < C; ++i)
            s.round();
        s.v0 ^= m;
    }
    // The last block: the remaining bytes, little-endian, with the length in the top byte.
    std::uint64_t last = std::uint64_t(data.size()) << 56;
    for (std::size_t i = 0; i < data.size() - whole; ++i)
        last |= std::uint64_t(bytes[whole + i]) << (8 * i);
    s.v3 ^= last;
    for (int i = 0; i < C; ++i)
        s.round();
    s.v0 ^= last;
    s.v2 ^= 0xff;
    for (int i = 0; i < D; ++i)
        s.round();
    return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

} // namespace

TrailValueHash::TrailValueHash(const Key &key)
    : m_k0(qFromLittleEndian<quint64>(key.data())),
      m_k1(qFromLittleEndian<quint64>(key.data() + 8))
{}

std::uint64_t TrailValueHash::sipHash13(std::uint64_t k0, std::uint64_t k1, std::string_view data)
{
    return sipHash<1, 3>(k0, k1, data);
}

std::uint64_t TrailValueHash::sipHash24(std::uint64_t k0, std::uint64_t k1, std::string_view data)
{
    return sipHash<2, 4>(k0, k1, data);
}

} // namespace gatehouse::cloudtrail
