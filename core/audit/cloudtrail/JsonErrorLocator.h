#pragma once

#include <simdjson.h>

#include <QString>

#include <cstddef>
#include <optional>

namespace gatehouse::cloudtrail {

// Where a JSON text is wrong, for a problem report that names a line. The fast path (simdjson's
// DOM parser) says only what is wrong, so this runs after a failure and may be slow: a plain
// byte-by-byte check of JSON's grammar, iterative so that hostile nesting cannot exhaust the
// stack, that stops where simdjson would. It first looks, as simdjson does, for the errors found
// before any parsing (invalid UTF-8, an unescaped control character, an unclosed string)
// anywhere in the text, then walks the grammar.
class JsonErrorLocator
{
public:
    struct Found {
        std::size_t offset; // of the byte where the error is
        simdjson::error_code error; // what simdjson says for it
    };

    static std::optional<Found> locate(const char *text, std::size_t size);
    // A short sentence for an error, e.g. "a string is not closed".
    static QString describe(simdjson::error_code error);
};

} // namespace gatehouse::cloudtrail
