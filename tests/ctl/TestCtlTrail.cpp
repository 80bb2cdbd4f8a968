#include "CtlRunner.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace gatehouse;

// `gatehousectl trail ...` on the real CloudTrail test files, as a script would run it.
class TestCtlTrail : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_data;
    QString m_index;
    test::CtlRunner m_ctl;

    test::CtlRun trail(const QStringList &arguments)
    {
        return m_ctl.run(QStringList{QStringLiteral("trail")} + arguments);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_data = qEnvironmentVariable("GATEHOUSE_TRAIL_TESTDATA",
                                      QStringLiteral(GATEHOUSE_TRAIL_TESTDATA));
        if (!QFileInfo(m_data).isDir())
            QSKIP("CloudTrail test data not found (shared/testdata/cloudtrail beside the source "
                  "tree)");
        m_index = m_dir.filePath(QStringLiteral("trail.idx"));
    }

    void cleanupTestCase()
    {
        QVERIFY2(m_ctl.contractBreaches().isEmpty(),
                 qPrintable(m_ctl.contractBreaches().join(QLatin1Char('\n'))));
    }

    void importTwice()
    {
        const test::CtlRun first =
            trail({QStringLiteral("import"), m_data, QStringLiteral("--index"), m_index,
                   QStringLiteral("--json")});
        QCOMPARE(first.exitCode, 0);
        const QJsonObject report = first.json();
        QCOMPARE(report.value(QStringLiteral("files")).toInt(), 50);
        QCOMPARE(report.value(QStringLiteral("records")).toInt(), 454);
        QCOMPARE(report.value(QStringLiteral("duplicates")).toInt(), 0);
        const QJsonArray malformed = report.value(QStringLiteral("malformed")).toArray();
        QCOMPARE(malformed.size(), 1);
        QVERIFY(malformed.first()[QStringLiteral("file")].toString().endsWith(
            QStringLiteral("traildiscover-samples/CreateApiKey.json")));
        QCOMPARE(malformed.first()[QStringLiteral("line")].toInt(), 4);
        QVERIFY(!malformed.first()[QStringLiteral("reason")].toString().isEmpty());
        QVERIFY(QFileInfo(m_index).permissions().testFlag(QFile::ReadOwner));
        QVERIFY(!QFileInfo(m_index).permissions().testFlag(QFile::ReadOther));

        const test::CtlRun second =
            trail({QStringLiteral("import"), m_data, QStringLiteral("--index"), m_index,
                   QStringLiteral("--json")});
        QCOMPARE(second.exitCode, 0);
        QCOMPARE(second.json().value(QStringLiteral("records")).toInt(), 0);
        QCOMPARE(second.json().value(QStringLiteral("files")).toInt(), 0);

        const test::CtlRun text =
            trail({QStringLiteral("import"), m_data, QStringLiteral("--index"), m_index});
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.contains(QStringLiteral("Records:")), qPrintable(text.out));
    }

    void lookup()
    {
        const test::CtlRun found = trail(
            {QStringLiteral("lookup"), QStringLiteral("--index"), m_index, QStringLiteral("--attr"),
             QStringLiteral("EventName=ConsoleLogin"), QStringLiteral("--json")});
        QCOMPARE(found.exitCode, 0);
        const QJsonArray events = found.json().value(QStringLiteral("Events")).toArray();
        QCOMPARE(events.size(), 1); // the one console sign-in of the Stratus detonations
        const QJsonObject event = events.first().toObject();
        QCOMPARE(event.value(QStringLiteral("EventName")).toString(),
                 QStringLiteral("ConsoleLogin"));
        const QJsonObject record =
            QJsonDocument::fromJson(
                event.value(QStringLiteral("CloudTrailEvent")).toString().toUtf8())
                .object();
        QCOMPARE(record.value(QStringLiteral("eventType")).toString(),
                 QStringLiteral("AwsConsoleSignIn"));
        QVERIFY(found.json().value(QStringLiteral("NextToken")).isNull());

        // Paging through the flaws2 account's S3 events, two at a time.
        QStringList ids;
        QString token;
        for (int page = 0; page < 100; ++page) {
            QStringList arguments{QStringLiteral("lookup"),
                                  QStringLiteral("--index"),
                                  m_index,
                                  QStringLiteral("--attr"),
                                  QStringLiteral("EventSource=s3.amazonaws.com"),
                                  QStringLiteral("--end"),
                                  QStringLiteral("2019-01-01T00:00:00Z"),
                                  QStringLiteral("--max"),
                                  QStringLiteral("2"),
                                  QStringLiteral("--json")};
            if (!token.isEmpty())
                arguments += {QStringLiteral("--next-token"), token};
            const test::CtlRun run = trail(arguments);
            QCOMPARE(run.exitCode, 0);
            for (const QJsonValue &each : run.json().value(QStringLiteral("Events")).toArray())
                ids.append(each[QStringLiteral("EventId")].toString());
            token = run.json().value(QStringLiteral("NextToken")).toString();
            if (token.isEmpty())
                break;
        }
        QCOMPARE(ids.size(), 24); // flaws2: 24 S3 records
        QCOMPARE(QSet<QString>(ids.begin(), ids.end()).size(), 24);
    }

    // A record's text cannot drive the terminal: escape and bidi characters are not printed.
    void hostileTextInTables()
    {
        const QString file = m_dir.filePath(QStringLiteral("hostile/records.jsonl"));
        QVERIFY(QDir().mkpath(QFileInfo(file).absolutePath()));
        QFile out(file);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write("{\"eventID\":\"9e3c2a4e-0000-4000-8000-000000000001\",\"eventTime\":"
                  "\"2025-01-01T00:00:00Z\",\"eventName\":\"Get\\u001b[2JObject\",\"eventSource\":"
                  "\"s3.amazonaws.com\",\"userIdentity\":{\"type\":\"IAMUser\",\"userName\":"
                  "\"eve\\u202etxt.exe\"}}\n");
        out.close();
        const QString index = m_dir.filePath(QStringLiteral("hostile.idx"));
        QCOMPARE(trail({QStringLiteral("import"), file, QStringLiteral("--index"), index}).exitCode,
                 0);
        const test::CtlRun table =
            trail({QStringLiteral("lookup"), QStringLiteral("--index"), index});
        QCOMPARE(table.exitCode, 0);
        QVERIFY2(table.out.contains(QStringLiteral("eve")), qPrintable(table.out));
        QVERIFY(!table.out.contains(QChar(0x1b)));
        QVERIFY(!table.out.contains(QChar(0x202e)));
        // The JSON keeps the values exactly, escaped as JSON escapes them.
        const test::CtlRun json = trail(
            {QStringLiteral("lookup"), QStringLiteral("--index"), index, QStringLiteral("--json")});
        const QJsonObject event =
            json.json().value(QStringLiteral("Events")).toArray().first().toObject();
        QCOMPARE(event.value(QStringLiteral("Username")).toString(),
                 QStringLiteral("eve") + QChar(0x202e) + QStringLiteral("txt.exe"));
    }

    void usageErrors()
    {
        QCOMPARE(trail({QStringLiteral("import"), QStringLiteral("--index"), m_index,
                        QStringLiteral("--json")})
                     .exitCode,
                 2);
        QCOMPARE(trail({QStringLiteral("import"), m_data, QStringLiteral("--json")}).exitCode, 2);
        QCOMPARE(trail({QStringLiteral("lookup"), QStringLiteral("--index"), m_index,
                        QStringLiteral("--attr"), QStringLiteral("Colour=red"),
                        QStringLiteral("--json")})
                     .exitCode,
                 2);
        QCOMPARE(trail({QStringLiteral("shred"), QStringLiteral("--json")}).exitCode, 2);
        const test::CtlRun missing =
            trail({QStringLiteral("import"), m_dir.filePath(QStringLiteral("nowhere")),
                   QStringLiteral("--index"), m_index, QStringLiteral("--json")});
        QCOMPARE(missing.exitCode, 1);
        QCOMPARE(missing.errorCode(), QStringLiteral("NotFound"));
        const QString notAnIndex = m_dir.filePath(QStringLiteral("not-an-index"));
        QFile file(notAnIndex);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(8192, 'x'));
        file.close();
        const test::CtlRun refused = trail({QStringLiteral("lookup"), QStringLiteral("--index"),
                                            notAnIndex, QStringLiteral("--json")});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY(!refused.errorMessage().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCtlTrail)
#include "TestCtlTrail.moc"
