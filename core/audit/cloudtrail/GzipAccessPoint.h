#pragma once

#include <QByteArray>

#include <cstdint>

namespace gatehouse::cloudtrail {

// A place in a gzip file where decompression can start instead of at the file's beginning: a
// DEFLATE block's first bit. Blocks refer back to at most 32 KiB of the text before them (the
// window), which must be supplied, so the index keeps that text beside the point.
struct GzipAccessPoint {
    static constexpr std::uint32_t kMaxWindow = 32768; // how far back DEFLATE refers

    std::uint64_t bit = 0; // the block's header, counted in bits from the file's first byte
    std::uint32_t textOffset = 0; // the block's first byte of text, in the whole file's text
    // The text just before textOffset the block may refer to: 32 KiB, or less when its gzip
    // member started closer (members never refer to each other).
    std::uint32_t windowSize = 0;
    QByteArray packedWindow; // that text, packed by WindowCodec
};

} // namespace gatehouse::cloudtrail
