#include "audit/cloudtrail/GzipDeflater.h"
#include "audit/cloudtrail/TrailDatabase.h"
#include "audit/cloudtrail/TrailFileFinder.h"
#include "audit/cloudtrail/TrailFileReader.h"
#include "audit/cloudtrail/TrailIdSet.h"
#include "audit/cloudtrail/TrailIndex.h"
#include "audit/cloudtrail/TrailValueHash.h"

#include "TestSupport.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <unordered_map>

using namespace gatehouse;
using namespace gatehouse::cloudtrail;

namespace {

// One record as the independent Python reader sees it.
struct Reference {
    QString id;
    qint64 ms = 0;
    QJsonObject fields;
    QJsonObject record;
};

// A small record on a line of its own (NDJSON): an IAM user's GetObject at `time` (whole
// seconds, as CloudTrail writes them), with an event id made of `series` and `number`.
QByteArray ndjsonRecord(int series, int number, const QDateTime &time, const QString &user)
{
    return QStringLiteral("{\"eventVersion\":\"1.08\",\"eventID\":\"%1-0000-4000-8000-%2\","
                          "\"eventTime\":\"%3\",\"eventName\":\"GetObject\",\"eventSource\":"
                          "\"s3.amazonaws.com\",\"userIdentity\":{\"type\":\"IAMUser\","
                          "\"userName\":\"%4\"}}\n")
        .arg(series, 8, 10, QLatin1Char('0'))
        .arg(number, 12, 10, QLatin1Char('0'))
        .arg(time.toString(Qt::ISODate), user)
        .toUtf8();
}

const QDateTime kSomeDay(QDate(2026, 3, 1), QTime(0, 0), Qt::UTC);

bool matches(const Reference &reference, const EventLookup::Condition &condition)
{
    const QJsonObject &f = reference.fields;
    const QString &value = condition.value;
    const auto field = [&](const char *name) {
        return f[QLatin1String(name)].toString() == value;
    };
    switch (condition.attribute) {
    case LookupAttribute::EventId:
        return reference.id == value;
    case LookupAttribute::EventName:
        return field("eventName");
    case LookupAttribute::EventSource:
        return field("eventSource");
    case LookupAttribute::Username:
        return field("username");
    case LookupAttribute::AccessKeyId:
        return field("accessKeyId");
    case LookupAttribute::SourceIpAddress:
        return field("sourceIPAddress");
    case LookupAttribute::ErrorCode:
        return field("errorCode");
    case LookupAttribute::ReadOnly:
        return f[QStringLiteral("readOnly")].isBool()
            && (f[QStringLiteral("readOnly")].toBool() ? u"true" : u"false") == value;
    case LookupAttribute::ResourceType:
    case LookupAttribute::ResourceName:
        for (const QJsonValue &resource : f[QStringLiteral("resources")].toArray()) {
            const int at = condition.attribute == LookupAttribute::ResourceType ? 0 : 1;
            if (resource.toArray().at(at).toString() == value)
                return true;
        }
        return false;
    }
    return false;
}

QString copyTree(const QString &from, const QString &to)
{
    QDirIterator it(from, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        const QString target = to + QLatin1Char('/') + QDir(from).relativeFilePath(file);
        QDir().mkpath(QFileInfo(target).absolutePath());
        if (!QFile::copy(file, target))
            return file;
    }
    return {};
}

} // namespace

// The CloudTrail index over every real file of the test data: exact counts, de-duplication,
// re-imports that read only what changed, and lookups checked against an independent Python
// reading of the same files.
class TestTrailIndex : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_data; // a copy of the test data, so files can be changed and moved
    std::unique_ptr<TrailIndex> m_index;
    QList<Reference> m_reference; // every record, one per eventID

    QList<Reference> expected(const EventLookup &lookup) const
    {
        QList<Reference> out;
        for (const Reference &reference : m_reference) {
            if (lookup.startTime.isValid() && reference.ms < lookup.startTime.toMSecsSinceEpoch())
                continue;
            if (lookup.endTime.isValid() && reference.ms > lookup.endTime.toMSecsSinceEpoch())
                continue;
            bool all = true;
            for (const EventLookup::Condition &condition : lookup.conditions)
                all = all && matches(reference, condition);
            if (all && !lookup.text.isEmpty()) {
                all = QString::fromUtf8(
                          QJsonDocument(reference.record).toJson(QJsonDocument::Compact))
                          .contains(lookup.text, Qt::CaseInsensitive);
            }
            if (all)
                out.append(reference);
        }
        return out;
    }

    // Every page of the lookup (from its token, if it has one); checks each page's order on
    // the way.
    static QList<LookupEvent> allPages(TrailIndex &index, EventLookup lookup)
    {
        QList<LookupEvent> events;
        for (int pages = 0; pages < 1000; ++pages) {
            Result<EventPage> page = index.lookup(lookup);
            if (!page) {
                qWarning() << page.error().message;
                return {};
            }
            for (const LookupEvent &event : page->events) {
                if (!events.isEmpty() && events.last().eventTime < event.eventTime) {
                    qWarning() << "out of order at" << event.eventId;
                    return {};
                }
                events.append(event);
            }
            if (page->nextToken.isEmpty())
                return events;
            lookup.nextToken = page->nextToken;
        }
        return {};
    }

    static QStringList idsByTime(QList<QPair<qint64, QString>> pairs)
    {
        std::sort(pairs.begin(), pairs.end(), [](const auto &a, const auto &b) {
            return a.first != b.first ? a.first > b.first : a.second < b.second;
        });
        QStringList out;
        for (const auto &pair : pairs)
            out.append(QString::number(pair.first) + QLatin1Char(' ') + pair.second);
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString source = qEnvironmentVariable("GATEHOUSE_TRAIL_TESTDATA",
                                                    QStringLiteral(GATEHOUSE_TRAIL_TESTDATA));
        if (!QFileInfo(source).isDir())
            QSKIP("CloudTrail test data not found (shared/testdata/cloudtrail beside the source "
                  "tree)");
        m_data = m_dir.filePath(QStringLiteral("logs"));
        const QString failed = copyTree(source, m_data);
        QVERIFY2(failed.isEmpty(), qPrintable(failed));

        const QString python = QStandardPaths::findExecutable(QStringLiteral("python3"));
        QVERIFY2(!python.isEmpty(), "python3 is a test dependency (packaging/install-deps.sh)");
        QProcess process;
        process.start(python, {QStringLiteral(GATEHOUSE_TRAIL_REFERENCE), m_data});
        QVERIFY(process.waitForFinished(120000));
        QCOMPARE(process.exitCode(), 0);
        const QJsonObject files = QJsonDocument::fromJson(process.readAllStandardOutput()).object();
        QSet<QString> seen;
        for (const QJsonValue &file : files) {
            for (const QJsonValue &entry : file[QStringLiteral("records")].toArray()) {
                const QString id = entry[QStringLiteral("id")].toString();
                if (seen.contains(id))
                    continue;
                seen.insert(id);
                m_reference.append({id, entry[QStringLiteral("ms")].toInteger(),
                                    entry[QStringLiteral("fields")].toObject(),
                                    entry[QStringLiteral("record")].toObject()});
            }
        }
        QCOMPARE(m_reference.size(), 454);

        auto index = TrailIndex::open(m_dir.filePath(QStringLiteral("trail.idx")));
        GH_VERIFY_OK(index);
        m_index = std::move(*index);
    }

    void importsEveryRecordOnce()
    {
        Result<TrailImportReport> report = m_index->import({m_data});
        GH_VERIFY_OK(report);
        QCOMPARE(report->files, 50);
        QCOMPARE(report->records, 454);
        QCOMPARE(report->duplicates, 0);
        QCOMPARE(report->malformed.size(), 1);
        QVERIFY(report->malformed.first().file.endsWith(QStringLiteral("CreateApiKey.json")));
        QCOMPARE(report->malformed.first().line, 4);

        // The same folder again: nothing new to read.
        Result<TrailImportReport> again = m_index->import({m_data});
        GH_VERIFY_OK(again);
        QCOMPARE(again->files, 0);
        QCOMPARE(again->unchangedFiles, 50);
        QCOMPARE(again->records, 0);

        // The same records delivered again elsewhere (another copy of the flaws2 logs, as a
        // second region folder would hold them): all duplicates.
        const QString copy = m_dir.filePath(QStringLiteral("again"));
        QVERIFY(copyTree(m_data + QStringLiteral("/flaws2-s3"), copy).isEmpty());
        Result<TrailImportReport> copied = m_index->import({copy});
        GH_VERIFY_OK(copied);
        QCOMPARE(copied->files, 8);
        QCOMPARE(copied->records, 0);
        QCOMPARE(copied->duplicates, 37);
    }

    void everyRecordReadsBackAsImported()
    {
        EventLookup lookup;
        lookup.maxResults = 1000;
        const QList<LookupEvent> events = allPages(*m_index, lookup);
        QCOMPARE(events.size(), 454);
        // What the file reader makes of each record, by id, against what the index reads back.
        QHash<QString, QByteArray> read;
        TrailFileReader reader;
        const auto files = TrailFileFinder::find({m_data});
        GH_VERIFY_OK(files);
        for (const TrailFile &file : *files) {
            auto batch = reader.read(file.path);
            GH_VERIFY_OK(batch);
            for (const TrailRecord &record : batch->records())
                read.insert(TrailRecord::text(record.eventId),
                            QByteArray(record.json.data(), qsizetype(record.json.size())));
        }
        for (const LookupEvent &event : events) {
            QCOMPARE(event.cloudTrailEvent, read.value(event.eventId));
            QCOMPARE(QJsonDocument::fromJson(event.cloudTrailEvent)[QStringLiteral("eventID")]
                         .toString(),
                     event.eventId);
        }
    }

    void lookupsMatchTheReference()
    {
        QRandomGenerator random(5);
        // Values that occur in the data, of every attribute.
        QList<EventLookup::Condition> pool;
        for (int i = 0; i < 60; ++i) {
            const Reference &r = m_reference.at(random.bounded(m_reference.size()));
            const QJsonObject &f = r.fields;
            pool.append({LookupAttribute::EventName, f[QStringLiteral("eventName")].toString()});
            pool.append(
                {LookupAttribute::EventSource, f[QStringLiteral("eventSource")].toString()});
            if (!f[QStringLiteral("username")].toString().isEmpty())
                pool.append({LookupAttribute::Username, f[QStringLiteral("username")].toString()});
            if (!f[QStringLiteral("errorCode")].toString().isEmpty())
                pool.append(
                    {LookupAttribute::ErrorCode, f[QStringLiteral("errorCode")].toString()});
            if (!f[QStringLiteral("accessKeyId")].toString().isEmpty())
                pool.append(
                    {LookupAttribute::AccessKeyId, f[QStringLiteral("accessKeyId")].toString()});
            pool.append({LookupAttribute::SourceIpAddress,
                         f[QStringLiteral("sourceIPAddress")].toString()});
            const QJsonArray resources = f[QStringLiteral("resources")].toArray();
            if (!resources.isEmpty()) {
                pool.append(
                    {LookupAttribute::ResourceType, resources.first().toArray().at(0).toString()});
                pool.append(
                    {LookupAttribute::ResourceName, resources.first().toArray().at(1).toString()});
            }
            pool.append({LookupAttribute::EventId, r.id});
        }
        pool.append({LookupAttribute::ReadOnly, QStringLiteral("true")});
        pool.append({LookupAttribute::ReadOnly, QStringLiteral("false")});
        pool.append({LookupAttribute::EventName, QStringLiteral("NoSuchEvent")});
        const qint64 first = 1543444319000; // the oldest record, 2018-11-28
        const qint64 last = 1732956198000; // the newest, 2024-11-30
        int nonEmpty = 0;
        for (int round = 0; round < 200; ++round) {
            EventLookup lookup;
            // Half the rounds draw their attributes from neighbouring pool entries, mostly one
            // record's, so that AND has something to find.
            const int base = random.bounded(pool.size() / 10) * 10;
            const bool related = random.bounded(2) == 0;
            for (int n = random.bounded(4); n > 0; --n) {
                const EventLookup::Condition condition =
                    pool.at(related ? std::min<int>(base + random.bounded(10), pool.size() - 1)
                                    : random.bounded(pool.size()));
                if (!condition.value.isEmpty())
                    lookup.conditions.append(condition);
            }
            if (random.bounded(3) == 0) {
                qint64 a = first + qint64(random.bounded(1000000)) * (last - first) / 1000000;
                qint64 b = first + qint64(random.bounded(1000000)) * (last - first) / 1000000;
                lookup.startTime = QDateTime::fromMSecsSinceEpoch(std::min(a, b), Qt::UTC);
                lookup.endTime = QDateTime::fromMSecsSinceEpoch(std::max(a, b), Qt::UTC);
            }
            if (random.bounded(8) == 0)
                lookup.text = QStringLiteral("ASIA");
            lookup.maxResults = QList<int>{1, 5, 50, 1000}.at(random.bounded(4));
            QList<QPair<qint64, QString>> want;
            for (const Reference &reference : expected(lookup))
                want.append({reference.ms, reference.id});
            QList<QPair<qint64, QString>> got;
            for (const LookupEvent &event : allPages(*m_index, lookup))
                got.append({event.eventTime.toMSecsSinceEpoch(), event.eventId});
            nonEmpty += want.isEmpty() ? 0 : 1;
            QVERIFY2(idsByTime(got) == idsByTime(want),
                     qPrintable(QStringLiteral("round %1: %2 expected, %3 found")
                                    .arg(round)
                                    .arg(want.size())
                                    .arg(got.size())));
        }
        QVERIFY2(nonEmpty > 100, qPrintable(QString::number(nonEmpty)));
    }

    void changedFilesAreReadAgain()
    {
        const QString ndjson =
            m_data
            + QStringLiteral(
                "/otrf-ndjson-logstash/ec2_proxy_s3_exfiltration_2020-09-14011940.json");
        QFile file(ndjson);
        QVERIFY(file.open(QIODevice::Append));
        file.write(
            "{\"eventVersion\":\"1.08\",\"eventID\":\"11111111-2222-3333-4444-555555555555\","
            "\"eventTime\":\"2026-01-01T00:00:00Z\",\"eventName\":\"AppendedLater\","
            "\"eventSource\":\"s3.amazonaws.com\",\"userIdentity\":{\"type\":\"IAMUser\","
            "\"userName\":\"late\"}}\n");
        file.close();
        Result<TrailImportReport> report = m_index->import({m_data});
        GH_VERIFY_OK(report);
        QCOMPARE(report->files, 1);
        QCOMPARE(report->records, 1);
        QCOMPARE(report->duplicates, 103); // the file's earlier records, indexed already
        EventLookup lookup;
        lookup.conditions.append({LookupAttribute::Username, QStringLiteral("late")});
        Result<EventPage> page = m_index->lookup(lookup);
        GH_VERIFY_OK(page);
        QCOMPARE(page->events.size(), 1);
        QCOMPARE(page->events.first().eventName, QStringLiteral("AppendedLater"));
    }

    void movedFilesAreReported()
    {
        const QString moved = m_data + QStringLiteral("/traildiscover-samples/StopLogging.json");
        QVERIFY(QFile::rename(moved, moved + QStringLiteral(".gone")));
        EventLookup lookup;
        lookup.conditions.append({LookupAttribute::EventName, QStringLiteral("StopLogging")});
        Result<EventPage> page = m_index->lookup(lookup);
        QVERIFY(!page);
        QCOMPARE(page.error().code, ErrorCode::NotFound);
        QVERIFY(page.error().message.contains(QStringLiteral("import it again")));
        QVERIFY(QFile::rename(moved + QStringLiteral(".gone"), moved));
        QVERIFY(m_index->lookup(lookup));
    }

    void eventIdKeys()
    {
        const TrailIdSet::Id lower = TrailIdSet::keyOf("0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9");
        QCOMPARE(lower[0], std::uint8_t(0x0a));
        QCOMPARE(lower[15], std::uint8_t(0xf9));
        QVERIFY(TrailIdSet::keyOf("0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9") == lower);
        // Not a UUID: a hash, the same every time, different from the near-UUID.
        const TrailIdSet::Id odd = TrailIdSet::keyOf("0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8fg");
        QVERIFY(odd != lower);
        QVERIFY(odd == TrailIdSet::keyOf("0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8fg"));
        QVERIFY(TrailIdSet::keyOf("+a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9")
                != TrailIdSet::keyOf("0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9"));
        TrailIdSet set;
        for (int i = 0; i < 5000; ++i)
            QVERIFY(set.insert(TrailIdSet::keyOf(QByteArray::number(i).toStdString())));
        QVERIFY(!set.insert(TrailIdSet::keyOf("42")));
        QVERIFY(set.insert(TrailIdSet::Id{})); // the all-zero id is an id like any other
        QVERIFY(!set.insert(TrailIdSet::Id{}));
        QCOMPARE(set.size(), std::size_t(5001));
    }

    // SipHash-2-4 with the reference key 00..0f over the messages 00, 00 01, ... (the
    // published vectors): the rounds and the handling of the last block that 1-3 shares.
    void sipHashVectors_data()
    {
        QTest::addColumn<int>("length");
        QTest::addColumn<quint64>("expected");
        QTest::newRow("0") << 0 << quint64(0x726fdb47dd0e0e31ULL);
        QTest::newRow("1") << 1 << quint64(0x74f839c593dc67fdULL);
        QTest::newRow("7") << 7 << quint64(0xab0200f58b01d137ULL);
        QTest::newRow("8") << 8 << quint64(0x93f5f5799a932462ULL);
        QTest::newRow("15") << 15 << quint64(0xa129ca6149be45e5ULL);
        QTest::newRow("16") << 16 << quint64(0x3f2acc7f57c29bdbULL);
        QTest::newRow("63") << 63 << quint64(0x958a324ceb064572ULL);
    }

    void sipHashVectors()
    {
        QFETCH(int, length);
        QFETCH(quint64, expected);
        std::string message;
        for (int i = 0; i < length; ++i)
            message.push_back(char(i));
        QCOMPARE(quint64(TrailValueHash::sipHash24(0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL,
                                                   message)),
                 expected);
    }

    // SipHash-1-3, which the index uses, with the all-zero key (the reference implementation's
    // outputs, as other implementations publish them), and the index's value: the hash's low
    // 32 bits under the key read little-endian, as the 2-4 vectors read theirs.
    void sipHash13Vectors()
    {
        QCOMPARE(quint64(TrailValueHash::sipHash13(0, 0, "")), quint64(0xd1fba762150c532cULL));
        QCOMPARE(quint64(TrailValueHash::sipHash13(0, 0, std::string_view("\0", 1))),
                 quint64(0x68a914128e01e473ULL));
        QCOMPARE(quint64(TrailValueHash::sipHash13(0, 0, "siphash")),
                 quint64(0x8264ceeccb16bcbeULL));
        QCOMPARE(quint64(TrailValueHash::sipHash13(0, 0, "digest-sip_hash")),
                 quint64(0xce31007e34130c0aULL));
        TrailValueHash::Key key;
        for (std::size_t i = 0; i < key.size(); ++i)
            key[i] = std::uint8_t(i);
        const TrailValueHash hash(key);
        const std::uint64_t full =
            TrailValueHash::sipHash13(0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL, "ConsoleLogin");
        QCOMPARE(hash("ConsoleLogin"), std::uint32_t(full));
        QCOMPARE(TrailValueHash(TrailValueHash::Key{})("siphash"), std::uint32_t(0xcb16bcbeU));
    }

    // Two user names whose values share the index's 32-bit hash: a lookup of one never shows
    // the other's events, on any page, and misses none of its own.
    void collidingValuesAreToldApart()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("collide.idx"));
        std::optional<std::pair<std::string, std::string>> pair;
        {
            auto database = TrailDatabase::open(path);
            GH_VERIFY_OK(database);
            const TrailValueHash &hash = (*database)->valueHash();
            QVERIFY(hash("a") != 0 && hash("") == 0);
            std::unordered_map<std::uint32_t, std::string> seen;
            for (int i = 0; i < 2000000 && !pair; ++i) {
                std::string name = "user-" + std::to_string(i);
                const auto [it, fresh] = seen.emplace(hash(name), name);
                if (!fresh)
                    pair.emplace(it->second, name);
            }
        }
        QVERIFY(pair);
        const QString first = QString::fromStdString(pair->first);
        const QString second = QString::fromStdString(pair->second);
        QFile log(dir.filePath(QStringLiteral("collide.json")));
        QVERIFY(log.open(QIODevice::WriteOnly));
        QStringList firstIds;
        QStringList secondIds;
        for (int i = 0; i < 9; ++i) {
            const QString user = i % 3 == 1 ? first : second;
            (i % 3 == 1 ? firstIds : secondIds)
                .prepend(
                    QStringLiteral("00000000-0000-4000-8000-%1").arg(i, 12, 10, QLatin1Char('0')));
            log.write(ndjsonRecord(0, i, kSomeDay.addSecs(i), user));
        }
        log.close();
        auto index = TrailIndex::open(path);
        GH_VERIFY_OK(index);
        GH_VERIFY_OK((*index)->import({log.fileName()}));
        // Pages of several sizes, and with free text, whose records are read one by one.
        for (const int pageSize : {1, 2, 50, 0}) {
            for (const auto &[user, ids] :
                 {std::pair{first, firstIds}, std::pair{second, secondIds}}) {
                EventLookup lookup;
                lookup.conditions.append({LookupAttribute::Username, user});
                lookup.maxResults = pageSize > 0 ? pageSize : 2;
                if (pageSize == 0)
                    lookup.text = QStringLiteral("getobject");
                QStringList found;
                for (const LookupEvent &event : allPages(**index, lookup)) {
                    QCOMPARE(event.username, user);
                    found.append(event.eventId);
                }
                QCOMPARE(found, ids);
            }
        }
    }

    // Records are read back from access points, or from a file's start with little room (see
    // GzipInflater::Room); each is checked against the event id the index holds for it, and a
    // file whose text does not hold its records where the index says is read again the sure
    // way. Seen through files of stored blocks (libdeflate stops short before one) and access
    // points made wrong in the index: every record still comes back exactly as written.
    void recordsAreCheckedAndReadAgain()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QHash<QString, QByteArray> written; // event id -> record
        const auto logOf = [&](int series, int level) {
            QByteArray text;
            for (int i = 0; i < 3000; ++i) {
                const QByteArray line =
                    ndjsonRecord(series, i, kSomeDay.addSecs(i), QStringLiteral("reader"));
                text += line;
                written.insert(QStringLiteral("%1-0000-4000-8000-%2")
                                   .arg(series, 8, 10, QLatin1Char('0'))
                                   .arg(i, 12, 10, QLatin1Char('0')),
                               line.trimmed());
            }
            QFile file(dir.filePath(QStringLiteral("log-%1.json.gz").arg(series)));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(GzipDeflater::compress(text, level).valueOr(QByteArray()));
        };
        logOf(1, 0); // stored blocks only
        logOf(2, 6);
        const QString path = dir.filePath(QStringLiteral("checked.idx"));
        const auto pageAll = [&] {
            auto index = TrailIndex::open(path);
            GH_VERIFY_OK(index);
            EventLookup lookup;
            lookup.conditions.append({LookupAttribute::Username, QStringLiteral("reader")});
            lookup.maxResults = 1000;
            QSet<QString> seen;
            for (const LookupEvent &event : allPages(**index, lookup)) {
                QCOMPARE(event.cloudTrailEvent, written.value(event.eventId));
                seen.insert(event.eventId);
            }
            QCOMPARE(seen.size(), written.size());
        };
        {
            auto index = TrailIndex::open(path);
            GH_VERIFY_OK(index);
            GH_VERIFY_OK((*index)->import({dir.path()}));
        }
        pageAll();
        // Damaged access points: a byte of every window changed (it unpacks to text with
        // the wrong CRC), every point one bit off (decompressing from it gives other text, or
        // none), every window emptied (it no longer unpacks).
        const auto damage = [&](const char *sql, bool flipWindows) {
            auto database = TrailDatabase::open(path);
            GH_VERIFY_OK(database);
            Result<TrailDatabase::Statement> rows =
                (*database)->prepare("SELECT rowid, window FROM access_points");
            GH_VERIFY_OK(rows);
            QList<QPair<qint64, QByteArray>> windows;
            while (*rows->step()) {
                const std::string_view window = rows->blob(1);
                windows.append(
                    {rows->integer(0), QByteArray(window.data(), qsizetype(window.size()))});
            }
            QVERIFY2(windows.size() >= 2, "the compressed file has access points");
            Result<TrailDatabase::Statement> update =
                (*database)->prepare("UPDATE access_points SET window = ? WHERE rowid = ?");
            GH_VERIFY_OK(update);
            for (auto &[rowid, window] : windows) {
                if (!flipWindows || window.size() < 40)
                    continue;
                window[window.size() / 2] = char(window[window.size() / 2] ^ 0x20);
                update->bindBlob(1, window.constData(), std::size_t(window.size())).bind(2, rowid);
                GH_VERIFY_OK(update->run());
            }
            if (sql)
                GH_VERIFY_OK((*database)->exec(sql));
        };
        for (const auto &[sql, flip] :
             {std::pair<const char *, bool>{nullptr, true},
              std::pair<const char *, bool>{"UPDATE access_points SET bit = bit + 1", false},
              std::pair<const char *, bool>{"UPDATE access_points SET window = x'00'", false}}) {
            damage(sql, flip);
            if (QTest::currentTestFailed())
                return;
            pageAll();
            if (QTest::currentTestFailed())
                return;
        }
    }

    // A log file edited after the import with its size and time kept (two records of one
    // length swapped, the modification time set back) is reported as changed: each record read
    // back is checked against the event id the index holds for it, so the other record at the
    // same place is not passed off as the one indexed there.
    void swappedRecordsAreNoticed()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QList<QByteArray> lines;
        for (int i = 0; i < 20; ++i)
            lines.append(ndjsonRecord(3, i, kSomeDay.addSecs(i), QStringLiteral("same")));
        const QString log = dir.filePath(QStringLiteral("edited.json"));
        const auto write = [&] {
            QFile file(log);
            QVERIFY(file.open(QIODevice::WriteOnly));
            for (const QByteArray &line : lines)
                file.write(line);
        };
        write();
        auto index = TrailIndex::open(dir.filePath(QStringLiteral("edited.idx")));
        GH_VERIFY_OK(index);
        GH_VERIFY_OK((*index)->import({log}));
        EventLookup lookup;
        lookup.conditions.append({LookupAttribute::Username, QStringLiteral("same")});
        GH_VERIFY_OK((*index)->lookup(lookup));

        const QDateTime modified = QFileInfo(log).lastModified();
        lines.swapItemsAt(10, 11);
        write();
        {
            QFile file(log);
            QVERIFY(file.open(QIODevice::ReadWrite));
            QVERIFY(file.setFileTime(modified, QFileDevice::FileModificationTime));
        }
        QCOMPARE(QFileInfo(log).lastModified(), modified);
        Result<EventPage> page = (*index)->lookup(lookup);
        QVERIFY(!page);
        QCOMPARE(page.error().code, ErrorCode::NotFound);
        QVERIFY(page.error().message.contains(u"changed"));
    }

    // Files are read in the order of the time their names tell (CloudTrail's
    // _YYYYMMDDTHHmmZ_ stamp, else YYYY/MM/DD folders; names with neither first), so that
    // segments cover short spans of time. Seen here through re-deliveries: of two copies of
    // an event, the one read first is kept, and each pair is read the other way round in
    // path order.
    void filesAreReadInTimeOrder()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto write = [&](const QString &relative, const QList<QByteArray> &lines) {
            QVERIFY(QDir(dir.path()).mkpath(QFileInfo(relative).path()));
            QFile file(dir.filePath(relative));
            QVERIFY(file.open(QIODevice::WriteOnly));
            for (const QByteArray &line : lines)
                file.write(line);
        };
        const auto copy = [](int event, const char *user) {
            return ndjsonRecord(1, event, kSomeDay, QString::fromLatin1(user));
        };
        write(QStringLiteral("AWSLogs/111111111111/CloudTrail/us-east-1/2026/03/02/"
                             "111111111111_CloudTrail_us-east-1_20260302T0005Z_aaaa.json"),
              {copy(1, "second-day"), copy(2, "stamped"), copy(3, "stamped")});
        write(QStringLiteral("AWSLogs/222222222222/CloudTrail/eu-west-1/2026/03/01/"
                             "222222222222_CloudTrail_eu-west-1_20260301T0005Z_bbbb.json"),
              {copy(1, "first-day")});
        write(QStringLiteral("logs/2026/02/28/export.json"), {copy(2, "dated-folder")});
        write(QStringLiteral("nodate/export.json"), {copy(3, "undated")});
        auto index = TrailIndex::open(dir.filePath(QStringLiteral("order.idx")));
        GH_VERIFY_OK(index);
        Result<TrailImportReport> report = (*index)->import({dir.path()});
        GH_VERIFY_OK(report);
        QCOMPARE(report->records, 3);
        QCOMPARE(report->duplicates, 3);
        for (const auto &[event, kept] :
             {std::pair{1, "first-day"}, std::pair{2, "dated-folder"}, std::pair{3, "undated"}}) {
            EventLookup lookup;
            lookup.conditions.append({LookupAttribute::EventId,
                                      QStringLiteral("00000001-0000-4000-8000-%1")
                                          .arg(event, 12, 10, QLatin1Char('0'))});
            Result<EventPage> page = (*index)->lookup(lookup);
            GH_VERIFY_OK(page);
            QCOMPARE(page->events.size(), 1);
            QCOMPARE(page->events.first().username, QString::fromLatin1(kept));
        }
    }

    // A page token keeps its place while an import adds a segment with newer, older and
    // same-second records: the pages after it are exactly what a fresh lookup lists after the
    // last event shown, so nothing is shown twice or skipped.
    void tokensSurviveImports()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        // Records `numbers` of series `series`, two a second.
        const auto writeLog = [&](const QString &name, int series, QList<int> numbers) {
            QFile log(dir.filePath(name));
            if (!log.open(QIODevice::WriteOnly))
                return QString();
            for (const int i : numbers)
                log.write(ndjsonRecord(series, i, kSomeDay.addSecs(i / 2), QStringLiteral("u")));
            return log.fileName();
        };
        const auto range = [](int first, int count) {
            QList<int> numbers;
            for (int i = first; i < first + count; ++i)
                numbers.append(i);
            return numbers;
        };
        const QString first =
            writeLog(QStringLiteral("a.json"), 0, range(20, 40)); // seconds 10 to 29
        QVERIFY(!first.isEmpty());
        auto index = TrailIndex::open(dir.filePath(QStringLiteral("tokens.idx")));
        GH_VERIFY_OK(index);
        GH_VERIFY_OK((*index)->import({first}));
        EventLookup lookup;
        lookup.conditions.append({LookupAttribute::Username, QStringLiteral("u")});
        lookup.maxResults = 7;
        Result<EventPage> page = (*index)->lookup(lookup);
        GH_VERIFY_OK(page);
        QCOMPARE(page->events.size(), 7);
        QVERIFY(!page->nextToken.isEmpty());
        const QString lastShown = page->events.last().eventId;
        QStringList shown;
        for (const LookupEvent &event : page->events)
            shown.append(event.eventId);

        // Newer (seconds 30..39), older (0..9) and, with ids 41, 43, 53 and 56, the same seconds
        // as records already indexed (53: the second of the last event shown), in a segment of
        // their own.
        const QString second = writeLog(QStringLiteral("b.json"), 0, range(0, 20));
        const QString third = writeLog(QStringLiteral("c.json"), 0, range(60, 20));
        const QString same = writeLog(QStringLiteral("d.json"), 1, {41, 43, 53, 56});
        GH_VERIFY_OK((*index)->import({second, third, same}));

        QStringList everything;
        EventLookup all = lookup;
        all.maxResults = 1000;
        Result<EventPage> fresh = (*index)->lookup(all);
        GH_VERIFY_OK(fresh);
        for (const LookupEvent &event : fresh->events)
            everything.append(event.eventId);
        QCOMPARE(everything.size(), 84);
        const qsizetype at = everything.indexOf(lastShown);
        QVERIFY(at >= 0);
        QStringList continued;
        lookup.nextToken = page->nextToken;
        for (const LookupEvent &event : allPages(**index, lookup))
            continued.append(event.eventId);
        QCOMPARE(continued, everything.mid(at + 1));
        for (const QString &id : std::as_const(shown))
            QVERIFY(!continued.contains(id));
    }

    // An index whose parts lost chunks, were cut short or lie about their size: lookups say
    // the index is damaged (and how to mend it), never crash or return wrong pages.
    void damagedPartsAreReported_data()
    {
        QTest::addColumn<QString>("damage");
        QTest::newRow("chunks gone") << QStringLiteral("DELETE FROM chunks");
        QTest::newRow("chunks cut short") << QStringLiteral("UPDATE chunks SET data = x'00'");
        QTest::newRow("sizes too large")
            << QStringLiteral("UPDATE part_sizes SET size = size + 100000");
        QTest::newRow("sizes gone") << QStringLiteral("DELETE FROM part_sizes");
    }

    void damagedPartsAreReported()
    {
        QFETCH(QString, damage);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile log(dir.filePath(QStringLiteral("log.json")));
        QVERIFY(log.open(QIODevice::WriteOnly));
        for (int i = 0; i < 20; ++i)
            log.write(ndjsonRecord(0, i, kSomeDay.addSecs(i), QStringLiteral("u%1").arg(i % 3)));
        log.close();
        const QString path = dir.filePath(QStringLiteral("damaged.idx"));
        {
            auto index = TrailIndex::open(path);
            GH_VERIFY_OK(index);
            GH_VERIFY_OK((*index)->import({log.fileName()}));
            EventLookup lookup;
            lookup.conditions.append({LookupAttribute::Username, QStringLiteral("u1")});
            Result<EventPage> page = (*index)->lookup(lookup);
            GH_VERIFY_OK(page);
            QCOMPARE(page->events.size(), 7);
        }
        {
            auto database = TrailDatabase::open(path);
            GH_VERIFY_OK(database);
            GH_VERIFY_OK((*database)->exec(damage.toUtf8().constData()));
        }
        auto index = TrailIndex::open(path);
        GH_VERIFY_OK(index);
        EventLookup lookup;
        lookup.conditions.append({LookupAttribute::Username, QStringLiteral("u1")});
        Result<EventPage> page = (*index)->lookup(lookup);
        QVERIFY(!page);
        QCOMPARE(page.error().code, ErrorCode::Integrity);
        QVERIFY2(page.error().message.contains(QStringLiteral("damaged"))
                     && page.error().message.contains(QStringLiteral("import the log files")),
                 qPrintable(page.error().message));
        // Importing more into it fails the same way.
        QFile more(dir.filePath(QStringLiteral("more.json")));
        QVERIFY(more.open(QIODevice::WriteOnly));
        more.write(
            "{\"eventVersion\":\"1.08\",\"eventID\":\"10000000-0000-4000-8000-000000000000\","
            "\"eventTime\":\"2026-03-02T00:00:00Z\",\"eventName\":\"PutObject\"}\n");
        more.close();
        Result<TrailImportReport> imported = (*index)->import({more.fileName()});
        QVERIFY(!imported);
        QCOMPARE(imported.error().code, ErrorCode::Integrity);
    }

    void refusesOtherVersionsAndLostKeys()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString old = dir.filePath(QStringLiteral("old.idx"));
        const QString keyless = dir.filePath(QStringLiteral("keyless.idx"));
        const QString shortKey = dir.filePath(QStringLiteral("short-key.idx"));
        for (const auto &[path, change] :
             {std::pair{old, "PRAGMA user_version = 1"},
              std::pair{keyless, "DELETE FROM meta WHERE name = 'value_key'"},
              std::pair{shortKey, "UPDATE meta SET value = x'0102' WHERE name = 'value_key'"}}) {
            auto database = TrailDatabase::open(path);
            GH_VERIFY_OK(database);
            GH_VERIFY_OK((*database)->exec(change));
        }
        auto refused = TrailIndex::open(old);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::Integrity);
        QVERIFY2(refused.error().message.contains(QStringLiteral("another Gatehouse version"))
                     && refused.error().message.contains(QStringLiteral("import the log files")),
                 qPrintable(refused.error().message));
        for (const QString &path : {keyless, shortKey}) {
            refused = TrailIndex::open(path);
            QVERIFY(!refused);
            QCOMPARE(refused.error().code, ErrorCode::Integrity);
            QVERIFY2(refused.error().message.contains(QStringLiteral("damaged")),
                     qPrintable(refused.error().message));
        }
    }

    void refusesWhatIsNotAnIndex()
    {
        const QString junk = m_dir.filePath(QStringLiteral("junk.idx"));
        QFile file(junk);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(4096, 'x'));
        file.close();
        auto opened = TrailIndex::open(junk);
        QVERIFY(!opened);
        QVERIFY(opened.error().code == ErrorCode::Integrity
                || opened.error().code == ErrorCode::Unavailable);
        Result<TrailImportReport> missing =
            m_index->import({m_dir.filePath(QStringLiteral("nowhere"))});
        QVERIFY(!missing);
        QCOMPARE(missing.error().code, ErrorCode::NotFound);
    }
};

QTEST_GUILESS_MAIN(TestTrailIndex)
#include "TestTrailIndex.moc"
