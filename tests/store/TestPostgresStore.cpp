#include "OpenSslCli.h"
#include "PostgresCluster.h"
#include "TestSupport.h"
#include "audit/AuditLog.h"
#include "auth/AuditTrail.h"
#include "auth/ServiceContext.h"
#include "auth/UserDirectory.h"
#include "store/postgres/PostgresStore.h"
#include "store/sqlite/SqliteStore.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <thread>

using namespace gatehouse;
using namespace gatehouse::test;

// The PostgreSQL store on a real, throwaway PostgreSQL cluster: creation in an empty database
// and nowhere else, transactions that commit or leave nothing, writers from many threads one at
// a time (the audit chain stays linear), bounded retries of serialization failures with one
// effect (G9), and a lost connection that fails one transaction and is opened again (G8).
class TestPostgresStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        m_cluster = std::make_unique<PostgresCluster>();
        QVERIFY2(m_cluster->started(), qPrintable(m_cluster->error()));
    }

    void createsInAnEmptyDatabaseAndOpensIt()
    {
        const QString url = m_cluster->createDatabase(QStringLiteral("fresh"));
        QVERIFY(!url.isEmpty());
        Result<std::unique_ptr<PostgresStore>> created = PostgresStore::open(url);
        GH_VERIFY_OK(created);
        const StoreInfo info = (*created)->info();
        QCOMPARE(info.backend, QStringLiteral("postgresql"));
        QCOMPARE(info.storeId.size(), 36);
        // The two dialects' schemas move together.
        QCOMPARE(info.schemaVersion, SqliteStore::supportedSchemaVersion());
        QVERIFY(!info.location.contains(QStringLiteral("password")));
        created->reset();
        Result<std::unique_ptr<PostgresStore>> reopened = PostgresStore::open(url);
        GH_VERIFY_OK(reopened);
        QCOMPARE((*reopened)->info().storeId, info.storeId);
    }

    void refusesWhatIsNotAGatehouseDatabase()
    {
        const QString other = m_cluster->createDatabase(QStringLiteral("other"));
        QVERIFY(!m_cluster
                     ->psql(QStringLiteral("other"), QStringLiteral("CREATE TABLE orders (id int)"))
                     .isEmpty());
        Result<std::unique_ptr<PostgresStore>> refused = PostgresStore::open(other);
        QVERIFY(!refused);
        QVERIFY(refused.error().message.contains(QStringLiteral("database of its own")));
        QCOMPARE(
            m_cluster
                ->psql(QStringLiteral("other"),
                       QStringLiteral("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
                .trimmed(),
            QStringLiteral("1"));

        // A database whose text sorts by a language's rules (ICU here, which every
        // PostgreSQL 15 build has, whatever the machine's locales), even with "C" as its libc
        // locale: refused, since keys and times would order differently than in SQLite.
        QVERIFY(!m_cluster
                     ->psql(QStringLiteral("postgres"),
                            QStringLiteral("CREATE DATABASE sorted TEMPLATE template0 LOCALE 'C' "
                                           "LOCALE_PROVIDER icu ICU_LOCALE 'en-US'"))
                     .isEmpty());
        const QString sorted =
            QString(other).replace(QStringLiteral("/other?"), QStringLiteral("/sorted?"));
        Result<std::unique_ptr<PostgresStore>> wrongCollation = PostgresStore::open(sorted);
        QVERIFY(!wrongCollation);
        QVERIFY2(wrongCollation.error().message.contains(QStringLiteral("collation")),
                 qPrintable(wrongCollation.error().message));
        QCOMPARE(
            m_cluster
                ->psql(QStringLiteral("sorted"),
                       QStringLiteral("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
                .trimmed(),
            QStringLiteral("0"));

        // Over a network, only TLS with the server verified (SEC-40, H9).
        for (const char *url : {"postgresql://gatehouse@db.example.com/gatehouse",
                                "postgresql://gatehouse@db.example.com/gatehouse?sslmode=require",
                                "postgresql://gatehouse@127.0.0.1:5432/gatehouse?sslmode=prefer"}) {
            Result<std::unique_ptr<PostgresStore>> plain =
                PostgresStore::open(QString::fromLatin1(url));
            QVERIFY(!plain);
            QVERIFY(plain.error().message.contains(QStringLiteral("verify-full")));
        }
        Result<std::unique_ptr<PostgresStore>> secret = PostgresStore::open(
            QStringLiteral("postgresql://gatehouse:hunter2@db.example.com/gatehouse"));
        QVERIFY(!secret);
        QVERIFY(!secret.error().message.contains(QStringLiteral("hunter2")));
    }

    void transactionsCommitOrLeaveNothing()
    {
        std::unique_ptr<PostgresStore> store = newStore(QStringLiteral("tx"));
        QVERIFY(store);
        Result<void> failed =
            store->transaction(Store::Access::Write, [](SqlTransaction &tx) -> Result<void> {
                Result<QSqlQuery> written = tx.exec(
                    QStringLiteral("INSERT INTO policies (name, document, updated_at, updated_by)"
                                   " VALUES (?, ?, ?, ?)"),
                    {QStringLiteral("probe"), QStringLiteral("{}"), QStringLiteral("x"),
                     QStringLiteral("y")});
                if (!written)
                    return written.error();
                return makeError(ErrorCode::InvalidInput, QStringLiteral("changed my mind"));
            });
        QVERIFY(!failed);
        QCOMPARE(
            count(*store, QStringLiteral("SELECT count(*) FROM policies WHERE name = 'probe'")), 0);

        Result<void> nested = store->transaction(Store::Access::Read, [&](SqlTransaction &) {
            return store->transaction(Store::Access::Read,
                                      [](SqlTransaction &) { return Result<void>(); });
        });
        QVERIFY(!nested);
        QCOMPARE(nested.error().code, ErrorCode::Internal);

        // A read transaction changes nothing, even if asked to.
        Result<void> readOnly =
            store->transaction(Store::Access::Read, [](SqlTransaction &tx) -> Result<void> {
                Result<QSqlQuery> written = tx.exec(QStringLiteral("DELETE FROM policies"));
                return written ? Result<void>() : Result<void>(written.error());
            });
        QVERIFY(!readOnly);
    }

    // G9: a transaction that meets a serialization failure runs again and lands once.
    void serializationFailuresAreRetriedOnce()
    {
        std::unique_ptr<PostgresStore> store = newStore(QStringLiteral("retry"));
        QVERIFY(store);
        int attempts = 0;
        Result<void> done =
            store->transaction(Store::Access::Write, [&](SqlTransaction &tx) -> Result<void> {
                ++attempts;
                Result<QSqlQuery> written = tx.exec(
                    QStringLiteral("INSERT INTO policies (name, document, updated_at, updated_by)"
                                   " VALUES (?, ?, ?, ?)"),
                    {QStringLiteral("once"), QStringLiteral("{}"), QStringLiteral("x"),
                     QStringLiteral("y")});
                if (!written)
                    return written.error();
                if (attempts == 1) {
                    Result<QSqlQuery> failed = tx.exec(QStringLiteral(
                        "DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '40001'; END $$"));
                    if (!failed)
                        return failed.error();
                }
                return {};
            });
        GH_VERIFY_OK(done);
        QCOMPARE(attempts, 2);
        QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM policies WHERE name = 'once'")),
                 1);

        int forever = 0;
        Result<void> givesUp =
            store->transaction(Store::Access::Write, [&](SqlTransaction &tx) -> Result<void> {
                ++forever;
                Result<QSqlQuery> failed = tx.exec(QStringLiteral(
                    "DO $$ BEGIN RAISE EXCEPTION 'deadlock' USING ERRCODE = '40P01'; END $$"));
                return failed ? Result<void>() : Result<void>(failed.error());
            });
        QVERIFY(!givesUp);
        QCOMPARE(givesUp.error().code, ErrorCode::Unavailable);
        QCOMPARE(forever, 1 + PostgresStoreOptions{}.maxRetries);
    }

    // G8: the server ends the connection in the middle of a transaction: it fails with
    // Unavailable, nothing of it stays, and the next transaction connects again.
    void aLostConnectionFailsOneTransaction()
    {
        std::unique_ptr<PostgresStore> store = newStore(QStringLiteral("lost"));
        QVERIFY(store);
        Result<void> cut =
            store->transaction(Store::Access::Write, [&](SqlTransaction &tx) -> Result<void> {
                Result<QSqlQuery> written = tx.exec(
                    QStringLiteral("INSERT INTO policies (name, document, updated_at, updated_by)"
                                   " VALUES (?, ?, ?, ?)"),
                    {QStringLiteral("cut"), QStringLiteral("{}"), QStringLiteral("x"),
                     QStringLiteral("y")});
                if (!written)
                    return written.error();
                m_cluster->psql(
                    QStringLiteral("postgres"),
                    QStringLiteral("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                                   " WHERE datname = 'lost' AND pid <> pg_backend_pid()"));
                Result<QSqlQuery> after = tx.exec(QStringLiteral("SELECT 1"));
                return after ? Result<void>() : Result<void>(after.error());
            });
        QVERIFY(!cut);
        QCOMPARE(cut.error().code, ErrorCode::Unavailable);
        QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM policies WHERE name = 'cut'")),
                 0);
    }

    // H9, SEC-40: over a network only TLS with the server's certificate and name verified: a
    // certificate for another host, or a server without TLS, is refused with what is wrong.
    void tlsIsVerified()
    {
        if (OpenSslCli::program().isEmpty())
            QSKIP("the openssl program is not installed (packaging/install-deps.sh test)");
        QTemporaryDir pki;
        GH_VERIFY_OK(OpenSslCli::makeCa(pki.path()));
        GH_VERIFY_OK(OpenSslCli::makeCertificate(pki.path(), QStringLiteral("right"),
                                                 QStringLiteral("IP:127.0.0.1")));
        GH_VERIFY_OK(OpenSslCli::makeCertificate(pki.path(), QStringLiteral("wrong"),
                                                 QStringLiteral("DNS:other.test")));
        const auto overTls = [&](const QString &certificate) {
            PostgresCluster::Options options;
            options.loopback = true;
            if (!certificate.isEmpty()) {
                options.certificate = pki.filePath(certificate + QStringLiteral(".crt"));
                options.key = pki.filePath(certificate + QStringLiteral(".key"));
            }
            auto cluster = std::make_unique<PostgresCluster>(options);
            if (cluster->started())
                cluster->createDatabase(QStringLiteral("tls"));
            return cluster;
        };
        const auto url = [&](const PostgresCluster &cluster) {
            return QStringLiteral(
                       "postgresql://%1@127.0.0.1:%2/tls?sslmode=verify-full&sslrootcert=%3")
                .arg(cluster.user())
                .arg(cluster.port())
                .arg(pki.filePath(QStringLiteral("ca.crt")));
        };
        {
            std::unique_ptr<PostgresCluster> verified = overTls(QStringLiteral("right"));
            QVERIFY2(verified->started(), qPrintable(verified->error()));
            Result<std::unique_ptr<PostgresStore>> store = PostgresStore::open(url(*verified));
            GH_VERIFY_OK(store);
        }
        {
            std::unique_ptr<PostgresCluster> otherHost = overTls(QStringLiteral("wrong"));
            QVERIFY2(otherHost->started(), qPrintable(otherHost->error()));
            Result<std::unique_ptr<PostgresStore>> refused = PostgresStore::open(url(*otherHost));
            QVERIFY(!refused);
            QCOMPARE(refused.error().code, ErrorCode::Unavailable);
            QVERIFY2(refused.error().message.contains(QStringLiteral("does not match")),
                     qPrintable(refused.error().message));
        }
        {
            std::unique_ptr<PostgresCluster> plain = overTls(QString());
            QVERIFY2(plain->started(), qPrintable(plain->error()));
            Result<std::unique_ptr<PostgresStore>> refused = PostgresStore::open(url(*plain));
            QVERIFY(!refused);
            QVERIFY2(refused.error().message.contains(QStringLiteral("SSL")),
                     qPrintable(refused.error().message));
        }
    }

    // Writers from many threads, through the services: every record lands, in one linear
    // chain that verifies.
    void concurrentWritersKeepTheAuditChainLinear()
    {
        std::unique_ptr<PostgresStore> store = newStore(QStringLiteral("chain"));
        QVERIFY(store);
        const ServiceContext context(*store, Clock::system());
        const UserDirectory users(context);
        Result<User> owner = users.createFirstOwner(
            Actor::localConsole(), NewUser{QStringLiteral("root"), {}, {}, {Role::Owner}});
        GH_VERIFY_OK(owner);
        const Actor actor = actorFor(*owner);
        constexpr int kThreads = 8;
        constexpr int kEach = 25;
        std::atomic<int> failures{0};
        {
            std::vector<std::thread> threads;
            for (int t = 0; t < kThreads; ++t) {
                threads.emplace_back([&, t] {
                    for (int i = 0; i < kEach; ++i) {
                        const NewUser user{
                            QStringLiteral("u%1x%2").arg(t).arg(i), {}, {}, {Role::User}};
                        if (!users.create(actor, user))
                            ++failures;
                    }
                });
            }
            for (std::thread &thread : threads)
                thread.join();
        }
        QCOMPARE(failures.load(), 0);
        QCOMPARE(count(*store, QStringLiteral("SELECT count(*) FROM users")), 1 + kThreads * kEach);
        const qint64 records = count(*store, QStringLiteral("SELECT count(*) FROM audit_events"));
        QCOMPARE(count(*store, QStringLiteral("SELECT max(seq) - min(seq) + 1 FROM audit_events")),
                 records);
        Result<AuditVerification> verified = AuditTrail(context).verify(actor, {}, {});
        GH_VERIFY_OK(verified);
        QVERIFY2(verified->ok(),
                 verified->problems.isEmpty() ? ""
                                              : qPrintable(verified->problems.first().message));
    }

private:
    std::unique_ptr<PostgresStore> newStore(const QString &name)
    {
        const QString url = m_cluster->createDatabase(name);
        Result<std::unique_ptr<PostgresStore>> store = PostgresStore::open(url);
        if (!store) {
            qWarning() << store.error().message;
            return nullptr;
        }
        return std::move(store).value();
    }

    static qint64 count(Store &store, const QString &sql)
    {
        return store
            .transact<qint64>(Store::Access::Read,
                              [&](SqlTransaction &tx) -> Result<qint64> {
                                  Result<QVariant> value = tx.scalar(sql);
                                  if (!value)
                                      return value.error();
                                  return value->toLongLong();
                              })
            .valueOr(-1);
    }

    std::unique_ptr<PostgresCluster> m_cluster;
};

QTEST_GUILESS_MAIN(TestPostgresStore)
#include "TestPostgresStore.moc"
