#include "JsonErrorLocator.h"

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

namespace gatehouse::cloudtrail {

namespace {

using simdjson::error_code;

constexpr std::size_t kMaxDepth = simdjson::DEFAULT_MAX_DEPTH; // as the DOM parser enforces

using Found = JsonErrorLocator::Found;

// Length of the valid UTF-8 sequence at text[i], or 0 if it is not one (RFC 3629: no
// overlong forms, no surrogates, nothing past U+10FFFF).
std::size_t utf8Length(const unsigned char *text, std::size_t i, std::size_t size)
{
    const unsigned char c = text[i];
    if (c < 0x80)
        return 1;
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
        length = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        length = 3;
        if (c == 0xe0)
            low = 0xa0;
        else if (c == 0xed)
            high = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        length = 4;
        if (c == 0xf0)
            low = 0x90;
        else if (c == 0xf4)
            high = 0x8f;
    } else {
        return 0;
    }
    if (i + length > size || text[i + 1] < low || text[i + 1] > high)
        return 0;
    for (std::size_t k = 2; k < length; ++k) {
        if (text[i + k] < 0x80 || text[i + k] > 0xbf)
            return 0;
    }
    return length;
}

// What simdjson checks before parsing, over the whole text.
std::optional<Found> lexicalError(const unsigned char *text, std::size_t size)
{
    bool inString = false;
    std::size_t stringStart = 0;
    for (std::size_t i = 0; i < size;) {
        const unsigned char c = text[i];
        if (inString && c < 0x20)
            return Found{i, simdjson::UNESCAPED_CHARS};
        if (inString && c == '\\' && i + 1 < size && text[i + 1] < 0x80) {
            i += 2; // an escaped quote does not end the string
            continue;
        }
        if (c == '"') {
            inString = !inString;
            stringStart = i;
        }
        const std::size_t length = utf8Length(text, i, size);
        if (length == 0)
            return Found{i, simdjson::UTF8_ERROR};
        i += length;
    }
    if (inString)
        return Found{stringStart, simdjson::UNCLOSED_STRING};
    return std::nullopt;
}

int hexValue(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

class GrammarCheck
{
public:
    GrammarCheck(const unsigned char *text, std::size_t size)
        : m_text(text),
          m_size(size)
    {}

    std::optional<Found> run()
    {
        enum class Expect { Value, ValueOrClose, Key, KeyOrClose, Colon, CommaOrClose, End };
        Expect expect = Expect::Value;
        std::vector<unsigned char> open; // the containers around the current position
        for (;;) {
            skipSpace();
            if (m_pos == m_size) {
                if (expect == Expect::End)
                    return std::nullopt;
                if (open.empty() && expect == Expect::Value)
                    return Found{0, simdjson::EMPTY};
                return Found{lastNonSpace(), simdjson::INCOMPLETE_ARRAY_OR_OBJECT};
            }
            const unsigned char c = m_text[m_pos];
            bool valueDone = false;
            switch (expect) {
            case Expect::ValueOrClose:
                if (c == ']') {
                    open.pop_back();
                    ++m_pos;
                    valueDone = true;
                    break;
                }
                [[fallthrough]];
            case Expect::Value:
                if (c == '{' || c == '[') {
                    if (open.size() >= kMaxDepth)
                        return Found{m_pos, simdjson::DEPTH_ERROR};
                    open.push_back(c);
                    ++m_pos;
                    expect = c == '{' ? Expect::KeyOrClose : Expect::ValueOrClose;
                } else if (auto error = scalar()) {
                    return error;
                } else {
                    valueDone = true;
                }
                break;
            case Expect::KeyOrClose:
                if (c == '}') {
                    open.pop_back();
                    ++m_pos;
                    valueDone = true;
                    break;
                }
                [[fallthrough]];
            case Expect::Key:
                if (c != '"')
                    return Found{m_pos, simdjson::TAPE_ERROR};
                if (auto error = string())
                    return error;
                expect = Expect::Colon;
                break;
            case Expect::Colon:
                if (c != ':')
                    return Found{m_pos, simdjson::TAPE_ERROR};
                ++m_pos;
                expect = Expect::Value;
                break;
            case Expect::CommaOrClose:
                if (c == ',') {
                    ++m_pos;
                    expect = open.back() == '{' ? Expect::Key : Expect::Value;
                } else if ((c == '}' && open.back() == '{') || (c == ']' && open.back() == '[')) {
                    open.pop_back();
                    ++m_pos;
                    valueDone = true;
                } else {
                    return Found{m_pos, simdjson::TAPE_ERROR};
                }
                break;
            case Expect::End:
                return Found{m_pos, simdjson::TAPE_ERROR}; // content after the value
            }
            if (valueDone)
                expect = open.empty() ? Expect::End : Expect::CommaOrClose;
        }
    }

private:
    static bool isSpace(unsigned char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
    static bool isDelimiter(unsigned char c)
    {
        return isSpace(c) || c == ',' || c == ']' || c == '}' || c == ':';
    }

    void skipSpace()
    {
        while (m_pos < m_size && isSpace(m_text[m_pos]))
            ++m_pos;
    }

    std::size_t lastNonSpace() const
    {
        std::size_t end = m_size;
        while (end > 0 && isSpace(m_text[end - 1]))
            --end;
        return end > 0 ? end - 1 : 0;
    }

    bool delimited(std::size_t at) const { return at == m_size || isDelimiter(m_text[at]); }

    std::optional<Found> scalar()
    {
        const unsigned char c = m_text[m_pos];
        if (c == '"')
            return string();
        if (c == '-' || (c >= '0' && c <= '9'))
            return number();
        static constexpr struct {
            char first;
            std::string_view word;
            error_code error;
        } kLiterals[] = {{'t', "true", simdjson::T_ATOM_ERROR},
                         {'f', "false", simdjson::F_ATOM_ERROR},
                         {'n', "null", simdjson::N_ATOM_ERROR}};
        for (const auto &literal : kLiterals) {
            if (c != literal.first)
                continue;
            const std::size_t end = m_pos + literal.word.size();
            if (end > m_size
                || std::string_view(reinterpret_cast<const char *>(m_text) + m_pos,
                                    literal.word.size())
                    != literal.word
                || !delimited(end))
                return Found{m_pos, literal.error};
            m_pos = end;
            return std::nullopt;
        }
        return Found{m_pos, simdjson::TAPE_ERROR};
    }

    std::optional<Found> number()
    {
        const std::size_t start = m_pos;
        auto digits = [&] {
            const std::size_t first = m_pos;
            while (m_pos < m_size && m_text[m_pos] >= '0' && m_text[m_pos] <= '9')
                ++m_pos;
            return m_pos - first;
        };
        if (m_text[m_pos] == '-')
            ++m_pos;
        const std::size_t integerStart = m_pos;
        const std::size_t integer = digits();
        if (integer == 0 || (integer > 1 && m_text[integerStart] == '0'))
            return Found{start, simdjson::NUMBER_ERROR};
        bool real = false;
        if (m_pos < m_size && m_text[m_pos] == '.') {
            ++m_pos;
            real = true;
            if (digits() == 0)
                return Found{start, simdjson::NUMBER_ERROR};
        }
        if (m_pos < m_size && (m_text[m_pos] == 'e' || m_text[m_pos] == 'E')) {
            ++m_pos;
            real = true;
            if (m_pos < m_size && (m_text[m_pos] == '+' || m_text[m_pos] == '-'))
                ++m_pos;
            if (digits() == 0)
                return Found{start, simdjson::NUMBER_ERROR};
        }
        if (!delimited(m_pos))
            return Found{start, simdjson::NUMBER_ERROR};
        // Valid JSON that simdjson still refuses: integers past 64 bits, doubles past ±1.8e308.
        if (!real && integer > 20)
            return Found{start, simdjson::NUMBER_ERROR};
        if (real) {
            const std::string copy(reinterpret_cast<const char *>(m_text) + start, m_pos - start);
            if (std::isinf(std::strtod(copy.c_str(), nullptr)))
                return Found{start, simdjson::NUMBER_ERROR};
        }
        return std::nullopt;
    }

    std::optional<Found> string()
    {
        const std::size_t start = m_pos++;
        bool pendingHighSurrogate = false;
        while (m_pos < m_size) {
            const unsigned char c = m_text[m_pos];
            if (pendingHighSurrogate && c != '\\')
                return Found{start, simdjson::STRING_ERROR};
            if (c == '"') {
                ++m_pos;
                return std::nullopt;
            }
            if (c != '\\') {
                ++m_pos;
                continue;
            }
            if (m_pos + 1 >= m_size)
                break;
            const unsigned char escaped = m_text[m_pos + 1];
            if (pendingHighSurrogate && escaped != 'u')
                return Found{start, simdjson::STRING_ERROR};
            if (escaped != 'u') {
                if (std::string_view("\"\\/bfnrt").find(char(escaped)) == std::string_view::npos)
                    return Found{start, simdjson::STRING_ERROR};
                m_pos += 2;
                continue;
            }
            int code = 0;
            for (std::size_t k = 2; k < 6; ++k) {
                const int digit = m_pos + k < m_size ? hexValue(m_text[m_pos + k]) : -1;
                if (digit < 0)
                    return Found{start, simdjson::STRING_ERROR};
                code = code * 16 + digit;
            }
            const bool high = code >= 0xd800 && code <= 0xdbff;
            const bool low = code >= 0xdc00 && code <= 0xdfff;
            if (pendingHighSurrogate != low)
                return Found{start, simdjson::STRING_ERROR};
            pendingHighSurrogate = high;
            m_pos += 6;
        }
        return Found{start, simdjson::UNCLOSED_STRING};
    }

    const unsigned char *m_text;
    std::size_t m_size;
    std::size_t m_pos = 0;
};

} // namespace

std::optional<JsonErrorLocator::Found> JsonErrorLocator::locate(const char *text, std::size_t size)
{
    const auto *bytes = reinterpret_cast<const unsigned char *>(text);
    if (auto found = lexicalError(bytes, size))
        return found;
    return GrammarCheck(bytes, size).run();
}

QString JsonErrorLocator::describe(simdjson::error_code error)
{
    switch (error) {
    case simdjson::UTF8_ERROR:
        return QStringLiteral("the text is not valid UTF-8");
    case simdjson::UNESCAPED_CHARS:
        return QStringLiteral("a string contains an unescaped control character");
    case simdjson::UNCLOSED_STRING:
        return QStringLiteral("a string is not closed");
    case simdjson::DEPTH_ERROR:
        return QStringLiteral("objects and arrays are nested more than %1 levels deep")
            .arg(kMaxDepth);
    case simdjson::STRING_ERROR:
        return QStringLiteral("a string has an invalid escape sequence");
    case simdjson::T_ATOM_ERROR:
    case simdjson::F_ATOM_ERROR:
    case simdjson::N_ATOM_ERROR:
        return QStringLiteral("a value is not a string, number, object, array, true, false or "
                              "null");
    case simdjson::NUMBER_ERROR:
    case simdjson::NUMBER_OUT_OF_RANGE:
        return QStringLiteral("a number is malformed or too large");
    case simdjson::TAPE_ERROR:
        return QStringLiteral("a comma, colon, bracket or quoted key is missing or out of place");
    case simdjson::INCOMPLETE_ARRAY_OR_OBJECT:
        return QStringLiteral("an object or array is not closed");
    case simdjson::EMPTY:
        return QStringLiteral("there is no JSON value");
    case simdjson::CAPACITY:
        return QStringLiteral("the document is larger than 4 GiB");
    case simdjson::MEMALLOC:
        return QStringLiteral("not enough memory");
    default:
        return QString::fromUtf8(simdjson::error_message(error));
    }
}

} // namespace gatehouse::cloudtrail
