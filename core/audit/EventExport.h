#pragma once

#include "model/EventLookup.h"
#include "model/Result.h"

#include <QIODevice>

#include <functional>

namespace gatehouse {

// Writes every event a lookup finds to a file, page after page, so an export of millions of
// records never holds more than a page: CloudTrail's JSON ({"Records":[...]}, one record per
// line) or CSV with the columns of the CloudTrail console's download.
//
// CSV cells are neutralised for spreadsheets: a cell starting with = + - @, a tab or a carriage
// return gets a leading apostrophe (formula injection), and control or bidi characters inside
// a cell are written as \uXXXX, so every record is exactly one line whatever its content
// (SEC-46).
class EventExport
{
public:
    enum class Format { Json, Csv };

    // One page of the lookup: the audit log's or a CloudTrail index's.
    using PageSource = std::function<Result<EventPage>(const EventLookup &)>;
    // Events written so far; return false to stop (the export then fails with Unavailable and
    // says it was cancelled; what was written is incomplete).
    using Progress = std::function<bool(qint64 written)>;

    static std::optional<Format> formatFromName(const QString &name); // "json", "csv"

    // Writes all events of `lookup` (its page size and token are ignored) to `out`; returns how
    // many.
    static Result<qint64> write(const PageSource &pages, EventLookup lookup, Format format,
                                QIODevice &out, const Progress &progress = {});

    // One CSV cell, quoted and neutralised as above.
    static QByteArray csvCell(const QString &value);
};

} // namespace gatehouse
