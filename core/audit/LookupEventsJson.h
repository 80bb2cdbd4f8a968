#pragma once

#include "model/EventLookup.h"

#include <QJsonObject>

namespace gatehouse::LookupEventsJson {

// A page as CloudTrail's LookupEvents returns it: {"Events": [...], "NextToken": ...}, each
// event with EventId, EventName, ReadOnly ("true"/"false"), AccessKeyId, EventTime (ISO 8601
// UTC), EventSource, Username, Resources [{ResourceType, ResourceName}] and the whole record
// as a JSON string under CloudTrailEvent. NextToken is null on the last page.
QJsonObject toJson(const EventPage &page);

} // namespace gatehouse::LookupEventsJson
