#include "AdminEndpoints.h"

#include "EndpointSupport.h"
#include "api/AdminJson.h"
#include "api/JsonReader.h"
#include "api/QueryFields.h"
#include "audit/AuditPublicKeys.h"
#include "audit/LookupEventsJson.h"
#include "auth/AdminCaller.h"
#include "auth/ServiceTokenRows.h"
#include "auth/SessionRows.h"
#include "auth/UserRows.h"
#include "model/IsoTime.h"

#include <QBuffer>
#include <QJsonArray>
#include <QJsonDocument>

namespace gatehouse::server {

using namespace EndpointSupport;
namespace AdminJson = api::AdminJson;

namespace {

constexpr qsizetype kMaxReasonLength = 500;
constexpr qsizetype kMaxBulkItems = 1000;

QString id(const ApiRequest &request, const char *name = "id")
{
    return request.pathParameters.value(QLatin1String(name));
}

QJsonObject userJson(const User &user)
{
    return UserRows::toJson(user);
}

QJsonObject countJson(const char *name, int count)
{
    return QJsonObject{{QLatin1String(name), count}};
}

// The optional {"reason": "..."} body of a revocation; empty body: no reason.
Result<QString> reasonOf(const ApiRequest &request)
{
    if (request.body.isEmpty())
        return QString();
    Result<api::JsonFields> body = fields(request, {"reason"});
    if (!body)
        return body.error();
    Result<std::optional<QString>> reason = body->optionalText("reason", kMaxReasonLength);
    if (!reason)
        return reason.error();
    return reason->value_or(QString());
}

} // namespace

namespace {

Result<Actor> adminCaller(const CoreServices &services, const ApiRequest &request)
{
    const QString token = bearerToken(request);
    if (token.isEmpty())
        return makeError(ErrorCode::Unauthenticated, QString());
    return AdminCaller::fromToken(services.sessions, services.tokens, token, clientOf(request));
}

} // namespace

Router::Handler AdminEndpoints::asCaller(Endpoint endpoint) const
{
    return [this, endpoint = std::move(endpoint)](const ApiRequest &request) {
        Result<Actor> caller = adminCaller(m_services, request);
        if (!caller)
            return failure(request, caller.error());
        return endpoint(request, *caller);
    };
}

Router::Handler AdminEndpoints::creating(Endpoint endpoint) const
{
    return asCaller(
        [this, endpoint = std::move(endpoint)](const ApiRequest &request, const Actor &actor) {
            return m_idempotency.once(request, actor, [&] { return endpoint(request, actor); });
        });
}

void AdminEndpoints::addTo(Router &router) const
{
    addUserRoutes(router);
    addSessionRoutes(router);
    addTokenRoutes(router);
    addKeyRoutes(router);
    addPolicyRoutes(router);
    addAuditRoutes(router);
}

void AdminEndpoints::addUserRoutes(Router &router) const
{
    const UserDirectory &users = m_services.users;
    router.add(
        "GET", "/admin/v1/users", asCaller([&users](const ApiRequest &request, const Actor &actor) {
            Result<UserQuery> query = AdminJson::userQuery(request.query);
            if (!query)
                return failure(request, query.error());
            return answer(request, users.search(actor, *query),
                          [](const Page<User> &page) { return pageJson("users", page, userJson); });
        }));
    router.add("POST", "/admin/v1/users",
               creating([&users](const ApiRequest &request, const Actor &actor) {
                   Result<api::JsonFields> body =
                       fields(request, {"username", "email", "displayName", "roles"});
                   Result<QString> username =
                       body ? body->text("username", 256) : Result<QString>(body.error());
                   Result<std::optional<QString>> email = username
                       ? body->optionalText("email", 320)
                       : Result<std::optional<QString>>(username.error());
                   Result<std::optional<QString>> displayName =
                       email ? body->optionalText("displayName", 256) : email;
                   Result<std::optional<QStringList>> roleNames = displayName
                       ? body->optionalTextList("roles", 5, 32)
                       : Result<std::optional<QStringList>>(displayName.error());
                   Result<QList<Role>> roles = roleNames
                       ? AdminJson::roles(roleNames->value_or(QStringList{QStringLiteral("user")}))
                       : Result<QList<Role>>(roleNames.error());
                   if (!roles)
                       return failure(request, roles.error());
                   return answer(request,
                                 users.create(actor,
                                              NewUser{*username, email->value_or(QString()),
                                                      displayName->value_or(QString()), *roles}),
                                 userJson, 201);
               }));
    router.add("POST", "/admin/v1/users/import",
               asCaller([this](const ApiRequest &request, const Actor &actor) {
                   return importUsers(request, actor);
               }));
    router.add("POST", "/admin/v1/users/bulk",
               asCaller([this](const ApiRequest &request, const Actor &actor) {
                   return bulkUsers(request, actor);
               }));
    router.add("GET", "/admin/v1/users/{id}",
               asCaller([&users](const ApiRequest &request, const Actor &actor) {
                   return answer(request, users.get(actor, id(request)), userJson);
               }));
    router.add("PATCH", "/admin/v1/users/{id}",
               asCaller([&users](const ApiRequest &request, const Actor &actor) {
                   Result<api::JsonFields> body = fields(request, {"email", "displayName"});
                   Result<std::optional<QString>> email = body
                       ? body->optionalText("email", 320)
                       : Result<std::optional<QString>>(body.error());
                   Result<std::optional<QString>> displayName =
                       email ? body->optionalText("displayName", 256) : email;
                   if (!displayName)
                       return failure(request, displayName.error());
                   return answer(
                       request, users.update(actor, id(request), UserChanges{*email, *displayName}),
                       userJson);
               }));
    router.add("DELETE", "/admin/v1/users/{id}",
               asCaller([&users](const ApiRequest &request, const Actor &actor) {
                   return answer(request, users.remove(actor, id(request)));
               }));
    router.add("PUT", "/admin/v1/users/{id}/status",
               asCaller([&users](const ApiRequest &request, const Actor &actor) {
                   Result<api::JsonFields> body = fields(request, {"status"});
                   Result<QString> status =
                       body ? body->text("status", 16) : Result<QString>(body.error());
                   if (!status)
                       return failure(request, status.error());
                   if (*status != u"active" && *status != u"disabled") {
                       return failure(request,
                                      makeError(ErrorCode::InvalidInput,
                                                QStringLiteral("status must be active "
                                                               "or disabled.")));
                   }
                   return answer(request,
                                 users.setStatus(actor, id(request),
                                                 *status == u"active" ? User::Status::Active
                                                                      : User::Status::Disabled),
                                 userJson);
               }));
    router.add("PUT", "/admin/v1/users/{id}/roles",
               asCaller([&users](const ApiRequest &request, const Actor &actor) {
                   Result<api::JsonFields> body = fields(request, {"roles"});
                   Result<std::optional<QStringList>> names = body
                       ? body->optionalTextList("roles", 5, 32)
                       : Result<std::optional<QStringList>>(body.error());
                   Result<QList<Role>> roles = names
                       ? AdminJson::roles(names->value_or(QStringList()))
                       : Result<QList<Role>>(names.error());
                   if (!roles)
                       return failure(request, roles.error());
                   return answer(request, users.setRoles(actor, id(request), *roles), userJson);
               }));
    router.add("POST", "/admin/v1/users/{id}/lock",
               asCaller([&users](const ApiRequest &request, const Actor &actor) {
                   Result<api::JsonFields> body = fields(request, {"until"});
                   Result<QString> until =
                       body ? body->text("until", 40) : Result<QString>(body.error());
                   if (!until)
                       return failure(request, until.error());
                   const std::optional<QDateTime> time = api::parseTime(*until);
                   if (!time) {
                       return failure(request,
                                      makeError(ErrorCode::InvalidInput,
                                                QStringLiteral("until must be an ISO "
                                                               "8601 time with a zone.")));
                   }
                   return answer(request, users.lock(actor, id(request), *time), userJson);
               }));
    router.add("POST", "/admin/v1/users/{id}/unlock",
               asCaller([&users](const ApiRequest &request, const Actor &actor) {
                   return answer(request, users.unlock(actor, id(request)), userJson);
               }));
    router.add("POST", "/admin/v1/users/{id}/password-code",
               asCaller([this](const ApiRequest &request, const Actor &actor) {
                   if (!m_services.credentials)
                       return failure(request, *m_services.unavailable);
                   return answer(request, m_services.credentials->issueCode(actor, id(request)),
                                 [](const Credentials::IssuedCode &code) {
                                     return QJsonObject{
                                         {QStringLiteral("code"), code.code},
                                         {QStringLiteral("expiresAt"), isoUtc(code.expiresAt)},
                                         {QStringLiteral("setup"), code.setup}};
                                 });
               }));
    router.add("POST", "/admin/v1/users/{id}/mfa/reset",
               asCaller([this](const ApiRequest &request, const Actor &actor) {
                   Result<QString> reason = reasonOf(request);
                   if (!reason)
                       return failure(request, reason.error());
                   if (!m_services.mfa)
                       return failure(request, *m_services.unavailable);
                   return answer(request, m_services.mfa->reset(actor, id(request), *reason),
                                 userJson);
               }));
    router.add("POST", "/admin/v1/users/{id}/sessions/revoke",
               asCaller([this](const ApiRequest &request, const Actor &actor) {
                   Result<QString> reason = reasonOf(request);
                   if (!reason)
                       return failure(request, reason.error());
                   Result<int> revoked =
                       m_services.sessions.revokeAllOfUser(actor, id(request), *reason);
                   if (revoked && *revoked > 0)
                       m_metrics.count(Metrics::Event::SessionRevoked);
                   return answer(request, revoked, [](int n) { return countJson("revoked", n); });
               }));
    router.add("GET", "/admin/v1/reports/credentials",
               asCaller([this](const ApiRequest &request, const Actor &actor) {
                   QByteArray csv;
                   QBuffer buffer(&csv);
                   buffer.open(QIODevice::WriteOnly);
                   Result<qint64> written = m_services.credentialReport.write(actor, buffer);
                   if (!written)
                       return failure(request, written.error());
                   ApiResponse response;
                   response.contentType = "text/csv; charset=utf-8";
                   response.body = csv;
                   return response;
               }));
}

ApiResponse AdminEndpoints::importUsers(const ApiRequest &request, const Actor &actor) const
{
    Result<api::QueryFields> query = api::QueryFields::of(request.query, {"dryRun"});
    Result<std::optional<bool>> dryRun =
        query ? query->boolean("dryRun") : Result<std::optional<bool>>(query.error());
    if (!dryRun)
        return failure(request, dryRun.error());
    UserImport::Options options;
    options.dryRun = dryRun->value_or(false);
    const bool csv = request.header("content-type").toByteArray().toLower().startsWith("text/csv");
    options.format = csv ? UserImport::Format::Csv : UserImport::Format::Json;
    if (!csv) {
        // Strictly, like every body; the import reads the same bytes again by its own rules.
        api::JsonReader::Limits limits;
        limits.maxArrayItems = 200000;
        if (Result<QJsonValue> parsed = api::JsonReader::parse(request.body, limits); !parsed)
            return failure(request, parsed.error());
    }
    Result<UserImport::Report> report =
        UserImport(m_services.context).run(actor, request.body, options);
    if (!report)
        return failure(request, report.error());
    if (!report->accepted()) {
        ApiResponse refused = failure(request, UserImport::summary(*report));
        QJsonObject body = QJsonDocument::fromJson(refused.body).object();
        QJsonObject error = body[u"error"].toObject();
        error.insert(QStringLiteral("problems"), AdminJson::importProblemsJson(*report));
        error.insert(QStringLiteral("problemCount"), report->problemCount);
        body.insert(QStringLiteral("error"), error);
        refused.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
        return refused;
    }
    return ApiResponse::json(options.dryRun ? 200 : 201, AdminJson::importJson(*report));
}

ApiResponse AdminEndpoints::bulkUsers(const ApiRequest &request, const Actor &actor) const
{
    Result<api::JsonFields> body = fields(request, {"action", "ids", "reason"});
    Result<QString> action = body ? body->text("action", 32) : Result<QString>(body.error());
    Result<std::optional<QStringList>> ids = action
        ? body->optionalTextList("ids", kMaxBulkItems, 64)
        : Result<std::optional<QStringList>>(action.error());
    Result<std::optional<QString>> reason = ids ? body->optionalText("reason", kMaxReasonLength)
                                                : Result<std::optional<QString>>(ids.error());
    if (!reason)
        return failure(request, reason.error());
    const QStringList actions{QStringLiteral("disable"), QStringLiteral("enable"),
                              QStringLiteral("delete"), QStringLiteral("revoke-sessions")};
    if (!actions.contains(*action) || !*ids || (*ids)->isEmpty()) {
        return failure(request,
                       makeError(ErrorCode::InvalidInput,
                                 QStringLiteral("A bulk action needs \"action\" (disable, "
                                                "enable, delete or revoke-sessions) and "
                                                "1 to %1 user ids.")
                                     .arg(kMaxBulkItems)));
    }
    // One call per user, each checked and audited on its own: one refusal (the last owner,
    // a user the caller may not manage) does not undo the others.
    QJsonArray results;
    for (const QString &userId : **ids) {
        Result<void> done;
        if (*action == u"delete") {
            done = m_services.users.remove(actor, userId);
        } else if (*action == u"revoke-sessions") {
            Result<int> revoked =
                m_services.sessions.revokeAllOfUser(actor, userId, reason->value_or(QString()));
            done = revoked ? Result<void>() : Result<void>(revoked.error());
        } else {
            Result<User> changed = m_services.users.setStatus(
                actor, userId,
                *action == u"enable" ? User::Status::Active : User::Status::Disabled);
            done = changed ? Result<void>() : Result<void>(changed.error());
        }
        QJsonObject result{{QStringLiteral("id"), userId}, {QStringLiteral("ok"), done.ok()}};
        if (!done) {
            result.insert(QStringLiteral("error"),
                          QJsonObject{{QStringLiteral("code"), errorCodeName(done.error().code)},
                                      {QStringLiteral("message"), done.error().message}});
        }
        results.append(result);
    }
    return ApiResponse::json(200, QJsonObject{{QStringLiteral("results"), results}});
}

void AdminEndpoints::addSessionRoutes(Router &router) const
{
    router.add("GET", "/admin/v1/sessions",
               asCaller([this](const ApiRequest &request, const Actor &actor) {
                   Result<SessionQuery> query = AdminJson::sessionQuery(request.query);
                   if (!query)
                       return failure(request, query.error());
                   const QDateTime time = now();
                   return answer(request, m_services.sessions.list(actor, *query),
                                 [&](const Page<Session> &page) {
                                     return pageJson("sessions", page, [&](const Session &session) {
                                         return SessionRows::toJson(session, time);
                                     });
                                 });
               }));
    router.add("POST", "/admin/v1/sessions/revoke",
               asCaller([this](const ApiRequest &request, const Actor &actor) {
                   return revokeSessions(request, actor);
               }));
    router.add("DELETE", "/admin/v1/sessions/{id}",
               asCaller([this](const ApiRequest &request, const Actor &actor) {
                   Result<QString> reason = reasonOf(request);
                   if (!reason)
                       return failure(request, reason.error());
                   Result<Session> revoked =
                       m_services.sessions.revoke(actor, id(request), *reason);
                   if (revoked)
                       m_metrics.count(Metrics::Event::SessionRevoked);
                   const QDateTime time = now();
                   return answer(request, revoked, [&](const Session &session) {
                       return SessionRows::toJson(session, time);
                   });
               }));
}

ApiResponse AdminEndpoints::revokeSessions(const ApiRequest &request, const Actor &actor) const
{
    Result<api::JsonFields> body = fields(request, {"ids", "olderThan", "allButMine", "reason"});
    Result<std::optional<QStringList>> ids = body
        ? body->optionalTextList("ids", kMaxBulkItems, 64)
        : Result<std::optional<QStringList>>(body.error());
    Result<std::optional<QString>> olderThan =
        ids ? body->optionalText("olderThan", 40) : Result<std::optional<QString>>(ids.error());
    Result<std::optional<bool>> allButMine = olderThan
        ? body->optionalBoolean("allButMine")
        : Result<std::optional<bool>>(olderThan.error());
    Result<std::optional<QString>> reason = allButMine
        ? body->optionalText("reason", kMaxReasonLength)
        : Result<std::optional<QString>>(allButMine.error());
    if (!reason)
        return failure(request, reason.error());
    const int selectors = (ids->has_value() ? 1 : 0) + (olderThan->has_value() ? 1 : 0)
        + (allButMine->value_or(false) ? 1 : 0);
    if (selectors != 1) {
        return failure(request,
                       makeError(ErrorCode::InvalidInput,
                                 QStringLiteral("Say which sessions with exactly one of "
                                                "\"ids\", \"olderThan\" or "
                                                "\"allButMine\": true.")));
    }
    const QString why = reason->value_or(QString());
    Result<int> revoked = 0;
    if (*ids) {
        revoked = m_services.sessions.revokeMany(actor, **ids, why);
    } else if (*olderThan) {
        const std::optional<QDateTime> time = api::parseTime(**olderThan);
        if (!time) {
            return failure(request,
                           makeError(ErrorCode::InvalidInput,
                                     QStringLiteral("olderThan must be an ISO 8601 time "
                                                    "with a zone.")));
        }
        revoked = m_services.sessions.revokeOlderThan(actor, *time, why);
    } else {
        revoked = m_services.sessions.revokeAllExceptCaller(actor, why);
    }
    if (revoked && *revoked > 0)
        m_metrics.count(Metrics::Event::SessionRevoked);
    return answer(request, revoked, [](int n) { return countJson("revoked", n); });
}

void AdminEndpoints::addTokenRoutes(Router &router) const
{
    const ServiceTokens &tokens = m_services.tokens;
    const auto secretJson = [this](const ServiceTokenSecret &issued) {
        return QJsonObject{{QStringLiteral("token"), ServiceTokenRows::toJson(issued.token, now())},
                           {QStringLiteral("secret"), issued.secret}};
    };
    const auto tokenJson = [this](const ServiceToken &token) {
        return ServiceTokenRows::toJson(token, now());
    };
    router.add("GET", "/admin/v1/tokens",
               asCaller([this, &tokens](const ApiRequest &request, const Actor &actor) {
                   Result<ServiceTokenQuery> query = AdminJson::tokenQuery(request.query);
                   if (!query)
                       return failure(request, query.error());
                   const QDateTime time = now();
                   return answer(
                       request, tokens.list(actor, *query), [&](const Page<ServiceToken> &page) {
                           return pageJson("tokens", page, [&](const ServiceToken &token) {
                               return ServiceTokenRows::toJson(token, time);
                           });
                       });
               }));
    router.add("POST", "/admin/v1/tokens",
               creating([&tokens, secretJson](const ApiRequest &request, const Actor &actor) {
                   Result<api::JsonFields> body =
                       fields(request, {"name", "scopes", "ownerId", "expiresInSeconds"});
                   Result<QString> name =
                       body ? body->text("name", 200) : Result<QString>(body.error());
                   Result<std::optional<QStringList>> scopeNames = name
                       ? body->optionalTextList("scopes", 8, 32)
                       : Result<std::optional<QStringList>>(name.error());
                   Result<std::optional<QString>> owner = scopeNames
                       ? body->optionalText("ownerId", 64)
                       : Result<std::optional<QString>>(scopeNames.error());
                   Result<std::optional<qint64>> expiresIn = owner
                       ? body->optionalInteger("expiresInSeconds", 1, 10LL * 365 * 24 * 3600)
                       : Result<std::optional<qint64>>(owner.error());
                   if (!expiresIn)
                       return failure(request, expiresIn.error());
                   NewServiceToken token;
                   token.name = *name;
                   token.ownerId = owner->value_or(QString());
                   token.expiresInSeconds = expiresIn->value_or(0);
                   for (const QString &scopeName : scopeNames->value_or(QStringList())) {
                       const std::optional<ServiceTokenScope> scope = scopeFromName(scopeName);
                       if (!scope) {
                           return failure(request,
                                          makeError(ErrorCode::InvalidInput,
                                                    QStringLiteral("scopes may hold admin, "
                                                                   "admin:read and introspect.")));
                       }
                       token.scopes.append(*scope);
                   }
                   return answer(request, tokens.create(actor, token), secretJson, 201);
               }));
    router.add("POST", "/admin/v1/tokens/purge",
               asCaller([&tokens](const ApiRequest &request, const Actor &actor) {
                   return answer(request, tokens.purge(actor),
                                 [](int n) { return countJson("purged", n); });
               }));
    router.add("GET", "/admin/v1/tokens/{id}",
               asCaller([&tokens, tokenJson](const ApiRequest &request, const Actor &actor) {
                   return answer(request, tokens.get(actor, id(request)), tokenJson);
               }));
    router.add("DELETE", "/admin/v1/tokens/{id}",
               asCaller([&tokens, tokenJson](const ApiRequest &request, const Actor &actor) {
                   Result<QString> reason = reasonOf(request);
                   if (!reason)
                       return failure(request, reason.error());
                   return answer(request, tokens.revoke(actor, id(request), *reason), tokenJson);
               }));
    router.add("POST", "/admin/v1/tokens/{id}/rotate",
               asCaller([&tokens, secretJson](const ApiRequest &request, const Actor &actor) {
                   Result<api::JsonFields> body =
                       fields(request, {"expectedGeneration", "graceSeconds", "expiresInSeconds"});
                   Result<std::optional<qint64>> generation = body
                       ? body->optionalInteger("expectedGeneration", 0, 1 << 30)
                       : Result<std::optional<qint64>>(body.error());
                   Result<std::optional<qint64>> grace = generation
                       ? body->optionalInteger("graceSeconds", 0, 30LL * 24 * 3600)
                       : generation;
                   Result<std::optional<qint64>> expiresIn = grace
                       ? body->optionalInteger("expiresInSeconds", 1, 10LL * 365 * 24 * 3600)
                       : grace;
                   if (!expiresIn)
                       return failure(request, expiresIn.error());
                   if (!*generation) {
                       return failure(request,
                                      makeError(ErrorCode::InvalidInput,
                                                QStringLiteral("expectedGeneration is required: "
                                                               "the generation you saw.")));
                   }
                   ServiceTokenRotation rotation;
                   rotation.expectedGeneration = int(**generation);
                   rotation.graceSeconds = grace->value_or(0);
                   rotation.expiresInSeconds = expiresIn->value_or(0);
                   return answer(request, tokens.rotate(actor, id(request), rotation), secretJson);
               }));
    router.add("PUT", "/admin/v1/tokens/{id}/active",
               asCaller([&tokens, tokenJson](const ApiRequest &request, const Actor &actor) {
                   Result<api::JsonFields> body = fields(request, {"active", "reason"});
                   Result<std::optional<bool>> active = body
                       ? body->optionalBoolean("active")
                       : Result<std::optional<bool>>(body.error());
                   Result<std::optional<QString>> reason = active
                       ? body->optionalText("reason", kMaxReasonLength)
                       : Result<std::optional<QString>>(active.error());
                   if (!reason)
                       return failure(request, reason.error());
                   if (!*active) {
                       return failure(request,
                                      makeError(ErrorCode::InvalidInput,
                                                QStringLiteral("active (true or false) "
                                                               "is required.")));
                   }
                   return answer(
                       request,
                       tokens.setActive(actor, id(request), **active, reason->value_or(QString())),
                       tokenJson);
               }));
}

void AdminEndpoints::addKeyRoutes(Router &router) const
{
    const SigningKeys &keys = m_services.keys;
    const auto keyJson = [this](const SigningKey &key) {
        return SigningKeys::toJson(key, now());
    };
    router.add("GET", "/admin/v1/keys",
               asCaller([this, &keys](const ApiRequest &request, const Actor &actor) {
                   const QDateTime time = now();
                   return answer(request, keys.list(actor), [&](const QList<SigningKey> &list) {
                       QJsonArray items;
                       for (const SigningKey &key : list)
                           items.append(SigningKeys::toJson(key, time));
                       return QJsonObject{{QStringLiteral("keys"), items}};
                   });
               }));
    router.add("POST", "/admin/v1/keys/rotate",
               asCaller([&keys, keyJson](const ApiRequest &request, const Actor &actor) {
                   return answer(request, keys.rotate(actor), keyJson, 201);
               }));
    router.add("POST", "/admin/v1/keys/purge",
               asCaller([&keys](const ApiRequest &request, const Actor &actor) {
                   return answer(request, keys.purge(actor),
                                 [](int n) { return countJson("purged", n); });
               }));
    router.add("POST", "/admin/v1/keys/{kid}/retire",
               asCaller([&keys, keyJson](const ApiRequest &request, const Actor &actor) {
                   return answer(request, keys.retire(actor, id(request, "kid")), keyJson);
               }));
}

namespace {

// GET and PUT of one stored policy through its service's pair of calls.
template<typename Policy, typename Get, typename Set>
ApiResponse policyCall(const ApiRequest &request, const Actor &actor, Get &&get, Set &&set)
{
    const auto toJson = [](const Policy &policy) {
        return policy.toJson();
    };
    if (request.method == "GET")
        return answer(request, get(actor), toJson);
    Result<QJsonValue> body = api::JsonReader::parse(request.body);
    if (!body)
        return failure(request, body.error());
    if (!body->isObject()) {
        return failure(
            request,
            makeError(ErrorCode::InvalidInput, QStringLiteral("A policy is a JSON object.")));
    }
    Result<Policy> policy = Policy::fromJson(body->toObject());
    if (!policy)
        return failure(request, policy.error());
    return answer(request, set(actor, *policy), toJson);
}

} // namespace

ApiResponse AdminEndpoints::policy(const ApiRequest &request, const Actor &actor) const
{
    const QString name = id(request, "name");
    const CoreServices &s = m_services;
    if (name == u"password" || name == u"mfa") {
        if (!s.credentials)
            return failure(request, *s.unavailable);
    }
    if (name == u"password") {
        return policyCall<PasswordPolicy>(
            request, actor, [&](const Actor &a) { return s.credentials->passwordPolicy(a); },
            [&](const Actor &a, const PasswordPolicy &p) {
                return s.credentials->setPasswordPolicy(a, p);
            });
    }
    if (name == u"session") {
        return policyCall<SessionPolicy>(
            request, actor, [&](const Actor &a) { return s.sessions.policy(a); },
            [&](const Actor &a, const SessionPolicy &p) { return s.sessions.setPolicy(a, p); });
    }
    if (name == u"mfa") {
        return policyCall<MfaPolicy>(
            request, actor, [&](const Actor &a) { return s.mfa->policy(a); },
            [&](const Actor &a, const MfaPolicy &p) { return s.mfa->setPolicy(a, p); });
    }
    if (name == u"tokens") {
        return policyCall<ServiceTokenPolicy>(
            request, actor, [&](const Actor &a) { return s.tokens.policy(a); },
            [&](const Actor &a, const ServiceTokenPolicy &p) { return s.tokens.setPolicy(a, p); });
    }
    if (name == u"jwt") {
        return policyCall<JwtPolicy>(
            request, actor, [&](const Actor &a) { return s.accessTokens.policy(a); },
            [&](const Actor &a, const JwtPolicy &p) { return s.accessTokens.setPolicy(a, p); });
    }
    if (name == u"signup") {
        return policyCall<SignupPolicy>(
            request, actor, [&](const Actor &a) { return s.users.signupPolicy(a); },
            [&](const Actor &a, const SignupPolicy &p) { return s.users.setSignupPolicy(a, p); });
    }
    return failure(request,
                   makeError(ErrorCode::NotFound,
                             QStringLiteral("There is no such policy; the policies are "
                                            "password, session, mfa, tokens, jwt and "
                                            "signup.")));
}

void AdminEndpoints::addPolicyRoutes(Router &router) const
{
    router.add("GET", "/admin/v1/policies/{name}",
               asCaller([this](const ApiRequest &request, const Actor &actor) {
                   return policy(request, actor);
               }));
    router.add("PUT", "/admin/v1/policies/{name}",
               asCaller([this](const ApiRequest &request, const Actor &actor) {
                   return policy(request, actor);
               }));
}

ApiResponse AdminEndpoints::verifyAudit(const ApiRequest &request, const Actor &actor) const
{
    QList<AuditCheckpoint> held;
    QList<QByteArray> trusted;
    if (!request.body.isEmpty()) {
        api::JsonReader::Limits limits;
        limits.maxArrayItems = 1000;
        Result<QJsonValue> body = api::JsonReader::parse(request.body, limits);
        Result<api::JsonFields> known = body
            ? api::JsonFields::of(*body, {"checkpoints", "trustedKeys"})
            : Result<api::JsonFields>(body.error());
        if (!known)
            return failure(request, known.error());
        const QJsonObject object = body->toObject();
        for (const QJsonValue &checkpoint : object.value(u"checkpoints").toArray()) {
            Result<AuditCheckpoint> parsed = AuditCheckpoint::fromJson(
                QJsonDocument(checkpoint.toObject()).toJson(QJsonDocument::Compact));
            if (!parsed)
                return failure(request, parsed.error());
            held.append(*parsed);
        }
        if (object.contains(u"trustedKeys")) {
            Result<QList<QByteArray>> keys =
                AuditPublicKeys::fromJson(QJsonDocument(object.value(u"trustedKeys").toObject())
                                              .toJson(QJsonDocument::Compact));
            if (!keys)
                return failure(request, keys.error());
            trusted = *keys;
        }
    }
    return answer(request, m_services.audit.verify(actor, held, trusted),
                  AdminJson::verificationJson);
}

void AdminEndpoints::addAuditRoutes(Router &router) const
{
    const AuditTrail &audit = m_services.audit;
    router.add("POST", "/admin/v1/audit/lookup",
               asCaller([&audit](const ApiRequest &request, const Actor &actor) {
                   Result<QJsonValue> body = api::JsonReader::parse(
                       request.body.isEmpty() ? QByteArray("{}") : request.body);
                   Result<EventLookup> lookup =
                       body ? AdminJson::eventLookup(*body) : Result<EventLookup>(body.error());
                   if (!lookup)
                       return failure(request, lookup.error());
                   return answer(request, audit.lookup(actor, *lookup), LookupEventsJson::toJson);
               }));
    router.add("POST", "/admin/v1/audit/verify",
               asCaller([this](const ApiRequest &request, const Actor &actor) {
                   return verifyAudit(request, actor);
               }));
    router.add("GET", "/admin/v1/audit/checkpoints",
               asCaller([&audit](const ApiRequest &request, const Actor &actor) {
                   return answer(request, audit.checkpoints(actor),
                                 [](const QList<AuditCheckpoint> &checkpoints) {
                                     QJsonArray items;
                                     for (const AuditCheckpoint &checkpoint : checkpoints)
                                         items.append(checkpoint.toJson());
                                     return QJsonObject{{QStringLiteral("checkpoints"), items}};
                                 });
               }));
    router.add("POST", "/admin/v1/audit/checkpoints",
               asCaller([&audit](const ApiRequest &request, const Actor &actor) {
                   return answer(
                       request, audit.createCheckpoint(actor),
                       [](const AuditCheckpoint &checkpoint) { return checkpoint.toJson(); }, 201);
               }));
    router.add(
        "GET", "/admin/v1/audit/keys",
        asCaller([this, &audit](const ApiRequest &request, const Actor &actor) {
            return answer(request, audit.trustedKeys(actor), [this](const QList<QByteArray> &keys) {
                return QJsonDocument::fromJson(
                           AuditPublicKeys::toJson(m_services.context.store().info().storeId, keys))
                    .object();
            });
        }));
    router.add("POST", "/admin/v1/audit/keys/rotate",
               asCaller([&audit](const ApiRequest &request, const Actor &actor) {
                   return answer(
                       request, audit.rotateSigningKey(actor), [](const QString &fingerprint) {
                           return QJsonObject{{QStringLiteral("fingerprint"), fingerprint}};
                       });
               }));
}

} // namespace gatehouse::server
