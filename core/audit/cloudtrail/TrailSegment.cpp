#include "TrailSegment.h"

#include <algorithm>
#include <cstring>

namespace gatehouse::cloudtrail::TrailSegment {

static_assert(sizeof(DirectoryEntry) == 12 && sizeof(PostingEntry) == 16 && sizeof(Ref) == 12
              && sizeof(IdEntry) == 20);

namespace {

template<typename T>
Result<void> writePart(TrailDatabase::Statement &insert, qint64 segment, qint64 part,
                       const std::vector<T> &data)
{
    insert.bind(1, partId(segment, part)).bindBlob(2, data.data(), data.size() * sizeof(T));
    return insert.run();
}

// The postings of one kind: (value, position) pairs grouped by value, each group keeping the
// positions' order, which is newest first.
Result<void> writeKind(TrailDatabase::Statement &insert, qint64 segment, TrailKind kind,
                       const std::vector<std::pair<std::uint32_t, std::uint32_t>> &pairs,
                       const std::vector<TrailEntry> &records)
{
    std::vector<std::pair<std::uint32_t, std::uint32_t>> sorted = pairs;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
    std::vector<DirectoryEntry> directory;
    std::vector<PostingEntry> entries;
    entries.reserve(sorted.size());
    for (const auto &[value, position] : sorted) {
        if (directory.empty() || directory.back().value != value)
            directory.push_back({value, std::uint32_t(entries.size()), 0});
        ++directory.back().count;
        entries.push_back({records[position].time, position});
    }
    if (Result<void> written = writePart(insert, segment, directoryPart(kind), directory); !written)
        return written;
    return writePart(insert, segment, entriesPart(kind), entries);
}

} // namespace

Result<void> write(TrailDatabase &database, qint64 segment, std::vector<TrailEntry> &records,
                   const std::vector<std::pair<std::uint32_t, std::uint32_t>> &resources)
{
    std::stable_sort(records.begin(), records.end(),
                     [](const TrailEntry &a, const TrailEntry &b) { return a.time > b.time; });
    Result<TrailDatabase::Statement> insertSegment = database.prepare(
        "INSERT INTO segments (id, min_time, max_time, count) VALUES (?, ?, ?, ?)");
    Result<TrailDatabase::Statement> insertPart =
        database.prepare("INSERT INTO parts (id, data) VALUES (?, ?)");
    if (!insertSegment)
        return insertSegment.error();
    if (!insertPart)
        return insertPart.error();
    insertSegment->bind(1, segment)
        .bind(2, records.back().time)
        .bind(3, records.front().time)
        .bind(4, qint64(records.size()));
    if (Result<void> inserted = insertSegment->run(); !inserted)
        return inserted;

    const std::size_t count = records.size();
    std::vector<qint64> times(count);
    std::vector<Ref> refs(count);
    std::vector<IdEntry> ids(count);
    for (std::size_t i = 0; i < count; ++i) {
        const TrailEntry &record = records[i];
        times[i] = record.time;
        refs[i] = {record.file, record.offset, record.length};
        ids[i] = {record.id, std::uint32_t(i)};
    }
    std::sort(ids.begin(), ids.end(), [](const IdEntry &a, const IdEntry &b) {
        return std::memcmp(a.id.data(), b.id.data(), a.id.size()) < 0;
    });
    if (Result<void> w = writePart(*insertPart, segment, Times, times); !w)
        return w;
    if (Result<void> w = writePart(*insertPart, segment, Refs, refs); !w)
        return w;
    if (Result<void> w = writePart(*insertPart, segment, Ids, ids); !w)
        return w;

    std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
    pairs.reserve(count);
    for (int kind = 0; kind < kSingleKinds; ++kind) {
        pairs.clear();
        for (std::size_t i = 0; i < count; ++i) {
            if (const std::uint32_t value = records[i].values[std::size_t(kind)])
                pairs.emplace_back(value, std::uint32_t(i));
        }
        if (Result<void> w = writeKind(*insertPart, segment, TrailKind(kind), pairs, records); !w)
            return w;
    }
    for (const TrailKind kind : {TrailKind::ResourceType, TrailKind::ResourceName}) {
        pairs.clear();
        for (std::size_t i = 0; i < count; ++i) {
            const TrailEntry &record = records[i];
            const std::size_t before = pairs.size();
            for (std::uint32_t r = 0; r < record.resourceCount; ++r) {
                const auto &resource = resources[record.firstResource + r];
                const std::uint32_t value =
                    kind == TrailKind::ResourceType ? resource.first : resource.second;
                // A record names a value once, however many of its resources share it.
                if (value
                    && std::none_of(pairs.begin() + qsizetype(before), pairs.end(),
                                    [&](const auto &pair) { return pair.first == value; }))
                    pairs.emplace_back(value, std::uint32_t(i));
            }
        }
        if (Result<void> w = writeKind(*insertPart, segment, kind, pairs, records); !w)
            return w;
    }
    return {};
}

} // namespace gatehouse::cloudtrail::TrailSegment
