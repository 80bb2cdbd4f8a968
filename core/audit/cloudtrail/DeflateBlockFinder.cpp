#include "DeflateBlockFinder.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <optional>

namespace gatehouse::cloudtrail {

namespace {

constexpr unsigned kMaxCodeBits = 15;

// Fills `bits` to at least 56 bits (enough for a length, a distance and their extra bits) from
// `data` at `next`, a whole word at once where 8 bytes remain; past the end it reads zeros.
// `count` must be below 64.
inline void refill(const unsigned char *data, std::size_t size, std::size_t &next,
                   std::uint64_t &bits, unsigned &count)
{
    if (next + 8 <= size) {
        // The word's last byte lands only partly in the buffer and is not counted; the next
        // refill ORs the same byte into the same bits.
        std::uint64_t word;
        std::memcpy(&word, data + next, 8);
        bits |= word << count;
        next += (63 - count) >> 3;
        count |= 56;
        return;
    }
    for (; count <= 56; ++next, count += 8)
        bits |= std::uint64_t(next < size ? data[next] : 0) << count;
}

// The bits of a DEFLATE stream, least significant first as the format packs them. Past the
// end of the data it reads zeros; overrun() then tells.
class BitReader
{
    friend class Walk;

public:
    BitReader(const unsigned char *data, std::size_t size, std::size_t start)
        : m_data(data),
          m_size(size),
          m_next(start)
    {}

    void refill()
    {
        if (m_count < 56)
            cloudtrail::refill(m_data, m_size, m_next, m_bits, m_count);
    }

    std::uint64_t peek() const { return m_bits; }
    void drop(unsigned count)
    {
        m_bits >>= count;
        m_count -= count;
    }
    unsigned take(unsigned count)
    {
        const auto value = unsigned(m_bits & ((std::uint64_t(1) << count) - 1));
        drop(count);
        return value;
    }
    // Bits consumed, counted from the data's first byte.
    std::uint64_t position() const { return std::uint64_t(m_next) * 8 - m_count; }
    bool overrun() const { return position() > std::uint64_t(m_size) * 8; }

private:
    const unsigned char *m_data;
    std::size_t m_size;
    std::size_t m_next; // the next byte to load
    std::uint64_t m_bits = 0;
    unsigned m_count = 0;
};

// What a code stands for, packed with its length so that one table lookup gives all the
// skipping needs: the code's bits (0-3), the extra bits after it (4-7), the text it stands for
// (8-16: 1 for a literal, the base length for a length code) and what kind of code it is.
enum CodeMeaning : std::uint32_t {
    kLengthCode = 1u << 29,
    kEndOfBlock = 1u << 30,
    kNoCode = 1u << 31,
};

constexpr std::uint32_t codeBits(std::uint32_t entry)
{
    return entry & 15u;
}
constexpr std::uint32_t extraBits(std::uint32_t entry)
{
    return (entry >> 4) & 15u;
}
constexpr std::uint32_t textOf(std::uint32_t entry)
{
    return (entry >> 8) & 0x1FFu;
}

// A canonical Huffman code as DEFLATE describes it by code lengths. Codes up to kFastBits long
// are found with one table lookup; longer ones (rare symbols, by the nature of the code) are
// decoded bit by bit. Every block has its own codes, for a few thousand codes of text, so
// the table costs as much to fill as to use: the code-length code, whose codes are at most 7
// bits long, has a table of that size (a table of 10 bits for it was a fifth of the walk).
template<unsigned kFastBits>
class HuffmanCode
{
public:
    // False when the lengths over-subscribe the code (more codes than bits allow). `meanings`
    // holds what each symbol stands for (CodeMeaning), without its length.
    bool build(const std::uint8_t *lengths, unsigned symbols, const std::uint32_t *meanings)
    {
        std::array<std::uint16_t, kMaxCodeBits + 1> count{};
        for (unsigned symbol = 0; symbol < symbols; ++symbol)
            ++count[lengths[symbol]];
        count[0] = 0;
        int left = 1;
        for (unsigned length = 1; length <= kMaxCodeBits; ++length) {
            left = (left << 1) - count[length];
            if (left < 0)
                return false;
        }
        std::array<std::uint16_t, kMaxCodeBits + 1> offsets{};
        for (unsigned length = 1; length < kMaxCodeBits; ++length)
            offsets[length + 1] = std::uint16_t(offsets[length] + count[length]);
        for (unsigned symbol = 0; symbol < symbols; ++symbol) {
            if (lengths[symbol] != 0)
                m_entries[offsets[lengths[symbol]]++] = meanings[symbol] | lengths[symbol];
        }
        m_count = count;
        m_fast.fill(0);
        unsigned code = 0;
        unsigned index = 0;
        for (unsigned length = 1; length <= kFastBits; ++length) {
            for (unsigned i = 0; i < count[length]; ++i, ++code) {
                const std::uint32_t entry = m_entries[index++];
                for (unsigned slot = reversed(code, length); slot < m_fast.size();
                     slot += 1u << length)
                    m_fast[slot] = entry;
            }
            code <<= 1;
        }
        return true;
    }

    // The entry of the next code in `bits` (not consumed), kNoCode when the bits are none.
    // Needs 15 bits in the reader.
    std::uint32_t entry(std::uint64_t bits) const
    {
        const std::uint32_t fast = m_fast[bits & (m_fast.size() - 1)];
        return fast != 0 ? fast : longCode(bits);
    }

private:
    // Bit by bit, as RFC 1951 describes canonical codes: rare enough to need no table.
    [[gnu::noinline]] std::uint32_t longCode(std::uint64_t bits) const
    {
        int code = 0;
        int first = 0;
        int index = 0;
        for (unsigned length = 1; length <= kMaxCodeBits; ++length) {
            code |= int(bits & 1);
            bits >>= 1;
            const int count = m_count[length];
            if (code - count < first)
                return m_entries[std::size_t(index + code - first)];
            index += count;
            first = (first + count) << 1;
            code <<= 1;
        }
        return kNoCode;
    }

    static unsigned reversed(unsigned code, unsigned length)
    {
        unsigned out = 0;
        for (unsigned i = 0; i < length; ++i, code >>= 1)
            out = (out << 1) | (code & 1);
        return out;
    }

    std::array<std::uint32_t, 1u << kFastBits> m_fast; // 0: a longer code
    std::array<std::uint16_t, kMaxCodeBits + 1> m_count;
    std::array<std::uint32_t, 288> m_entries; // in code order
};

// Literals and lengths, and distances; the code lengths of a dynamic block's codes.
using Code = HuffmanCode<10>;
using LengthCode = HuffmanCode<7>;
constexpr unsigned kMaxSymbols = 288;

constexpr std::array<std::uint16_t, 29> kLengthBase = {3,  4,  5,  6,   7,   8,   9,   10,  11, 13,
                                                       15, 17, 19, 23,  27,  31,  35,  43,  51, 59,
                                                       67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr std::array<std::uint8_t, 29> kLengthExtra = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                                       2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
constexpr std::array<std::uint8_t, 30> kDistanceExtra = {0, 0, 0,  0,  1,  1,  2,  2,  3,  3,
                                                         4, 4, 5,  5,  6,  6,  7,  7,  8,  8,
                                                         9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

// What the symbols of the two alphabets stand for (RFC 1951, 3.2.5).
struct Meanings {
    Meanings()
    {
        for (unsigned symbol = 0; symbol < 256; ++symbol)
            literals[symbol] = 1u << 8;
        literals[256] = kEndOfBlock;
        for (unsigned i = 0; i < kLengthBase.size(); ++i)
            literals[257 + i] = kLengthCode | std::uint32_t(kLengthBase[i]) << 8
                | std::uint32_t(kLengthExtra[i]) << 4;
        literals[286] = literals[287] = kNoCode;
        for (unsigned i = 0; i < kDistanceExtra.size(); ++i)
            distances[i] = std::uint32_t(kDistanceExtra[i]) << 4;
        distances[30] = distances[31] = kNoCode;
    }
    std::array<std::uint32_t, kMaxSymbols> literals;
    std::array<std::uint32_t, 32> distances;
};

const Meanings &meanings()
{
    static const Meanings all;
    return all;
}

// The codes of blocks with fixed Huffman codes (RFC 1951, 3.2.6).
struct FixedCodes {
    FixedCodes()
    {
        std::array<std::uint8_t, kMaxSymbols> lengths{};
        std::fill(lengths.begin(), lengths.begin() + 144, std::uint8_t(8));
        std::fill(lengths.begin() + 144, lengths.begin() + 256, std::uint8_t(9));
        std::fill(lengths.begin() + 256, lengths.begin() + 280, std::uint8_t(7));
        std::fill(lengths.begin() + 280, lengths.end(), std::uint8_t(8));
        literals.build(lengths.data(), kMaxSymbols, meanings().literals.data());
        lengths.fill(5);
        distances.build(lengths.data(), 32, meanings().distances.data());
    }
    Code literals;
    Code distances;
};

// Reads a dynamic block's code lengths (RFC 1951, 3.2.7) into `literals` and `distances`.
bool readDynamicCodes(BitReader &bits, Code &literals, Code &distances)
{
    static constexpr std::array<std::uint8_t, 19> kOrder = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                                            11, 4,  12, 3, 13, 2, 14, 1, 15};
    bits.refill();
    const unsigned literalCount = bits.take(5) + 257;
    const unsigned distanceCount = bits.take(5) + 1;
    const unsigned lengthCodeCount = bits.take(4) + 4;
    // 286 and 30 are what the format uses; libdeflate, which checked the data, accepts up to
    // 288 and 32.
    if (literalCount > kMaxSymbols || distanceCount > 32)
        return false;
    std::array<std::uint8_t, 19> lengthCodeLengths{};
    for (unsigned i = 0; i < lengthCodeCount; ++i) {
        bits.refill();
        lengthCodeLengths[kOrder[i]] = std::uint8_t(bits.take(3));
    }
    // The code-length alphabet's symbols are read by number: each stands for itself.
    static constexpr std::array<std::uint32_t, 19> kSelf = {
        0u << 8,  1u << 8,  2u << 8,  3u << 8,  4u << 8,  5u << 8,  6u << 8,
        7u << 8,  8u << 8,  9u << 8,  10u << 8, 11u << 8, 12u << 8, 13u << 8,
        14u << 8, 15u << 8, 16u << 8, 17u << 8, 18u << 8};
    LengthCode lengthCode;
    if (!lengthCode.build(lengthCodeLengths.data(), 19, kSelf.data()))
        return false;
    std::array<std::uint8_t, kMaxSymbols + 32> lengths{};
    const unsigned total = literalCount + distanceCount;
    for (unsigned i = 0; i < total;) {
        bits.refill();
        const std::uint32_t entry = lengthCode.entry(bits.peek());
        if (entry & kNoCode)
            return false;
        bits.drop(codeBits(entry));
        const std::uint32_t symbol = textOf(entry);
        if (symbol < 16) {
            lengths[i++] = std::uint8_t(symbol);
            continue;
        }
        std::uint8_t value = 0;
        unsigned repeat = 0;
        if (symbol == 16) {
            if (i == 0)
                return false;
            value = lengths[i - 1];
            repeat = 3 + bits.take(2);
        } else if (symbol == 17) {
            repeat = 3 + bits.take(3);
        } else {
            repeat = 11 + bits.take(7);
        }
        if (i + repeat > total)
            return false;
        std::fill_n(lengths.begin() + i, repeat, value);
        i += repeat;
    }
    if (lengths[256] == 0)
        return false; // no end-of-block code
    return literals.build(lengths.data(), literalCount, meanings().literals.data())
        && distances.build(lengths.data() + literalCount, distanceCount,
                           meanings().distances.data());
}

// Where the DEFLATE data of the gzip member at `pos` starts (RFC 1952, 2.3).
std::optional<std::size_t> deflateStart(const unsigned char *in, std::size_t size, std::size_t pos)
{
    constexpr std::size_t kHeader = 10;
    constexpr std::size_t kTrailer = 8;
    if (size - pos < kHeader + kTrailer || in[pos] != 0x1f || in[pos + 1] != 0x8b
        || in[pos + 2] != 8)
        return std::nullopt;
    const unsigned flags = in[pos + 3];
    std::size_t at = pos + kHeader;
    const auto skipString = [&] {
        const void *end = std::memchr(in + at, 0, size - at);
        if (!end)
            return false;
        at = std::size_t(static_cast<const unsigned char *>(end) - in) + 1;
        return true;
    };
    if (flags & 4u) { // FEXTRA
        if (size - at < 2)
            return std::nullopt;
        at += 2 + std::size_t(in[at] | in[at + 1] << 8);
        if (at > size)
            return std::nullopt;
    }
    if ((flags & 8u) && !skipString()) // FNAME
        return std::nullopt;
    if ((flags & 16u) && !skipString()) // FCOMMENT
        return std::nullopt;
    if (flags & 2u) // FHCRC
        at += 2;
    if (at > size)
        return std::nullopt;
    return at;
}

bool onlyZeros(const unsigned char *data, std::size_t size)
{
    return std::all_of(data, data + size, [](unsigned char c) { return c == 0; });
}

// The state of a walk the hot loop works on, as plain values the compiler keeps in
// registers: each code's position depends on the code before it, so a walk runs at the speed
// of that chain of lookups and shifts.
struct Hot {
    std::uint64_t buffer;
    unsigned count;
    std::size_t next;
    std::uint64_t text;
    const unsigned char *data;
    std::size_t size;
    const Code *literals;
    const Code *distances;
};

enum class Step { Next, EndOfBlock, Bad };

// One code (and its distance) of the block.
inline Step step(Hot &hot)
{
    refill(hot.data, hot.size, hot.next, hot.buffer, hot.count);
    const std::uint32_t entry = hot.literals->entry(hot.buffer);
    if (entry & (kNoCode | kEndOfBlock)) [[unlikely]] {
        if (entry & kNoCode)
            return Step::Bad;
        hot.buffer >>= codeBits(entry);
        hot.count -= codeBits(entry);
        return Step::EndOfBlock;
    }
    const std::uint32_t extra = extraBits(entry);
    hot.buffer >>= codeBits(entry);
    hot.text += textOf(entry) + (hot.buffer & ((1u << extra) - 1));
    hot.buffer >>= extra;
    hot.count -= codeBits(entry) + extra;
    if (entry & kLengthCode) {
        // The distance itself is not needed, only how many bits it takes.
        const std::uint32_t distance = hot.distances->entry(hot.buffer);
        if (distance & kNoCode) [[unlikely]]
            return Step::Bad;
        const std::uint32_t skipped = codeBits(distance) + extraBits(distance);
        hot.buffer >>= skipped;
        hot.count -= skipped;
    }
    // Past the data's end the bits are zeros, which may decode for ever: a walk there is over.
    if (hot.next + 8 > hot.size && hot.next * 8 - hot.count > std::uint64_t(hot.size) * 8)
        [[unlikely]]
        return Step::Bad;
    return Step::Next;
}

// One gzip file's walk from block to block, collecting its access points.
class Walk
{
public:
    Walk(const unsigned char *in, std::size_t size, std::size_t textSize, std::size_t spacing)
        : m_in(in),
          m_size(size),
          m_textSize(textSize),
          m_parts(std::max<std::uint64_t>(1, (textSize + spacing / 2) / spacing)),
          m_bits(in, size, 0)
    {}

    // Reads on to the next Huffman-coded block's codes; false when the walk is over.
    bool toCodes()
    {
        while (m_state != State::Codes && m_state != State::Done && m_state != State::Failed)
            toNextBlock();
        return m_state == State::Codes;
    }

    Hot hot() const
    {
        return {m_bits.m_bits, m_bits.m_count, m_bits.m_next, m_text,
                m_in,          m_size,         m_literals,    m_distances};
    }

    // The hot loop's state back, and how its last step ended.
    void update(const Hot &hot, Step last)
    {
        m_bits.m_bits = hot.buffer;
        m_bits.m_count = hot.count;
        m_bits.m_next = hot.next;
        m_text = hot.text;
        if (last == Step::Bad)
            m_state = State::Failed;
        else if (last == Step::EndOfBlock)
            endBlock(!m_bits.overrun());
    }

    std::vector<GzipAccessPoint> points()
    {
        if (m_state != State::Done)
            return {};
        // Walked to the end, the text must be all there; stopped at the last part's point,
        // nothing is known of what follows it (the reader checks every point on the text).
        if (m_points.empty() || (m_points.size() < m_parts && m_text != m_textSize)
            || m_points.back().textOffset >= m_textSize)
            return {};
        return std::move(m_points);
    }

private:
    enum class State { Member, BlockHeader, Codes, Done, Failed };

    void toNextBlock()
    {
        if (m_state == State::Member) {
            if (m_pos >= m_size || (m_pos > 0 && onlyZeros(m_in + m_pos, m_size - m_pos))) {
                m_state = State::Done;
                return;
            }
            const std::optional<std::size_t> start = deflateStart(m_in, m_size, m_pos);
            if (!start) {
                m_state = State::Failed;
                return;
            }
            m_memberStart = m_text;
            m_bits = BitReader(m_in, m_size, *start);
            m_state = State::BlockHeader;
            return;
        }
        m_bits.refill();
        // The file's text is cut into parts of about `spacing` bytes, of equal size; a point
        // is the first block starting in each part (at the first block for the first), so a
        // record is never further than about one part past its point.
        if (m_points.empty()
            || (m_points.size() < m_parts && m_text >= m_textSize * m_points.size() / m_parts)) {
            if (m_text > 0xFFFFFFFFu) {
                m_state = State::Failed;
                return;
            }
            GzipAccessPoint point;
            point.bit = m_bits.position();
            point.textOffset = std::uint32_t(m_text);
            point.windowSize = std::uint32_t(
                std::min<std::uint64_t>(GzipAccessPoint::kMaxWindow, m_text - m_memberStart));
            m_points.push_back(std::move(point));
            if (m_points.size() == m_parts) {
                // Every part has its point: the rest of the file need not be walked.
                m_state = State::Done;
                return;
            }
        }
        m_lastBlock = m_bits.take(1) != 0;
        const unsigned type = m_bits.take(2);
        // Type 0 (stored) ends the search, see the header; 3 is not a block type.
        if (type == 1) {
            static const FixedCodes fixed;
            m_literals = &fixed.literals;
            m_distances = &fixed.distances;
        } else if (type == 2 && readDynamicCodes(m_bits, m_dynamicLiterals, m_dynamicDistances)) {
            m_literals = &m_dynamicLiterals;
            m_distances = &m_dynamicDistances;
        } else {
            m_state = State::Failed;
            return;
        }
        m_state = State::Codes;
    }

    void endBlock(bool ok)
    {
        if (!ok) {
            m_state = State::Failed;
        } else if (!m_lastBlock) {
            m_state = State::BlockHeader;
        } else {
            m_pos = std::size_t((m_bits.position() + 7) / 8) + 8; // the trailer: CRC-32, size
            m_state = m_pos > m_size ? State::Failed : State::Member;
        }
    }

    const unsigned char *m_in;
    std::size_t m_size;
    std::uint64_t m_textSize;
    std::uint64_t m_parts;
    BitReader m_bits;
    State m_state = State::Member;
    std::size_t m_pos = 0; // the next member
    std::uint64_t m_memberStart = 0;
    std::uint64_t m_text = 0;
    bool m_lastBlock = false;
    const Code *m_literals = nullptr;
    const Code *m_distances = nullptr;
    Code m_dynamicLiterals;
    Code m_dynamicDistances;
    std::vector<GzipAccessPoint> m_points;
};

void walkToEnd(Walk &walk)
{
    while (walk.toCodes()) {
        Hot hot = walk.hot();
        Step last;
        while ((last = step(hot)) == Step::Next) {}
        walk.update(hot, last);
    }
}

} // namespace

std::vector<GzipAccessPoint> DeflateBlockFinder::find(const unsigned char *in, std::size_t size,
                                                      std::size_t textSize, std::size_t spacing)
{
    if (spacing == 0 || textSize < spacing + spacing / 2)
        return {}; // one part: its point would be the file's start
    Walk walk(in, size, textSize, spacing);
    walkToEnd(walk);
    return walk.points();
}

} // namespace gatehouse::cloudtrail
