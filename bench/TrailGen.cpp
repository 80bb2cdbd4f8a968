// gatehouse-trailgen: writes realistic CloudTrail log files in the S3 layout, for benchmarks.
//
//     gatehouse-trailgen --records 1000000 --out /tmp/trail [--seed 1] [--accounts 3]
//
// The same seed gives byte-identical files (see TrailGenerator).
#include "TrailGenerator.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

using namespace gatehouse;
using namespace gatehouse::bench;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("gatehouse-trailgen"));
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Writes realistic CloudTrail log files (S3 layout, .json.gz)."));
    parser.addHelpOption();
    const QCommandLineOption records(QStringLiteral("records"),
                                     QStringLiteral("Records to write (default 1000000)."),
                                     QStringLiteral("N"), QStringLiteral("1000000"));
    const QCommandLineOption out(QStringLiteral("out"), QStringLiteral("Output directory."),
                                 QStringLiteral("DIR"));
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Seed (default 1)."),
                                  QStringLiteral("S"), QStringLiteral("1"));
    const QCommandLineOption accounts(QStringLiteral("accounts"),
                                      QStringLiteral("AWS accounts (default 3)."),
                                      QStringLiteral("K"), QStringLiteral("3"));
    const QCommandLineOption threads(QStringLiteral("threads"),
                                     QStringLiteral("Worker threads (default: one per core)."),
                                     QStringLiteral("T"), QStringLiteral("0"));
    parser.addOptions({records, out, seed, accounts, threads});
    parser.process(app);

    QTextStream err(stderr);
    bool okRecords = false, okSeed = false, okAccounts = false, okThreads = false;
    TrailGeneratorOptions options;
    options.records = parser.value(records).toULongLong(&okRecords);
    options.seed = parser.value(seed).toULongLong(&okSeed);
    options.accounts = parser.value(accounts).toUInt(&okAccounts);
    options.threads = parser.value(threads).toInt(&okThreads);
    options.outDir = parser.value(out);
    if (!okRecords || !okSeed || !okAccounts || !okThreads || options.accounts == 0
        || options.accounts > 1000 || options.outDir.isEmpty()) {
        err << "gatehouse-trailgen: give --out DIR and whole numbers for --records, --seed, "
               "--accounts (1 to 1000) and --threads\n";
        return 2;
    }

    const auto summary = TrailGenerator(options).run();
    if (!summary) {
        err << "gatehouse-trailgen: " << summary.error().message << '\n';
        return 1;
    }
    QTextStream(stdout) << summary->records << " records (" << summary->duplicates
                        << " delivered twice) in " << summary->files
                        << " files: " << summary->jsonBytes << " bytes of JSON, "
                        << summary->gzipBytes << " bytes gzip, "
                        << QString::number(summary->seconds, 'f', 1) << " s\n";
    return 0;
}
