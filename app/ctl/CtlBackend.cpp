#include "CtlBackend.h"

#include "SecretInput.h"

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
    const QString named = qEnvironmentVariable("GATEHOUSE_DATA_KEY_FILE");
    return DataKeyFile::openBox(
        named.isEmpty() ? DataKeyFile::defaultPathFor(QFileInfo(storePath).absoluteFilePath())
                        : named,
        !named.isEmpty());
}

Result<std::unique_ptr<CtlBackend>> CtlBackend::open(const QString &path)
{
    Result<std::unique_ptr<SqliteStore>> store = SqliteStore::open(path);
    if (!store)
        return store.error();
    return over(std::move(store).value());
}

Result<std::unique_ptr<CtlBackend>> CtlBackend::openAs(const QString &path, const QString &username)
{
    Result<std::unique_ptr<CtlBackend>> opened = open(path);
    if (!opened)
        return opened;
    if (Result<void> signedIn = (*opened)->authenticate(username); !signedIn)
        return signedIn.error();
    return opened;
}

Result<std::unique_ptr<CtlBackend>> CtlBackend::over(std::unique_ptr<SqliteStore> store)
{
    Result<PasswordBlocklist> blocklist = PasswordBlocklist::load(PasswordBlocklist::defaultPath());
    if (!blocklist)
        return blocklist.error();
    Result<std::optional<crypto::SecretBox>> dataKey = loadDataKey(store->info().location);
    if (!dataKey)
        return dataKey.error();
    std::unique_ptr<CtlBackend> opened(new CtlBackend);
    opened->m_store = std::move(store);
    opened->m_backend = std::make_unique<LocalBackend>(
        *opened->m_store, Clock::system(), ctlClient(), std::move(*dataKey),
        std::make_shared<const PasswordBlocklist>(std::move(*blocklist)),
        qEnvironmentVariable("GATEHOUSE_AUDIT_KEYS_FILE"));
    return opened;
}

CtlBackend::~CtlBackend() = default;

std::unique_ptr<SqliteStore> CtlBackend::release()
{
    m_backend.reset();
    return std::move(m_store);
}

Result<User> CtlBackend::signIn(const QString &username, const QString &password)
{
    QString secret = password.isEmpty() ? qEnvironmentVariable("GATEHOUSE_PASSWORD") : password;
    if (secret.isEmpty()) {
        Result<QString> typed =
            SecretInput::read(QStringLiteral("Password for %1: ").arg(username));
        if (!typed)
            return typed.error();
        secret = *typed;
    }
    // An account with MFA on needs its code too: from GATEHOUSE_TOTP, or typed at a terminal.
    QString code = qEnvironmentVariable("GATEHOUSE_TOTP");
    Result<Credentials::SignIn> signedIn = await(m_backend->signIn(username, secret, code));
    if (signedIn && signedIn->mfaRequired && code.isEmpty() && isatty(fileno(stdin))) {
        Result<QString> typed =
            SecretInput::read(QStringLiteral("MFA code for %1: ").arg(username));
        if (!typed)
            return typed.error();
        code = *typed;
        signedIn = await(m_backend->signIn(username, secret, code));
    }
    if (!signedIn)
        return signedIn.error();
    if (signedIn->mfaRequired) {
        return makeError(ErrorCode::Unauthenticated,
                         QStringLiteral("%1 has MFA on: put the current code from the "
                                        "authenticator in GATEHOUSE_TOTP.")
                             .arg(signedIn->user.username));
    }
    return signedIn->user;
}

Result<void> CtlBackend::authenticate(const QString &username)
{
    if (!username.isEmpty()) {
        Result<User> user = signIn(username);
        return user ? Result<void>() : Result<void>(user.error());
    }
    const QString token = qEnvironmentVariable("GATEHOUSE_TOKEN");
    if (token.isEmpty()) {
        return makeError(ErrorCode::Unauthenticated,
                         QStringLiteral("Sign in with --as USER (password from GATEHOUSE_PASSWORD "
                                        "or stdin), or put a session token or an admin-scoped "
                                        "service token in GATEHOUSE_TOKEN."));
    }
    Result<QString> caller = await(m_backend->signInWithToken(token));
    return caller ? Result<void>() : Result<void>(caller.error());
}

} // namespace gatehouse::ctl
