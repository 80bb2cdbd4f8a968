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
    const sys_time<milliseconds> instant{milliseconds(time.toMSecsSinceEpoch())};
    const sys_days day = floor<days>(instant);
    const year_month_day date{day};
    if (int(date.year()) < 0 || int(date.year()) > 9999) // Qt's own form for such years
        return time.toUTC().toString(Qt::ISODateWithMs);
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
