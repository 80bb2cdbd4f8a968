#include "EventTime.h"

namespace gatehouse::cloudtrail {

namespace {

bool digits(std::string_view text, std::size_t at, std::size_t count, int &value)
{
    value = 0;
    for (std::size_t i = at; i < at + count; ++i) {
        const char c = text[i];
        if (c < '0' || c > '9')
            return false;
        value = value * 10 + (c - '0');
    }
    return true;
}

bool leapYear(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
qint64 daysFromCivil(int year, int month, int day)
{
    year -= month <= 2 ? 1 : 0;
    const qint64 era = (year >= 0 ? year : year - 399) / 400;
    const qint64 yoe = year - era * 400;
    const qint64 doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const qint64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

} // namespace

std::optional<qint64> parseEventTimeMs(std::string_view text)
{
    // 0123456789012345678901
    // YYYY-MM-DDThh:mm:ss[.f+]Z
    if (text.size() < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':'
        || text[16] != ':' || text.back() != 'Z')
        return std::nullopt;
    int year, month, day, hour, minute, second;
    if (!digits(text, 0, 4, year) || !digits(text, 5, 2, month) || !digits(text, 8, 2, day)
        || !digits(text, 11, 2, hour) || !digits(text, 14, 2, minute)
        || !digits(text, 17, 2, second))
        return std::nullopt;
    int millis = 0;
    if (text.size() > 20) {
        const std::size_t fraction = text.size() - 21; // digits between '.' and 'Z'
        if (text[19] != '.' || fraction == 0 || fraction > 9)
            return std::nullopt;
        int ignored = 0;
        if (!digits(text, 20, fraction, ignored))
            return std::nullopt;
        for (std::size_t i = 0; i < 3; ++i)
            millis = millis * 10 + (i < fraction ? text[20 + i] - '0' : 0);
    }
    static constexpr int kDaysInMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59)
        return std::nullopt;
    const int monthDays = kDaysInMonth[month - 1] + (month == 2 && leapYear(year) ? 1 : 0);
    if (day > monthDays)
        return std::nullopt;
    const qint64 seconds =
        daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
    return seconds * 1000 + millis;
}

} // namespace gatehouse::cloudtrail
