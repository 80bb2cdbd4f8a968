#include "JsonReader.h"

#include <QJsonArray>
#include <QJsonObject>

#include <cmath>

namespace gatehouse::api {

namespace {

int hexDigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void appendUtf8(QByteArray &out, char32_t codePoint)
{
    if (codePoint < 0x80) {
        out.append(char(codePoint));
    } else if (codePoint < 0x800) {
        out.append(char(0xC0 | (codePoint >> 6)));
        out.append(char(0x80 | (codePoint & 0x3F)));
    } else if (codePoint < 0x10000) {
        out.append(char(0xE0 | (codePoint >> 12)));
        out.append(char(0x80 | ((codePoint >> 6) & 0x3F)));
        out.append(char(0x80 | (codePoint & 0x3F)));
    } else {
        out.append(char(0xF0 | (codePoint >> 18)));
        out.append(char(0x80 | ((codePoint >> 12) & 0x3F)));
        out.append(char(0x80 | ((codePoint >> 6) & 0x3F)));
        out.append(char(0x80 | (codePoint & 0x3F)));
    }
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

} // namespace

Result<QJsonValue> JsonReader::parse(QByteArrayView text, const Limits &limits)
{
    JsonReader reader(text, limits);
    if (text.startsWith("\xEF\xBB\xBF"))
        return reader.fail("a byte order mark is not allowed");
    reader.skipSpace();
    Result<QJsonValue> parsed = reader.value(0);
    if (!parsed)
        return parsed;
    reader.skipSpace();
    if (reader.m_pos != text.size())
        return reader.fail("unexpected text after the JSON value");
    return parsed;
}

Error JsonReader::fail(const char *what) const
{
    return makeError(ErrorCode::InvalidInput,
                     QStringLiteral("The request body is not valid JSON: %1 (at byte %2).")
                         .arg(QString::fromLatin1(what))
                         .arg(m_pos));
}

void JsonReader::skipSpace()
{
    while (m_pos < m_text.size()) {
        const char c = m_text[m_pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return;
        ++m_pos;
    }
}

Result<QJsonValue> JsonReader::value(int depth)
{
    if (m_pos >= m_text.size())
        return fail("the text ends where a value should be");
    switch (m_text[m_pos]) {
    case '{':
        return object(depth + 1);
    case '[':
        return array(depth + 1);
    case '"': {
        Result<QString> text = string();
        if (!text)
            return text.error();
        return QJsonValue(*text);
    }
    case 't':
        return literal("true", QJsonValue(true));
    case 'f':
        return literal("false", QJsonValue(false));
    case 'n':
        return literal("null", QJsonValue(QJsonValue::Null));
    default:
        return number();
    }
}

Result<QJsonValue> JsonReader::literal(QByteArrayView word, const QJsonValue &value)
{
    if (m_text.sliced(m_pos).startsWith(word)) {
        m_pos += word.size();
        return value;
    }
    return fail("unexpected character");
}

Result<QJsonValue> JsonReader::object(int depth)
{
    if (depth > m_limits.maxDepth)
        return fail("the value is nested too deeply");
    ++m_pos; // '{'
    QJsonObject result;
    skipSpace();
    if (m_pos < m_text.size() && m_text[m_pos] == '}') {
        ++m_pos;
        return QJsonValue(result);
    }
    for (;;) {
        skipSpace();
        if (m_pos >= m_text.size() || m_text[m_pos] != '"')
            return fail("an object key must be a string");
        const qsizetype keyAt = m_pos;
        Result<QString> key = string();
        if (!key)
            return key.error();
        if (result.contains(*key)) {
            m_pos = keyAt;
            return fail("an object has the same key twice");
        }
        skipSpace();
        if (m_pos >= m_text.size() || m_text[m_pos] != ':')
            return fail("a ':' must follow an object key");
        ++m_pos;
        skipSpace();
        Result<QJsonValue> member = value(depth);
        if (!member)
            return member;
        if (result.size() >= m_limits.maxObjectMembers)
            return fail("an object has too many members");
        result.insert(*key, *member);
        skipSpace();
        if (m_pos >= m_text.size())
            return fail("the text ends inside an object");
        const char c = m_text[m_pos++];
        if (c == '}')
            return QJsonValue(result);
        if (c != ',') {
            --m_pos;
            return fail("expected ',' or '}' in an object");
        }
    }
}

Result<QJsonValue> JsonReader::array(int depth)
{
    if (depth > m_limits.maxDepth)
        return fail("the value is nested too deeply");
    ++m_pos; // '['
    QJsonArray result;
    skipSpace();
    if (m_pos < m_text.size() && m_text[m_pos] == ']') {
        ++m_pos;
        return QJsonValue(result);
    }
    for (;;) {
        skipSpace();
        Result<QJsonValue> item = value(depth);
        if (!item)
            return item;
        if (result.size() >= m_limits.maxArrayItems)
            return fail("an array has too many items");
        result.append(*item);
        skipSpace();
        if (m_pos >= m_text.size())
            return fail("the text ends inside an array");
        const char c = m_text[m_pos++];
        if (c == ']')
            return QJsonValue(result);
        if (c != ',') {
            --m_pos;
            return fail("expected ',' or ']' in an array");
        }
    }
}

bool JsonReader::takeUtf8(QByteArray &out)
{
    const auto byte = [&](qsizetype at) {
        return uchar(m_text[at]);
    };
    const uchar lead = byte(m_pos);
    int length = 0;
    char32_t codePoint = 0;
    char32_t minimum = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        codePoint = lead & 0x1F;
        minimum = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        codePoint = lead & 0x0F;
        minimum = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        codePoint = lead & 0x07;
        minimum = 0x10000;
    } else {
        return false; // a continuation byte, an overlong lead (C0, C1) or F5..FF
    }
    if (m_pos + length > m_text.size())
        return false;
    for (int i = 1; i < length; ++i) {
        const uchar next = byte(m_pos + i);
        if ((next & 0xC0) != 0x80)
            return false;
        codePoint = (codePoint << 6) | (next & 0x3F);
    }
    if (codePoint < minimum || codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF))
        return false;
    out.append(m_text.sliced(m_pos, length));
    m_pos += length;
    return true;
}

Result<QString> JsonReader::string()
{
    ++m_pos; // '"'
    QByteArray utf8;
    for (;;) {
        if (utf8.size() > m_limits.maxStringBytes)
            return fail("a string is too long");
        if (m_pos >= m_text.size())
            return fail("the text ends inside a string");
        const uchar c = uchar(m_text[m_pos]);
        if (c == '"') {
            ++m_pos;
            return QString::fromUtf8(utf8);
        }
        if (c < 0x20)
            return fail("a control character must be escaped in a string");
        if (c >= 0x80) {
            if (!takeUtf8(utf8))
                return fail("a string is not valid UTF-8");
            continue;
        }
        if (c != '\\') {
            utf8.append(char(c));
            ++m_pos;
            continue;
        }
        if (m_pos + 1 >= m_text.size())
            return fail("the text ends inside a string");
        const char escape = m_text[m_pos + 1];
        m_pos += 2;
        switch (escape) {
        case '"':
        case '\\':
        case '/':
            utf8.append(escape);
            continue;
        case 'b':
            utf8.append('\b');
            continue;
        case 'f':
            utf8.append('\f');
            continue;
        case 'n':
            utf8.append('\n');
            continue;
        case 'r':
            utf8.append('\r');
            continue;
        case 't':
            utf8.append('\t');
            continue;
        case 'u':
            break;
        default:
            m_pos -= 2;
            return fail("unknown escape in a string");
        }
        const auto hex4 = [&]() -> int {
            if (m_pos + 4 > m_text.size())
                return -1;
            int unit = 0;
            for (int i = 0; i < 4; ++i) {
                const int digit = hexDigit(m_text[m_pos + i]);
                if (digit < 0)
                    return -1;
                unit = unit * 16 + digit;
            }
            m_pos += 4;
            return unit;
        };
        const int unit = hex4();
        if (unit < 0)
            return fail("a \\u escape needs four hex digits");
        if (unit >= 0xDC00 && unit <= 0xDFFF)
            return fail("a string has a lone surrogate");
        if (unit < 0xD800 || unit > 0xDBFF) {
            appendUtf8(utf8, char32_t(unit));
            continue;
        }
        if (!m_text.sliced(m_pos).startsWith("\\u"))
            return fail("a string has a lone surrogate");
        m_pos += 2;
        const int low = hex4();
        if (low < 0xDC00 || low > 0xDFFF)
            return fail("a string has a lone surrogate");
        appendUtf8(utf8, 0x10000 + ((char32_t(unit) - 0xD800) << 10) + (char32_t(low) - 0xDC00));
    }
}

Result<QJsonValue> JsonReader::number()
{
    const qsizetype start = m_pos;
    const auto digits = [&] {
        const qsizetype from = m_pos;
        while (m_pos < m_text.size() && isDigit(m_text[m_pos]))
            ++m_pos;
        return m_pos > from;
    };
    if (m_pos < m_text.size() && m_text[m_pos] == '-')
        ++m_pos;
    if (m_pos < m_text.size() && m_text[m_pos] == '0') {
        ++m_pos;
    } else if (!digits()) {
        m_pos = start;
        return fail("unexpected character");
    }
    if (m_pos < m_text.size() && m_text[m_pos] == '.') {
        ++m_pos;
        if (!digits())
            return fail("a number needs digits after its '.'");
    }
    if (m_pos < m_text.size() && (m_text[m_pos] == 'e' || m_text[m_pos] == 'E')) {
        ++m_pos;
        if (m_pos < m_text.size() && (m_text[m_pos] == '+' || m_text[m_pos] == '-'))
            ++m_pos;
        if (!digits())
            return fail("a number needs digits in its exponent");
    }
    if (m_pos - start > 64)
        return fail("a number is too long");
    bool ok = false;
    const double parsed = m_text.sliced(start, m_pos - start).toByteArray().toDouble(&ok);
    if (!ok || !std::isfinite(parsed)) {
        m_pos = start;
        return fail("a number is out of range");
    }
    return QJsonValue(parsed);
}

} // namespace gatehouse::api
