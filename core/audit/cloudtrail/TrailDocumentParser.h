#pragma once

#include <simdjson.h>

#include <QString>

#include <string_view>
#include <utility>
#include <vector>

namespace gatehouse::cloudtrail {

class TrailBatch;
struct TrailBatchStorage;

// Turns a batch's JSON text into records. The shape is told from the content: a
// {"Records":[...]} envelope (S3 delivery), a top-level array of records (LookupEvents
// tools, console downloads), one record object, or NDJSON with one record (or envelope) per
// line (Logstash and SIEM exports).
//
// Two simdjson passes over the same bytes: the DOM parser validates the whole document (so a
// record never carries broken JSON, and nesting is capped at 1024 levels) and yields the
// fields without copying them; an on-demand pass finds where each record's text starts and
// ends, for its minified copy and its line number. Both run at gigabytes per second, well
// ahead of gzip decompression.
//
// Holds parser buffers that grow to the largest file seen: one per thread.
class TrailDocumentParser
{
public:
    void parse(TrailBatch &batch);

private:
    using Range = std::pair<std::size_t, std::size_t>; // first resource, count

    void parseText();
    simdjson::error_code parseDocument(const char *start, std::size_t length,
                                       simdjson::dom::document &document, qint64 lineNumber);
    void parseLines(std::size_t begin);
    void addRecord(simdjson::dom::element element, std::string_view raw, qint64 line,
                   bool copyStrings);
    bool isWholeObject(const char *start, const char *end);
    bool firstLineIsRecord(std::size_t first);
    bool laterLineIsRecord(std::size_t first);
    void problem(qint64 line, QString reason);
    qint64 lineOf(const char *position);
    qint64 lineAt(std::size_t offset) const;
    void finish();

    simdjson::dom::parser m_dom;
    simdjson::ondemand::parser m_ondemand;
    simdjson::dom::document m_lineDocument; // one NDJSON line at a time
    std::vector<std::string_view> m_bounds;
    std::vector<Range> m_ranges; // per record, into TrailBatchStorage::resources

    // The batch being read, and a cursor that turns ascending positions into line numbers.
    TrailBatch *m_batch = nullptr;
    TrailBatchStorage *m_storage = nullptr;
    const char *m_text = nullptr;
    std::size_t m_size = 0;
    const char *m_nextNewline = nullptr;
    qint64 m_line = 1;
};

} // namespace gatehouse::cloudtrail
