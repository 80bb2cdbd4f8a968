#pragma once

#include <QtGlobal>

#include <optional>
#include <string_view>

namespace gatehouse::cloudtrail {

// UTC milliseconds since the epoch of an eventTime as CloudTrail writes it,
// "YYYY-MM-DDThh:mm:ssZ", also with a fraction ("…:ss.fffZ", Logstash's @timestamp; digits
// past the milliseconds are dropped). Anything else, or an impossible date, is nullopt: a
// hand-written parser, because this runs a million times per import and QDateTime's ISO
// parsing allocates and accepts more forms than CloudTrail writes.
std::optional<qint64> parseEventTimeMs(std::string_view text);

} // namespace gatehouse::cloudtrail
