#include "CtlCommand.h"

#include "CtlBackend.h"
#include "Duration.h"
#include "SecretInput.h"
#include "UserCommandSupport.h"
#include "auth/AccessTokens.h"
#include "auth/UserRows.h"

#include <QJsonArray>
#include <QJsonObject>

namespace gatehouse::ctl {

namespace {

using UserSupport::plain;

const QCommandLineOption &kAs = signInOption();
const QCommandLineOption kTokenFile{QStringLiteral("token-file"),
                                    QStringLiteral("issue, verify: read the session token "
                                                   "(issue) or the JWT (verify) from this file "
                                                   "instead of standard input."),
                                    QStringLiteral("path")};
const QCommandLineOption kIssuer{QStringLiteral("issuer"),
                                 QStringLiteral("policy: the iss of new tokens, and the only one "
                                                "verification accepts."),
                                 QStringLiteral("text")};
const QCommandLineOption kAudience{QStringLiteral("audience"),
                                   QStringLiteral("policy: the aud of new tokens, and the one "
                                                  "verification requires."),
                                   QStringLiteral("text")};
const QCommandLineOption kLifetime{QStringLiteral("lifetime"),
                                   QStringLiteral("policy: how long a token is valid, 1m to 15m "
                                                  "(e.g. 600s, 10m)."),
                                   QStringLiteral("duration")};
const QCommandLineOption kLeeway{QStringLiteral("leeway"),
                                 QStringLiteral("policy: clock skew tolerated for exp, nbf and "
                                                "iat, 0s to 60s."),
                                 QStringLiteral("duration")};

int issue(const CtlContext &context, const QCommandLineParser &parser)
{
    Result<QString> sessionToken =
        SecretInput::read(QStringLiteral("Session token: "), parser.value(kTokenFile));
    if (!sessionToken)
        return context.output.failure(sessionToken.error());
    // The session token is the credential: no --as.
    Result<std::unique_ptr<CtlBackend>> opened = CtlBackend::open(context.storePath);
    if (!opened)
        return context.output.failure(opened.error());
    Result<IssuedAccessToken> issued = await((*opened)->backend().issueAccessToken(*sessionToken));
    if (!issued)
        return context.output.failure(issued.error());
    const QString expiresAt = UserRows::isoUtc(issued->expiresAt);
    return context.output.success(
        {{QStringLiteral("Token"), issued->token}, {QStringLiteral("Expires"), expiresAt}},
        QJsonObject{{QStringLiteral("token"), issued->token},
                    {QStringLiteral("expiresAt"), expiresAt}});
}

int verify(const CtlContext &context, const QCommandLineParser &parser)
{
    Result<QString> jwt = SecretInput::read(QStringLiteral("JWT: "), parser.value(kTokenFile));
    if (!jwt)
        return context.output.failure(jwt.error());
    Result<std::unique_ptr<CtlBackend>> opened = CtlBackend::open(context.storePath);
    if (!opened)
        return context.output.failure(opened.error());
    Result<VerifiedAccessToken> verified = await((*opened)->backend().verifyAccessToken(*jwt));
    if (!verified)
        return context.output.failure(verified.error());
    return context.output.success(
        {{QStringLiteral("Valid"), QStringLiteral("yes")},
         {QStringLiteral("Subject"), plain(verified->userId)},
         {QStringLiteral("Session"), plain(verified->sessionId)},
         {QStringLiteral("Key"), plain(verified->kid)},
         {QStringLiteral("MFA"),
          verified->mfaAuthenticated ? QStringLiteral("yes") : QStringLiteral("no")},
         {QStringLiteral("Issued"), UserRows::isoUtc(verified->issuedAt)},
         {QStringLiteral("Expires"), UserRows::isoUtc(verified->expiresAt)}},
        QJsonObject{{QStringLiteral("valid"), true},
                    {QStringLiteral("kid"), verified->kid},
                    {QStringLiteral("expiresAt"), UserRows::isoUtc(verified->expiresAt)},
                    {QStringLiteral("claims"), verified->claims}});
}

bool changesPolicy(const QCommandLineParser &parser)
{
    return parser.isSet(kIssuer) || parser.isSet(kAudience) || parser.isSet(kLifetime)
        || parser.isSet(kLeeway);
}

int policy(const CtlContext &context, const QCommandLineParser &parser)
{
    if (!hasSignIn(parser))
        return context.output.usageError(
            QStringLiteral("jwt policy needs --as USER (or a session token in GATEHOUSE_TOKEN)."));
    Result<std::unique_ptr<CtlBackend>> opened =
        CtlBackend::openAs(context.storePath, parser.value(kAs));
    if (!opened)
        return context.output.failure(opened.error());
    AdminBackend &backend = (*opened)->backend();
    Result<JwtPolicy> result = await(backend.jwtPolicy());
    if (result && changesPolicy(parser)) {
        JwtPolicy wanted = *result;
        if (parser.isSet(kIssuer))
            wanted.issuer = parser.value(kIssuer);
        if (parser.isSet(kAudience))
            wanted.audience = parser.value(kAudience);
        if (parser.isSet(kLifetime))
            wanted.lifetimeSeconds = int(parseDuration(parser.value(kLifetime)).value_or(0));
        if (parser.isSet(kLeeway))
            wanted.leewaySeconds = int(parseDuration(parser.value(kLeeway)).value_or(0));
        result = await(backend.setJwtPolicy(wanted));
    }
    if (!result)
        return context.output.failure(result.error());
    return context.output.success(
        {{QStringLiteral("Issuer"), plain(result->issuer)},
         {QStringLiteral("Audience"), plain(result->audience)},
         {QStringLiteral("Lifetime"), QStringLiteral("%1s").arg(result->lifetimeSeconds)},
         {QStringLiteral("Leeway"), QStringLiteral("%1s").arg(result->leewaySeconds)}},
        QJsonObject{{QStringLiteral("policy"), result->toJson()}});
}

// Usage errors are found before any secret is read or the store is opened.
QString usageProblem(const QCommandLineParser &parser)
{
    const QStringList arguments = parser.positionalArguments();
    const QString action = arguments.value(0);
    if (action != u"issue" && action != u"verify" && action != u"policy")
        return QStringLiteral("jwt needs an action: issue, verify or policy.");
    if (arguments.size() > 1)
        return QStringLiteral("jwt %1 takes no arguments; tokens are read from standard input "
                              "or --token-file.")
            .arg(action);
    if (action != u"policy" && changesPolicy(parser))
        return QStringLiteral("--issuer, --audience, --lifetime and --leeway belong to 'jwt "
                              "policy'.");
    if (action == u"policy" && parser.isSet(kTokenFile))
        return QStringLiteral("--token-file belongs to 'jwt issue' and 'jwt verify'.");
    for (const QCommandLineOption *option : {&kLifetime, &kLeeway}) {
        if (parser.isSet(*option) && !parseDuration(parser.value(*option))) {
            return QStringLiteral("--%1 takes a duration such as 600s or 10m.")
                .arg(option->names().first());
        }
    }
    return {};
}

int run(const CtlContext &context, const QCommandLineParser &parser)
{
    if (const QString problem = usageProblem(parser); !problem.isEmpty())
        return context.output.usageError(problem);
    const QString action = parser.positionalArguments().first();
    if (action == u"issue")
        return issue(context, parser);
    if (action == u"verify")
        return verify(context, parser);
    return policy(context, parser);
}

} // namespace

QList<CtlCommand> jwtCommands()
{
    return {CtlCommand{
        QStringLiteral("jwt"),
        QStringLiteral("JWT access tokens: issue (session token on stdin; prints the token and "
                       "its expiry); verify (JWT on stdin; exit 0 with its claims, 1 if "
                       "invalid); policy [--issuer X] [--audience Y] [--lifetime D] [--leeway "
                       "D] (shows, or changes, the JWT policy; needs --as)."),
        [](QCommandLineParser &parser) {
            parser.addOptions({kAs, kTokenFile, kIssuer, kAudience, kLifetime, kLeeway});
            parser.addPositionalArgument(QStringLiteral("action"),
                                         QStringLiteral("issue, verify or policy."),
                                         QStringLiteral("<action>"));
        },
        run,
        1,
    }};
}

} // namespace gatehouse::ctl
