#pragma once

#include "GzipAccessPoint.h"
#include "PaddedText.h"
#include "model/Result.h"

#include <cstddef>
#include <vector>

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

    // How much room past the text wanted a partial decompression asks for. libdeflate stops
    // when the next match (at most 258 bytes) or stored block (at most 65,535) would not fit,
    // leaving the rest of the buffer as it was. That is how its decompressor works (1.14 and
    // later), not a promise of its header.
    enum class Room {
        StoredBlock, // every byte up to the text wanted is written
        // The same unless a stored block (data that did not compress) comes first; then the
        // bytes from `zeroFrom` up to the text wanted that were not written are zero (NUL,
        // which no JSON text holds), but for the few libdeflate may have written past the last
        // match before it (copies of earlier text). The caller must check what it reads.
        Match,
    };

    // Decompresses `in` at least as far as its first `wanted` bytes (all of it when it is not
    // longer), to read records at known offsets without decompressing what follows them.
    // out.size() is how much of the text is there. Checks less than inflate(): the CRC-32 and
    // length of a member cut short are never reached, so the caller must know the data (an
    // indexed file of unchanged size and time) and check what it reads.
    Result<void> inflatePrefix(const char *in, std::size_t size, PaddedText &out,
                               std::size_t wanted, std::size_t maxBytes,
                               Room room = Room::StoredBlock, std::size_t zeroFrom = 0);

    // Decompresses `in` from `point` (found in these same bytes by DeflateBlockFinder) at
    // least as far as its text offset `wanted`, with `window` the point's windowSize bytes of
    // text before it. `out` gets the window and then the text from the point on: out[0] is
    // the text's byte point.textOffset - windowSize. Checks as little as inflatePrefix(), with
    // Room::Match; and a stored block after a point whose bits were shifted is misread (its
    // bytes are aligned to the file's, not to the shifted bits): the call usually fails, but
    // may give text that is not the file's. Fails too when the text wanted is not in the
    // point's gzip member. The caller checks what it reads and otherwise reads the file from
    // its start. `maxInput` bounds the compressed bytes used (from the point on): they are
    // copied, shifted, first.
    Result<void> inflateFrom(const char *in, std::size_t size, const GzipAccessPoint &point,
                             const char *window, std::size_t wanted, PaddedText &out,
                             std::size_t zeroFrom = 0, std::size_t maxInput = std::size_t(-1));

private:
    libdeflate_decompressor *m_decompressor;
    // The stream inflateFrom() decompresses: the window as a stored block, then the file's
    // bits from the point on, shifted to start at a byte. Kept for the next call.
    std::vector<unsigned char> m_stream;
};

} // namespace gatehouse::cloudtrail
