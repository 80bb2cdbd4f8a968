#pragma once

#include "TrailRandom.h"

#include <cstdint>
#include <string>
#include <string_view>

// Compact JSON written straight into a std::string, the way CloudTrail writes its files: every
// member is followed by a comma, and closing a container turns the last comma into the bracket
// (so "{" then close() gives "{}"). Fast enough to write a million records in seconds.
namespace gatehouse::bench::trailjson {

inline void appendEscaped(std::string &out, std::string_view text)
{
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20) {
            static constexpr char kHex[] = "0123456789abcdef";
            if (c == '\n') {
                out += "\\n";
            } else {
                out += "\\u00";
                out += kHex[u >> 4];
                out += kHex[u & 15];
            }
        } else {
            out += c;
        }
    }
}

inline void key(std::string &out, std::string_view name)
{
    out += '"';
    out += name;
    out += "\":";
}

inline void str(std::string &out, std::string_view name, std::string_view value)
{
    key(out, name);
    out += '"';
    appendEscaped(out, value);
    out += "\",";
}

inline void raw(std::string &out, std::string_view name, std::string_view json)
{
    key(out, name);
    out += json;
    out += ',';
}

inline void number(std::string &out, std::string_view name, std::uint64_t value)
{
    key(out, name);
    out += std::to_string(value);
    out += ',';
}

inline void boolean(std::string &out, std::string_view name, bool value)
{
    raw(out, name, value ? "true" : "false");
}

inline void appendQuoted(std::string &out, std::string_view value)
{
    out += '"';
    appendEscaped(out, value);
    out += "\",";
}

inline void openObject(std::string &out)
{
    out += '{';
}

inline void open(std::string &out, std::string_view name)
{
    key(out, name);
    out += '{';
}

inline void openArray(std::string &out, std::string_view name)
{
    key(out, name);
    out += '[';
}

inline void closeWith(std::string &out, char bracket)
{
    if (out.back() == ',')
        out.back() = bracket;
    else
        out += bracket;
    out += ',';
}

inline void close(std::string &out)
{
    closeWith(out, '}');
}

inline void closeArray(std::string &out)
{
    closeWith(out, ']');
}

// `digits` lower-case hex digits taken from `value` (repeating its nibbles past 16).
inline void appendHex(std::string &out, std::uint64_t value, int digits)
{
    static constexpr char kHex[] = "0123456789abcdef";
    for (int i = 0; i < digits; ++i)
        out += kHex[(value >> ((i % 16) * 4)) & 15];
}

inline std::string hexOf(std::uint64_t value, int digits)
{
    std::string text;
    appendHex(text, value, digits);
    return text;
}

inline void appendDigits(std::string &out, std::uint64_t value, int digits)
{
    for (int i = 0; i < digits; ++i) {
        out += static_cast<char>('0' + value % 10);
        value /= 10;
    }
}

inline void appendFrom(std::string &out, TrailRandom &random, std::string_view alphabet, int length)
{
    for (int i = 0; i < length; ++i)
        out += alphabet[random.below(static_cast<std::uint32_t>(alphabet.size()))];
}

// Access key ids and principal ids use upper-case letters and digits 2-7.
inline void appendBase32(std::string &out, TrailRandom &random, int length)
{
    appendFrom(out, random, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", length);
}

inline void appendBase62(std::string &out, TrailRandom &random, int length)
{
    appendFrom(out, random, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
               length);
}

inline void appendBase64(std::string &out, TrailRandom &random, int length)
{
    appendFrom(out, random, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
               length);
}

inline std::string uuid(TrailRandom &random)
{
    const std::uint64_t high = random.next();
    const std::uint64_t low = random.next();
    std::string text;
    text.reserve(36);
    appendHex(text, high, 8);
    text += '-';
    appendHex(text, high >> 32, 4);
    text += "-4";
    appendHex(text, high >> 48, 3);
    text += '-';
    text += "89ab"[low & 3];
    appendHex(text, low >> 2, 3);
    text += '-';
    appendHex(text, low >> 14, 12);
    return text;
}

inline std::string twoDigits(std::uint32_t value)
{
    std::string text(2, '0');
    text[0] = static_cast<char>('0' + value / 10 % 10);
    text[1] = static_cast<char>('0' + value % 10);
    return text;
}

struct CivilTime {
    int year, month, day, hour, minute, second;
};

// Howard Hinnant's days-to-civil algorithm: no time zone database, no locale.
inline CivilTime civilOf(std::int64_t ms)
{
    std::int64_t seconds = ms / 1000;
    std::int64_t days = seconds / 86400;
    std::int64_t rest = seconds % 86400;
    if (rest < 0) {
        rest += 86400;
        --days;
    }
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const std::int64_t doe = days - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    const int year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
    return {year,
            month,
            day,
            static_cast<int>(rest / 3600),
            static_cast<int>(rest / 60 % 60),
            static_cast<int>(rest % 60)};
}

// "2026-11-21T15:04:05Z", as eventTime has it.
inline std::string isoTime(std::int64_t ms)
{
    const CivilTime t = civilOf(ms);
    std::string text = std::to_string(t.year);
    text += '-';
    text += twoDigits(static_cast<std::uint32_t>(t.month));
    text += '-';
    text += twoDigits(static_cast<std::uint32_t>(t.day));
    text += 'T';
    text += twoDigits(static_cast<std::uint32_t>(t.hour));
    text += ':';
    text += twoDigits(static_cast<std::uint32_t>(t.minute));
    text += ':';
    text += twoDigits(static_cast<std::uint32_t>(t.second));
    text += 'Z';
    return text;
}

// "Nov 21, 2026, 3:04:05 PM", as IAM and STS write dates into responseElements.
inline std::string consoleDate(std::int64_t ms)
{
    static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const CivilTime t = civilOf(ms);
    std::string text(kMonths[t.month - 1]);
    text += ' ';
    text += std::to_string(t.day);
    text += ", ";
    text += std::to_string(t.year);
    text += ", ";
    const int hour12 = t.hour % 12 == 0 ? 12 : t.hour % 12;
    text += std::to_string(hour12);
    text += ':';
    text += twoDigits(static_cast<std::uint32_t>(t.minute));
    text += ':';
    text += twoDigits(static_cast<std::uint32_t>(t.second));
    text += t.hour < 12 ? " AM" : " PM";
    return text;
}

} // namespace gatehouse::bench::trailjson
