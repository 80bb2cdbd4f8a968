// DigestVerifier on a local copy of a trail bucket: the real flaws2 log files with hourly
// digests written and signed the way CloudTrail does (DigestTrailBuilder, with the openssl
// command line and a key made per run), then damaged the ways a copy can be.
#include "audit/cloudtrail/DigestVerifier.h"

#include "DigestTrailBuilder.h"
#include "OpenSslCli.h"
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <memory>

using namespace gatehouse;
using namespace gatehouse::cloudtrail;
using gatehouse::test::DigestSigningKey;
using gatehouse::test::DigestTrailBuilder;

namespace {

QString describe(const QList<DigestProblem> &problems)
{
    QStringList lines;
    for (const DigestProblem &problem : problems)
        lines.append(QStringLiteral("%1: %2: %3").arg(problem.file, problem.kind, problem.message));
    return lines.join(u'\n');
}

QStringList kinds(const QList<DigestProblem> &problems)
{
    QStringList list;
    for (const DigestProblem &problem : problems)
        list.append(problem.kind);
    return list;
}

bool put(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate)
        && file.write(bytes) == bytes.size();
}

QByteArray get(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

#define COMPARE_TALLY(tally, v, i, m)                                                              \
    do {                                                                                           \
        QCOMPARE((tally).valid, qint64(v));                                                        \
        QCOMPARE((tally).invalid, qint64(i));                                                      \
        QCOMPARE((tally).missing, qint64(m));                                                      \
    } while (false)

class TestDigestVerifier : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_keysDir;
    QString m_flaws2;
    DigestSigningKey m_aws;
    DigestSigningKey m_other;
    QString m_trustedJson; // list-public-keys JSON of the aws key
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<DigestTrailBuilder> m_trail;

    QString keyFile(const char *name, const QByteArray &content)
    {
        const QString path = m_keysDir.filePath(QString::fromLatin1(name));
        put(path, content);
        return path;
    }

    // A fresh copy of the trail, all valid.
    bool makeTrail(const QString &prefix = {}, const QString &organization = {})
    {
        m_dir = std::make_unique<QTemporaryDir>();
        if (!m_dir->isValid())
            return false;
        m_trail = std::make_unique<DigestTrailBuilder>(m_dir->filePath(QStringLiteral("bucket")),
                                                       m_aws, prefix, organization);
        const Result<void> built = m_trail->build(m_flaws2);
        if (!built)
            qWarning("%s", qPrintable(built.error().message));
        return built.ok();
    }

    DigestReport verify(const QStringList &keyFiles, const QStringList &paths = {})
    {
        Result<DigestPublicKeys> keys = DigestPublicKeys::load(keyFiles);
        if (!keys) {
            qWarning("%s", qPrintable(keys.error().message));
            return {};
        }
        const Result<DigestReport> report =
            DigestVerifier(*keys).verify(paths.isEmpty() ? QStringList{m_trail->root()} : paths);
        if (!report) {
            qWarning("%s", qPrintable(report.error().message));
            return {};
        }
        return *report;
    }

    DigestReport verify() { return verify({m_trustedJson}); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_keysDir.isValid());
        const QString data = qEnvironmentVariable("GATEHOUSE_TRAIL_TESTDATA",
                                                  QStringLiteral(GATEHOUSE_TRAIL_TESTDATA));
        m_flaws2 = QDir(data).filePath(QStringLiteral("flaws2-s3"));
        if (!QFileInfo(m_flaws2).isDir())
            QSKIP("CloudTrail test data not found (shared/testdata/cloudtrail beside the source "
                  "tree)");
        if (test::OpenSslCli::program().isEmpty())
            QSKIP("the openssl command line is not installed (packaging/install-deps.sh test)");
        Result<DigestSigningKey> aws =
            DigestTrailBuilder::generateKey(m_keysDir.path(), QStringLiteral("aws"));
        GH_VERIFY_OK(aws);
        m_aws = *aws;
        Result<DigestSigningKey> other =
            DigestTrailBuilder::generateKey(m_keysDir.path(), QStringLiteral("other"));
        GH_VERIFY_OK(other);
        m_other = *other;
        m_trustedJson = keyFile("aws-keys.json", DigestTrailBuilder::listPublicKeysJson({m_aws}));
    }

    void allValid()
    {
        QVERIFY(makeTrail());
        const DigestReport report = verify();
        QVERIFY2(report.ok(), qPrintable(describe(report.problems)));
        COMPARE_TALLY(report.digests, 3, 0, 0);
        COMPARE_TALLY(report.logFiles, 8, 0, 0);
        QVERIFY2(report.notices.isEmpty(), qPrintable(describe(report.notices)));

        // The same from below AWSLogs and from digest files named.
        const QString awsLogs = QDir(m_trail->root()).filePath(QStringLiteral("AWSLogs"));
        QVERIFY(verify({m_trustedJson}, {awsLogs}).ok());
        QCOMPARE(verify({m_trustedJson}, {awsLogs, m_trail->root()}).digests.valid, 3);
        const DigestReport named = verify({m_trustedJson}, m_trail->digests());
        QVERIFY2(named.ok(), qPrintable(describe(named.problems)));
        QCOMPARE(named.digests.valid, 3);

        // One day's digests: the previous digest of the first lies in the day before, and is
        // read to check the link but not counted.
        const DigestReport day =
            verify({m_trustedJson}, {QFileInfo(m_trail->digests().at(1)).path()});
        QVERIFY2(day.ok(), qPrintable(describe(day.problems)));
        COMPARE_TALLY(day.digests, 2, 0, 0);
        COMPARE_TALLY(day.logFiles, 5, 0, 0);
        QCOMPARE(kinds(day.notices), QStringList(3, QStringLiteral("uncovered")));
        // ... and the link is still checked.
        QByteArray json = m_trail->digestJson(0);
        json.replace("\"awsAccountId\": \"653711331788\"", "\"awsAccountId\": \"653711331789\"");
        GH_VERIFY_OK(m_trail->replaceContent(0, json, true));
        const DigestReport relinked =
            verify({m_trustedJson}, {QFileInfo(m_trail->digests().at(1)).path()});
        QCOMPARE(kinds(relinked.problems), QStringList{QStringLiteral("chain")});
        QCOMPARE(relinked.problems.first().file, m_trail->digests().at(1));
    }

    // Keys without a fingerprint (PEM or DER files) are tried on every digest.
    void keysWithoutFingerprint()
    {
        QVERIFY(makeTrail());
        const Result<QByteArray> other =
            test::OpenSslCli::publicKey(m_other.privateKeyPath, false, false);
        GH_VERIFY_OK(other);
        const QString otherFile = keyFile("other-public.pem", *other);
        for (const bool pkcs1 : {true, false}) {
            for (const bool der : {true, false}) {
                const Result<QByteArray> key =
                    test::OpenSslCli::publicKey(m_aws.privateKeyPath, pkcs1, der);
                GH_VERIFY_OK(key);
                const DigestReport report = verify({otherFile, keyFile("aws.key", *key)});
                QVERIFY2(report.ok(), qPrintable(describe(report.problems)));
                QCOMPARE(report.digests.valid, 3);
            }
        }
    }

    void prefixAndOrganization()
    {
        QVERIFY(makeTrail(QStringLiteral("security/trails/"), QStringLiteral("o-a1b2c3d4e5")));
        const DigestReport report = verify();
        QVERIFY2(report.ok(), qPrintable(describe(report.problems)));
        COMPARE_TALLY(report.digests, 3, 0, 0);
        COMPARE_TALLY(report.logFiles, 8, 0, 0);
    }

    void logFileModified()
    {
        QVERIFY(makeTrail());
        const QString log = m_trail->logFiles().at(4);
        QByteArray json = DigestTrailBuilder::gunzip(get(log));
        QVERIFY(json.contains("\"eventName\":\""));
        json.replace("\"eventName\":\"", "\"eventName\":\"x");
        QVERIFY(put(log, DigestTrailBuilder::gzip(json)));

        const DigestReport report = verify();
        QVERIFY(!report.ok());
        COMPARE_TALLY(report.digests, 3, 0, 0);
        COMPARE_TALLY(report.logFiles, 7, 1, 0);
        QCOMPARE(report.problems.size(), 1);
        QCOMPARE(report.problems.first().kind, QStringLiteral("hash-mismatch"));
        QCOMPARE(report.problems.first().file, log);
        QVERIFY(
            report.problems.first().message.contains(QStringLiteral("hash value doesn't match")));
    }

    // The same events, compressed differently: the hash is of the uncompressed bytes.
    void logFileRecompressed()
    {
        QVERIFY(makeTrail());
        const QString log = m_trail->logFiles().at(0);
        const QByteArray json = DigestTrailBuilder::gunzip(get(log));
        QVERIFY(put(log, DigestTrailBuilder::gzip(json) + QByteArray(16, '\0')));
        const DigestReport report = verify();
        QVERIFY2(report.ok(), qPrintable(describe(report.problems)));
    }

    void logFileDeleted()
    {
        QVERIFY(makeTrail());
        const QString log = m_trail->logFiles().at(1);
        QVERIFY(QFile::remove(log));
        const DigestReport report = verify();
        QVERIFY(!report.ok());
        COMPARE_TALLY(report.logFiles, 7, 0, 1);
        QCOMPARE(kinds(report.problems), QStringList{QStringLiteral("missing-log")});
        QCOMPARE(report.problems.first().file, log);
    }

    void logFileNotGzip()
    {
        QVERIFY(makeTrail());
        const QString log = m_trail->logFiles().at(2);
        QVERIFY(put(log, get(log).left(100)));
        const DigestReport report = verify();
        COMPARE_TALLY(report.logFiles, 7, 1, 0);
        QCOMPARE(kinds(report.problems), QStringList{QStringLiteral("malformed")});
        QCOMPARE(report.problems.first().file, log);
    }

    void signatureFlipped_data()
    {
        QTest::addColumn<int>("digest");
        QTest::newRow("newest") << 2;
        QTest::newRow("middle") << 1;
        QTest::newRow("oldest") << 0;
    }

    void signatureFlipped()
    {
        QFETCH(int, digest);
        QVERIFY(makeTrail());
        const QString sidecar = m_trail->digests().at(digest) + QStringLiteral(".signature");
        QByteArray hex = get(sidecar);
        hex[10] = hex[10] == '0' ? '1' : '0';
        QVERIFY(put(sidecar, hex));

        const DigestReport report = verify();
        QVERIFY(!report.ok());
        COMPARE_TALLY(report.digests, 2, 1, 0);
        COMPARE_TALLY(report.logFiles, 8, 0, 0);
        // Only the digest whose signature is wrong is blamed, not the one after it.
        QCOMPARE(kinds(report.problems), QStringList{QStringLiteral("signature")});
        QCOMPARE(report.problems.first().file, m_trail->digests().at(digest));
    }

    void digestAltered()
    {
        QVERIFY(makeTrail());
        QByteArray json = m_trail->digestJson(0);
        json.replace("\"digestStartTime\": \"2018-11-28T22:08:12Z\"",
                     "\"digestStartTime\": \"2018-11-28T22:08:13Z\"");
        QVERIFY(json != m_trail->digestJson(0));
        GH_VERIFY_OK(m_trail->replaceContent(0, json));

        const DigestReport report = verify();
        COMPARE_TALLY(report.digests, 1, 2, 0);
        QCOMPARE(kinds(report.problems),
                 (QStringList{QStringLiteral("signature"), QStringLiteral("chain")}));
        QCOMPARE(report.problems.at(0).file, m_trail->digests().at(0));
        QCOMPARE(report.problems.at(1).file, m_trail->digests().at(1));
        QVERIFY(report.problems.at(1).message.contains(QStringLiteral("previousDigestHashValue")));
    }

    void signedByAnotherKey()
    {
        QVERIFY(makeTrail());
        GH_VERIFY_OK(m_trail->resign(2, m_other));
        DigestReport report = verify();
        COMPARE_TALLY(report.digests, 2, 1, 0);
        QCOMPARE(kinds(report.problems), QStringList{QStringLiteral("untrusted-key")});
        QCOMPARE(report.problems.first().file, m_trail->digests().at(2));
        QVERIFY(report.problems.first().message.contains(m_other.fingerprint));

        // Naming the trusted key's fingerprint does not help it.
        GH_VERIFY_OK(m_trail->resign(2, m_other, m_aws.fingerprint));
        report = verify();
        COMPARE_TALLY(report.digests, 2, 1, 0);
        QCOMPARE(kinds(report.problems), QStringList{QStringLiteral("signature")});

        // Both keys trusted: it verifies.
        const QString both =
            keyFile("both-keys.json", DigestTrailBuilder::listPublicKeysJson({m_aws, m_other}));
        GH_VERIFY_OK(m_trail->resign(2, m_other));
        QVERIFY(verify({both}).ok());
    }

    void noKeyGiven()
    {
        QVERIFY(makeTrail());
        const DigestReport report = verify({});
        COMPARE_TALLY(report.digests, 0, 3, 0);
        COMPARE_TALLY(report.logFiles, 8, 0, 0);
        QCOMPARE(kinds(report.problems), QStringList(3, QStringLiteral("untrusted-key")));
    }

    void middleDigestDeleted()
    {
        QVERIFY(makeTrail());
        const QString middle = m_trail->digests().at(1);
        QVERIFY(QFile::remove(middle));
        QVERIFY(QFile::remove(middle + QStringLiteral(".signature")));

        const DigestReport report = verify();
        QVERIFY(!report.ok());
        COMPARE_TALLY(report.digests, 2, 0, 1);
        COMPARE_TALLY(report.logFiles, 3, 0, 0);
        QCOMPARE(kinds(report.problems), QStringList{QStringLiteral("missing-digest")});
        QCOMPARE(report.problems.first().file, middle);
        QVERIFY(report.problems.first().message.contains(QStringLiteral("chain")));
        // Its five log files are no longer covered by any digest.
        QCOMPARE(kinds(report.notices), QStringList(5, QStringLiteral("uncovered")));
        for (const DigestProblem &notice : report.notices)
            QVERIFY(m_trail->logFiles().mid(3).contains(notice.file));
    }

    void digestCopiedElsewhere()
    {
        QVERIFY(makeTrail());
        const QString digest = m_trail->digests().at(1);
        QString elsewhere = digest;
        elsewhere.replace(QStringLiteral("/us-east-1/2018/11/29/"),
                          QStringLiteral("/us-west-2/2018/11/29/"));
        QVERIFY(elsewhere != digest);
        const QString outside = m_dir->filePath(QStringLiteral("backup/"))
            + QFileInfo(m_trail->digests().at(2)).fileName();
        for (const QString &copy : {elsewhere, outside}) {
            QVERIFY(put(copy, get(digest)));
            QVERIFY(put(copy + QStringLiteral(".signature"),
                        get(digest + QStringLiteral(".signature"))));
        }

        const DigestReport report =
            verify({m_trustedJson}, {m_trail->root(), m_dir->filePath(QStringLiteral("backup"))});
        COMPARE_TALLY(report.digests, 3, 2, 0);
        COMPARE_TALLY(report.logFiles, 8, 0, 0);
        QCOMPARE(kinds(report.problems),
                 (QStringList{QStringLiteral("moved"), QStringLiteral("moved")}));
        QStringList files{report.problems.at(0).file, report.problems.at(1).file};
        files.sort();
        QStringList expected{elsewhere, outside};
        expected.sort();
        QCOMPARE(files, expected);
    }

    // Each digest records the signature of the one before, so only the newest needs its own.
    void signatureFilesMissing()
    {
        QVERIFY(makeTrail());
        const QStringList digests = m_trail->digests();
        QVERIFY(QFile::remove(digests.at(0) + QStringLiteral(".signature")));
        QVERIFY(QFile::remove(digests.at(1) + QStringLiteral(".signature")));
        DigestReport report = verify();
        QVERIFY2(report.ok(), qPrintable(describe(report.problems)));
        COMPARE_TALLY(report.digests, 3, 0, 0);

        QVERIFY(QFile::remove(digests.at(2) + QStringLiteral(".signature")));
        report = verify();
        COMPARE_TALLY(report.digests, 2, 1, 0);
        COMPARE_TALLY(report.logFiles, 8, 0, 0);
        QCOMPARE(kinds(report.problems), QStringList{QStringLiteral("no-signature")});
        QCOMPARE(report.problems.first().file, digests.at(2));
        QVERIFY(
            report.problems.first().message.contains(QStringLiteral("signature not available")));
    }

    // The JSON `aws s3api head-object` prints, saved instead of the bare signature.
    void signatureFromHeadObject()
    {
        QVERIFY(makeTrail());
        const QString newest = m_trail->digests().at(2);
        const QByteArray hex = get(newest + QStringLiteral(".signature")).trimmed();
        QVERIFY(QFile::remove(newest + QStringLiteral(".signature")));
        const QJsonObject head{{QStringLiteral("AcceptRanges"), QStringLiteral("bytes")},
                               {QStringLiteral("ContentLength"), 612},
                               {QStringLiteral("ContentType"), QStringLiteral("application/json")},
                               {QStringLiteral("Metadata"),
                                QJsonObject{{QStringLiteral("signature"), QString::fromLatin1(hex)},
                                            {QStringLiteral("signature-algorithm"),
                                             QStringLiteral("SHA256withRSA")}}}};
        QVERIFY(put(newest + QStringLiteral(".metadata.json"), QJsonDocument(head).toJson()));
        DigestReport report = verify();
        QVERIFY2(report.ok(), qPrintable(describe(report.problems)));

        QVERIFY(put(newest + QStringLiteral(".metadata.json"), "{\"Metadata\": 12}"));
        report = verify();
        QCOMPARE(kinds(report.problems), QStringList{QStringLiteral("malformed")});
        QVERIFY(put(newest + QStringLiteral(".metadata.json"), "{\"Metadata\": {}}"));
        report = verify();
        QCOMPARE(kinds(report.problems), QStringList{QStringLiteral("no-signature")});
        QVERIFY(QFile::remove(newest + QStringLiteral(".metadata.json")));
        QVERIFY(put(newest + QStringLiteral(".signature"), "not hex at all"));
        report = verify();
        QCOMPARE(kinds(report.problems), QStringList{QStringLiteral("malformed")});
    }

    void chainRestarts()
    {
        QVERIFY(makeTrail());
        GH_VERIFY_OK(m_trail->restartChain());
        const DigestReport report = verify();
        QVERIFY2(report.ok(), qPrintable(describe(report.problems)));
        COMPARE_TALLY(report.digests, 4, 0, 0);
        QCOMPARE(kinds(report.notices), QStringList{QStringLiteral("gap")});
        QCOMPARE(report.notices.first().file, m_trail->digests().at(3));
        QVERIFY(report.notices.first().message.contains(QStringLiteral("2018-11-29T01:08:12Z")));
    }

    void uncoveredLogFile()
    {
        QVERIFY(makeTrail());
        QString planted = m_trail->logFiles().at(0);
        planted.replace(QStringLiteral("cR9ra7OH1rytWyXY"), QStringLiteral("AAAAAAAAAAAAAAAA"));
        QVERIFY(put(planted, get(m_trail->logFiles().at(0))));
        const DigestReport report = verify();
        QVERIFY(report.ok());
        QCOMPARE(kinds(report.notices), QStringList{QStringLiteral("uncovered")});
        QCOMPARE(report.notices.first().file, planted);
    }

    void hostileDigests_data()
    {
        QTest::addColumn<QByteArray>("bytes"); // the file as it lies, not gzipped here
        const QByteArray good = DigestTrailBuilder::gzip("{}");
        QTest::newRow("not gzip") << QByteArray("{\"digestS3Object\": 1}");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("truncated gzip") << DigestTrailBuilder::gzip(QByteArray(5000, 'a')).left(20);
        QTest::newRow("gzip magic only") << QByteArray("\x1f\x8b\x08\x00", 4);
        QByteArray badCrc = good;
        badCrc[badCrc.size() - 6] = static_cast<char>(badCrc[badCrc.size() - 6] ^ 0xff);
        QTest::newRow("bad CRC") << badCrc;
        QTest::newRow("bomb") << DigestTrailBuilder::gzip(QByteArray(80 * 1024 * 1024, ' '));
        QTest::newRow("not JSON") << DigestTrailBuilder::gzip("garbage, not JSON");
        QTest::newRow("array") << DigestTrailBuilder::gzip("[1, 2, 3]");
        QTest::newRow("empty object") << good;
        QTest::newRow("deep") << DigestTrailBuilder::gzip(QByteArray(100000, '['));
        QTest::newRow("wrong types") << DigestTrailBuilder::gzip(
            "{\"digestPublicKeyFingerprint\": 1e999, \"digestS3Bucket\": [], "
            "\"digestS3Object\": {}, \"previousDigestSignature\": null, "
            "\"digestEndTime\": true, \"digestStartTime\": -0, \"logFiles\": \"x\"}");
        QTest::newRow("huge number") << DigestTrailBuilder::gzip(
            "{\"digestPublicKeyFingerprint\": \"a\", \"digestS3Bucket\": \"b\", "
            "\"digestS3Object\": \"c\", \"previousDigestSignature\": "
            "123456789012345678901234567890123456789012345678901234567890, "
            "\"digestEndTime\": \"d\", \"digestStartTime\": \"e\", \"logFiles\": []}");
        QTest::newRow("no logFiles") << DigestTrailBuilder::gzip(
            "{\"digestPublicKeyFingerprint\": \"a\", \"digestS3Bucket\": \"b\", "
            "\"digestS3Object\": \"c\", \"previousDigestSignature\": null, "
            "\"digestEndTime\": \"d\", \"digestStartTime\": \"e\"}");
    }

    // Garbage where a digest should be: one malformed digest, the rest still verified.
    void hostileDigests()
    {
        QFETCH(QByteArray, bytes);
        QVERIFY(makeTrail());
        QString garbage = m_trail->digests().at(2);
        garbage.replace(QStringLiteral("T010812Z"), QStringLiteral("T020812Z"));
        QVERIFY(put(garbage, bytes));
        const DigestReport report = verify();
        COMPARE_TALLY(report.digests, 3, 1, 0);
        COMPARE_TALLY(report.logFiles, 8, 0, 0);
        QCOMPARE(kinds(report.problems), QStringList{QStringLiteral("malformed")});
        QCOMPARE(report.problems.first().file, garbage);
        QVERIFY(!report.problems.first().message.isEmpty());
    }

    // A digest with hostile logFiles entries, signed with the trusted key: the entries are
    // refused one by one and nothing outside the copy is read.
    void hostileLogEntries()
    {
        QVERIFY(makeTrail());
        const QString outsideName = QStringLiteral("outside.json.gz");
        QVERIFY(put(m_dir->filePath(outsideName), get(m_trail->logFiles().at(0))));
        QByteArray json = m_trail->digestJson(2);
        const QByteArray entry =
            "{\"s3Bucket\": \"b\", \"s3Object\": \"%1\", \"hashValue\": "
            "\"0000000000000000000000000000000000000000000000000000000000000000\"}";
        QByteArrayList entries{
            QByteArray(entry).replace("%1", "AWSLogs/../../outside.json.gz"),
            QByteArray(entry).replace("%1", "AWSLogs/653711331788/./x.json.gz"),
            QByteArray(entry).replace("%1", "/etc/passwd"),
            QByteArray(entry).replace("%1", "AWSLogs//x"),
            QByteArray(entry).replace("%1", "AWSLogs\\\\..\\\\x"),
            "{\"s3Bucket\": \"b\", \"s3Object\": 7, \"hashValue\": \"00\"}",
            "{\"s3Bucket\": \"b\", \"s3Object\": \"AWSLogs/x\", \"hashValue\": \"zz\"}",
            "{\"s3Bucket\": \"b\", \"s3Object\": \"AWSLogs/x\", \"hashValue\": 1e300}",
            "{\"s3Bucket\": \"b\", \"s3Object\": \"AWSLogs/x\", \"hashValue\": \""
                + QByteArray(64, 'a') + "\", \"hashAlgorithm\": \"MD5\"}",
            "null",
            "[]",
        };
        json.replace("\"logFiles\": []", QByteArray("\"logFiles\": [" + entries.join(", ") + ']'));
        QVERIFY(json != m_trail->digestJson(2));
        // Signed as CloudTrail would, so the entries are all that is wrong.
        GH_VERIFY_OK(m_trail->replaceContent(2, json, true));
        const DigestReport report = verify();
        COMPARE_TALLY(report.digests, 3, 0, 0);
        COMPARE_TALLY(report.logFiles, 8, qint64(entries.size()), 0);
        QCOMPARE(kinds(report.problems), QStringList(entries.size(), QStringLiteral("malformed")));
        for (const DigestProblem &problem : report.problems)
            QVERIFY(!problem.message.contains(outsideName) || problem.kind != u"hash-mismatch");
    }

    void nothingToVerify()
    {
        QTemporaryDir empty;
        QVERIFY(empty.isValid());
        Result<DigestPublicKeys> keys = DigestPublicKeys::load({m_trustedJson});
        GH_VERIFY_OK(keys);
        GH_VERIFY_ERROR(DigestVerifier(*keys).verify({empty.path()}), ErrorCode::NotFound);
        GH_VERIFY_ERROR(DigestVerifier(*keys).verify({empty.filePath(QStringLiteral("nowhere"))}),
                        ErrorCode::NotFound);
    }

    void keyFilesThatAreNotKeys()
    {
        const Result<QByteArray> weak = [&]() -> Result<QByteArray> {
            const QString path = m_keysDir.filePath(QStringLiteral("weak.pem"));
            if (Result<void> made = test::OpenSslCli::generateRsaKey(path, 1024); !made)
                return made.error();
            return test::OpenSslCli::publicKey(path, true, true);
        }();
        GH_VERIFY_OK(weak);
        const QList<QPair<const char *, QByteArray>> files{
            {"garbage.txt", "this is not a key"},
            {"empty.pem", ""},
            {"private.pem", get(m_aws.privateKeyPath)},
            {"weak.der", *weak},
            {"other.json", "{\"Keys\": []}"},
            {"empty-list.json", "{\"PublicKeyList\": []}"},
            {"bad-value.json",
             "{\"PublicKeyList\": [{\"Value\": \"!!\", \"Fingerprint\": \"a\"}]}"},
            {"number-value.json", "{\"PublicKeyList\": [{\"Value\": 5}]}"},
            {"weak-list.json", "{\"PublicKeyList\": [{\"Value\": \"" + weak->toBase64() + "\"}]}"},
            {"broken.json", "{\"PublicKeyList\": ["},
        };
        for (const auto &[name, content] : files) {
            const QString path = keyFile(name, content);
            const Result<DigestPublicKeys> keys = DigestPublicKeys::load({m_trustedJson, path});
            QVERIFY2(!keys, name);
            QCOMPARE(keys.error().code, ErrorCode::InvalidInput);
            QVERIFY2(keys.error().message.contains(path), qPrintable(keys.error().message));
        }
        GH_VERIFY_ERROR(DigestPublicKeys::load({m_keysDir.filePath(QStringLiteral("absent.pem"))}),
                        ErrorCode::NotFound);
    }
};

QTEST_GUILESS_MAIN(TestDigestVerifier)
#include "TestDigestVerifier.moc"
