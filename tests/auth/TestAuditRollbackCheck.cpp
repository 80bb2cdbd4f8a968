#include "audit/AuditCheckpointFolder.h"
#include "audit/AuditCheckpoints.h"
#include "audit/AuditRollbackCheck.h"
#include "audit/AuditSigningKeys.h"
#include "auth/AuditTrail.h"
#include "crypto/Ed25519.h"
#include "model/Clock.h"

#include "TestStores.h"
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <unistd.h>

using namespace gatehouse;
namespace TestStores = gatehouse::test::TestStores;

namespace {

const QDateTime kStart(QDate(2026, 3, 1), QTime(9, 0), Qt::UTC);

// The clock that the message handler below sets back when the store retries a transaction.
std::atomic<ManualClock *> g_clockToRewind{nullptr};
QtMessageHandler g_previousHandler = nullptr;

void rewindOnRetry(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (message.contains(QStringLiteral("retrying a transaction"))) {
        if (ManualClock *clock = g_clockToRewind.exchange(nullptr))
            clock->set(kStart);
    }
    if (g_previousHandler)
        g_previousHandler(type, context, message);
}

} // namespace

// Catalogue F5 below the server: a store replaced by an older copy of itself, by an empty or
// another store, or rewritten, no longer extends the newest checkpoint exported to a folder,
// and AuditRollbackCheck says which, and what to do; a store that does extend it passes. A
// folder that is missing, or empty while the store has checkpoints, is no proof and refused.
class TestAuditRollbackCheck : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_name;
    StoreInfo m_info; // the store under test, also after it was closed
    QString m_keys; // its audit signing keys
    QString m_folder;
    std::shared_ptr<ManualClock> m_clock;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<ServiceContext> m_context;
    std::unique_ptr<AuditTrail> m_trail;
    int m_stores = 0;

    void open(const StoreInfo &info)
    {
        close();
        Result<std::unique_ptr<Store>> store = TestStores::open(info, m_clock);
        QVERIFY2(store, qPrintable(store ? QString() : store.error().message));
        m_store = std::move(*store);
        connectServices();
    }

    // A new store; its keys beside it (SQLite) or in the test's folder (PostgreSQL).
    std::unique_ptr<Store> createStore(const QString &name)
    {
        Result<std::unique_ptr<Store>> store = TestStores::create(m_dir.path(), name, m_clock);
        if (!store)
            qWarning("%s", qPrintable(store.error().message));
        return store ? std::move(*store) : nullptr;
    }

    QString keysFor(const StoreInfo &info, const QString &name) const
    {
        return TestStores::postgres() ? m_dir.filePath(name + QStringLiteral(".audit-keys"))
                                      : AuditSigningKeys::defaultPathFor(info.location);
    }

    void connectServices()
    {
        m_context = std::make_unique<ServiceContext>(*m_store, m_clock, std::nullopt, m_keys);
        // As the server does: every checkpoint made goes to the folder with the public keys.
        m_context->setCheckpointListener([this](const AuditCheckpoint &made) {
            Result<AuditSigningKeys> keys = AuditSigningKeys::load(m_context->auditKeysPath());
            QVERIFY(keys);
            GH_VERIFY_OK(AuditCheckpointFolder(m_folder).write({made}, made.logId,
                                                               keys->trustedPublicKeys()));
        });
        m_trail = std::make_unique<AuditTrail>(*m_context);
    }

    void close()
    {
        m_trail.reset();
        m_context.reset();
        m_store.reset();
    }

    void record(int count)
    {
        for (int i = 0; i < count; ++i) {
            GH_VERIFY_OK(m_store->transaction(Store::Access::Write, [&](SqlTransaction &tx) {
                return m_context->audit().append(tx,
                                                 AuditEvent::of(Actor::system(), "Test", false));
            }));
        }
    }

    qint64 signCheckpoint()
    {
        Result<std::optional<AuditCheckpoint>> made =
            m_trail->createScheduledCheckpoint(Actor::system());
        if (!made || !*made)
            return -1;
        return (*made)->size;
    }

    Result<void> check() const
    {
        return AuditRollbackCheck::check(*m_store, m_context->auditKeysPath(),
                                         AuditCheckpointFolder(m_folder));
    }

    // The store as a backup would copy it: closed, so nothing waits in a journal.
    StoreInfo backup()
    {
        close();
        Result<StoreInfo> copied =
            TestStores::copy(m_info, m_dir.path(), m_name + QStringLiteral("_backup"));
        if (!copied)
            qWarning("%s", qPrintable(copied.error().message));
        open(m_info);
        return copied ? *copied : StoreInfo();
    }

    // `source` put back over the store under test, which is then opened again.
    void restore(const StoreInfo &source)
    {
        close();
        GH_VERIFY_OK(TestStores::overwrite(m_info, source));
        open(m_info);
    }

    void tamper(const QString &statement)
    {
        const QString problem = TestStores::execByHand(m_info, statement);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    QStringList checkpointFiles() const
    {
        return QDir(m_folder).entryList({QStringLiteral("*_AuditCheckpoint_*.json")}, QDir::Files,
                                        QDir::Name);
    }

    void expectRefused(const QStringList &phrases)
    {
        const Result<void> checked = check();
        QVERIFY(!checked);
        QCOMPARE(checked.error().code, ErrorCode::Integrity);
        for (const QString &phrase : phrases)
            QVERIFY2(checked.error().message.contains(phrase), qPrintable(checked.error().message));
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_name = QString::fromLatin1(QTest::currentTestFunction()).toLower()
            + QString::number(++m_stores);
        m_folder = m_dir.filePath(m_name + QStringLiteral("-checkpoints"));
        QVERIFY(QDir().mkpath(m_folder));
        m_clock = std::make_shared<ManualClock>(kStart);
        m_store = createStore(m_name);
        QVERIFY(m_store);
        m_info = m_store->info();
        m_keys = keysFor(m_info, m_name);
        connectServices();
    }

    void cleanup() { close(); }

    // A new deployment: an empty folder and a store that has made no checkpoint yet.
    void newDeploymentPasses()
    {
        record(3);
        GH_VERIFY_OK(check());
    }

    // A folder that is not there may be a mount that failed: refused, and not made.
    void missingFolderIsRefused()
    {
        QVERIFY(QDir(m_folder).removeRecursively());
        record(3);
        expectRefused({m_folder, QStringLiteral("does not exist"), QStringLiteral("Create it")});
        QVERIFY(!QFileInfo::exists(m_folder));
    }

    // An empty folder over a store that has checkpoints may be the wrong folder, or one
    // emptied: refused, saying how to adopt the store's checkpoints on purpose.
    void emptyFolderOverCheckpointsIsRefused()
    {
        record(3);
        QCOMPARE(signCheckpoint(), 3);
        record(2);
        QCOMPARE(signCheckpoint(), 6);
        for (const QString &file : QDir(m_folder).entryList(QDir::Files))
            QVERIFY(QFile::remove(QDir(m_folder).filePath(file)));
        expectRefused({QStringLiteral("holds no checkpoints"), QStringLiteral("covers 6 audit"),
                       QStringLiteral("gatehousectl --db ") + m_info.location
                           + QStringLiteral(" audit checkpoint --export ") + m_folder});
        // What that command does: every stored checkpoint and the public keys into the folder.
        Result<QList<AuditCheckpoint>> stored =
            m_store->transact<QList<AuditCheckpoint>>(Store::Access::Read, [&](SqlTransaction &tx) {
                return AuditCheckpoints::all(tx, m_info.storeId);
            });
        QVERIFY(stored);
        Result<AuditSigningKeys> keys = AuditSigningKeys::load(m_keys);
        QVERIFY(keys);
        GH_VERIFY_OK(AuditCheckpointFolder(m_folder).write(*stored, m_info.storeId,
                                                           keys->trustedPublicKeys()));
        GH_VERIFY_OK(check());
    }

    void extendedLogPasses()
    {
        record(5);
        QCOMPARE(signCheckpoint(), 5);
        record(5);
        QCOMPARE(signCheckpoint(), 11);
        record(2);
        GH_VERIFY_OK(check());
        // Also across a restart, as a server would see it.
        open(m_info);
        GH_VERIFY_OK(check());
    }

    void olderCopyIsRefused()
    {
        record(4);
        QCOMPARE(signCheckpoint(), 4);
        const StoreInfo older = backup();
        QVERIFY(!older.location.isEmpty());
        record(10);
        m_clock->advance(60 * 1000);
        QCOMPARE(signCheckpoint(), 15);
        restore(older);
        // The copy holds the first checkpoint's announcement: record 5.
        expectRefused({QStringLiteral("rolled back"), QStringLiteral("ends at audit record 5"),
                       QStringLiteral("covers 15 records"), m_folder,
                       QStringLiteral("Restore the newest backup"),
                       QStringLiteral("audit checkpoint --export ") + m_folder});
    }

    // Within one second the file names differ only by size, which orders as a number: the
    // newest of sizes 9 and 11 is 11 (as text, "9" would come last).
    void newestIsTheLargestWithinOneSecond()
    {
        record(9);
        QCOMPARE(signCheckpoint(), 9);
        const StoreInfo older = backup();
        QVERIFY(!older.location.isEmpty());
        record(1);
        QCOMPARE(signCheckpoint(), 11);
        QCOMPARE(checkpointFiles().size(), 2);
        restore(older);
        expectRefused(
            {QStringLiteral("ends at audit record 10"), QStringLiteral("covers 11 records")});
    }

    // Only the newest checkpoint file is read: a damaged older one does not stop a start
    // (`audit verify --checkpoint` reads them all).
    void onlyTheNewestFileIsRead()
    {
        record(3);
        QCOMPARE(signCheckpoint(), 3);
        QVERIFY(test::writeFile(
            QDir(m_folder).filePath(QStringLiteral("x_AuditCheckpoint_20250101T000000Z_9.json")),
            "{not json"));
        GH_VERIFY_OK(check());
    }

    // The newest records deleted, while the chain's head still names the last one.
    void newestRecordsDeletedIsRefused()
    {
        record(3);
        QCOMPARE(signCheckpoint(), 3);
        record(4);
        QCOMPARE(signCheckpoint(), 8);
        record(1);
        close();
        tamper(QStringLiteral("DELETE FROM audit_events WHERE seq > 6"));
        open(m_info);
        expectRefused({QStringLiteral("rolled back"), QStringLiteral("ends at audit record 6"),
                       QStringLiteral("covers 8 records")});
    }

    // The record a checkpoint ends at deleted, with later ones still there.
    void recordAtCheckpointDeletedIsRefused()
    {
        record(3);
        QCOMPARE(signCheckpoint(), 3);
        record(3);
        close();
        tamper(QStringLiteral("DELETE FROM audit_events WHERE seq = 3"));
        open(m_info);
        expectRefused({QStringLiteral("does not extend the checkpoint"),
                       QStringLiteral("Record 3, which the checkpoint"),
                       QStringLiteral("was deleted")});
    }

    void emptyStoreIsRefused()
    {
        record(3);
        QCOMPARE(signCheckpoint(), 3);
        // The store made anew at the same place, as if its file had been lost.
        std::unique_ptr<Store> fresh = createStore(m_name + QStringLiteral("_fresh"));
        QVERIFY(fresh);
        const StoreInfo freshInfo = fresh->info();
        fresh.reset();
        restore(freshInfo);
        expectRefused({QStringLiteral("holds no audit log"),
                       QStringLiteral("covers 3 audit records"),
                       QStringLiteral("emptied or created anew")});
    }

    void anotherStoreIsRefused()
    {
        record(3);
        QCOMPARE(signCheckpoint(), 3);
        close();
        m_store = createStore(m_name + QStringLiteral("_other"));
        QVERIFY(m_store);
        connectServices();
        record(7);
        expectRefused({QStringLiteral("is not the one whose audit checkpoints are in"),
                       m_store->info().storeId});
    }

    void rewrittenLogIsRefused()
    {
        record(3);
        QCOMPARE(signCheckpoint(), 3);
        close();
        // Someone with the database re-hashes record 3.
        tamper(TestStores::postgres()
                   ? QStringLiteral("UPDATE audit_events SET entry_hash = "
                                    "decode(repeat('00', 32), 'hex') WHERE seq = 3")
                   : QStringLiteral("UPDATE audit_events SET entry_hash = zeroblob(32) "
                                    "WHERE seq = 3"));
        open(m_info);
        expectRefused({QStringLiteral("does not extend the checkpoint"),
                       QStringLiteral("the log was rewritten")});
    }

    void forgedCheckpointIsRefused()
    {
        record(3);
        QCOMPARE(signCheckpoint(), 3);
        // The exported file claims less than was signed.
        const QStringList files = checkpointFiles();
        QCOMPARE(files.size(), 1);
        QFile file(QDir(m_folder).filePath(files.first()));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QJsonObject json = QJsonDocument::fromJson(file.readAll()).object();
        file.close();
        json.insert(QStringLiteral("size"), 2);
        QVERIFY(file.remove());
        QVERIFY(test::writeFile(file.fileName(), QJsonDocument(json).toJson()));
        expectRefused({file.fileName(), QStringLiteral("signature that does not match"),
                       QStringLiteral("forged or damaged"), QStringLiteral("rotated key")});
    }

    // Signed by a key neither the keys file nor the exported public keys know.
    void untrustedKeyIsRefused()
    {
        record(3);
        QCOMPARE(signCheckpoint(), 3);
        const QStringList files = checkpointFiles();
        QCOMPARE(files.size(), 1);
        const QString path = QDir(m_folder).filePath(files.first());
        Result<AuditCheckpoint> genuine = AuditCheckpointFolder::readCheckpoint(path);
        QVERIFY(genuine);
        Result<crypto::Ed25519KeyPair> attacker = crypto::Ed25519KeyPair::generate();
        QVERIFY(attacker);
        Result<AuditCheckpoint> forged = AuditCheckpoint::sign(*genuine, *attacker);
        QVERIFY(forged);
        QCOMPARE(forged->fileName(), files.first());
        QVERIFY(QFile::remove(path));
        QVERIFY(test::writeFile(path, QJsonDocument(forged->toJson()).toJson()));
        expectRefused({path, QStringLiteral("not a trusted audit key"),
                       QStringLiteral("forged or damaged"), QStringLiteral("rotated key")});
    }

    void unreadableFolderIsRefused()
    {
        if (::geteuid() == 0)
            QSKIP("root reads every folder");
        record(3);
        QCOMPARE(signCheckpoint(), 3);
        QVERIFY(QFile::setPermissions(m_folder, QFileDevice::WriteOwner));
        const Result<void> checked = check();
        QVERIFY(QFile::setPermissions(
            m_folder, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
        QVERIFY(!checked);
        QVERIFY2(checked.error().message.contains(QStringLiteral("cannot be checked")),
                 qPrintable(checked.error().message));
    }

    // The newest file damaged, or a checkpoint file whose name does not say where it goes.
    void damagedCheckpointFileIsRefused()
    {
        record(3);
        QCOMPARE(signCheckpoint(), 3);
        const QString damaged =
            QDir(m_folder).filePath(QStringLiteral("x_AuditCheckpoint_20990101T000000Z_9.json"));
        QVERIFY(test::writeFile(damaged, "{not json"));
        expectRefused({QStringLiteral("cannot be checked"), damaged});
        QVERIFY(QFile::remove(damaged));
        const QString misnamed =
            QDir(m_folder).filePath(QStringLiteral("x_AuditCheckpoint_latest.json"));
        QVERIFY(test::writeFile(misnamed, "{}"));
        expectRefused({QStringLiteral("cannot be checked"), misnamed});
    }

    // An archive whose transaction PostgreSQL runs again after a serialization failure, and
    // whose second run finds nothing old enough: the checkpoint of the first run was rolled
    // back, so it must not reach the listener (and from there the folder).
    void retriedArchiveHandsOnOnlyCommittedCheckpoints()
    {
        if (!TestStores::postgres())
            QSKIP("only the PostgreSQL store runs a transaction again");
        record(5);
        m_clock->advance(2 * 3600 * 1000);
        // The first run's archive record, written after its checkpoint, meets a serialization
        // failure; a sequence counts the runs, since it is not rolled back with them.
        tamper(QStringLiteral("CREATE SEQUENCE fault_once"));
        tamper(QStringLiteral(
            "CREATE FUNCTION fault_once() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            " IF nextval('fault_once') = 1 THEN"
            " RAISE EXCEPTION 'conflict' USING ERRCODE = '40001'; END IF; RETURN NEW; END $$"));
        tamper(QStringLiteral("CREATE TRIGGER fault_once BEFORE INSERT ON audit_events FOR EACH"
                              " ROW WHEN (NEW.event_name = 'ArchiveAuditEvents')"
                              " EXECUTE FUNCTION fault_once()"));
        QList<AuditCheckpoint> handedOn;
        m_context->setCheckpointListener(
            [&](const AuditCheckpoint &made) { handedOn.append(made); });
        // Between the runs the clock goes back, so the second finds nothing old enough.
        QLoggingCategory::setFilterRules(QStringLiteral("gatehouse.store.info=true"));
        g_clockToRewind = m_clock.get();
        g_previousHandler = qInstallMessageHandler(rewindOnRetry);
        const QString archiveFolder = m_dir.filePath(m_name + QStringLiteral("-archive"));
        Result<AuditArchive::Outcome> archived =
            m_trail->archive(Actor::system(), 3600, archiveFolder);
        qInstallMessageHandler(g_previousHandler);
        QLoggingCategory::setFilterRules(QString());
        QVERIFY2(archived, qPrintable(archived ? QString() : archived.error().message));
        QVERIFY2(!g_clockToRewind.exchange(nullptr), "the archive was not run again");
        QCOMPARE(archived->lastSequence, qint64(0));
        Result<QList<AuditCheckpoint>> stored =
            m_store->transact<QList<AuditCheckpoint>>(Store::Access::Read, [&](SqlTransaction &tx) {
                return AuditCheckpoints::all(tx, m_info.storeId);
            });
        QVERIFY(stored);
        QVERIFY(stored->isEmpty());
        QVERIFY(handedOn.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestAuditRollbackCheck)
#include "TestAuditRollbackCheck.moc"
