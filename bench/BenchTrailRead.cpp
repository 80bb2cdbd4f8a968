// Reading CloudTrail logs as delivered to S3: TrailFileReader (libdeflate + simdjson) on 1 and
// 2 threads, side by side with `zcat FILES > /dev/null` over the same files. The files are made
// by TrailGenerator (1,000,000 records, seed 1) in a temporary folder removed at the end.
//
//     GATEHOUSE_BENCH_TRAIL_RECORDS=100000  fewer records, for a quick look
//     GATEHOUSE_BENCH_TRAIL_DIR=/path       read trail files already there (nothing removed)
//
// The import built on this reader must finish (SQLite inserts included, 2 cores) in under
// half of zcat's time; reading and parsing are the part measured here.
#include "BenchSupport.h"
#include "TrailGenerator.h"

#include "audit/cloudtrail/TrailFileFinder.h"
#include "audit/cloudtrail/TrailFileReader.h"

#include <QCoreApplication>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <atomic>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

using namespace gatehouse;
using namespace gatehouse::bench;
using namespace gatehouse::cloudtrail;

namespace {

constexpr qint64 kDefaultRecords = 1000000;
constexpr int kRounds = 3;
constexpr double kTargetMBPerCore = 300.0; // "several hundred MB/s of JSON per core"
constexpr double kTargetShareOfZcat = 0.5;

struct Run {
    double wall = 0;
    double cpu = 0;
    qint64 records = 0;
    qint64 textBytes = 0;
    qint64 fileBytes = 0;
    qint64 problems = 0;
};

// All files, split over `threads` threads taking the next file as they go; each thread has its
// own reader and, when `reuse`, one batch it reads into again and again.
Run readAll(const QStringList &files, int threads, bool reuse)
{
    std::atomic<qsizetype> next{0};
    std::atomic<qint64> records{0}, textBytes{0}, fileBytes{0}, problems{0};
    std::vector<double> cpu(std::size_t(threads), 0.0);
    std::atomic<bool> failed{false};
    const auto start = SteadyClock::now();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            const double cpuStart = threadCpuSeconds();
            TrailFileReader reader;
            TrailBatch batch;
            for (qsizetype i = next++; i < files.size(); i = next++) {
                if (reuse) {
                    if (!reader.read(files.at(i), batch)) {
                        failed = true;
                        return;
                    }
                } else {
                    auto fresh = reader.read(files.at(i));
                    if (!fresh) {
                        failed = true;
                        return;
                    }
                    batch = std::move(fresh).value();
                }
                records += qint64(batch.records().size());
                textBytes += batch.textBytes();
                fileBytes += batch.fileBytes();
                problems += batch.problems().size();
            }
            cpu[std::size_t(t)] = threadCpuSeconds() - cpuStart;
        });
    }
    for (std::thread &thread : pool)
        thread.join();
    if (failed)
        throw Failure(QStringLiteral("a trail file could not be read"));
    Run run;
    run.wall = secondsSince(start);
    for (const double seconds : cpu)
        run.cpu += seconds;
    run.records = records;
    run.textBytes = textBytes;
    run.fileBytes = fileBytes;
    run.problems = problems;
    return run;
}

// `zcat FILES > /dev/null`: one zcat process over the whole list, as a person would type it.
double zcatSeconds(const QStringList &files)
{
    QProcess zcat;
    zcat.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    const auto start = SteadyClock::now();
    zcat.start(QStringLiteral("bash"),
               QStringList{QStringLiteral("-c"), QStringLiteral("exec zcat -- \"$@\" > /dev/null"),
                           QStringLiteral("zcat")}
                   + files);
    if (!zcat.waitForFinished(-1) || zcat.exitStatus() != QProcess::NormalExit
        || zcat.exitCode() != 0)
        throw Failure(QStringLiteral("zcat failed"));
    return secondsSince(start);
}

qint64 distinctEventIds(const QStringList &files)
{
    std::unordered_set<std::string> ids;
    TrailFileReader reader;
    TrailBatch batch;
    for (const QString &path : files) {
        if (!reader.read(path, batch))
            throw Failure(QStringLiteral("cannot read %1").arg(path));
        for (const TrailRecord &record : batch.records())
            ids.emplace(record.eventId);
    }
    return qint64(ids.size());
}

QString mbPerSecond(qint64 bytes, double seconds)
{
    return fixed(double(bytes) / 1e6 / seconds, 0);
}

void run()
{
    if (QStandardPaths::findExecutable(QStringLiteral("zcat")).isEmpty())
        throw Failure(QStringLiteral("zcat is not installed"));
    QString folder = qEnvironmentVariable("GATEHOUSE_BENCH_TRAIL_DIR");
    QTemporaryDir temporary;
    TrailGeneratorSummary generated;
    if (folder.isEmpty()) {
        if (!temporary.isValid())
            throw Failure(QStringLiteral("cannot create a temporary directory"));
        folder = temporary.path();
        TrailGeneratorOptions options;
        options.records =
            quint64(countFromEnvironment("GATEHOUSE_BENCH_TRAIL_RECORDS", kDefaultRecords));
        options.outDir = folder;
        generated = require(TrailGenerator(options).run(), "generate the trail files");
    }
    const auto found = require(TrailFileFinder::find({folder}), "list the trail files");
    QStringList files;
    for (const TrailFile &file : found)
        files.append(file.path);

    printHeader(QStringLiteral("CloudTrail file reading"),
                QStringLiteral("TrailFileReader (gzip by libdeflate, JSON by simdjson, records "
                               "with LookupEvents' fields) over %1 trail files in the S3 layout, "
                               "on 1 and 2 threads, beside `zcat FILES > /dev/null` on the same "
                               "files, all from the page cache. Rounds alternated; medians of %2. "
                               "A thread reads into one batch again and again, as an import "
                               "does; a new batch per file is shown for comparison.")
                    .arg(grouped(double(files.size())))
                    .arg(kRounds));
    if (generated.files > 0) {
        print(QStringLiteral("Generated (gatehouse-trailgen, seed 1): %1 records in %2 files, "
                             "%3 delivered twice; %4 MB of JSON, %5 MB gzip (%6 bytes per "
                             "record), in %7 s.")
                  .arg(grouped(double(generated.records)), grouped(double(generated.files)),
                       grouped(double(generated.duplicates)),
                       fixed(double(generated.jsonBytes) / 1e6, 0),
                       fixed(double(generated.gzipBytes) / 1e6, 0),
                       fixed(double(generated.gzipBytes) / double(generated.records), 0),
                       fixed(generated.seconds, 1)));
        print();
    }
    warmCache(files);

    QList<double> zcat;
    struct Side {
        QString name;
        int threads;
        bool reuse;
        QList<double> wall, cpu;
        Run last;
    };
    QList<Side> sides{
        {QStringLiteral("TrailFileReader"), 1, true, {}, {}, {}},
        {QStringLiteral("TrailFileReader"), 2, true, {}, {}, {}},
        {QStringLiteral("TrailFileReader, new batch per file"), 1, false, {}, {}, {}}};
    for (int round = 0; round < kRounds; ++round) {
        zcat.append(zcatSeconds(files));
        for (Side &side : sides) {
            side.last = readAll(files, side.threads, side.reuse);
            side.wall.append(side.last.wall);
            side.cpu.append(side.last.cpu);
        }
    }
    const Run &reference = sides.first().last;
    for (const Side &side : sides) {
        if (side.last.records != reference.records || side.last.problems != 0)
            throw Failure(QStringLiteral("%1 read %2 records with %3 problems, not %4")
                              .arg(side.name)
                              .arg(side.last.records)
                              .arg(side.last.problems)
                              .arg(reference.records));
    }

    const double zcatWall = summarize(zcat).median;
    Table table({QStringLiteral("reader"), QStringLiteral("threads"),
                 QStringLiteral("wall s (min..max)"), QStringLiteral("CPU s"),
                 QStringLiteral("records/s"), QStringLiteral("MB/s JSON"),
                 QStringLiteral("MB/s JSON per CPU-s"), QStringLiteral("MB/s gzip"),
                 QStringLiteral("time vs zcat")});
    const Summary z = summarize(zcat);
    table.add(
        {QStringLiteral("`zcat FILES > /dev/null`"), QStringLiteral("1"),
         QStringLiteral("%1 (%2..%3)").arg(fixed(z.median, 2), fixed(z.min, 2), fixed(z.max, 2)),
         QStringLiteral("–"), grouped(double(reference.records) / z.median),
         mbPerSecond(reference.textBytes, z.median), QStringLiteral("–"),
         mbPerSecond(reference.fileBytes, z.median), percent(1.0)});
    for (const Side &side : sides) {
        const Summary w = summarize(side.wall);
        const double cpu = summarize(side.cpu).median;
        table.add({side.name, QString::number(side.threads),
                   QStringLiteral("%1 (%2..%3)")
                       .arg(fixed(w.median, 2), fixed(w.min, 2), fixed(w.max, 2)),
                   fixed(cpu, 2), grouped(double(side.last.records) / w.median),
                   mbPerSecond(side.last.textBytes, w.median),
                   mbPerSecond(side.last.textBytes, cpu),
                   mbPerSecond(side.last.fileBytes, w.median), percent(w.median / zcatWall)});
    }
    table.print();
    const qint64 distinct = distinctEventIds(files);
    print(QStringLiteral("%1 records, %2 distinct event ids; %3 MB of JSON from %4 MB gzip.")
              .arg(grouped(double(reference.records)), grouped(double(distinct)),
                   fixed(double(reference.textBytes) / 1e6, 0),
                   fixed(double(reference.fileBytes) / 1e6, 0)));
    print(QStringLiteral("Load average at end: %1").arg(loadAverage()));
    print();

    const Side &one = sides.at(0);
    const Side &two = sides.at(1);
    const double perCore = double(one.last.textBytes) / 1e6 / summarize(one.cpu).median;
    printResult(QStringLiteral("CloudTrail read+parse, 1 thread"),
                QStringLiteral(">= %1 MB/s JSON per core").arg(fixed(kTargetMBPerCore, 0)),
                QStringLiteral("%1 MB/s per CPU-s").arg(fixed(perCore, 0)),
                percent(perCore / kTargetMBPerCore), perCore >= kTargetMBPerCore);
    const double share = summarize(two.wall).median / zcatWall;
    printResult(QStringLiteral("CloudTrail read+parse, 2 threads, vs zcat"),
                QStringLiteral("<= %1 of zcat's time").arg(percent(kTargetShareOfZcat)),
                QStringLiteral("%1 s vs %2 s")
                    .arg(fixed(summarize(two.wall).median, 2), fixed(zcatWall, 2)),
                percent(share / kTargetShareOfZcat), share <= kTargetShareOfZcat);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    return runMain(run);
}
