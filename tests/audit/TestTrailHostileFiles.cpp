// TrailFileReader on damaged, odd and hostile files made in the test: every one gives a clear
// result (records, or a problem naming the line), never a crash or an exception.
#include "audit/cloudtrail/GzipDeflater.h"
#include "audit/cloudtrail/GzipInflater.h"
#include "audit/cloudtrail/TrailFileReader.h"

#include "TestSupport.h"

#include <QCryptographicHash>
#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTemporaryDir>

#include <cstring>

using namespace gatehouse;
using namespace gatehouse::cloudtrail;

namespace {

QString text(std::string_view view)
{
    return TrailRecord::text(view);
}

QByteArray gzip(const QByteArray &data, int level = GzipDeflater::kCloudTrailLevel)
{
    return GzipDeflater::compress(data, level).valueOr(QByteArray());
}

// A compact record; `extra` is spliced in as more members ("\"a\":1,").
QByteArray record(const QByteArray &id, const QByteArray &time = "2024-05-01T12:00:00Z",
                  const QByteArray &extra = {})
{
    QByteArray json = "{\"eventVersion\":\"1.09\",\"eventTime\":\"" + time + "\",";
    if (!id.isEmpty())
        json += "\"eventID\":\"" + id + "\",";
    json += extra;
    json += "\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"GetObject\"}";
    return json;
}

QByteArray envelope(const QList<QByteArray> &records)
{
    QByteArray json = "{\"Records\":[";
    for (qsizetype i = 0; i < records.size(); ++i) {
        if (i > 0)
            json += ',';
        json += records.at(i);
    }
    return json + "]}";
}

QByteArrayList ids(const TrailBatch &batch)
{
    QByteArrayList list;
    for (const TrailRecord &r : batch.records())
        list.append(QByteArray(r.eventId.data(), qsizetype(r.eventId.size())));
    return list;
}

QList<qint64> lines(const TrailBatch &batch)
{
    QList<qint64> list;
    for (const TrailRecord &r : batch.records())
        list.append(r.line);
    return list;
}

QString problems(const TrailBatch &batch)
{
    QStringList list;
    for (const TrailProblem &p : batch.problems())
        list.append(QStringLiteral("%1: %2").arg(p.line).arg(p.reason));
    return list.join(u"; ");
}

bool hasOneProblem(const TrailBatch &batch, qint64 line, QStringView reasonStart)
{
    return batch.problems().size() == 1 && batch.problems().first().line == line
        && batch.problems().first().reason.startsWith(reasonStart);
}

#define VERIFY_ONE_PROBLEM(batch, line, reason)                                                    \
    QVERIFY2(hasOneProblem(batch, line, reason), qPrintable(problems(batch)))

} // namespace

class TestTrailHostileFiles : public QObject
{
    Q_OBJECT

private:
    TrailFileReader m_reader;

    TrailBatch parse(const QByteArray &bytes) { return m_reader.parse(bytes, QStringLiteral("t")); }

private Q_SLOTS:
    void truncatedGzip_data()
    {
        QTest::addColumn<int>("keep");
        for (const int keep : {1, 2, 10, 17, 30, 200, -1, -4, -8})
            QTest::newRow(qPrintable(QString::number(keep))) << keep;
    }

    void truncatedGzip()
    {
        QFETCH(int, keep);
        QList<QByteArray> records;
        for (int i = 0; i < 50; ++i)
            records.append(record("id-" + QByteArray::number(i)));
        const QByteArray whole = gzip(envelope(records));
        const QByteArray cut = keep > 0 ? whole.left(keep) : whole.left(whole.size() + keep);
        const TrailBatch batch = parse(cut);
        QVERIFY(batch.records().empty());
        if (keep == 1)
            VERIFY_ONE_PROBLEM(batch, 1, u"file is not a CloudTrail log"); // 1f alone: not gzip
        else
            VERIFY_ONE_PROBLEM(batch, 0, u"gzip data is corrupt or truncated");
    }

    void gzipWithWrongIsize_data()
    {
        QTest::addColumn<quint32>("isize");
        QTest::newRow("one less") << quint32(1);
        QTest::newRow("zero") << quint32(0);
        QTest::newRow("4 GiB - 1") << quint32(0xffffffff);
    }

    void gzipWithWrongIsize()
    {
        // ISIZE only sizes the buffer; gzip's length check then rejects the file, as gunzip
        // and Python do, without a buffer of the claimed size being filled.
        QFETCH(quint32, isize);
        const QByteArray json = envelope({record("a"), record("b")});
        QByteArray data = gzip(json);
        const quint32 claimed = isize == 1 ? quint32(json.size() - 1) : isize;
        std::memcpy(data.data() + data.size() - 4, &claimed, 4);
        const TrailBatch batch = parse(data);
        QVERIFY(batch.records().empty());
        VERIFY_ONE_PROBLEM(batch, 0, u"gzip data is corrupt or truncated");
    }

    void multiMemberGzip()
    {
        // `cat a.gz b.gz`: the trailer's ISIZE is the small last member's, so the first
        // buffer is far too small and must grow.
        QList<QByteArray> first;
        for (int i = 0; i < 3000; ++i)
            first.append(record("m1-" + QByteArray::number(i)));
        const QByteArray head = envelope(first).chopped(2) + ',';
        const QByteArray tail = record("m2-last") + "]}";
        QByteArray data = gzip(head) + gzip(tail, 1);
        TrailBatch batch = parse(data);
        QVERIFY2(batch.problems().isEmpty(), qPrintable(problems(batch)));
        QCOMPARE(batch.records().size(), std::size_t(3001));
        QCOMPARE(text(batch.records().back().eventId), QStringLiteral("m2-last"));
        QCOMPARE(batch.textBytes(), head.size() + tail.size());

        // Zero padding after the last member is ignored, as gzip(1) does.
        batch = parse(data + QByteArray(100, '\0'));
        QCOMPARE(batch.records().size(), std::size_t(3001));
        // Anything else after it is not.
        batch = parse(data + "junk after the members");
        QVERIFY(batch.records().empty());
        VERIFY_ONE_PROBLEM(batch, 0, u"gzip data is followed by bytes that are not gzip");
    }

    // Decompressing only as far as a record needs: every prefix asked for is the data's own,
    // through compressed, stored (incompressible) and mixed blocks and into a second member.
    void gzipPrefixes()
    {
        QList<QByteArray> records;
        for (int i = 0; i < 3000; ++i)
            records.append(record("p-" + QByteArray::number(i)));
        const QByteArray text = envelope(records);
        QByteArray noise(300000, '\0');
        QRandomGenerator random(5);
        for (char &c : noise)
            c = char(random.bounded(256));
        const QByteArray mixed = text.left(100000) + noise + text.mid(100000, 100000);
        struct Case {
            const char *name;
            QByteArray data;
            QByteArray gz;
        };
        const QList<Case> cases{
            {"text", text, gzip(text)},
            {"text, level 1", text, gzip(text, 1)},
            {"noise", noise, gzip(noise)},
            {"mixed, level 12", mixed, gzip(mixed, 12)},
            {"two members", mixed + text, gzip(mixed) + gzip(text)},
        };
        GzipInflater inflater;
        PaddedText out;
        for (const Case &c : cases) {
            const qsizetype size = c.data.size();
            for (const qsizetype wanted : {qsizetype(0), qsizetype(1), qsizetype(1000), size / 3,
                                           size / 2 + 7, size - 1, size, size + 10}) {
                const QByteArray what = QByteArray(c.name) + " to " + QByteArray::number(wanted);
                Result<void> inflated =
                    inflater.inflatePrefix(c.gz.constData(), std::size_t(c.gz.size()), out,
                                           std::size_t(wanted), 0xFFFFFFFFu);
                QVERIFY2(inflated, what.constData());
                const qsizetype known = std::min(wanted, size);
                QVERIFY2(qsizetype(out.size()) >= known, what.constData());
                QVERIFY2(qsizetype(out.size()) <= size, what.constData());
                QVERIFY2(QByteArrayView(out.data(), qsizetype(out.size()))
                             == c.data.left(qsizetype(out.size())),
                         what.constData());
            }
        }
        // Damage before the bytes wanted is still an error.
        QByteArray damaged = gzip(text);
        for (qsizetype i = 20; i < 200; ++i)
            damaged[i] = char(damaged[i] ^ 0x5a);
        QVERIFY(!inflater.inflatePrefix(damaged.constData(), std::size_t(damaged.size()), out,
                                        std::size_t(text.size() / 2), 0xFFFFFFFFu));
    }

    void gzipOfJunk()
    {
        QByteArray junk(4096, Qt::Uninitialized);
        for (qsizetype i = 0; i < junk.size(); ++i)
            junk[i] = char((i * 7919 + 13) % 251);
        TrailBatch batch = parse(gzip(junk));
        QVERIFY(batch.records().empty());
        VERIFY_ONE_PROBLEM(batch, 1, u"file is not a CloudTrail log");
        // The same junk, not compressed.
        batch = parse(junk);
        VERIFY_ONE_PROBLEM(batch, 1, u"file is not a CloudTrail log");
        // Junk that starts like JSON.
        batch = parse("[" + junk);
        QVERIFY(batch.records().empty());
        QCOMPARE(batch.problems().size(), 1);
        QVERIFY(batch.problems().first().reason.startsWith(u"not valid JSON: "));
    }

    void decompressionBomb()
    {
        // 64 MiB of spaces after an empty array compress to about 64 KiB.
        const QByteArray json = "[" + QByteArray(64 << 20, ' ') + "]";
        const QByteArray bomb = gzip(json, 9);
        QVERIFY(bomb.size() < 200 * 1024);
        TrailFileReader careful(16 << 20);
        TrailBatch batch = careful.parse(bomb, QStringLiteral("bomb.json.gz"));
        QVERIFY(batch.records().empty());
        VERIFY_ONE_PROBLEM(batch, 0, u"gzip data decompresses to more than 16,777,216 bytes");
        // Within the limit it is just a file with no records.
        batch = m_reader.parse(bomb, QStringLiteral("bomb.json.gz"));
        QVERIFY2(batch.problems().isEmpty(), qPrintable(problems(batch)));
        QCOMPARE(batch.textBytes(), json.size());
        // A plain file over the limit is not read at all.
        batch = careful.parse(json, QStringLiteral("big.json"));
        VERIFY_ONE_PROBLEM(batch, 0, u"file is larger than 16,777,216 bytes");
    }

    void ndjsonWithABadLine()
    {
        const QByteArray data = record("l1") + "\n" + record("l2") + "\n"
            + "{\"eventTime\":\"2024-05-01T12:00:00Z\",\"eventID\":\"l3\",oops}\n" + "\n   \n"
            + record("l6") + "\n" + record("l7");
        const TrailBatch batch = parse(data);
        QCOMPARE(ids(batch), QByteArrayList({"l1", "l2", "l6", "l7"}));
        QCOMPARE(lines(batch), QList<qint64>({1, 2, 6, 7}));
        VERIFY_ONE_PROBLEM(batch, 3, u"not valid JSON: ");
    }

    void ndjsonWithABadFirstLine()
    {
        const QByteArray data =
            "{\"eventTime\": broken\n" + record("l2") + "\n" + record("l3") + "\n";
        const TrailBatch batch = parse(data);
        QCOMPARE(ids(batch), QByteArrayList({"l2", "l3"}));
        VERIFY_ONE_PROBLEM(batch, 1, u"not valid JSON: ");
    }

    void ndjsonOfEnvelopes()
    {
        // Delivered files joined one per line.
        const QByteArray data =
            envelope({record("a"), record("b")}) + "\n" + envelope({record("c")}) + "\n";
        const TrailBatch batch = parse(data);
        QVERIFY2(batch.problems().isEmpty(), qPrintable(problems(batch)));
        QCOMPARE(ids(batch), QByteArrayList({"a", "b", "c"}));
        QCOMPARE(lines(batch), QList<qint64>({1, 1, 2}));
    }

    void crlfLineEnds()
    {
        const QByteArray pretty = "[\r\n  " + record("a")
            + ",\r\n\r\n  {\r\n    \"eventID\": \"b\",\r\n"
              "    \"eventTime\": \"2024-05-01T12:00:01Z\"\r\n  }\r\n]\r\n";
        TrailBatch batch = parse(pretty);
        QVERIFY2(batch.problems().isEmpty(), qPrintable(problems(batch)));
        QCOMPARE(ids(batch), QByteArrayList({"a", "b"}));
        QCOMPARE(lines(batch), QList<qint64>({2, 4}));
        QCOMPARE(text(batch.records()[1].json),
                 QStringLiteral("{\"eventID\":\"b\",\"eventTime\":\"2024-05-01T12:00:01Z\"}"));

        batch = parse(record("x") + "\r\n" + record("y") + "\r\n");
        QVERIFY2(batch.problems().isEmpty(), qPrintable(problems(batch)));
        QCOMPARE(ids(batch), QByteArrayList({"x", "y"}));
        QCOMPARE(lines(batch), QList<qint64>({1, 2}));
    }

    void byteOrderMark()
    {
        const QByteArray bom = "\xEF\xBB\xBF";
        TrailBatch batch = parse(bom + envelope({record("a")}));
        QVERIFY2(batch.problems().isEmpty(), qPrintable(problems(batch)));
        QCOMPARE(ids(batch), QByteArrayList({"a"}));
        batch = parse(bom + record("x") + "\n" + record("y"));
        QCOMPARE(ids(batch), QByteArrayList({"x", "y"}));
        batch = parse(bom);
        VERIFY_ONE_PROBLEM(batch, 0, u"file is empty");
    }

    void invalidUtf8InAString()
    {
        const QByteArray bad = record("bad", "2024-05-01T12:00:00Z", "\"userAgent\":\"caf\xC3\",");
        TrailBatch batch = parse("[\n" + record("a") + ",\n" + bad + "\n]");
        QVERIFY(batch.records().empty());
        VERIFY_ONE_PROBLEM(batch, 3, u"not valid JSON: the text is not valid UTF-8");
        // In NDJSON only that line is lost.
        batch = parse(record("a") + "\n" + bad + "\n" + record("c"));
        QCOMPARE(ids(batch), QByteArrayList({"a", "c"}));
        VERIFY_ONE_PROBLEM(batch, 2, u"not valid JSON: the text is not valid UTF-8");
        // Overlong and surrogate forms are invalid too.
        for (const QByteArray &sequence : {QByteArray("\xC0\xAF"), QByteArray("\xED\xA0\x80")}) {
            batch = parse("[" + record("a", "2024-05-01T12:00:00Z", "\"x\":\"" + sequence + "\",")
                          + "]");
            VERIFY_ONE_PROBLEM(batch, 1, u"not valid JSON: the text is not valid UTF-8");
        }
    }

    void unescapedControlCharacter()
    {
        const TrailBatch batch =
            parse("[\n\n" + record("a", "2024-05-01T12:00:00Z", "\"x\":\"a\tb\",") + "]");
        QVERIFY(batch.records().empty());
        VERIFY_ONE_PROBLEM(batch, 3,
                           u"not valid JSON: a string contains an unescaped control character");
    }

    void deepNesting()
    {
        const QByteArray deep = QByteArray(10000, '[') + QByteArray(10000, ']');
        TrailBatch batch =
            parse("[\n" + record("a") + ",\n"
                  + record("deep", "2024-05-01T12:00:00Z", "\"requestParameters\":" + deep + ",")
                  + "\n]");
        QVERIFY(batch.records().empty());
        VERIFY_ONE_PROBLEM(batch, 3, u"not valid JSON: objects and arrays are nested more than");
        // As deep as the limit allows, and as deep as nesting gets in real records, is fine.
        const QByteArray fine = QByteArray(1000, '[') + QByteArray(1000, ']');
        batch = parse("[" + record("fine", "2024-05-01T12:00:00Z", "\"p\":" + fine + ",") + "]");
        QVERIFY2(batch.problems().isEmpty(), qPrintable(problems(batch)));
        QCOMPARE(ids(batch), QByteArrayList({"fine"}));
        // Deep nesting is refused whatever the shape.
        batch = parse(deep);
        VERIFY_ONE_PROBLEM(batch, 1, u"not valid JSON: objects and arrays are nested more than");
    }

    void recordsThatIsNotAnArray()
    {
        const TrailBatch batch = parse("{\n  \"Records\":\n    {\"eventID\": \"a\"}\n}");
        QVERIFY(batch.records().empty());
        VERIFY_ONE_PROBLEM(batch, 3, u"file is not a CloudTrail log: \"Records\" is not an array");
    }

    void recordsWithoutEventId()
    {
        const QByteArray anonymous = record({}, "2024-05-01T12:00:00Z", "\"userAgent\":\"x\",");
        const QByteArray other = record({}, "2024-05-01T12:00:00Z", "\"userAgent\":\"y\",");
        // The same record twice, once pretty-printed: the id is of the minified record.
        const QByteArray pretty = QByteArray(anonymous)
                                      .replace("{\"", "{\n  \"")
                                      .replace("\",\"", "\",\n  \"")
                                      .replace("\":\"", "\": \"");
        QVERIFY(pretty.count('\n') > 3);
        const TrailBatch batch = parse(envelope({anonymous, other, pretty}));
        QVERIFY2(batch.problems().isEmpty(), qPrintable(problems(batch)));
        QCOMPARE(batch.records().size(), std::size_t(3));
        const QString expected =
            QStringLiteral("sha256:")
            + QString::fromLatin1(
                QCryptographicHash::hash(anonymous, QCryptographicHash::Sha256).toHex());
        QCOMPARE(text(batch.records()[0].eventId), expected);
        QVERIFY(batch.records()[1].eventId != batch.records()[0].eventId);
        QVERIFY(text(batch.records()[1].eventId).startsWith(u"sha256:"));
        QCOMPARE(text(batch.records()[1].eventId).size(), 7 + 64);
        QCOMPARE(text(batch.records()[2].json), QString::fromUtf8(anonymous));
        QCOMPARE(text(batch.records()[2].eventId), expected);
    }

    void hugeStringField()
    {
        const QByteArray agent(20 << 20, 'A');
        const TrailBatch batch = parse(gzip(
            envelope({record("big", "2024-05-01T12:00:00Z", "\"userAgent\":\"" + agent + "\","),
                      record("small")})));
        QVERIFY2(batch.problems().isEmpty(), qPrintable(problems(batch)));
        QCOMPARE(ids(batch), QByteArrayList({"big", "small"}));
        QCOMPARE(batch.records()[0].userAgent.size(), std::size_t(agent.size()));
    }

    void emptyFiles()
    {
        TrailBatch batch = parse({});
        VERIFY_ONE_PROBLEM(batch, 0, u"file is empty");
        batch = parse(" \n\t\r\n");
        VERIFY_ONE_PROBLEM(batch, 0, u"file is empty");
        batch = parse(gzip({}));
        VERIFY_ONE_PROBLEM(batch, 0, u"file is empty");
        batch = parse("[]");
        QVERIFY(batch.records().empty());
        QVERIFY(batch.problems().isEmpty());
        batch = parse("{\"Records\":[]}\n");
        QVERIFY(batch.records().empty());
        QVERIFY(batch.problems().isEmpty());
    }

    void controlCharactersAndBidiOverrides()
    {
        // Escaped in the file, kept escaped in json, decoded in the fields (the console shows
        // them as plain text).
        const QByteArray escaped = "\"userAgent\":\"curl\\u0007\\u202Egnp.exe\\u0000\","
                                   "\"sourceIPAddress\":\"\xE2\x80\xAE"
                                   "1.2.3.4\",";
        const TrailBatch batch = parse("[" + record("c", "2024-05-01T12:00:00Z", escaped) + "]");
        QVERIFY2(batch.problems().isEmpty(), qPrintable(problems(batch)));
        const TrailRecord &r = batch.records().front();
        QVERIFY(r.json.find("curl\\u0007\\u202Egnp.exe\\u0000") != std::string_view::npos);
        QCOMPARE(text(r.userAgent), QString(QStringLiteral("curl\u0007\u202Egnp.exe") + QChar(0)));
        QCOMPARE(text(r.sourceIPAddress), QStringLiteral("\u202E1.2.3.4"));
    }

    void recordsThatAreNotObjects()
    {
        const TrailBatch batch = parse("[\n1,\n" + record("ok") + ",\n\"text\",\n[]\n]");
        QCOMPARE(ids(batch), QByteArrayList({"ok"}));
        QCOMPARE(lines(batch), QList<qint64>({3}));
        QCOMPARE(batch.problems().size(), 3);
        QCOMPARE(batch.problems()[0].line, 2);
        QCOMPARE(batch.problems()[1].line, 4);
        QCOMPARE(batch.problems()[2].line, 5);
        for (const TrailProblem &p : batch.problems())
            QCOMPARE(p.reason, QStringLiteral("record is not a JSON object"));
    }

    void recordsWithoutAUsableTime()
    {
        const TrailBatch batch = parse(
            "[\n" + record("ok") + ",\n{\"eventID\":\"none\"},\n" + record("bad", "yesterday")
            + ",\n" + record("feb30", "2024-02-30T00:00:00Z") + ",\n"
            + "{\"eventID\":\"number\",\"eventTime\":17,\"@timestamp\":\"2020-09-14T00:44:23.5Z\"}"
            + "\n]");
        QCOMPARE(ids(batch), QByteArrayList({"ok", "number"}));
        QCOMPARE(batch.records()[1].eventTimeMs, Q_INT64_C(1600044263500));
        QCOMPARE(batch.problems().size(), 3);
        QCOMPARE(batch.problems()[0].line, 3);
        QCOMPARE(batch.problems()[0].reason, QStringLiteral("record has no eventTime"));
        QCOMPARE(batch.problems()[1].line, 4);
        QVERIFY(batch.problems()[1].reason.startsWith(u"record has an eventTime that is not"));
        QCOMPARE(batch.problems()[2].line, 5);
    }

    void singleRecordObject()
    {
        const QByteArray pretty =
            QJsonDocument::fromJson(record("one")).toJson(QJsonDocument::Indented);
        TrailBatch batch = parse("\n\n" + pretty);
        QVERIFY2(batch.problems().isEmpty(), qPrintable(problems(batch)));
        QCOMPARE(ids(batch), QByteArrayList({"one"}));
        QCOMPARE(lines(batch), QList<qint64>({3}));
        batch = parse(record("line") + "\n");
        QCOMPARE(ids(batch), QByteArrayList({"line"}));
    }

    void trailingContent()
    {
        TrailBatch batch = parse("[" + record("a") + "]\n\nxyz");
        QVERIFY(batch.records().empty());
        VERIFY_ONE_PROBLEM(batch, 3, u"not valid JSON: ");
        batch = parse("[" + record("a") + ",\n" + record("b"));
        QVERIFY(batch.records().empty());
        VERIFY_ONE_PROBLEM(batch, 2, u"not valid JSON: ");
    }

    void invalidValueInsideARecord()
    {
        // Broken JSON deep inside a record is found: records never carry broken JSON.
        const TrailBatch batch = parse(
            "[\n" + record("a") + ",\n"
            + record("b", "2024-05-01T12:00:00Z", "\"requestParameters\":{\"x\":[1 2]},") + "\n]");
        QVERIFY(batch.records().empty());
        VERIFY_ONE_PROBLEM(batch, 3, u"not valid JSON: ");
    }

    void wrongTypesAreAbsent()
    {
        const QByteArray odd = "{\"eventID\":\"odd\",\"eventTime\":\"2024-05-01T12:00:00.123456Z\","
                               "\"eventName\":42,\"eventSource\":null,\"userIdentity\":\"root\","
                               "\"resources\":\"all\",\"readOnly\":\"yes\",\"awsRegion\":{},"
                               "\"errorCode\":[\"x\"]}";
        const QByteArray strings = record("strings", "2024-05-01T12:00:00Z",
                                          "\"readOnly\":\"false\",\"resources\":[1,{\"type\":"
                                          "\"AWS::S3::Bucket\"},{}],"
                                          "\"userIdentity\":{\"type\":\"FederatedUser\","
                                          "\"arn\":\"arn:aws:sts::1:federated-user/bob\","
                                          "\"accessKeyId\":7},");
        const TrailBatch batch = parse(envelope({odd, strings}));
        QVERIFY2(batch.problems().isEmpty(), qPrintable(problems(batch)));
        const TrailRecord &a = batch.records()[0];
        QCOMPARE(a.eventTimeMs, Q_INT64_C(1714564800123));
        QVERIFY(a.eventName.empty() && a.eventSource.empty() && a.awsRegion.empty());
        QVERIFY(a.errorCode.empty() && a.username.empty() && a.resources.empty());
        QVERIFY(!a.readOnly.has_value());
        const TrailRecord &b = batch.records()[1];
        QCOMPARE(b.readOnly, std::optional<bool>(false));
        QCOMPARE(b.resources.size(), std::size_t(1));
        QCOMPARE(text(b.resources[0].type), QStringLiteral("AWS::S3::Bucket"));
        QVERIFY(b.resources[0].name.empty());
        QCOMPARE(text(b.username), QStringLiteral("bob"));
        QVERIFY(b.accessKeyId.empty());
    }

    void gzipIsToldByContentNotName()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString disguised = dir.filePath(QStringLiteral("plain.json"));
        const QString named = dir.filePath(QStringLiteral("named.json.gz"));
        QVERIFY(test::writeFile(disguised, gzip(envelope({record("gz")}))));
        QVERIFY(test::writeFile(named, envelope({record("plain")})));
        auto batch = m_reader.read(disguised);
        GH_VERIFY_OK(batch);
        QCOMPARE(ids(*batch), QByteArrayList({"gz"}));
        batch = m_reader.read(named);
        GH_VERIFY_OK(batch);
        QCOMPARE(ids(*batch), QByteArrayList({"plain"}));
        QCOMPARE(batch->file(), named);
    }

    void unreadableFilesAreErrors()
    {
        QTemporaryDir dir;
        GH_VERIFY_ERROR(m_reader.read(dir.filePath(QStringLiteral("missing.json"))),
                        ErrorCode::NotFound);
        GH_VERIFY_ERROR(m_reader.read(dir.path()), ErrorCode::Unavailable);
    }
};

QTEST_GUILESS_MAIN(TestTrailHostileFiles)
#include "TestTrailHostileFiles.moc"
