#include "GzipInflater.h"

#include <libdeflate.h>

#include <QLocale>

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace gatehouse::cloudtrail {

namespace {

constexpr std::size_t kMemberOverhead = 18; // 10-byte header + 8-byte trailer, at least
constexpr std::size_t kLongestMatch = 258;
constexpr std::size_t kLongestStoredBlock = 65535;
// DEFLATE cannot expand more than 1032:1, so a buffer this large that is still too small means
// the data is damaged, not big.
constexpr std::size_t kMaxRatio = 1032;

Error corrupt()
{
    return makeError(ErrorCode::InvalidInput, QStringLiteral("gzip data is corrupt or truncated"));
}

bool onlyZeros(const char *data, std::size_t size)
{
    return std::all_of(data, data + size, [](char c) { return c == 0; });
}

} // namespace

GzipInflater::GzipInflater()
    : m_decompressor(libdeflate_alloc_decompressor())
{}

GzipInflater::~GzipInflater()
{
    libdeflate_free_decompressor(m_decompressor);
}

bool GzipInflater::isGzip(const char *data, std::size_t size)
{
    return size >= 2 && static_cast<unsigned char>(data[0]) == 0x1f
        && static_cast<unsigned char>(data[1]) == 0x8b;
}

Result<void> GzipInflater::inflate(const char *in, std::size_t size, PaddedText &out,
                                   std::size_t maxBytes)
{
    if (!m_decompressor)
        return makeError(ErrorCode::Unavailable, QStringLiteral("not enough memory"));
    out.clear();
    if (size < kMemberOverhead)
        return corrupt();
    const std::size_t possible =
        size > (std::size_t(-1) - 65536) / kMaxRatio ? std::size_t(-1) : size * kMaxRatio + 65536;
    const std::size_t limit = std::min(maxBytes, possible);
    std::uint32_t isize = 0;
    std::memcpy(&isize, in + size - 4, 4); // little-endian, as gzip and x86 have it
    if (!out.reserve(std::min<std::size_t>(std::max<std::size_t>(isize, 4096), limit)))
        return makeError(ErrorCode::Unavailable, QStringLiteral("not enough memory"));

    std::size_t pos = 0;
    while (pos < size) {
        if (pos > 0 && !isGzip(in + pos, size - pos)) {
            if (onlyZeros(in + pos, size - pos))
                break;
            return makeError(ErrorCode::InvalidInput,
                             QStringLiteral("gzip data is followed by bytes that are not gzip"));
        }
        std::size_t used = 0;
        std::size_t produced = 0;
        const libdeflate_result result = libdeflate_gzip_decompress_ex(
            m_decompressor, in + pos, size - pos, out.data() + out.size(),
            out.capacity() - out.size(), &used, &produced);
        if (result == LIBDEFLATE_SUCCESS) {
            out.resize(out.size() + produced);
            pos += used;
            continue;
        }
        if (result != LIBDEFLATE_INSUFFICIENT_SPACE)
            return corrupt();
        if (out.capacity() >= maxBytes) {
            return makeError(ErrorCode::InvalidInput,
                             QStringLiteral("gzip data decompresses to more than %1 bytes, the "
                                            "most a trail file may have")
                                 .arg(QLocale(QLocale::English).toString(qulonglong(maxBytes))));
        }
        if (out.capacity() >= limit)
            return corrupt();
        // The member starts over in a buffer twice as large: output lost is at most what
        // the larger buffer then holds, so the total work stays linear.
        const std::size_t grown =
            std::min(std::max(out.capacity() * 2, out.capacity() + (std::size_t(1) << 20)), limit);
        if (!out.reserve(grown, out.size()))
            return makeError(ErrorCode::Unavailable, QStringLiteral("not enough memory"));
    }
    return {};
}

Result<void> GzipInflater::inflatePrefix(const char *in, std::size_t size, PaddedText &out,
                                         std::size_t wanted, std::size_t maxBytes, Room room,
                                         std::size_t zeroFrom)
{
    // See Room: when libdeflate reports that the buffer was too small, every byte up to
    // `wanted` is written (with Room::Match, unless a stored block came first).
    const std::size_t slack =
        room == Room::StoredBlock ? kLongestStoredBlock + 1 + kLongestMatch : kLongestMatch;
    if (!m_decompressor)
        return makeError(ErrorCode::Unavailable, QStringLiteral("not enough memory"));
    out.clear();
    if (size < kMemberOverhead)
        return corrupt();
    if (wanted >= maxBytes - std::min(maxBytes, slack))
        return inflate(in, size, out, maxBytes);
    if (!out.reserve(wanted + slack))
        return makeError(ErrorCode::Unavailable, QStringLiteral("not enough memory"));
    if (room == Room::Match && zeroFrom < wanted)
        std::memset(out.data() + zeroFrom, 0, wanted - zeroFrom);
    std::size_t used = 0;
    std::size_t produced = 0;
    // Not out.capacity(): a buffer used again may be larger, and libdeflate fills all it gets.
    const libdeflate_result result = libdeflate_gzip_decompress_ex(
        m_decompressor, in, size, out.data(), wanted + slack, &used, &produced);
    if (result == LIBDEFLATE_INSUFFICIENT_SPACE) {
        out.resize(wanted);
        return {};
    }
    if (result != LIBDEFLATE_SUCCESS)
        return corrupt();
    if (produced >= wanted || used == size) {
        out.resize(produced);
        return {};
    }
    // More members follow the first, and the bytes wanted reach into them.
    return inflate(in, size, out, maxBytes);
}

Result<void> GzipInflater::inflateFrom(const char *in, std::size_t size,
                                       const GzipAccessPoint &point, const char *window,
                                       std::size_t wanted, PaddedText &out, std::size_t zeroFrom,
                                       std::size_t maxInput)
{
    if (!m_decompressor)
        return makeError(ErrorCode::Unavailable, QStringLiteral("not enough memory"));
    out.clear();
    const auto first = std::size_t(point.bit / 8);
    const auto shift = unsigned(point.bit % 8);
    const std::size_t windowSize = point.windowSize;
    if (first >= size || maxInput == 0 || windowSize > GzipAccessPoint::kMaxWindow
        || windowSize > point.textOffset || wanted <= point.textOffset)
        return corrupt();
    // A stored block holding the window, not the last block: 3 header bits of zero padded to
    // the byte, the length and its complement, the bytes.
    const std::size_t tail = std::min(size - first, maxInput);
    m_stream.resize(5 + windowSize + tail);
    unsigned char *stream = m_stream.data();
    stream[0] = 0;
    stream[1] = static_cast<unsigned char>(windowSize & 0xFF);
    stream[2] = static_cast<unsigned char>(windowSize >> 8);
    stream[3] = static_cast<unsigned char>(~windowSize & 0xFF);
    stream[4] = static_cast<unsigned char>((~windowSize >> 8) & 0xFF);
    if (windowSize > 0)
        std::memcpy(stream + 5, window, windowSize);
    // The file's blocks from the point on, moved to start at a byte as the stored block ends.
    unsigned char *bits = stream + 5 + windowSize;
    const auto *from = reinterpret_cast<const unsigned char *>(in) + first;
    if (shift == 0) {
        std::memcpy(bits, from, tail);
    } else {
        // Eight bytes at a time (the byte after them supplies the top bits), then the rest.
        std::size_t i = 0;
        for (; i + 9 <= tail; i += 8) {
            std::uint64_t word;
            std::memcpy(&word, from + i, 8);
            word = (word >> shift) | (std::uint64_t(from[i + 8]) << (64 - shift));
            std::memcpy(bits + i, &word, 8);
        }
        for (; i + 1 < tail; ++i)
            bits[i] = static_cast<unsigned char>((from[i] >> shift) | (from[i + 1] << (8 - shift)));
        bits[tail - 1] = static_cast<unsigned char>(from[tail - 1] >> shift);
    }
    // Room for a match past the text wanted, not for a stored block (see the header).
    const std::size_t needed = windowSize + (wanted - point.textOffset);
    const std::size_t room = kLongestMatch;
    if (!out.reserve(needed + room))
        return makeError(ErrorCode::Unavailable, QStringLiteral("not enough memory"));
    // See Room::Match.
    const std::size_t zeroed =
        windowSize + (std::max<std::size_t>(zeroFrom, point.textOffset) - point.textOffset);
    if (zeroed < needed)
        std::memset(out.data() + zeroed, 0, needed - zeroed);
    std::size_t produced = 0;
    const libdeflate_result result = libdeflate_deflate_decompress_ex(
        m_decompressor, stream, m_stream.size(), out.data(), needed + room, nullptr, &produced);
    if (result == LIBDEFLATE_INSUFFICIENT_SPACE
        || (result == LIBDEFLATE_SUCCESS && produced >= needed)) {
        out.resize(result == LIBDEFLATE_SUCCESS ? produced : needed);
        return {};
    }
    return corrupt();
}

} // namespace gatehouse::cloudtrail
