#include "CtlRunner.h"
#include "TestSupport.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

using namespace gatehouse;

namespace {

const QByteArray kOwnerPassword = "correct horse battery staple";

QStringList args(std::initializer_list<const char *> list)
{
    QStringList out;
    for (const char *item : list)
        out.append(QString::fromUtf8(item));
    return out;
}

QJsonObject firstProblem(const test::CtlRun &run)
{
    return run.json().value(QStringLiteral("problems")).toArray().first().toObject();
}

} // namespace

// Drives `gatehousectl audit ...` as scripts and auditors do: the real binary on a real store,
// tampered with through a connection of its own.
class TestCtlAudit : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_path;
    QString m_rootSession;
    test::CtlRunner m_ctl;

    test::CtlRun ctl(const QStringList &arguments, const QByteArray &input = {},
                     const QMap<QString, QString> &environment = {})
    {
        m_ctl.setStorePath(m_path);
        return m_ctl.run(arguments, input, environment);
    }

    // `audit ARGS`, signed in as the owner.
    test::CtlRun audit(const QStringList &arguments)
    {
        return ctl(QStringList{QStringLiteral("audit")} + arguments, {},
                   {{QStringLiteral("GATEHOUSE_TOKEN"), m_rootSession}});
    }

    void newStore(const QString &name)
    {
        m_path = m_dir.filePath(name);
        QCOMPARE(ctl(args({"init", "--owner", "root"}), kOwnerPassword + '\n').exitCode, 0);
        QVERIFY(test::requireMfaForNoRole(m_path));
        const test::CtlRun login =
            ctl(args({"auth", "login", "root", "--json"}), kOwnerPassword + '\n');
        m_rootSession = login.json().value(QStringLiteral("token")).toString();
        QVERIFY(!m_rootSession.isEmpty());
    }

    QString keyFile() const { return m_path + QStringLiteral(".audit-keys"); }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void cleanupTestCase()
    {
        QVERIFY2(m_ctl.contractBreaches().isEmpty(),
                 qPrintable(m_ctl.contractBreaches().join(QLatin1Char('\n'))));
    }

    void checkpointAndVerify()
    {
        newStore(QStringLiteral("plain.db"));
        const test::CtlRun made = audit(args({"checkpoint", "--json"}));
        QCOMPARE(made.exitCode, 0);
        QVERIFY(made.json().value(QStringLiteral("size")).toInteger() >= 3);
        QCOMPARE(made.json().value(QStringLiteral("signatureAlgorithm")).toString(),
                 QStringLiteral("Ed25519"));
        // The first checkpoint made the key file, beside the store and private.
        QVERIFY(QFile::exists(keyFile()));
        QCOMPARE(QFile::permissions(keyFile()) & (QFile::ReadGroup | QFile::ReadOther),
                 QFile::Permissions());

        const test::CtlRun verified = audit(args({"verify", "--json"}));
        QCOMPARE(verified.exitCode, 0);
        QCOMPARE(verified.json().value(QStringLiteral("ok")).toBool(), true);
        QCOMPARE(verified.json().value(QStringLiteral("problems")).toArray().size(), 0);
        QCOMPARE(verified.json().value(QStringLiteral("checkpoints")).toInt(), 1);

        const test::CtlRun text = audit(args({"verify"}));
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.startsWith(QStringLiteral("The audit log is intact: records 1 to ")),
                 qPrintable(text.out));
    }

    // Exported checkpoints and keys are what a verifier elsewhere holds; a rollback of the
    // store to an older copy is caught only with them.
    void exportedCheckpointsCatchARollback()
    {
        newStore(QStringLiteral("rollback.db"));
        QCOMPARE(audit(args({"checkpoint"})).exitCode, 0);
        QVERIFY(QFile::copy(m_path, m_path + QStringLiteral(".old")));
        for (int i = 0; i < 3; ++i)
            QCOMPARE(
                ctl(args({"user", "create", "--json", qPrintable(QStringLiteral("u%1").arg(i))}),
                    {}, {{QStringLiteral("GATEHOUSE_TOKEN"), m_rootSession}})
                    .exitCode,
                0);
        const QString exported = m_dir.filePath(QStringLiteral("exported"));
        const test::CtlRun made = audit({QStringLiteral("checkpoint"), QStringLiteral("--export"),
                                         exported, QStringLiteral("--json")});
        QCOMPARE(made.exitCode, 0);
        QCOMPARE(made.json().value(QStringLiteral("exported")).toInt(), 2);
        const QStringList files = QDir(exported).entryList(QDir::Files, QDir::Name);
        QCOMPARE(files.size(), 3);
        const QStringList keyFiles =
            QDir(exported).entryList({QStringLiteral("*_AuditPublicKeys.json")});
        QCOMPARE(keyFiles.size(), 1);
        const QString publicKeys = QDir(exported).filePath(keyFiles.first());

        QCOMPARE(audit({QStringLiteral("verify"), QStringLiteral("--checkpoint"), exported,
                        QStringLiteral("--trusted-keys"), publicKeys, QStringLiteral("--json")})
                     .exitCode,
                 0);

        // The older copy is put back. On its own it looks fine; against what was exported, no.
        QVERIFY(QFile::remove(m_path));
        QFile::remove(m_path + QStringLiteral("-wal"));
        QFile::remove(m_path + QStringLiteral("-shm"));
        QVERIFY(QFile::copy(m_path + QStringLiteral(".old"), m_path));
        QCOMPARE(audit(args({"verify", "--json"})).exitCode, 0);
        const test::CtlRun caught = audit({QStringLiteral("verify"), QStringLiteral("--checkpoint"),
                                           exported, QStringLiteral("--json")});
        QCOMPARE(caught.exitCode, 1);
        QCOMPARE(caught.json().value(QStringLiteral("ok")).toBool(), false);
        QCOMPARE(firstProblem(caught).value(QStringLiteral("kind")).toString(),
                 QStringLiteral("rollback"));

        // A checkpoint file whose size was changed no longer matches its signature.
        const QStringList checkpoints = QDir(exported).entryList(
            {QStringLiteral("*_AuditCheckpoint_*.json")}, QDir::Files, QDir::Name);
        const QString forgedPath = m_dir.filePath(QStringLiteral("forged.json"));
        QFile original(QDir(exported).filePath(checkpoints.first()));
        QVERIFY(original.open(QIODevice::ReadOnly));
        QJsonObject forged = QJsonDocument::fromJson(original.readAll()).object();
        forged.insert(QStringLiteral("size"), forged.value(QStringLiteral("size")).toInt() - 1);
        QFile out(forgedPath);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(QJsonDocument(forged).toJson());
        out.close();
        const test::CtlRun rejected =
            audit({QStringLiteral("verify"), QStringLiteral("--checkpoint"), forgedPath,
                   QStringLiteral("--json")});
        QCOMPARE(rejected.exitCode, 1);
        QCOMPARE(firstProblem(rejected).value(QStringLiteral("kind")).toString(),
                 QStringLiteral("checkpoint-signature"));
    }

    void tamperingIsReported()
    {
        newStore(QStringLiteral("tampered.db"));
        QCOMPARE(audit(args({"checkpoint"})).exitCode, 0);
        const QString problem = test::execByHand(
            m_path, QStringLiteral("UPDATE audit_events SET event_name = 'Nothing' WHERE seq = 2"));
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        const test::CtlRun json = audit(args({"verify", "--json"}));
        QCOMPARE(json.exitCode, 1);
        QCOMPARE(firstProblem(json).value(QStringLiteral("sequence")).toInt(), 2);
        QCOMPARE(firstProblem(json).value(QStringLiteral("kind")).toString(),
                 QStringLiteral("edited"));
        const test::CtlRun text = audit(args({"verify"}));
        QCOMPARE(text.exitCode, 1);
        QVERIFY2(text.out.contains(QStringLiteral("#2 edited: Record 2 was changed")),
                 qPrintable(text.out));
    }

    void lookup()
    {
        newStore(QStringLiteral("lookup.db"));
        for (const char *name : {"ann", "ben"})
            QCOMPARE(ctl(args({"user", "create", "--json", name}), {},
                         {{QStringLiteral("GATEHOUSE_TOKEN"), m_rootSession}})
                         .exitCode,
                     0);
        const test::CtlRun created =
            audit(args({"lookup", "--attr", "EventName=CreateUser", "--attr", "readonly=false",
                        "--max", "1", "--json"}));
        QCOMPARE(created.exitCode, 0);
        const QJsonArray events = created.json().value(QStringLiteral("Events")).toArray();
        QCOMPARE(events.size(), 1);
        const QJsonObject newest = events.first().toObject();
        QCOMPARE(newest.value(QStringLiteral("EventName")).toString(),
                 QStringLiteral("CreateUser"));
        QCOMPARE(newest.value(QStringLiteral("ReadOnly")).toString(), QStringLiteral("false"));
        // The whole record, as a string, as LookupEvents has it.
        const QJsonObject record =
            QJsonDocument::fromJson(
                newest.value(QStringLiteral("CloudTrailEvent")).toString().toUtf8())
                .object();
        QCOMPARE(record.value(QStringLiteral("eventName")).toString(),
                 QStringLiteral("CreateUser"));
        QCOMPARE(record.value(QStringLiteral("requestParameters"))[QStringLiteral("username")]
                     .toString(),
                 QStringLiteral("ben"));
        const QString token = created.json().value(QStringLiteral("NextToken")).toString();
        QVERIFY(!token.isEmpty());

        const test::CtlRun next =
            audit({QStringLiteral("lookup"), QStringLiteral("--attr"),
                   QStringLiteral("EventName=CreateUser"), QStringLiteral("--attr"),
                   QStringLiteral("readonly=false"), QStringLiteral("--max"), QStringLiteral("1"),
                   QStringLiteral("--next-token"), token, QStringLiteral("--json")});
        QCOMPARE(next.exitCode, 0);
        const QJsonObject older =
            next.json().value(QStringLiteral("Events")).toArray().first().toObject();
        QVERIFY(older.value(QStringLiteral("EventId")) != newest.value(QStringLiteral("EventId")));

        const test::CtlRun text = audit(args({"lookup", "--attr", "EventName=CreateUser"}));
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.startsWith(QStringLiteral("TIME")), qPrintable(text.out));
        QCOMPARE(text.out.count(QStringLiteral("CreateUser")), 3); // root, ann and ben

        QCOMPARE(audit(args({"lookup", "--attr", "Colour=red", "--json"})).exitCode, 2);
        QCOMPARE(audit(args({"lookup", "--attr", "EventName", "--json"})).exitCode, 2);
        QCOMPARE(audit(args({"lookup", "--start", "yesterday", "--json"})).exitCode, 2);
        QCOMPARE(audit(args({"lookup", "--start", "2026-03-01T09:00:00", "--json"})).exitCode, 2);
        QCOMPARE(audit(args({"lookup", "--max", "1001", "--json"})).exitCode, 2);
        const test::CtlRun none = audit(args({"lookup", "--start", "1h", "--end", "2d", "--json"}));
        QCOMPARE(none.exitCode, 2); // the start (an hour ago) is after the end (two days ago)
    }

    void exports()
    {
        newStore(QStringLiteral("export.db"));
        const QString file = m_dir.filePath(QStringLiteral("created.json"));
        const test::CtlRun toFile =
            audit({QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("json"),
                   QStringLiteral("--attr"), QStringLiteral("EventName=CreateUser"),
                   QStringLiteral("--out"), file, QStringLiteral("--json")});
        QCOMPARE(toFile.exitCode, 0);
        QCOMPARE(toFile.json().value(QStringLiteral("events")).toInt(), 1);
        QFile written(file);
        QVERIFY(written.open(QIODevice::ReadOnly));
        const QJsonArray records =
            QJsonDocument::fromJson(written.readAll())[QStringLiteral("Records")].toArray();
        QCOMPARE(records.size(), 1);
        QCOMPARE(records.first()[QStringLiteral("eventName")].toString(),
                 QStringLiteral("CreateUser"));

        const test::CtlRun toStdout = audit(args({"export", "--format", "csv"}));
        QCOMPARE(toStdout.exitCode, 0);
        QVERIFY2(toStdout.out.startsWith(QStringLiteral("EventId,EventTime,Username,")),
                 qPrintable(toStdout.out));
        QVERIFY(toStdout.out.contains(QStringLiteral("\"CreateUser\"")));

        QCOMPARE(audit(args({"export", "--format", "xml", "--json"})).exitCode, 2);
        QCOMPARE(audit(args({"export", "--format", "csv", "--json"})).exitCode, 2);
        const test::CtlRun nowhere =
            audit({QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("csv"),
                   QStringLiteral("--out"), m_dir.filePath(QStringLiteral("missing/dir/x.csv")),
                   QStringLiteral("--json")});
        QCOMPARE(nowhere.exitCode, 1);
        QCOMPARE(nowhere.errorCode(), QStringLiteral("Unavailable"));
    }

    void credentialReport()
    {
        newStore(QStringLiteral("report.db"));
        QCOMPARE(ctl(args({"user", "create", "--json", "dana", "--role", "auditor"}), {},
                     {{QStringLiteral("GATEHOUSE_TOKEN"), m_rootSession}})
                     .exitCode,
                 0);
        // dana's tokens: one live, one revoked (which the report leaves out).
        QString revoke;
        for (const char *name : {"live", "revoked"}) {
            const test::CtlRun token =
                ctl(args({"token", "create", "--owner", "dana", "--name", name, "--scope",
                          "introspect", "--expires-in", "30d", "--json"}),
                    {}, {{QStringLiteral("GATEHOUSE_TOKEN"), m_rootSession}});
            QCOMPARE(token.exitCode, 0);
            revoke = token.json().value(QStringLiteral("id")).toString();
        }
        QCOMPARE(ctl({QStringLiteral("token"), QStringLiteral("revoke"), revoke,
                      QStringLiteral("--reason"), QStringLiteral("test"), QStringLiteral("--json")},
                     {}, {{QStringLiteral("GATEHOUSE_TOKEN"), m_rootSession}})
                     .exitCode,
                 0);
        const test::CtlRun report = audit(args({"report", "credentials"}));
        QCOMPARE(report.exitCode, 0);
        const QStringList lines = report.out.split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3); // header, dana, root
        QVERIFY2(lines.at(0).startsWith(QStringLiteral("user,user_id,email,status,roles,locked,"
                                                       "password_enabled,password_last_changed")),
                 qPrintable(lines.at(0)));
        QVERIFY2(lines.at(1).startsWith(QStringLiteral("\"dana\",")), qPrintable(lines.at(1)));
        QVERIFY(lines.at(1).contains(QStringLiteral("\"auditor\"")));
        QVERIFY(lines.at(1).contains(
            QStringLiteral(",\"false\",\"\",\"\",\"false\","))); // no password, no MFA
        const QStringList dana =
            lines.at(1).mid(1, lines.at(1).size() - 2).split(QStringLiteral("\",\""));
        QCOMPARE(dana.size(), 18);
        QCOMPARE(dana.at(12), QStringLiteral("0")); // active_sessions
        QCOMPARE(dana.at(13), QStringLiteral("1")); // active_tokens: the revoked one is not live
        QCOMPARE(dana.at(14), QStringLiteral("0")); // oldest_token_age_days
        QCOMPARE(dana.at(15), QString()); // token_last_used: never
        QVERIFY(QDateTime::fromString(dana.at(16), Qt::ISODateWithMs).isValid()); // next expiry
        // root: owner, a password, one live session (the one these runs use).
        QVERIFY2(lines.at(2).startsWith(QStringLiteral("\"root\",")), qPrintable(lines.at(2)));
        QVERIFY(lines.at(2).contains(QStringLiteral("\"owner\",\"false\",\"true\",")));
        QVERIFY(lines.at(2).contains(QStringLiteral(",\"0\",\"1\",\"0\",")));

        const QString file = m_dir.filePath(QStringLiteral("report.csv"));
        const test::CtlRun toFile =
            audit({QStringLiteral("report"), QStringLiteral("credentials"), QStringLiteral("--out"),
                   file, QStringLiteral("--json")});
        QCOMPARE(toFile.exitCode, 0);
        QCOMPARE(toFile.json().value(QStringLiteral("users")).toInt(), 2);
        QCOMPARE(audit(args({"report", "passwords", "--json"})).exitCode, 2);
    }

    void archive()
    {
        newStore(QStringLiteral("archive.db"));
        const QString folder = m_dir.filePath(QStringLiteral("archived"));
        const test::CtlRun archived =
            audit({QStringLiteral("archive"), QStringLiteral("--older-than"), QStringLiteral("0s"),
                   QStringLiteral("--out"), folder, QStringLiteral("--json")});
        QCOMPARE(archived.exitCode, 0);
        QVERIFY(archived.json().value(QStringLiteral("records")).toInt() >= 3);
        QCOMPARE(archived.json().value(QStringLiteral("firstSequence")).toInt(), 1);
        QVERIFY(QFile::exists(
            QDir(folder).filePath(archived.json().value(QStringLiteral("manifest")).toString())));
        const test::CtlRun verified = audit(args({"verify", "--json"}));
        QCOMPARE(verified.exitCode, 0);
        QCOMPARE(verified.json().value(QStringLiteral("firstSequence")).toInt(),
                 archived.json().value(QStringLiteral("lastSequence")).toInt() + 1);
        // The archive reads back as a trail.
        const QString index = m_dir.filePath(QStringLiteral("archived.idx"));
        const test::CtlRun imported =
            ctl({QStringLiteral("trail"), QStringLiteral("import"), folder,
                 QStringLiteral("--index"), index, QStringLiteral("--json")});
        QCOMPARE(imported.exitCode, 0);
        QCOMPARE(imported.json().value(QStringLiteral("records")),
                 archived.json().value(QStringLiteral("records")));
        QCOMPARE(imported.json().value(QStringLiteral("malformed")).toArray().size(), 0);
        QCOMPARE(audit(args({"archive", "--older-than", "soon", "--out", "x", "--json"})).exitCode,
                 2);
        QCOMPARE(audit(args({"archive", "--older-than", "1d", "--json"})).exitCode, 2);
    }

    void badInputs()
    {
        newStore(QStringLiteral("inputs.db"));
        QCOMPARE(audit(args({"--json"})).exitCode, 2);
        QCOMPARE(audit(args({"verify", "extra", "--json"})).exitCode, 2);
        QCOMPARE(audit(args({"shred", "--json"})).exitCode, 2);
        QCOMPARE(ctl(args({"audit", "verify", "--json"})).exitCode, 2); // no one signed in

        const QString junk = m_dir.filePath(QStringLiteral("junk.json"));
        QFile file(junk);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"logId\": 5}");
        file.close();
        const test::CtlRun refused =
            audit({QStringLiteral("verify"), QStringLiteral("--checkpoint"), junk,
                   QStringLiteral("--json")});
        QCOMPARE(refused.exitCode, 1);
        QCOMPARE(refused.errorCode(), QStringLiteral("InvalidInput"));
        QVERIFY(refused.errorMessage().contains(junk));
        const test::CtlRun noKeys =
            audit({QStringLiteral("verify"), QStringLiteral("--trusted-keys"), junk,
                   QStringLiteral("--json")});
        QCOMPARE(noKeys.errorCode(), QStringLiteral("InvalidInput"));
    }

    // The key file lost after checkpoints were signed: no quiet replacement; rotation starts
    // a new key.
    void lostKeyFile()
    {
        newStore(QStringLiteral("lost.db"));
        QCOMPARE(audit(args({"checkpoint"})).exitCode, 0);
        QVERIFY(QFile::remove(keyFile()));
        const test::CtlRun refused = audit(args({"checkpoint", "--json"}));
        QCOMPARE(refused.exitCode, 1);
        QCOMPARE(refused.errorCode(), QStringLiteral("Unavailable"));
        QVERIFY(!QFile::exists(keyFile()));
        const test::CtlRun rotated = audit(args({"rotate-key", "--json"}));
        QCOMPARE(rotated.exitCode, 0);
        QCOMPARE(rotated.json().value(QStringLiteral("keyFingerprint")).toString().size(), 64);
        QCOMPARE(audit(args({"checkpoint"})).exitCode, 0);
        // The first checkpoint's key is gone, so verify says it cannot trust it.
        const test::CtlRun verified = audit(args({"verify", "--json"}));
        QCOMPARE(verified.exitCode, 1);
        QCOMPARE(firstProblem(verified).value(QStringLiteral("kind")).toString(),
                 QStringLiteral("checkpoint-untrusted-key"));
    }
};

QTEST_GUILESS_MAIN(TestCtlAudit)
#include "TestCtlAudit.moc"
