#include "EventExport.h"

#include "model/IsoTime.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace gatehouse {

namespace {

const QList<QByteArray> kCsvHeader{"EventId",         "EventTime",    "Username",     "EventName",
                                   "EventSource",     "ResourceType", "ResourceName", "AccessKeyId",
                                   "SourceIPAddress", "ErrorCode",    "ReadOnly",     "AwsRegion",
                                   "RequestId",       "UserAgent"};

bool isBidiControl(char16_t u)
{
    return (u >= 0x202A && u <= 0x202E) || (u >= 0x2066 && u <= 0x2069) || u == 0x200E
        || u == 0x200F || u == 0x061C;
}

QByteArray csvLine(const LookupEvent &event)
{
    const QJsonObject record = QJsonDocument::fromJson(event.cloudTrailEvent).object();
    QStringList types;
    QStringList names;
    for (const LookupEvent::Resource &resource : event.resources) {
        types.append(resource.type);
        names.append(resource.name);
    }
    const QStringList cells{
        event.eventId,
        isoUtc(event.eventTime),
        event.username,
        event.eventName,
        event.eventSource,
        types.join(QLatin1Char(';')),
        names.join(QLatin1Char(';')),
        event.accessKeyId,
        record[QStringLiteral("sourceIPAddress")].toString(),
        record[QStringLiteral("errorCode")].toString(),
        event.readOnly ? (*event.readOnly ? QStringLiteral("true") : QStringLiteral("false"))
                       : QString(),
        record[QStringLiteral("awsRegion")].toString(),
        record[QStringLiteral("requestID")].toString(),
        record[QStringLiteral("userAgent")].toString(),
    };
    QByteArray line;
    for (const QString &cell : cells) {
        if (!line.isEmpty())
            line += ',';
        line += EventExport::csvCell(cell);
    }
    return line + "\r\n";
}

bool writeAll(QIODevice &out, const QByteArray &bytes)
{
    return out.write(bytes) == bytes.size();
}

} // namespace

std::optional<EventExport::Format> EventExport::formatFromName(const QString &name)
{
    if (name.compare(QLatin1String("json"), Qt::CaseInsensitive) == 0)
        return Format::Json;
    if (name.compare(QLatin1String("csv"), Qt::CaseInsensitive) == 0)
        return Format::Csv;
    return std::nullopt;
}

QByteArray EventExport::csvCell(const QString &value)
{
    QString cell;
    cell.reserve(value.size() + 2);
    if (!value.isEmpty()) {
        const QChar first = value.front();
        if (first == u'=' || first == u'+' || first == u'-' || first == u'@' || first == u'\t'
            || first == u'\r') {
            cell += QLatin1Char('\'');
        }
    }
    for (const QChar c : value) {
        if (c.category() == QChar::Other_Control || isBidiControl(c.unicode()))
            cell += QStringLiteral("\\u%1").arg(int(c.unicode()), 4, 16, QLatin1Char('0'));
        else if (c == u'"')
            cell += QStringLiteral("\"\"");
        else
            cell += c;
    }
    return '"' + cell.toUtf8() + '"';
}

Result<qint64> EventExport::write(const PageSource &pages, EventLookup lookup, Format format,
                                  QIODevice &out, const Progress &progress)
{
    const auto writeFailed = [&out] {
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("Cannot write the export: %1.").arg(out.errorString()));
    };
    lookup.maxResults = EventLookup::kMaxMaxResults;
    lookup.nextToken.clear();
    QByteArray head;
    if (format == Format::Json)
        head = "{\"Records\":[";
    else
        head = kCsvHeader.join(',') + "\r\n";
    if (!writeAll(out, head))
        return writeFailed();
    qint64 written = 0;
    for (;;) {
        Result<EventPage> page = pages(lookup);
        if (!page)
            return page.error();
        QByteArray chunk;
        for (const LookupEvent &event : page->events) {
            if (format == Format::Json) {
                // Records are compact JSON: one line each, whatever their strings hold.
                chunk += (written == 0 ? "\n" : ",\n") + event.cloudTrailEvent;
            } else {
                chunk += csvLine(event);
            }
            ++written;
        }
        if (!writeAll(out, chunk))
            return writeFailed();
        if (progress && !progress(written)) {
            return makeError(ErrorCode::Unavailable,
                             QStringLiteral("The export was cancelled after %1 events; the "
                                            "file is incomplete.")
                                 .arg(written));
        }
        if (page->nextToken.isEmpty())
            break;
        lookup.nextToken = page->nextToken;
    }
    if (format == Format::Json && !writeAll(out, "\n]}\n"))
        return writeFailed();
    return written;
}

} // namespace gatehouse
