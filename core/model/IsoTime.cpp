#include "IsoTime.h"

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

QString isoUtc(const QDateTime &time)
{
    if (!time.isValid())
        return QString();
    // Written by hand: QDateTime::toString() formats through QString::asprintf, and this runs
    // for every time in every answer and log line (a tenth of a server's time on a hot path).
    using namespace std::chrono;
    // Years 1 to 9999 only (chrono's years are shorts, and year 0 is not Qt's); Qt's own form
    // for the others.
    constexpr qint64 kFirst = -62135596800000; // 0001-01-01T00:00:00.000Z
    constexpr qint64 kLast = 253402300799999; // 9999-12-31T23:59:59.999Z
    const qint64 msecs = time.toMSecsSinceEpoch();
    if (msecs < kFirst || msecs > kLast)
        return time.toUTC().toString(Qt::ISODateWithMs);
    const sys_time<milliseconds> instant{milliseconds(msecs)};
    const sys_days day = floor<days>(instant);
    const year_month_day date{day};
    const hh_mm_ss clock{instant - day};
    char text[] = "yyyy-MM-ddTHH:mm:ss.zzzZ";
    putDigits(text, 4, int(date.year()));
    putDigits(text + 5, 2, int(unsigned(date.month())));
    putDigits(text + 8, 2, int(unsigned(date.day())));
    putDigits(text + 11, 2, int(clock.hours().count()));
    putDigits(text + 14, 2, int(clock.minutes().count()));
    putDigits(text + 17, 2, int(clock.seconds().count()));
    putDigits(text + 20, 3, int(clock.subseconds().count()));
    return QString::fromLatin1(text, sizeof text - 1);
}

} // namespace gatehouse
