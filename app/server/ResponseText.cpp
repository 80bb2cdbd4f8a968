#include "ResponseText.h"

#include <charconv>
#include <string_view>

namespace gatehouse::server {

namespace {

void appendBytes(std::string &out, QByteArrayView bytes)
{
    out.append(bytes.data(), size_t(bytes.size()));
}

void appendField(std::string &out, QByteArrayView name, QByteArrayView value)
{
    appendBytes(out, name);
    out.append(": ");
    appendBytes(out, value);
    out.append("\r\n");
}

void appendNumber(std::string &out, qint64 value)
{
    char digits[24];
    out.append(digits, std::to_chars(digits, digits + sizeof digits, value).ptr);
}

} // namespace

const char *reasonPhrase(int status)
{
    static constexpr struct {
        int status;
        const char *reason;
    } kReasons[] = {
        {100, "Continue"},
        {200, "OK"},
        {201, "Created"},
        {202, "Accepted"},
        {204, "No Content"},
        {304, "Not Modified"},
        {400, "Bad Request"},
        {401, "Unauthorized"},
        {403, "Forbidden"},
        {404, "Not Found"},
        {405, "Method Not Allowed"},
        {406, "Not Acceptable"},
        {408, "Request Timeout"},
        {409, "Conflict"},
        {410, "Gone"},
        {411, "Length Required"},
        {412, "Precondition Failed"},
        {413, "Content Too Large"},
        {415, "Unsupported Media Type"},
        {417, "Expectation Failed"},
        {422, "Unprocessable Content"},
        {423, "Locked"},
        {428, "Precondition Required"},
        {429, "Too Many Requests"},
        {431, "Request Header Fields Too Large"},
        {500, "Internal Server Error"},
        {501, "Not Implemented"},
        {502, "Bad Gateway"},
        {503, "Service Unavailable"},
        {504, "Gateway Timeout"},
    };
    for (const auto &[known, reason] : kReasons) {
        if (known == status)
            return reason;
    }
    return "";
}

void responseText(std::string &out, const ApiResponse &response, bool keepAlive, bool http10Client)
{
    const auto &fields = response.headers;
    const auto replacedAfter = [&fields](qsizetype index, QByteArrayView name) {
        for (qsizetype i = index + 1; i < fields.size(); ++i) {
            if (fields[i].first.compare(name, Qt::CaseInsensitive) == 0)
                return true;
        }
        return false;
    };
    const auto safe = [](QByteArrayView value) {
        return !value.contains('\r') && !value.contains('\n') && !value.contains('\0');
    };
    out.clear();
    // HTTP/1.1 whatever the client spoke (RFC 9110 §2.5): the version the server conforms to.
    out.append("HTTP/1.1 ");
    appendNumber(out, response.status);
    out.append(" ").append(reasonPhrase(response.status)).append("\r\n");
    if (!response.contentType.isEmpty() && safe(response.contentType))
        appendField(out, "Content-Type", response.contentType);
    // Answers carry tokens and personal data.
    if (!replacedAfter(-1, "Cache-Control"))
        appendField(out, "Cache-Control", "no-store");
    if (!replacedAfter(-1, "X-Content-Type-Options"))
        appendField(out, "X-Content-Type-Options", "nosniff");
    for (qsizetype i = 0; i < fields.size(); ++i) {
        const auto &[name, value] = fields[i];
        if (!replacedAfter(i, name) && safe(value))
            appendField(out, name, value);
    }
    if (!keepAlive)
        appendField(out, "Connection", "close");
    else if (http10Client)
        appendField(out, "Connection", "keep-alive");
    // 1xx, 204 and 304 have neither a body nor a length (RFC 9110 §6.4.1, §8.6).
    if (response.status < 200 || response.status == 204 || response.status == 304) {
        out.append("\r\n");
        return;
    }
    out.append("Content-Length: ");
    appendNumber(out, response.body.size());
    out.append("\r\n\r\n");
    appendBytes(out, response.body);
}

} // namespace gatehouse::server
