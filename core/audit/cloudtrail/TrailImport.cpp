#include "TrailImport.h"

#include "TrailBatch.h"
#include "TrailFileFinder.h"
#include "TrailFileReader.h"
#include "TrailIdSet.h"
#include "TrailSegment.h"

#include <QHash>
#include <QRegularExpression>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

namespace gatehouse::cloudtrail {

namespace {

// What a reading thread hands over for one file.
struct ReadFile {
    std::vector<TrailEntry> entries;
    std::vector<GzipAccessPoint> accessPoints;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> resources; // type, name
    QList<TrailProblem> problems;
};

// Turns a batch into index entries. Runs on the reading threads.
void encode(const TrailBatch &batch, const TrailValueHash &hash, ReadFile &out)
{
    out.entries.resize(batch.records().size());
    for (std::size_t i = 0; i < batch.records().size(); ++i) {
        const TrailRecord &record = batch.records()[i];
        TrailEntry &entry = out.entries[i];
        entry.time = record.eventTimeMs;
        entry.id = TrailIdSet::keyOf(record.eventId);
        entry.offset = std::uint32_t(record.textOffset);
        entry.length = std::uint32_t(record.textLength);
        for (int kind = 0; kind < kSingleKinds; ++kind)
            entry.values[std::size_t(kind)] = hash(valueOf(record, TrailKind(kind)));
        entry.firstResource = std::uint32_t(out.resources.size());
        for (const TrailResource &resource : record.resources)
            out.resources.emplace_back(hash(resource.type), hash(resource.name));
        entry.resourceCount = std::uint32_t(out.resources.size()) - entry.firstResource;
    }
    out.problems = batch.problems();
    out.accessPoints = batch.accessPoints();
}

// About how many records `files` hold, from their sizes: gzip (the usual delivery) at about
// 250 bytes a record, JSON text at about 2,000. Only a hint for memory, so at most a few
// million: files that are not what they seem must not take memory up front.
qint64 expectedRecords(const QList<TrailFile> &files)
{
    constexpr qint64 kMostExpected = 4 * 1024 * 1024;
    qint64 records = 0;
    for (const TrailFile &file : files)
        records += file.size / (file.path.endsWith(u".gz", Qt::CaseInsensitive) ? 250 : 2000);
    return std::min(records, kMostExpected);
}

// When a file's records happened, as far as its name tells: CloudTrail names its files
// <account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<unique>.json.gz, by the end of the few
// minutes they cover, in folders YYYY/MM/DD. Empty when the path has neither.
QString timeInName(const QString &path)
{
    static const QRegularExpression stamp(QStringLiteral("_(\\d{8}T\\d{4}Z)_[^/]*$"));
    static const QRegularExpression day(QStringLiteral("/(\\d{4})/(\\d{2})/(\\d{2})/[^/]*$"));
    if (const QRegularExpressionMatch match = stamp.match(path); match.hasMatch())
        return match.captured(1);
    if (const QRegularExpressionMatch match = day.match(path); match.hasMatch())
        return match.captured(1) + match.captured(2) + match.captured(3);
    return {};
}

// The files in the order of the time they cover as their names tell, then by path. Records
// go into segments in the order they are read, and a lookup visits every segment whose time
// span overlaps its range: read in path order, each account and region of an S3 folder runs
// through the whole period again, so every segment spans most of it and every lookup visits
// nearly every segment. Read in time order, a day's lookup visits the segments of that day.
void sortByTime(QList<TrailFile> &files)
{
    std::vector<std::pair<QString, qsizetype>> keys;
    keys.reserve(std::size_t(files.size()));
    for (qsizetype i = 0; i < files.size(); ++i)
        keys.emplace_back(timeInName(files.at(i).path), i);
    std::stable_sort(keys.begin(), keys.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
    QList<TrailFile> sorted;
    sorted.reserve(files.size());
    for (const auto &key : keys)
        sorted.append(files.at(key.second));
    files = std::move(sorted);
}

// The files the index has seen, by path.
struct KnownFile {
    qint64 id = 0;
    qint64 size = 0;
    qint64 modifiedMs = 0;
};

Result<QHash<QString, KnownFile>> knownFiles(TrailDatabase &database, qint64 &maxId)
{
    Result<TrailDatabase::Statement> select =
        database.prepare("SELECT id, path, size, modified_ms FROM files");
    if (!select)
        return select.error();
    QHash<QString, KnownFile> known;
    maxId = 0;
    for (;;) {
        Result<bool> row = select->step();
        if (!row)
            return row.error();
        if (!*row)
            return known;
        const std::string_view path = select->text(1);
        known.insert(QString::fromUtf8(path.data(), qsizetype(path.size())),
                     {select->integer(0), select->integer(2), select->integer(3)});
        maxId = std::max(maxId, select->integer(0));
    }
}

// Every event id indexed so far.
Result<void> loadIds(TrailDatabase &database, TrailIdSet &ids, qint64 &maxSegment)
{
    Result<TrailDatabase::Statement> segments = database.prepare("SELECT id, count FROM segments");
    if (!segments)
        return segments.error();
    maxSegment = 0;
    std::vector<TrailSegment::IdEntry> part;
    for (;;) {
        Result<bool> row = segments->step();
        if (!row)
            return row.error();
        if (!*row)
            return {};
        const qint64 segment = segments->integer(0);
        maxSegment = std::max(maxSegment, segment);
        Result<TrailDatabase::Blob> blob =
            database.openPart(TrailSegment::partId(segment, TrailSegment::Ids));
        if (!blob)
            return blob.error();
        part.resize(blob->size() / sizeof(TrailSegment::IdEntry));
        if (Result<void> read =
                blob->read(0, part.data(), part.size() * sizeof(TrailSegment::IdEntry));
            !read)
            return read;
        for (const TrailSegment::IdEntry &entry : part)
            ids.insert(entry.id);
    }
}

// The reading threads and the queue they fill, in file order.
class Readers
{
public:
    Readers(const QList<TrailFile> &files, const TrailValueHash &hash, int threads)
        : m_files(files),
          m_hash(hash)
    {
        for (int i = 0; i < threads; ++i)
            m_threads.emplace_back([this] { work(); });
    }

    ~Readers()
    {
        stop();
        for (std::thread &thread : m_threads)
            thread.join();
    }

    void stop()
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        m_changed.notify_all();
    }

    // The result of file `index`, waiting for it.
    ReadFile take(qsizetype index)
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [&] { return m_done.count(index) > 0; });
        ReadFile file = std::move(m_done[index]);
        m_done.erase(index);
        m_taken = index;
        m_changed.notify_all();
        return file;
    }

private:
    void work()
    {
        TrailFileReader reader;
        reader.findAccessPoints(kAccessPointSpacing);
        TrailBatch batch;
        for (;;) {
            const qsizetype index = m_next.fetch_add(1);
            if (index >= m_files.size())
                return;
            {
                // At most a few files ahead of the writer, so memory stays bounded.
                std::unique_lock lock(m_mutex);
                m_changed.wait(lock, [&] { return m_stopping || index <= m_taken + kAhead; });
                if (m_stopping)
                    return;
            }
            ReadFile file;
            const TrailFile &found = m_files.at(index);
            if (Result<void> read = reader.read(found.path, batch); !read)
                file.problems.append({found.path, 0, read.error().message});
            else
                encode(batch, m_hash, file);
            std::lock_guard lock(m_mutex);
            m_done.emplace(index, std::move(file));
            m_changed.notify_all();
        }
    }

    static constexpr qsizetype kAhead = 16;
    // A record read back is decompressed from the access point before it instead of from
    // its file's start: a typical delivery (a few hundred KB of text) is cut in two, which
    // halves what a record costs to read, and the walk that finds the point costs half a
    // decompression. Each point keeps 32 KiB of text beside it, packed to about a quarter.
    static constexpr std::size_t kAccessPointSpacing = 256 * 1024;
    const QList<TrailFile> &m_files;
    const TrailValueHash &m_hash;
    std::atomic<qsizetype> m_next{0};
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::map<qsizetype, ReadFile> m_done;
    qsizetype m_taken = -1;
    bool m_stopping = false;
    std::vector<std::thread> m_threads;
};

} // namespace

Result<TrailImportReport> TrailImport::run(TrailDatabase &database, const QStringList &paths,
                                           int threads, const Progress &progress)
{
    Result<QList<TrailFile>> found = TrailFileFinder::find(paths);
    if (!found)
        return found.error();
    sortByTime(*found);
    qint64 maxFileId = 0;
    Result<QHash<QString, KnownFile>> known = knownFiles(database, maxFileId);
    if (!known)
        return known.error();

    TrailImportReport report;
    QList<TrailFile> toRead;
    QList<qint64> fileIds;
    QList<bool> readBefore; // their access points are replaced
    for (const TrailFile &file : *found) {
        const auto it = known->constFind(file.path);
        if (it != known->constEnd() && it->size == file.size && it->modifiedMs == file.modifiedMs) {
            ++report.unchangedFiles;
            continue;
        }
        toRead.append(file);
        fileIds.append(it != known->constEnd() ? it->id : ++maxFileId);
        readBefore.append(it != known->constEnd());
    }
    report.files = toRead.size();
    if (toRead.isEmpty())
        return report;

    if (Result<void> begun = database.exec("BEGIN IMMEDIATE"); !begun)
        return begun.error();
    const auto fail = [&](const Error &error) -> Result<TrailImportReport> {
        (void)database.exec("ROLLBACK");
        return error;
    };
    TrailIdSet ids;
    qint64 segment = 0;
    if (Result<void> loaded = loadIds(database, ids, segment); !loaded)
        return fail(loaded.error());
    Result<TrailDatabase::Statement> saveFile = database.prepare(
        "INSERT INTO files (id, path, size, modified_ms, records) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (path) DO UPDATE SET size = excluded.size,"
        " modified_ms = excluded.modified_ms, records = records + excluded.records");
    if (!saveFile)
        return fail(saveFile.error());
    Result<TrailDatabase::Statement> forgetPoints =
        database.prepare("DELETE FROM access_points WHERE file = ?");
    if (!forgetPoints)
        return fail(forgetPoints.error());
    Result<TrailDatabase::Statement> savePoint =
        database.prepare("INSERT INTO access_points (file, text_offset, bit, window_size, window)"
                         " VALUES (?, ?, ?, ?, ?)");
    if (!savePoint)
        return fail(savePoint.error());

    // Room for a segment's records and for every id, made once: grown step by step, they
    // were copied and faulted in at every step.
    LargeVector<TrailEntry> pending;
    pending.reserve(TrailSegment::kMaxRecords);
    TrailSegment::Buffers buffers;
    ids.reserve(ids.size() + expectedRecords(toRead));
    std::vector<std::pair<std::uint32_t, std::uint32_t>> pendingResources;
    const auto flush = [&]() -> Result<void> {
        if (pending.empty())
            return {};
        Result<void> written =
            TrailSegment::write(database, ++segment, pending, pendingResources, buffers);
        pending.clear();
        pendingResources.clear();
        return written;
    };

    const int readers =
        threads > 0 ? threads : int(std::max(1u, std::thread::hardware_concurrency()));
    Readers reading(toRead, database.valueHash(), readers);
    for (qsizetype i = 0; i < toRead.size(); ++i) {
        ReadFile file = reading.take(i);
        const TrailFile &source = toRead.at(i);
        report.malformed += file.problems;
        qint64 kept = 0;
        for (TrailEntry &entry : file.entries) {
            if (!ids.insert(entry.id)) {
                ++report.duplicates;
                continue;
            }
            entry.file = std::uint32_t(fileIds.at(i));
            const std::uint32_t first = entry.firstResource;
            entry.firstResource = std::uint32_t(pendingResources.size());
            pendingResources.insert(pendingResources.end(), file.resources.begin() + first,
                                    file.resources.begin() + first + entry.resourceCount);
            pending.push_back(entry);
            ++kept;
            if (pending.size() >= TrailSegment::kMaxRecords) {
                if (Result<void> written = flush(); !written)
                    return fail(written.error());
            }
        }
        report.records += kept;
        const QByteArray path = source.path.toUtf8();
        saveFile->bind(1, fileIds.at(i))
            .bind(2, std::string_view(path.constData(), std::size_t(path.size())))
            .bind(3, source.size)
            .bind(4, source.modifiedMs)
            .bind(5, kept);
        if (Result<void> saved = saveFile->run(); !saved)
            return fail(saved.error());
        if (readBefore.at(i)) {
            if (Result<void> forgot = forgetPoints->bind(1, fileIds.at(i)).run(); !forgot)
                return fail(forgot.error());
        }
        for (const GzipAccessPoint &point : file.accessPoints) {
            savePoint->bind(1, fileIds.at(i))
                .bind(2, qint64(point.textOffset))
                .bind(3, qint64(point.bit))
                .bind(4, qint64(point.windowSize))
                .bindBlob(5, point.packedWindow.constData(),
                          std::size_t(point.packedWindow.size()));
            if (Result<void> saved = savePoint->run(); !saved)
                return fail(saved.error());
        }
        if (progress && !progress(i + 1, toRead.size())) {
            reading.stop();
            return fail(makeError(ErrorCode::Unavailable,
                                  QStringLiteral("The import was cancelled; the index is as it "
                                                 "was before.")));
        }
    }
    if (Result<void> written = flush(); !written)
        return fail(written.error());
    if (Result<void> committed = database.exec("COMMIT"); !committed)
        return fail(committed.error());
    return report;
}

} // namespace gatehouse::cloudtrail
