#include "CtlCommand.h"

#include "CtlBackend.h"
#include "UserCommandSupport.h"
#include "auth/SigningKeys.h"
#include "auth/UserRows.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace gatehouse::ctl {

namespace {

const QCommandLineOption &kAs = signInOption();

QString shortTime(const QDateTime &time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODate) : QStringLiteral("-");
}

QList<QPair<QString, QString>> describe(const SigningKey &key, const QDateTime &now)
{
    QList<QPair<QString, QString>> fields{
        {QStringLiteral("Kid"), key.kid},
        {QStringLiteral("Status"), signingKeyStatusName(key.status(now))},
        {QStringLiteral("Algorithm"), key.algorithm},
        {QStringLiteral("Created"), UserRows::isoUtc(key.createdAt)},
    };
    if (key.rotatedAt.isValid()) {
        fields.append({QStringLiteral("Rotated"), UserRows::isoUtc(key.rotatedAt)});
        fields.append({QStringLiteral("Verifies until"), UserRows::isoUtc(key.retiredAfter)});
    }
    if (key.retiredAt.isValid())
        fields.append({QStringLiteral("Retired"), UserRows::isoUtc(key.retiredAt)});
    return fields;
}

int list(const CtlContext &context, AdminBackend &backend)
{
    Result<QList<SigningKey>> keys = await(backend.listSigningKeys());
    if (!keys)
        return context.output.failure(keys.error());
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (context.output.json()) {
        QJsonArray array;
        for (const SigningKey &key : *keys)
            array.append(SigningKeys::toJson(key, now));
        return context.output.success({}, QJsonObject{{QStringLiteral("keys"), array}});
    }
    if (keys->isEmpty()) {
        context.output.printText(QStringLiteral("No signing keys yet; create the first one with "
                                                "'gatehousectl key rotate'.\n"));
        return CtlOutput::Success;
    }
    QList<QStringList> rows{{QStringLiteral("KID"), QStringLiteral("STATUS"),
                             QStringLiteral("CREATED"), QStringLiteral("ROTATED"),
                             QStringLiteral("VERIFIES UNTIL")}};
    for (const SigningKey &key : *keys) {
        rows.append({key.kid, signingKeyStatusName(key.status(now)), shortTime(key.createdAt),
                     shortTime(key.rotatedAt), shortTime(key.retiredAfter)});
    }
    context.output.printText(UserSupport::textTable(rows));
    return CtlOutput::Success;
}

int printKey(const CtlContext &context, const Result<SigningKey> &key)
{
    if (!key)
        return context.output.failure(key.error());
    const QDateTime now = QDateTime::currentDateTimeUtc();
    return context.output.success(describe(*key, now), SigningKeys::toJson(*key, now));
}

int jwks(const CtlContext &context, AdminBackend &backend)
{
    Result<QJsonObject> document = await(backend.jwks());
    if (!document)
        return context.output.failure(document.error());
    // The JWK Set is JSON by nature, so text mode prints it too, indented for people.
    if (context.output.json())
        return context.output.success({}, *document);
    context.output.printText(QString::fromUtf8(QJsonDocument(*document).toJson()));
    return CtlOutput::Success;
}

// Usage errors are found before any password is read or the store is opened.
QString usageProblem(const QStringList &arguments)
{
    const QString action = arguments.value(0);
    const QStringList known{QStringLiteral("list"), QStringLiteral("rotate"),
                            QStringLiteral("retire"), QStringLiteral("purge"),
                            QStringLiteral("jwks")};
    if (!known.contains(action))
        return QStringLiteral("key needs an action: list, rotate, retire KID, purge or jwks.");
    if (action == u"retire") {
        if (arguments.size() != 2 || arguments.at(1).isEmpty())
            return QStringLiteral("key retire needs exactly one key id (see 'gatehousectl key "
                                  "list').");
        return {};
    }
    if (arguments.size() > 1)
        return QStringLiteral("key %1 takes no arguments.").arg(action);
    return {};
}

int run(const CtlContext &context, const QCommandLineParser &parser)
{
    const QStringList arguments = parser.positionalArguments();
    if (const QString problem = usageProblem(arguments); !problem.isEmpty())
        return context.output.usageError(problem);
    if (!hasSignIn(parser))
        return context.output.usageError(
            QStringLiteral("key commands need --as USER (or a session token in "
                           "GATEHOUSE_TOKEN)."));
    Result<std::unique_ptr<CtlBackend>> opened =
        CtlBackend::openAs(context.storePath, parser.value(kAs));
    if (!opened)
        return context.output.failure(opened.error());
    AdminBackend &backend = (*opened)->backend();
    const QString action = arguments.first();
    if (action == u"list")
        return list(context, backend);
    if (action == u"rotate")
        return printKey(context, await(backend.rotateSigningKey()));
    if (action == u"retire")
        return printKey(context, await(backend.retireSigningKey(arguments.at(1))));
    if (action == u"jwks")
        return jwks(context, backend);
    Result<int> purged = await(backend.purgeSigningKeys());
    if (!purged)
        return context.output.failure(purged.error());
    return context.output.success({{QStringLiteral("Deleted"), QString::number(*purged)}},
                                  QJsonObject{{QStringLiteral("deleted"), *purged}});
}

} // namespace

QList<CtlCommand> keyCommands()
{
    return {CtlCommand{
        QStringLiteral("key"),
        QStringLiteral("JWT signing keys: list; rotate (a new key signs, the old one verifies "
                       "until its tokens expire; creates the first key); retire KID (a "
                       "verify-only key, at once); purge (delete ended keys); jwks (print the "
                       "JWK Set for resource servers)."),
        [](QCommandLineParser &parser) {
            parser.addOption(kAs);
            parser.addPositionalArgument(QStringLiteral("action"),
                                         QStringLiteral("list, rotate, retire, purge or jwks."),
                                         QStringLiteral("<action> [kid]"));
        },
        run,
        2,
    }};
}

} // namespace gatehouse::ctl
