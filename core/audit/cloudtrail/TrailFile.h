#pragma once

#include <QString>

namespace gatehouse::cloudtrail {

// One log file found on disk: where it is and what it looked like when listed, so a later
// import can read again only the files whose size or modification time changed.
struct TrailFile {
    QString path; // absolute and clean
    qint64 size = 0; // bytes on disk (compressed for .gz)
    qint64 modifiedMs = 0; // modification time, UTC milliseconds since the epoch

    friend bool operator==(const TrailFile &, const TrailFile &) = default;
};

} // namespace gatehouse::cloudtrail
