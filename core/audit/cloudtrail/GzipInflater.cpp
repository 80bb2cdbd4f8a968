#include "GzipInflater.h"

#include <libdeflate.h>

#include <QLocale>

#include <algorithm>
#include <cstring>

namespace gatehouse::cloudtrail {

namespace {

constexpr std::size_t kMemberOverhead = 18; // 10-byte header + 8-byte trailer, at least
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
                                         std::size_t wanted, std::size_t maxBytes)
{
    // libdeflate writes its output in order and stops when the next literal, match (at most
    // 258 bytes) or stored block (at most 65,535) would not fit: with this much room past
    // `wanted`, every byte up to `wanted` is written when it reports that the buffer was too
    // small. That is how its decompressor works (1.14 and later), not a promise of its
    // header; the record read from the text is parsed and checked against the lookup, and a
    // file whose size or time changed is never read this way.
    constexpr std::size_t kSlack = 65536 + 258;
    if (!m_decompressor)
        return makeError(ErrorCode::Unavailable, QStringLiteral("not enough memory"));
    out.clear();
    if (size < kMemberOverhead)
        return corrupt();
    if (wanted >= maxBytes - std::min(maxBytes, kSlack))
        return inflate(in, size, out, maxBytes);
    if (!out.reserve(wanted + kSlack))
        return makeError(ErrorCode::Unavailable, QStringLiteral("not enough memory"));
    std::size_t used = 0;
    std::size_t produced = 0;
    // Not out.capacity(): a buffer used again may be larger, and libdeflate fills all it gets.
    const libdeflate_result result = libdeflate_gzip_decompress_ex(
        m_decompressor, in, size, out.data(), wanted + kSlack, &used, &produced);
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

} // namespace gatehouse::cloudtrail
