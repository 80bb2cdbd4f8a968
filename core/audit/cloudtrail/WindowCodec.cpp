#include "WindowCodec.h"

#include <lz4.h>

#include <limits>

namespace gatehouse::cloudtrail {

QByteArray WindowCodec::pack(QByteArrayView text)
{
    if (text.isEmpty() || text.size() > LZ4_MAX_INPUT_SIZE)
        return {};
    QByteArray packed(LZ4_compressBound(int(text.size())), Qt::Uninitialized);
    const int size =
        LZ4_compress_default(text.data(), packed.data(), int(text.size()), int(packed.size()));
    packed.truncate(size);
    return packed;
}

bool WindowCodec::unpack(QByteArrayView packed, char *out, std::size_t size)
{
    if (size == 0)
        return packed.isEmpty();
    if (packed.size() > std::numeric_limits<int>::max()
        || size > std::size_t(std::numeric_limits<int>::max()))
        return false;
    return LZ4_decompress_safe(packed.data(), out, int(packed.size()), int(size)) == int(size);
}

} // namespace gatehouse::cloudtrail
