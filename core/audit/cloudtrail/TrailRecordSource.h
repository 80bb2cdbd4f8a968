#pragma once

#include "GzipInflater.h"
#include "PaddedText.h"
#include "TrailBatch.h"
#include "model/EventLookup.h"
#include "model/Result.h"

#include <QByteArray>
#include <QString>

#include <array>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <vector>

namespace gatehouse::cloudtrail {

class TrailFileReader;
struct TrailRecord;

// Reads indexed records back from their log files: the record's bytes at the offset the index
// holds in the file's decompressed text, parsed as the import parsed them.
class TrailRecordSource
{
public:
    // The record at `offset`/`length` of `path`'s text; the file must still have `size` bytes
    // and modification time `modifiedMs` (as when it was indexed).
    struct Request {
        QString path;
        qint64 size = 0;
        qint64 modifiedMs = 0;
        std::uint32_t offset = 0;
        std::uint32_t length = 0;
        std::uint32_t check = 0; // of the record's event id (TrailIdSet::checkOf)
        // Where to decompress from (readAll): an access point of the file at or before
        // `offset`, none to read it from its start.
        std::optional<GzipAccessPoint> from;
    };
    using Accept = std::function<bool(const TrailRecord &)>;
    // The event read, none when `accept` turned it down, or why it could not be read.
    using Outcome = Result<std::optional<LookupEvent>>;

    TrailRecordSource();
    ~TrailRecordSource();

    // One record, with the text of the last few files kept: free-text lookups read many
    // records of the same files one after another.
    Outcome read(const Request &request, const Accept &accept);

    // The records of a page, in the order asked. Each file is read once and decompressed only
    // from the access point of its first record wanted (the first request's `from`) as far as
    // the last; two threads share the files. A page's events are often in dozens of files, and
    // decompressing them is most of a page's time.
    std::vector<Outcome> readAll(const std::vector<Request> &requests, const Accept &accept);

private:
    // What one thread needs to read files: its buffers are used again for every file, since
    // fresh memory costs a page fault per 4 KiB (on virtual machines about as much as
    // decompressing).
    struct Worker {
        Worker();
        ~Worker();
        std::unique_ptr<TrailFileReader> reader;
        GzipInflater inflater;
        QByteArray compressed;
        PaddedText text;
        std::unique_ptr<char[]> window; // a point's window, unpacked
        TrailBatch batch;

        // How a file is decompressed: the quick way (from its access point, or from its
        // start with room past the text wanted for a match only, see GzipInflater::Room),
        // whose text must be checked, or the sure way (from its start, room for anything).
        enum class Way { Quick, Sure };

        // `file`'s compressed bytes into `compressed`, if it is still as indexed.
        Result<void> fetch(const Request &file);
        // Those bytes decompressed into `out`, from before the text offset `first` at least
        // as far as `wanted`. Gives the text offset of out[0].
        Result<std::size_t> decompress(const Request &file, Way way, std::size_t first,
                                       std::size_t wanted, PaddedText &out);
        // The request's record in `text`, whose first byte is the file's text offset `base`;
        // none when the text there is not the record the index points at (one JSON object
        // whose event id has the request's check).
        std::optional<Outcome> record(const PaddedText &text, std::size_t base,
                                      const Request &request, const Accept &accept);
    };
    struct CachedFile {
        QString path;
        PaddedText text;
    };

    static constexpr std::size_t kCachedFiles = 8;
    std::list<CachedFile> m_cache; // most recent first
    std::array<Worker, 2> m_workers;
};

} // namespace gatehouse::cloudtrail
