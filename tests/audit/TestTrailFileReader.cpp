// TrailFileReader on the real CloudTrail files of shared/testdata/cloudtrail (see its
// PROVENANCE.md), compared with an independent reading of the same files by a Python script
// (trail_reference.py: Python's json and gzip modules only).
#include "audit/cloudtrail/TrailFileFinder.h"
#include "audit/cloudtrail/TrailFileReader.h"

#include "TestSupport.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>

#include <map>
#include <thread>

using namespace gatehouse;
using namespace gatehouse::cloudtrail;

namespace {

QString text(std::string_view view)
{
    return TrailRecord::text(view);
}

// Every file's record count, from PROVENANCE.md's per-source totals and a count by hand.
const std::pair<QStringView, int> kRecordCounts[] = {
    {u"flaws2-s3/AWSLogs/653711331788/CloudTrail/us-east-1/2018/11/28/"
     "653711331788_CloudTrail_us-east-1_20181128T2235Z_cR9ra7OH1rytWyXY.json.gz",
     2},
    {u"flaws2-s3/AWSLogs/653711331788/CloudTrail/us-east-1/2018/11/28/"
     "653711331788_CloudTrail_us-east-1_20181128T2305Z_83VTWZ8Z0kiEC7Lq.json.gz",
     1},
    {u"flaws2-s3/AWSLogs/653711331788/CloudTrail/us-east-1/2018/11/28/"
     "653711331788_CloudTrail_us-east-1_20181128T2305Z_zKlMhON7EpHala9u.json.gz",
     4},
    {u"flaws2-s3/AWSLogs/653711331788/CloudTrail/us-east-1/2018/11/28/"
     "653711331788_CloudTrail_us-east-1_20181128T2310Z_7J9NEIxrjJsrlXSd.json.gz",
     6},
    {u"flaws2-s3/AWSLogs/653711331788/CloudTrail/us-east-1/2018/11/28/"
     "653711331788_CloudTrail_us-east-1_20181128T2310Z_A1lhv3sWzzRIBFVk.json.gz",
     2},
    {u"flaws2-s3/AWSLogs/653711331788/CloudTrail/us-east-1/2018/11/28/"
     "653711331788_CloudTrail_us-east-1_20181128T2310Z_jJW5HfNtz7kOnvcP.json.gz",
     19},
    {u"flaws2-s3/AWSLogs/653711331788/CloudTrail/us-east-1/2018/11/28/"
     "653711331788_CloudTrail_us-east-1_20181128T2310Z_jQajCuiobojD8I4y.json.gz",
     1},
    {u"flaws2-s3/AWSLogs/653711331788/CloudTrail/us-east-1/2018/11/28/"
     "653711331788_CloudTrail_us-east-1_20181128T2310Z_rp9i9zxR2Vcpqfnz.json.gz",
     2},
    {u"otrf-ndjson-logstash/ec2_proxy_s3_exfiltration_2020-09-14011940.json", 103},
    {u"stratus-red-team-detonation-logs/aws.credential-access.ec2-get-password-data.json", 34},
    {u"stratus-red-team-detonation-logs/aws.credential-access.ec2-steal-instance-credentials.json",
     45},
    {u"stratus-red-team-detonation-logs/"
     "aws.credential-access.secretsmanager-batch-retrieve-secrets.json",
     5},
    {u"stratus-red-team-detonation-logs/aws.credential-access.secretsmanager-retrieve-secrets.json",
     21},
    {u"stratus-red-team-detonation-logs/"
     "aws.credential-access.ssm-retrieve-securestring-parameters.json",
     10},
    {u"stratus-red-team-detonation-logs/aws.defense-evasion.cloudtrail-delete.json", 1},
    {u"stratus-red-team-detonation-logs/aws.defense-evasion.cloudtrail-event-selectors.json", 1},
    {u"stratus-red-team-detonation-logs/aws.defense-evasion.cloudtrail-stop.json", 1},
    {u"stratus-red-team-detonation-logs/aws.defense-evasion.dns-delete-logs.json", 1},
    {u"stratus-red-team-detonation-logs/aws.defense-evasion.organizations-leave.json", 3},
    {u"stratus-red-team-detonation-logs/aws.defense-evasion.vpc-remove-flow-logs.json", 1},
    {u"stratus-red-team-detonation-logs/aws.discovery.ec2-download-user-data.json", 19},
    {u"stratus-red-team-detonation-logs/aws.execution.ec2-launch-unusual-instances.json", 3},
    {u"stratus-red-team-detonation-logs/aws.execution.ec2-user-data.json", 35},
    {u"stratus-red-team-detonation-logs/aws.execution.ssm-send-command.json", 56},
    {u"stratus-red-team-detonation-logs/aws.execution.ssm-start-session.json", 29},
    {u"stratus-red-team-detonation-logs/"
     u"aws.exfiltration.ec2-security-group-open-port-22-ingress.json",
     1},
    {u"stratus-red-team-detonation-logs/aws.exfiltration.ec2-share-ami.json", 1},
    {u"stratus-red-team-detonation-logs/aws.exfiltration.ec2-share-ebs-snapshot.json", 1},
    {u"stratus-red-team-detonation-logs/aws.exfiltration.rds-share-snapshot.json", 1},
    {u"stratus-red-team-detonation-logs/aws.impact.bedrock-invoke-model.json", 15},
    {u"stratus-red-team-detonation-logs/aws.initial-access.console-login-without-mfa.json", 1},
    {u"stratus-red-team-detonation-logs/aws.lateral-movement.ec2-instance-connect.json", 3},
    {u"stratus-red-team-detonation-logs/"
     "aws.lateral-movement.ec2-serial-console-send-ssh-public-key.json",
     4},
    {u"stratus-red-team-detonation-logs/aws.persistence.iam-backdoor-role.json", 1},
    {u"stratus-red-team-detonation-logs/aws.persistence.iam-backdoor-user.json", 1},
    {u"stratus-red-team-detonation-logs/aws.persistence.iam-create-admin-user.json", 3},
    {u"stratus-red-team-detonation-logs/aws.persistence.iam-create-backdoor-role.json", 2},
    {u"stratus-red-team-detonation-logs/aws.persistence.iam-create-user-login-profile.json", 3},
    {u"stratus-red-team-detonation-logs/aws.persistence.lambda-backdoor-function.json", 1},
    {u"stratus-red-team-detonation-logs/aws.persistence.lambda-layer-extension.json", 1},
    {u"stratus-red-team-detonation-logs/aws.persistence.lambda-overwrite-code.json", 1},
    {u"stratus-red-team-detonation-logs/aws.persistence.rolesanywhere-create-trust-anchor.json", 2},
    {u"stratus-red-team-detonation-logs/aws.persistence.sts-federation-token.json", 2},
    {u"stratus-red-team-detonation-logs/"
     u"aws.privilege-escalation.iam-update-user-login-profile.json",
     1},
    {u"traildiscover-samples/CreateApiKey.json", 0},
    {u"traildiscover-samples/DeleteTrail.json", 1},
    {u"traildiscover-samples/LookupEvents.json", 1},
    {u"traildiscover-samples/PutEventSelectors.json", 0},
    {u"traildiscover-samples/StopLogging.json", 1},
    {u"traildiscover-samples/UpdateTrail.json", 1},
};

const QString kNdjson =
    QStringLiteral("otrf-ndjson-logstash/ec2_proxy_s3_exfiltration_2020-09-14011940.json");
const QString kFlawsFolder =
    QStringLiteral("flaws2-s3/AWSLogs/653711331788/CloudTrail/us-east-1/2018/11/28/");

// Minified: no whitespace outside strings.
bool isMinified(std::string_view json)
{
    bool inString = false;
    for (std::size_t i = 0; i < json.size(); ++i) {
        const char c = json[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            return false;
        }
    }
    return true;
}

QJsonObject parsed(std::string_view json)
{
    return QJsonDocument::fromJson(QByteArray(json.data(), qsizetype(json.size()))).object();
}

} // namespace

class TestTrailFileReader : public QObject
{
    Q_OBJECT

private:
    QString m_data;
    QJsonObject m_reference; // file (relative path) -> what trail_reference.py read
    std::map<QString, TrailBatch> m_batches; // file (relative path) -> what the reader read

    const TrailBatch &batch(const QString &file) const { return m_batches.at(file); }

    const TrailRecord *find(std::string_view eventId) const
    {
        for (const auto &[file, read] : m_batches) {
            for (const TrailRecord &record : read.records()) {
                if (record.eventId == eventId)
                    return &record;
            }
        }
        return nullptr;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_data = qEnvironmentVariable("GATEHOUSE_TRAIL_TESTDATA",
                                      QStringLiteral(GATEHOUSE_TRAIL_TESTDATA));
        if (!QFileInfo(m_data).isDir()) {
            QSKIP(qPrintable(QStringLiteral("CloudTrail test data not found at '%1' (expected "
                                            "as shared/testdata/cloudtrail next to the source "
                                            "tree; GATEHOUSE_TRAIL_TESTDATA overrides)")
                                 .arg(m_data)));
        }
        const QString python = QStandardPaths::findExecutable(QStringLiteral("python3"));
        QVERIFY2(!python.isEmpty(), "python3 is a test dependency (packaging/install-deps.sh)");
        QProcess reference;
        reference.start(python, {QStringLiteral(GATEHOUSE_TRAIL_REFERENCE), m_data});
        QVERIFY(reference.waitForFinished(120000));
        QVERIFY2(reference.exitStatus() == QProcess::NormalExit && reference.exitCode() == 0,
                 reference.readAllStandardError().constData());
        m_reference = QJsonDocument::fromJson(reference.readAllStandardOutput()).object();
        QVERIFY(!m_reference.isEmpty());

        const auto files = TrailFileFinder::find({m_data});
        GH_VERIFY_OK(files);
        const QDir root(m_data);
        TrailFileReader reader;
        for (const TrailFile &file : *files) {
            auto read = reader.read(file.path);
            GH_VERIFY_OK(read);
            QCOMPARE(read->file(), file.path);
            QCOMPARE(read->fileBytes(), file.size);
            m_batches.emplace(root.relativeFilePath(file.path), std::move(read).value());
        }
    }

    void recordCountsPerFile()
    {
        QCOMPARE(m_batches.size(), std::size(kRecordCounts));
        std::size_t total = 0;
        for (const auto &[name, count] : kRecordCounts) {
            const QString file = name.toString();
            QVERIFY2(m_batches.count(file), qPrintable(file));
            QCOMPARE(int(batch(file).records().size()), count);
            total += batch(file).records().size();
        }
        QCOMPARE(total, std::size_t(454));
    }

    void recordCountsPerSource()
    {
        std::map<QString, std::size_t> perSource;
        for (const auto &[file, read] : m_batches)
            perSource[file.section(u'/', 0, 0)] += read.records().size();
        QCOMPARE(perSource[QStringLiteral("flaws2-s3")], std::size_t(37));
        QCOMPARE(perSource[QStringLiteral("stratus-red-team-detonation-logs")], std::size_t(310));
        QCOMPARE(perSource[QStringLiteral("traildiscover-samples")], std::size_t(4));
        QCOMPARE(perSource[QStringLiteral("otrf-ndjson-logstash")], std::size_t(103));
    }

    void matchesIndependentReading()
    {
        QCOMPARE(m_reference.keys().size(), int(m_batches.size()));
        for (const auto &[file, read] : m_batches) {
            const QJsonObject expected = m_reference.value(file).toObject();
            QVERIFY2(!expected.isEmpty(), qPrintable(file));
            if (expected.contains(u"error")) {
                QVERIFY2(read.records().empty(), qPrintable(file));
                continue; // checked in invalidJsonIsReportedWithItsLine()
            }
            QVERIFY2(read.problems().isEmpty(),
                     qPrintable(file + u": " + read.problems().value(0).reason));
            const QJsonArray records = expected.value(u"records").toArray();
            QCOMPARE(qsizetype(read.records().size()), records.size());
            for (qsizetype i = 0; i < records.size(); ++i) {
                const QString where = QStringLiteral("%1, record %2").arg(file).arg(i);
                const TrailRecord &record = read.records().at(std::size_t(i));
                const QJsonObject want = records.at(i).toObject();
                QVERIFY2(text(record.eventId) == want.value(u"id").toString(), qPrintable(where));
                QVERIFY2(record.eventTimeMs == qint64(want.value(u"ms").toDouble()),
                         qPrintable(where));
                QVERIFY2(record.line == want.value(u"line").toInteger(), qPrintable(where));
            }
        }
    }

    void fieldsMatchIndependentReading()
    {
        for (const auto &[file, read] : m_batches) {
            const QJsonArray records = m_reference.value(file)[u"records"].toArray();
            for (qsizetype i = 0; i < records.size(); ++i) {
                const QString where = QStringLiteral("%1, record %2").arg(file).arg(i);
                const TrailRecord &record = read.records().at(std::size_t(i));
                const QJsonObject want = records.at(i)[u"fields"].toObject();
                const std::pair<const char16_t *, std::string_view> fields[] = {
                    {u"eventSource", record.eventSource},
                    {u"eventName", record.eventName},
                    {u"eventType", record.eventType},
                    {u"awsRegion", record.awsRegion},
                    {u"sourceIPAddress", record.sourceIPAddress},
                    {u"userAgent", record.userAgent},
                    {u"errorCode", record.errorCode},
                    {u"recipientAccountId", record.recipientAccountId},
                    {u"accessKeyId", record.accessKeyId},
                    {u"username", record.username},
                };
                for (const auto &[name, value] : fields) {
                    const QString field = QString::fromUtf16(name);
                    QVERIFY2(text(value) == want.value(field).toString(),
                             qPrintable(QStringLiteral("%1: %2 is '%3', not '%4'")
                                            .arg(where, field, text(value),
                                                 want.value(field).toString())));
                }
                const QJsonValue readOnly = want.value(u"readOnly");
                QVERIFY2(record.readOnly.has_value() == !readOnly.isNull(), qPrintable(where));
                if (record.readOnly)
                    QVERIFY2(*record.readOnly == readOnly.toBool(), qPrintable(where));
                const QJsonArray resources = want.value(u"resources").toArray();
                QCOMPARE(qsizetype(record.resources.size()), resources.size());
                for (qsizetype r = 0; r < resources.size(); ++r) {
                    QCOMPARE(text(record.resources[std::size_t(r)].type),
                             resources.at(r)[0].toString());
                    QCOMPARE(text(record.resources[std::size_t(r)].name),
                             resources.at(r)[1].toString());
                }
                // The minified record keeps every field, unknown ones too.
                QVERIFY2(isMinified(record.json), qPrintable(where));
                QVERIFY2(parsed(record.json) == records.at(i)[u"record"].toObject(),
                         qPrintable(where));
            }
        }
    }

    void invalidJsonIsReportedWithItsLine()
    {
        // A JavaScript object literal (unquoted keys): the first error is the key on line 4.
        const QString file = QStringLiteral("traildiscover-samples/CreateApiKey.json");
        const TrailBatch &read = batch(file);
        QVERIFY(read.records().empty());
        QCOMPARE(read.problems().size(), 1);
        const TrailProblem &problem = read.problems().first();
        QCOMPARE(problem.file, QDir(m_data).filePath(file));
        QCOMPARE(problem.line, 4);
        QCOMPARE(problem.line, m_reference.value(file)[u"line"].toInteger());
        QVERIFY2(problem.reason.startsWith(u"not valid JSON: "), qPrintable(problem.reason));
        // The reason names the error, not the file's content.
        QVERIFY(!problem.reason.contains(u"awsRegion"));
    }

    void emptyArrayHasNoRecordsAndNoProblem()
    {
        const TrailBatch &read =
            batch(QStringLiteral("traildiscover-samples/PutEventSelectors.json"));
        QCOMPARE(read.fileBytes(), 2);
        QVERIFY(read.records().empty());
        QVERIFY(read.problems().isEmpty());
    }

    void ndjsonFallsBackToTimestamp()
    {
        const TrailBatch &read = batch(kNdjson);
        QCOMPARE(read.records().size(), std::size_t(103));
        const TrailRecord &first = read.records().front();
        QCOMPARE(first.line, 1);
        QCOMPARE(text(first.eventId), QStringLiteral("fd4f1042-c7f6-4107-a6ee-d841d92596e7"));
        // "@timestamp":"2020-09-14T00:44:23.000Z", no eventTime.
        QCOMPARE(first.eventTimeMs,
                 QDateTime(QDate(2020, 9, 14), QTime(0, 44, 23), Qt::UTC).toMSecsSinceEpoch());
        QVERIFY(first.json.find("\"@timestamp\"") != std::string_view::npos);
        QVERIFY(first.json.find("\"eventTime\"") == std::string_view::npos);
        for (std::size_t i = 0; i < read.records().size(); ++i)
            QCOMPARE(read.records()[i].line, qint64(i + 1));
    }

    void resourcesWithArnPrefix()
    {
        const TrailRecord *record = find("bf575a0c-c344-4302-a468-00e6a84a127a");
        QVERIFY(record);
        QCOMPARE(record->line, 45);
        QCOMPARE(text(record->eventName), QStringLiteral("ListObjects"));
        QCOMPARE(record->resources.size(), std::size_t(2));
        QCOMPARE(text(record->resources[0].type), QStringLiteral("AWS::S3::Object"));
        QCOMPARE(text(record->resources[0].name),
                 QStringLiteral("arn:aws:s3:::mordors3stack-s3bucket-llp2yingx64a/"));
        QCOMPARE(text(record->resources[1].type), QStringLiteral("AWS::S3::Bucket"));
        QCOMPARE(text(record->resources[1].name),
                 QStringLiteral("arn:aws:s3:::mordors3stack-s3bucket-llp2yingx64a"));
    }

    void usernameFollowsLookupEvents()
    {
        // AssumedRole: the session name after the last '/' of the ARN.
        const TrailRecord *assumed = find("65e111a0-83ae-4ba8-9673-16291a804873");
        QVERIFY(assumed);
        QCOMPARE(text(assumed->username), QStringLiteral("d190d14a-2404-45d6-9113-4eda22d7f2c7"));
        const TrailRecord *level1 = find("77b02a51-70c8-465b-94df-579c1fe42a5c");
        QVERIFY(level1);
        QCOMPARE(text(level1->username), QStringLiteral("level1"));
        // AWSService with only invokedBy.
        const TrailRecord *service = find("e16db4aa-60e9-4a4b-a907-ccb4fbcd0227");
        QVERIFY(service);
        QCOMPARE(text(service->username), QStringLiteral("lambda.amazonaws.com"));
        // Anonymous S3 access (AWSAccount, no user name, no ARN): no user name.
        const TrailRecord *anonymous = find("38993e7c-b9e9-46eb-9f93-82e710147d39");
        QVERIFY(anonymous);
        QVERIFY(anonymous->username.empty());
        QVERIFY(anonymous->accessKeyId.empty());
    }

    void readOnlyIsAbsentInOldRecords()
    {
        int absent = 0;
        for (const auto &[file, read] : m_batches) {
            if (!file.startsWith(kFlawsFolder))
                continue;
            for (const TrailRecord &record : read.records())
                absent += record.readOnly.has_value() ? 0 : 1;
        }
        QCOMPARE(absent, 12);
        const TrailRecord *old = find("77b02a51-70c8-465b-94df-579c1fe42a5c"); // eventVersion 1.04
        QVERIFY(old);
        QVERIFY(!old->readOnly.has_value());
        const TrailRecord *reading = find("8b3e9429-989c-4e28-92b3-da8df5603f6d");
        QVERIFY(reading && reading->readOnly == true);
        const TrailRecord *writing = find("949e83c0-0d98-4b7d-8845-5e2fe3eafde4");
        QVERIFY(writing && writing->readOnly == false);
    }

    void newerFieldsAreKept()
    {
        // eventVersion 1.10 (stratus-red-team, pretty-printed with sorted keys).
        const TrailRecord *record = find("ee73c230-44bc-4492-8542-cfb189eae287");
        QVERIFY(record);
        const QJsonObject object = parsed(record->json);
        QCOMPARE(object.value(u"eventVersion").toString(), QStringLiteral("1.10"));
        QCOMPARE(object.value(u"eventCategory").toString(), QStringLiteral("Management"));
        QVERIFY(object.value(u"managementEvent").toBool());
        QVERIFY(object.value(u"tlsDetails")[u"clientProvidedHostHeader"].isString());
        QCOMPARE(object.value(u"tlsDetails")[u"tlsVersion"].toString(), QStringLiteral("TLSv1.3"));
        QCOMPARE(object.keys().size(), 18);
        QVERIFY(isMinified(record->json));
    }

    void recordsStayValidAfterTheBatchMoves()
    {
        TrailFileReader reader;
        auto read = reader.read(QDir(m_data).filePath(kNdjson));
        GH_VERIFY_OK(read);
        const std::string_view before = read->records().front().eventId;
        TrailBatch moved = std::move(read).value();
        std::vector<TrailBatch> holder;
        holder.push_back(std::move(moved));
        QCOMPARE(holder.front().records().front().eventId.data(), before.data());
        QCOMPARE(text(holder.front().records().front().eventId),
                 QStringLiteral("fd4f1042-c7f6-4107-a6ee-d841d92596e7"));
    }

    void readerReusesABatch()
    {
        // One batch read into again and again gives what fresh batches give.
        TrailFileReader reader;
        TrailBatch reused;
        for (const auto &[file, fresh] : m_batches) {
            GH_VERIFY_OK(reader.read(QDir(m_data).filePath(file), reused));
            QCOMPARE(reused.records().size(), fresh.records().size());
            QCOMPARE(reused.problems(), fresh.problems());
            for (std::size_t i = 0; i < fresh.records().size(); ++i) {
                QVERIFY(reused.records()[i].json == fresh.records()[i].json);
                QVERIFY(reused.records()[i].username == fresh.records()[i].username);
                QCOMPARE(reused.records()[i].resources.size(), fresh.records()[i].resources.size());
            }
        }
    }

    void readsOnSeveralThreadsAtOnce()
    {
        // One reader per thread, all files on each thread, at the same time.
        QStringList files;
        for (const auto &[file, read] : m_batches)
            files.append(QDir(m_data).filePath(file));
        std::vector<std::vector<std::string>> seen(4);
        std::vector<std::thread> threads;
        for (std::size_t t = 0; t < seen.size(); ++t) {
            threads.emplace_back([&, t] {
                TrailFileReader reader;
                TrailBatch into;
                for (int round = 0; round < 5; ++round) {
                    for (const QString &path : files) {
                        if (!reader.read(path, into))
                            return;
                        for (const TrailRecord &record : into.records())
                            seen[t].emplace_back(std::string(record.eventId) + '@'
                                                 + std::to_string(record.eventTimeMs));
                    }
                }
            });
        }
        for (std::thread &thread : threads)
            thread.join();
        std::vector<std::string> expected;
        for (int round = 0; round < 5; ++round) {
            for (const auto &[file, read] : m_batches) {
                for (const TrailRecord &record : read.records())
                    expected.emplace_back(std::string(record.eventId) + '@'
                                          + std::to_string(record.eventTimeMs));
            }
        }
        for (const auto &result : seen)
            QVERIFY(result == expected);
    }
};

QTEST_GUILESS_MAIN(TestTrailFileReader)
#include "TestTrailFileReader.moc"
