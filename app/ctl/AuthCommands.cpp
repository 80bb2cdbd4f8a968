#include "CtlCommand.h"

#include "CtlBackend.h"
#include "SecretInput.h"
#include "auth/UserRows.h"

#include <QJsonObject>

namespace gatehouse::ctl {

namespace {

const QCommandLineOption kCode{QStringLiteral("code"),
                               QStringLiteral("redeem: the one-time code from an administrator; "
                                              "mfa: the code from the authenticator."),
                               QStringLiteral("code")};
const QCommandLineOption kTotp{QStringLiteral("totp"),
                               QStringLiteral("login: the current MFA code (or a recovery code), "
                                              "for both factors at once."),
                               QStringLiteral("code")};
const QCommandLineOption kPasswordFile{QStringLiteral("password-file"),
                                       QStringLiteral("Read the password from this file instead "
                                                      "of standard input."),
                                       QStringLiteral("path")};

int printSignIn(const CtlContext &context, const Credentials::SignIn &signIn)
{
    const IssuedSession &session = *signIn.session;
    const QString expiresAt = UserRows::isoUtc(session.session.idleExpiresAt);
    if (signIn.mfaRequired) {
        return context.output.success({{QStringLiteral("MFA required"), QStringLiteral("yes")},
                                       {QStringLiteral("Challenge"), session.token}},
                                      QJsonObject{{QStringLiteral("mfaRequired"), true},
                                                  {QStringLiteral("challenge"), session.token},
                                                  {QStringLiteral("expiresAt"), expiresAt}});
    }
    return context.output.success(
        {{QStringLiteral("Token"), session.token},
         {QStringLiteral("Session"), session.session.id},
         {QStringLiteral("Expires"), expiresAt},
         {QStringLiteral("MFA"),
          signIn.mfaAuthenticated       ? QStringLiteral("yes")
              : signIn.mfaSetupRequired ? QStringLiteral("required; enrol")
                                        : QStringLiteral("no")}},
        QJsonObject{{QStringLiteral("token"), session.token},
                    {QStringLiteral("sessionId"), session.session.id},
                    {QStringLiteral("expiresAt"), expiresAt},
                    {QStringLiteral("mfaAuthenticated"), signIn.mfaAuthenticated},
                    {QStringLiteral("mfaSetupRequired"), signIn.mfaSetupRequired},
                    {QStringLiteral("user"), UserRows::toJson(signIn.user)}});
}

int login(const CtlContext &context, AdminBackend &backend, const QStringList &arguments,
          const QCommandLineParser &parser)
{
    if (arguments.size() != 2)
        return context.output.usageError(QStringLiteral("auth login needs a username."));
    Result<QString> password = SecretInput::read(
        QStringLiteral("Password for %1: ").arg(arguments.at(1)), parser.value(kPasswordFile));
    if (!password)
        return context.output.failure(password.error());
    Result<Credentials::SignIn> signIn =
        await(backend.login(arguments.at(1), *password, parser.value(kTotp)));
    if (!signIn)
        return context.output.failure(signIn.error());
    return printSignIn(context, *signIn);
}

// The TOTP step of a sign-in: the challenge from `auth login` on stdin, the code in --code.
int completeMfa(const CtlContext &context, AdminBackend &backend, const QCommandLineParser &parser)
{
    if (!parser.isSet(kCode))
        return context.output.usageError(QStringLiteral("auth mfa needs --code."));
    Result<QString> challenge = SecretInput::read(QStringLiteral("Challenge: "));
    if (!challenge)
        return context.output.failure(challenge.error());
    Result<Credentials::SignIn> signIn =
        await(backend.completeLogin(*challenge, parser.value(kCode)));
    if (!signIn)
        return context.output.failure(signIn.error());
    return printSignIn(context, *signIn);
}

int verify(const CtlContext &context, AdminBackend &backend)
{
    Result<QString> token = SecretInput::read(QStringLiteral("Session token: "));
    if (!token)
        return context.output.failure(token.error());
    Result<ValidatedSession> session = await(backend.validateSession(*token));
    if (!session)
        return context.output.failure(session.error());
    return context.output.success(
        {{QStringLiteral("Valid"), QStringLiteral("yes")},
         {QStringLiteral("User"), session->username},
         {QStringLiteral("Session"), session->sessionId}},
        QJsonObject{{QStringLiteral("valid"), true},
                    {QStringLiteral("userId"), session->userId},
                    {QStringLiteral("username"), session->username},
                    {QStringLiteral("sessionId"), session->sessionId},
                    {QStringLiteral("mfaAuthenticated"), session->mfaAuthenticated}});
}

int logout(const CtlContext &context, AdminBackend &backend)
{
    Result<QString> token = SecretInput::read(QStringLiteral("Session token: "));
    if (!token)
        return context.output.failure(token.error());
    if (Result<void> done = await(backend.logout(*token)); !done)
        return context.output.failure(done.error());
    return context.output.success({{QStringLiteral("Signed out"), QStringLiteral("yes")}},
                                  QJsonObject{{QStringLiteral("signedOut"), true}});
}

int redeem(const CtlContext &context, AdminBackend &backend, const QCommandLineParser &parser)
{
    if (!parser.isSet(kCode))
        return context.output.usageError(QStringLiteral("auth redeem needs --code."));
    Result<QString> password =
        SecretInput::read(QStringLiteral("New password: "), parser.value(kPasswordFile));
    if (!password)
        return context.output.failure(password.error());
    Result<User> user = await(backend.redeemPasswordCode(parser.value(kCode), *password));
    if (!user)
        return context.output.failure(user.error());
    return context.output.success({{QStringLiteral("Password set for"), user->username}},
                                  QJsonObject{{QStringLiteral("user"), UserRows::toJson(*user)}});
}

int run(const CtlContext &context, const QCommandLineParser &parser)
{
    const QStringList arguments = parser.positionalArguments();
    const QString action = arguments.value(0);
    const QStringList known{QStringLiteral("login"), QStringLiteral("verify"),
                            QStringLiteral("logout"), QStringLiteral("redeem"),
                            QStringLiteral("mfa")};
    if (!known.contains(action)) {
        return context.output.usageError(
            action.isEmpty() ? QStringLiteral("auth needs an action: login, mfa, verify, logout "
                                              "or redeem.")
                             : QStringLiteral("unknown auth action '%1'.").arg(action));
    }
    if (action != QStringLiteral("login") && arguments.size() > 1)
        return context.output.usageError(
            QStringLiteral("too many arguments for 'auth %1'.").arg(action));
    Result<std::unique_ptr<CtlBackend>> opened = CtlBackend::open(context.storePath);
    if (!opened)
        return context.output.failure(opened.error());
    AdminBackend &backend = (*opened)->backend();
    if (action == QStringLiteral("login"))
        return login(context, backend, arguments, parser);
    if (action == QStringLiteral("verify"))
        return verify(context, backend);
    if (action == QStringLiteral("logout"))
        return logout(context, backend);
    if (action == QStringLiteral("mfa"))
        return completeMfa(context, backend, parser);
    return redeem(context, backend, parser);
}

} // namespace

QList<CtlCommand> authCommands()
{
    return {CtlCommand{
        QStringLiteral("auth"),
        QStringLiteral("End-user flows: login NAME [--totp CODE] (password on stdin; prints the "
                       "session token, or an MFA challenge), mfa --code CODE (the challenge on "
                       "stdin; completes the sign-in), verify and logout (token on stdin), redeem "
                       "--code CODE (new password on stdin)."),
        [](QCommandLineParser &parser) {
            parser.addOptions({kCode, kTotp, kPasswordFile});
            parser.addPositionalArgument(QStringLiteral("action"),
                                         QStringLiteral("login, mfa, verify, logout or redeem."),
                                         QStringLiteral("<action> [name]"));
        },
        run,
        2,
    }};
}

} // namespace gatehouse::ctl
