#include "TrailRecordSource.h"

#include "TrailFileReader.h"
#include "TrailIdSet.h"
#include "WindowCodec.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <new>
#include <system_error>
#include <thread>

namespace gatehouse::cloudtrail {

namespace {

Error changed(const QString &path)
{
    return makeError(ErrorCode::NotFound,
                     QStringLiteral("%1 was moved, changed or deleted since it was indexed; "
                                    "import it again (if it keeps its size and time, delete "
                                    "the index and import the log files again).")
                         .arg(path));
}

constexpr std::size_t kMaxText = 0xFFFFFFFFu;

} // namespace

TrailRecordSource::Worker::Worker()
    : reader(std::make_unique<TrailFileReader>())
{}

TrailRecordSource::Worker::~Worker() = default;

Result<void> TrailRecordSource::Worker::fetch(const Request &file)
{
    const QFileInfo info(file.path);
    if (!info.exists() || info.size() != file.size
        || info.lastModified().toMSecsSinceEpoch() != file.modifiedMs) {
        return changed(file.path);
    }
    QFile source(file.path);
    if (!source.open(QIODevice::ReadOnly))
        return changed(file.path);
    compressed.resize(file.size);
    if (source.read(compressed.data(), file.size) != file.size || !source.atEnd())
        return changed(file.path);
    return {};
}

Result<std::size_t> TrailRecordSource::Worker::decompress(const Request &file, Way way,
                                                          std::size_t first, std::size_t wanted,
                                                          PaddedText &out)
{
    const auto size = std::size_t(compressed.size());
    if (!GzipInflater::isGzip(compressed.constData(), size)) {
        if (!out.reserve(size))
            return makeError(ErrorCode::Unavailable, QStringLiteral("Out of memory."));
        std::memcpy(out.data(), compressed.constData(), size);
        out.resize(size);
        return 0;
    }
    const GzipAccessPoint *from = file.from ? &*file.from : nullptr;
    if (way == Way::Quick && from && from->textOffset < wanted) {
        if (!window)
            window = std::make_unique<char[]>(GzipAccessPoint::kMaxWindow);
        // A point that does not serve (the text wanted is in a later gzip member, or the
        // index is damaged) costs the time it took: the file is then read from its start.
        if (from->windowSize <= GzipAccessPoint::kMaxWindow
            && WindowCodec::unpack(from->packedWindow, window.get(), from->windowSize)
            && inflater.inflateFrom(compressed.constData(), size, *from, window.get(), wanted, out,
                                    first)) {
            return std::size_t(from->textOffset - from->windowSize);
        }
    }
    if (!inflater.inflatePrefix(compressed.constData(), size, out, wanted, kMaxText,
                                way == Way::Quick ? GzipInflater::Room::Match
                                                  : GzipInflater::Room::StoredBlock,
                                first)) {
        return changed(file.path);
    }
    return 0;
}

std::optional<TrailRecordSource::Outcome>
TrailRecordSource::Worker::record(const PaddedText &fileText, std::size_t base,
                                  const Request &request, const Accept &accept)
{
    if (request.offset < base
        || std::size_t(request.offset) + request.length > base + fileText.size())
        return std::nullopt;
    reader->parse(QByteArrayView(fileText.data() + (request.offset - base), request.length),
                  request.path, batch);
    if (batch.records().size() != 1)
        return std::nullopt;
    const TrailRecord &found = batch.records().front();
    if (TrailIdSet::checkOf(TrailIdSet::keyOf(found.eventId)) != request.check)
        return std::nullopt;
    if (!accept(found))
        return Outcome(std::optional<LookupEvent>());
    LookupEvent event;
    event.eventId = TrailRecord::text(found.eventId);
    event.eventName = TrailRecord::text(found.eventName);
    event.eventSource = TrailRecord::text(found.eventSource);
    event.username = TrailRecord::text(found.username);
    event.accessKeyId = TrailRecord::text(found.accessKeyId);
    event.readOnly = found.readOnly;
    event.eventTime = QDateTime::fromMSecsSinceEpoch(found.eventTimeMs, Qt::UTC);
    for (const TrailResource &resource : found.resources)
        event.resources.append(
            {TrailRecord::text(resource.type), TrailRecord::text(resource.name)});
    event.cloudTrailEvent = QByteArray(found.json.data(), qsizetype(found.json.size()));
    return Outcome(std::optional<LookupEvent>(std::move(event)));
}

TrailRecordSource::TrailRecordSource() = default;

TrailRecordSource::~TrailRecordSource() = default;

TrailRecordSource::Outcome TrailRecordSource::read(const Request &request, const Accept &accept)
{
    Worker &worker = m_workers[0];
    const std::size_t end = std::size_t(request.offset) + request.length;
    for (auto it = m_cache.begin(); it != m_cache.end(); ++it) {
        if (it->path == request.path && it->text.size() >= end) {
            m_cache.splice(m_cache.begin(), m_cache, it);
            return worker.record(it->text, 0, request, accept).value_or(changed(request.path));
        }
    }
    // The least recent file's memory takes this one (see Worker). Whole files here: the next
    // records asked for are anywhere in it.
    if (m_cache.size() >= kCachedFiles)
        m_cache.splice(m_cache.begin(), m_cache, std::prev(m_cache.end()));
    else
        m_cache.push_front({});
    CachedFile &cached = m_cache.front();
    cached.path = request.path;
    Result<void> fetched = worker.fetch(request);
    Result<std::size_t> loaded = fetched
        ? worker.decompress(request, Worker::Way::Sure, 0, kMaxText, cached.text)
        : Result<std::size_t>(fetched.error());
    if (!loaded) {
        m_cache.pop_front();
        return loaded.error();
    }
    return worker.record(cached.text, 0, request, accept).value_or(changed(request.path));
}

std::vector<TrailRecordSource::Outcome>
TrailRecordSource::readAll(const std::vector<Request> &requests, const Accept &accept)
{
    // The requests by file, each file's in text order; the files handed out in turn.
    std::vector<std::size_t> order(requests.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const Request &x = requests[a];
        const Request &y = requests[b];
        return x.path != y.path ? x.path < y.path : x.offset < y.offset;
    });
    struct File {
        std::size_t first; // into order
        std::size_t count;
        std::size_t end; // of its last record wanted
    };
    std::vector<File> files;
    for (std::size_t i = 0; i < order.size(); ++i) {
        const Request &request = requests[order[i]];
        if (files.empty() || requests[order[files.back().first]].path != request.path)
            files.push_back({i, 0, 0});
        ++files.back().count;
        files.back().end = std::max(files.back().end, std::size_t(request.offset) + request.length);
    }
    std::vector<std::optional<Outcome>> outcomes(requests.size());
    // A file's records into `outcomes`, those its text holds; what failed when it could not
    // be read. With Way::Sure, a record its text does not hold has changed.
    const auto readFile = [&](Worker &worker, const File &file,
                              Worker::Way way) -> std::optional<Error> {
        const Request &first = requests[order[file.first]];
        if (way == Worker::Way::Quick) {
            if (Result<void> fetched = worker.fetch(first); !fetched)
                return fetched.error();
        }
        Result<std::size_t> loaded =
            worker.decompress(first, way, first.offset, file.end, worker.text);
        if (!loaded)
            return loaded.error();
        for (std::size_t i = file.first; i < file.first + file.count; ++i) {
            const Request &request = requests[order[i]];
            if (outcomes[order[i]])
                continue;
            std::optional<Outcome> outcome = worker.record(worker.text, *loaded, request, accept);
            if (outcome)
                outcomes[order[i]].emplace(std::move(*outcome));
            else if (way == Worker::Way::Sure)
                outcomes[order[i]].emplace(changed(request.path));
        }
        return std::nullopt;
    };
    std::atomic<std::size_t> next{0};
    const auto work = [&](Worker &worker) {
        for (std::size_t f = next++; f < files.size(); f = next++) {
            const File &file = files[f];
            // Memory running out on the helper thread must not end the process: it fails
            // this file's records, as a file that cannot be read does.
            std::optional<Error> failed;
            try {
                // The quick way first; when a record is not where the index says in what it
                // gave, the sure way, and what is still not there has changed.
                failed = readFile(worker, file, Worker::Way::Quick);
                bool missing = false;
                for (std::size_t i = file.first; i < file.first + file.count; ++i)
                    missing = missing || !outcomes[order[i]];
                if (!failed && missing)
                    failed = readFile(worker, file, Worker::Way::Sure);
            } catch (const std::bad_alloc &) {
                failed = makeError(ErrorCode::Unavailable, QStringLiteral("Out of memory."));
            }
            if (failed) {
                for (std::size_t i = file.first; i < file.first + file.count; ++i)
                    outcomes[order[i]].emplace(*failed);
            }
        }
    };
    std::thread helper;
    if (files.size() > 1) {
        try {
            helper = std::thread(work, std::ref(m_workers[1]));
        } catch (const std::system_error &) {
            // No thread to be had: this one reads every file.
        }
    }
    work(m_workers[0]);
    if (helper.joinable())
        helper.join();
    std::vector<Outcome> out;
    out.reserve(outcomes.size());
    for (std::optional<Outcome> &outcome : outcomes)
        out.push_back(std::move(*outcome));
    return out;
}

} // namespace gatehouse::cloudtrail
