#include "TrailRecordSource.h"

#include "TrailFileReader.h"

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
                                    "import it again.")
                         .arg(path));
}

constexpr std::size_t kMaxText = 0xFFFFFFFFu;

} // namespace

TrailRecordSource::Worker::Worker()
    : reader(std::make_unique<TrailFileReader>())
{}

TrailRecordSource::Worker::~Worker() = default;

Result<void> TrailRecordSource::Worker::load(const Request &file, std::size_t wanted,
                                             PaddedText &out)
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
    const auto size = std::size_t(compressed.size());
    if (GzipInflater::isGzip(compressed.constData(), size)) {
        if (!inflater.inflatePrefix(compressed.constData(), size, out, wanted, kMaxText))
            return changed(file.path);
        return {};
    }
    if (!out.reserve(size))
        return makeError(ErrorCode::Unavailable, QStringLiteral("Out of memory."));
    std::memcpy(out.data(), compressed.constData(), size);
    out.resize(size);
    return {};
}

TrailRecordSource::Outcome TrailRecordSource::Worker::record(const PaddedText &fileText,
                                                             const Request &request,
                                                             const Accept &accept)
{
    if (std::size_t(request.offset) + request.length > fileText.size())
        return changed(request.path);
    reader->parse(QByteArrayView(fileText.data() + request.offset, request.length), request.path,
                  batch);
    if (batch.records().size() != 1)
        return changed(request.path);
    const TrailRecord &found = batch.records().front();
    if (!accept(found))
        return std::optional<LookupEvent>();
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
    return std::optional<LookupEvent>(std::move(event));
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
            return worker.record(it->text, request, accept);
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
    if (Result<void> loaded = worker.load(request, kMaxText, cached.text); !loaded) {
        m_cache.pop_front();
        return loaded.error();
    }
    return worker.record(cached.text, request, accept);
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
    std::atomic<std::size_t> next{0};
    const auto work = [&](Worker &worker) {
        for (std::size_t f = next++; f < files.size(); f = next++) {
            const File &file = files[f];
            const Request &first = requests[order[file.first]];
            // Memory running out on the helper thread must not end the process: it fails
            // this file's records, as a file that cannot be read does.
            std::optional<Error> failed;
            try {
                if (Result<void> loaded = worker.load(first, file.end, worker.text); !loaded) {
                    failed = loaded.error();
                } else {
                    for (std::size_t i = file.first; i < file.first + file.count; ++i)
                        outcomes[order[i]].emplace(
                            worker.record(worker.text, requests[order[i]], accept));
                }
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
