#pragma once

#include "HugePageAllocator.h"
#include "TrailDatabase.h"
#include "TrailKind.h"
#include "model/Result.h"

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace gatehouse::cloudtrail {

// A record as the index keeps it: where it is (file, offset, length in the file's
// decompressed text), when, its event id (the UUID's 16 bytes, or a hash of another id) and
// its attribute values.
struct TrailEntry {
    qint64 time = 0;
    std::array<std::uint8_t, 16> id{};
    std::uint32_t file = 0;
    std::uint32_t offset = 0;
    std::uint32_t length = 0;
    std::array<std::uint32_t, kSingleKinds> values{};
    std::uint32_t firstResource = 0; // into the builder's resource list
    std::uint32_t resourceCount = 0;
};

// A segment: up to kMaxRecords records sorted newest first (position 0 is the newest), stored
// as a few blobs ("parts") in column form:
//   times    int64 per position
//   refs     (file, offset, length, check) u32 each, per position; check is four bytes of the
//            record's id (TrailIdSet::checkOf)
//   ids      (16-byte id, u32 position), sorted by id
//   per kind a directory (value, first, count) u32 each, sorted by value, and entries
//            (int64 time, u32 position), grouped by value, each group newest first.
// Lookups read only the parts and ranges they need (incremental blob I/O). Integers are
// little-endian, as on every platform Gatehouse builds for.
namespace TrailSegment {

constexpr std::size_t kMaxRecords = 1 << 18;

enum Part { Times = 0, Refs = 1, Ids = 2 };
constexpr qint64 directoryPart(TrailKind kind)
{
    return 3 + 2 * int(kind);
}
constexpr qint64 entriesPart(TrailKind kind)
{
    return 4 + 2 * int(kind);
}
constexpr qint64 partId(qint64 segment, qint64 part)
{
    return segment * 32 + part;
}

struct DirectoryEntry {
    std::uint32_t value;
    std::uint32_t first;
    std::uint32_t count;
};
struct PostingEntry {
    qint64 time;
    std::uint32_t position;
    std::uint32_t padding = 0;
};
struct Ref {
    std::uint32_t file;
    std::uint32_t offset;
    std::uint32_t length;
    std::uint32_t check;
};
struct IdEntry {
    std::array<std::uint8_t, 16> id;
    std::uint32_t position;
};

// The working memory of write(), kept from one segment to the next: an import writes a
// segment every 262,144 records, and memory allocated afresh each time is faulted in afresh
// (tens of megabytes per segment).
struct Buffers {
    LargeVector<std::pair<qint64, std::uint32_t>> order;
    LargeVector<TrailEntry> sorted;
    LargeVector<qint64> times;
    LargeVector<Ref> refs;
    LargeVector<std::array<std::uint64_t, 3>> idKeys;
    LargeVector<IdEntry> ids;
    LargeVector<std::uint64_t> pairs;
    LargeVector<std::uint64_t> scratch;
    std::vector<std::uint32_t> counts;
    std::vector<DirectoryEntry> directory;
    LargeVector<PostingEntry> entries;
};

// Sorts `records` newest first (records of the same time keep their order) and writes them as
// segment `segment`.
Result<void> write(TrailDatabase &database, qint64 segment, LargeVector<TrailEntry> &records,
                   const std::vector<std::pair<std::uint32_t, std::uint32_t>> &resources,
                   Buffers &buffers);

} // namespace TrailSegment
} // namespace gatehouse::cloudtrail
