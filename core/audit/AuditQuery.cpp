#include "AuditQuery.h"

#include "model/IsoTime.h"

#include "model/PageToken.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>

namespace gatehouse::AuditQuery {

namespace {

// How far counting goes when choosing the attribute that drives the scan: past this, an
// attribute is "common" and any such one will do.
constexpr int kCountBound = 2000;

// One condition as SQL over audit_events (alias-free) and its parameter.
struct Filter {
    QString sql;
    QVariant value;
    QString index; // the index that yields its records newest first
    bool viaResources = false;
};

Filter filterFor(const EventLookup::Condition &condition)
{
    const auto column = [&](const char *name, const char *index) {
        return Filter{QString::fromLatin1(name) + QStringLiteral(" = ?"), condition.value,
                      QString::fromLatin1(index)};
    };
    switch (condition.attribute) {
    case LookupAttribute::EventId:
        return column("event_id", "sqlite_autoindex_audit_events_1");
    case LookupAttribute::EventName:
        return column("event_name", "audit_events_name");
    case LookupAttribute::EventSource:
        return column("event_source", "audit_events_source");
    case LookupAttribute::Username:
        return column("username", "audit_events_username");
    case LookupAttribute::AccessKeyId:
        return column("access_key_id", "audit_events_access_key");
    case LookupAttribute::SourceIpAddress:
        return column("source_ip", "audit_events_source_ip");
    case LookupAttribute::ErrorCode:
        return column("error_code", "audit_events_error");
    case LookupAttribute::ReadOnly:
        return Filter{QStringLiteral("read_only = ?"), condition.value == u"true" ? 1 : 0,
                      QStringLiteral("audit_events_read_only")};
    case LookupAttribute::ResourceType:
        return Filter{QStringLiteral("resource_type = ?"), condition.value,
                      QStringLiteral("audit_resources_type"), true};
    case LookupAttribute::ResourceName:
        return Filter{QStringLiteral("resource_name = ?"), condition.value,
                      QStringLiteral("audit_resources_name"), true};
    }
    return {};
}

QString likePattern(const QString &text)
{
    QString escaped = text;
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    escaped.replace(QLatin1Char('%'), QStringLiteral("\\%"));
    escaped.replace(QLatin1Char('_'), QStringLiteral("\\_"));
    return QLatin1Char('%') + escaped + QLatin1Char('%');
}

// The time range (and the page's start) as SQL over a table with event_time and seq.
struct Range {
    QString sql;
    QVariantList values;
};

Range rangeOf(const EventLookup &lookup, const std::optional<PageToken::Position> &after)
{
    Range range;
    if (lookup.startTime.isValid()) {
        range.sql += QStringLiteral(" AND event_time >= ?");
        range.values.append(isoUtc(lookup.startTime));
    }
    if (lookup.endTime.isValid()) {
        range.sql += QStringLiteral(" AND event_time <= ?");
        range.values.append(isoUtc(lookup.endTime));
    }
    if (after) {
        range.sql += QStringLiteral(" AND (event_time < ? OR (event_time = ? AND seq < ?))");
        range.values += {after->key, after->key, after->id.toLongLong()};
    }
    return range;
}

// How many records of `filter` the range holds, counted up to kCountBound, and how far back the
// counted ones reach (the time of the oldest of them).
struct Reach {
    qint64 count = 0;
    QString oldest;

    // True when a scan for this filter, newest first, meets fewer records than one for `other`:
    // fewer in range, or, when both pass the bound, spread over a longer time (less dense at
    // the end where the scan starts).
    bool sparserThan(const Reach &other) const
    {
        if (count != other.count)
            return count < other.count;
        return oldest < other.oldest;
    }
};

// SQLite picks badly among the audit indexes without being told (INDEXED BY); PostgreSQL has
// no such clause and its planner picks from the table statistics.
QString indexedBy(SqlTransaction &tx, const QString &index)
{
    return tx.postgres() ? QString() : QStringLiteral(" INDEXED BY ") + index;
}

Result<Reach> reachOf(SqlTransaction &tx, const Filter &filter, const Range &range)
{
    const QString table =
        filter.viaResources ? QStringLiteral("audit_resources") : QStringLiteral("audit_events");
    Result<QSqlQuery> row =
        tx.exec(QStringLiteral("SELECT count(*), min(event_time) FROM (SELECT event_time FROM %1%2"
                               " WHERE %3%4 ORDER BY event_time DESC, seq DESC LIMIT %5) AS reach")
                    .arg(table, indexedBy(tx, filter.index), filter.sql, range.sql)
                    .arg(kCountBound),
                QVariantList{filter.value} + range.values);
    if (!row)
        return row.error();
    if (!row->next())
        return Reach{};
    return Reach{row->value(0).toLongLong(), row->value(1).toString()};
}

LookupEvent eventFrom(const QSqlQuery &query)
{
    LookupEvent event;
    event.eventId = query.value(0).toString();
    event.eventTime = QDateTime::fromString(query.value(1).toString(), Qt::ISODateWithMs);
    event.eventSource = query.value(2).toString();
    event.eventName = query.value(3).toString();
    event.readOnly = query.value(4).toInt() != 0;
    event.username = query.value(5).toString();
    event.accessKeyId = query.value(6).toString();
    event.cloudTrailEvent = query.value(7).toString().toUtf8();
    const QJsonArray resources =
        QJsonDocument::fromJson(event.cloudTrailEvent)[QStringLiteral("resources")].toArray();
    for (const QJsonValue &resource : resources) {
        event.resources.append({resource[QStringLiteral("type")].toString(),
                                resource[QStringLiteral("ARN")].toString()});
    }
    return event;
}

// What a lookup needs before it reads: its page position, its conditions as SQL, and which of
// them drives the scan.
struct Plan {
    QString fingerprint;
    Range range;
    QList<Filter> filters;
    qsizetype driver = -1;
};

Result<Plan> planOf(SqlTransaction &tx, const EventLookup &lookup)
{
    if (Result<void> valid = lookup.validate(); !valid)
        return valid.error();
    Plan plan;
    plan.fingerprint = PageToken::fingerprint(lookup.fingerprintSource());
    std::optional<PageToken::Position> after;
    if (!lookup.nextToken.isEmpty()) {
        Result<PageToken::Position> position =
            PageToken::decode(lookup.nextToken, plan.fingerprint);
        if (!position)
            return position.error();
        after = *position;
    }
    plan.range = rangeOf(lookup, after);
    for (const EventLookup::Condition &condition : lookup.conditions)
        plan.filters.append(filterFor(condition));
    if (plan.filters.size() == 1)
        plan.driver = 0;
    if (plan.filters.size() <= 1)
        return plan;
    Reach sparsest;
    for (qsizetype i = 0; i < plan.filters.size(); ++i) {
        Result<Reach> reach = reachOf(tx, plan.filters.at(i), plan.range);
        if (!reach)
            return reach.error();
        if (plan.driver < 0 || reach->sparserThan(sparsest)) {
            plan.driver = i;
            sparsest = *reach;
        }
    }
    return plan;
}

} // namespace

Result<qsizetype> drivingCondition(SqlTransaction &tx, const EventLookup &lookup)
{
    Result<Plan> plan = planOf(tx, lookup);
    if (!plan)
        return plan.error();
    return plan->driver;
}

Result<EventPage> lookup(SqlTransaction &tx, const EventLookup &lookup)
{
    Result<Plan> planned = planOf(tx, lookup);
    if (!planned)
        return planned.error();
    const Plan &plan = *planned;
    const QList<Filter> &filters = plan.filters;
    const Range &range = plan.range;
    const qsizetype driver = plan.driver;
    const QString &fingerprint = plan.fingerprint;

    QString from =
        QStringLiteral("audit_events") + indexedBy(tx, QStringLiteral("audit_events_time"));
    QString where = QStringLiteral("1 = 1");
    QVariantList values;
    for (qsizetype i = 0; i < filters.size(); ++i) {
        const Filter &filter = filters.at(i);
        if (i == driver && filter.viaResources) {
            // Records of one resource: few, found through its index, then sorted.
            from = QStringLiteral("audit_events");
            where += QStringLiteral(" AND seq IN (SELECT seq FROM audit_resources")
                + indexedBy(tx, filter.index) + QStringLiteral(" WHERE ") + filter.sql + range.sql
                + QLatin1Char(')');
            values += QVariantList{filter.value} + range.values;
            continue;
        }
        if (i == driver)
            from = QStringLiteral("audit_events") + indexedBy(tx, filter.index);
        if (filter.viaResources) {
            where += QStringLiteral(" AND EXISTS (SELECT 1 FROM audit_resources r WHERE r.seq = "
                                    "audit_events.seq AND r.")
                + filter.sql + QLatin1Char(')');
        } else {
            where += QStringLiteral(" AND ") + filter.sql;
        }
        values.append(filter.value);
    }
    where += range.sql;
    values += range.values;
    if (!lookup.text.isEmpty()) {
        // Case-insensitive as SQLite's LIKE is (ASCII), in both.
        where += tx.postgres() ? QStringLiteral(" AND record ILIKE ? ESCAPE '\\'")
                               : QStringLiteral(" AND record LIKE ? ESCAPE '\\'");
        values.append(likePattern(lookup.text));
    }
    Result<QSqlQuery> rows = tx.exec(
        QStringLiteral("SELECT event_id, event_time, event_source, event_name, read_only, username,"
                       " access_key_id, record, seq FROM ")
            + from + QStringLiteral(" WHERE ") + where
            + QStringLiteral(" ORDER BY event_time DESC, seq DESC LIMIT ?"),
        values + QVariantList{lookup.maxResults + 1});
    if (!rows)
        return rows.error();
    EventPage page;
    PageToken::Position last;
    while (rows->next()) {
        if (page.events.size() == lookup.maxResults) {
            page.nextToken = PageToken::encode(last, fingerprint);
            break;
        }
        page.events.append(eventFrom(*rows));
        last = {rows->value(1).toString(), rows->value(8).toString()};
    }
    return page;
}

} // namespace gatehouse::AuditQuery
