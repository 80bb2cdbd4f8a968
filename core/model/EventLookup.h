#pragma once

#include "Result.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace gatehouse {

// What CloudTrail's LookupEvents can look up by, plus the source address and the error code.
enum class LookupAttribute {
    EventId,
    EventName,
    EventSource,
    Username,
    ResourceType,
    ResourceName,
    AccessKeyId,
    ReadOnly,
    SourceIpAddress,
    ErrorCode,
};

// CloudTrail's AttributeKey names ("EventName", ...; ours: "SourceIPAddress", "ErrorCode").
QString lookupAttributeName(LookupAttribute attribute);
// Case-insensitive, so `--attr eventname=ConsoleLogin` works too.
std::optional<LookupAttribute> lookupAttributeFromName(const QString &name);

// One lookup over audit records, in the shape of LookupEvents but with any number of
// attributes (all must match), a free-text filter, and pages of up to 1000 events. Results
// come newest first.
struct EventLookup {
    static constexpr int kDefaultMaxResults = 50;
    static constexpr int kMaxMaxResults = 1000;
    static constexpr int kMaxTextLength = 256;

    struct Condition {
        LookupAttribute attribute;
        QString value;
    };

    QList<Condition> conditions;
    QDateTime startTime; // inclusive; invalid: no bound
    QDateTime endTime; // inclusive; invalid: no bound
    QString text; // case-insensitive substring of the whole record; empty: none
    int maxResults = kDefaultMaxResults;
    QString nextToken;

    // InvalidInput naming what is wrong: empty values, ReadOnly other than true/false, start
    // after end, maxResults outside 1..1000, text too long.
    Result<void> validate() const;
    // What defines the result set, for binding page tokens to it.
    QJsonObject fingerprintSource() const;
};

// One event as LookupEvents returns it; `cloudTrailEvent` is the whole record (JSON).
struct LookupEvent {
    struct Resource {
        QString type;
        QString name;
    };

    QString eventId;
    QString eventName;
    QString eventSource;
    QString username;
    QString accessKeyId;
    std::optional<bool> readOnly;
    QDateTime eventTime;
    QList<Resource> resources;
    QByteArray cloudTrailEvent;
};

struct EventPage {
    QList<LookupEvent> events;
    QString nextToken; // empty on the last page
};

} // namespace gatehouse
