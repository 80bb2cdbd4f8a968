#pragma once

#include <string_view>

namespace gatehouse::cloudtrail {

// One entry of a record's resources[] array, as LookupEvents reports it (ResourceType,
// ResourceName). The views point into the TrailBatch the record belongs to.
struct TrailResource {
    std::string_view type; // e.g. "AWS::S3::Object"; empty when absent
    std::string_view name; // the entry's ARN, else its ARNPrefix; empty when both are absent
};

} // namespace gatehouse::cloudtrail
