#include "TrailKind.h"

namespace gatehouse::cloudtrail {

std::string_view valueOf(const TrailRecord &record, TrailKind kind)
{
    switch (kind) {
    case TrailKind::EventName:
        return record.eventName;
    case TrailKind::EventSource:
        return record.eventSource;
    case TrailKind::Username:
        return record.username;
    case TrailKind::AccessKeyId:
        return record.accessKeyId;
    case TrailKind::ReadOnly:
        return record.readOnly ? (*record.readOnly ? "true" : "false") : "";
    case TrailKind::SourceIpAddress:
        return record.sourceIPAddress;
    case TrailKind::ErrorCode:
        return record.errorCode;
    case TrailKind::ResourceType:
    case TrailKind::ResourceName:
        break;
    }
    return {};
}

bool hasValue(const TrailRecord &record, TrailKind kind, std::string_view value)
{
    if (kind != TrailKind::ResourceType && kind != TrailKind::ResourceName)
        return valueOf(record, kind) == value;
    for (const TrailResource &resource : record.resources) {
        if ((kind == TrailKind::ResourceType ? resource.type : resource.name) == value)
            return true;
    }
    return false;
}

} // namespace gatehouse::cloudtrail
