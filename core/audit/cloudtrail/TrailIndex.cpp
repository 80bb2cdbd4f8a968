#include "TrailIndex.h"

#include "TrailDatabase.h"
#include "TrailLookup.h"

namespace gatehouse::cloudtrail {

Result<std::unique_ptr<TrailIndex>> TrailIndex::open(const QString &path)
{
    Result<std::unique_ptr<TrailDatabase>> database = TrailDatabase::open(path);
    if (!database)
        return database.error();
    std::unique_ptr<TrailIndex> index(new TrailIndex);
    index->m_database = std::move(*database);
    index->m_lookup = std::make_unique<TrailLookup>(*index->m_database);
    return index;
}

TrailIndex::~TrailIndex() = default;

Result<TrailImportReport> TrailIndex::import(const QStringList &paths, int threads,
                                             const TrailImport::Progress &progress)
{
    std::lock_guard lock(m_mutex);
    return TrailImport::run(*m_database, paths, threads, progress);
}

Result<EventPage> TrailIndex::lookup(const EventLookup &lookup)
{
    std::lock_guard lock(m_mutex);
    return m_lookup->run(lookup);
}

} // namespace gatehouse::cloudtrail
