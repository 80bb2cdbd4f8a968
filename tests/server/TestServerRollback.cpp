#include "ApiClient.h"
#include "TestSupport.h"
#include "audit/AuditCheckpoint.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace gatehouse;
using namespace gatehouse::test;

namespace {

const QByteArray kPassword = "correct horse battery staple 42";
const QStringList kSuffixes{QString(), QStringLiteral("-wal"), QStringLiteral("-shm")};

// A stopped store's files, as a backup takes them (the journal too, if one was left).
bool copyStore(const QString &from, const QString &to)
{
    for (const QString &suffix : kSuffixes) {
        QFile::remove(to + suffix);
        if (QFile::exists(from + suffix) && !QFile::copy(from + suffix, to + suffix))
            return false;
    }
    return QFile::exists(to);
}

QStringList checkpointFiles(const QString &folder)
{
    return QDir(folder).entryList({QStringLiteral("*_AuditCheckpoint_*.json")}, QDir::Files,
                                  QDir::Name);
}

} // namespace

// Catalogue F5 through a real gatehouse-server with a checkpoint folder (GATEHOUSE_CHECKPOINT_DIR):
// every checkpoint it makes lands in the folder, and a start over a store that does not extend
// the newest one (an older copy of the database, a file truncated to 0 bytes) is refused with
// what was wrong and what to do; the intact store starts again.
class TestServerRollback : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_database;
    QString m_folder;

    std::unique_ptr<ServerProcess> start(const QString &log,
                                         const QList<QPair<QString, QString>> &settings = {})
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("GATEHOUSE_DATABASE"), m_database);
        env.insert(QStringLiteral("GATEHOUSE_RATE_LIMIT"), QStringLiteral("0"));
        env.insert(QStringLiteral("GATEHOUSE_CHECKPOINT_DIR"), m_folder);
        for (const auto &[name, value] : settings)
            env.insert(name, value);
        return std::make_unique<ServerProcess>(env, QStringList{QStringLiteral("--insecure-http")},
                                               m_dir.filePath(log));
    }

    // Starts a server that must refuse to serve; what it said on stderr.
    QString refusedStart(const QString &log, const QList<QPair<QString, QString>> &settings = {})
    {
        std::unique_ptr<ServerProcess> server = start(log, settings);
        if (server->started()) {
            qWarning("the server started over a store it should have refused");
            return {};
        }
        server->process().waitForFinished(10000);
        if (server->process().exitStatus() != QProcess::NormalExit
            || server->process().exitCode() == 0) {
            qWarning("the server did not exit with a failure status");
            return {};
        }
        return server->error();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_database = ServerProcess::initStore(m_dir.filePath(QStringLiteral("store.db")),
                                              QStringLiteral("root"), kPassword);
        QVERIFY(!m_database.isEmpty());
        QVERIFY(requireMfaForNoRole(m_database));
        m_folder = m_dir.filePath(QStringLiteral("checkpoints"));
        // Made by whoever sets the server up: the server never makes it.
        QVERIFY(QDir().mkpath(m_folder));
    }

    void rollbackAndTruncationAreRefused()
    {
        // A first run: a few records, and the checkpoint made when it stops.
        {
            std::unique_ptr<ServerProcess> server = start(QStringLiteral("first.log"));
            QVERIFY2(server->started(), qPrintable(server->error()));
            QVERIFY(!ApiClient(server->port()).login("root", kPassword).isEmpty());
            QVERIFY(server->terminate());
        }
        QCOMPARE(checkpointFiles(m_folder).size(), 1);
        QVERIFY(!QDir(m_folder)
                     .entryList({QStringLiteral("*_AuditPublicKeys.json")}, QDir::Files)
                     .isEmpty());
        const QString older = m_dir.filePath(QStringLiteral("older.db"));
        QVERIFY(copyStore(m_database, older));

        // A second run writes more, and an administrator's checkpoint goes to the folder at
        // once, not only when the server stops.
        qint64 signedSize = 0;
        {
            std::unique_ptr<ServerProcess> server = start(QStringLiteral("second.log"));
            QVERIFY2(server->started(), qPrintable(server->error()));
            const ApiClient api(server->port());
            const QByteArray owner = ApiClient::bearer(api.login("root", kPassword));
            QVERIFY(!owner.isEmpty());
            QVERIFY(!api.createUserWithPassword(owner, "alice", "operator", kPassword).isEmpty());
            const RawExchange made = api.call("POST", "/admin/v1/audit/checkpoints", {}, owner);
            QCOMPARE(made.status(), 201);
            Result<AuditCheckpoint> checkpoint = AuditCheckpoint::fromJson(made.body());
            QVERIFY(checkpoint);
            signedSize = checkpoint->size;
            QVERIFY(checkpointFiles(m_folder).contains(checkpoint->fileName()));
            QVERIFY(server->terminate());
        }
        const QString latest = m_dir.filePath(QStringLiteral("latest.db"));
        QVERIFY(copyStore(m_database, latest));
        const QStringList exported = checkpointFiles(m_folder);

        // The older copy put back over the live store: refused, saying how far behind it is.
        QVERIFY(copyStore(older, m_database));
        const QString rolledBack = refusedStart(QStringLiteral("rolled-back.log"));
        qInfo("%s", qPrintable(rolledBack));
        QVERIFY2(rolledBack.contains(QStringLiteral("The audit log was rolled back")),
                 qPrintable(rolledBack));
        static const QRegularExpression behind(
            QStringLiteral("the store ends at audit record (\\d+), but the checkpoint exported "
                           "to (.+) on (\\S+) covers (\\d+) records"));
        const QRegularExpressionMatch match = behind.match(rolledBack);
        QVERIFY2(match.hasMatch(), qPrintable(rolledBack));
        QVERIFY(match.captured(1).toLongLong() < signedSize);
        QVERIFY(match.captured(4).toLongLong() >= signedSize);
        QCOMPARE(match.captured(2), m_folder);
        QVERIFY(rolledBack.contains(QStringLiteral("Restore the newest backup")));

        // Truncated to 0 bytes: refused, with what the store held.
        QVERIFY(copyStore(latest, m_database));
        for (const QString &suffix : {QStringLiteral("-wal"), QStringLiteral("-shm")})
            QFile::remove(m_database + suffix);
        QVERIFY(QFile::resize(m_database, 0));
        const QString truncated = refusedStart(QStringLiteral("truncated.log"));
        qInfo("%s", qPrintable(truncated));
        QVERIFY2(truncated.contains(QStringLiteral("empty (0 bytes)")), qPrintable(truncated));
        QVERIFY2(truncated.contains(QStringLiteral("The checkpoint exported to ") + m_folder),
                 qPrintable(truncated));

        // Gone altogether and made anew by init: the new store's log is not the folder's.
        QVERIFY(QFile::remove(m_database));
        const QList<QPair<QString, QString>> newKey{
            {QStringLiteral("GATEHOUSE_DATA_KEY_FILE"), m_dir.filePath(QStringLiteral("new.key"))}};
        QVERIFY(!ServerProcess::initStore(m_database, QStringLiteral("root"), kPassword, newKey)
                     .isEmpty());
        const QString replaced = refusedStart(QStringLiteral("replaced.log"), newKey);
        QVERIFY2(replaced.contains(QStringLiteral("is not the one whose audit checkpoints are in")),
                 qPrintable(replaced));

        // The refusals changed nothing in the folder, and the intact store starts.
        QCOMPARE(checkpointFiles(m_folder), exported);
        QVERIFY(QFile::remove(m_database));
        QVERIFY(copyStore(latest, m_database));
        std::unique_ptr<ServerProcess> server = start(QStringLiteral("restored.log"));
        QVERIFY2(server->started(), qPrintable(server->error()));
        QCOMPARE(rawExchange(server->port(), httpRequest("GET", "/healthz")).status(), 200);
        QVERIFY(server->terminate());
    }

    // A folder that is missing (a mount that failed) is not made and checked as empty; an
    // empty one, while the store has checkpoints, is not taken as the start of a new line.
    void missingOrEmptyFolderIsRefused()
    {
        const QString missing = m_dir.filePath(QStringLiteral("not-mounted"));
        const QString refusedMissing = refusedStart(
            QStringLiteral("missing.log"), {{QStringLiteral("GATEHOUSE_CHECKPOINT_DIR"), missing}});
        QVERIFY2(refusedMissing.contains(missing + QStringLiteral(" does not exist")),
                 qPrintable(refusedMissing));
        QVERIFY(!QFileInfo::exists(missing));

        const QString empty = m_dir.filePath(QStringLiteral("empty"));
        QVERIFY(QDir().mkpath(empty));
        const QString refusedEmpty = refusedStart(
            QStringLiteral("empty.log"), {{QStringLiteral("GATEHOUSE_CHECKPOINT_DIR"), empty}});
        QVERIFY2(refusedEmpty.contains(QStringLiteral("holds no checkpoints")),
                 qPrintable(refusedEmpty));
        QVERIFY2(refusedEmpty.contains(QStringLiteral("audit checkpoint --export ") + empty),
                 qPrintable(refusedEmpty));
        QVERIFY(QDir(empty).isEmpty());
    }

    // An interval for scheduled checkpoints means nothing without a folder: refused, not
    // ignored.
    void intervalWithoutFolderIsRefused()
    {
        const QString refused =
            refusedStart(QStringLiteral("interval.log"),
                         {{QStringLiteral("GATEHOUSE_CHECKPOINT_DIR"), QString()},
                          {QStringLiteral("GATEHOUSE_CHECKPOINT_INTERVAL"), QStringLiteral("60")}});
        QVERIFY2(refused.contains(QStringLiteral("is set without GATEHOUSE_CHECKPOINT_DIR")),
                 qPrintable(refused));
    }

    // A store that is there but cannot be opened as it is (here: readable by others) is no
    // case for a backup: the folder's expectation is not added to what is wrong.
    void openErrorsOfAStoreThatIsThereGetNoBackupAdvice()
    {
        QVERIFY(QFile::setPermissions(
            m_database, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadOther));
        const QString refused = refusedStart(QStringLiteral("permissions.log"));
        QVERIFY(
            QFile::setPermissions(m_database, QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        QVERIFY2(refused.contains(QStringLiteral("accessible to other users")),
                 qPrintable(refused));
        QVERIFY2(!refused.contains(QStringLiteral("The checkpoint exported to")),
                 qPrintable(refused));
    }

    // A checkpoint the folder could not take is counted in /metrics and written with the next
    // one; one it cannot take when the server stops makes the stop fail.
    void failedWritesAreCountedRetriedAndFailTheStop()
    {
        // The folder's mount gone while the server runs (and back): writes fail for any user.
        const QString away = m_folder + QStringLiteral("-unmounted");
        const auto unmounted = [&](bool gone) {
            return gone ? QDir().rename(m_folder, away) : QDir().rename(away, m_folder);
        };
        std::unique_ptr<ServerProcess> server = start(QStringLiteral("failing.log"));
        QVERIFY2(server->started(), qPrintable(server->error()));
        const ApiClient api(server->port());
        const QByteArray owner = ApiClient::bearer(api.login("root", kPassword));
        QVERIFY(!owner.isEmpty());
        const auto checkpoint = [&]() -> QString {
            const RawExchange made = api.call("POST", "/admin/v1/audit/checkpoints", {}, owner);
            Result<AuditCheckpoint> signedNow = AuditCheckpoint::fromJson(made.body());
            return made.status() == 201 && signedNow ? signedNow->fileName() : QString();
        };
        const auto failures = [&]() {
            static const QRegularExpression counter(
                QStringLiteral("^gatehouse_checkpoint_export_failures_total (\\d+)$"),
                QRegularExpression::MultilineOption);
            const QRegularExpressionMatch match = counter.match(QString::fromUtf8(
                rawExchange(server->port(), httpRequest("GET", "/metrics")).body()));
            return match.hasMatch() ? match.captured(1).toInt() : -1;
        };
        QCOMPARE(failures(), 0);

        QVERIFY(unmounted(true));
        const QString missed = checkpoint();
        QVERIFY(!missed.isEmpty()); // in the store: the folder is not the store's business
        QCOMPARE(failures(), 1);

        QVERIFY(unmounted(false));
        QVERIFY(!checkpointFiles(m_folder).contains(missed));
        const QString next = checkpoint();
        QVERIFY(!next.isEmpty());
        QVERIFY(checkpointFiles(m_folder).contains(missed));
        QVERIFY(checkpointFiles(m_folder).contains(next));
        QCOMPARE(failures(), 1);

        // Something to sign at the stop, and a folder that cannot take it.
        QVERIFY(!ApiClient(server->port()).login("root", kPassword).isEmpty());
        QVERIFY(unmounted(true));
        QVERIFY(!server->terminate());
        QVERIFY(unmounted(false));
        QCOMPARE(server->process().exitStatus(), QProcess::NormalExit);
        QCOMPARE(server->process().exitCode(), 1);
        const QString said = QString::fromUtf8(server->process().readAllStandardError());
        QVERIFY2(said.contains(QStringLiteral(
                     "the last audit checkpoint did not reach the checkpoint folder")),
                 qPrintable(said));

        // The next start writes what the stop could not.
        const QStringList before = checkpointFiles(m_folder);
        std::unique_ptr<ServerProcess> again = start(QStringLiteral("after-failure.log"));
        QVERIFY2(again->started(), qPrintable(again->error()));
        QCOMPARE(checkpointFiles(m_folder).size(), before.size() + 1);
        QVERIFY(again->terminate());
    }

    // A checkpoint folder that cannot be read is no reason to serve a store unchecked.
    void damagedFolderIsRefused()
    {
        const QString bogus = QDir(m_folder).filePath(
            QStringLiteral("bogus_AuditCheckpoint_20990101T000000Z_1.json"));
        QVERIFY(writeFile(bogus, "{not json"));
        const QString refused = refusedStart(QStringLiteral("damaged.log"));
        QFile::remove(bogus);
        QVERIFY2(refused.contains(QStringLiteral("cannot be checked")), qPrintable(refused));
        QVERIFY2(refused.contains(bogus), qPrintable(refused));
    }
};

QTEST_GUILESS_MAIN(TestServerRollback)
#include "TestServerRollback.moc"
