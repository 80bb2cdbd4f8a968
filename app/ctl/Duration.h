#pragma once

#include <QStringView>

#include <optional>

namespace gatehouse::ctl {

// A duration typed on the command line: a whole number and one unit, s, m, h or d ("30m",
// "12h", "7d"). Nothing else is accepted (no "1h30m", no fractions, no bare numbers), so a
// typo is a usage error rather than a surprise. At most 3650 days, which keeps every later
// QDateTime::addSecs() far from overflow. Returns seconds; 0 ("0s") is allowed, callers that
// need a positive span check it.
std::optional<qint64> parseDuration(QStringView text);

} // namespace gatehouse::ctl
