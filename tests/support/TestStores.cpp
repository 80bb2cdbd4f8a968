#include "TestStores.h"

#include "PostgresCluster.h"
#include "store/postgres/PostgresStore.h"
#include "store/sqlite/SqliteStore.h"

#include <QDir>
#include <QMutex>

namespace gatehouse::test::TestStores {

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
    static QMutex mutex;
    static std::unique_ptr<PostgresCluster> cluster;
    static int databases = 0;
    QString url;
    {
        QMutexLocker lock(&mutex);
        if (!cluster)
            cluster = std::make_unique<PostgresCluster>();
        if (!cluster->started())
            return makeError(ErrorCode::Unavailable, cluster->error());
        url = cluster->createDatabase(QStringLiteral("store%1").arg(++databases));
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
