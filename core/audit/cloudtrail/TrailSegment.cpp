#include "TrailSegment.h"

#include "TrailIdSet.h"

#include <QtEndian>

#include <algorithm>
#include <utility>

namespace gatehouse::cloudtrail::TrailSegment {

static_assert(sizeof(DirectoryEntry) == 12 && sizeof(PostingEntry) == 16 && sizeof(Ref) == 16
              && sizeof(IdEntry) == 20);

namespace {

template<typename Vector>
Result<void> writePart(TrailDatabase &database, qint64 segment, qint64 part, const Vector &data)
{
    return database.writePart(partId(segment, part), data.data(),
                              data.size() * sizeof(typename Vector::value_type));
}

// Sorts (value << 32 | position) numbers by value and keeps the order of those with the same
// value: two counting passes over 16-bit digits (a pass is left out when all values share
// that digit, as ReadOnly's few values may), instead of comparison sorting.
void sortByValue(LargeVector<std::uint64_t> &pairs, LargeVector<std::uint64_t> &scratch,
                 std::vector<std::uint32_t> &counts)
{
    if (pairs.empty())
        return;
    scratch.resize(pairs.size());
    counts.resize(std::size_t(1) << 16);
    for (const int shift : {32, 48}) {
        std::fill(counts.begin(), counts.end(), 0);
        for (const std::uint64_t pair : pairs)
            ++counts[(pair >> shift) & 0xFFFF];
        if (counts[(pairs.front() >> shift) & 0xFFFF] == pairs.size())
            continue; // one digit for all: nothing moves
        std::uint32_t sum = 0;
        for (std::uint32_t &count : counts)
            sum += std::exchange(count, sum);
        for (const std::uint64_t pair : pairs)
            scratch[counts[(pair >> shift) & 0xFFFF]++] = pair;
        pairs.swap(scratch);
    }
}

// The postings of one kind: (value, position) pairs grouped by value, each group keeping the
// positions' order, which is newest first. `pairs` holds each pair once, as (value << 32 |
// position), in the order of the positions.
Result<void> writeKind(TrailDatabase &database, qint64 segment, TrailKind kind, Buffers &buffers)
{
    LargeVector<std::uint64_t> &pairs = buffers.pairs;
    std::vector<DirectoryEntry> &directory = buffers.directory;
    LargeVector<PostingEntry> &entries = buffers.entries;
    const LargeVector<qint64> &times = buffers.times;
    sortByValue(pairs, buffers.scratch, buffers.counts);
    directory.clear();
    entries.clear();
    for (const std::uint64_t pair : pairs) {
        const auto value = std::uint32_t(pair >> 32);
        const auto position = std::uint32_t(pair);
        if (directory.empty() || directory.back().value != value)
            directory.push_back({value, std::uint32_t(entries.size()), 0});
        ++directory.back().count;
        entries.push_back({times[position], position});
    }
    if (Result<void> written = writePart(database, segment, directoryPart(kind), directory);
        !written)
        return written;
    return writePart(database, segment, entriesPart(kind), entries);
}

} // namespace

Result<void> write(TrailDatabase &database, qint64 segment, LargeVector<TrailEntry> &records,
                   const std::vector<std::pair<std::uint32_t, std::uint32_t>> &resources,
                   Buffers &buffers)
{
    // Newest first, ties in their order: (time, index) keys sorted, then the records moved,
    // instead of std::stable_sort, which takes a buffer of its own every time.
    LargeVector<std::pair<qint64, std::uint32_t>> &order = buffers.order;
    order.resize(records.size());
    for (std::size_t i = 0; i < records.size(); ++i)
        order[i] = {records[i].time, std::uint32_t(i)};
    std::sort(order.begin(), order.end(), [](const auto &a, const auto &b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    buffers.sorted.resize(records.size());
    for (std::size_t i = 0; i < records.size(); ++i)
        buffers.sorted[i] = records[order[i].second];
    records.swap(buffers.sorted);
    Result<TrailDatabase::Statement> insertSegment = database.prepare(
        "INSERT INTO segments (id, min_time, max_time, count) VALUES (?, ?, ?, ?)");
    if (!insertSegment)
        return insertSegment.error();
    insertSegment->bind(1, segment)
        .bind(2, records.back().time)
        .bind(3, records.front().time)
        .bind(4, qint64(records.size()));
    if (Result<void> inserted = insertSegment->run(); !inserted)
        return inserted;

    const std::size_t count = records.size();
    LargeVector<qint64> &times = buffers.times;
    LargeVector<Ref> &refs = buffers.refs;
    // Ids in byte order, compared as two big-endian numbers instead of by memcmp() (each id is
    // in a segment once); the third number is the position.
    LargeVector<std::array<std::uint64_t, 3>> &keys = buffers.idKeys;
    times.resize(count);
    refs.resize(count);
    keys.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
        const TrailEntry &record = records[i];
        times[i] = record.time;
        refs[i] = {record.file, record.offset, record.length, TrailIdSet::checkOf(record.id)};
        keys[i] = {qFromBigEndian<quint64>(record.id.data()),
                   qFromBigEndian<quint64>(record.id.data() + 8), i};
    }
    std::sort(keys.begin(), keys.end(), [](const auto &a, const auto &b) {
        return a[0] != b[0] ? a[0] < b[0] : a[1] < b[1];
    });
    LargeVector<IdEntry> &ids = buffers.ids;
    ids.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
        ids[i].position = std::uint32_t(keys[i][2]);
        qToBigEndian<quint64>(keys[i][0], ids[i].id.data());
        qToBigEndian<quint64>(keys[i][1], ids[i].id.data() + 8);
    }
    if (Result<void> w = writePart(database, segment, Times, times); !w)
        return w;
    if (Result<void> w = writePart(database, segment, Refs, refs); !w)
        return w;
    if (Result<void> w = writePart(database, segment, Ids, ids); !w)
        return w;

    LargeVector<std::uint64_t> &pairs = buffers.pairs;
    const auto pairOf = [](std::uint32_t value, std::size_t position) {
        return std::uint64_t(value) << 32 | position;
    };
    for (int kind = 0; kind < kSingleKinds; ++kind) {
        pairs.clear();
        for (std::size_t i = 0; i < count; ++i) {
            if (const std::uint32_t value = records[i].values[std::size_t(kind)])
                pairs.push_back(pairOf(value, i));
        }
        if (Result<void> w = writeKind(database, segment, TrailKind(kind), buffers); !w)
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
                    && std::find(pairs.begin() + qsizetype(before), pairs.end(), pairOf(value, i))
                        == pairs.end())
                    pairs.push_back(pairOf(value, i));
            }
        }
        if (Result<void> w = writeKind(database, segment, kind, buffers); !w)
            return w;
    }
    return {};
}

} // namespace gatehouse::cloudtrail::TrailSegment
