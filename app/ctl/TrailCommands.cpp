#include "CtlCommand.h"

#include "LookupOptions.h"
#include "audit/cloudtrail/TrailIndex.h"

#include <QJsonArray>

namespace gatehouse::ctl {

namespace {

using cloudtrail::TrailImportReport;
using cloudtrail::TrailIndex;

const QCommandLineOption kIndex(QStringLiteral("index"),
                                QStringLiteral("The CloudTrail index file (created by the first "
                                               "import)."),
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

int run(const CtlContext &context, const QCommandLineParser &parser)
{
    const QStringList arguments = parser.positionalArguments();
    const QString action = arguments.value(0);
    if (action != u"import" && action != u"lookup")
        return context.output.usageError(
            QStringLiteral("trail needs an action: import PATH... or lookup."));
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
                       "S] [--max N] [--next-token T] (as audit lookup)."),
        [](QCommandLineParser &parser) {
            parser.addOption(kIndex);
            LookupOptions::add(parser);
            parser.addPositionalArgument(QStringLiteral("action"),
                                         QStringLiteral("import or lookup."),
                                         QStringLiteral("<action> [path...]"));
        },
        run,
        1000,
    }};
}

} // namespace gatehouse::ctl
