#include "TrailRecordFields.h"

#include "EventTime.h"

namespace gatehouse::cloudtrail {

namespace {

namespace dom = simdjson::dom;

// A string value, or empty for anything else (CloudTrail's strings can be null or missing,
// and hostile input can put numbers or objects there: treated as absent, never an error).
std::string_view stringOf(dom::element value)
{
    std::string_view text;
    if (value.get_string().get(text) != simdjson::SUCCESS)
        return {};
    return text;
}

std::optional<bool> boolOf(dom::element value)
{
    bool flag = false;
    if (value.get_bool().get(flag) == simdjson::SUCCESS)
        return flag;
    const std::string_view text = stringOf(value);
    if (text == "true")
        return true;
    if (text == "false")
        return false;
    return std::nullopt;
}

struct Identity {
    std::string_view type;
    std::string_view userName;
    std::string_view arn;
    std::string_view accessKeyId;
    std::string_view invokedBy;
    std::string_view issuerUserName;
};

Identity identityOf(dom::element value)
{
    Identity identity;
    dom::object object;
    if (value.get_object().get(object) != simdjson::SUCCESS)
        return identity;
    for (const dom::key_value_pair field : object) {
        const std::string_view key = field.key;
        if (key == "type") {
            identity.type = stringOf(field.value);
        } else if (key == "userName") {
            identity.userName = stringOf(field.value);
        } else if (key == "arn") {
            identity.arn = stringOf(field.value);
        } else if (key == "accessKeyId") {
            identity.accessKeyId = stringOf(field.value);
        } else if (key == "invokedBy") {
            identity.invokedBy = stringOf(field.value);
        } else if (key == "sessionContext") {
            dom::element issuerName;
            if (field.value.at_pointer("/sessionIssuer/userName").get(issuerName)
                == simdjson::SUCCESS)
                identity.issuerUserName = stringOf(issuerName);
        }
    }
    return identity;
}

// LookupEvents' Username (see TrailRecord::username).
std::string_view usernameOf(const Identity &identity)
{
    if (!identity.userName.empty())
        return identity.userName;
    if (identity.type == "AssumedRole" || identity.type == "FederatedUser") {
        const std::size_t slash = identity.arn.rfind('/');
        if (slash != std::string_view::npos && slash + 1 < identity.arn.size())
            return identity.arn.substr(slash + 1);
    }
    if (!identity.issuerUserName.empty())
        return identity.issuerUserName;
    return identity.invokedBy;
}

void appendResources(dom::element value, std::vector<TrailResource> &resources)
{
    dom::array array;
    if (value.get_array().get(array) != simdjson::SUCCESS)
        return;
    for (const dom::element entry : array) {
        dom::object object;
        if (entry.get_object().get(object) != simdjson::SUCCESS)
            continue;
        TrailResource resource;
        std::string_view prefix;
        for (const dom::key_value_pair field : object) {
            if (field.key == "ARN")
                resource.name = stringOf(field.value);
            else if (field.key == "ARNPrefix")
                prefix = stringOf(field.value);
            else if (field.key == "type")
                resource.type = stringOf(field.value);
        }
        if (resource.name.empty())
            resource.name = prefix;
        if (!resource.name.empty() || !resource.type.empty())
            resources.push_back(resource);
    }
}

} // namespace

TrailRecordFields::Time TrailRecordFields::extract(dom::object object, TrailRecord &record,
                                                   std::vector<TrailResource> &resources)
{
    const std::size_t firstResource = resources.size();
    std::string_view eventTime;
    std::string_view timestamp;
    Identity identity;
    // Keys are dispatched on their length first: a record has about twenty, and comparing each
    // with every wanted name would cost more than the rest of the record.
    for (const dom::key_value_pair field : object) {
        const std::string_view key = field.key;
        const dom::element value = field.value;
        switch (key.size()) {
        case 7:
            if (key == "eventID")
                record.eventId = stringOf(value);
            break;
        case 8:
            if (key == "readOnly")
                record.readOnly = boolOf(value);
            break;
        case 9:
            if (key == "eventTime")
                eventTime = stringOf(value);
            else if (key == "eventName")
                record.eventName = stringOf(value);
            else if (key == "eventType")
                record.eventType = stringOf(value);
            else if (key == "awsRegion")
                record.awsRegion = stringOf(value);
            else if (key == "userAgent")
                record.userAgent = stringOf(value);
            else if (key == "errorCode")
                record.errorCode = stringOf(value);
            else if (key == "resources") {
                resources.resize(firstResource); // a repeated key: the last one counts
                appendResources(value, resources);
            }
            break;
        case 10:
            if (key == "@timestamp")
                timestamp = stringOf(value);
            break;
        case 11:
            if (key == "eventSource")
                record.eventSource = stringOf(value);
            break;
        case 12:
            if (key == "userIdentity")
                identity = identityOf(value);
            break;
        case 15:
            if (key == "sourceIPAddress")
                record.sourceIPAddress = stringOf(value);
            break;
        case 18:
            if (key == "recipientAccountId")
                record.recipientAccountId = stringOf(value);
            break;
        default:
            break;
        }
    }
    record.accessKeyId = identity.accessKeyId;
    record.username = usernameOf(identity);

    const std::string_view time = eventTime.empty() ? timestamp : eventTime;
    if (time.empty())
        return Time::Missing;
    const std::optional<qint64> ms = parseEventTimeMs(time);
    if (!ms)
        return Time::Unparseable;
    record.eventTimeMs = *ms;
    return Time::Ok;
}

} // namespace gatehouse::cloudtrail
