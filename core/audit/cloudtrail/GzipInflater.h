#pragma once

#include "PaddedText.h"
#include "model/Result.h"

#include <cstddef>

struct libdeflate_decompressor;

namespace gatehouse::cloudtrail {

// Whole-buffer gzip decompression with libdeflate, several times faster than zlib's streaming
// inflate: CloudTrail files are small enough to hold whole, and the import is bound by this.
// One inflater per thread (libdeflate's decompressor is not shared).
class GzipInflater
{
public:
    GzipInflater();
    ~GzipInflater();
    GzipInflater(const GzipInflater &) = delete;
    GzipInflater &operator=(const GzipInflater &) = delete;

    // gzip is told by its magic bytes 1f 8b, never by the file name.
    static bool isGzip(const char *data, std::size_t size);

    // Decompresses every member of `in` (gzip allows several, e.g. from `cat a.gz b.gz`) into
    // `out`. The output is first sized from the ISIZE trailer, which is only a hint: it is the
    // last member's size modulo 2^32, and a damaged file may say anything, so a short buffer
    // grows and the member is decompressed again. Zero bytes after the last member are
    // ignored, as gzip(1) does. Fails with InvalidInput when the data is corrupt or
    // truncated (libdeflate checks each member's CRC-32 and length) or would decompress to
    // more than `maxBytes` (a decompression bomb), with Unavailable when memory runs out.
    Result<void> inflate(const char *in, std::size_t size, PaddedText &out, std::size_t maxBytes);

    // Decompresses `in` at least as far as its first `wanted` bytes (all of it when it is not
    // longer), to read records at known offsets without decompressing what follows them.
    // out.size() is how much of the text is there. Checks less than inflate(): the CRC-32 and
    // length of a member cut short are never reached, so the caller must know the data (an
    // indexed file of unchanged size and time) and check what it reads.
    Result<void> inflatePrefix(const char *in, std::size_t size, PaddedText &out,
                               std::size_t wanted, std::size_t maxBytes);

private:
    libdeflate_decompressor *m_decompressor;
};

} // namespace gatehouse::cloudtrail
