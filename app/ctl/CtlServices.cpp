#include "CtlServices.h"

#include "SecretInput.h"

#include "auth/TokenFormat.h"
#include "store/DataKeyFile.h"

#include <QCoreApplication>
#include <QFileInfo>

#include <cstdio>

#include <unistd.h>

namespace gatehouse::ctl {

Actor ctlClient()
{
    Actor actor;
    actor.sourceIp = QStringLiteral("127.0.0.1");
    actor.userAgent = QStringLiteral("gatehousectl/") + QCoreApplication::applicationVersion();
    return actor;
}

const QCommandLineOption &signInOption()
{
    static const QCommandLineOption option{
        QStringLiteral("as"),
        QStringLiteral("Act as this administrator; the password comes from $GATEHOUSE_PASSWORD "
                       "or standard input. Without it, the session token or admin-scoped "
                       "service token in $GATEHOUSE_TOKEN."),
        QStringLiteral("user")};
    return option;
}

bool hasSignIn(const QCommandLineParser &parser)
{
    return !parser.value(signInOption()).isEmpty()
        || !qEnvironmentVariable("GATEHOUSE_TOKEN").isEmpty();
}

Result<std::optional<crypto::SecretBox>> loadDataKey(const QString &storePath)
{
    QString path = qEnvironmentVariable("GATEHOUSE_DATA_KEY_FILE");
    if (path.isEmpty()) {
        path = DataKeyFile::defaultPathFor(QFileInfo(storePath).absoluteFilePath());
        // A store without its key still serves everything but sealed secrets; those
        // operations say what is missing.
        if (!QFileInfo::exists(path))
            return std::optional<crypto::SecretBox>();
    }
    Result<QByteArray> key = DataKeyFile::load(path);
    if (!key)
        return key.error();
    Result<crypto::SecretBox> box = crypto::SecretBox::fromKey(*key);
    if (!box)
        return box.error();
    return std::optional<crypto::SecretBox>(std::move(*box));
}

Result<std::unique_ptr<CtlServices>> CtlServices::open(const QString &path)
{
    Result<std::unique_ptr<SqliteStore>> store = SqliteStore::open(path);
    if (!store)
        return store.error();
    return over(std::move(store).value());
}

Result<std::unique_ptr<CtlServices>> CtlServices::over(std::unique_ptr<SqliteStore> store)
{
    Result<PasswordBlocklist> blocklist = PasswordBlocklist::load(PasswordBlocklist::defaultPath());
    if (!blocklist)
        return blocklist.error();
    Result<std::optional<crypto::SecretBox>> dataKey = loadDataKey(store->info().location);
    if (!dataKey)
        return dataKey.error();
    std::unique_ptr<CtlServices> services(new CtlServices);
    services->m_store = std::move(store);
    services->m_context =
        std::make_unique<ServiceContext>(*services->m_store, Clock::system(), std::move(*dataKey));
    services->m_users = std::make_unique<UserDirectory>(*services->m_context);
    services->m_sessions = std::make_unique<Sessions>(*services->m_context);
    services->m_tokens = std::make_unique<ServiceTokens>(*services->m_context);
    Result<std::unique_ptr<Credentials>> credentials = Credentials::create(
        *services->m_context, std::make_shared<const PasswordBlocklist>(std::move(*blocklist)));
    if (!credentials)
        return credentials.error();
    services->m_credentials = std::move(credentials).value();
    services->m_mfa = std::make_unique<Mfa>(*services->m_context, *services->m_credentials);
    return services;
}

CtlServices::~CtlServices() = default;

std::unique_ptr<SqliteStore> CtlServices::release()
{
    m_mfa.reset();
    m_credentials.reset();
    m_tokens.reset();
    m_sessions.reset();
    m_users.reset();
    m_context.reset();
    return std::move(m_store);
}

Result<Actor> CtlServices::signIn(const QString &username) const
{
    QString password = qEnvironmentVariable("GATEHOUSE_PASSWORD");
    if (password.isEmpty()) {
        Result<QString> typed =
            SecretInput::read(QStringLiteral("Password for %1: ").arg(username));
        if (!typed)
            return typed.error();
        password = *typed;
    }
    // An account with MFA on needs its code too: from GATEHOUSE_TOTP, or typed at a terminal.
    QString code = qEnvironmentVariable("GATEHOUSE_TOTP");
    Result<Credentials::SignIn> signIn =
        m_credentials->authenticate(ctlClient(), username, password, code);
    if (signIn && signIn->mfaRequired && code.isEmpty() && isatty(fileno(stdin))) {
        Result<QString> typed =
            SecretInput::read(QStringLiteral("MFA code for %1: ").arg(username));
        if (!typed)
            return typed.error();
        code = *typed;
        signIn = m_credentials->authenticate(ctlClient(), username, password, code);
    }
    if (!signIn)
        return signIn.error();
    if (signIn->mfaRequired) {
        return makeError(ErrorCode::Unauthenticated,
                         QStringLiteral("%1 has MFA on: put the current code from the "
                                        "authenticator in GATEHOUSE_TOTP.")
                             .arg(signIn->user.username));
    }
    Actor actor = ctlClient();
    actor.kind = Actor::Kind::User;
    actor.credential = Actor::Credential::Password;
    actor.userId = signIn->user.id;
    actor.username = signIn->user.username;
    actor.mfaAuthenticated = signIn->mfaAuthenticated;
    return actor;
}

} // namespace gatehouse::ctl

namespace gatehouse::ctl {

Result<Actor> CtlServices::authenticate(const QString &username) const
{
    if (!username.isEmpty())
        return signIn(username);
    const QString token = qEnvironmentVariable("GATEHOUSE_TOKEN");
    if (token.isEmpty()) {
        return makeError(ErrorCode::Unauthenticated,
                         QStringLiteral("Sign in with --as USER (password from GATEHOUSE_PASSWORD "
                                        "or stdin), or put a session token or an admin-scoped "
                                        "service token in GATEHOUSE_TOKEN."));
    }
    if (token.startsWith(QString(TokenFormat::ServiceTokenPrefix.toString() + u'_')))
        return authenticateServiceToken(token);
    Result<ValidatedSession> session = m_sessions->validate(token);
    if (!session)
        return session.error();
    Actor actor = ctlClient();
    actor.kind = Actor::Kind::User;
    actor.credential = Actor::Credential::Session;
    actor.userId = session->userId;
    actor.username = session->username;
    actor.sessionId = session->sessionId;
    actor.mfaAuthenticated = session->mfaAuthenticated;
    return actor;
}

Result<Actor> CtlServices::authenticateServiceToken(const QString &token) const
{
    Result<ValidatedServiceToken> valid = m_tokens->validate(token, ctlClient());
    if (!valid)
        return valid.error();
    // Administration needs an admin scope; an introspect-only token is for resource servers.
    // Within the scope, AccessControl decides every call from the owner's current roles.
    if (!valid->hasScope(ServiceTokenScope::Admin)
        && !valid->hasScope(ServiceTokenScope::AdminRead)) {
        return makeError(ErrorCode::PermissionDenied,
                         QStringLiteral("The service token in GATEHOUSE_TOKEN has no admin or "
                                        "admin:read scope, so it cannot administer; use a token "
                                        "created with --scope admin."));
    }
    return valid->actor(ctlClient());
}

} // namespace gatehouse::ctl
