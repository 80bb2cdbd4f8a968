#pragma once

#include <QString>

namespace gatehouse::cloudtrail {

// Something in a file that could not be read as CloudTrail records: a reason for the person
// importing, never a chunk of the file's content.
struct TrailProblem {
    QString file;
    // 1-based line of the decompressed text where the problem is (a record's first line, the
    // line of a JSON error); 0 when it concerns the file as a whole (unreadable gzip, empty).
    qint64 line = 0;
    QString reason; // "not valid JSON: a string is not closed", "record has no eventTime", ...

    friend bool operator==(const TrailProblem &, const TrailProblem &) = default;
};

} // namespace gatehouse::cloudtrail
