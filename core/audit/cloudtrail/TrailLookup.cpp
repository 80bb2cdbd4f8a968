#include "TrailLookup.h"

#include "TrailDictionary.h"
#include "TrailIdSet.h"
#include "TrailSegment.h"
#include "model/PageToken.h"

#include <QHash>

#include <algorithm>
#include <cstring>
#include <optional>

namespace gatehouse::cloudtrail {

namespace {

using TrailSegment::DirectoryEntry;
using TrailSegment::PostingEntry;

// The order of results: time descending, then segment descending, then position ascending.
struct Key {
    qint64 time;
    qint64 segment;
    std::uint32_t position;
};

bool before(const Key &a, const Key &b)
{
    if (a.time != b.time)
        return a.time > b.time;
    if (a.segment != b.segment)
        return a.segment > b.segment;
    return a.position < b.position;
}

struct Range {
    qint64 start = std::numeric_limits<qint64>::min();
    qint64 end = std::numeric_limits<qint64>::max();
    std::optional<Key> after;

    bool contains(const Key &key) const
    {
        return key.time >= start && key.time <= end && (!after || before(*after, key));
    }
};

std::optional<TrailKind> kindOf(LookupAttribute attribute)
{
    switch (attribute) {
    case LookupAttribute::EventName:
        return TrailKind::EventName;
    case LookupAttribute::EventSource:
        return TrailKind::EventSource;
    case LookupAttribute::Username:
        return TrailKind::Username;
    case LookupAttribute::AccessKeyId:
        return TrailKind::AccessKeyId;
    case LookupAttribute::ReadOnly:
        return TrailKind::ReadOnly;
    case LookupAttribute::SourceIpAddress:
        return TrailKind::SourceIpAddress;
    case LookupAttribute::ErrorCode:
        return TrailKind::ErrorCode;
    case LookupAttribute::ResourceType:
        return TrailKind::ResourceType;
    case LookupAttribute::ResourceName:
        return TrailKind::ResourceName;
    case LookupAttribute::EventId:
        break;
    }
    return std::nullopt;
}

// One condition resolved to a dictionary value (or an event id).
struct Condition {
    std::optional<TrailKind> kind; // none: an EventId condition
    std::uint32_t value = 0;
    TrailIdSet::Id id{};
};

// Binary search over fixed-size records of a blob, read one at a time.
template<typename T, typename Less>
Result<std::size_t> lowerBound(const TrailDatabase::Blob &blob, std::size_t first,
                               std::size_t count, Less less)
{
    while (count > 0) {
        const std::size_t half = count / 2;
        T item;
        if (Result<void> read = blob.read((first + half) * sizeof(T), &item, sizeof(T)); !read)
            return read.error();
        if (less(item)) {
            first += half + 1;
            count -= half + 1;
        } else {
            count = half;
        }
    }
    return first;
}

// One segment's view for a lookup.
class Segment
{
public:
    Segment(TrailDatabase &database, qint64 id, std::size_t count)
        : m_database(database),
          m_id(id),
          m_count(count)
    {}

    // The postings of `kind` = `value` (newest first).
    Result<std::vector<PostingEntry>> postings(TrailKind kind, std::uint32_t value)
    {
        Result<TrailDatabase::Blob> directory =
            m_database.openPart(TrailSegment::partId(m_id, TrailSegment::directoryPart(kind)));
        if (!directory)
            return directory.error();
        const std::size_t entries = directory->size() / sizeof(DirectoryEntry);
        Result<std::size_t> at = lowerBound<DirectoryEntry>(
            *directory, 0, entries, [&](const DirectoryEntry &e) { return e.value < value; });
        if (!at)
            return at.error();
        std::vector<PostingEntry> out;
        if (*at == entries)
            return out;
        DirectoryEntry entry;
        if (Result<void> read = directory->read(*at * sizeof entry, &entry, sizeof entry); !read)
            return read.error();
        if (entry.value != value)
            return out;
        Result<TrailDatabase::Blob> postings =
            m_database.openPart(TrailSegment::partId(m_id, TrailSegment::entriesPart(kind)));
        if (!postings)
            return postings.error();
        out.resize(entry.count);
        if (Result<void> read = postings->read(std::size_t(entry.first) * sizeof(PostingEntry),
                                               out.data(), out.size() * sizeof(PostingEntry));
            !read) {
            return read.error();
        }
        return out;
    }

    // Event `id`, if this segment has it (a list of none or one, like postings()).
    Result<std::vector<PostingEntry>> byId(const TrailIdSet::Id &id)
    {
        Result<TrailDatabase::Blob> ids =
            m_database.openPart(TrailSegment::partId(m_id, TrailSegment::Ids));
        if (!ids)
            return ids.error();
        Result<std::size_t> at = lowerBound<TrailSegment::IdEntry>(
            *ids, 0, m_count, [&](const TrailSegment::IdEntry &e) {
                return std::memcmp(e.id.data(), id.data(), id.size()) < 0;
            });
        if (!at)
            return at.error();
        if (*at == m_count)
            return std::vector<PostingEntry>();
        TrailSegment::IdEntry entry;
        if (Result<void> read = ids->read(*at * sizeof entry, &entry, sizeof entry); !read)
            return read.error();
        if (entry.id != id)
            return std::vector<PostingEntry>();
        Result<qint64> time = timeAt(entry.position);
        if (!time)
            return time.error();
        return std::vector<PostingEntry>{PostingEntry{*time, entry.position}};
    }

    // Positions in the time range and after the page position, newest first, at most `limit`.
    Result<std::vector<PostingEntry>> all(const Range &range, std::size_t limit)
    {
        Result<TrailDatabase::Blob> times =
            m_database.openPart(TrailSegment::partId(m_id, TrailSegment::Times));
        if (!times)
            return times.error();
        // Times descend: skip those newer than the range's end.
        Result<std::size_t> first =
            lowerBound<qint64>(*times, 0, m_count, [&](qint64 time) { return time > range.end; });
        if (!first)
            return first.error();
        std::vector<PostingEntry> out;
        constexpr std::size_t kChunk = 4096;
        std::vector<qint64> chunk;
        for (std::size_t at = *first; at < m_count && out.size() < limit; at += kChunk) {
            chunk.resize(std::min(kChunk, m_count - at));
            if (Result<void> read =
                    times->read(at * sizeof(qint64), chunk.data(), chunk.size() * sizeof(qint64));
                !read)
                return read.error();
            for (std::size_t i = 0; i < chunk.size() && out.size() < limit; ++i) {
                if (chunk[i] < range.start)
                    return out;
                const Key key{chunk[i], m_id, std::uint32_t(at + i)};
                if (range.contains(key))
                    out.push_back({chunk[i], std::uint32_t(at + i)});
            }
        }
        return out;
    }

    Result<qint64> timeAt(std::uint32_t position)
    {
        Result<TrailDatabase::Blob> times =
            m_database.openPart(TrailSegment::partId(m_id, TrailSegment::Times));
        if (!times)
            return times.error();
        qint64 time = 0;
        if (Result<void> read = times->read(position * sizeof time, &time, sizeof time); !read)
            return read.error();
        return time;
    }

    Result<TrailSegment::Ref> ref(std::uint32_t position)
    {
        Result<TrailDatabase::Blob> refs =
            m_database.openPart(TrailSegment::partId(m_id, TrailSegment::Refs));
        if (!refs)
            return refs.error();
        TrailSegment::Ref ref;
        if (Result<void> read = refs->read(position * sizeof ref, &ref, sizeof ref); !read)
            return read.error();
        return ref;
    }

    qint64 id() const { return m_id; }

private:
    TrailDatabase &m_database;
    qint64 m_id;
    std::size_t m_count;
};

struct SegmentRow {
    qint64 id;
    qint64 minTime;
    qint64 maxTime;
    std::size_t count;
};

QString encodeKey(const Key &key)
{
    return QStringLiteral("%1:%2").arg(key.segment).arg(key.position);
}

} // namespace

Result<EventPage> TrailLookup::run(const EventLookup &lookup)
{
    if (Result<void> valid = lookup.validate(); !valid)
        return valid.error();
    const QString fingerprint = PageToken::fingerprint(lookup.fingerprintSource());
    Range range;
    if (lookup.startTime.isValid())
        range.start = lookup.startTime.toMSecsSinceEpoch();
    if (lookup.endTime.isValid())
        range.end = lookup.endTime.toMSecsSinceEpoch();
    if (!lookup.nextToken.isEmpty()) {
        Result<PageToken::Position> position = PageToken::decode(lookup.nextToken, fingerprint);
        if (!position)
            return position.error();
        bool timeOk = false;
        bool segmentOk = false;
        bool positionOk = false;
        const QStringList parts = position->id.split(QLatin1Char(':'));
        const Key key{position->key.toLongLong(&timeOk), parts.value(0).toLongLong(&segmentOk),
                      parts.value(1).toUInt(&positionOk)};
        if (!timeOk || !segmentOk || !positionOk || parts.size() != 2)
            return makeError(ErrorCode::InvalidInput,
                             QStringLiteral("The page token is not valid."));
        range.after = key;
        range.end = std::min(range.end, key.time);
    }

    // Conditions as dictionary values; a value the index has never seen matches nothing.
    QList<Condition> conditions;
    for (const EventLookup::Condition &condition : lookup.conditions) {
        Condition resolved;
        resolved.kind = kindOf(condition.attribute);
        const QByteArray value = condition.value.toUtf8();
        const std::string_view view(value.constData(), std::size_t(value.size()));
        if (!resolved.kind) {
            resolved.id = TrailIdSet::keyOf(view);
        } else {
            Result<std::uint32_t> id = TrailDictionary::find(m_database, *resolved.kind, view);
            if (!id)
                return id.error();
            if (*id == 0)
                return EventPage{};
            resolved.value = *id;
        }
        conditions.append(resolved);
    }

    Result<TrailDatabase::Statement> select = m_database.prepare(
        "SELECT id, min_time, max_time, count FROM segments WHERE max_time >= ? AND min_time <= ?"
        " ORDER BY max_time DESC, id DESC");
    if (!select)
        return select.error();
    select->bind(1, range.start).bind(2, range.end);
    std::vector<SegmentRow> segments;
    for (;;) {
        Result<bool> row = select->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        segments.push_back({select->integer(0), select->integer(1), select->integer(2),
                            std::size_t(select->integer(3))});
    }

    Result<TrailDatabase::Statement> fileOf =
        m_database.prepare("SELECT path, size, modified_ms FROM files WHERE id = ?");
    if (!fileOf)
        return fileOf.error();
    const auto readEvent = [&](Segment &segment, std::uint32_t position) -> Result<LookupEvent> {
        Result<TrailSegment::Ref> ref = segment.ref(position);
        if (!ref)
            return ref.error();
        fileOf->bind(1, ref->file);
        Result<bool> row = fileOf->step();
        if (!row || !*row) {
            fileOf->reset();
            return makeError(ErrorCode::Integrity,
                             QStringLiteral("The CloudTrail index is damaged; delete it and "
                                            "import the log files again."));
        }
        const std::string_view path = fileOf->text(0);
        const QString file = QString::fromUtf8(path.data(), qsizetype(path.size()));
        const qint64 size = fileOf->integer(1);
        const qint64 modified = fileOf->integer(2);
        fileOf->reset();
        return m_records.read(file, size, modified, ref->offset, ref->length);
    };

    // A page and one more, to know whether there is a next page. Records are read back only
    // for the page itself, except when free text must be checked on them.
    const std::size_t need = std::size_t(lookup.maxResults) + 1;
    std::vector<std::pair<Key, std::optional<LookupEvent>>> results;
    for (const SegmentRow &row : segments) {
        if (results.size() >= need && results[need - 1].first.time > row.maxTime)
            break;
        Segment segment(m_database, row.id, row.count);
        std::vector<PostingEntry> candidates;
        std::vector<std::vector<std::uint32_t>> others; // sorted positions per other condition
        if (conditions.isEmpty()) {
            Result<std::vector<PostingEntry>> all =
                segment.all(range, lookup.text.isEmpty() ? need : row.count);
            if (!all)
                return all.error();
            candidates = std::move(*all);
        } else {
            std::vector<std::vector<PostingEntry>> lists;
            for (const Condition &condition : conditions) {
                Result<std::vector<PostingEntry>> list = condition.kind
                    ? segment.postings(*condition.kind, condition.value)
                    : segment.byId(condition.id);
                if (!list)
                    return list.error();
                lists.push_back(std::move(*list));
            }
            const auto driver =
                std::min_element(lists.begin(), lists.end(),
                                 [](const auto &a, const auto &b) { return a.size() < b.size(); });
            for (auto it = lists.begin(); it != lists.end(); ++it) {
                if (it == driver)
                    continue;
                std::vector<std::uint32_t> positions;
                positions.reserve(it->size());
                for (const PostingEntry &entry : *it)
                    positions.push_back(entry.position);
                std::sort(positions.begin(), positions.end());
                others.push_back(std::move(positions));
            }
            candidates = std::move(*driver);
        }
        std::size_t taken = 0;
        for (const PostingEntry &entry : candidates) {
            if (taken >= need)
                break;
            const Key key{entry.time, row.id, entry.position};
            if (!range.contains(key))
                continue;
            const bool inAll =
                std::all_of(others.begin(), others.end(), [&](const auto &positions) {
                    return std::binary_search(positions.begin(), positions.end(), entry.position);
                });
            if (!inAll)
                continue;
            std::optional<LookupEvent> event;
            if (!lookup.text.isEmpty()) {
                Result<LookupEvent> read = readEvent(segment, entry.position);
                if (!read)
                    return read.error();
                if (!QString::fromUtf8(read->cloudTrailEvent)
                         .contains(lookup.text, Qt::CaseInsensitive))
                    continue;
                event = std::move(*read);
            }
            results.emplace_back(key, std::move(event));
            ++taken;
        }
        std::sort(results.begin(), results.end(),
                  [](const auto &a, const auto &b) { return before(a.first, b.first); });
        if (results.size() > need)
            results.resize(need);
    }

    EventPage page;
    for (std::size_t i = 0; i < results.size() && i < std::size_t(lookup.maxResults); ++i) {
        auto &[key, event] = results[i];
        if (!event) {
            Segment segment(m_database, key.segment, 0);
            Result<LookupEvent> read = readEvent(segment, key.position);
            if (!read)
                return read.error();
            event = std::move(*read);
        }
        page.events.append(std::move(*event));
    }
    if (results.size() == need) {
        const Key &last = results[need - 2].first;
        page.nextToken =
            PageToken::encode({QString::number(last.time), encodeKey(last)}, fingerprint);
    }
    return page;
}

} // namespace gatehouse::cloudtrail
