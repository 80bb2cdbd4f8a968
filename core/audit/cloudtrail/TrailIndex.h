#pragma once

#include "TrailImport.h"
#include "model/EventLookup.h"

#include <memory>
#include <mutex>

namespace gatehouse::cloudtrail {

class TrailDatabase;
class TrailLookup;

// A local, searchable index of CloudTrail log files (a SQLite file of its own, separate from
// the store and its audit log): import files and folders as delivered to S3 or exported by
// tools, then run the same lookups as on the audit log. Re-importing a folder reads only the
// files that are new or changed, and never indexes an eventID twice.
//
// One index object per file; its calls are serialised (one at a time, any thread).
class TrailIndex
{
public:
    // Opens the index at `path`, creating it when there is none.
    static Result<std::unique_ptr<TrailIndex>> open(const QString &path);
    ~TrailIndex();

    Result<TrailImportReport> import(const QStringList &paths, int threads = 0,
                                     const TrailImport::Progress &progress = {});
    Result<EventPage> lookup(const EventLookup &lookup);

private:
    TrailIndex() = default;

    std::mutex m_mutex;
    std::unique_ptr<TrailDatabase> m_database;
    std::unique_ptr<TrailLookup> m_lookup;
};

} // namespace gatehouse::cloudtrail
