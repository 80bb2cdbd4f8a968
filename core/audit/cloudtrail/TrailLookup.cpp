#include "TrailLookup.h"

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

// One condition: its value as the index keeps it (or an event id), and as asked for, to check
// the records read back (values can share a hash).
struct Condition {
    std::optional<TrailKind> kind; // none: an EventId condition
    std::uint32_t value = 0;
    TrailIdSet::Id id{};
    QByteArray text;

    bool heldBy(const TrailRecord &record) const
    {
        const std::string_view view(text.constData(), std::size_t(text.size()));
        return kind ? hasValue(record, *kind, view)
                    : TrailIdSet::keyOf(record.eventId) == TrailIdSet::keyOf(view);
    }
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

    // The postings of `kind` = `value` whose times are in [range.start, range.end], newest
    // first: found by binary search within the value's group (newest first too), so that a
    // day's worth is read from a segment that spans a month, not the month.
    struct Slice {
        TrailDatabase::Blob entries;
        std::size_t first = 0;
        std::size_t last = 0;
        std::size_t size() const { return last - first; }
    };
    Result<Slice> slice(TrailKind kind, std::uint32_t value, const Range &range)
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
        Slice out;
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
        Result<std::size_t> first =
            lowerBound<PostingEntry>(*postings, entry.first, entry.count,
                                     [&](const PostingEntry &e) { return e.time > range.end; });
        if (!first)
            return first.error();
        Result<std::size_t> last =
            lowerBound<PostingEntry>(*postings, *first, entry.first + entry.count - *first,
                                     [&](const PostingEntry &e) { return e.time >= range.start; });
        if (!last)
            return last.error();
        out.entries = std::move(*postings);
        out.first = *first;
        out.last = *last;
        return out;
    }

    // `count` postings of a slice from its `from`-th on.
    static Result<void> read(const Slice &slice, std::size_t from, std::size_t count,
                             std::vector<PostingEntry> &out)
    {
        out.resize(count);
        return slice.entries.read((slice.first + from) * sizeof(PostingEntry), out.data(),
                                  count * sizeof(PostingEntry));
    }

    // Event `id`, if this segment has it (a list of none or one).
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

Result<QHash<std::uint32_t, GzipAccessPoint>>
TrailLookup::accessPoints(const QHash<std::uint32_t, std::uint32_t> &offsets)
{
    QHash<std::uint32_t, GzipAccessPoint> points;
    if (offsets.isEmpty())
        return points;
    Result<TrailDatabase::Statement> select = m_database.prepare(
        "SELECT text_offset, bit, window_size, window FROM access_points"
        " WHERE file = ? AND text_offset <= ? ORDER BY text_offset DESC LIMIT 1");
    if (!select)
        return select.error();
    for (auto it = offsets.constBegin(); it != offsets.constEnd(); ++it) {
        select->bind(1, it.key()).bind(2, it.value());
        Result<bool> row = select->step();
        if (!row)
            return row.error();
        if (*row) {
            GzipAccessPoint point;
            point.textOffset = std::uint32_t(select->integer(0));
            point.bit = std::uint64_t(select->integer(1));
            point.windowSize = std::uint32_t(select->integer(2));
            const std::string_view window = select->blob(3);
            point.packedWindow = QByteArray(window.data(), qsizetype(window.size()));
            points.insert(it.key(), std::move(point));
        }
        select->reset();
    }
    return points;
}

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

    // Const once made: the record source's two threads check records against them.
    const std::vector<Condition> conditions = [&] {
        std::vector<Condition> made;
        for (const EventLookup::Condition &condition : lookup.conditions) {
            Condition resolved;
            resolved.kind = kindOf(condition.attribute);
            resolved.text = condition.value.toUtf8();
            const std::string_view view(resolved.text.constData(),
                                        std::size_t(resolved.text.size()));
            if (resolved.kind)
                resolved.value = m_database.valueHash()(view);
            else
                resolved.id = TrailIdSet::keyOf(view);
            made.push_back(resolved);
        }
        return made;
    }();
    const auto holdsAll = [&](const TrailRecord &record) {
        return std::all_of(conditions.begin(), conditions.end(),
                           [&](const Condition &condition) { return condition.heldBy(record); });
    };

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
    // Where a record is, as the record source asks for it.
    QHash<std::uint32_t, TrailRecordSource::Request> files;
    const auto requestFor =
        [&](const TrailSegment::Ref &ref) -> Result<TrailRecordSource::Request> {
        auto known = files.find(ref.file);
        if (known != files.end()) {
            known->offset = ref.offset;
            known->length = ref.length;
            known->check = ref.check;
            return *known;
        }
        const std::uint32_t id = ref.file;
        fileOf->bind(1, id);
        Result<bool> row = fileOf->step();
        if (!row || !*row) {
            fileOf->reset();
            return TrailDatabase::damaged();
        }
        const std::string_view path = fileOf->text(0);
        const TrailRecordSource::Request request{
            QString::fromUtf8(path.data(), qsizetype(path.size())),
            fileOf->integer(1),
            fileOf->integer(2),
            ref.offset,
            ref.length,
            ref.check,
            std::nullopt};
        fileOf->reset();
        files.insert(id, request);
        return request;
    };
    // A record read back, none when its values only share a hash with those asked for.
    const auto readEvent = [&](Segment &segment,
                               std::uint32_t position) -> TrailRecordSource::Outcome {
        Result<TrailSegment::Ref> ref = segment.ref(position);
        if (!ref)
            return ref.error();
        Result<TrailRecordSource::Request> request = requestFor(*ref);
        if (!request)
            return request.error();
        return m_records.read(*request, holdsAll);
    };

    // A page and one more, to know whether there is a next page. Records are read back only
    // for the page itself, except when free text must be checked on them.
    const std::size_t need = std::size_t(lookup.maxResults) + 1;
    std::vector<std::pair<Key, std::optional<LookupEvent>>> results;
    std::vector<PostingEntry> candidates;
    for (const SegmentRow &row : segments) {
        if (results.size() >= need && results[need - 1].first.time > row.maxTime)
            break;
        // Nothing at or after the page's last event so far can be on the page.
        const bool bounded = results.size() >= need;
        const Key bound = bounded ? results[need - 1].first : Key{};
        Segment segment(m_database, row.id, row.count);
        candidates.clear();
        Segment::Slice driver; // when set (size > 0), candidates come from it, read as needed
        std::vector<std::vector<std::uint32_t>> others; // sorted positions per other condition
        if (conditions.empty()) {
            Result<std::vector<PostingEntry>> all =
                segment.all(range, lookup.text.isEmpty() ? need : row.count);
            if (!all)
                return all.error();
            candidates = std::move(*all);
        } else {
            // Each condition's postings in the time range: a slice of its postings (not read
            // yet), or the event an id names. The smallest drives, the others are read whole.
            struct Source {
                Segment::Slice slice;
                std::vector<PostingEntry> list;
                bool isList = false;
                std::size_t size() const { return isList ? list.size() : slice.size(); }
            };
            std::vector<Source> sources;
            bool none = false;
            for (const Condition &condition : conditions) {
                Source source;
                if (condition.kind) {
                    Result<Segment::Slice> slice =
                        segment.slice(*condition.kind, condition.value, range);
                    if (!slice)
                        return slice.error();
                    source.slice = std::move(*slice);
                } else {
                    Result<std::vector<PostingEntry>> list = segment.byId(condition.id);
                    if (!list)
                        return list.error();
                    source.list = std::move(*list);
                    source.isList = true;
                }
                none = none || source.size() == 0;
                sources.push_back(std::move(source));
            }
            if (none)
                continue; // a condition nothing in this segment's range meets
            const auto smallest =
                std::min_element(sources.begin(), sources.end(),
                                 [](const auto &a, const auto &b) { return a.size() < b.size(); });
            std::vector<PostingEntry> entries;
            for (auto it = sources.begin(); it != sources.end(); ++it) {
                if (it == smallest)
                    continue;
                if (!it->isList) {
                    if (Result<void> read = Segment::read(it->slice, 0, it->size(), entries); !read)
                        return read.error();
                }
                const std::vector<PostingEntry> &list = it->isList ? it->list : entries;
                std::vector<std::uint32_t> positions;
                positions.reserve(list.size());
                for (const PostingEntry &entry : list)
                    positions.push_back(entry.position);
                std::sort(positions.begin(), positions.end());
                others.push_back(std::move(positions));
            }
            if (smallest->isList)
                candidates = std::move(smallest->list);
            else
                driver = std::move(smallest->slice);
        }
        // The driver's postings are read in growing chunks: a page is often full after a few.
        const std::size_t total = driver.size() > 0 ? driver.size() : candidates.size();
        std::size_t chunkStart = 0;
        std::size_t chunk = 64;
        std::size_t taken = 0;
        for (std::size_t i = 0; i < total && taken < need; ++i) {
            if (driver.size() > 0 && i == chunkStart + candidates.size()) {
                chunkStart = i;
                const std::size_t count = std::min(chunk, total - i);
                chunk = std::min<std::size_t>(chunk * 2, 8192);
                if (Result<void> read = Segment::read(driver, i, count, candidates); !read)
                    return read.error();
            }
            const PostingEntry &entry = candidates[i - chunkStart];
            const Key key{entry.time, row.id, entry.position};
            if (bounded && !before(key, bound))
                break;
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
                Result<std::optional<LookupEvent>> read = readEvent(segment, entry.position);
                if (!read)
                    return read.error();
                if (!*read
                    || !QString::fromUtf8((*read)->cloudTrailEvent)
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

    // The page's records: the refs of its events segment by segment, then the records, all
    // at once (TrailRecordSource reads each file once, and two at a time).
    const std::size_t shown = std::min(results.size(), std::size_t(lookup.maxResults));
    std::vector<std::size_t> unread; // indexes into results
    std::vector<TrailRecordSource::Request> requests;
    QHash<std::uint32_t, std::uint32_t> firstWanted; // by file: the first text offset wanted
    std::vector<std::uint32_t> requestFiles;
    {
        for (std::size_t i = 0; i < shown; ++i) {
            if (!results[i].second)
                unread.push_back(i);
        }
        std::stable_sort(unread.begin(), unread.end(), [&](std::size_t a, std::size_t b) {
            return results[a].first.segment < results[b].first.segment;
        });
        TrailDatabase::Blob refs;
        qint64 open = 0;
        for (const std::size_t i : unread) {
            const Key &key = results[i].first;
            if (open != key.segment) {
                Result<TrailDatabase::Blob> blob =
                    m_database.openPart(TrailSegment::partId(key.segment, TrailSegment::Refs));
                if (!blob)
                    return blob.error();
                refs = std::move(*blob);
                open = key.segment;
            }
            TrailSegment::Ref ref;
            if (Result<void> read = refs.read(key.position * sizeof ref, &ref, sizeof ref); !read)
                return read.error();
            Result<TrailRecordSource::Request> request = requestFor(ref);
            if (!request)
                return request.error();
            requests.push_back(std::move(*request));
            requestFiles.push_back(ref.file);
            const auto first = firstWanted.find(ref.file);
            if (first == firstWanted.end())
                firstWanted.insert(ref.file, ref.offset);
            else
                *first = std::min(*first, ref.offset);
        }
    }
    // Each file is decompressed from its last access point before the first record wanted.
    if (Result<QHash<std::uint32_t, GzipAccessPoint>> points = accessPoints(firstWanted); !points) {
        return points.error();
    } else {
        for (std::size_t r = 0; r < requests.size(); ++r) {
            const auto point = points->constFind(requestFiles[r]);
            if (point != points->constEnd())
                requests[r].from = *point;
        }
    }
    // A file that cannot be read fails the page with the error of its first event in page
    // order. An event whose values only share a hash with those asked for is left out: the
    // page is one shorter, and the next page still starts after it.
    std::vector<TrailRecordSource::Outcome> read = m_records.readAll(requests, holdsAll);
    std::optional<std::pair<std::size_t, Error>> failure;
    for (std::size_t r = 0; r < read.size(); ++r) {
        const std::size_t index = unread[r];
        if (!read[r]) {
            if (!failure || index < failure->first)
                failure.emplace(index, read[r].error());
            continue;
        }
        results[index].second = std::move(*read[r]);
    }
    if (failure)
        return failure->second;
    EventPage page;
    for (std::size_t i = 0; i < shown; ++i) {
        if (results[i].second)
            page.events.append(std::move(*results[i].second));
    }
    if (results.size() == need) {
        const Key &last = results[need - 2].first;
        page.nextToken =
            PageToken::encode({QString::number(last.time), encodeKey(last)}, fingerprint);
    }
    return page;
}

} // namespace gatehouse::cloudtrail
