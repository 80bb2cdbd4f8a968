#include "CtlCommand.h"

#include "CtlBackend.h"
#include "Duration.h"
#include "UserCommandSupport.h"
#include "auth/SessionRows.h"

#include <QJsonArray>
#include <QJsonObject>

namespace gatehouse::ctl {

namespace {

const QCommandLineOption &kAs = signInOption();
const QCommandLineOption kUser{QStringLiteral("user"),
                               QStringLiteral("list/revoke: only this user's sessions."),
                               QStringLiteral("name")};
const QCommandLineOption kStatus{QStringLiteral("status"),
                                 QStringLiteral("list: active, expired, revoked or pending-mfa."),
                                 QStringLiteral("status")};
const QCommandLineOption kLimit{QStringLiteral("limit"),
                                QStringLiteral("list: sessions per page (1-1000, default 50)."),
                                QStringLiteral("n")};
const QCommandLineOption kPageToken{QStringLiteral("page-token"),
                                    QStringLiteral("list: continue after a previous page."),
                                    QStringLiteral("token")};
const QCommandLineOption kOlderThan{QStringLiteral("older-than"),
                                    QStringLiteral("revoke: sessions started longer ago than "
                                                   "this (30m, 12h, 7d)."),
                                    QStringLiteral("duration")};
const QCommandLineOption kAllExceptMine{QStringLiteral("all-except-mine"),
                                        QStringLiteral("revoke: every session but the caller's "
                                                       "own (needs a session: GATEHOUSE_TOKEN).")};
const QCommandLineOption kReason{QStringLiteral("reason"),
                                 QStringLiteral("revoke: why, for the audit trail."),
                                 QStringLiteral("text")};

std::optional<Session::Status> parseStatus(QStringView text)
{
    if (text == u"active")
        return Session::Status::Active;
    if (text == u"expired")
        return Session::Status::Expired;
    if (text == u"revoked")
        return Session::Status::Revoked;
    if (text == u"pending-mfa")
        return Session::Status::PendingMfa;
    return std::nullopt;
}

Result<QString> userIdOf(AdminBackend &backend, const QString &target)
{
    Result<User> user = await(UserSupport::looksLikeId(target) ? backend.getUser(target)
                                                               : backend.findUser(target));
    if (!user)
        return user.error();
    return user->id;
}

int list(const CtlContext &context, AdminBackend &backend, const QCommandLineParser &parser)
{
    SessionQuery query;
    if (parser.isSet(kUser)) {
        Result<QString> id = userIdOf(backend, parser.value(kUser));
        if (!id)
            return context.output.failure(id.error());
        query.userId = *id;
    }
    if (parser.isSet(kStatus))
        query.status = parseStatus(parser.value(kStatus));
    if (parser.isSet(kLimit))
        query.pageSize = parser.value(kLimit).toInt();
    query.pageToken = parser.value(kPageToken);
    Result<Page<Session>> page = await(backend.listSessions(query));
    if (!page)
        return context.output.failure(page.error());
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QJsonArray sessions;
    QList<QStringList> rows{{QStringLiteral("ID"), QStringLiteral("USER"), QStringLiteral("STATUS"),
                             QStringLiteral("STARTED"), QStringLiteral("LAST SEEN"),
                             QStringLiteral("SOURCE")}};
    for (const Session &session : page->items) {
        sessions.append(SessionRows::toJson(session, now));
        rows.append(
            {session.id, UserSupport::plain(session.username),
             sessionStatusName(session.status(now)), session.createdAt.toString(Qt::ISODate),
             session.lastSeenAt.toString(Qt::ISODate), UserSupport::plain(session.sourceIp)});
    }
    if (context.output.json()) {
        return context.output.success(
            {},
            QJsonObject{{QStringLiteral("sessions"), sessions},
                        {QStringLiteral("nextPageToken"), page->nextPageToken}});
    }
    QString text = UserSupport::textTable(rows);
    if (!page->nextPageToken.isEmpty())
        text += QStringLiteral("More: --page-token %1\n").arg(page->nextPageToken);
    context.output.printText(text);
    return CtlOutput::Success;
}

int revoke(const CtlContext &context, AdminBackend &backend, const QCommandLineParser &parser,
           const QStringList &ids)
{
    const QString reason = parser.value(kReason);
    Result<int> revoked = 0;
    if (!ids.isEmpty()) {
        revoked = await(backend.revokeSessions(ids, reason));
    } else if (parser.isSet(kUser)) {
        Result<QString> id = userIdOf(backend, parser.value(kUser));
        revoked = id ? await(backend.revokeUserSessions(*id, reason)) : Result<int>(id.error());
    } else if (parser.isSet(kOlderThan)) {
        const qint64 seconds = parseDuration(parser.value(kOlderThan)).value_or(0);
        revoked = await(backend.revokeSessionsOlderThan(
            QDateTime::currentDateTimeUtc().addSecs(-seconds), reason));
    } else {
        revoked = await(backend.revokeOtherSessions(reason));
    }
    if (!revoked)
        return context.output.failure(revoked.error());
    return context.output.success({{QStringLiteral("Revoked"), QString::number(*revoked)}},
                                  QJsonObject{{QStringLiteral("revoked"), *revoked}});
}

// Usage errors are found before any password is read or the store is opened.
QString usageProblem(const QCommandLineParser &parser)
{
    const QStringList arguments = parser.positionalArguments();
    const QString action = arguments.value(0);
    if (action != QStringLiteral("list") && action != QStringLiteral("revoke"))
        return QStringLiteral("session needs an action: list or revoke.");
    if (action == QStringLiteral("list")) {
        if (arguments.size() > 1)
            return QStringLiteral("session list takes no ids.");
        if (parser.isSet(kStatus) && !parseStatus(parser.value(kStatus)))
            return QStringLiteral("unknown status; use active, expired, revoked or pending-mfa.");
        bool ok = false;
        const int limit = parser.value(kLimit).toInt(&ok);
        if (parser.isSet(kLimit) && (!ok || limit < 1 || limit > 1000))
            return QStringLiteral("--limit must be a number from 1 to 1000.");
        return {};
    }
    const int selectors = int(arguments.size() > 1) + int(parser.isSet(kUser))
        + int(parser.isSet(kOlderThan)) + int(parser.isSet(kAllExceptMine));
    if (selectors != 1) {
        return QStringLiteral("session revoke needs exactly one of: session ids, --user, "
                              "--older-than, --all-except-mine.");
    }
    if (parser.isSet(kOlderThan) && parseDuration(parser.value(kOlderThan)).value_or(0) <= 0)
        return QStringLiteral("--older-than takes a duration such as 30m, 12h or 7d.");
    return {};
}

int run(const CtlContext &context, const QCommandLineParser &parser)
{
    if (const QString problem = usageProblem(parser); !problem.isEmpty())
        return context.output.usageError(problem);
    if (!hasSignIn(parser))
        return context.output.usageError(
            QStringLiteral("session commands need --as USER (or a session token in "
                           "GATEHOUSE_TOKEN)."));
    Result<std::unique_ptr<CtlBackend>> opened =
        CtlBackend::openAs(context.storePath, parser.value(kAs));
    if (!opened)
        return context.output.failure(opened.error());
    AdminBackend &backend = (*opened)->backend();
    const QStringList arguments = parser.positionalArguments();
    if (arguments.first() == QStringLiteral("list"))
        return list(context, backend, parser);
    return revoke(context, backend, parser, arguments.mid(1));
}

} // namespace

QList<CtlCommand> sessionCommands()
{
    return {CtlCommand{
        QStringLiteral("session"),
        QStringLiteral("Sessions: list [--user NAME] [--status S]; revoke IDS... | --user NAME | "
                       "--older-than DURATION | --all-except-mine [--reason TEXT]."),
        [](QCommandLineParser &parser) {
            parser.addOptions(
                {kAs, kUser, kStatus, kLimit, kPageToken, kOlderThan, kAllExceptMine, kReason});
            parser.addPositionalArgument(QStringLiteral("action"),
                                         QStringLiteral("list or revoke."),
                                         QStringLiteral("<action> [ids...]"));
        },
        run,
        10001,
    }};
}

} // namespace gatehouse::ctl
