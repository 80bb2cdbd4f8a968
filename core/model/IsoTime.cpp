#include "IsoTime.h"

#include <algorithm>
#include <chrono>

namespace gatehouse {

namespace {

// `value` as `width` decimal digits at `out`.
void putDigits(char *out, int width, int value)
{
    for (int i = width - 1; i >= 0; --i) {
        out[i] = char('0' + value % 10);
        value /= 10;
    }
}

} // namespace

std::optional<IsoUtcText> isoUtcText(qint64 msecsSinceEpoch)
{
    // Written by hand: QDateTime::toString() formats through QString::asprintf, and this runs
    // for every time in every answer and log line (a tenth of a server's time on a hot path).
    using namespace std::chrono;
    // Years 1 to 9999 only (chrono's years are shorts, and year 0 is not Qt's).
    constexpr qint64 kFirst = -62135596800000; // 0001-01-01T00:00:00.000Z
    constexpr qint64 kLast = 253402300799999; // 9999-12-31T23:59:59.999Z
    if (msecsSinceEpoch < kFirst || msecsSinceEpoch > kLast)
        return std::nullopt;
    const sys_time<milliseconds> instant{milliseconds(msecsSinceEpoch)};
    const sys_days day = floor<days>(instant);
    const year_month_day date{day};
    const hh_mm_ss clock{instant - day};
    IsoUtcText text;
    const char pattern[] = "yyyy-MM-ddTHH:mm:ss.zzzZ";
    std::copy(pattern, pattern + text.size(), text.begin());
    putDigits(text.data(), 4, int(date.year()));
    putDigits(text.data() + 5, 2, int(unsigned(date.month())));
    putDigits(text.data() + 8, 2, int(unsigned(date.day())));
    putDigits(text.data() + 11, 2, int(clock.hours().count()));
    putDigits(text.data() + 14, 2, int(clock.minutes().count()));
    putDigits(text.data() + 17, 2, int(clock.seconds().count()));
    putDigits(text.data() + 20, 3, int(clock.subseconds().count()));
    return text;
}

QString isoUtc(const QDateTime &time)
{
    if (!time.isValid())
        return QString();
    if (const std::optional<IsoUtcText> text = isoUtcText(time.toMSecsSinceEpoch()))
        return QString::fromLatin1(text->data(), qsizetype(text->size()));
    return time.toUTC().toString(Qt::ISODateWithMs); // Qt's own form for the other years
}

} // namespace gatehouse
