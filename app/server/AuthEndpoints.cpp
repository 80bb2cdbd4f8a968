#include "AuthEndpoints.h"

#include "EndpointSupport.h"
#include "api/QueryFields.h"
#include "auth/SessionRows.h"
#include "auth/UserRows.h"
#include "model/IsoTime.h"

#include <QJsonArray>

namespace gatehouse::server {

using namespace EndpointSupport;

namespace {

constexpr qsizetype kMaxPasswordLength = 1024;

QJsonObject userJson(const User &user)
{
    return UserRows::toJson(user);
}

QJsonObject sessionTokenJson(const IssuedSession &issued)
{
    return QJsonObject{{QStringLiteral("token"), issued.token},
                       {QStringLiteral("expiresAt"), isoUtc(issued.session.idleExpiresAt)}};
}

} // namespace

void AuthEndpoints::addTo(Router &router) const
{
    const auto bind = [this](ApiResponse (AuthEndpoints::*endpoint)(const ApiRequest &) const) {
        return [this, endpoint](const ApiRequest &request) {
            return (this->*endpoint)(request);
        };
    };
    router.add("GET", "/.well-known/jwks.json", bind(&AuthEndpoints::jwks));
    router.add("POST", "/auth/signup", bind(&AuthEndpoints::signUp));
    router.add("POST", "/auth/login", bind(&AuthEndpoints::login));
    router.add("POST", "/auth/login/mfa", bind(&AuthEndpoints::loginMfa));
    router.add("POST", "/auth/password/reset", bind(&AuthEndpoints::resetPassword));
    router.add("GET", "/auth/user", bind(&AuthEndpoints::user),
               [this](const ApiRequest &request) { return userFromMemory(request); });
    router.add("POST", "/auth/logout", bind(&AuthEndpoints::logout));
    router.add("POST", "/auth/password", bind(&AuthEndpoints::changePassword));
    router.add("GET", "/auth/sessions", bind(&AuthEndpoints::sessions));
    router.add("DELETE", "/auth/sessions/{id}", bind(&AuthEndpoints::revokeSession));
    router.add("POST", "/auth/token", bind(&AuthEndpoints::accessToken));
    router.add("POST", "/auth/mfa/enroll", bind(&AuthEndpoints::mfaEnroll));
    router.add("POST", "/auth/mfa/confirm", bind(&AuthEndpoints::mfaConfirm));
    router.add("POST", "/auth/mfa/recovery-codes", bind(&AuthEndpoints::mfaRecoveryCodes));
    router.add("POST", "/auth/mfa/disable", bind(&AuthEndpoints::mfaDisable));
    router.add("POST", "/auth/introspect", bind(&AuthEndpoints::introspect));
}

Result<ValidatedSession> AuthEndpoints::session(const ApiRequest &request) const
{
    const QString token = bearerToken(request);
    if (token.isEmpty())
        return makeError(ErrorCode::Unauthenticated, QString());
    return m_services.sessions.validate(token);
}

const Credentials *AuthEndpoints::credentials(const ApiRequest &request,
                                              ApiResponse *unavailable) const
{
    if (!m_services.credentials)
        *unavailable = failure(request, *m_services.unavailable);
    return m_services.credentials.get();
}

ApiResponse AuthEndpoints::jwks(const ApiRequest &request) const
{
    ApiResponse response =
        answer(request, m_services.keys.publicJwks(), [](const QJsonObject &set) { return set; });
    // Resource servers may keep the key set briefly; a rotation keeps the old key verifying
    // for the tokens' lifetime, so five minutes is safe.
    if (response.status == 200)
        response.addHeader("Cache-Control", "public, max-age=300");
    return response;
}

ApiResponse AuthEndpoints::signUp(const ApiRequest &request) const
{
    Result<api::JsonFields> body =
        fields(request, {"username", "password", "email", "displayName"});
    if (!body)
        return failure(request, body.error());
    Result<QString> username = body->text("username", 256);
    Result<QString> password =
        username ? body->text("password", kMaxPasswordLength) : Result<QString>(username.error());
    Result<std::optional<QString>> email = password
        ? body->optionalText("email", 320)
        : Result<std::optional<QString>>(password.error());
    Result<std::optional<QString>> displayName = email
        ? body->optionalText("displayName", 256)
        : Result<std::optional<QString>>(email.error());
    if (!displayName)
        return failure(request, displayName.error());
    ApiResponse unavailable;
    const Credentials *checker = credentials(request, &unavailable);
    if (!checker)
        return unavailable;
    const NewUser newUser{
        *username, email->value_or(QString()), displayName->value_or(QString()), {Role::User}};
    // Refused early when sign-up is off, so nobody makes the server hash for nothing.
    Result<SignupPolicy> policy = m_services.context.store().transact<SignupPolicy>(
        Store::Access::Read, [](SqlTransaction &tx) { return SignupPolicy::load(tx); });
    if (policy && !policy->enabled) {
        return failure(request,
                       makeError(ErrorCode::PermissionDenied,
                                 QStringLiteral("Sign-up is turned off here; ask an "
                                                "administrator for an account.")));
    }
    Result<QString> hash = checker->hashForNewUser(newUser, *password);
    if (!hash)
        return failure(request, hash.error());
    Result<User> created = m_services.users.signUp(clientOf(request), newUser, *hash);
    if (created)
        m_metrics.count(Metrics::Event::SignUp);
    return answer(request, created, userJson, 201);
}

ApiResponse AuthEndpoints::signInAnswer(const ApiRequest &request,
                                        const Result<Credentials::SignIn> &signIn) const
{
    if (!signIn) {
        m_metrics.count(signIn.error().code == ErrorCode::RateLimited
                            ? Metrics::Event::LoginThrottled
                            : Metrics::Event::LoginFailed);
        return failure(request, signIn.error());
    }
    if (!signIn->session)
        return failure(request, makeError(ErrorCode::Internal, QStringLiteral("No session.")));
    if (signIn->mfaRequired) {
        m_metrics.count(Metrics::Event::LoginMfaRequired);
        return ApiResponse::json(
            200,
            QJsonObject{{QStringLiteral("mfaRequired"), true},
                        {QStringLiteral("challenge"), signIn->session->token}});
    }
    m_metrics.count(Metrics::Event::LoginSucceeded);
    QJsonObject body = sessionTokenJson(*signIn->session);
    if (signIn->mfaSetupRequired)
        body.insert(QStringLiteral("mfaSetupRequired"), true);
    return ApiResponse::json(200, body);
}

ApiResponse AuthEndpoints::login(const ApiRequest &request) const
{
    Result<QStringList> read =
        texts(request, {{"username", 512}, {"password", kMaxPasswordLength}});
    if (!read)
        return failure(request, read.error());
    const QString &username = read->at(0);
    const QString &password = read->at(1);
    ApiResponse unavailable;
    const Credentials *checker = credentials(request, &unavailable);
    if (!checker)
        return unavailable;
    return signInAnswer(request, checker->login(clientOf(request), username, password));
}

ApiResponse AuthEndpoints::loginMfa(const ApiRequest &request) const
{
    Result<QStringList> read = texts(request, {{"challenge", kMaxTokenLength}, {"code", 64}});
    if (!read)
        return failure(request, read.error());
    const QString &challenge = read->at(0);
    const QString &code = read->at(1);
    ApiResponse unavailable;
    const Credentials *checker = credentials(request, &unavailable);
    if (!checker)
        return unavailable;
    return signInAnswer(request, checker->completeLogin(clientOf(request), challenge, code));
}

ApiResponse AuthEndpoints::resetPassword(const ApiRequest &request) const
{
    Result<QStringList> read = texts(request, {{"code", 128}, {"newPassword", kMaxPasswordLength}});
    if (!read)
        return failure(request, read.error());
    const QString &code = read->at(0);
    const QString &password = read->at(1);
    ApiResponse unavailable;
    const Credentials *checker = credentials(request, &unavailable);
    if (!checker)
        return unavailable;
    return answer(request, checker->redeemCode(clientOf(request), code, password), userJson);
}

ApiResponse AuthEndpoints::user(const ApiRequest &request) const
{
    Result<ValidatedSession> caller = session(request);
    if (!caller)
        return failure(request, caller.error());
    return answer(request, m_services.users.self(caller->actor(clientOf(request))), userJson);
}

std::optional<ApiResponse> AuthEndpoints::userFromMemory(const ApiRequest &request) const
{
    const QString token = bearerToken(request);
    if (token.isEmpty())
        return unauthenticated(request);
    std::optional<Result<ValidatedSession>> caller = m_services.sessions.validateFromMemory(token);
    if (!caller)
        return std::nullopt;
    if (!*caller)
        return failure(request, caller->error());
    Actor actor;
    actor.kind = Actor::Kind::User;
    actor.userId = (*caller)->userId;
    std::optional<QByteArray> user = m_services.users.selfJsonFromMemory(actor);
    if (!user)
        return std::nullopt;
    ApiResponse response;
    response.body = *user;
    return response;
}

ApiResponse AuthEndpoints::logout(const ApiRequest &request) const
{
    // Checked first, so a stranger's made-up token costs a read, not an audited write.
    if (Result<ValidatedSession> caller = session(request); !caller)
        return failure(request, caller.error());
    return answer(request, m_services.sessions.logout(bearerToken(request), clientOf(request)));
}

ApiResponse AuthEndpoints::changePassword(const ApiRequest &request) const
{
    Result<ValidatedSession> caller = session(request);
    if (!caller)
        return failure(request, caller.error());
    Result<QStringList> read = texts(
        request, {{"currentPassword", kMaxPasswordLength}, {"newPassword", kMaxPasswordLength}});
    if (!read)
        return failure(request, read.error());
    const QString &current = read->at(0);
    const QString &next = read->at(1);
    ApiResponse unavailable;
    const Credentials *checker = credentials(request, &unavailable);
    if (!checker)
        return unavailable;
    return answer(request,
                  checker->changePassword(caller->actor(clientOf(request)), current, next));
}

ApiResponse AuthEndpoints::sessions(const ApiRequest &request) const
{
    Result<ValidatedSession> caller = session(request);
    if (!caller)
        return failure(request, caller.error());
    Result<api::QueryFields> fields =
        api::QueryFields::of(request.query, {"pageSize", "pageToken"});
    Result<std::optional<qint64>> size = fields ? fields->integer("pageSize", 1, 1000)
                                                : Result<std::optional<qint64>>(fields.error());
    if (!size)
        return failure(request, size.error());
    SessionQuery query;
    query.userId = caller->userId; // a user's own sessions, whatever their roles
    query.pageSize = int(size->value_or(query.pageSize));
    query.pageToken = fields->text("pageToken").value_or(QString());
    const QDateTime now = m_services.context.clock().now();
    return answer(request, m_services.sessions.list(caller->actor(clientOf(request)), query),
                  [&](const Page<Session> &page) {
                      return pageJson("sessions", page, [&](const Session &item) {
                          QJsonObject json = SessionRows::toJson(item, now);
                          json.insert(QStringLiteral("current"), item.id == caller->sessionId);
                          return json;
                      });
                  });
}

ApiResponse AuthEndpoints::revokeSession(const ApiRequest &request) const
{
    Result<ValidatedSession> caller = session(request);
    if (!caller)
        return failure(request, caller.error());
    // Through this route a user ends only their own sessions, even an administrator: the
    // admin API is where others' sessions are revoked. Another's id is NotFound (SEC-32).
    const QString id = request.pathParameters.value(QStringLiteral("id"));
    Result<Session> revoked = m_services.sessions.revoke(caller->actor(clientOf(request)), id,
                                                         QStringLiteral("signed out"), true);
    if (revoked)
        m_metrics.count(Metrics::Event::SessionRevoked);
    const QDateTime now = m_services.context.clock().now();
    return answer(request, revoked,
                  [&](const Session &item) { return SessionRows::toJson(item, now); });
}

ApiResponse AuthEndpoints::accessToken(const ApiRequest &request) const
{
    if (Result<ValidatedSession> caller = session(request); !caller)
        return failure(request, caller.error());
    return answer(request, m_services.accessTokens.issue(bearerToken(request), clientOf(request)),
                  [&](const IssuedAccessToken &issued) {
                      const QDateTime now = m_services.context.clock().now();
                      return QJsonObject{
                          {QStringLiteral("accessToken"), issued.token},
                          {QStringLiteral("tokenType"), QStringLiteral("Bearer")},
                          {QStringLiteral("expiresIn"), now.secsTo(issued.expiresAt)},
                          {QStringLiteral("expiresAt"), isoUtc(issued.expiresAt)}};
                  });
}

ApiResponse AuthEndpoints::mfaEnroll(const ApiRequest &request) const
{
    Result<ValidatedSession> caller = session(request);
    if (!caller)
        return failure(request, caller.error());
    Result<QStringList> read = texts(request, {{"password", kMaxPasswordLength}});
    if (!read)
        return failure(request, read.error());
    const QString &password = read->at(0);
    if (!m_services.mfa)
        return failure(request, *m_services.unavailable);
    return answer(request, m_services.mfa->enroll(caller->actor(clientOf(request)), password),
                  [](const Mfa::Enrolment &enrolment) {
                      return QJsonObject{{QStringLiteral("secret"), enrolment.secret},
                                         {QStringLiteral("uri"), enrolment.uri},
                                         {QStringLiteral("issuer"), enrolment.issuer},
                                         {QStringLiteral("account"), enrolment.account}};
                  });
}

ApiResponse AuthEndpoints::mfaConfirm(const ApiRequest &request) const
{
    Result<ValidatedSession> caller = session(request);
    if (!caller)
        return failure(request, caller.error());
    Result<QStringList> read = texts(request, {{"code", 64}});
    if (!read)
        return failure(request, read.error());
    const QString &code = read->at(0);
    if (!m_services.mfa)
        return failure(request, *m_services.unavailable);
    return answer(request, m_services.mfa->confirm(caller->actor(clientOf(request)), code),
                  [](const Mfa::Activation &activation) {
                      return QJsonObject{
                          {QStringLiteral("recoveryCodes"),
                           QJsonArray::fromStringList(activation.recoveryCodes)},
                          {QStringLiteral("sessionsEnded"), activation.sessionsEnded}};
                  });
}

ApiResponse AuthEndpoints::mfaRecoveryCodes(const ApiRequest &request) const
{
    Result<ValidatedSession> caller = session(request);
    if (!caller)
        return failure(request, caller.error());
    Result<QStringList> read = texts(request, {{"password", kMaxPasswordLength}});
    if (!read)
        return failure(request, read.error());
    const QString &password = read->at(0);
    if (!m_services.mfa)
        return failure(request, *m_services.unavailable);
    return answer(
        request,
        m_services.mfa->regenerateRecoveryCodes(caller->actor(clientOf(request)), password),
        [](const QStringList &codes) {
            return QJsonObject{
                {QStringLiteral("recoveryCodes"), QJsonArray::fromStringList(codes)}};
        });
}

ApiResponse AuthEndpoints::mfaDisable(const ApiRequest &request) const
{
    Result<ValidatedSession> caller = session(request);
    if (!caller)
        return failure(request, caller.error());
    Result<QStringList> read = texts(request, {{"password", kMaxPasswordLength}});
    if (!read)
        return failure(request, read.error());
    const QString &password = read->at(0);
    if (!m_services.mfa)
        return failure(request, *m_services.unavailable);
    return answer(request, m_services.mfa->disable(caller->actor(clientOf(request)), password));
}

ApiResponse AuthEndpoints::introspect(const ApiRequest &request) const
{
    Result<ValidatedServiceToken> resourceServer =
        m_services.tokens.validate(bearerToken(request), clientOf(request));
    if (!resourceServer || !resourceServer->hasScope(ServiceTokenScope::Introspect))
        return unauthenticated(request);
    Result<QStringList> read = texts(request, {{"token", kMaxTokenLength}});
    if (!read)
        return failure(request, read.error());
    const QString &token = read->at(0);
    // RFC 7662 §2.2: anything not valid is just "active": false, with no reason given.
    if (Result<ValidatedSession> valid = m_services.sessions.validate(token)) {
        return ApiResponse::json(
            200,
            QJsonObject{{QStringLiteral("active"), true},
                        {QStringLiteral("token_type"), QStringLiteral("session")},
                        {QStringLiteral("sub"), valid->userId},
                        {QStringLiteral("username"), valid->username},
                        {QStringLiteral("exp"), valid->expiresAt.toSecsSinceEpoch()}});
    }
    if (Result<VerifiedAccessToken> jwt = m_services.accessTokens.verify(token)) {
        return ApiResponse::json(
            200,
            QJsonObject{{QStringLiteral("active"), true},
                        {QStringLiteral("token_type"), QStringLiteral("access_token")},
                        {QStringLiteral("sub"), jwt->userId},
                        {QStringLiteral("iat"), jwt->issuedAt.toSecsSinceEpoch()},
                        {QStringLiteral("exp"), jwt->expiresAt.toSecsSinceEpoch()}});
    }
    return ApiResponse::json(200, QJsonObject{{QStringLiteral("active"), false}});
}

} // namespace gatehouse::server
