#include "audit/AuditSigningKeys.h"
#include "auth/Sessions.h"
#include "auth/UserDirectory.h"
#include "backend/LocalBackend.h"
#include "model/Clock.h"

#include "TestStores.h"
#include "TestSupport.h"

#include <QFileInfo>
#include <QMutex>
#include <QSet>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <QWaitCondition>

#include <chrono>
#include <optional>
#include <thread>

using namespace gatehouse;
using gatehouse::test::actorFor;
namespace TestStores = gatehouse::test::TestStores;

namespace {

NewUser newUser(const QString &name, QList<Role> roles = {Role::User})
{
    return NewUser{name, QString(), QString(), std::move(roles)};
}

// The backend's clock, and so a window into its worker: the services ask it for the time inside
// every operation, so it records which threads ran them, and it can hold the worker inside an
// operation (hold()/release()) to queue work deterministically behind it. It never holds the
// test's own thread.
class WorkerClock final : public Clock
{
public:
    explicit WorkerClock(QDateTime time)
        : m_time(std::move(time)),
          m_testThread(QThread::currentThread())
    {}

    QDateTime now() const override
    {
        QMutexLocker lock(&m_mutex);
        QThread *const thread = QThread::currentThread();
        m_threads.insert(thread);
        if (thread != m_testThread) {
            m_blocked = m_held;
            m_changed.wakeAll();
            while (m_held)
                m_changed.wait(&m_mutex);
            m_blocked = false;
        }
        return m_time;
    }

    void hold()
    {
        QMutexLocker lock(&m_mutex);
        m_held = true;
    }
    void release()
    {
        QMutexLocker lock(&m_mutex);
        m_held = false;
        m_changed.wakeAll();
    }
    // True once a worker waits inside hold().
    bool waitUntilBlocked(int milliseconds = 5000) const
    {
        QMutexLocker lock(&m_mutex);
        QDeadlineTimer deadline(milliseconds);
        while (!m_blocked) {
            if (!m_changed.wait(&m_mutex, deadline))
                return m_blocked;
        }
        return true;
    }
    QSet<QThread *> threads() const
    {
        QMutexLocker lock(&m_mutex);
        return m_threads;
    }
    void forgetThreads()
    {
        QMutexLocker lock(&m_mutex);
        m_threads.clear();
    }

private:
    const QDateTime m_time;
    QThread *const m_testThread;
    mutable QMutex m_mutex;
    mutable QWaitCondition m_changed;
    mutable QSet<QThread *> m_threads;
    mutable bool m_blocked = false;
    bool m_held = false;
};

} // namespace

class TestLocalBackend : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    StoreInfo m_info; // of m_store, to open it again once it is gone
    QString m_keys; // the audit checkpoint signing keys
    std::shared_ptr<WorkerClock> m_clock;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<LocalBackend> m_backend;
    User m_owner;

    // Waits, in the test only, for a future's result, delivered the way the console gets it:
    // through a continuation on this (the main) thread while the event loop runs.
    template<typename T>
    std::optional<Result<T>> await(const QFuture<Result<T>> &future, int timeout = 10000)
    {
        std::optional<Result<T>> result;
        QThread *deliveredOn = nullptr;
        QObject context;
        QFuture<void> done = QFuture<Result<T>>(future).then(&context, [&](const Result<T> &value) {
            deliveredOn = QThread::currentThread();
            result.emplace(value);
        });
        if (!QTest::qWaitFor([&] { return done.isFinished(); }, timeout))
            qWarning("a backend call did not finish in time");
        if (result && deliveredOn != QThread::currentThread())
            qWarning("a result was delivered on another thread");
        return result;
    }

    // Number of users in the store, through the backend (rights of the owner).
    int userCount()
    {
        UserQuery query;
        query.pageSize = UserDirectory::kMaxPageSize;
        const std::optional<Result<Page<User>>> page = await(m_backend->searchUsers(query));
        return page && page->ok() ? int((*page)->items.size()) : -1;
    }

    // A backend on m_store; beside a SQLite store it finds its signing keys by itself.
    std::unique_ptr<LocalBackend> makeBackend()
    {
        return std::make_unique<LocalBackend>(*m_store, m_clock, actorFor(m_owner), std::nullopt,
                                              nullptr, TestStores::postgres() ? m_keys : QString());
    }

    // m_store again, after the test let it go.
    void reopenStore()
    {
        auto reopened = TestStores::open(m_info, m_clock);
        GH_VERIFY_OK(reopened);
        m_store = std::move(reopened).value();
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        static int counter = 0;
        const QString name = QStringLiteral("backend-%1").arg(++counter);
        m_clock = std::make_shared<WorkerClock>(QDateTime(QDate(2026, 6, 1), QTime(9, 0), Qt::UTC));
        auto store = TestStores::create(m_dir.path(), name, m_clock);
        GH_VERIFY_OK(store);
        m_store = std::move(store).value();
        m_info = m_store->info();
        // A PostgreSQL store has no file to keep them beside.
        m_keys = TestStores::postgres() ? m_dir.filePath(name + QStringLiteral(".audit-keys"))
                                        : AuditSigningKeys::defaultPathFor(m_info.location);
        {
            // The first owner comes from whoever holds the store, before any backend exists.
            const ServiceContext context(*m_store, m_clock);
            Result<User> owner = UserDirectory(context).createFirstOwner(
                Actor::localConsole(), newUser(QStringLiteral("root"), {}));
            GH_VERIFY_OK(owner);
            m_owner = *owner;
        }
        m_clock->forgetThreads();
        m_backend = makeBackend();
    }

    void cleanup()
    {
        m_clock->release();
        m_backend.reset();
        m_store.reset();
    }

    // The worker signs the audit log on its schedule between calls, only when there is
    // something new to sign, and each checkpoint verifies.
    void checkpointsOnASchedule()
    {
        QVERIFY(!QFile::exists(m_keys));
        m_backend->setCheckpointInterval(std::chrono::milliseconds(50));
        const auto checkpoints = [&] {
            const std::optional<Result<QList<AuditCheckpoint>>> list =
                await(m_backend->auditCheckpoints());
            return list && list->ok() ? (*list)->size() : -1;
        };
        // No calls meanwhile: the first tick signs what the store holds, later ticks find
        // nothing new (only that checkpoint's own record).
        QTest::qWait(1000);
        QCOMPARE(checkpoints(), 1);
        QVERIFY(QFile::exists(m_keys)); // made with the first checkpoint
        // The listing just done is recorded, so the next tick signs once more, and then no more.
        QTest::qWait(1000);
        QCOMPARE(checkpoints(), 2);
        m_backend->setCheckpointInterval(std::chrono::milliseconds(0));
        const std::optional<Result<AuditVerification>> verified =
            await(m_backend->verifyAuditLog({}, {}));
        QVERIFY(verified && verified->ok());
        QVERIFY((*verified)->ok());
        QVERIFY((*verified)->checkpointsChecked >= 1);
    }

    void resultsArriveOnTheCallingThreadFromOneWorker()
    {
        QVERIFY(m_backend->displayName().contains(m_info.location));

        std::optional<Result<User>> alice = await(m_backend->createUser(NewUser{
            QStringLiteral("Alice"), QStringLiteral("alice@example.com"), {}, {Role::Admin}}));
        QVERIFY(alice);
        GH_VERIFY_OK(*alice);
        QCOMPARE((*alice)->username, QStringLiteral("alice"));

        std::optional<Result<User>> got = await(m_backend->getUser((*alice)->id));
        QVERIFY(got);
        GH_VERIFY_OK(*got);
        QCOMPARE((*got)->email, QStringLiteral("alice@example.com"));
        std::optional<Result<User>> found = await(m_backend->findUser(QStringLiteral("ALICE")));
        QVERIFY(found);
        GH_VERIFY_OK(*found);
        QCOMPARE((*found)->id, (*alice)->id);

        // The services ran on exactly one thread, and not this one.
        const QSet<QThread *> threads = m_clock->threads();
        QCOMPARE(threads.size(), 1);
        QVERIFY(!threads.contains(QThread::currentThread()));
    }

    void everyCallReachesItsOperation()
    {
        std::optional<Result<User>> bob =
            await(m_backend->createUser(newUser(QStringLiteral("bob"))));
        QVERIFY(bob && bob->ok());
        const QString id = (*bob)->id;

        UserChanges changes;
        changes.displayName = QStringLiteral("Bob B.");
        std::optional<Result<User>> updated = await(m_backend->updateUser(id, changes));
        QVERIFY(updated);
        GH_VERIFY_OK(*updated);
        QCOMPARE((*updated)->displayName, QStringLiteral("Bob B."));

        std::optional<Result<User>> disabled =
            await(m_backend->setUserStatus(id, User::Status::Disabled));
        QVERIFY(disabled);
        GH_VERIFY_OK(*disabled);
        QCOMPARE((*disabled)->status, User::Status::Disabled);

        const QDateTime until = QDateTime(QDate(2026, 6, 2), QTime(9, 0), Qt::UTC);
        std::optional<Result<User>> locked = await(m_backend->lockUser(id, until));
        QVERIFY(locked);
        GH_VERIFY_OK(*locked);
        QCOMPARE((*locked)->lockedUntil, until);
        std::optional<Result<User>> unlocked = await(m_backend->unlockUser(id));
        QVERIFY(unlocked);
        GH_VERIFY_OK(*unlocked);
        QVERIFY(!(*unlocked)->lockedUntil.isValid());

        std::optional<Result<User>> roles =
            await(m_backend->setUserRoles(id, {Role::Operator, Role::Auditor}));
        QVERIFY(roles);
        GH_VERIFY_OK(*roles);
        QVERIFY((*roles)->hasRole(Role::Operator) && (*roles)->hasRole(Role::Auditor));

        UserQuery query;
        query.prefix = QStringLiteral("bo");
        std::optional<Result<Page<User>>> page = await(m_backend->searchUsers(query));
        QVERIFY(page);
        GH_VERIFY_OK(*page);
        QCOMPARE((*page)->items.size(), 1);
        QCOMPARE((*page)->items.first().id, id);

        std::optional<Result<void>> deleted = await(m_backend->deleteUser(id));
        QVERIFY(deleted);
        GH_VERIFY_OK(*deleted);
        std::optional<Result<User>> gone = await(m_backend->getUser(id));
        QVERIFY(gone);
        GH_VERIFY_ERROR(*gone, ErrorCode::NotFound);
    }

    void sessionsAreListedAndRevokedThroughTheBackend()
    {
        // Two sessions for the owner, started the way login does, in the store's transaction.
        QStringList tokens;
        {
            const ServiceContext context(*m_store, m_clock);
            const Sessions sessions(context);
            for (int i = 0; i < 2; ++i) {
                Result<IssuedSession> issued =
                    m_store->transact<IssuedSession>(Store::Access::Write, [&](SqlTransaction &tx) {
                        return sessions.start(tx, m_owner.id, Actor(), false, false);
                    });
                GH_VERIFY_OK(issued);
                tokens.append(issued->token);
            }
        }
        std::optional<Result<Page<Session>>> listed =
            await(m_backend->listSessions(SessionQuery{}));
        QVERIFY(listed);
        GH_VERIFY_OK(*listed);
        QCOMPARE((*listed)->items.size(), 2);
        const QString first = (*listed)->items.first().id;

        std::optional<Result<Session>> revoked =
            await(m_backend->revokeSession(first, QStringLiteral("lost laptop")));
        QVERIFY(revoked);
        GH_VERIFY_OK(*revoked);
        QVERIFY((*revoked)->revokedAt.isValid());
        std::optional<Result<int>> rest =
            await(m_backend->revokeUserSessions(m_owner.id, QStringLiteral("offboarding")));
        QVERIFY(rest);
        GH_VERIFY_OK(*rest);
        QCOMPARE(**rest, 1);
        SessionQuery active;
        active.status = Session::Status::Active;
        listed = await(m_backend->listSessions(active));
        QVERIFY(listed);
        GH_VERIFY_OK(*listed);
        QVERIFY((*listed)->items.isEmpty());
        // The guard needs a caller's own session; a password-only caller has none.
        std::optional<Result<int>> others =
            await(m_backend->revokeOtherSessions(QStringLiteral("x")));
        QVERIFY(others);
        GH_VERIFY_ERROR(*others, ErrorCode::InvalidInput);
    }

    void errorsComeBackAsValues()
    {
        std::optional<Result<User>> carol =
            await(m_backend->createUser(newUser(QStringLiteral("carol"))));
        QVERIFY(carol && carol->ok());

        std::optional<Result<User>> missing = await(m_backend->getUser(QStringLiteral("nope")));
        QVERIFY(missing);
        GH_VERIFY_ERROR(*missing, ErrorCode::NotFound);
        std::optional<Result<void>> notDeleted =
            await(m_backend->deleteUser(QStringLiteral("nope")));
        QVERIFY(notDeleted);
        GH_VERIFY_ERROR(*notDeleted, ErrorCode::NotFound);

        // Calls run as the actor current when they were made: carol has no admin rights.
        m_backend->setActor(actorFor(**carol));
        QCOMPARE(m_backend->actor().userId, (*carol)->id);
        QFuture<Result<User>> refused = m_backend->createUser(newUser(QStringLiteral("mallory")));
        m_backend->setActor(actorFor(m_owner));
        QFuture<Result<User>> allowed = m_backend->findUser(QStringLiteral("carol"));
        std::optional<Result<User>> refusedResult = await(refused);
        QVERIFY(refusedResult);
        GH_VERIFY_ERROR(*refusedResult, ErrorCode::PermissionDenied);
        std::optional<Result<User>> allowedResult = await(allowed);
        QVERIFY(allowedResult);
        GH_VERIFY_OK(*allowedResult);
        std::optional<Result<User>> mallory = await(m_backend->findUser(QStringLiteral("mallory")));
        QVERIFY(mallory);
        GH_VERIFY_ERROR(*mallory, ErrorCode::NotFound);
    }

    void callsCompleteInSubmissionOrder()
    {
        QList<int> completed;
        for (int i = 0; i < 40; ++i) {
            if (i % 2 == 0) {
                m_backend->createUser(newUser(QStringLiteral("user%1").arg(i)))
                    .then(this, [&completed, i](const Result<User> &) { completed.append(i); });
            } else {
                m_backend->searchUsers(UserQuery())
                    .then(this,
                          [&completed, i](const Result<Page<User>> &) { completed.append(i); });
            }
        }
        QTRY_COMPARE(completed.size(), 40);
        for (int i = 0; i < 40; ++i)
            QCOMPARE(completed.at(i), i);
        QCOMPARE(userCount(), 21);
    }

    void theEventLoopRunsWhileWorkIsQueued()
    {
        QList<QFuture<Result<Page<User>>>> searches;
        for (int i = 0; i < 200; ++i)
            searches.append(m_backend->searchUsers(UserQuery()));
        QVERIFY(!searches.last().isFinished());

        // Ticks of a timer on this thread while the last search is still pending: only possible
        // if the searches run elsewhere and queuing them did not block.
        int ticksWhileBusy = 0;
        QTimer timer;
        timer.setInterval(1);
        connect(&timer, &QTimer::timeout, this, [&] {
            if (!searches.last().isFinished())
                ++ticksWhileBusy;
        });
        timer.start();
        bool lastDelivered = false;
        searches.last().then(this,
                             [&](const Result<Page<User>> &page) { lastDelivered = page.ok(); });
        QTRY_VERIFY_WITH_TIMEOUT(lastDelivered, 60000);
        timer.stop();
        QVERIFY2(ticksWhileBusy >= 3, qPrintable(QString::number(ticksWhileBusy)));
        for (const QFuture<Result<Page<User>>> &search : std::as_const(searches)) {
            QVERIFY(search.isFinished());
            QVERIFY(search.result().ok());
        }
    }

    void cancellingAQueuedCallDropsIt()
    {
        // Hold the worker inside the first call, so the rest stay queued.
        m_clock->hold();
        QFuture<Result<User>> first = m_backend->createUser(newUser(QStringLiteral("first")));
        QVERIFY(m_clock->waitUntilBlocked());
        QList<QFuture<Result<User>>> queued;
        for (int i = 0; i < 50; ++i)
            queued.append(m_backend->createUser(newUser(QStringLiteral("queued%1").arg(i))));
        bool lastContinued = false;
        queued.last().then(this, [&](const Result<User> &) { lastContinued = true; });

        // The first call has started: cancelling it discards its result, not its effect.
        first.cancel();
        queued.last().cancel();
        m_clock->release();

        std::optional<Result<User>> afterwards =
            await(m_backend->findUser(QStringLiteral("queued48")));
        QVERIFY(afterwards);
        GH_VERIFY_OK(*afterwards);
        for (int i = 0; i < 49; ++i) {
            QVERIFY(queued.at(i).isFinished() && !queued.at(i).isCanceled());
            QVERIFY(queued.at(i).result().ok());
        }
        QVERIFY(queued.last().isFinished() && queued.last().isCanceled());
        QCOMPARE(queued.last().resultCount(), 0);
        QVERIFY(first.isFinished() && first.isCanceled());
        QCOMPARE(first.resultCount(), 0);

        std::optional<Result<User>> dropped =
            await(m_backend->findUser(QStringLiteral("queued49")));
        QVERIFY(dropped);
        GH_VERIFY_ERROR(*dropped, ErrorCode::NotFound);
        std::optional<Result<User>> completed = await(m_backend->findUser(QStringLiteral("first")));
        QVERIFY(completed);
        GH_VERIFY_OK(*completed);
        QCoreApplication::processEvents();
        QVERIFY(!lastContinued);
        QCOMPARE(userCount(), 1 + 1 + 49);
    }

    void destroyingWithWorkQueuedCancelsItAndReleasesTheStore()
    {
        m_clock->hold();
        QFuture<Result<User>> running = m_backend->createUser(newUser(QStringLiteral("running")));
        QVERIFY(m_clock->waitUntilBlocked());
        QList<QFuture<Result<User>>> queued;
        int continued = 0;
        for (int i = 0; i < 100; ++i) {
            queued.append(m_backend->createUser(newUser(QStringLiteral("queued%1").arg(i))));
            queued.last().then(this, [&continued](const Result<User> &) { ++continued; });
        }

        if (!TestStores::postgres())
            QVERIFY(QFileInfo::exists(m_info.location + QStringLiteral("-wal")));

        // The destructor waits for the running call, so let it go from another thread.
        std::thread releaser([clock = m_clock] {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            clock->release();
        });
        m_backend.reset();
        releaser.join();

        QVERIFY(running.isFinished() && !running.isCanceled());
        GH_VERIFY_OK(running.result());
        for (const QFuture<Result<User>> &future : std::as_const(queued))
            QVERIFY(future.isFinished() && future.isCanceled());
        QCoreApplication::processEvents();
        QCOMPARE(continued, 0);

        // The store can go right away: the worker's connection is closed already, so this
        // closes the last one. SQLite then folds the WAL back into the file and removes it;
        // PostgreSQL sees no connection to the database but the one opened next.
        m_store.reset();
        if (!TestStores::postgres())
            QVERIFY(!QFileInfo::exists(m_info.location + QStringLiteral("-wal")));

        reopenStore();
        QVERIFY(m_store);
        if (TestStores::postgres()) {
            const auto connections = [&] {
                return m_store
                    ->transact<QVariant>(Store::Access::Read,
                                         [](SqlTransaction &tx) {
                                             return tx.scalar(QStringLiteral(
                                                 "SELECT count(*) FROM pg_stat_activity"
                                                 " WHERE datname = current_database()"
                                                 " AND backend_type = 'client backend'"));
                                         })
                    .valueOr(QVariant(-1))
                    .toInt();
            };
            // A closed connection's server process leaves the list a moment later.
            QTRY_COMPARE(connections(), 1);
        }
        m_backend = makeBackend();
        QCOMPARE(userCount(), 2);
        std::optional<Result<User>> kept = await(m_backend->findUser(QStringLiteral("running")));
        QVERIFY(kept);
        GH_VERIFY_OK(*kept);
    }

    void destroyingRightAfterQueuingNeitherCrashesNorLeaks()
    {
        QList<QFuture<Result<User>>> futures;
        for (int i = 0; i < 100; ++i)
            futures.append(m_backend->createUser(newUser(QStringLiteral("quick%1").arg(i))));
        m_backend.reset();
        m_store.reset();
        int created = 0;
        for (const QFuture<Result<User>> &future : std::as_const(futures)) {
            QVERIFY(future.isFinished());
            if (!future.isCanceled()) {
                GH_VERIFY_OK(future.result());
                ++created;
            }
        }

        // Exactly the calls whose futures completed took effect.
        reopenStore();
        QVERIFY(m_store);
        m_backend = makeBackend();
        QCOMPARE(userCount(), 1 + created);
    }
};

QTEST_GUILESS_MAIN(TestLocalBackend)
#include "TestLocalBackend.moc"
