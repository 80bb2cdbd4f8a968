#pragma once

#include "TrailRecord.h"

#include <string_view>

namespace gatehouse::cloudtrail {

// What the index can look records up by. Values are keyed hashes (TrailValueHash), 0 for
// "absent"; a record has one value of each kind except the resource kinds, which have many.
enum class TrailKind : int {
    EventName,
    EventSource,
    Username,
    AccessKeyId,
    ReadOnly,
    SourceIpAddress,
    ErrorCode,
    ResourceType,
    ResourceName,
};
constexpr int kTrailKinds = 9;
constexpr int kSingleKinds = 7; // EventName .. ErrorCode

// The value of one of the single kinds (EventName .. ErrorCode) in `record`, empty when absent;
// ReadOnly is "true", "false" or empty.
std::string_view valueOf(const TrailRecord &record, TrailKind kind);

// True when `record` has `value` as one of its values of `kind` (for the resource kinds, any
// of its resources).
bool hasValue(const TrailRecord &record, TrailKind kind, std::string_view value);

} // namespace gatehouse::cloudtrail
