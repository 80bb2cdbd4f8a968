#pragma once

#include <QDateTime>
#include <QString>

#include <array>
#include <optional>

namespace gatehouse {

// A time as the store, the audit records and `--json` write it: ISO 8601 in UTC with
// milliseconds ("2026-03-01T09:00:00.000Z"), which sorts as text in time order. Empty for an
// invalid time.
QString isoUtc(const QDateTime &time);

using IsoUtcText = std::array<char, 24>;
// The same text for a time in milliseconds since 1970 UTC, without a QString (the request
// log); nullopt outside the years 1 to 9999.
std::optional<IsoUtcText> isoUtcText(qint64 msecsSinceEpoch);

} // namespace gatehouse
