#include "WindowCodec.h"

#include <libdeflate.h>
#include <lz4.h>

#include <cstdint>
#include <cstring>
#include <limits>

namespace gatehouse::cloudtrail {

namespace {

constexpr qsizetype kCrcBytes = 4;

std::uint32_t crcOf(const char *text, std::size_t size)
{
    return libdeflate_crc32(0, text, size);
}

} // namespace

QByteArray WindowCodec::pack(QByteArrayView text)
{
    if (text.isEmpty() || text.size() > LZ4_MAX_INPUT_SIZE)
        return {};
    QByteArray packed(kCrcBytes + LZ4_compressBound(int(text.size())), Qt::Uninitialized);
    const std::uint32_t crc = crcOf(text.data(), std::size_t(text.size()));
    std::memcpy(packed.data(), &crc, kCrcBytes);
    const int size = LZ4_compress_default(text.data(), packed.data() + kCrcBytes, int(text.size()),
                                          int(packed.size() - kCrcBytes));
    if (size <= 0)
        return {};
    packed.truncate(kCrcBytes + size);
    return packed;
}

bool WindowCodec::unpack(QByteArrayView packed, char *out, std::size_t size)
{
    if (size == 0)
        return packed.isEmpty();
    if (packed.size() <= kCrcBytes || packed.size() > std::numeric_limits<int>::max()
        || size > std::size_t(std::numeric_limits<int>::max()))
        return false;
    std::uint32_t crc;
    std::memcpy(&crc, packed.data(), kCrcBytes);
    return LZ4_decompress_safe(packed.data() + kCrcBytes, out, int(packed.size() - kCrcBytes),
                               int(size))
        == int(size)
        && crcOf(out, size) == crc;
}

} // namespace gatehouse::cloudtrail
