#include "LookupOptions.h"

#include "Duration.h"
#include "UserCommandSupport.h"
#include "audit/LookupEventsJson.h"

#include <QJsonDocument>

namespace gatehouse::ctl::LookupOptions {

namespace {

const QCommandLineOption kAttr(
    QStringLiteral("attr"),
    QStringLiteral("A lookup attribute, KEY=VALUE; repeat to require several. Keys: EventId, "
                   "EventName, EventSource, Username, ResourceType, ResourceName, AccessKeyId, "
                   "ReadOnly, SourceIPAddress, ErrorCode."),
    QStringLiteral("key=value"));
const QCommandLineOption kStart(QStringLiteral("start"),
                                QStringLiteral("Events at or after this time: ISO 8601 "
                                               "(2026-03-01T09:00:00Z) or a span ago (12h, 7d)."),
                                QStringLiteral("time"));
const QCommandLineOption kEnd(QStringLiteral("end"),
                              QStringLiteral("Events at or before this time (as --start)."),
                              QStringLiteral("time"));
const QCommandLineOption kText(QStringLiteral("text"),
                               QStringLiteral("Only events whose record contains this text "
                                              "(case-insensitive)."),
                               QStringLiteral("text"));
const QCommandLineOption kMax(QStringLiteral("max"),
                              QStringLiteral("Events per page, 1 to 1000 (default 50)."),
                              QStringLiteral("n"));
const QCommandLineOption kNextToken(QStringLiteral("next-token"),
                                    QStringLiteral("Continue where the previous page ended."),
                                    QStringLiteral("token"));

Error usage(const QString &message)
{
    return makeError(ErrorCode::InvalidInput, message);
}

Result<QDateTime> timeOption(const QCommandLineParser &parser, const QCommandLineOption &option)
{
    if (!parser.isSet(option))
        return QDateTime();
    const QString text = parser.value(option);
    if (const std::optional<qint64> ago = parseDuration(text))
        return QDateTime::currentDateTimeUtc().addSecs(-*ago);
    QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid())
        time = QDateTime::fromString(text, Qt::ISODate);
    if (!time.isValid() || time.timeSpec() == Qt::LocalTime) {
        return usage(QStringLiteral("--%1 takes an ISO 8601 time with its zone "
                                    "(2026-03-01T09:00:00Z) or a span ago (12h, 7d).")
                         .arg(option.names().first()));
    }
    return time.toUTC();
}

} // namespace

void add(QCommandLineParser &parser)
{
    parser.addOptions({kAttr, kStart, kEnd, kText, kMax, kNextToken});
}

Result<EventLookup> read(const QCommandLineParser &parser)
{
    EventLookup lookup;
    for (const QString &attribute : parser.values(kAttr)) {
        const qsizetype equals = attribute.indexOf(QLatin1Char('='));
        const std::optional<LookupAttribute> key = lookupAttributeFromName(attribute.left(equals));
        if (equals < 0 || !key) {
            return usage(
                QStringLiteral("--attr takes KEY=VALUE with KEY one of EventId, EventName, "
                               "EventSource, Username, ResourceType, ResourceName, "
                               "AccessKeyId, ReadOnly, SourceIPAddress, ErrorCode."));
        }
        lookup.conditions.append({*key, attribute.mid(equals + 1)});
    }
    Result<QDateTime> start = timeOption(parser, kStart);
    if (!start)
        return start.error();
    Result<QDateTime> end = timeOption(parser, kEnd);
    if (!end)
        return end.error();
    lookup.startTime = *start;
    lookup.endTime = *end;
    lookup.text = parser.value(kText);
    if (parser.isSet(kMax)) {
        bool ok = false;
        lookup.maxResults = parser.value(kMax).toInt(&ok);
        if (!ok)
            return usage(QStringLiteral("--max takes a whole number from 1 to 1000."));
    }
    lookup.nextToken = parser.value(kNextToken);
    if (Result<void> valid = lookup.validate(); !valid)
        return valid.error();
    return lookup;
}

int print(const CtlOutput &output, const EventPage &page)
{
    if (output.json())
        return output.success({}, LookupEventsJson::toJson(page));
    QList<QStringList> rows{{QStringLiteral("TIME"), QStringLiteral("EVENT"),
                             QStringLiteral("SOURCE"), QStringLiteral("USER"),
                             QStringLiteral("ERROR"), QStringLiteral("RESOURCE")}};
    for (const LookupEvent &event : page.events) {
        const QJsonDocument record = QJsonDocument::fromJson(event.cloudTrailEvent);
        // Records come from anywhere, CloudTrail files above all (SEC-46).
        using UserSupport::plain;
        rows.append({event.eventTime.toUTC().toString(Qt::ISODate), plain(event.eventName),
                     plain(event.eventSource), plain(event.username),
                     plain(record[QStringLiteral("errorCode")].toString()),
                     event.resources.isEmpty() ? QString() : plain(event.resources.first().name)});
    }
    QString text = UserSupport::textTable(rows);
    if (page.events.isEmpty())
        text = QStringLiteral("No events match.\n");
    if (!page.nextToken.isEmpty())
        text += QStringLiteral("More events: --next-token ") + page.nextToken + QLatin1Char('\n');
    output.printText(text);
    return CtlOutput::Success;
}

} // namespace gatehouse::ctl::LookupOptions
