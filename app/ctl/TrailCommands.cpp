#include "CtlCommand.h"

#include "LookupOptions.h"
#include "audit/cloudtrail/DigestVerifier.h"
#include "audit/cloudtrail/TrailIndex.h"

#include <QJsonArray>

namespace gatehouse::ctl {

namespace {

using cloudtrail::DigestProblem;
using cloudtrail::DigestPublicKeys;
using cloudtrail::DigestReport;
using cloudtrail::DigestTally;
using cloudtrail::DigestVerifier;
using cloudtrail::TrailImportReport;
using cloudtrail::TrailIndex;

const QCommandLineOption kIndex(QStringLiteral("index"),
                                QStringLiteral("The CloudTrail index file (created by the first "
                                               "import)."),
                                QStringLiteral("file"));
const QCommandLineOption kPublicKey(
    QStringLiteral("public-key"),
    QStringLiteral("verify: a public key trusted to sign CloudTrail's digests: the JSON of aws "
                   "cloudtrail list-public-keys (keys chosen by fingerprint), or an RSA public "
                   "key in PEM or DER. Repeatable."),
    QStringLiteral("file"));

int import(const CtlContext &context, TrailIndex &index, const QStringList &paths)
{
    Result<TrailImportReport> report = index.import(paths);
    if (!report)
        return context.output.failure(report.error());
    QJsonArray malformed;
    QString problems;
    for (const cloudtrail::TrailProblem &problem : report->malformed) {
        malformed.append(QJsonObject{{QStringLiteral("file"), problem.file},
                                     {QStringLiteral("line"), problem.line},
                                     {QStringLiteral("reason"), problem.reason}});
        problems +=
            QStringLiteral("\n  %1:%2: %3").arg(problem.file).arg(problem.line).arg(problem.reason);
    }
    return context.output.success(
        {{QStringLiteral("Files read"),
          QStringLiteral("%1 (%2 unchanged since the last import)")
              .arg(report->files)
              .arg(report->unchangedFiles)},
         {QStringLiteral("Records"), QString::number(report->records)},
         {QStringLiteral("Duplicates"), QString::number(report->duplicates)},
         {QStringLiteral("Malformed"), QString::number(report->malformed.size()) + problems}},
        QJsonObject{{QStringLiteral("files"), report->files},
                    {QStringLiteral("unchangedFiles"), report->unchangedFiles},
                    {QStringLiteral("records"), report->records},
                    {QStringLiteral("duplicates"), report->duplicates},
                    {QStringLiteral("malformed"), malformed}});
}

QJsonObject tallyJson(const DigestTally &tally)
{
    return QJsonObject{{QStringLiteral("valid"), tally.valid},
                       {QStringLiteral("invalid"), tally.invalid},
                       {QStringLiteral("missing"), tally.missing}};
}

QString tallyText(const DigestTally &tally)
{
    return QStringLiteral("%1 valid, %2 invalid, %3 missing")
        .arg(tally.valid)
        .arg(tally.invalid)
        .arg(tally.missing);
}

QJsonArray problemsJson(const QList<DigestProblem> &problems, QString &text)
{
    QJsonArray array;
    for (const DigestProblem &problem : problems) {
        array.append(QJsonObject{{QStringLiteral("file"), problem.file},
                                 {QStringLiteral("kind"), problem.kind},
                                 {QStringLiteral("message"), problem.message}});
        text += QStringLiteral("  %1: %2: %3\n").arg(problem.file, problem.kind, problem.message);
    }
    return array;
}

int verify(const CtlContext &context, const QCommandLineParser &parser, const QStringList &paths)
{
    Result<DigestPublicKeys> keys = DigestPublicKeys::load(parser.values(kPublicKey));
    if (!keys)
        return context.output.failure(keys.error());
    const DigestVerifier verifier(std::move(*keys));
    const Result<DigestReport> report = verifier.verify(paths);
    if (!report)
        return context.output.failure(report.error());
    QString problemText;
    QString noticeText;
    const QJsonObject object{
        {QStringLiteral("ok"), report->ok()},
        {QStringLiteral("digests"), tallyJson(report->digests)},
        {QStringLiteral("logFiles"), tallyJson(report->logFiles)},
        {QStringLiteral("problems"), problemsJson(report->problems, problemText)},
        {QStringLiteral("notices"), problemsJson(report->notices, noticeText)},
    };
    if (context.output.json()) {
        context.output.success({}, object);
    } else {
        QString text = QStringLiteral("Digests:   %1\nLog files: %2\n")
                           .arg(tallyText(report->digests), tallyText(report->logFiles));
        text += report->ok() ? QStringLiteral("The trail verified: every digest and log file "
                                              "is intact.\n")
                             : QStringLiteral("The trail FAILED verification (%1 problem(s)):\n")
                                   .arg(report->problems.size())
                + problemText;
        if (!report->notices.isEmpty())
            text += QStringLiteral("Notes:\n") + noticeText;
        context.output.printText(text);
    }
    return report->ok() ? CtlOutput::Success : CtlOutput::Failure;
}

int run(const CtlContext &context, const QCommandLineParser &parser)
{
    const QStringList arguments = parser.positionalArguments();
    const QString action = arguments.value(0);
    if (action != u"import" && action != u"lookup" && action != u"verify")
        return context.output.usageError(
            QStringLiteral("trail needs an action: import PATH..., lookup or verify PATH...."));
    if (action == u"verify") {
        if (arguments.size() < 2)
            return context.output.usageError(QStringLiteral(
                "trail verify needs the local copy of the trail (folders or digest files)."));
        if (parser.isSet(kIndex))
            return context.output.usageError(
                QStringLiteral("trail verify reads the files themselves; it takes no --index."));
        return verify(context, parser, arguments.mid(1));
    }
    if (parser.isSet(kPublicKey))
        return context.output.usageError(QStringLiteral("--public-key is for trail verify."));
    if (action == u"import" && arguments.size() < 2)
        return context.output.usageError(
            QStringLiteral("trail import needs the files or folders to read."));
    if (action == u"lookup" && arguments.size() > 1)
        return context.output.usageError(QStringLiteral("trail lookup takes no arguments."));
    if (!parser.isSet(kIndex))
        return context.output.usageError(
            QStringLiteral("trail %1 needs --index FILE.").arg(action));
    Result<EventLookup> lookup = LookupOptions::read(parser);
    if (!lookup)
        return context.output.usageError(lookup.error().message);
    Result<std::unique_ptr<TrailIndex>> index = TrailIndex::open(parser.value(kIndex));
    if (!index)
        return context.output.failure(index.error());
    if (action == u"import")
        return import(context, **index, arguments.mid(1));
    Result<EventPage> page = (*index)->lookup(*lookup);
    if (!page)
        return context.output.failure(page.error());
    return LookupOptions::print(context.output, *page);
}

} // namespace

QList<CtlCommand> trailCommands()
{
    return {CtlCommand{
        QStringLiteral("trail"),
        QStringLiteral("CloudTrail logs from AWS: import PATH... --index FILE (index log files "
                       "and folders as delivered to S3, .json or .json.gz, arrays or NDJSON; "
                       "only new or changed files are read, each eventID is indexed once); "
                       "lookup --index FILE [--attr KEY=VALUE]... [--start T] [--end T] [--text "
                       "S] [--max N] [--next-token T] (as audit lookup); verify PATH... "
                       "[--public-key FILE]... (check a local copy of the bucket, AWSLogs/... "
                       "with CloudTrail-Digest, as aws cloudtrail validate-logs does: digest "
                       "signatures, saved beside each digest as <digest>.signature or "
                       "<digest>.metadata.json from aws s3api head-object, the digest chain "
                       "and every log file's SHA-256; exit 1 when anything fails)."),
        [](QCommandLineParser &parser) {
            parser.addOption(kIndex);
            parser.addOption(kPublicKey);
            LookupOptions::add(parser);
            parser.addPositionalArgument(QStringLiteral("action"),
                                         QStringLiteral("import, lookup or verify."),
                                         QStringLiteral("<action> [path...]"));
        },
        run,
        1000,
    }};
}

} // namespace gatehouse::ctl
