#include "UserImportFile.h"

#include "Jwt.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

#include <algorithm>

namespace gatehouse::UserImportFile {

namespace {

const QString kUsername = QStringLiteral("username");
const QString kEmail = QStringLiteral("email");
const QString kDisplayName = QStringLiteral("displayName");
const QString kRoles = QStringLiteral("roles");
const QString kStatus = QStringLiteral("status");
const QString kPasswordHash = QStringLiteral("passwordHash");

Error invalidFile(const QString &why)
{
    return makeError(ErrorCode::InvalidInput, why);
}

QString fieldList()
{
    return fieldNames().join(QStringLiteral(", "));
}

// A plain-text password is never imported, however it is labelled: say so, not just "unknown".
bool looksLikePassword(QStringView name)
{
    return name.compare(u"password", Qt::CaseInsensitive) == 0;
}

QString unknownFieldMessage(QStringView name)
{
    if (looksLikePassword(name)) {
        return QStringLiteral(
            "Plain-text passwords are never imported: give passwordHash (scrypt), "
            "or leave it out and issue a setup code.");
    }
    return QStringLiteral("This is not a field of an imported user; the fields are %1.")
        .arg(fieldList());
}

int lineAt(const QByteArray &bytes, qsizetype offset)
{
    return int(QByteArrayView(bytes)
                   .first(std::clamp<qsizetype>(offset, 0, bytes.size()))
                   .count('\n'))
        + 1;
}

// Valid UTF-8 (no overlong forms, encoded surrogates or stray bytes), or the line of the first
// bad byte. Multi-byte sequences never contain a line feed, so lines can be checked one by one.
Result<QString> decodeUtf8(const QByteArray &bytes)
{
    QString text = QString::fromUtf8(bytes);
    if (text.toUtf8() == bytes)
        return text;
    int line = 1;
    for (const QByteArray &part : bytes.split('\n')) {
        if (QString::fromUtf8(part).toUtf8() != part)
            break;
        ++line;
    }
    return invalidFile(
        QStringLiteral("The file is not valid UTF-8 (line %1); save it as UTF-8.").arg(line));
}

// --- JSON ------------------------------------------------------------------------------------

Error jsonError(const QByteArray &bytes, const Error &strict)
{
    QString why = strict.message;
    if (why.endsWith(u'.'))
        why.chop(1);
    // The strict reader names no position; Qt's lenient one does for plain syntax errors.
    QJsonParseError located{};
    QJsonDocument::fromJson(bytes, &located);
    const QString where = located.error == QJsonParseError::NoError
        ? QString()
        : QStringLiteral(" (near line %1)").arg(lineAt(bytes, located.offset));
    const QString prefix = QStringLiteral("JSON ");
    const QString text = why.startsWith(prefix)
        ? QStringLiteral("The file's JSON %1%2.").arg(why.mid(prefix.size()), where)
        : QStringLiteral("The file is not valid JSON: %1%2.").arg(why, where);
    return invalidFile(text);
}

// A string field: absent and null give an empty string; anything but a string is a problem.
bool readString(const QJsonObject &object, const QString &key, QString &out,
                QList<ImportProblem> &problems, int number)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined() || value.isNull())
        return true;
    if (!value.isString()) {
        problems.append({number, 0, key, QStringLiteral("Must be a string (or null).")});
        return false;
    }
    out = value.toString();
    return true;
}

void readJsonRecord(const QJsonValue &value, int number, ImportFile &file)
{
    if (!value.isObject()) {
        file.problems.append(
            {number, 0, {}, QStringLiteral("Each user must be a JSON object of its fields.")});
        return;
    }
    const QJsonObject object = value.toObject();
    bool ok = true;
    const QStringList known = fieldNames();
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!known.contains(it.key())) {
            file.problems.append({number, 0, shownName(it.key()), unknownFieldMessage(it.key())});
            ok = false;
        }
    }
    ImportRecord record;
    record.number = number;
    const QJsonValue username = object.value(kUsername);
    if (!username.isString()) {
        file.problems.append({number, 0, kUsername,
                              username.isUndefined() || username.isNull()
                                  ? QStringLiteral("Every user needs a username.")
                                  : QStringLiteral("Must be a string.")});
        ok = false;
    }
    record.username = username.toString();
    ok = readString(object, kEmail, record.email, file.problems, number) && ok;
    ok = readString(object, kDisplayName, record.displayName, file.problems, number) && ok;
    ok = readString(object, kStatus, record.status, file.problems, number) && ok;
    ok = readString(object, kPasswordHash, record.passwordHash, file.problems, number) && ok;
    const QJsonValue roles = object.value(kRoles);
    if (roles.isArray()) {
        QStringList names;
        for (const QJsonValue &role : roles.toArray()) {
            if (!role.isString()) {
                file.problems.append(
                    {number, 0, kRoles, QStringLiteral("Must be an array of role names.")});
                ok = false;
                break;
            }
            names.append(role.toString());
        }
        record.roles = names;
    } else if (!roles.isUndefined() && !roles.isNull()) {
        file.problems.append(
            {number, 0, kRoles, QStringLiteral("Must be an array of role names (or null).")});
        ok = false;
    }
    if (ok)
        file.records.append(std::move(record));
}

Result<ImportFile> parseJson(const QByteArray &bytes)
{
    // A top-level array reads as {"users": [...]}, so one strict reader serves both shapes;
    // anything else that way (a second key after the array) is refused below or by the reader.
    qsizetype first = 0;
    while (first < bytes.size()
           && (bytes[first] == ' ' || bytes[first] == '\t' || bytes[first] == '\n'
               || bytes[first] == '\r')) {
        ++first;
    }
    const bool bareArray = first < bytes.size() && bytes[first] == '[';
    // Jwt::parseObject is the strict RFC 8259 reader: one object, UTF-8 without a byte order
    // mark, no duplicate keys (QJsonDocument would keep one silently), no lone surrogates.
    QByteArray wrapped;
    if (bareArray) {
        wrapped.reserve(bytes.size() + 10);
        wrapped.append("{\"users\":").append(bytes).append('}');
    }
    Result<QJsonObject> document = Jwt::parseObject(bareArray ? wrapped : bytes);
    if (!document)
        return jsonError(bytes, document.error());
    const QJsonValue users = document->value(QStringLiteral("users"));
    if (document->size() != 1 || !users.isArray()) {
        return invalidFile(QStringLiteral("The file must hold {\"users\": [...]} and nothing "
                                          "else, or a top-level array of users."));
    }
    const QJsonArray array = users.toArray();
    if (array.size() > kMaxRecords) {
        return invalidFile(QStringLiteral("The file holds more than %1 users; split it into "
                                          "several imports.")
                               .arg(kMaxRecords));
    }
    ImportFile file;
    file.users = int(array.size());
    file.records.reserve(array.size());
    int number = 0;
    for (const QJsonValue &value : array)
        readJsonRecord(value, ++number, file);
    return file;
}

// --- CSV -------------------------------------------------------------------------------------

struct CsvRow {
    int line = 0;
    QStringList fields;
};

// RFC 4180 records, one at a time. Lines end with CRLF, LF or a lone CR; a quoted field may
// span lines, which are counted so every record knows the line it starts on.
class CsvReader
{
public:
    explicit CsvReader(const QString &text)
        : m_text(text)
    {}

    // The next record, or nullopt at the end of the text.
    Result<std::optional<CsvRow>> next()
    {
        skipEmptyLines();
        if (atEnd())
            return std::optional<CsvRow>();
        CsvRow row;
        row.line = m_line;
        for (;;) {
            Result<QString> field = peek() == u'"' ? readQuoted() : readPlain();
            if (!field)
                return field.error();
            row.fields.append(*field);
            if (atEnd())
                return std::optional<CsvRow>(std::move(row));
            if (peek() == u',') {
                ++m_pos;
                continue;
            }
            consumeLineBreak();
            return std::optional<CsvRow>(std::move(row));
        }
    }

private:
    bool atEnd() const { return m_pos >= m_text.size(); }
    QChar peek() const { return atEnd() ? QChar() : m_text.at(m_pos); }
    bool atLineBreak() const { return peek() == u'\r' || peek() == u'\n'; }

    void consumeLineBreak()
    {
        if (peek() == u'\r')
            ++m_pos;
        if (peek() == u'\n')
            ++m_pos;
        ++m_line;
    }

    void skipEmptyLines()
    {
        while (!atEnd() && atLineBreak())
            consumeLineBreak();
    }

    Result<QString> readPlain()
    {
        const qsizetype start = m_pos;
        while (!atEnd() && peek() != u',' && !atLineBreak()) {
            if (peek() == u'"') {
                return invalidFile(QStringLiteral("Line %1: a quote inside an unquoted field; "
                                                  "quote the whole field and double the quote.")
                                       .arg(m_line));
            }
            ++m_pos;
        }
        return m_text.mid(start, m_pos - start);
    }

    Result<QString> readQuoted()
    {
        const int startLine = m_line;
        ++m_pos; // the opening quote
        QString field;
        for (;;) {
            if (atEnd()) {
                return invalidFile(
                    QStringLiteral("Line %1: a quoted field is never closed.").arg(startLine));
            }
            const QChar c = m_text.at(m_pos++);
            if (c == u'"') {
                if (peek() != u'"')
                    break;
                ++m_pos;
            } else if (c == u'\n' || (c == u'\r' && peek() != u'\n')) {
                ++m_line;
            }
            field.append(c);
        }
        if (!atEnd() && peek() != u',' && !atLineBreak()) {
            return invalidFile(QStringLiteral("Line %1: text follows a closing quote; quote the "
                                              "whole field and double any quote inside it.")
                                   .arg(m_line));
        }
        return field;
    }

    const QString &m_text;
    qsizetype m_pos = 0;
    int m_line = 1;
};

// Which field each column holds; refuses unknown, repeated and missing columns.
Result<QStringList> readHeader(const CsvRow &header)
{
    const QStringList known = fieldNames();
    QStringList columns;
    for (const QString &name : header.fields) {
        const int column = int(columns.size()) + 1;
        if (!known.contains(name)) {
            const QString shown = shownName(name);
            const QString which = shown.isEmpty()
                ? QStringLiteral("Column %1").arg(column)
                : QStringLiteral("Column %1 (%2)").arg(column).arg(shown);
            return invalidFile(QStringLiteral("Line %1: %2: %3")
                                   .arg(header.line)
                                   .arg(which, unknownFieldMessage(name)));
        }
        if (columns.contains(name)) {
            return invalidFile(
                QStringLiteral("Line %1: the column %2 appears twice.").arg(header.line).arg(name));
        }
        columns.append(name);
    }
    if (!columns.contains(kUsername)) {
        return invalidFile(QStringLiteral("Line %1: the header has no username column; the "
                                          "columns are %2.")
                               .arg(header.line)
                               .arg(fieldList()));
    }
    return columns;
}

ImportRecord csvRecord(const QStringList &columns, const CsvRow &row, int number)
{
    ImportRecord record;
    record.number = number;
    record.line = row.line;
    for (qsizetype i = 0; i < columns.size(); ++i) {
        const QString &column = columns.at(i);
        const QString &value = row.fields.at(i);
        if (column == kUsername)
            record.username = value;
        else if (column == kEmail)
            record.email = value;
        else if (column == kDisplayName)
            record.displayName = value;
        else if (column == kStatus)
            record.status = value;
        else if (column == kPasswordHash)
            record.passwordHash = value;
        else if (column == kRoles && !value.isEmpty())
            record.roles = value.split(u';');
    }
    return record;
}

Result<ImportFile> parseCsv(QByteArray bytes)
{
    if (bytes.startsWith("\xEF\xBB\xBF"))
        bytes.remove(0, 3);
    Result<QString> text = decodeUtf8(bytes);
    if (!text)
        return text.error();
    CsvReader reader(*text);
    Result<std::optional<CsvRow>> header = reader.next();
    if (!header)
        return header.error();
    if (!*header) {
        return invalidFile(QStringLiteral("The file is empty; it needs a header row naming the "
                                          "columns (%1).")
                               .arg(fieldList()));
    }
    Result<QStringList> columns = readHeader(**header);
    if (!columns)
        return columns.error();
    ImportFile file;
    int number = 0;
    for (;;) {
        Result<std::optional<CsvRow>> row = reader.next();
        if (!row)
            return row.error();
        if (!*row)
            break;
        if (++number > kMaxRecords) {
            return invalidFile(QStringLiteral("The file holds more than %1 users; split it into "
                                              "several imports.")
                                   .arg(kMaxRecords));
        }
        const CsvRow &fields = **row;
        if (fields.fields.size() != columns->size()) {
            file.problems.append({number,
                                  fields.line,
                                  {},
                                  QStringLiteral("Has %1 fields; the header has %2.")
                                      .arg(fields.fields.size())
                                      .arg(columns->size())});
            continue;
        }
        file.records.append(csvRecord(*columns, fields, number));
    }
    file.users = number;
    return file;
}

} // namespace

QString shownName(QStringView name)
{
    if (name.isEmpty() || name.size() > 64)
        return {};
    for (const QChar c : name) {
        const char16_t u = c.unicode();
        const bool plain = (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z')
            || (u >= u'0' && u <= u'9') || u == u'_' || u == u'-' || u == u'.';
        if (!plain)
            return {};
    }
    return name.toString();
}

QStringList fieldNames()
{
    return {kUsername, kEmail, kDisplayName, kRoles, kStatus, kPasswordHash};
}

std::optional<Format> formatFromName(QStringView name)
{
    if (name.compare(u"json", Qt::CaseInsensitive) == 0)
        return Format::Json;
    if (name.compare(u"csv", Qt::CaseInsensitive) == 0)
        return Format::Csv;
    return std::nullopt;
}

QString formatName(Format format)
{
    return format == Format::Json ? QStringLiteral("json") : QStringLiteral("csv");
}

Result<ImportFile> parse(const QByteArray &bytes, Format format)
{
    if (bytes.size() > kMaxBytes) {
        return invalidFile(QStringLiteral("The file is larger than %1 MiB; split it into several "
                                          "imports.")
                               .arg(kMaxBytes / (1024 * 1024)));
    }
    return format == Format::Json ? parseJson(bytes) : parseCsv(bytes);
}

} // namespace gatehouse::UserImportFile
