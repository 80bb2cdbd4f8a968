#include "AdminJson.h"

#include "JsonFields.h"
#include "QueryFields.h"
#include "auth/UserRows.h"

namespace gatehouse::api::AdminJson {

namespace {

Error invalid(const QString &message)
{
    return makeError(ErrorCode::InvalidInput, message);
}

Result<int> pageSize(const QueryFields &fields)
{
    Result<std::optional<qint64>> size = fields.integer("pageSize", 1, 1000);
    if (!size)
        return size.error();
    return int(size->value_or(50));
}

} // namespace

Result<QList<Role>> roles(const QStringList &names)
{
    QList<Role> result;
    for (const QString &name : names) {
        const std::optional<Role> role = roleFromName(name);
        if (!role || result.contains(*role))
            return invalid(QStringLiteral("roles must name owner, admin, operator, auditor or "
                                          "user, each at most once."));
        result.append(*role);
    }
    return result;
}

Result<UserQuery> userQuery(const QUrlQuery &query)
{
    Result<QueryFields> fields =
        QueryFields::of(query,
                        {"prefix", "status", "role", "mfaEnrolled", "locked", "lastLoginBefore",
                         "lastLoginAfter", "sort", "descending", "pageSize", "pageToken"});
    if (!fields)
        return fields.error();
    UserQuery result;
    result.prefix = fields->text("prefix").value_or(QString()).left(256);
    if (const std::optional<QString> status = fields->text("status")) {
        if (*status == u"active")
            result.status = User::Status::Active;
        else if (*status == u"disabled")
            result.status = User::Status::Disabled;
        else
            return invalid(QStringLiteral("status must be active or disabled."));
    }
    if (const std::optional<QString> role = fields->text("role")) {
        Result<QList<Role>> parsed = roles({*role});
        if (!parsed)
            return parsed.error();
        result.role = parsed->first();
    }
    Result<std::optional<bool>> mfa = fields->boolean("mfaEnrolled");
    Result<std::optional<bool>> locked = mfa ? fields->boolean("locked") : mfa;
    Result<std::optional<bool>> descending = locked ? fields->boolean("descending") : locked;
    Result<QDateTime> before =
        descending ? fields->time("lastLoginBefore") : Result<QDateTime>(descending.error());
    Result<QDateTime> after = before ? fields->time("lastLoginAfter") : before;
    Result<int> size = after ? pageSize(*fields) : Result<int>(after.error());
    if (!size)
        return size.error();
    result.mfaEnrolled = *mfa;
    result.locked = *locked;
    result.descending = descending->value_or(false);
    result.lastLoginBefore = *before;
    result.lastLoginAfter = *after;
    result.pageSize = *size;
    if (const std::optional<QString> sort = fields->text("sort")) {
        if (*sort == u"username")
            result.sortKey = UserQuery::SortKey::Username;
        else if (*sort == u"email")
            result.sortKey = UserQuery::SortKey::Email;
        else if (*sort == u"createdAt")
            result.sortKey = UserQuery::SortKey::CreatedAt;
        else if (*sort == u"lastLogin")
            result.sortKey = UserQuery::SortKey::LastLogin;
        else
            return invalid(QStringLiteral("sort must be username, email, createdAt or lastLogin."));
    }
    result.pageToken = fields->text("pageToken").value_or(QString());
    return result;
}

Result<SessionQuery> sessionQuery(const QUrlQuery &query)
{
    Result<QueryFields> fields = QueryFields::of(
        query,
        {"userId", "status", "sourceIp", "createdAfter", "createdBefore", "pageSize", "pageToken"});
    if (!fields)
        return fields.error();
    SessionQuery result;
    result.userId = fields->text("userId").value_or(QString());
    result.sourceIp = fields->text("sourceIp").value_or(QString());
    if (const std::optional<QString> status = fields->text("status")) {
        for (const Session::Status candidate :
             {Session::Status::Active, Session::Status::Expired, Session::Status::Revoked,
              Session::Status::PendingMfa}) {
            if (*status == sessionStatusName(candidate))
                result.status = candidate;
        }
        if (!result.status)
            return invalid(QStringLiteral("status must be a session status (active, expired, "
                                          "revoked or pending MFA)."));
    }
    Result<QDateTime> after = fields->time("createdAfter");
    Result<QDateTime> before = after ? fields->time("createdBefore") : after;
    Result<int> size = before ? pageSize(*fields) : Result<int>(before.error());
    if (!size)
        return size.error();
    result.createdAfter = *after;
    result.createdBefore = *before;
    result.pageSize = *size;
    result.pageToken = fields->text("pageToken").value_or(QString());
    return result;
}

Result<ServiceTokenQuery> tokenQuery(const QUrlQuery &query)
{
    Result<QueryFields> fields = QueryFields::of(
        query, {"ownerId", "status", "expiringWithinSeconds", "stale", "pageSize", "pageToken"});
    if (!fields)
        return fields.error();
    ServiceTokenQuery result;
    result.ownerId = fields->text("ownerId").value_or(QString());
    if (const std::optional<QString> status = fields->text("status")) {
        result.status = serviceTokenStatusFromName(*status);
        if (!result.status)
            return invalid(QStringLiteral("status must be a service token status."));
    }
    Result<std::optional<qint64>> expiring =
        fields->integer("expiringWithinSeconds", 1, 10LL * 365 * 24 * 3600);
    Result<std::optional<bool>> stale =
        expiring ? fields->boolean("stale") : Result<std::optional<bool>>(expiring.error());
    Result<int> size = stale ? pageSize(*fields) : Result<int>(stale.error());
    if (!size)
        return size.error();
    result.expiringWithinSeconds = *expiring;
    result.stale = stale->value_or(false);
    result.pageSize = *size;
    result.pageToken = fields->text("pageToken").value_or(QString());
    return result;
}

Result<EventLookup> eventLookup(const QJsonValue &body)
{
    Result<JsonFields> fields = JsonFields::of(
        body, {"LookupAttributes", "StartTime", "EndTime", "MaxResults", "NextToken", "Text"});
    if (!fields)
        return fields.error();
    const QJsonObject object = body.toObject();
    EventLookup lookup;
    const QJsonValue attributes = object.value(u"LookupAttributes");
    if (!attributes.isUndefined() && !attributes.isNull()) {
        if (!attributes.isArray() || attributes.toArray().size() > 20)
            return invalid(QStringLiteral("LookupAttributes must be a list of at most 20 "
                                          "{AttributeKey, AttributeValue} objects."));
        for (const QJsonValue &item : attributes.toArray()) {
            Result<JsonFields> pair = JsonFields::of(item, {"AttributeKey", "AttributeValue"});
            Result<QString> key =
                pair ? pair->text("AttributeKey", 64) : Result<QString>(pair.error());
            Result<QString> value =
                key ? pair->text("AttributeValue", 2048) : Result<QString>(key.error());
            if (!value)
                return value.error();
            const std::optional<LookupAttribute> attribute = lookupAttributeFromName(*key);
            if (!attribute)
                return invalid(QStringLiteral("AttributeKey must be one of LookupEvents' keys "
                                              "(EventName, Username, ResourceName, ...)."));
            lookup.conditions.append({*attribute, *value});
        }
    }
    const auto time = [&](const char *name) -> Result<QDateTime> {
        const QJsonValue value = object.value(QLatin1String(name));
        if (value.isUndefined() || value.isNull())
            return QDateTime();
        if (value.isDouble() && value.toDouble() >= 0 && value.toDouble() < 32503680000.0)
            return QDateTime::fromMSecsSinceEpoch(qint64(value.toDouble() * 1000), Qt::UTC);
        if (value.isString()) {
            if (const std::optional<QDateTime> parsed = parseTime(value.toString()))
                return *parsed;
        }
        return invalid(QStringLiteral("%1 must be epoch seconds or an ISO 8601 time with a zone.")
                           .arg(QString::fromLatin1(name)));
    };
    Result<QDateTime> start = time("StartTime");
    Result<QDateTime> end = start ? time("EndTime") : start;
    Result<std::optional<qint64>> maxResults = end
        ? fields->optionalInteger("MaxResults", 1, EventLookup::kMaxMaxResults)
        : Result<std::optional<qint64>>(end.error());
    Result<std::optional<QString>> nextToken = maxResults
        ? fields->optionalText("NextToken", 4096)
        : Result<std::optional<QString>>(maxResults.error());
    Result<std::optional<QString>> text =
        nextToken ? fields->optionalText("Text", EventLookup::kMaxTextLength) : nextToken;
    if (!text)
        return text.error();
    lookup.startTime = *start;
    lookup.endTime = *end;
    lookup.maxResults = int(maxResults->value_or(EventLookup::kDefaultMaxResults));
    lookup.nextToken = nextToken->value_or(QString());
    lookup.text = text->value_or(QString());
    if (Result<void> valid = lookup.validate(); !valid)
        return valid.error();
    return lookup;
}

QJsonObject verificationJson(const AuditVerification &verification)
{
    QJsonArray problems;
    for (const AuditProblem &problem : verification.problems) {
        problems.append(QJsonObject{{QStringLiteral("sequence"), problem.sequence},
                                    {QStringLiteral("kind"), problem.kind},
                                    {QStringLiteral("message"), problem.message}});
    }
    return QJsonObject{
        {QStringLiteral("ok"), verification.ok()},
        {QStringLiteral("problems"), problems},
        {QStringLiteral("firstSequence"), verification.firstSequence},
        {QStringLiteral("lastSequence"), verification.lastSequence},
        {QStringLiteral("checkpoints"), verification.checkpointsChecked},
    };
}

QJsonObject importJson(const UserImport::Report &report)
{
    QJsonArray users;
    for (const User &user : report.users) {
        QJsonObject json = UserRows::toJson(user);
        if (report.dryRun) // not created: there is no id yet
            json.remove(QStringLiteral("id"));
        users.append(json);
    }
    const int count = int(report.users.size());
    return QJsonObject{{QStringLiteral("created"), report.dryRun ? 0 : count},
                       {QStringLiteral("dryRun"), report.dryRun},
                       {QStringLiteral("valid"), count},
                       {QStringLiteral("withPasswordHash"), report.withPasswordHash},
                       {QStringLiteral("users"), users}};
}

QJsonArray importProblemsJson(const UserImport::Report &report)
{
    QJsonArray problems;
    for (const ImportProblem &problem : report.problems) {
        QJsonObject json{{QStringLiteral("record"), problem.record},
                         {QStringLiteral("field"), problem.field},
                         {QStringLiteral("message"), problem.message}};
        if (problem.line > 0)
            json.insert(QStringLiteral("line"), problem.line);
        problems.append(json);
    }
    return problems;
}

} // namespace gatehouse::api::AdminJson
