#pragma once

#include "GzipAccessPoint.h"
#include "TrailProblem.h"
#include "TrailRecord.h"

#include <QList>
#include <QString>

#include <memory>
#include <vector>

namespace gatehouse::cloudtrail {

struct TrailBatchStorage;

// The records of one log file and what could not be read of it. The batch owns every byte its
// records point at (the decompressed text, the parsed document, minified copies), so records
// stay valid while the batch lives, also after it is moved to another thread, until clear() or
// the next read into it. Reading into a used batch reuses its memory, which is what keeps a
// long import fast; a batch is used by one thread at a time.
class TrailBatch
{
public:
    TrailBatch();
    ~TrailBatch();
    TrailBatch(TrailBatch &&other) noexcept;
    TrailBatch &operator=(TrailBatch &&other) noexcept;
    TrailBatch(const TrailBatch &) = delete;
    TrailBatch &operator=(const TrailBatch &) = delete;

    const QString &file() const { return m_file; }
    // In file order; a file's duplicates are kept (de-duplicate on eventId).
    const std::vector<TrailRecord> &records() const { return m_records; }
    // Files or records that could not be read; reading went on past them where it could.
    const QList<TrailProblem> &problems() const { return m_problems; }
    qint64 fileBytes() const { return m_fileBytes; } // as read from disk
    qint64 textBytes() const { return m_textBytes; } // JSON text after decompression
    // Where decompression of a gzip file can start, when the reader was asked to find them
    // (TrailFileReader::findAccessPoints), with their windows packed.
    const std::vector<GzipAccessPoint> &accessPoints() const { return m_accessPoints; }

    // Forgets the content and keeps the memory for the next read.
    void clear();

private:
    friend class TrailFileReader;
    friend class TrailDocumentParser;
    TrailBatchStorage &storage();

    QString m_file;
    std::vector<TrailRecord> m_records;
    QList<TrailProblem> m_problems;
    qint64 m_fileBytes = 0;
    qint64 m_textBytes = 0;
    std::vector<GzipAccessPoint> m_accessPoints;
    std::unique_ptr<TrailBatchStorage> m_storage;
};

} // namespace gatehouse::cloudtrail
