#include "TrailDocumentParser.h"

#include "JsonErrorLocator.h"
#include "TrailBatch.h"
#include "TrailBatchStorage.h"
#include "TrailRecordFields.h"
#include "crypto/Hash.h"

#include <algorithm>
#include <cstring>

namespace gatehouse::cloudtrail {

namespace {

namespace dom = simdjson::dom;
namespace od = simdjson::ondemand;
using simdjson::error_code;

// How many lines after the first are tried when a document fails as a whole, to tell a
// damaged JSON document from NDJSON whose first line is damaged.
constexpr int kNdjsonProbeLines = 8;

bool isSpace(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

std::string_view persist(StringArena &arena, std::string_view text)
{
    return arena.store(text);
}

// Moves a record's strings out of a parser buffer that the next line overwrites.
void persistRecord(TrailRecord &record, StringArena &arena)
{
    for (std::string_view *field :
         {&record.eventId, &record.eventSource, &record.eventName, &record.eventType,
          &record.awsRegion, &record.sourceIPAddress, &record.userAgent, &record.errorCode,
          &record.recipientAccountId, &record.accessKeyId, &record.username})
        *field = persist(arena, *field);
}

} // namespace

void TrailDocumentParser::parse(TrailBatch &batch)
{
    m_batch = &batch;
    m_storage = &batch.storage();
    m_text = m_storage->text.data();
    m_size = m_storage->text.size();
    m_line = 1;
    m_nextNewline = m_size ? static_cast<const char *>(std::memchr(m_text, '\n', m_size)) : nullptr;
    m_ranges.clear();
    parseText();
    finish();
}

void TrailDocumentParser::parseText()
{
    // A UTF-8 byte order mark is not JSON, but editors on Windows write one.
    const std::size_t begin = m_size >= 3 && std::memcmp(m_text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    std::size_t first = begin;
    while (first < m_size && isSpace(m_text[first]))
        ++first;
    if (first == m_size) {
        problem(0, QStringLiteral("file is empty"));
        return;
    }
    const char opening = m_text[first];
    if (opening != '{' && opening != '[') {
        problem(lineAt(first),
                QStringLiteral("file is not a CloudTrail log: it does not start "
                               "with a JSON object or array"));
        return;
    }
    if (opening == '{' && firstLineIsRecord(first)) {
        parseLines(begin);
        return;
    }
    const error_code error = parseDocument(m_text + begin, m_size - begin, m_storage->document, 0);
    if (error == simdjson::SUCCESS)
        return;
    if (opening == '{' && laterLineIsRecord(first)) {
        parseLines(begin);
        return;
    }
    // simdjson does not say where; the locator finds the same first error and its place.
    const auto found = JsonErrorLocator::locate(m_text + begin, m_size - begin);
    problem(found ? lineAt(begin + found->offset) : 0,
            QStringLiteral("not valid JSON: %1")
                .arg(JsonErrorLocator::describe(found ? found->error : error)));
}

error_code TrailDocumentParser::parseDocument(const char *start, std::size_t length,
                                              dom::document &document, qint64 lineNumber)
{
    // lineNumber > 0: one NDJSON line, whose strings live in a document the next line reuses.
    const bool copyStrings = lineNumber > 0;
    dom::element root;
    SIMDJSON_TRY(
        m_dom.parse_into_document(document, reinterpret_cast<const uint8_t *>(start), length, false)
            .get(root));

    // The document is valid; the on-demand pass over the same bytes only finds boundaries.
    od::document bounds;
    SIMDJSON_TRY(
        m_ondemand
            .iterate(simdjson::padded_string_view(start, length, length + PaddedText::kPadding))
            .get(bounds));
    dom::array records;
    od::array boundRecords;
    if (root.is_array()) {
        records = root.get_array().value_unsafe();
        SIMDJSON_TRY(bounds.get_array().get(boundRecords));
    } else if (root.is_object()) {
        od::object boundRoot;
        SIMDJSON_TRY(bounds.get_object().get(boundRoot));
        dom::element envelope;
        if (root.get_object().value_unsafe().at_key("Records").get(envelope) != simdjson::SUCCESS) {
            std::string_view raw;
            SIMDJSON_TRY(boundRoot.raw_json().get(raw));
            addRecord(root, raw, copyStrings ? lineNumber : lineOf(raw.data()), copyStrings);
            return simdjson::SUCCESS;
        }
        od::value boundEnvelope;
        SIMDJSON_TRY(boundRoot.find_field_unordered("Records").get(boundEnvelope));
        if (!envelope.is_array()) {
            const std::string_view token = boundEnvelope.raw_json_token();
            problem(copyStrings ? lineNumber : lineAt(std::size_t(token.data() - m_text)),
                    QStringLiteral("file is not a CloudTrail log: \"Records\" is not an array"));
            return simdjson::SUCCESS;
        }
        records = envelope.get_array().value_unsafe();
        SIMDJSON_TRY(boundEnvelope.get_array().get(boundRecords));
    } else {
        problem(copyStrings ? lineNumber : lineOf(start),
                QStringLiteral("record is not a JSON object"));
        return simdjson::SUCCESS;
    }

    m_bounds.clear();
    for (auto element : boundRecords) {
        od::value value;
        SIMDJSON_TRY(std::move(element).get(value));
        od::json_type type;
        SIMDJSON_TRY(value.type().get(type));
        std::string_view raw;
        if (type == od::json_type::object) {
            od::object object;
            SIMDJSON_TRY(value.get_object().get(object));
            SIMDJSON_TRY(object.raw_json().get(raw));
        } else {
            // Not a record: only where it starts matters, for the problem report.
            raw = value.raw_json_token();
        }
        m_bounds.push_back(raw);
    }
    std::size_t index = 0;
    for (const dom::element record : records) {
        if (index == m_bounds.size())
            return simdjson::TAPE_ERROR; // the two passes disagree; cannot happen
        const std::string_view raw = m_bounds[index++];
        addRecord(record, raw, copyStrings ? lineNumber : lineOf(raw.data()), copyStrings);
    }
    return simdjson::SUCCESS;
}

void TrailDocumentParser::parseLines(std::size_t begin)
{
    const char *end = m_text + m_size;
    const char *position = m_text + begin;
    for (qint64 line = 1; position < end; ++line) {
        const char *newline =
            static_cast<const char *>(std::memchr(position, '\n', std::size_t(end - position)));
        const char *lineEnd = newline ? newline : end;
        const char *first = position;
        while (first < lineEnd && isSpace(*first))
            ++first;
        const char *last = lineEnd;
        while (last > first && isSpace(last[-1]))
            --last;
        if (first < last) {
            const error_code error =
                parseDocument(first, std::size_t(last - first), m_lineDocument, line);
            if (error != simdjson::SUCCESS)
                problem(
                    line,
                    QStringLiteral("not valid JSON: %1").arg(JsonErrorLocator::describe(error)));
        }
        if (!newline)
            break;
        position = newline + 1;
    }
}

void TrailDocumentParser::addRecord(dom::element element, std::string_view raw, qint64 line,
                                    bool copyStrings)
{
    dom::object object;
    if (element.get_object().get(object) != simdjson::SUCCESS) {
        problem(line, QStringLiteral("record is not a JSON object"));
        return;
    }
    TrailRecord record;
    record.line = line;
    record.textOffset = qint64(raw.data() - m_text);
    record.textLength = qint64(raw.size());
    std::vector<TrailResource> &resources = m_storage->resources;
    const std::size_t firstResource = resources.size();
    const TrailRecordFields::Time time = TrailRecordFields::extract(object, record, resources);
    if (time != TrailRecordFields::Time::Ok) {
        resources.resize(firstResource);
        problem(line,
                time == TrailRecordFields::Time::Missing
                    ? QStringLiteral("record has no eventTime")
                    : QStringLiteral("record has an eventTime that is not a UTC time like "
                                     "2024-05-01T12:00:00Z"));
        return;
    }

    // The record's own bytes, minified. Files delivered to S3 are compact already: then the
    // record is its own bytes in the text and nothing is kept in the arena.
    StringArena &arena = m_storage->arena;
    char *minified = arena.allocate(raw.size());
    std::size_t minifiedSize = 0;
    if (simdjson::minify(raw.data(), raw.size(), minified, minifiedSize) != simdjson::SUCCESS
        || minifiedSize == raw.size()) {
        arena.shrinkLast(0);
        record.json = raw;
    } else {
        arena.shrinkLast(minifiedSize);
        record.json = std::string_view(minified, minifiedSize);
    }

    if (copyStrings) {
        persistRecord(record, arena);
        for (std::size_t i = firstResource; i < resources.size(); ++i) {
            resources[i].type = persist(arena, resources[i].type);
            resources[i].name = persist(arena, resources[i].name);
        }
    }
    if (record.eventId.empty()) {
        // No eventID: the record's content is its identity, so a copy delivered twice still
        // collapses into one.
        const QByteArray hex =
            crypto::sha256(QByteArrayView(record.json.data(), qsizetype(record.json.size())))
                .toHex();
        char *id = arena.allocate(7 + std::size_t(hex.size()));
        std::memcpy(id, "sha256:", 7);
        std::memcpy(id + 7, hex.constData(), std::size_t(hex.size()));
        record.eventId = std::string_view(id, 7 + std::size_t(hex.size()));
    }
    m_batch->m_records.push_back(record);
    m_ranges.emplace_back(firstResource, resources.size() - firstResource);
}

bool TrailDocumentParser::isWholeObject(const char *start, const char *end)
{
    while (end > start && isSpace(end[-1]))
        --end;
    dom::element root;
    return m_dom
               .parse_into_document(m_lineDocument, reinterpret_cast<const uint8_t *>(start),
                                    std::size_t(end - start), false)
               .get(root)
        == simdjson::SUCCESS
        && root.is_object();
}

// NDJSON: the first line is a complete JSON object on its own and more text follows. A
// pretty-printed document never has a whole object on one line at its top level.
bool TrailDocumentParser::firstLineIsRecord(std::size_t first)
{
    const char *end = m_text + m_size;
    const char *start = m_text + first;
    const char *newline =
        static_cast<const char *>(std::memchr(start, '\n', std::size_t(end - start)));
    if (!newline || std::all_of(newline + 1, end, isSpace))
        return false;
    return isWholeObject(start, newline);
}

// When the text failed as one document: NDJSON whose first line is damaged still has whole
// objects on the next lines.
bool TrailDocumentParser::laterLineIsRecord(std::size_t first)
{
    const char *end = m_text + m_size;
    const char *position = m_text + first;
    for (int probe = 0; probe <= kNdjsonProbeLines && position < end; ++probe) {
        const char *newline =
            static_cast<const char *>(std::memchr(position, '\n', std::size_t(end - position)));
        const char *lineEnd = newline ? newline : end;
        while (position < lineEnd && isSpace(*position))
            ++position;
        if (probe > 0 && position < lineEnd && isWholeObject(position, lineEnd))
            return true;
        if (!newline)
            break;
        position = newline + 1;
    }
    return false;
}

void TrailDocumentParser::problem(qint64 line, QString reason)
{
    m_batch->m_problems.append(TrailProblem{m_batch->file(), line, std::move(reason)});
}

qint64 TrailDocumentParser::lineOf(const char *position)
{
    // Records come in text order, so the cursor only moves forward: one memchr per newline.
    while (m_nextNewline && m_nextNewline < position) {
        ++m_line;
        const char *after = m_nextNewline + 1;
        m_nextNewline = static_cast<const char *>(
            std::memchr(after, '\n', std::size_t(m_text + m_size - after)));
    }
    return m_line;
}

qint64 TrailDocumentParser::lineAt(std::size_t offset) const
{
    return 1 + std::count(m_text, m_text + std::min(offset, m_size), '\n');
}

void TrailDocumentParser::finish()
{
    // Now that the resources vector no longer grows, records can point into it.
    std::vector<TrailRecord> &records = m_batch->m_records;
    const std::vector<TrailResource> &resources = m_storage->resources;
    for (std::size_t i = 0; i < records.size() && i < m_ranges.size(); ++i) {
        const auto [firstResource, count] = m_ranges[i];
        records[i].resources = count == 0 ? std::span<const TrailResource>()
                                          : std::span(resources.data() + firstResource, count);
    }
    m_batch->m_textBytes = qint64(m_size);
    m_batch = nullptr;
    m_storage = nullptr;
}

} // namespace gatehouse::cloudtrail
