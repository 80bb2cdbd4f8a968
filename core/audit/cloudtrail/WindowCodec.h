#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <cstddef>

namespace gatehouse::cloudtrail {

// Packs the text kept beside each access point (GzipAccessPoint) with LZ4: a few of them per
// log file are packed while the import is at its busiest, so speed counts more than size
// (LZ4 packs 32 KiB of CloudTrail JSON to about a quarter in some 30 µs; DEFLATE at its
// fastest level took three times as long).
class WindowCodec
{
public:
    static QByteArray pack(QByteArrayView text);
    // Exactly `size` bytes into `out`; false when `packed` does not unpack to that many.
    static bool unpack(QByteArrayView packed, char *out, std::size_t size);
};

} // namespace gatehouse::cloudtrail
