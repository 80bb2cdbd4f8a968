#pragma once

#include "TrailRecord.h"

#include <simdjson.h>

#include <vector>

namespace gatehouse::cloudtrail {

// Takes LookupEvents' fields out of one parsed record. Strings become views into the parsed
// document (no copies); the record's resources are appended to `resources`.
class TrailRecordFields
{
public:
    enum class Time { Ok, Missing, Unparseable };

    // Fills every field of `record` except json, line, resources and (when absent) eventId.
    // The record's resources are appended to `resources`; the caller points the record at
    // them once the vector has stopped growing.
    static Time extract(simdjson::dom::object object, TrailRecord &record,
                        std::vector<TrailResource> &resources);
};

} // namespace gatehouse::cloudtrail
