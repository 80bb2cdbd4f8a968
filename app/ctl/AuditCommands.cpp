#include "CtlCommand.h"

#include "model/IsoTime.h"

#include "CtlBackend.h"
#include "Duration.h"
#include "LookupOptions.h"
#include "api/AdminJson.h"
#include "audit/AuditCheckpointFolder.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QTemporaryDir>

namespace gatehouse::ctl {

namespace {

const QCommandLineOption &kAs = signInOption();
const QCommandLineOption kCheckpoint(
    QStringLiteral("checkpoint"),
    QStringLiteral("verify: a checkpoint exported earlier (a file, or a folder of them) that the "
                   "log must extend. Repeatable."),
    QStringLiteral("path"));
const QCommandLineOption kTrustedKeys(
    QStringLiteral("trusted-keys"),
    QStringLiteral("verify: exported audit public keys to trust besides the store's key file. "
                   "Repeatable."),
    QStringLiteral("file"));
const QCommandLineOption kFormat(QStringLiteral("format"),
                                 QStringLiteral("export: json (CloudTrail's {\"Records\":[...]}) "
                                                "or csv."),
                                 QStringLiteral("format"));
const QCommandLineOption kOut(QStringLiteral("out"),
                              QStringLiteral("export, report: the file to write (default: "
                                             "standard output); archive: the folder."),
                              QStringLiteral("path"));
const QCommandLineOption kOlderThan(QStringLiteral("older-than"),
                                    QStringLiteral("archive: move records older than this (90d, "
                                                   "12h) out of the live log."),
                                    QStringLiteral("age"));
const QCommandLineOption kExport(
    QStringLiteral("export"),
    QStringLiteral("checkpoint: also write every checkpoint and the public keys that verify "
                   "them into this folder."),
    QStringLiteral("folder"));

Result<QList<AuditCheckpoint>> heldCheckpoints(const QStringList &paths)
{
    QList<AuditCheckpoint> held;
    for (const QString &path : paths) {
        if (!QFileInfo(path).isDir()) {
            Result<AuditCheckpoint> checkpoint = AuditCheckpointFolder::readCheckpoint(path);
            if (!checkpoint)
                return checkpoint.error();
            held.append(*checkpoint);
            continue;
        }
        Result<QList<AuditCheckpoint>> some = AuditCheckpointFolder(path).checkpoints();
        if (!some)
            return some.error();
        if (some->isEmpty()) {
            return makeError(ErrorCode::InvalidInput,
                             QStringLiteral("%1 holds no exported audit checkpoints.").arg(path));
        }
        held += *some;
    }
    return held;
}

Result<QList<QByteArray>> trustedKeys(const QStringList &paths)
{
    QList<QByteArray> keys;
    for (const QString &path : paths) {
        Result<QList<QByteArray>> some = AuditCheckpointFolder::readPublicKeys(path);
        if (!some)
            return some.error();
        keys += *some;
    }
    return keys;
}

int verify(const CtlContext &context, const QCommandLineParser &parser, AdminBackend &backend)
{
    Result<QList<AuditCheckpoint>> held = heldCheckpoints(parser.values(kCheckpoint));
    if (!held)
        return context.output.failure(held.error());
    Result<QList<QByteArray>> keys = trustedKeys(parser.values(kTrustedKeys));
    if (!keys)
        return context.output.failure(keys.error());
    Result<AuditVerification> verification = await(backend.verifyAuditLog(*held, *keys));
    if (!verification)
        return context.output.failure(verification.error());
    QString text;
    for (const AuditProblem &problem : verification->problems) {
        text += QStringLiteral("  #%1 %2: %3\n")
                    .arg(problem.sequence)
                    .arg(problem.kind, problem.message);
    }
    const QJsonObject object = api::AdminJson::verificationJson(*verification);
    if (context.output.json()) {
        context.output.success({}, object);
    } else if (verification->ok()) {
        context.output.printText(
            QStringLiteral(
                "The audit log is intact: records %1 to %2, %3 checkpoint(s) verified.\n")
                .arg(verification->firstSequence)
                .arg(verification->lastSequence)
                .arg(verification->checkpointsChecked));
    } else {
        context.output.printText(
            QStringLiteral("The audit log FAILED verification (%1 problem(s)):\n")
                .arg(verification->problems.size())
            + text);
    }
    return verification->ok() ? CtlOutput::Success : CtlOutput::Failure;
}

// Every checkpoint and the public keys, ready to be copied off this machine.
Result<int> exportCheckpoints(const QString &folder, AdminBackend &backend)
{
    // Asked for by name on the command line, so made if missing (the server never makes its
    // folder: there a missing one may be a mount that failed).
    if (!QDir().mkpath(folder))
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("Cannot create the folder %1.").arg(folder));
    Result<QList<AuditCheckpoint>> checkpoints = await(backend.auditCheckpoints());
    if (!checkpoints)
        return checkpoints.error();
    Result<QList<QByteArray>> keys = await(backend.auditTrustedKeys());
    if (!keys)
        return keys.error();
    const QString logId = checkpoints->isEmpty() ? QString() : checkpoints->first().logId;
    if (Result<void> written = AuditCheckpointFolder(folder).write(*checkpoints, logId, *keys);
        !written) {
        return written.error();
    }
    return int(checkpoints->size());
}

int checkpoint(const CtlContext &context, const QCommandLineParser &parser, AdminBackend &backend)
{
    Result<AuditCheckpoint> made = await(backend.createAuditCheckpoint());
    if (!made)
        return context.output.failure(made.error());
    QList<QPair<QString, QString>> fields{
        {QStringLiteral("Records"), QString::number(made->size)},
        {QStringLiteral("Head hash"), QString::fromLatin1(made->headHash.toHex())},
        {QStringLiteral("Time"), isoUtc(made->time)},
        {QStringLiteral("Key"), made->keyFingerprint},
    };
    QJsonObject object = made->toJson();
    if (parser.isSet(kExport)) {
        Result<int> exported = exportCheckpoints(parser.value(kExport), backend);
        if (!exported)
            return context.output.failure(exported.error());
        fields.append({QStringLiteral("Exported"),
                       QStringLiteral("%1 checkpoint(s) and the public keys to %2")
                           .arg(*exported)
                           .arg(parser.value(kExport))});
        object.insert(QStringLiteral("exported"), *exported);
    }
    return context.output.success(fields, object);
}

// Runs `produce(path)` into the --out file, or into a private temporary file that is then
// copied to standard output, so what a pipe receives is complete or nothing. `unit` names
// what the count counts.
int deliver(const CtlContext &context, const QCommandLineParser &parser, const QString &unit,
            const std::function<QFuture<Result<qint64>>(const QString &)> &produce)
{
    if (!parser.isSet(kOut) && context.output.json()) {
        return context.output.usageError(
            QStringLiteral("--json needs --out FILE: standard output carries the file."));
    }
    QTemporaryDir scratch;
    const QString path =
        parser.isSet(kOut) ? parser.value(kOut) : scratch.filePath(QStringLiteral("out"));
    Result<qint64> written = await(produce(path));
    if (!written)
        return context.output.failure(written.error());
    if (!parser.isSet(kOut)) {
        QFile file(path);
        QFile out;
        if (!file.open(QIODevice::ReadOnly) || !out.open(stdout, QIODevice::WriteOnly)) {
            return context.output.failure(
                makeError(ErrorCode::Unavailable,
                          QStringLiteral("Cannot copy the result to standard output.")));
        }
        while (!file.atEnd())
            out.write(file.read(1 << 20));
        return CtlOutput::Success;
    }
    return context.output.success(
        {{QStringLiteral("Written"), QStringLiteral("%1 %2 to %3").arg(*written).arg(unit, path)}},
        QJsonObject{{unit, *written}, {QStringLiteral("file"), path}});
}

int exportEvents(const CtlContext &context, const QCommandLineParser &parser, AdminBackend &backend,
                 const EventLookup &lookup)
{
    const std::optional<EventExport::Format> format =
        EventExport::formatFromName(parser.value(kFormat));
    if (!format) {
        return context.output.usageError(
            QStringLiteral("audit export needs --format json or --format csv."));
    }
    return deliver(context, parser, QStringLiteral("events"), [&](const QString &path) {
        return backend.exportAuditEvents(lookup, *format, path);
    });
}

int archive(const CtlContext &context, const QCommandLineParser &parser, AdminBackend &backend)
{
    const std::optional<qint64> age = parseDuration(parser.value(kOlderThan));
    if (!age || !parser.isSet(kOut)) {
        return context.output.usageError(
            QStringLiteral("audit archive needs --older-than AGE (90d, 12h) and --out FOLDER."));
    }
    Result<AuditArchive::Outcome> archived =
        await(backend.archiveAuditEvents(*age, parser.value(kOut)));
    if (!archived)
        return context.output.failure(archived.error());
    if (archived->lastSequence == 0) {
        return context.output.success(
            {{QStringLiteral("Archived"), QStringLiteral("nothing: no record is that old")}},
            QJsonObject{{QStringLiteral("records"), 0}});
    }
    return context.output.success(
        {{QStringLiteral("Archived"),
          QStringLiteral("records %1 to %2")
              .arg(archived->firstSequence)
              .arg(archived->lastSequence)},
         {QStringLiteral("Files"), QString::number(archived->files.size())},
         {QStringLiteral("Manifest"), archived->manifest}},
        QJsonObject{
            {QStringLiteral("records"), archived->lastSequence - archived->firstSequence + 1},
            {QStringLiteral("firstSequence"), archived->firstSequence},
            {QStringLiteral("lastSequence"), archived->lastSequence},
            {QStringLiteral("files"), QJsonArray::fromStringList(archived->files)},
            {QStringLiteral("manifest"), archived->manifest}});
}

int rotateKey(const CtlContext &context, AdminBackend &backend)
{
    Result<QString> fingerprint = await(backend.rotateAuditSigningKey());
    if (!fingerprint)
        return context.output.failure(fingerprint.error());
    return context.output.success({{QStringLiteral("Key"), *fingerprint}},
                                  QJsonObject{{QStringLiteral("keyFingerprint"), *fingerprint}});
}

QString usageProblem(const QStringList &arguments)
{
    const QStringList known{QStringLiteral("lookup"),    QStringLiteral("export"),
                            QStringLiteral("report"),    QStringLiteral("archive"),
                            QStringLiteral("verify"),    QStringLiteral("checkpoint"),
                            QStringLiteral("rotate-key")};
    if (!known.contains(arguments.value(0)))
        return QStringLiteral(
            "audit needs an action: lookup, export, report credentials, archive, verify, "
            "checkpoint or rotate-key.");
    if (arguments.first() == u"report") {
        if (arguments.size() != 2 || arguments.at(1) != u"credentials")
            return QStringLiteral("audit report needs the report's name: credentials.");
        return {};
    }
    if (arguments.size() > 1)
        return QStringLiteral("audit %1 takes no arguments.").arg(arguments.first());
    return {};
}

int run(const CtlContext &context, const QCommandLineParser &parser)
{
    const QStringList arguments = parser.positionalArguments();
    if (const QString problem = usageProblem(arguments); !problem.isEmpty())
        return context.output.usageError(problem);
    Result<EventLookup> lookup = LookupOptions::read(parser);
    if (!lookup)
        return context.output.usageError(lookup.error().message);
    if (!hasSignIn(parser))
        return context.output.usageError(
            QStringLiteral("audit commands need --as USER (or a token in GATEHOUSE_TOKEN)."));
    Result<std::unique_ptr<CtlBackend>> opened =
        CtlBackend::openAs(context.storePath, parser.value(kAs));
    if (!opened)
        return context.output.failure(opened.error());
    AdminBackend &backend = (*opened)->backend();
    const QString action = arguments.first();
    if (action == u"lookup") {
        Result<EventPage> page = await(backend.lookupAuditEvents(*lookup));
        if (!page)
            return context.output.failure(page.error());
        return LookupOptions::print(context.output, *page);
    }
    if (action == u"export")
        return exportEvents(context, parser, backend, *lookup);
    if (action == u"report") {
        return deliver(context, parser, QStringLiteral("users"),
                       [&](const QString &path) { return backend.writeCredentialReport(path); });
    }
    if (action == u"archive")
        return archive(context, parser, backend);
    if (action == u"verify")
        return verify(context, parser, backend);
    if (action == u"checkpoint")
        return checkpoint(context, parser, backend);
    return rotateKey(context, backend);
}

} // namespace

QList<CtlCommand> auditCommands()
{
    return {CtlCommand{
        QStringLiteral("audit"),
        QStringLiteral(
            "The audit trail: lookup [--attr KEY=VALUE]... [--start T] [--end T] "
            "[--text S] [--max N] [--next-token T] (records newest first, like "
            "CloudTrail's LookupEvents); export --format json|csv [--out FILE] (everything the "
            "same options find); report credentials [--out FILE] (CSV of every user's "
            "credentials); archive --older-than AGE --out FOLDER (old records to CloudTrail-format "
            ".json.gz files with a signed checkpoint); verify [--checkpoint PATH]... "
            "[--trusted-keys FILE]... "
            "(check the hash chain and signed checkpoints; exit 1 on any problem); "
            "checkpoint [--export FOLDER] (sign the log as it stands); rotate-key (a "
            "new checkpoint signing key; the old one stays trusted)."),
        [](QCommandLineParser &parser) {
            parser.addOption(kAs);
            parser.addOption(kCheckpoint);
            parser.addOption(kTrustedKeys);
            parser.addOption(kExport);
            parser.addOption(kFormat);
            parser.addOption(kOut);
            parser.addOption(kOlderThan);
            LookupOptions::add(parser);
            parser.addPositionalArgument(
                QStringLiteral("action"),
                QStringLiteral("lookup, export, report, verify, checkpoint or rotate-key."),
                QStringLiteral("<action>"));
        },
        run,
        2,
    }};
}

} // namespace gatehouse::ctl
