#pragma once

#include "GzipAccessPoint.h"

#include <cstddef>
#include <vector>

namespace gatehouse::cloudtrail {

// Finds where the DEFLATE blocks of a gzip file start, so that a record deep in a file can be
// decompressed from the block before it instead of from the file's first byte. libdeflate,
// which decompresses the file, does not say where its blocks are, and DEFLATE gives a block's
// length only by decoding it: this walks the Huffman codes without producing any text, at
// about the cost of decompressing what it walks.
class DeflateBlockFinder
{
public:
    // The starts of blocks in `in`: the first block's, and the first one in each further part
    // when the text is cut into equal parts of about `spacing` bytes. The walk stops at the
    // last part's point, so it costs about (parts - 1) / parts of a decompression. Empty when
    // the text is a single part, when `in` is not gzip data of `textSize` bytes of text as far
    // as walked (the caller decompressed it, so only damage or a bug gets here), or when a
    // stored block comes before the last point.
    static std::vector<GzipAccessPoint> find(const unsigned char *in, std::size_t size,
                                             std::size_t textSize, std::size_t spacing);
};

} // namespace gatehouse::cloudtrail
