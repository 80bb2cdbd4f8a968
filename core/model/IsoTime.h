#pragma once

#include <QDateTime>
#include <QString>

namespace gatehouse {

// A time as the store, the audit records and `--json` write it: ISO 8601 in UTC with
// milliseconds ("2026-03-01T09:00:00.000Z"), which sorts as text in time order. Empty for an
// invalid time.
QString isoUtc(const QDateTime &time);

} // namespace gatehouse
