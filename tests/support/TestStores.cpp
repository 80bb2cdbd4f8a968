#include "TestStores.h"

#include "PostgresCluster.h"
#include "store/postgres/PostgresStore.h"
#include "store/sqlite/SqliteStore.h"

#include <QDir>
#include <QFile>
#include <QMutex>
#include <QRegularExpression>
#include <QUrl>

namespace gatehouse::test::TestStores {

namespace {

QMutex &clusterMutex()
{
    static QMutex mutex;
    return mutex;
}

// One cluster for the whole test process, started on first use.
PostgresCluster &cluster()
{
    static PostgresCluster instance;
    return instance;
}

QString databaseOf(const Store &store)
{
    return QUrl(store.info().location).path().mid(1);
}

} // namespace

bool postgres()
{
    return qEnvironmentVariable("GATEHOUSE_TEST_STORE") == u"postgresql";
}

Result<std::unique_ptr<Store>> create(const QString &folder, const QString &name,
                                      std::shared_ptr<const Clock> clock)
{
    if (!postgres()) {
        SqliteStoreOptions options;
        options.clock = std::move(clock);
        Result<std::unique_ptr<SqliteStore>> store =
            SqliteStore::create(QDir(folder).filePath(name + QStringLiteral(".db")), options);
        if (!store)
            return store.error();
        return std::unique_ptr<Store>(std::move(store).value());
    }
    QString url;
    {
        QMutexLocker lock(&clusterMutex());
        PostgresCluster &postgres = cluster();
        if (!postgres.started())
            return makeError(ErrorCode::Unavailable, postgres.error());
        static int databases = 0;
        url = postgres.createDatabase(QStringLiteral("store%1").arg(++databases));
    }
    if (url.isEmpty())
        return makeError(ErrorCode::Unavailable, QStringLiteral("cannot create a test database"));
    PostgresStoreOptions options;
    options.clock = std::move(clock);
    Result<std::unique_ptr<PostgresStore>> store = PostgresStore::open(url, options);
    if (!store)
        return store.error();
    return std::unique_ptr<Store>(std::move(store).value());
}

Result<std::unique_ptr<Store>> open(const Store &store, std::shared_ptr<const Clock> clock)
{
    const StoreInfo info = store.info();
    if (info.backend == u"postgresql") {
        PostgresStoreOptions options;
        options.clock = std::move(clock);
        Result<std::unique_ptr<PostgresStore>> opened = PostgresStore::open(info.location, options);
        if (!opened)
            return opened.error();
        return std::unique_ptr<Store>(std::move(opened).value());
    }
    SqliteStoreOptions options;
    options.clock = std::move(clock);
    options.checkIntegrityOnOpen = false;
    Result<std::unique_ptr<SqliteStore>> opened = SqliteStore::open(info.location, options);
    if (!opened)
        return opened.error();
    return std::unique_ptr<Store>(std::move(opened).value());
}

QByteArray contents(const Store &store)
{
    const StoreInfo info = store.info();
    if (info.backend == u"postgresql") {
        QByteArray dump;
        {
            QMutexLocker lock(&clusterMutex());
            dump = cluster().dump(databaseOf(store));
        }
        // pg_dump writes bytea as \x and hex digits: the bytes themselves are added, so a scan
        // for raw key material sees what a SQLite file would show.
        static const QRegularExpression bytea(QStringLiteral("\\\\x([0-9a-f]+)"));
        QByteArray decoded;
        for (const QRegularExpressionMatch &match : bytea.globalMatch(QString::fromUtf8(dump)))
            decoded += QByteArray::fromHex(match.captured(1).toLatin1());
        return dump + decoded;
    }
    QByteArray bytes;
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")}) {
        QFile file(info.location + suffix);
        if (file.open(QIODevice::ReadOnly))
            bytes += file.readAll();
    }
    return bytes;
}

Result<void> refuseInserts(Store &store, const QString &table, const QString &message)
{
    // Test fixtures: the table and message are the test's own constants.
    const QStringList statements = store.info().backend == u"postgresql"
        ? QStringList{QStringLiteral("CREATE FUNCTION refuse_%1() RETURNS trigger LANGUAGE plpgsql"
                                     " AS $$ BEGIN RAISE EXCEPTION '%2'; END $$")
                          .arg(table, message),
                      QStringLiteral("CREATE TRIGGER refuse_%1 BEFORE INSERT ON %1 FOR EACH ROW"
                                     " EXECUTE FUNCTION refuse_%1()")
                          .arg(table)}
        : QStringList{QStringLiteral("CREATE TRIGGER refuse_%1 BEFORE INSERT ON %1 BEGIN SELECT"
                                     " RAISE(ABORT, '%2'); END")
                          .arg(table, message)};
    return store.transaction(Store::Access::Write, [&](SqlTransaction &tx) -> Result<void> {
        for (const QString &statement : statements) {
            if (Result<QSqlQuery> made = tx.exec(statement); !made)
                return made.error();
        }
        return {};
    });
}

} // namespace gatehouse::test::TestStores
