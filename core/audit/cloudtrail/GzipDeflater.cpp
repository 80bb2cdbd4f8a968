#include "GzipDeflater.h"

#include <libdeflate.h>

#include <memory>

namespace gatehouse::cloudtrail {

Result<QByteArray> GzipDeflater::compress(QByteArrayView data, int level)
{
    const std::unique_ptr<libdeflate_compressor, decltype(&libdeflate_free_compressor)> compressor(
        libdeflate_alloc_compressor(level), libdeflate_free_compressor);
    if (!compressor) {
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("Cannot compress: out of memory, or level %1 is not "
                                        "0 to 12.")
                             .arg(level));
    }
    QByteArray out(
        qsizetype(libdeflate_gzip_compress_bound(compressor.get(), std::size_t(data.size()))),
        Qt::Uninitialized);
    const std::size_t size =
        libdeflate_gzip_compress(compressor.get(), data.data(), std::size_t(data.size()),
                                 out.data(), std::size_t(out.size()));
    if (size == 0)
        return makeError(ErrorCode::Internal, QStringLiteral("Compression failed."));
    out.truncate(qsizetype(size));
    return out;
}

} // namespace gatehouse::cloudtrail
