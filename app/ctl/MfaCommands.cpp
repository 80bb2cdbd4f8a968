#include "CtlCommand.h"

#include "CtlBackend.h"
#include "SecretInput.h"
#include "UserCommandSupport.h"
#include "auth/UserRows.h"

#include <QJsonArray>
#include <QJsonObject>

namespace gatehouse::ctl {

namespace {

const QCommandLineOption &kAs = signInOption();
const QCommandLineOption kCode{QStringLiteral("code"),
                               QStringLiteral("confirm: the current code from the new "
                                              "authenticator."),
                               QStringLiteral("code")};
const QCommandLineOption kReason{QStringLiteral("reason"),
                                 QStringLiteral("reset: why, for the audit trail."),
                                 QStringLiteral("text")};
const QCommandLineOption kPasswordFile{QStringLiteral("password-file"),
                                       QStringLiteral("Read the user's password from this file "
                                                      "instead of standard input."),
                                       QStringLiteral("path")};

struct Action {
    QString name;
    QString usage;
};

QList<Action> actions()
{
    return {
        {QStringLiteral("enroll"),
         QStringLiteral("enroll NAME\n"
                        "      Starts MFA for NAME (their password on stdin, and GATEHOUSE_TOTP\n"
                        "      if MFA is on already). Prints the secret and an otpauth:// URI,\n"
                        "      shown only this once.")},
        {QStringLiteral("confirm"),
         QStringLiteral("confirm NAME --code CODE\n"
                        "      Turns MFA on with a code from the new authenticator (password on\n"
                        "      stdin). Prints 10 single-use recovery codes, shown only once.")},
        {QStringLiteral("recovery-codes"),
         QStringLiteral("recovery-codes NAME\n"
                        "      Replaces NAME's recovery codes (password on stdin, code in\n"
                        "      GATEHOUSE_TOTP).")},
        {QStringLiteral("disable"),
         QStringLiteral("disable NAME\n"
                        "      Turns NAME's own MFA off, unless their roles require it (password\n"
                        "      on stdin, code in GATEHOUSE_TOTP).")},
        {QStringLiteral("reset"),
         QStringLiteral("reset NAME --as ADMIN [--reason TEXT]\n"
                        "      An administrator removes NAME's MFA (lost authenticator) and ends\n"
                        "      their sessions.")},
    };
}

QString description()
{
    QString text = QStringLiteral("TOTP multi-factor authentication.\n\nActions:");
    for (const Action &action : actions())
        text += QStringLiteral("\n  gatehousectl mfa ") + action.usage;
    return text;
}

// Self-service actions act as the user, signed in with their password (and code, once MFA is
// on): the same proof the change itself asks for.
struct SelfService {
    User user;
    QString password;
};

Result<SelfService> signInAsUser(CtlBackend &opened, const QString &name,
                                 const QCommandLineParser &parser)
{
    Result<QString> password = SecretInput::read(QStringLiteral("Password for %1: ").arg(name),
                                                 parser.value(kPasswordFile));
    if (!password)
        return password.error();
    Result<User> user = opened.signIn(name, *password);
    if (!user)
        return user.error();
    return SelfService{*user, *password};
}

int codesResult(const CtlContext &context, const QString &username, const QStringList &codes,
                QList<QPair<QString, QString>> fields = {})
{
    fields.prepend({QStringLiteral("User"), UserSupport::plain(username)});
    fields.append({QStringLiteral("Recovery codes"), codes.join(QStringLiteral(" "))});
    return context.output.success(
        fields,
        QJsonObject{{QStringLiteral("username"), username},
                    {QStringLiteral("recoveryCodes"), QJsonArray::fromStringList(codes)}});
}

int selfService(const CtlContext &context, CtlBackend &opened, const QString &action,
                const QString &name, const QCommandLineParser &parser)
{
    if (action == QStringLiteral("confirm") && parser.value(kCode).isEmpty())
        return context.output.usageError(QStringLiteral("mfa confirm needs --code."));
    Result<SelfService> self = signInAsUser(opened, name, parser);
    if (!self)
        return context.output.failure(self.error());
    AdminBackend &backend = opened.backend();
    if (action == QStringLiteral("enroll")) {
        Result<Mfa::Enrolment> enrolment = await(backend.enrollMfa(self->password));
        if (!enrolment)
            return context.output.failure(enrolment.error());
        return context.output.success(
            {{QStringLiteral("User"), UserSupport::plain(enrolment->account)},
             {QStringLiteral("Secret"), enrolment->secret},
             {QStringLiteral("URI"), enrolment->uri},
             {QStringLiteral("Next"),
              QStringLiteral("add it to an authenticator app, then run 'gatehousectl mfa "
                             "confirm %1 --code CODE'")
                  .arg(UserSupport::plain(enrolment->account))}},
            QJsonObject{{QStringLiteral("username"), enrolment->account},
                        {QStringLiteral("secret"), enrolment->secret},
                        {QStringLiteral("otpauthUri"), enrolment->uri},
                        {QStringLiteral("issuer"), enrolment->issuer}});
    }
    if (action == QStringLiteral("confirm")) {
        Result<Mfa::Activation> activation = await(backend.confirmMfa(parser.value(kCode)));
        if (!activation)
            return context.output.failure(activation.error());
        return codesResult(context, self->user.username, activation->recoveryCodes,
                           {{QStringLiteral("MFA"), QStringLiteral("on")}});
    }
    if (action == QStringLiteral("recovery-codes")) {
        Result<QStringList> codes = await(backend.regenerateRecoveryCodes(self->password));
        if (!codes)
            return context.output.failure(codes.error());
        return codesResult(context, self->user.username, *codes);
    }
    if (Result<void> off = await(backend.disableMfa(self->password)); !off)
        return context.output.failure(off.error());
    return context.output.success({{QStringLiteral("User"), UserSupport::plain(name)},
                                   {QStringLiteral("MFA"), QStringLiteral("off")}},
                                  QJsonObject{{QStringLiteral("username"), self->user.username},
                                              {QStringLiteral("mfaEnrolled"), false}});
}

int reset(const CtlContext &context, CtlBackend &opened, const QString &name,
          const QCommandLineParser &parser)
{
    if (!hasSignIn(parser))
        return context.output.usageError(QStringLiteral("mfa reset needs --as ADMIN."));
    if (Result<void> signedIn = opened.authenticate(parser.value(kAs)); !signedIn)
        return context.output.failure(signedIn.error());
    AdminBackend &backend = opened.backend();
    Result<User> target = await(backend.findUser(name));
    if (!target)
        return context.output.failure(target.error());
    Result<User> user = await(backend.resetUserMfa(target->id, parser.value(kReason)));
    if (!user)
        return context.output.failure(user.error());
    return context.output.success(UserSupport::describe(*user),
                                  QJsonObject{{QStringLiteral("user"), UserRows::toJson(*user)}});
}

int run(const CtlContext &context, const QCommandLineParser &parser)
{
    const QStringList arguments = parser.positionalArguments();
    const QString action = arguments.value(0);
    const QList<Action> all = actions();
    if (std::none_of(all.begin(), all.end(), [&](const Action &a) { return a.name == action; })) {
        return context.output.usageError(
            action.isEmpty() ? QStringLiteral("mfa needs an action: enroll, confirm, "
                                              "recovery-codes, disable or reset.")
                             : QStringLiteral("unknown mfa action '%1'.").arg(action));
    }
    if (arguments.size() != 2)
        return context.output.usageError(QStringLiteral("mfa %1 needs a user name.").arg(action));
    Result<std::unique_ptr<CtlBackend>> opened = CtlBackend::open(context.storePath);
    if (!opened)
        return context.output.failure(opened.error());
    if (action == QStringLiteral("reset"))
        return reset(context, **opened, arguments.at(1), parser);
    return selfService(context, **opened, action, arguments.at(1), parser);
}

} // namespace

QList<CtlCommand> mfaCommands()
{
    return {CtlCommand{
        QStringLiteral("mfa"),
        QStringLiteral("TOTP MFA: enroll, confirm, recovery-codes, disable (as the user), reset "
                       "(as an administrator)."),
        [](QCommandLineParser &parser) {
            parser.setApplicationDescription(description());
            parser.addOptions({kAs, kCode, kReason, kPasswordFile});
            parser.addPositionalArgument(QStringLiteral("action"),
                                         QStringLiteral("enroll, confirm, recovery-codes, disable "
                                                        "or reset."),
                                         QStringLiteral("<action> <name>"));
        },
        run,
        2,
    }};
}

} // namespace gatehouse::ctl
