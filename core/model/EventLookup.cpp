#include "EventLookup.h"

#include "model/IsoTime.h"

#include <QJsonArray>
#include <QJsonObject>

namespace gatehouse {

namespace {

struct AttributeName {
    LookupAttribute attribute;
    const char *name;
};

constexpr AttributeName kNames[] = {
    {LookupAttribute::EventId, "EventId"},
    {LookupAttribute::EventName, "EventName"},
    {LookupAttribute::EventSource, "EventSource"},
    {LookupAttribute::Username, "Username"},
    {LookupAttribute::ResourceType, "ResourceType"},
    {LookupAttribute::ResourceName, "ResourceName"},
    {LookupAttribute::AccessKeyId, "AccessKeyId"},
    {LookupAttribute::ReadOnly, "ReadOnly"},
    {LookupAttribute::SourceIpAddress, "SourceIPAddress"},
    {LookupAttribute::ErrorCode, "ErrorCode"},
};

Error invalid(const QString &message)
{
    return makeError(ErrorCode::InvalidInput, message);
}

} // namespace

QString lookupAttributeName(LookupAttribute attribute)
{
    for (const AttributeName &entry : kNames) {
        if (entry.attribute == attribute)
            return QString::fromLatin1(entry.name);
    }
    return {};
}

std::optional<LookupAttribute> lookupAttributeFromName(const QString &name)
{
    for (const AttributeName &entry : kNames) {
        if (name.compare(QLatin1String(entry.name), Qt::CaseInsensitive) == 0)
            return entry.attribute;
    }
    return std::nullopt;
}

Result<void> EventLookup::validate() const
{
    for (const Condition &condition : conditions) {
        const QString name = lookupAttributeName(condition.attribute);
        if (condition.value.isEmpty())
            return invalid(QStringLiteral("The lookup attribute %1 needs a value.").arg(name));
        if (condition.value.size() > 2048)
            return invalid(QStringLiteral("The value of %1 is too long.").arg(name));
        if (condition.attribute == LookupAttribute::ReadOnly && condition.value != u"true"
            && condition.value != u"false") {
            return invalid(QStringLiteral("ReadOnly is either true or false."));
        }
    }
    if (startTime.isValid() && endTime.isValid() && startTime > endTime)
        return invalid(QStringLiteral("The start time is after the end time."));
    if (maxResults < 1 || maxResults > kMaxMaxResults) {
        return invalid(
            QStringLiteral("The page size must be between 1 and %1.").arg(kMaxMaxResults));
    }
    if (text.size() > kMaxTextLength)
        return invalid(
            QStringLiteral("The search text is longer than %1 characters.").arg(kMaxTextLength));
    return {};
}

QJsonObject EventLookup::fingerprintSource() const
{
    QJsonArray array;
    for (const Condition &condition : conditions)
        array.append(QJsonArray{lookupAttributeName(condition.attribute), condition.value});
    return {{QStringLiteral("attributes"), array},
            {QStringLiteral("start"), isoUtc(startTime)},
            {QStringLiteral("end"), isoUtc(endTime)},
            {QStringLiteral("text"), text}};
}

} // namespace gatehouse
