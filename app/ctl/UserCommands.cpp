#include "CtlCommand.h"

#include "CtlBackend.h"
#include "Duration.h"
#include "UserCommandSupport.h"
#include "api/AdminJson.h"
#include "auth/UserRows.h"
#include "backend/LocalBackend.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>

namespace gatehouse::ctl {

namespace {

using namespace UserSupport;

const QCommandLineOption &kAs = signInOption();
const QCommandLineOption kEmail{QStringLiteral("email"),
                                QStringLiteral("create, update: the e-mail address (update: an "
                                               "empty value clears it)."),
                                QStringLiteral("address")};
const QCommandLineOption kDisplayName{QStringLiteral("display-name"),
                                      QStringLiteral("create, update: the display name."),
                                      QStringLiteral("name")};
const QCommandLineOption kRole{QStringLiteral("role"),
                               QStringLiteral("create, set-roles: a role, repeatable (owner, "
                                              "admin, operator, auditor, user); list: only users "
                                              "with this role."),
                               QStringLiteral("role")};
const QCommandLineOption kPrefix{QStringLiteral("prefix"),
                                 QStringLiteral("list: username, e-mail or display name starts "
                                                "with this (any case)."),
                                 QStringLiteral("text")};
const QCommandLineOption kStatus{QStringLiteral("status"),
                                 QStringLiteral("list: active or disabled."),
                                 QStringLiteral("status")};
const QCommandLineOption kMfa{QStringLiteral("mfa"),
                              QStringLiteral("list: MFA enrolled, yes or no."),
                              QStringLiteral("yes|no")};
const QCommandLineOption kLocked{QStringLiteral("locked"),
                                 QStringLiteral("list: locked now, yes or no."),
                                 QStringLiteral("yes|no")};
const QCommandLineOption kSort{QStringLiteral("sort"),
                               QStringLiteral("list: username (default), email, created or "
                                              "last-login."),
                               QStringLiteral("key")};
const QCommandLineOption kDesc{QStringLiteral("desc"), QStringLiteral("list: descending order.")};
const QCommandLineOption kLimit{QStringLiteral("limit"),
                                QStringLiteral("list: users per page, 1..1000 (default 50)."),
                                QStringLiteral("n")};
const QCommandLineOption kPageToken{QStringLiteral("page-token"),
                                    QStringLiteral("list: continue from a previous page's "
                                                   "nextPageToken."),
                                    QStringLiteral("token")};
const QCommandLineOption kAll{QStringLiteral("all"),
                              QStringLiteral("list: follow the pages to the end and print every "
                                             "user.")};
const QCommandLineOption kUntil{QStringLiteral("until"),
                                QStringLiteral("lock: until this ISO 8601 time (without an offset "
                                               "it is local time)."),
                                QStringLiteral("time")};
const QCommandLineOption kFor{QStringLiteral("for"),
                              QStringLiteral("lock: for this long: a number and s, m, h or d "
                                             "(30m, 12h, 7d)."),
                              QStringLiteral("duration")};
const QCommandLineOption kYes{QStringLiteral("yes"),
                              QStringLiteral("delete: required, so a script never deletes by "
                                             "accident.")};
const QCommandLineOption kFormat{QStringLiteral("format"),
                                 QStringLiteral("import: json or csv (default: from the file "
                                                "name's extension)."),
                                 QStringLiteral("json|csv")};
const QCommandLineOption kDryRun{QStringLiteral("dry-run"),
                                 QStringLiteral("import: check the whole file and report, but "
                                                "create nobody.")};

struct Action {
    QString name;
    QString usage; // for --help
    bool takesTarget = true;
    QStringList options; // besides --as and the global options
};

const QList<Action> &actions()
{
    const QString email = kEmail.names().first();
    const QString displayName = kDisplayName.names().first();
    const QString role = kRole.names().first();
    static const QList<Action> list{
        {QStringLiteral("create"),
         QStringLiteral("create NAME [--email E] [--display-name D] [--role R]...\n"
                        "      New user; prints a one-time setup code, shown only this once."),
         true,
         {email, displayName, role}},
        {QStringLiteral("list"),
         QStringLiteral(
             "list [--prefix P] [--status S] [--role R] [--mfa yes|no]\n"
             "                         [--locked yes|no] [--sort K] [--desc] [--limit N]\n"
             "                         [--page-token T] [--all]\n"
             "      One page of users (--json: {\"users\":[...],\"nextPageToken\":\"...\"})."),
         false,
         {kPrefix.names().first(), kStatus.names().first(), role, kMfa.names().first(),
          kLocked.names().first(), kSort.names().first(), kDesc.names().first(),
          kLimit.names().first(), kPageToken.names().first(), kAll.names().first()}},
        {QStringLiteral("show"),
         QStringLiteral("show ID|NAME|EMAIL\n      One user, by id, username or e-mail."),
         true,
         {}},
        {QStringLiteral("update"),
         QStringLiteral("update ID|NAME [--email E] [--display-name D]\n"
                        "      Changes only what is given; an empty --email clears it."),
         true,
         {email, displayName}},
        {QStringLiteral("disable"), QStringLiteral("disable ID|NAME"), true, {}},
        {QStringLiteral("enable"), QStringLiteral("enable ID|NAME"), true, {}},
        {QStringLiteral("lock"),
         QStringLiteral("lock ID|NAME (--until TIME | --for DURATION)"),
         true,
         {kUntil.names().first(), kFor.names().first()}},
        {QStringLiteral("unlock"),
         QStringLiteral("unlock ID|NAME\n      Ends a lock and clears the failed-attempt count."),
         true,
         {}},
        {QStringLiteral("delete"),
         QStringLiteral("delete ID|NAME --yes\n"
                        "      Deletes the user and ends their sessions and tokens."),
         true,
         {kYes.names().first()}},
        {QStringLiteral("reset-password"),
         QStringLiteral("reset-password ID|NAME\n"
                        "      Prints a one-time reset code, shown only this once."),
         true,
         {}},
        {QStringLiteral("set-roles"),
         QStringLiteral("set-roles ID|NAME --role R [--role R]...\n"
                        "      Replaces the user's roles."),
         true,
         {role}},
        {QStringLiteral("import"),
         QStringLiteral(
             "import FILE [--format json|csv] [--dry-run]\n"
             "      Users from a JSON ({\"users\":[...]} or [...]) or CSV (header row) file\n"
             "      with username, email, displayName, roles, status and passwordHash (scrypt\n"
             "      PHC or Node salt:hash; the user signs in with the old password). All or\n"
             "      none: any problem is listed by user, line and field, and nothing is\n"
             "      created. Users without a hash need a code from reset-password."),
         true,
         {kFormat.names().first(), kDryRun.names().first()}},
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
        "Manage the user directory as an administrator.\n"
        "Every action needs --as USER (password from $GATEHOUSE_PASSWORD or stdin).\n\n"
        "Actions:");
    for (const Action &action : actions())
        text += QStringLiteral("\n  gatehousectl user ") + action.usage;
    return text;
}

// Everything an action needs, checked before signing in so usage errors never ask for a
// password and never touch the store.
struct Request {
    QString target;
    NewUser newUser;
    UserChanges changes;
    QList<Role> roles;
    UserQuery query;
    bool all = false;
    QDateTime lockUntil;
    UserImport::Options importOptions;
};

QString checkOptions(const Action &action, const QCommandLineParser &parser)
{
    static const QStringList common{QStringLiteral("as"), QStringLiteral("db"),
                                    QStringLiteral("json"), QStringLiteral("verbose")};
    for (const QString &name : parser.optionNames()) {
        if (!common.contains(name) && !action.options.contains(name))
            return QStringLiteral("'user %1' takes no --%2.").arg(action.name, name);
    }
    return {};
}

QString prepareList(const QCommandLineParser &parser, Request &request)
{
    UserQuery &query = request.query;
    query.prefix = parser.value(kPrefix);
    if (parser.isSet(kStatus)) {
        query.status = parseStatus(parser.value(kStatus));
        if (!query.status)
            return QStringLiteral("--status must be active or disabled.");
    }
    const QStringList roles = parser.values(kRole);
    if (roles.size() > 1)
        return QStringLiteral("list takes at most one --role.");
    if (!roles.isEmpty()) {
        query.role = roleFromName(roles.first());
        if (!query.role)
            return QStringLiteral("unknown role '%1'.").arg(roles.first());
    }
    for (const auto &[option, filter] :
         {std::pair{&kMfa, &query.mfaEnrolled}, std::pair{&kLocked, &query.locked}}) {
        if (parser.isSet(*option)) {
            *filter = parseYesNo(parser.value(*option));
            if (!*filter)
                return QStringLiteral("--%1 must be yes or no.").arg(option->names().first());
        }
    }
    if (parser.isSet(kSort)) {
        const std::optional<UserQuery::SortKey> key = parseSort(parser.value(kSort));
        if (!key)
            return QStringLiteral("--sort must be username, email, created or last-login.");
        query.sortKey = *key;
    }
    query.descending = parser.isSet(kDesc);
    request.all = parser.isSet(kAll);
    // Following every page, fewer larger pages mean fewer round trips.
    query.pageSize = request.all ? 500 : 50;
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

QString prepareLock(const QCommandLineParser &parser, Request &request)
{
    if (parser.isSet(kUntil) == parser.isSet(kFor))
        return QStringLiteral("lock needs exactly one of --until TIME and --for DURATION.");
    if (parser.isSet(kFor)) {
        const std::optional<qint64> seconds = parseDuration(parser.value(kFor));
        if (!seconds || *seconds == 0)
            return QStringLiteral("--for takes a duration such as 30m, 12h or 7d, not '%1'.")
                .arg(parser.value(kFor));
        request.lockUntil = QDateTime::currentDateTimeUtc().addSecs(*seconds);
        return {};
    }
    const QDateTime until = QDateTime::fromString(parser.value(kUntil), Qt::ISODateWithMs);
    if (!until.isValid())
        return QStringLiteral("--until takes an ISO 8601 time such as 2030-01-31T18:00:00Z, "
                              "not '%1'.")
            .arg(parser.value(kUntil));
    request.lockUntil = until.toUTC();
    return {};
}

QString prepareImport(const QCommandLineParser &parser, Request &request)
{
    const QString format =
        parser.isSet(kFormat) ? parser.value(kFormat) : QFileInfo(request.target).suffix();
    const std::optional<UserImport::Format> parsed = UserImportFile::formatFromName(format);
    if (!parsed) {
        return parser.isSet(kFormat)
            ? QStringLiteral("--format must be json or csv.")
            : QStringLiteral("import needs --format json or --format csv: the file name does not "
                             "end in .json or .csv.");
    }
    request.importOptions.format = *parsed;
    request.importOptions.dryRun = parser.isSet(kDryRun);
    return {};
}

QString prepare(const Action &action, const QCommandLineParser &parser, Request &request)
{
    const QString name = action.name;
    if (name == u"create") {
        request.newUser.username = request.target;
        request.newUser.email = parser.value(kEmail);
        request.newUser.displayName = parser.value(kDisplayName);
        QString bad;
        if (parser.isSet(kRole)) {
            std::optional<QList<Role>> roles = parseRoles(parser.values(kRole), &bad);
            if (!roles)
                return QStringLiteral("unknown role '%1'.").arg(bad);
            request.newUser.roles = *roles;
        }
    } else if (name == u"list") {
        return prepareList(parser, request);
    } else if (name == u"update") {
        if (!parser.isSet(kEmail) && !parser.isSet(kDisplayName))
            return QStringLiteral("update needs --email or --display-name.");
        if (parser.isSet(kEmail))
            request.changes.email = parser.value(kEmail);
        if (parser.isSet(kDisplayName))
            request.changes.displayName = parser.value(kDisplayName);
    } else if (name == u"lock") {
        return prepareLock(parser, request);
    } else if (name == u"delete") {
        if (!parser.isSet(kYes))
            return QStringLiteral("delete needs --yes: it cannot be undone.");
    } else if (name == u"import") {
        return prepareImport(parser, request);
    } else if (name == u"set-roles") {
        if (!parser.isSet(kRole))
            return QStringLiteral("set-roles needs at least one --role.");
        QString bad;
        std::optional<QList<Role>> roles = parseRoles(parser.values(kRole), &bad);
        if (!roles)
            return QStringLiteral("unknown role '%1'.").arg(bad);
        request.roles = *roles;
    }
    return {};
}

Result<User> resolve(AdminBackend &backend, const QString &target)
{
    return await(looksLikeId(target) ? backend.getUser(target) : backend.findUser(target));
}

int printUser(const CtlContext &context, const User &user)
{
    return context.output.success(describe(user), UserRows::toJson(user));
}

// Issues a code and prints it with the user. The code is a secret: this is the only place it
// is ever printed, and the store keeps only its hash.
int printWithCode(const CtlContext &context, AdminBackend &backend, const User &user,
                  const QString &key, const QString &label)
{
    Result<Credentials::IssuedCode> code = await(backend.issuePasswordCode(user.id));
    if (!code) {
        Error error = code.error();
        // After `create` the user exists even so; say how to get a code without retrying create.
        if (key == u"setupCode")
            error.message = QStringLiteral("%1 was created, but no setup code was issued: %2 "
                                           "Run 'gatehousectl user reset-password %1'.")
                                .arg(user.username, error.message);
        return context.output.failure(error);
    }
    const QString expiresAt = UserRows::isoUtc(code->expiresAt);
    QList<QPair<QString, QString>> fields = describe(user);
    fields.append({label, code->code});
    fields.append({QStringLiteral("Code expires"), expiresAt});
    QJsonObject json = UserRows::toJson(user);
    json.insert(key, code->code);
    json.insert(QString(key + QStringLiteral("ExpiresAt")), expiresAt);
    return context.output.success(fields, json);
}

int list(const CtlContext &context, AdminBackend &backend, const Request &request)
{
    UserQuery query = request.query;
    QList<User> users;
    QString next;
    do {
        Result<Page<User>> page = await(backend.searchUsers(query));
        if (!page)
            return context.output.failure(page.error());
        users += page->items;
        next = page->nextPageToken;
        // A token that does not move on would loop forever; stop rather than trust it.
        if (next == query.pageToken)
            break;
        query.pageToken = next;
    } while (request.all && !next.isEmpty());
    if (request.all)
        next.clear();

    if (context.output.json()) {
        QJsonArray array;
        for (const User &user : users)
            array.append(UserRows::toJson(user));
        return context.output.success(
            {},
            QJsonObject{{QStringLiteral("users"), array}, {QStringLiteral("nextPageToken"), next}});
    }
    QString text = table(users);
    if (!next.isEmpty())
        text += QStringLiteral("More: --page-token %1\n").arg(plain(next));
    context.output.printText(text);
    return CtlOutput::Success;
}

// The file path is not a secret, so it may come from argv; its content may hold password
// hashes, so it is never printed, and problems name a user and field, never a value.
Result<QByteArray> readImportFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return makeError(
            ErrorCode::InvalidInput,
            QStringLiteral("Cannot read %1: %2.").arg(plain(path), file.errorString()));
    }
    // One byte more than allowed tells a file at the cap from a larger one.
    const QByteArray bytes = file.read(UserImportFile::kMaxBytes + 1);
    if (file.error() != QFileDevice::NoError) {
        return makeError(
            ErrorCode::InvalidInput,
            QStringLiteral("Cannot read %1: %2.").arg(plain(path), file.errorString()));
    }
    if (bytes.size() > UserImportFile::kMaxBytes) {
        return makeError(
            ErrorCode::InvalidInput,
            QStringLiteral("%1 is larger than %2 MiB; split it into several imports.")
                .arg(plain(path), QString::number(UserImportFile::kMaxBytes / (1024 * 1024))));
    }
    return bytes;
}

int printProblems(const CtlContext &context, const UserImport::Report &report)
{
    QString text;
    for (const ImportProblem &problem : report.problems) {
        QString where = problem.record == 0 ? QStringLiteral("header")
                                            : QStringLiteral("user %1").arg(problem.record);
        if (problem.line > 0)
            where += QStringLiteral(" (line %1)").arg(problem.line);
        if (!problem.field.isEmpty())
            where += QStringLiteral(", ") + problem.field;
        text += QStringLiteral("  %1: %2\n").arg(plain(where), plain(problem.message));
    }
    if (report.problemCount > report.problems.size())
        text +=
            QStringLiteral("  ... and %1 more\n").arg(report.problemCount - report.problems.size());
    return context.output.failure(
        UserImport::summary(report),
        QJsonObject{{QStringLiteral("problems"), api::AdminJson::importProblemsJson(report)},
                    {QStringLiteral("problemCount"), report.problemCount}},
        text);
}

int importUsers(const CtlContext &context, AdminBackend &backend, const Request &request)
{
    Result<QByteArray> document = readImportFile(request.target);
    if (!document)
        return context.output.failure(document.error());
    Result<UserImport::Report> report =
        await(backend.importUsers(*document, request.importOptions));
    if (!report)
        return context.output.failure(report.error());
    if (!report->accepted())
        return printProblems(context, *report);
    const bool dryRun = report->dryRun;
    const int count = int(report->users.size());
    if (context.output.json())
        return context.output.success({}, api::AdminJson::importJson(*report));
    QString text = dryRun ? QStringLiteral("Dry run: all %1 users are valid; nothing was "
                                           "created.\n")
                                .arg(count)
                          : QStringLiteral("Created %1 users.\n").arg(count);
    text += table(report->users);
    if (report->withPasswordHash < count) {
        text += QStringLiteral("%1 of them have no password yet: give each a setup code with "
                               "'gatehousectl user reset-password NAME'.\n")
                    .arg(count - report->withPasswordHash);
    }
    context.output.printText(text);
    return CtlOutput::Success;
}

int perform(const CtlContext &context, AdminBackend &backend, const QString &name,
            const Request &request)
{
    if (name == u"create") {
        Result<User> user = await(backend.createUser(request.newUser));
        if (!user)
            return context.output.failure(user.error());
        return printWithCode(context, backend, *user, QStringLiteral("setupCode"),
                             QStringLiteral("Setup code"));
    }
    if (name == u"list")
        return list(context, backend, request);
    if (name == u"import")
        return importUsers(context, backend, request);

    Result<User> target = resolve(backend, request.target);
    if (!target)
        return context.output.failure(target.error());
    const QString id = target->id;
    Result<User> changed = *target;
    if (name == u"update") {
        changed = await(backend.updateUser(id, request.changes));
    } else if (name == u"disable" || name == u"enable") {
        changed = await(backend.setUserStatus(
            id, name == u"disable" ? User::Status::Disabled : User::Status::Active));
    } else if (name == u"lock") {
        changed = await(backend.lockUser(id, request.lockUntil));
    } else if (name == u"unlock") {
        changed = await(backend.unlockUser(id));
    } else if (name == u"set-roles") {
        changed = await(backend.setUserRoles(id, request.roles));
    } else if (name == u"reset-password") {
        return printWithCode(context, backend, *target, QStringLiteral("resetCode"),
                             QStringLiteral("Reset code"));
    } else if (name == u"delete") {
        if (Result<void> done = await(backend.deleteUser(id)); !done)
            return context.output.failure(done.error());
        return context.output.success(
            {{QStringLiteral("Deleted"), plain(target->username)}, {QStringLiteral("Id"), id}},
            QJsonObject{{QStringLiteral("deleted"), true},
                        {QStringLiteral("id"), id},
                        {QStringLiteral("username"), target->username}});
    }
    if (!changed)
        return context.output.failure(changed.error());
    return printUser(context, *changed);
}

int run(const CtlContext &context, const QCommandLineParser &parser)
{
    const QStringList arguments = parser.positionalArguments();
    if (arguments.isEmpty())
        return context.output.usageError(
            QStringLiteral("user needs an action; see 'gatehousectl user --help'."));
    const auto action = std::find_if(actions().begin(), actions().end(),
                                     [&](const Action &a) { return a.name == arguments.first(); });
    if (action == actions().end())
        return context.output.usageError(
            QStringLiteral("unknown user action '%1'; see 'gatehousectl user --help'.")
                .arg(arguments.first()));
    if (action->takesTarget && (arguments.size() < 2 || arguments.at(1).isEmpty()))
        return context.output.usageError(QStringLiteral("'user %1' needs %2: gatehousectl user %3")
                                             .arg(action->name,
                                                  action->name == u"import"
                                                      ? QStringLiteral("a file")
                                                      : QStringLiteral("a user"),
                                                  action->usage.section(QLatin1Char('\n'), 0, 0)));
    if (!action->takesTarget && arguments.size() > 1)
        return context.output.usageError(QStringLiteral("too many arguments for 'user %1': '%2'.")
                                             .arg(action->name, arguments.at(1)));
    if (const QString wrong = checkOptions(*action, parser); !wrong.isEmpty())
        return context.output.usageError(wrong);
    if (!hasSignIn(parser))
        return context.output.usageError(
            QStringLiteral("'user %1' needs --as USER (or a session token in GATEHOUSE_TOKEN).")
                .arg(action->name));
    Request request;
    request.target = arguments.value(1);
    if (const QString wrong = prepare(*action, parser, request); !wrong.isEmpty())
        return context.output.usageError(wrong);

    Result<std::unique_ptr<CtlBackend>> opened =
        CtlBackend::openAs(context.storePath, parser.value(kAs));
    if (!opened)
        return context.output.failure(opened.error());
    return perform(context, (*opened)->backend(), action->name, request);
}

} // namespace

QList<CtlCommand> userCommands()
{
    return {
        CtlCommand{
            QStringLiteral("user"),
            QStringLiteral("Manage users as an administrator (--as USER): create, list, show, "
                           "update, disable, enable, lock, unlock, delete, reset-password, "
                           "set-roles, import."),
            [](QCommandLineParser &parser) {
                parser.setApplicationDescription(description());
                parser.addPositionalArgument(QStringLiteral("action"),
                                             QStringLiteral("One of: ") + actionNames() + u'.',
                                             QStringLiteral("<action> [ID|NAME|EMAIL|FILE]"));
                parser.addOptions({kAs, kEmail, kDisplayName, kRole, kPrefix, kStatus, kMfa,
                                   kLocked, kSort, kDesc, kLimit, kPageToken, kAll, kUntil, kFor,
                                   kYes, kFormat, kDryRun});
            },
            run,
            2,
        },
    };
}

} // namespace gatehouse::ctl
