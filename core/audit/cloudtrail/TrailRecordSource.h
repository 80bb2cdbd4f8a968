#pragma once

#include "GzipInflater.h"
#include "PaddedText.h"
#include "model/EventLookup.h"
#include "model/Result.h"

#include <QString>

#include <functional>
#include <list>
#include <optional>

namespace gatehouse::cloudtrail {

class TrailFileReader;
struct TrailRecord;

// Reads indexed records back from their log files: the file's text (decompressed once and
// kept for the next records of the same file, a few files at a time) and the record's bytes
// at the offset the index holds, parsed as the import parsed them.
class TrailRecordSource
{
public:
    TrailRecordSource();
    ~TrailRecordSource();

    // The record at `offset`/`length` of `path`'s text, which must still have `size` bytes
    // and modification time `modifiedMs` (as when it was indexed); none when `accept` turns
    // it down.
    using Accept = std::function<bool(const TrailRecord &)>;
    Result<std::optional<LookupEvent>> read(const QString &path, qint64 size, qint64 modifiedMs,
                                            std::uint32_t offset, std::uint32_t length,
                                            const Accept &accept);

private:
    struct CachedFile {
        QString path;
        PaddedText text;
    };
    Result<const PaddedText *> textOf(const QString &path, qint64 size, qint64 modifiedMs);

    static constexpr std::size_t kCachedFiles = 8;
    std::list<CachedFile> m_cache; // most recent first
    GzipInflater m_inflater;
    std::unique_ptr<TrailFileReader> m_reader;
};

} // namespace gatehouse::cloudtrail
