#include "LookupEventsJson.h"

#include "model/IsoTime.h"

#include <QJsonArray>

namespace gatehouse::LookupEventsJson {

QJsonObject toJson(const EventPage &page)
{
    QJsonArray events;
    for (const LookupEvent &event : page.events) {
        QJsonArray resources;
        for (const LookupEvent::Resource &resource : event.resources) {
            resources.append(QJsonObject{{QStringLiteral("ResourceType"), resource.type},
                                         {QStringLiteral("ResourceName"), resource.name}});
        }
        QJsonObject object{
            {QStringLiteral("EventId"), event.eventId},
            {QStringLiteral("EventName"), event.eventName},
            {QStringLiteral("EventTime"), isoUtc(event.eventTime)},
            {QStringLiteral("EventSource"), event.eventSource},
            {QStringLiteral("Username"), event.username},
            {QStringLiteral("Resources"), resources},
            {QStringLiteral("CloudTrailEvent"), QString::fromUtf8(event.cloudTrailEvent)},
        };
        if (event.readOnly)
            object.insert(QStringLiteral("ReadOnly"),
                          *event.readOnly ? QStringLiteral("true") : QStringLiteral("false"));
        if (!event.accessKeyId.isEmpty())
            object.insert(QStringLiteral("AccessKeyId"), event.accessKeyId);
        events.append(object);
    }
    return {{QStringLiteral("Events"), events},
            {QStringLiteral("NextToken"),
             page.nextToken.isEmpty() ? QJsonValue() : QJsonValue(page.nextToken)}};
}

} // namespace gatehouse::LookupEventsJson
