#pragma once

#include "TrailBatch.h"
#include "model/Result.h"

#include <QByteArrayView>
#include <QString>

#include <memory>

namespace gatehouse::cloudtrail {

class GzipInflater;
class PaddedText;
class TrailDocumentParser;

// Reads CloudTrail log files into TrailBatches: .json and .json.gz files as delivered to S3,
// top-level arrays of records, single records and NDJSON exports (see TrailDocumentParser),
// gzip told by its magic bytes, decompressed whole with libdeflate.
//
// What is wrong with a file's content is reported in the batch's problems, never thrown: a
// file that cannot be read as a whole (corrupt gzip, not JSON) gives no records and one
// problem; a bad NDJSON line, a record that is not an object or has no usable time is skipped
// and reported with its line, and the rest is read. Only a file that cannot be opened or read
// from disk is an Error (NotFound, Unavailable), since trying again later may help.
//
// Threads: a reader holds decompression and parser buffers; use one reader per thread.
// Readers on different threads, and the batches they fill, share nothing. No event loop.
class TrailFileReader
{
public:
    // simdjson parses documents of up to 4 GiB - 1 bytes; larger text (in a file or after
    // decompression) is refused: that is a decompression bomb, not a CloudTrail delivery.
    static constexpr qint64 kDefaultMaxTextBytes = 0xFFFFFFFFLL;

    explicit TrailFileReader(qint64 maxTextBytes = kDefaultMaxTextBytes);
    ~TrailFileReader();
    TrailFileReader(const TrailFileReader &) = delete;
    TrailFileReader &operator=(const TrailFileReader &) = delete;

    Result<TrailBatch> read(const QString &path);
    // Reads into a used batch, reusing its memory: what a long import should do.
    Result<void> read(const QString &path, TrailBatch &batch);

    // The same for bytes already in memory (as they would be in a file); `name` is what
    // problems report as the file.
    TrailBatch parse(QByteArrayView bytes, const QString &name = {});
    void parse(QByteArrayView bytes, const QString &name, TrailBatch &batch);

    // Also find where gzip files can be decompressed from (DeflateBlockFinder), a point at
    // least every `spacing` bytes of text, 0 for none (the default). It costs about as much
    // as decompressing the file again; the index keeps the points so that reading a record
    // back decompresses at most about `spacing` bytes instead of everything before it.
    void findAccessPoints(std::size_t spacing) { m_accessPointSpacing = spacing; }

private:
    void decode(TrailBatch &batch);
    void addAccessPoints(TrailBatch &batch);

    qint64 m_maxTextBytes;
    std::size_t m_accessPointSpacing = 0;
    std::unique_ptr<GzipInflater> m_inflater;
    std::unique_ptr<TrailDocumentParser> m_parser;
    std::unique_ptr<PaddedText> m_compressed;
    std::unique_ptr<PaddedText> m_tried; // text read from an access point, to try it
};

} // namespace gatehouse::cloudtrail
