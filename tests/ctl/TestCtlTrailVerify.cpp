// `gatehousectl trail verify ...` on a local copy of a trail bucket (the real flaws2 log files
// with digests signed per run by the openssl command line), as a script would run it.
#include "CtlRunner.h"
#include "DigestTrailBuilder.h"
#include "OpenSslCli.h"
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>

#include <memory>

using namespace gatehouse;
using gatehouse::test::DigestTrailBuilder;

class TestCtlTrailVerify : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_keys; // list-public-keys JSON
    std::unique_ptr<DigestTrailBuilder> m_trail;
    test::CtlRunner m_ctl;

    test::CtlRun verify(const QStringList &arguments)
    {
        return m_ctl.run(QStringList{QStringLiteral("trail"), QStringLiteral("verify")}
                         + arguments);
    }

    static QJsonObject tally(qint64 valid, qint64 invalid, qint64 missing)
    {
        return QJsonObject{{QStringLiteral("valid"), valid},
                           {QStringLiteral("invalid"), invalid},
                           {QStringLiteral("missing"), missing}};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString data = qEnvironmentVariable("GATEHOUSE_TRAIL_TESTDATA",
                                                  QStringLiteral(GATEHOUSE_TRAIL_TESTDATA));
        const QString flaws2 = QDir(data).filePath(QStringLiteral("flaws2-s3"));
        if (!QFileInfo(flaws2).isDir())
            QSKIP("CloudTrail test data not found (shared/testdata/cloudtrail beside the source "
                  "tree)");
        if (test::OpenSslCli::program().isEmpty())
            QSKIP("the openssl command line is not installed (packaging/install-deps.sh test)");
        const Result<test::DigestSigningKey> key =
            DigestTrailBuilder::generateKey(m_dir.path(), QStringLiteral("aws"));
        GH_VERIFY_OK(key);
        m_keys = m_dir.filePath(QStringLiteral("public-keys.json"));
        QVERIFY(test::writeFile(m_keys, DigestTrailBuilder::listPublicKeysJson({*key})));
        m_trail =
            std::make_unique<DigestTrailBuilder>(m_dir.filePath(QStringLiteral("bucket")), *key);
        GH_VERIFY_OK(m_trail->build(flaws2));
    }

    void cleanupTestCase()
    {
        QVERIFY2(m_ctl.contractBreaches().isEmpty(),
                 qPrintable(m_ctl.contractBreaches().join(QLatin1Char('\n'))));
    }

    void intact()
    {
        const test::CtlRun run = verify(
            {m_trail->root(), QStringLiteral("--public-key"), m_keys, QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject report = run.json();
        QCOMPARE(report.value(QStringLiteral("ok")).toBool(), true);
        QCOMPARE(report.value(QStringLiteral("digests")).toObject(), tally(3, 0, 0));
        QCOMPARE(report.value(QStringLiteral("logFiles")).toObject(), tally(8, 0, 0));
        QCOMPARE(report.value(QStringLiteral("problems")).toArray(), QJsonArray());

        const test::CtlRun text = verify({m_trail->root(), QStringLiteral("--public-key"), m_keys});
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.contains(QStringLiteral("Digests:   3 valid, 0 invalid, 0 missing")),
                 qPrintable(text.out));
        QVERIFY(text.out.contains(QStringLiteral("Log files: 8 valid, 0 invalid, 0 missing")));
    }

    // Runs after intact(): it changes the copy.
    void tampered()
    {
        const QString log = m_trail->logFiles().at(6);
        QFile file(log);
        QVERIFY(file.open(QIODevice::Append));
        file.write(QByteArray(8, '\0')); // gzip ignores trailing zeros: still the same events
        file.close();
        QVERIFY(QFile::remove(m_trail->logFiles().at(7)));
        const QByteArray json = DigestTrailBuilder::gunzip([&] {
            QFile in(m_trail->logFiles().at(5));
            return in.open(QIODevice::ReadOnly) ? in.readAll() : QByteArray();
        }());
        QVERIFY(!json.isEmpty());
        QFile changed(m_trail->logFiles().at(5));
        QVERIFY(changed.open(QIODevice::WriteOnly | QIODevice::Truncate));
        changed.write(DigestTrailBuilder::gzip(QByteArray(json).replace("eventName", "eventNome")));
        changed.close();

        const test::CtlRun run = verify(
            {m_trail->root(), QStringLiteral("--public-key"), m_keys, QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 1);
        const QJsonObject report = run.json();
        QCOMPARE(report.value(QStringLiteral("ok")).toBool(), false);
        QCOMPARE(report.value(QStringLiteral("digests")).toObject(), tally(3, 0, 0));
        QCOMPARE(report.value(QStringLiteral("logFiles")).toObject(), tally(6, 1, 1));
        const QJsonArray problems = report.value(QStringLiteral("problems")).toArray();
        QCOMPARE(problems.size(), 2);
        QMap<QString, QString> byKind;
        for (const QJsonValue &problem : problems) {
            QVERIFY(!problem[QStringLiteral("message")].toString().isEmpty());
            byKind.insert(problem[QStringLiteral("kind")].toString(),
                          problem[QStringLiteral("file")].toString());
        }
        QCOMPARE(byKind.value(QStringLiteral("hash-mismatch")), m_trail->logFiles().at(5));
        QCOMPARE(byKind.value(QStringLiteral("missing-log")), m_trail->logFiles().at(7));

        const test::CtlRun text = verify({m_trail->root(), QStringLiteral("--public-key"), m_keys});
        QCOMPARE(text.exitCode, 1);
        QVERIFY2(text.out.contains(QStringLiteral("FAILED")), qPrintable(text.out));
        QVERIFY(text.out.contains(m_trail->logFiles().at(5) + QStringLiteral(": hash-mismatch: ")));

        // Without a trusted key no digest can be valid.
        const test::CtlRun keyless = verify({m_trail->root(), QStringLiteral("--json")});
        QCOMPARE(keyless.exitCode, 1);
        QCOMPARE(keyless.json().value(QStringLiteral("digests")).toObject(), tally(0, 3, 0));
    }

    void keyFileNotAKey()
    {
        const QString notAKey = m_dir.filePath(QStringLiteral("not-a-key.pem"));
        QVERIFY(test::writeFile(notAKey, "-----BEGIN CERTIFICATE-----\nAAAA\n"));
        const test::CtlRun run = verify(
            {m_trail->root(), QStringLiteral("--public-key"), notAKey, QStringLiteral("--json")});
        QCOMPARE(run.exitCode, 1);
        QCOMPARE(run.errorCode(), QStringLiteral("InvalidInput"));
        QVERIFY2(run.errorMessage().contains(notAKey), qPrintable(run.errorMessage()));
        QVERIFY(run.errorMessage().contains(QStringLiteral("list-public-keys")));

        const test::CtlRun text =
            verify({m_trail->root(), QStringLiteral("--public-key"), notAKey});
        QCOMPARE(text.exitCode, 1);
        QVERIFY(text.err.contains(QStringLiteral("is not a public key file")));
    }

    void usageErrors()
    {
        QCOMPARE(verify({QStringLiteral("--json")}).exitCode, 2);
        QCOMPARE(verify({m_trail->root(), QStringLiteral("--index"),
                         m_dir.filePath(QStringLiteral("x.idx")), QStringLiteral("--json")})
                     .exitCode,
                 2);
        QCOMPARE(m_ctl
                     .run({QStringLiteral("trail"), QStringLiteral("import"), m_trail->root(),
                           QStringLiteral("--index"), m_dir.filePath(QStringLiteral("x.idx")),
                           QStringLiteral("--public-key"), m_keys, QStringLiteral("--json")})
                     .exitCode,
                 2);
        const test::CtlRun missing =
            verify({m_dir.filePath(QStringLiteral("nowhere")), QStringLiteral("--json")});
        QCOMPARE(missing.exitCode, 1);
        QCOMPARE(missing.errorCode(), QStringLiteral("NotFound"));
        const test::CtlRun empty = verify({m_dir.filePath(QStringLiteral("bucket/AWSLogs/"
                                                                         "653711331788/"
                                                                         "CloudTrail")),
                                           QStringLiteral("--json")});
        QCOMPARE(empty.exitCode, 1);
        QCOMPARE(empty.errorCode(), QStringLiteral("NotFound"));
    }
};

QTEST_GUILESS_MAIN(TestCtlTrailVerify)
#include "TestCtlTrailVerify.moc"
