#include "TrailRecordSource.h"

#include "TrailBatch.h"
#include "TrailFileReader.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>

namespace gatehouse::cloudtrail {

namespace {

Error changed(const QString &path)
{
    return makeError(ErrorCode::NotFound,
                     QStringLiteral("%1 was moved, changed or deleted since it was indexed; "
                                    "import it again.")
                         .arg(path));
}

QString text(std::string_view view)
{
    return TrailRecord::text(view);
}

} // namespace

TrailRecordSource::TrailRecordSource()
    : m_reader(std::make_unique<TrailFileReader>())
{}

TrailRecordSource::~TrailRecordSource() = default;

Result<const PaddedText *> TrailRecordSource::textOf(const QString &path, qint64 size,
                                                     qint64 modifiedMs)
{
    for (auto it = m_cache.begin(); it != m_cache.end(); ++it) {
        if (it->path == path) {
            m_cache.splice(m_cache.begin(), m_cache, it);
            return &m_cache.front().text;
        }
    }
    const QFileInfo info(path);
    if (!info.exists() || info.size() != size
        || info.lastModified().toMSecsSinceEpoch() != modifiedMs) {
        return changed(path);
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return changed(path);
    const QByteArray bytes = file.readAll();
    if (bytes.size() != size)
        return changed(path);
    if (m_cache.size() >= kCachedFiles) {
        // The least recent file's memory takes this one: fresh memory for every file costs a
        // page fault per 4 KiB, which on virtual machines costs as much as decompressing.
        m_cache.splice(m_cache.begin(), m_cache, std::prev(m_cache.end()));
        m_cache.front().path = path;
    } else {
        m_cache.push_front({path, {}});
    }
    PaddedText &out = m_cache.front().text;
    if (GzipInflater::isGzip(bytes.constData(), std::size_t(bytes.size()))) {
        if (Result<void> inflated =
                m_inflater.inflate(bytes.constData(), std::size_t(bytes.size()), out, 0xFFFFFFFFu);
            !inflated) {
            m_cache.pop_front();
            return changed(path);
        }
    } else {
        if (!out.reserve(std::size_t(bytes.size()))) {
            m_cache.pop_front();
            return makeError(ErrorCode::Unavailable, QStringLiteral("Out of memory."));
        }
        std::memcpy(out.data(), bytes.constData(), std::size_t(bytes.size()));
        out.resize(std::size_t(bytes.size()));
    }
    return &out;
}

Result<std::optional<LookupEvent>> TrailRecordSource::read(const QString &path, qint64 size,
                                                           qint64 modifiedMs, std::uint32_t offset,
                                                           std::uint32_t length,
                                                           const Accept &accept)
{
    Result<const PaddedText *> fileText = textOf(path, size, modifiedMs);
    if (!fileText)
        return fileText.error();
    if (std::size_t(offset) + length > (*fileText)->size())
        return changed(path);
    const TrailBatch batch =
        m_reader->parse(QByteArrayView((*fileText)->data() + offset, length), path);
    if (batch.records().size() != 1)
        return changed(path);
    const TrailRecord &record = batch.records().front();
    if (!accept(record))
        return std::optional<LookupEvent>();
    LookupEvent event;
    event.eventId = text(record.eventId);
    event.eventName = text(record.eventName);
    event.eventSource = text(record.eventSource);
    event.username = text(record.username);
    event.accessKeyId = text(record.accessKeyId);
    event.readOnly = record.readOnly;
    event.eventTime = QDateTime::fromMSecsSinceEpoch(record.eventTimeMs, Qt::UTC);
    for (const TrailResource &resource : record.resources)
        event.resources.append({text(resource.type), text(resource.name)});
    event.cloudTrailEvent = QByteArray(record.json.data(), qsizetype(record.json.size()));
    return std::optional<LookupEvent>(std::move(event));
}

} // namespace gatehouse::cloudtrail
