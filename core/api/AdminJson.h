#pragma once

#include "audit/AuditVerification.h"
#include "auth/UserImport.h"
#include "model/EventLookup.h"
#include "model/Result.h"
#include "model/Role.h"
#include "model/ServiceTokenQuery.h"
#include "model/SessionQuery.h"
#include "model/UserQuery.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QUrlQuery>

// The admin API's request and response forms that are not a stored type's own toJson():
// listing queries from URL parameters, LookupEvents requests, verification and import reports.
namespace gatehouse::api::AdminJson {

// GET /admin/v1/users?prefix=&status=&role=&mfaEnrolled=&locked=&lastLoginBefore=
//   &lastLoginAfter=&sort=username|email|createdAt|lastLogin&descending=&pageSize=&pageToken=
Result<UserQuery> userQuery(const QUrlQuery &query);
// GET /admin/v1/sessions?userId=&status=&sourceIp=&createdAfter=&createdBefore=&pageSize=
//   &pageToken=
Result<SessionQuery> sessionQuery(const QUrlQuery &query);
// GET /admin/v1/tokens?ownerId=&status=&expiringWithinSeconds=&stale=&pageSize=&pageToken=
Result<ServiceTokenQuery> tokenQuery(const QUrlQuery &query);

// Role names ("owner", "admin", ...), each once.
Result<QList<Role>> roles(const QStringList &names);

// CloudTrail's LookupEvents request: {"LookupAttributes":[{"AttributeKey","AttributeValue"}],
// "StartTime","EndTime" (epoch seconds or ISO 8601 with a zone),"MaxResults","NextToken"},
// with any number of attributes (all must match) and "Text", a free-text filter: ours.
Result<EventLookup> eventLookup(const QJsonValue &body);

QJsonObject verificationJson(const AuditVerification &verification);
// An accepted import: counts and the users (without ids on a dry run).
QJsonObject importJson(const UserImport::Report &report);
// A refused one: every problem by record, CSV line and field (never a value).
QJsonArray importProblemsJson(const UserImport::Report &report);

} // namespace gatehouse::api::AdminJson
