#pragma once

#include "TrailDatabase.h"
#include "TrailProblem.h"
#include "model/Result.h"

#include <QList>
#include <QStringList>

#include <functional>

namespace gatehouse::cloudtrail {

// What an import did: `records` were newly indexed, `duplicates` skipped because their eventID
// was indexed already (from another file, an earlier import, or twice in one file).
struct TrailImportReport {
    qint64 files = 0; // files read: new ones and ones that changed since they were indexed
    qint64 unchangedFiles = 0; // skipped: same size and modification time as when indexed
    qint64 records = 0;
    qint64 duplicates = 0;
    QList<TrailProblem> malformed; // by file and line; reading went on past each
};

// Reads CloudTrail log files into the index: the reading threads decompress and parse files
// (TrailFileReader) and turn their records into index entries; this thread de-duplicates them
// by event id and writes them in segments (TrailSegment), all in one transaction, so an import
// that fails or is cancelled leaves the index as it was.
//
// The index points at the records in their files instead of copying them: the files are the
// archive, the index makes them searchable. For each large gzip file it also keeps a few access
// points (DeflateBlockFinder), so that a record is read back by decompressing from the point
// before it instead of from the file's start. A file that changes after it was indexed is read
// again; its records already indexed keep pointing at where they were.
class TrailImport
{
public:
    // Files done and files to do; return false to cancel.
    using Progress = std::function<bool(qint64 done, qint64 total)>;

    // `threads`: reading threads, 0 for one per core.
    static Result<TrailImportReport> run(TrailDatabase &database, const QStringList &paths,
                                         int threads = 0, const Progress &progress = {});
};

} // namespace gatehouse::cloudtrail
