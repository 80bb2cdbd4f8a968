#include "CtlCommand.h"

#include "CtlBackend.h"
#include "Duration.h"
#include "SecretInput.h"
#include "UserCommandSupport.h"
#include "auth/ServiceTokenRows.h"
#include "auth/TokenFormat.h"
#include "auth/UserRows.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace gatehouse::ctl {

namespace {

using UserSupport::plain;

constexpr qsizetype kMaxPolicyFileBytes = 64 * 1024;

const QCommandLineOption &kAs = signInOption();
const QCommandLineOption kOwner{QStringLiteral("owner"),
                                QStringLiteral("create: whose token (default: yourself); list: "
                                               "only this user's tokens."),
                                QStringLiteral("name")};
const QCommandLineOption kName{QStringLiteral("name"),
                               QStringLiteral("create: what the token is for (1-100 characters)."),
                               QStringLiteral("text")};
const QCommandLineOption kScope{QStringLiteral("scope"),
                                QStringLiteral("create: admin, admin:read or introspect; "
                                               "repeatable."),
                                QStringLiteral("scope")};
const QCommandLineOption kExpiresIn{QStringLiteral("expires-in"),
                                    QStringLiteral("create, rotate: lifetime from now (30m, 12h, "
                                                   "30d); create defaults to the policy's, rotate "
                                                   "keeps the expiry."),
                                    QStringLiteral("duration")};
const QCommandLineOption kStatus{QStringLiteral("status"),
                                 QStringLiteral("list: active, inactive, expired or revoked."),
                                 QStringLiteral("status")};
const QCommandLineOption kExpiringWithin{QStringLiteral("expiring-within"),
                                         QStringLiteral("list: live tokens that expire within "
                                                        "this span (7d)."),
                                         QStringLiteral("duration")};
const QCommandLineOption kStale{QStringLiteral("stale"),
                                QStringLiteral("list: live tokens whose secret is older than the "
                                               "policy's rotation age.")};
const QCommandLineOption kLimit{QStringLiteral("limit"),
                                QStringLiteral("list: tokens per page (1-1000, default 50)."),
                                QStringLiteral("n")};
const QCommandLineOption kPageToken{QStringLiteral("page-token"),
                                    QStringLiteral("list: continue after a previous page."),
                                    QStringLiteral("token")};
const QCommandLineOption kGrace{QStringLiteral("grace"),
                                QStringLiteral("rotate: how long the old secret keeps working "
                                               "(0s default: it stops at once; at most 7d)."),
                                QStringLiteral("duration")};
const QCommandLineOption kGeneration{QStringLiteral("generation"),
                                     QStringLiteral("rotate: fail unless the token is still at "
                                                    "this generation (default: as read now)."),
                                     QStringLiteral("n")};
const QCommandLineOption kReason{QStringLiteral("reason"),
                                 QStringLiteral("deactivate, activate, revoke: why, for the audit "
                                                "trail."),
                                 QStringLiteral("text")};
const QCommandLineOption kTokenFile{QStringLiteral("token-file"),
                                    QStringLiteral("verify: read the token from this file instead "
                                                   "of standard input."),
                                    QStringLiteral("path")};
const QCommandLineOption kSet{QStringLiteral("set"),
                              QStringLiteral("policy: replace the policy with the JSON object in "
                                             "this file (left-out settings take their "
                                             "defaults)."),
                              QStringLiteral("file")};

struct Action {
    QString name;
    QString usage; // for --help
    bool takesId = false;
    bool signsIn = true;
    QStringList options; // besides --as and the global options
};

QString nameOf(const QCommandLineOption &option)
{
    return option.names().first();
}

const QList<Action> &actions()
{
    static const QList<Action> list{
        {QStringLiteral("create"),
         QStringLiteral("create [--owner NAME] --name TEXT --scope S [--scope S]...\n"
                        "                          [--expires-in DURATION]\n"
                        "      New token; prints its id and secret, shown only this once."),
         false,
         true,
         {nameOf(kOwner), nameOf(kName), nameOf(kScope), nameOf(kExpiresIn)}},
        {QStringLiteral("list"),
         QStringLiteral("list [--owner NAME] [--status S] [--expiring-within DURATION] [--stale]\n"
                        "                        [--limit N] [--page-token T]\n"
                        "      One page of tokens, newest first (--json: "
                        "{\"tokens\":[...],\"nextPageToken\":\"...\"})."),
         false,
         true,
         {nameOf(kOwner), nameOf(kStatus), nameOf(kExpiringWithin), nameOf(kStale), nameOf(kLimit),
          nameOf(kPageToken)}},
        {QStringLiteral("show"),
         QStringLiteral("show ID\n      One token, by its id."),
         true,
         true,
         {}},
        {QStringLiteral("rotate"),
         QStringLiteral("rotate ID [--grace DURATION] [--expires-in DURATION] [--generation N]\n"
                        "      New secret, shown only this once; the old one works for the grace "
                        "period."),
         true,
         true,
         {nameOf(kGrace), nameOf(kExpiresIn), nameOf(kGeneration)}},
        {QStringLiteral("deactivate"),
         QStringLiteral("deactivate ID [--reason TEXT]\n      Stops the token until activated."),
         true,
         true,
         {nameOf(kReason)}},
        {QStringLiteral("activate"),
         QStringLiteral("activate ID [--reason TEXT]"),
         true,
         true,
         {nameOf(kReason)}},
        {QStringLiteral("revoke"),
         QStringLiteral("revoke ID [--reason TEXT]\n      Ends the token for good; revoking "
                        "again is not an error."),
         true,
         true,
         {nameOf(kReason)}},
        {QStringLiteral("verify"),
         QStringLiteral("verify [--token-file PATH]\n"
                        "      Checks the token on stdin: exit 0 if valid, 1 if not. No sign-in."),
         false,
         false,
         {nameOf(kTokenFile)}},
        {QStringLiteral("purge"),
         QStringLiteral("purge\n      Deletes tokens that ended longer ago than the policy's "
                        "retention."),
         false,
         true,
         {}},
        {QStringLiteral("policy"),
         QStringLiteral("policy [--set FILE]\n"
                        "      Shows the token policy, or replaces it (keys: maxLifetimeDays, "
                        "defaultLifetimeDays,\n"
                        "      rotationAgeDays, retentionDays)."),
         false,
         true,
         {nameOf(kSet)}},
    };
    return list;
}

QString actionNames()
{
    QStringList names;
    for (const Action &action : actions())
        names.append(action.name);
    return names.join(QStringLiteral(", "));
}

// The parser wraps argument descriptions to a narrow column; the description above the
// options is printed as written, so the actions go there.
QString description()
{
    QString text = QStringLiteral(
        "Manage service tokens (API keys): ghk_<id>_<secret>_<checksum>.\n"
        "Every action but verify needs --as USER (password from $GATEHOUSE_PASSWORD or stdin)\n"
        "or a session or admin-scoped service token in $GATEHOUSE_TOKEN.\n"
        "Scopes: admin (the owner's roles), admin:read (only their read permissions),\n"
        "introspect (no admin rights; for resource servers checking tokens).\n\n"
        "Actions:");
    for (const Action &action : actions())
        text += QStringLiteral("\n  gatehousectl token ") + action.usage;
    return text;
}

// Everything an action needs, checked before signing in so usage errors never ask for a
// password and never touch the store.
struct Request {
    QString id;
    QString owner;
    NewServiceToken newToken;
    ServiceTokenRotation rotation;
    ServiceTokenQuery query;
    QString reason;
    QString policyFile;
};

QString checkOptions(const Action &action, const QCommandLineParser &parser)
{
    static const QStringList common{QStringLiteral("as"), QStringLiteral("db"),
                                    QStringLiteral("json"), QStringLiteral("verbose")};
    for (const QString &name : parser.optionNames()) {
        if (!common.contains(name) && !action.options.contains(name))
            return QStringLiteral("'token %1' takes no --%2.").arg(action.name, name);
    }
    if (!action.signsIn && parser.isSet(kAs))
        return QStringLiteral("'token %1' needs no sign-in; leave out --as.").arg(action.name);
    return {};
}

// A positive duration from an option, or a usage message.
QString readDuration(const QCommandLineParser &parser, const QCommandLineOption &option,
                     bool allowZero, qint64 &out)
{
    const std::optional<qint64> seconds = parseDuration(parser.value(option));
    if (!seconds || (*seconds == 0 && !allowZero))
        return QStringLiteral("--%1 takes a duration such as 30m, 12h or 7d.").arg(nameOf(option));
    out = *seconds;
    return {};
}

QString prepareCreate(const QCommandLineParser &parser, Request &request)
{
    if (!parser.isSet(kName))
        return QStringLiteral("token create needs --name: say what the token is for.");
    if (!parser.isSet(kScope))
        return QStringLiteral("token create needs at least one --scope: admin, admin:read or "
                              "introspect.");
    request.owner = parser.value(kOwner);
    request.newToken.name = parser.value(kName);
    for (const QString &name : parser.values(kScope)) {
        const std::optional<ServiceTokenScope> scope = scopeFromName(name);
        if (!scope)
            return QStringLiteral("unknown scope '%1'; use admin, admin:read or introspect.")
                .arg(plain(name));
        request.newToken.scopes.append(*scope);
    }
    if (parser.isSet(kExpiresIn))
        return readDuration(parser, kExpiresIn, false, request.newToken.expiresInSeconds);
    return {};
}

QString prepareList(const QCommandLineParser &parser, Request &request)
{
    ServiceTokenQuery &query = request.query;
    request.owner = parser.value(kOwner);
    if (parser.isSet(kStatus)) {
        query.status = serviceTokenStatusFromName(parser.value(kStatus));
        if (!query.status)
            return QStringLiteral("--status must be active, inactive, expired or revoked.");
    }
    if (parser.isSet(kExpiringWithin)) {
        qint64 seconds = 0;
        if (const QString wrong = readDuration(parser, kExpiringWithin, false, seconds);
            !wrong.isEmpty())
            return wrong;
        query.expiringWithinSeconds = seconds;
    }
    query.stale = parser.isSet(kStale);
    if (parser.isSet(kLimit)) {
        bool ok = false;
        const int limit = parser.value(kLimit).toInt(&ok);
        if (!ok || limit < 1 || limit > 1000)
            return QStringLiteral("--limit must be a number from 1 to 1000.");
        query.pageSize = limit;
    }
    query.pageToken = parser.value(kPageToken);
    return {};
}

QString prepareRotate(const QCommandLineParser &parser, Request &request)
{
    if (parser.isSet(kGrace)) {
        if (const QString wrong = readDuration(parser, kGrace, true, request.rotation.graceSeconds);
            !wrong.isEmpty())
            return wrong;
    }
    if (parser.isSet(kExpiresIn)) {
        if (const QString wrong =
                readDuration(parser, kExpiresIn, false, request.rotation.expiresInSeconds);
            !wrong.isEmpty())
            return wrong;
    }
    if (parser.isSet(kGeneration)) {
        bool ok = false;
        request.rotation.expectedGeneration = parser.value(kGeneration).toInt(&ok);
        if (!ok || request.rotation.expectedGeneration < 1)
            return QStringLiteral("--generation must be a whole number from 1.");
    }
    return {};
}

QString prepare(const Action &action, const QCommandLineParser &parser, Request &request)
{
    const QString name = action.name;
    if (name == u"create")
        return prepareCreate(parser, request);
    if (name == u"list")
        return prepareList(parser, request);
    if (name == u"rotate")
        return prepareRotate(parser, request);
    if (name == u"deactivate" || name == u"activate" || name == u"revoke")
        request.reason = parser.value(kReason);
    if (name == u"policy")
        request.policyFile = parser.value(kSet);
    return {};
}

QString scopeList(const QList<ServiceTokenScope> &scopes)
{
    QStringList names;
    for (const ServiceTokenScope scope : scopes)
        names.append(scopeName(scope));
    return names.join(QLatin1Char(','));
}

QString timeOr(const QDateTime &time, const QString &fallback)
{
    return time.isValid() ? UserRows::isoUtc(time) : fallback;
}

QList<QPair<QString, QString>> describe(const ServiceToken &token, const QDateTime &now)
{
    QList<QPair<QString, QString>> fields{
        {QStringLiteral("Id"), token.id},
        {QStringLiteral("Owner"), plain(token.ownerUsername)},
        {QStringLiteral("Name"), plain(token.name)},
        {QStringLiteral("Scopes"), scopeList(token.scopes)},
        {QStringLiteral("Status"), serviceTokenStatusName(token.status(now))},
        {QStringLiteral("Created"), timeOr(token.createdAt, QStringLiteral("-"))},
        {QStringLiteral("Expires"), timeOr(token.expiresAt, QStringLiteral("-"))},
        {QStringLiteral("Generation"), QString::number(token.generation)},
        {QStringLiteral("Secret issued"), timeOr(token.rotatedAt, QStringLiteral("-"))},
    };
    if (token.previousSecretRetiresAt.isValid() && token.previousSecretRetiresAt > now)
        fields.append(
            {QStringLiteral("Old secret until"), UserRows::isoUtc(token.previousSecretRetiresAt)});
    if (token.deactivatedAt.isValid())
        fields.append({QStringLiteral("Deactivated"), UserRows::isoUtc(token.deactivatedAt)});
    if (token.revokedAt.isValid()) {
        fields.append({QStringLiteral("Revoked"), UserRows::isoUtc(token.revokedAt)});
        fields.append({QStringLiteral("Revoke reason"), plain(token.revokeReason)});
    }
    fields.append({QStringLiteral("Last used"), timeOr(token.lastUsedAt, QStringLiteral("never"))});
    if (token.lastUsedAt.isValid())
        fields.append({QStringLiteral("Last used from"), plain(token.lastUsedIp)});
    return fields;
}

int printToken(const CtlContext &context, const ServiceToken &token)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    return context.output.success(describe(token, now), ServiceTokenRows::toJson(token, now));
}

// The secret is printed here and nowhere else, once; the store keeps only its hash.
int printSecret(const CtlContext &context, const ServiceTokenSecret &issued)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QList<QPair<QString, QString>> fields = describe(issued.token, now);
    fields.append({QStringLiteral("Secret"), issued.secret});
    fields.append({QStringLiteral("Note"),
                   QStringLiteral("the secret is shown only this once; store it now.")});
    QJsonObject json = ServiceTokenRows::toJson(issued.token, now);
    json.insert(QStringLiteral("secret"), issued.secret);
    return context.output.success(fields, json);
}

// A user named on the command line: the caller themselves without a directory lookup (people
// without users:read may still name themselves), else by id, username or e-mail.
Result<QString> userIdOf(AdminBackend &backend, const Actor &actor, const QString &target)
{
    if (target.isEmpty() || target == actor.userId || target == actor.username)
        return actor.userId;
    Result<User> user = await(UserSupport::looksLikeId(target) ? backend.getUser(target)
                                                               : backend.findUser(target));
    if (!user)
        return user.error();
    return user->id;
}

int list(const CtlContext &context, AdminBackend &backend, const Actor &actor,
         const Request &request)
{
    ServiceTokenQuery query = request.query;
    if (!request.owner.isEmpty()) {
        Result<QString> id = userIdOf(backend, actor, request.owner);
        if (!id)
            return context.output.failure(id.error());
        query.ownerId = *id;
    }
    Result<Page<ServiceToken>> page = await(backend.listServiceTokens(query));
    if (!page)
        return context.output.failure(page.error());
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (context.output.json()) {
        QJsonArray tokens;
        for (const ServiceToken &token : page->items)
            tokens.append(ServiceTokenRows::toJson(token, now));
        return context.output.success(
            {},
            QJsonObject{{QStringLiteral("tokens"), tokens},
                        {QStringLiteral("nextPageToken"), page->nextPageToken}});
    }
    QList<QStringList> rows{{QStringLiteral("ID"), QStringLiteral("OWNER"), QStringLiteral("NAME"),
                             QStringLiteral("SCOPES"), QStringLiteral("STATUS"),
                             QStringLiteral("EXPIRES"), QStringLiteral("LAST USED")}};
    for (const ServiceToken &token : page->items) {
        rows.append({token.id, plain(token.ownerUsername), plain(token.name),
                     scopeList(token.scopes), serviceTokenStatusName(token.status(now)),
                     timeOr(token.expiresAt, QStringLiteral("-")),
                     timeOr(token.lastUsedAt, QStringLiteral("never"))});
    }
    QString text = UserSupport::textTable(rows);
    if (!page->nextPageToken.isEmpty())
        text += QStringLiteral("More: --page-token %1\n").arg(plain(page->nextPageToken));
    context.output.printText(text);
    return CtlOutput::Success;
}

int rotate(const CtlContext &context, AdminBackend &backend, const Request &request)
{
    ServiceTokenRotation rotation = request.rotation;
    // Without --generation, the generation read now: a rotation by someone else between this
    // read and the rotation still fails with Conflict rather than retiring their new secret.
    if (rotation.expectedGeneration == 0) {
        Result<ServiceToken> token = await(backend.getServiceToken(request.id));
        if (!token)
            return context.output.failure(token.error());
        rotation.expectedGeneration = token->generation;
    }
    Result<ServiceTokenSecret> rotated = await(backend.rotateServiceToken(request.id, rotation));
    if (!rotated)
        return context.output.failure(rotated.error());
    return printSecret(context, *rotated);
}

Result<ServiceTokenPolicy> readPolicyFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("Cannot read %1: %2.").arg(path, file.errorString()));
    }
    const QByteArray bytes = file.read(kMaxPolicyFileBytes + 1);
    if (bytes.size() > kMaxPolicyFileBytes) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("%1 is larger than 64 KiB; a policy is a small JSON "
                                        "object.")
                             .arg(path));
    }
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject()) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("%1 does not hold one JSON object.").arg(path));
    }
    return ServiceTokenPolicy::fromJson(document.object());
}

int policy(const CtlContext &context, AdminBackend &backend, const Request &request)
{
    Result<ServiceTokenPolicy> result = makeError(ErrorCode::Internal, {});
    if (request.policyFile.isEmpty()) {
        result = await(backend.serviceTokenPolicy());
    } else {
        Result<ServiceTokenPolicy> wanted = readPolicyFile(request.policyFile);
        result = wanted ? await(backend.setServiceTokenPolicy(*wanted)) : wanted;
    }
    if (!result)
        return context.output.failure(result.error());
    const QJsonObject json = result->toJson();
    QList<QPair<QString, QString>> fields;
    for (auto it = json.begin(); it != json.end(); ++it)
        fields.append({it.key(), QString::number(it.value().toInt())});
    return context.output.success(fields, QJsonObject{{QStringLiteral("policy"), json}});
}

int perform(const CtlContext &context, AdminBackend &backend, const Actor &actor,
            const QString &name, const Request &request)
{
    if (name == u"create") {
        NewServiceToken wanted = request.newToken;
        if (!request.owner.isEmpty()) {
            Result<QString> id = userIdOf(backend, actor, request.owner);
            if (!id)
                return context.output.failure(id.error());
            wanted.ownerId = *id;
        }
        Result<ServiceTokenSecret> created = await(backend.createServiceToken(wanted));
        if (!created)
            return context.output.failure(created.error());
        return printSecret(context, *created);
    }
    if (name == u"list")
        return list(context, backend, actor, request);
    if (name == u"rotate")
        return rotate(context, backend, request);
    if (name == u"policy")
        return policy(context, backend, request);
    if (name == u"purge") {
        Result<int> purged = await(backend.purgeServiceTokens());
        if (!purged)
            return context.output.failure(purged.error());
        return context.output.success({{QStringLiteral("Deleted"), QString::number(*purged)}},
                                      QJsonObject{{QStringLiteral("deleted"), *purged}});
    }
    Result<ServiceToken> token = makeError(ErrorCode::Internal, {});
    if (name == u"show")
        token = await(backend.getServiceToken(request.id));
    else if (name == u"deactivate" || name == u"activate")
        token =
            await(backend.setServiceTokenActive(request.id, name == u"activate", request.reason));
    else
        token = await(backend.revokeServiceToken(request.id, request.reason));
    if (!token)
        return context.output.failure(token.error());
    return printToken(context, *token);
}

int verify(const CtlContext &context, const QCommandLineParser &parser)
{
    Result<QString> secret =
        SecretInput::read(QStringLiteral("Service token: "), parser.value(kTokenFile));
    if (!secret)
        return context.output.failure(secret.error());
    Result<std::unique_ptr<CtlBackend>> opened = CtlBackend::open(context.storePath);
    if (!opened)
        return context.output.failure(opened.error());
    Result<ValidatedServiceToken> valid = await((*opened)->backend().verifyServiceToken(*secret));
    if (!valid)
        return context.output.failure(valid.error());
    QJsonArray scopes;
    for (const ServiceTokenScope scope : valid->scopes)
        scopes.append(scopeName(scope));
    const QString expiresAt = UserRows::isoUtc(valid->expiresAt);
    return context.output.success({{QStringLiteral("Valid"), QStringLiteral("yes")},
                                   {QStringLiteral("Id"), valid->keyId},
                                   {QStringLiteral("Owner"), plain(valid->username)},
                                   {QStringLiteral("Scopes"), scopeList(valid->scopes)},
                                   {QStringLiteral("Expires"), expiresAt}},
                                  QJsonObject{{QStringLiteral("valid"), true},
                                              {QStringLiteral("id"), valid->keyId},
                                              {QStringLiteral("ownerId"), valid->userId},
                                              {QStringLiteral("owner"), valid->username},
                                              {QStringLiteral("name"), valid->name},
                                              {QStringLiteral("scopes"), scopes},
                                              {QStringLiteral("expiresAt"), expiresAt}});
}

int run(const CtlContext &context, const QCommandLineParser &parser)
{
    const QStringList arguments = parser.positionalArguments();
    if (arguments.isEmpty())
        return context.output.usageError(
            QStringLiteral("token needs an action; see 'gatehousectl token --help'."));
    const auto action = std::find_if(actions().begin(), actions().end(),
                                     [&](const Action &a) { return a.name == arguments.first(); });
    if (action == actions().end())
        return context.output.usageError(
            QStringLiteral("unknown token action '%1'; see 'gatehousectl token --help'.")
                .arg(plain(arguments.first())));
    if (action->takesId && (arguments.size() < 2 || arguments.at(1).isEmpty()))
        return context.output.usageError(
            QStringLiteral("'token %1' needs a token id: gatehousectl token %2")
                .arg(action->name, action->usage.section(QLatin1Char('\n'), 0, 0)));
    if (arguments.size() > (action->takesId ? 2 : 1))
        return context.output.usageError(
            QStringLiteral("too many arguments for 'token %1'.").arg(action->name));
    // A whole token typed where its id belongs is already exposed in the process list; at
    // least it goes no further, and is not echoed.
    if (action->takesId && arguments.at(1).startsWith(TokenFormat::ServiceTokenPrefix))
        return context.output.usageError(
            QStringLiteral("give the token's id (the 20 characters after ghk_), never the token "
                           "itself; if that was a real token, rotate it."));
    if (const QString wrong = checkOptions(*action, parser); !wrong.isEmpty())
        return context.output.usageError(wrong);
    Request request;
    request.id = arguments.value(1);
    if (const QString wrong = prepare(*action, parser, request); !wrong.isEmpty())
        return context.output.usageError(wrong);
    if (!action->signsIn)
        return verify(context, parser);
    if (!hasSignIn(parser))
        return context.output.usageError(
            QStringLiteral("'token %1' needs --as USER (or a session or admin-scoped service "
                           "token in GATEHOUSE_TOKEN).")
                .arg(action->name));

    Result<std::unique_ptr<CtlBackend>> opened =
        CtlBackend::openAs(context.storePath, parser.value(kAs));
    if (!opened)
        return context.output.failure(opened.error());
    AdminBackend &backend = (*opened)->backend();
    return perform(context, backend, (*opened)->caller(), action->name, request);
}

} // namespace

QList<CtlCommand> tokenCommands()
{
    return {
        CtlCommand{
            QStringLiteral("token"),
            QStringLiteral("Service tokens (API keys): create, list, show, rotate, deactivate, "
                           "activate, revoke, verify, purge, policy."),
            [](QCommandLineParser &parser) {
                parser.setApplicationDescription(description());
                parser.addPositionalArgument(QStringLiteral("action"),
                                             QStringLiteral("One of: ") + actionNames() + u'.',
                                             QStringLiteral("<action> [ID]"));
                parser.addOptions({kAs, kOwner, kName, kScope, kExpiresIn, kStatus, kExpiringWithin,
                                   kStale, kLimit, kPageToken, kGrace, kGeneration, kReason,
                                   kTokenFile, kSet});
            },
            run,
            2,
        },
    };
}

} // namespace gatehouse::ctl
