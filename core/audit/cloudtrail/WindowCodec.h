#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <cstddef>

namespace gatehouse::cloudtrail {

// Packs the text kept beside each access point (GzipAccessPoint) with LZ4: a few of them per
// log file are packed while the import is at its busiest, so speed counts more than size
// (LZ4 packs 32 KiB of CloudTrail JSON to about a quarter in some 30 µs; DEFLATE at its
// fastest level took three times as long). The packed form starts with the text's CRC-32:
// a window is the start of everything decompressed from its point, so a byte changed in a
// damaged index would spread into the records read from it.
class WindowCodec
{
public:
    static QByteArray pack(QByteArrayView text);
    // Exactly `size` bytes into `out`; false when `packed` does not unpack to that many, or
    // to text other than what was packed.
    static bool unpack(QByteArrayView packed, char *out, std::size_t size);
};

} // namespace gatehouse::cloudtrail
