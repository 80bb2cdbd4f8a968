// The CloudTrail index: TrailIndex::import of generated CloudTrail logs side by side with the
// tools people use on such files today (`zcat FILES > /dev/null`, one `zcat | jq` filter pass,
// Python's gzip + json modules), then first pages of lookups on a larger index, warm (one index
// object for every query) and cold (the index opened again for each query).
//
//     GATEHOUSE_BENCH_TRAIL_RECORDS=100000          import part: fewer records (default 1,000,000;
//                                                   0 leaves the part out)
//     GATEHOUSE_BENCH_TRAIL_DIR=/path               import part: files already there (kept)
//     GATEHOUSE_BENCH_TRAIL_LOOKUP_RECORDS=1000000  lookup part: fewer records (default
//                                                   10,000,000; 0 leaves the part out)
//     GATEHOUSE_BENCH_TRAIL_LOOKUP_DIR=/path        lookup part: files and index made there
//                                                   once, used again by later runs (kept)
//
// Generated files and indexes live in temporary folders removed at the end. The targets: the
// import in at most half of zcat's time; a first page of 50 events, whole records included, in
// at most 10 ms for one attribute and a time range, 50 ms for three attributes and a range.
#include "BenchSupport.h"
#include "TrailGenerator.h"

#include "audit/cloudtrail/TrailFileFinder.h"
#include "audit/cloudtrail/TrailFileReader.h"
#include "audit/cloudtrail/TrailIndex.h"
#include "audit/cloudtrail/TrailSegment.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <sys/resource.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

using namespace gatehouse;
using namespace gatehouse::bench;
using namespace gatehouse::cloudtrail;

namespace {

constexpr qint64 kDefaultImportRecords = 1000000;
constexpr qint64 kDefaultLookupRecords = 10000000;
constexpr std::uint64_t kSeed = 1;
constexpr int kImportRounds = 3;
constexpr int kLookupRounds = 3;
constexpr int kQueriesPerKind = 24;
constexpr int kImportThreads = 2;
constexpr double kTargetShareOfZcat = 0.5;
constexpr double kTargetOneAttributeMs = 10.0;
constexpr double kTargetThreeAttributesMs = 50.0;
constexpr qint64 kHourMs = 3600 * 1000;
constexpr qint64 kDayMs = 24 * kHourMs;

const char *const kJqFilter =
    R"(.Records[] | select(.eventName=="ConsoleLogin" and .responseElements.ConsoleLogin=="Failure"))";

// The same filter with Python's own modules, printing each match's eventID.
const char *const kPythonScript = R"(import gzip, json, sys
for path in sys.argv[1:]:
    with gzip.open(path, 'rb') as f:
        for r in json.load(f)['Records']:
            if r.get('eventName') == 'ConsoleLogin' and \
                    (r.get('responseElements') or {}).get('ConsoleLogin') == 'Failure':
                print(r.get('eventID'))
)";

double processCpuSeconds()
{
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return double(now.tv_sec) + double(now.tv_nsec) / 1e9;
}

// CPU time of the children waited for so far (user + system).
double childrenCpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_CHILDREN, &usage);
    const auto seconds = [](const timeval &t) {
        return double(t.tv_sec) + double(t.tv_usec) / 1e6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

struct Timed {
    double wall = 0;
    double cpu = 0;
    QByteArray output;
};

// Runs `script` under bash with the files as "$@", one process as a person would type it.
Timed runShell(const QString &script, const QStringList &files, const char *what)
{
    QProcess shell;
    shell.setProcessChannelMode(QProcess::SeparateChannels);
    const double cpuBefore = childrenCpuSeconds();
    const auto start = SteadyClock::now();
    shell.start(QStringLiteral("bash"),
                QStringList{QStringLiteral("-c"), script, QStringLiteral("bench")} + files);
    Timed timed;
    if (!shell.waitForStarted(-1))
        throw Failure(QStringLiteral("%1 did not start").arg(QString::fromLatin1(what)));
    while (shell.state() != QProcess::NotRunning) {
        shell.waitForReadyRead(-1);
        timed.output += shell.readAllStandardOutput();
    }
    timed.output += shell.readAllStandardOutput();
    timed.wall = secondsSince(start);
    timed.cpu = childrenCpuSeconds() - cpuBefore;
    if (shell.exitStatus() != QProcess::NormalExit || shell.exitCode() != 0)
        throw Failure(QStringLiteral("%1 failed: %2")
                          .arg(QString::fromLatin1(what),
                               QString::fromUtf8(shell.readAllStandardError()).trimmed()));
    return timed;
}

// Lines of output and the distinct event ids among them (jq prints whole records, Python the
// ids alone): the tools see every delivered copy, the index keeps one.
struct Matches {
    qint64 lines = 0;
    qint64 distinct = 0;
};

Matches countMatches(const QByteArray &output, bool wholeRecords)
{
    static const QRegularExpression eventId(QStringLiteral(R"re("eventID":"([^"]+)")re"));
    QSet<QString> ids;
    Matches matches;
    for (const QByteArray &line : output.split('\n')) {
        if (line.isEmpty())
            continue;
        ++matches.lines;
        if (wholeRecords) {
            const QRegularExpressionMatch found = eventId.match(QString::fromUtf8(line));
            if (found.hasMatch())
                ids.insert(found.captured(1));
        } else {
            ids.insert(QString::fromUtf8(line));
        }
    }
    matches.distinct = ids.size();
    return matches;
}

qint64 bytesOf(const QStringList &files)
{
    qint64 total = 0;
    for (const QString &path : files)
        total += QFileInfo(path).size();
    return total;
}

QStringList trailFiles(const QString &folder)
{
    const auto found = require(TrailFileFinder::find({folder}), "list the trail files");
    QStringList files;
    for (const TrailFile &file : found)
        files.append(file.path);
    return files;
}

QString generate(const QString &folder, qint64 records, TrailGeneratorSummary &generated)
{
    TrailGeneratorOptions options;
    options.records = std::uint64_t(records);
    options.outDir = folder + QStringLiteral("/logs");
    options.seed = kSeed;
    generated = require(TrailGenerator(options).run(), "generate the trail files");
    return options.outDir;
}

QString temporaryPath(const QTemporaryDir &temporary)
{
    if (!temporary.isValid())
        throw Failure(QStringLiteral("cannot create a temporary directory"));
    return temporary.path();
}

void printGenerated(const TrailGeneratorSummary &generated)
{
    print(QStringLiteral("Generated (gatehouse-trailgen, seed %1): %2 records in %3 files, %4 "
                         "delivered twice; %5 MB of JSON, %6 MB gzip, in %7 s.")
              .arg(kSeed)
              .arg(grouped(double(generated.records)), grouped(double(generated.files)),
                   grouped(double(generated.duplicates)),
                   fixed(double(generated.jsonBytes) / 1e6, 0),
                   fixed(double(generated.gzipBytes) / 1e6, 0), fixed(generated.seconds, 1)));
    print();
}

struct Import {
    double wall = 0;
    double cpu = 0;
    TrailImportReport report;
    qint64 indexBytes = 0;
};

Import importInto(const QString &indexPath, const QString &folder)
{
    auto index = require(TrailIndex::open(indexPath), "open the index");
    Import import;
    const double cpuBefore = processCpuSeconds();
    const auto start = SteadyClock::now();
    import.report = require(index->import({folder}, kImportThreads), "import the trail files");
    import.wall = secondsSince(start);
    import.cpu = processCpuSeconds() - cpuBefore;
    index.reset();
    import.indexBytes = QFileInfo(indexPath).size();
    return import;
}

// How many segments the index at `path` holds, asked through Qt's SQLite driver.
qint64 segmentsOf(const QString &path)
{
    const QString name = QStringLiteral("gatehouse-bench-segments");
    qint64 segments = -1;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        if (db.open()) {
            QSqlQuery query(db);
            if (query.exec(QStringLiteral("SELECT count(*) FROM segments")) && query.next())
                segments = query.value(0).toLongLong();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return segments;
}

// What an independent read of the files finds: all records, distinct event ids, and the
// distinct failed console sign-ins.
struct Reference {
    qint64 records = 0;
    qint64 distinct = 0;
    qint64 failedSignIns = 0;
};

Reference readReference(const QStringList &files)
{
    Reference reference;
    std::unordered_set<std::string> ids;
    std::unordered_set<std::string> failed;
    TrailFileReader reader;
    TrailBatch batch;
    for (const QString &path : files) {
        if (!reader.read(path, batch) || !batch.problems().isEmpty())
            throw Failure(QStringLiteral("cannot read %1").arg(path));
        for (const TrailRecord &record : batch.records()) {
            ++reference.records;
            ids.emplace(record.eventId);
            if (record.eventName == "ConsoleLogin"
                && record.json.find(R"("ConsoleLogin":"Failure")") != std::string_view::npos)
                failed.emplace(record.eventId);
        }
    }
    reference.distinct = qint64(ids.size());
    reference.failedSignIns = qint64(failed.size());
    return reference;
}

// Failed console sign-ins found through the index: every ConsoleLogin event, page by page,
// whose record says responseElements.ConsoleLogin = Failure.
qint64 failedSignInsThroughIndex(TrailIndex &index)
{
    EventLookup lookup;
    lookup.conditions = {{LookupAttribute::EventName, QStringLiteral("ConsoleLogin")}};
    lookup.maxResults = EventLookup::kMaxMaxResults;
    qint64 failed = 0;
    for (;;) {
        const EventPage page = require(index.lookup(lookup), "look up ConsoleLogin");
        for (const LookupEvent &event : page.events) {
            const QJsonObject record = QJsonDocument::fromJson(event.cloudTrailEvent).object();
            if (record[QStringLiteral("responseElements")][QStringLiteral("ConsoleLogin")]
                    .toString()
                == u"Failure")
                ++failed;
        }
        if (page.nextToken.isEmpty())
            return failed;
        lookup.nextToken = page.nextToken;
    }
}

QString secondsRange(const QList<double> &samples)
{
    const Summary s = summarize(samples);
    return QStringLiteral("%1 (%2..%3)").arg(fixed(s.median, 2), fixed(s.min, 2), fixed(s.max, 2));
}

void runImport(qint64 records)
{
    for (const char *tool : {"zcat", "jq", "python3"}) {
        if (QStandardPaths::findExecutable(QString::fromLatin1(tool)).isEmpty())
            throw Failure(QStringLiteral("%1 is not installed").arg(QString::fromLatin1(tool)));
    }
    QString folder = qEnvironmentVariable("GATEHOUSE_BENCH_TRAIL_DIR");
    QTemporaryDir temporary;
    TrailGeneratorSummary generated;
    if (folder.isEmpty())
        folder = generate(temporaryPath(temporary), records, generated);
    const QStringList files = trailFiles(folder);
    const qint64 gzipBytes = bytesOf(files);

    printHeader(QStringLiteral("CloudTrail index: import"),
                QStringLiteral("`TrailIndex::import` of %1 trail files in the S3 layout into a "
                               "new index (%2 reading threads), beside `zcat FILES > /dev/null`, "
                               "one `zcat FILES | jq -c` filter pass (failed console sign-ins) "
                               "and the same filter in Python (gzip + json modules), on the same "
                               "files, all from the page cache. Rounds alternated; medians of %3. "
                               "CPU is user + system of the whole process (the tools: of their "
                               "processes).")
                    .arg(grouped(double(files.size())))
                    .arg(kImportThreads)
                    .arg(kImportRounds));
    if (generated.files > 0)
        printGenerated(generated);
    warmCache(files);
    const Reference reference = readReference(files);

    QList<double> zcatWall, zcatCpu, jqWall, jqCpu, pythonWall, pythonCpu, importWall, importCpu,
        ctlWall, ctlCpu;
    Matches jq, python;
    Import last;
    const QString jqScript = QStringLiteral("set -o pipefail; zcat -- \"$@\" | jq -c '%1'")
                                 .arg(QString::fromLatin1(kJqFilter));
    // The program comes first among the arguments, then the files.
    const QString pythonScript =
        QStringLiteral("program=\"$1\"; shift; exec python3 -c \"$program\" \"$@\"");
    for (int round = 0; round < kImportRounds; ++round) {
        const Timed zcat =
            runShell(QStringLiteral("exec zcat -- \"$@\" > /dev/null"), files, "zcat");
        zcatWall.append(zcat.wall);
        zcatCpu.append(zcat.cpu);

        const Timed jqRun = runShell(jqScript, files, "zcat | jq");
        jqWall.append(jqRun.wall);
        jqCpu.append(jqRun.cpu);
        jq = countMatches(jqRun.output, true);

        const Timed pythonRun = runShell(
            pythonScript, QStringList{QString::fromLatin1(kPythonScript)} + files, "python3");
        pythonWall.append(pythonRun.wall);
        pythonCpu.append(pythonRun.cpu);
        python = countMatches(pythonRun.output, false);

        QTemporaryDir indexDir;
        if (!indexDir.isValid())
            throw Failure(QStringLiteral("cannot create a temporary directory"));
        const QString indexPath = indexDir.filePath(QStringLiteral("trail.index"));
        last = importInto(indexPath, folder);
        importWall.append(last.wall);
        importCpu.append(last.cpu);

        const Timed ctl = runShell(
            QStringLiteral("exec \"$1\" trail import \"$3\" --index \"$2\" --json > /dev/null"),
            {QStringLiteral(GATEHOUSE_CTL_PATH), indexDir.filePath(QStringLiteral("ctl.index")),
             folder},
            "gatehousectl trail import");
        ctlWall.append(ctl.wall);
        ctlCpu.append(ctl.cpu);
        if (round == kImportRounds - 1) {
            // The last index stays long enough to check what it holds.
            auto index = require(TrailIndex::open(indexPath), "open the index");
            const qint64 failed = failedSignInsThroughIndex(*index);
            const TrailImportReport &report = last.report;
            const qint64 generatedRecords =
                generated.files > 0 ? generated.records : reference.records;
            if (report.records + report.duplicates != generatedRecords
                || report.records != reference.distinct || !report.malformed.isEmpty()
                || report.files != files.size())
                throw Failure(QStringLiteral("the import indexed %1 records and skipped %2 "
                                             "duplicates of %3 in %4 files (%5 distinct, %6 "
                                             "malformed)")
                                  .arg(report.records)
                                  .arg(report.duplicates)
                                  .arg(generatedRecords)
                                  .arg(report.files)
                                  .arg(reference.distinct)
                                  .arg(report.malformed.size()));
            if (failed != jq.distinct || failed != python.distinct
                || failed != reference.failedSignIns || jq.lines != python.lines)
                throw Failure(QStringLiteral("failed sign-ins: %1 through the index, %2 distinct "
                                             "by jq (%3 lines), %4 by Python (%5 lines), %6 by "
                                             "the reader")
                                  .arg(failed)
                                  .arg(jq.distinct)
                                  .arg(jq.lines)
                                  .arg(python.distinct)
                                  .arg(python.lines)
                                  .arg(reference.failedSignIns));
            print(QStringLiteral("Checked: the import indexed %1 records and skipped %2 "
                                 "re-delivered ones (%1 + %2 = %3, every record of the files); "
                                 "%4 failed console sign-ins through the index (EventName = "
                                 "ConsoleLogin, then responseElements.ConsoleLogin = Failure in "
                                 "the records returned), the %4 distinct event ids of jq's %5 "
                                 "lines and of Python's.")
                      .arg(grouped(double(report.records)), grouped(double(report.duplicates)),
                           grouped(double(generatedRecords)), grouped(double(failed)),
                           grouped(double(jq.lines))));
            print();
        }
    }

    const double zcatMedian = summarize(zcatWall).median;
    const double jqMedian = summarize(jqWall).median;
    const double importMedian = summarize(importWall).median;
    const auto readRecords = double(reference.records);
    Table table({QStringLiteral("side"), QStringLiteral("wall s (min..max)"),
                 QStringLiteral("CPU s"), QStringLiteral("records/s"),
                 QStringLiteral("time vs zcat"), QStringLiteral("time vs jq pass")});
    const auto add = [&](const QString &name, const QList<double> &wall, const QList<double> &cpu) {
        const double median = summarize(wall).median;
        table.add({name, secondsRange(wall), fixed(summarize(cpu).median, 2),
                   grouped(readRecords / median), percent(median / zcatMedian),
                   percent(median / jqMedian)});
    };
    add(QStringLiteral("`zcat FILES > /dev/null`"), zcatWall, zcatCpu);
    add(QStringLiteral("`zcat FILES \\| jq -c 'failed ConsoleLogin'`"), jqWall, jqCpu);
    add(QStringLiteral("Python gzip + json, same filter"), pythonWall, pythonCpu);
    add(QStringLiteral("`TrailIndex::import`, %1 threads, new index").arg(kImportThreads),
        importWall, importCpu);
    add(QStringLiteral("`gatehousectl trail import FOLDER --index NEW` (the whole program)"),
        ctlWall, ctlCpu);
    table.print();
    print(QStringLiteral("Index: %1 MB for %2 MB of gzip files (%3), %4 segments.")
              .arg(fixed(double(last.indexBytes) / 1e6, 1), fixed(double(gzipBytes) / 1e6, 0),
                   percent(double(last.indexBytes) / double(gzipBytes)))
              .arg((last.report.records + qint64(TrailSegment::kMaxRecords) - 1)
                   / qint64(TrailSegment::kMaxRecords)));
    print(QStringLiteral("Load average at end: %1").arg(loadAverage()));
    print();

    // Judged on the whole program, as zcat is: start, open, import, commit, exit.
    const double ctlMedian = summarize(ctlWall).median;
    const double share = ctlMedian / zcatMedian;
    printResult(
        QStringLiteral("CloudTrail import (gatehousectl, %1 threads), vs zcat").arg(kImportThreads),
        QStringLiteral("<= %1 of zcat's time").arg(percent(kTargetShareOfZcat)),
        QStringLiteral("%1 s vs %2 s (in-process %3 s, jq pass %4 s)")
            .arg(fixed(ctlMedian, 2), fixed(zcatMedian, 2), fixed(importMedian, 2),
                 fixed(jqMedian, 1)),
        percent(share / kTargetShareOfZcat), share <= kTargetShareOfZcat);
}

// ---- Lookups ----------------------------------------------------------------------------

// The records of the last days, as an independent read of the files sees them, to choose
// queries that find something and to know how many events each must find.
struct Seen {
    qint64 time;
    std::uint32_t eventName;
    std::uint32_t username;
    std::uint32_t errorCode;
    std::int8_t readOnly; // -1 absent
};

class Strings
{
public:
    std::uint32_t idOf(std::string_view text)
    {
        if (text.empty())
            return 0;
        const auto found = m_ids.find(std::string(text));
        if (found != m_ids.end())
            return found->second;
        m_texts.emplace_back(text);
        m_ids.emplace(std::string(text), std::uint32_t(m_texts.size()));
        return std::uint32_t(m_texts.size());
    }
    QString text(std::uint32_t id) const { return QString::fromStdString(m_texts.at(id - 1)); }

private:
    std::unordered_map<std::string, std::uint32_t> m_ids;
    std::vector<std::string> m_texts;
};

struct Recent {
    Strings strings;
    std::vector<Seen> records;
    qint64 newest = 0;
    // (hash of the event id, index of its file), sorted: which file a page's event is read from
    std::vector<std::pair<std::uint64_t, std::uint32_t>> files;

    static std::uint64_t keyOf(std::string_view eventId)
    {
        return std::hash<std::string_view>{}(eventId);
    }
    // How many files the events of `page` are in (each is read to return its records).
    qint64 filesOf(const EventPage &page) const
    {
        QSet<std::uint32_t> seen;
        for (const LookupEvent &event : page.events) {
            const QByteArray id = event.eventId.toUtf8();
            const std::uint64_t key =
                keyOf(std::string_view(id.constData(), std::size_t(id.size())));
            const auto found = std::lower_bound(files.begin(), files.end(),
                                                std::pair<std::uint64_t, std::uint32_t>(key, 0));
            if (found != files.end() && found->first == key)
                seen.insert(found->second);
        }
        return seen.size();
    }
};

// Records of files delivered on or after `fromDay` (their folder's date), each event id once.
Recent readRecent(const QStringList &files, const QDate &fromDay)
{
    static const QRegularExpression date(QStringLiteral("/(\\d{4})/(\\d{2})/(\\d{2})/[^/]+$"));
    Recent recent;
    std::unordered_set<std::string> ids;
    TrailFileReader reader;
    TrailBatch batch;
    std::uint32_t fileIndex = 0;
    for (const QString &path : files) {
        ++fileIndex;
        const QRegularExpressionMatch found = date.match(path);
        if (!found.hasMatch())
            throw Failure(QStringLiteral("no date in %1").arg(path));
        const QDate day(found.captured(1).toInt(), found.captured(2).toInt(),
                        found.captured(3).toInt());
        if (day < fromDay)
            continue;
        if (!reader.read(path, batch))
            throw Failure(QStringLiteral("cannot read %1").arg(path));
        for (const TrailRecord &record : batch.records()) {
            if (!ids.emplace(record.eventId).second)
                continue;
            recent.files.emplace_back(Recent::keyOf(record.eventId), fileIndex);
            recent.records.push_back(
                {record.eventTimeMs, recent.strings.idOf(record.eventName),
                 recent.strings.idOf(record.username), recent.strings.idOf(record.errorCode),
                 std::int8_t(record.readOnly ? (*record.readOnly ? 1 : 0) : -1)});
            recent.newest = std::max(recent.newest, record.eventTimeMs);
        }
    }
    std::sort(recent.files.begin(), recent.files.end());
    return recent;
}

struct Query {
    QString kind;
    EventLookup lookup;
    qint64 start = 0;
    qint64 end = 0;
    std::uint32_t eventName = 0;
    std::uint32_t username = 0;
    std::uint32_t errorCode = 0;
    bool readOnly = false;
    qint64 expected = 0; // events in the range that match
    qint64 files = 0; // the first page's events are in this many files
    QList<double> warmMs, coldMs;

    bool matches(const Seen &seen) const
    {
        return seen.time >= start && seen.time <= end && (!eventName || seen.eventName == eventName)
            && (!username || seen.username == username)
            && (!errorCode || seen.errorCode == errorCode) && (!readOnly || seen.readOnly == 1);
    }
};

Query makeQuery(const QString &kind, const Strings &strings, qint64 start, qint64 end,
                std::uint32_t eventName, std::uint32_t username, std::uint32_t errorCode,
                bool readOnly)
{
    Query query;
    query.kind = kind;
    query.start = start;
    query.end = end;
    query.eventName = eventName;
    query.username = username;
    query.errorCode = errorCode;
    query.readOnly = readOnly;
    if (eventName)
        query.lookup.conditions.append({LookupAttribute::EventName, strings.text(eventName)});
    if (username)
        query.lookup.conditions.append({LookupAttribute::Username, strings.text(username)});
    if (errorCode)
        query.lookup.conditions.append({LookupAttribute::ErrorCode, strings.text(errorCode)});
    if (readOnly)
        query.lookup.conditions.append({LookupAttribute::ReadOnly, QStringLiteral("true")});
    query.lookup.startTime = QDateTime::fromMSecsSinceEpoch(start, Qt::UTC);
    query.lookup.endTime = QDateTime::fromMSecsSinceEpoch(end, Qt::UTC);
    query.lookup.maxResults = EventLookup::kDefaultMaxResults;
    return query;
}

// `count` items of `sorted`, evenly spread from its start to its end.
template<typename T>
std::vector<T> spread(const std::vector<T> &sorted, int count)
{
    std::vector<T> out;
    if (sorted.empty())
        return out;
    const std::size_t n = std::min<std::size_t>(std::size_t(count), sorted.size());
    for (std::size_t i = 0; i < n; ++i)
        out.push_back(sorted[n == 1 ? 0 : i * (sorted.size() - 1) / (n - 1)]);
    return out;
}

// Keys by how many of `records` match in [start, end], most first (ties by key).
template<typename Key, typename KeyOf>
std::vector<std::pair<Key, qint64>> ranked(const std::vector<Seen> &records, qint64 start,
                                           qint64 end, KeyOf keyOf)
{
    std::map<Key, qint64> counts;
    for (const Seen &seen : records) {
        if (seen.time < start || seen.time > end)
            continue;
        if (const std::optional<Key> key = keyOf(seen))
            ++counts[*key];
    }
    std::vector<std::pair<Key, qint64>> out(counts.begin(), counts.end());
    std::stable_sort(out.begin(), out.end(),
                     [](const auto &a, const auto &b) { return a.second > b.second; });
    return out;
}

// Four kinds of query, kQueriesPerKind of each, chosen from what the last days hold.
QList<Query> chooseQueries(const Recent &recent)
{
    using Pair = std::pair<std::uint32_t, std::uint32_t>;
    using Triple = std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>;
    const qint64 end = recent.newest;
    const qint64 lastDay = end - kDayMs + 1;
    const qint64 lastWeek = end - 7 * kDayMs + 1;
    QList<Query> queries;

    // (a) A common event name over a day, the day ending 0 to 23 hours before the newest event.
    const auto names = ranked<std::uint32_t>(recent.records, lastDay, end, [](const Seen &s) {
        return s.eventName ? std::optional<std::uint32_t>(s.eventName) : std::nullopt;
    });
    for (int i = 0; i < kQueriesPerKind && !names.empty(); ++i) {
        const qint64 dayEnd = end - i * kHourMs;
        queries.append(makeQuery(
            QStringLiteral("EventName (common), a day"), recent.strings, dayEnd - kDayMs + 1,
            dayEnd, names[std::size_t(i) % std::min<std::size_t>(8, names.size())].first, 0, 0,
            false));
    }
    // (a) A rare user name over the last week: 2 to 300 events in it.
    std::vector<std::pair<std::uint32_t, qint64>> rare;
    for (const auto &user : ranked<std::uint32_t>(recent.records, lastWeek, end, [](const Seen &s) {
             return s.username ? std::optional<std::uint32_t>(s.username) : std::nullopt;
         })) {
        if (user.second >= 2 && user.second <= 300)
            rare.push_back(user);
    }
    std::reverse(rare.begin(), rare.end()); // rarest first
    for (const auto &user : spread(rare, kQueriesPerKind))
        queries.append(makeQuery(QStringLiteral("Username (rare), a week"), recent.strings,
                                 lastWeek, end, 0, user.first, 0, false));

    // (b) Event name + user name + ReadOnly=true over a day, combinations with at least a page.
    std::vector<std::pair<Pair, qint64>> common;
    for (const auto &pair : ranked<Pair>(recent.records, lastDay, end, [](const Seen &s) {
             return s.eventName && s.username && s.readOnly == 1
                 ? std::optional<Pair>({s.eventName, s.username})
                 : std::nullopt;
         })) {
        if (pair.second > EventLookup::kDefaultMaxResults)
            common.push_back(pair);
    }
    const auto chosenPairs = spread(common, kQueriesPerKind);
    for (std::size_t i = 0; i < chosenPairs.size(); ++i) {
        const qint64 dayEnd = end - qint64(i) * kHourMs;
        queries.append(makeQuery(QStringLiteral("EventName + Username + ReadOnly, a day"),
                                 recent.strings, dayEnd - kDayMs + 1, dayEnd,
                                 chosenPairs[i].first.first, chosenPairs[i].first.second, 0, true));
    }
    // (b) Event name + user name + error code over the last week: refusals, mostly few.
    const auto triples = ranked<Triple>(recent.records, lastWeek, end, [](const Seen &s) {
        return s.eventName && s.username && s.errorCode
            ? std::optional<Triple>({s.eventName, s.username, s.errorCode})
            : std::nullopt;
    });
    for (const auto &[triple, count] : spread(triples, kQueriesPerKind)) {
        (void)count;
        queries.append(makeQuery(QStringLiteral("EventName + Username + ErrorCode, a week"),
                                 recent.strings, lastWeek, end, std::get<0>(triple),
                                 std::get<1>(triple), std::get<2>(triple), false));
    }

    for (Query &query : queries) {
        for (const Seen &seen : recent.records)
            query.expected += query.matches(seen) ? 1 : 0;
    }
    return queries;
}

// The page holds the newest `min(50, expected)` matches, whole records, newest first.
void checkPage(const Query &query, const EventPage &page)
{
    const auto wanted = std::min<qint64>(query.expected, query.lookup.maxResults);
    const auto fail = [&](const QString &why) {
        QStringList conditions;
        for (const EventLookup::Condition &c : query.lookup.conditions)
            conditions.append(lookupAttributeName(c.attribute) + u'=' + c.value);
        throw Failure(
            QStringLiteral("lookup %1 (%2): %3")
                .arg(conditions.join(u' '), query.lookup.startTime.toString(Qt::ISODate), why));
    };
    if (page.events.size() != wanted)
        fail(QStringLiteral("%1 events, expected %2").arg(page.events.size()).arg(wanted));
    if (page.nextToken.isEmpty() != (query.expected <= query.lookup.maxResults))
        fail(QStringLiteral("next token wrong"));
    qint64 previous = std::numeric_limits<qint64>::max();
    for (const LookupEvent &event : page.events) {
        const qint64 time = event.eventTime.toMSecsSinceEpoch();
        const QJsonObject record = QJsonDocument::fromJson(event.cloudTrailEvent).object();
        if (time > previous || time < query.start || time > query.end)
            fail(QStringLiteral("event out of order or range"));
        previous = time;
        if (record.isEmpty() || record[QStringLiteral("eventID")].toString() != event.eventId)
            fail(QStringLiteral("record missing"));
        for (const EventLookup::Condition &c : query.lookup.conditions) {
            QString value;
            switch (c.attribute) {
            case LookupAttribute::EventName:
                value = event.eventName;
                break;
            case LookupAttribute::Username:
                value = event.username;
                break;
            case LookupAttribute::ErrorCode:
                value = record[QStringLiteral("errorCode")].toString();
                break;
            case LookupAttribute::ReadOnly:
                value = event.readOnly.value_or(false) ? QStringLiteral("true") : QString();
                break;
            default:
                break;
            }
            if (value != c.value)
                fail(QStringLiteral("an event does not match %1").arg(c.value));
        }
    }
}

double lookupMs(TrailIndex &index, Query &query, const Recent &recent)
{
    const auto start = SteadyClock::now();
    const EventPage page = require(index.lookup(query.lookup), "look up");
    const double ms = secondsSince(start) * 1e3;
    checkPage(query, page);
    query.files = recent.filesOf(page);
    return ms;
}

double coldLookupMs(const QString &indexPath, const Query &query)
{
    const auto start = SteadyClock::now();
    auto index = require(TrailIndex::open(indexPath), "open the index");
    const EventPage page = require(index->lookup(query.lookup), "look up");
    const double ms = secondsSince(start) * 1e3;
    index.reset();
    checkPage(query, page);
    return ms;
}

QString ms(double value)
{
    return QStringLiteral("%1 ms").arg(fixed(value, value < 10 ? 2 : 1));
}

void runLookups(qint64 records)
{
    // Kept: files and index made once and used again by the next runs.
    const QString kept = qEnvironmentVariable("GATEHOUSE_BENCH_TRAIL_LOOKUP_DIR");
    QTemporaryDir temporary;
    const QString place = kept.isEmpty() ? temporaryPath(temporary) : kept;
    const QString indexPath = place + QStringLiteral("/trail.index");
    TrailGeneratorSummary generated;
    const QString folder = QFileInfo::exists(place + QStringLiteral("/logs"))
        ? place + QStringLiteral("/logs")
        : generate(place, records, generated);
    const QStringList files = trailFiles(folder);
    const qint64 gzipBytes = bytesOf(files);

    printHeader(QStringLiteral("CloudTrail index: lookups"),
                QStringLiteral("First pages (%1 events, each with its whole record read back "
                               "from its log file, as the API returns them) of %2 different "
                               "queries of each kind, on an index of %3 records. Warm: one "
                               "`TrailIndex` for all queries; cold: `TrailIndex::open` + "
                               "`lookup` for each query, timed together. The operating system's "
                               "page cache holds the index and the log files either way. %4 "
                               "rounds over all queries, warm and cold alternated; every page "
                               "is checked against an independent read of the files.")
                    .arg(EventLookup::kDefaultMaxResults)
                    .arg(kQueriesPerKind)
                    .arg(grouped(double(records)))
                    .arg(kLookupRounds));
    if (generated.files > 0)
        printGenerated(generated);

    warmCache(files);
    if (!QFileInfo::exists(indexPath)) {
        const Import import = importInto(indexPath, folder);
        print(QStringLiteral("Imported in %1 s (%2 CPU-s, %3 records/s): %4 records, %5 "
                             "re-delivered skipped.")
                  .arg(fixed(import.wall, 1), fixed(import.cpu, 1),
                       grouped(double(import.report.records) / import.wall),
                       grouped(double(import.report.records)),
                       grouped(double(import.report.duplicates))));
        if (generated.files > 0
            && import.report.records + import.report.duplicates != generated.records)
            throw Failure(QStringLiteral("the import missed records"));
    }
    const qint64 indexBytes = QFileInfo(indexPath).size();
    print(QStringLiteral("Index: %1 MB for %2 MB of gzip files (%3), %4 segments.")
              .arg(fixed(double(indexBytes) / 1e6, 0), fixed(double(gzipBytes) / 1e6, 0),
                   percent(double(indexBytes) / double(gzipBytes)))
              .arg(segmentsOf(indexPath)));
    print();
    {
        // The index file again, as the log files above: both come from the page cache.
        QFile index(indexPath);
        if (index.open(QIODevice::ReadOnly)) {
            while (!index.read(1 << 20).isEmpty()) {}
        }
    }

    // The last eight days' files (a week of queries and records written just before midnight).
    QDate newestDay;
    static const QRegularExpression date(QStringLiteral("/(\\d{4})/(\\d{2})/(\\d{2})/[^/]+$"));
    for (const QString &path : files) {
        const QRegularExpressionMatch found = date.match(path);
        if (found.hasMatch()) {
            const QDate day(found.captured(1).toInt(), found.captured(2).toInt(),
                            found.captured(3).toInt());
            if (!newestDay.isValid() || day > newestDay)
                newestDay = day;
        }
    }
    const Recent recent = readRecent(files, newestDay.addDays(-8));
    QList<Query> queries = chooseQueries(recent);

    auto warm = require(TrailIndex::open(indexPath), "open the index");
    for (int round = 0; round < kLookupRounds; ++round) {
        for (Query &query : queries)
            query.warmMs.append(lookupMs(*warm, query, recent));
        for (Query &query : queries)
            query.coldMs.append(coldLookupMs(indexPath, query));
    }
    warm.reset();

    struct Kind {
        QString name;
        double target = 0;
        QList<double> warm, cold;
        qint64 fewest = std::numeric_limits<qint64>::max();
        qint64 most = 0;
        int queries = 0;
        QList<double> files;
    };
    QList<Kind> kinds;
    for (const Query &query : queries) {
        auto it = std::find_if(kinds.begin(), kinds.end(),
                               [&](const Kind &k) { return k.name == query.kind; });
        if (it == kinds.end()) {
            Kind kind;
            kind.name = query.kind;
            kind.target = query.lookup.conditions.size() == 1 ? kTargetOneAttributeMs
                                                              : kTargetThreeAttributesMs;
            kinds.append(kind);
            it = std::prev(kinds.end());
        }
        it->warm += query.warmMs;
        it->cold += query.coldMs;
        it->fewest = std::min(it->fewest, query.expected);
        it->most = std::max(it->most, query.expected);
        it->files.append(double(query.files));
        ++it->queries;
    }
    Table table({QStringLiteral("query"), QStringLiteral("queries"),
                 QStringLiteral("matches in range"), QStringLiteral("files per page"),
                 QStringLiteral("warm median"), QStringLiteral("p95"), QStringLiteral("max"),
                 QStringLiteral("cold median"), QStringLiteral("p95"), QStringLiteral("max"),
                 QStringLiteral("target")});
    for (const Kind &kind : kinds) {
        const Summary w = summarize(kind.warm);
        const Summary c = summarize(kind.cold);
        const Summary f = summarize(kind.files);
        table.add(
            {kind.name, QString::number(kind.queries),
             QStringLiteral("%1..%2").arg(grouped(double(kind.fewest)), grouped(double(kind.most))),
             QStringLiteral("%1 (%2..%3)")
                 .arg(fixed(f.median, 0), fixed(f.min, 0), fixed(f.max, 0)),
             ms(w.median), ms(w.p95), ms(w.max), ms(c.median), ms(c.p95), ms(c.max),
             QStringLiteral("<= %1").arg(ms(kind.target))});
    }
    table.print();
    print(QStringLiteral("Files per page: how many log files a first page's events are in "
                         "(median, min..max over the queries); the index reads each of them, "
                         "decompressed as far as the last record wanted, to return the "
                         "records."));
    print(QStringLiteral("Load average at end: %1").arg(loadAverage()));
    print();

    // One result per target and side: every sample of its kinds (queries x rounds).
    for (const double target : {kTargetOneAttributeMs, kTargetThreeAttributesMs}) {
        QList<double> warmAll, coldAll;
        for (const Kind &kind : kinds) {
            if (kind.target == target) {
                warmAll += kind.warm;
                coldAll += kind.cold;
            }
        }
        const QString what = target == kTargetOneAttributeMs
            ? QStringLiteral("1 attribute + time range")
            : QStringLiteral("3 attributes + time range");
        for (const bool cold : {false, true}) {
            const Summary s = summarize(cold ? coldAll : warmAll);
            printResult(
                QStringLiteral("CloudTrail first page, %1, %2, %3 records")
                    .arg(what, cold ? QStringLiteral("cold") : QStringLiteral("warm"),
                         grouped(double(records))),
                QStringLiteral("<= %1 (p95)").arg(ms(target)),
                QStringLiteral("p95 %1, median %2, max %3").arg(ms(s.p95), ms(s.median), ms(s.max)),
                percent(s.p95 / target), s.p95 <= target);
        }
    }
}

void run()
{
    const qint64 importRecords =
        countFromEnvironment("GATEHOUSE_BENCH_TRAIL_RECORDS", kDefaultImportRecords);
    if (importRecords > 0)
        runImport(importRecords);
    const qint64 lookupRecords =
        countFromEnvironment("GATEHOUSE_BENCH_TRAIL_LOOKUP_RECORDS", kDefaultLookupRecords);
    if (lookupRecords > 0)
        runLookups(lookupRecords);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    return runMain(run);
}
