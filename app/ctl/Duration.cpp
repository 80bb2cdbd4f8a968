#include "Duration.h"

namespace gatehouse::ctl {

std::optional<qint64> parseDuration(QStringView text)
{
    constexpr qint64 kMaxSeconds = 3650LL * 24 * 3600;
    // At least one digit and a unit; ten digits already exceed the cap in every unit.
    if (text.size() < 2 || text.size() > 11)
        return std::nullopt;
    qint64 unit = 0;
    switch (text.back().unicode()) {
    case u's':
        unit = 1;
        break;
    case u'm':
        unit = 60;
        break;
    case u'h':
        unit = 3600;
        break;
    case u'd':
        unit = 24 * 3600;
        break;
    default:
        return std::nullopt;
    }
    qint64 count = 0;
    // Only ASCII digits: toLongLong() would also take a sign, spaces or other scripts' digits.
    for (const QChar c : text.chopped(1)) {
        if (c < u'0' || c > u'9')
            return std::nullopt;
        count = count * 10 + (c.unicode() - u'0');
    }
    if (count > kMaxSeconds / unit)
        return std::nullopt;
    return count * unit;
}

} // namespace gatehouse::ctl
