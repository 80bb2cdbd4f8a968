#pragma once

#include "model/Result.h"

#include <QByteArrayView>
#include <QJsonValue>

namespace gatehouse::api {

// A strict JSON parser for request bodies (SEC-39, E1, E4, E17). QJsonDocument is lenient where
// an API must not be: it keeps the last of duplicate keys, accepts lone surrogates and decodes
// invalid UTF-8 into replacement characters, so two parsers (ours and a proxy's or an
// application's) could read one body two ways. This one accepts exactly RFC 8259 text in UTF-8:
// - no byte order mark, no trailing bytes after the value but whitespace;
// - strings of valid UTF-8 only (no overlong forms, no encoded surrogates, nothing past
//   U+10FFFF), no raw control characters, `\u` escapes only in valid pairs;
// - no duplicate keys in an object;
// - numbers as the grammar has them, finite as doubles (1e309 is refused, not infinity);
// - nesting, string, array and object sizes capped, so hostile bodies cost little.
// Errors are InvalidInput and name the byte offset and the rule, never the text.
class JsonReader
{
public:
    struct Limits {
        int maxDepth = 32;
        qsizetype maxStringBytes = 16 * 1024;
        qsizetype maxArrayItems = 10000;
        qsizetype maxObjectMembers = 1000;
    };

    static Result<QJsonValue> parse(QByteArrayView text, const Limits &limits);
    static Result<QJsonValue> parse(QByteArrayView text) { return parse(text, Limits{}); }

private:
    JsonReader(QByteArrayView text, const Limits &limits)
        : m_text(text),
          m_limits(limits)
    {}

    Result<QJsonValue> value(int depth);
    Result<QJsonValue> object(int depth);
    Result<QJsonValue> array(int depth);
    Result<QString> string();
    Result<QJsonValue> number();
    Result<QJsonValue> literal(QByteArrayView word, const QJsonValue &value);
    // Appends the UTF-8 sequence at m_pos to `out`; fails on anything RFC 3629 forbids.
    bool takeUtf8(QByteArray &out);
    void skipSpace();
    Error fail(const char *what) const;

    QByteArrayView m_text;
    qsizetype m_pos = 0;
    const Limits &m_limits;
};

} // namespace gatehouse::api
