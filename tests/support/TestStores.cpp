#include "TestStores.h"

#include "PostgresCluster.h"
#include "TestSupport.h"
#include "store/postgres/PostgresStore.h"
#include "store/sqlite/SqliteStore.h"

#include <QDir>
#include <QFile>
#include <QMutex>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <QUrlQuery>

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

QString databaseOf(const StoreInfo &info)
{
    return QUrl(info.location).path().mid(1);
}

QString databaseOf(const Store &store)
{
    return databaseOf(store.info());
}

bool isPostgres(const StoreInfo &info)
{
    return info.backend == u"postgresql";
}

// Runs SQL as the cluster's superuser; the reason when it fails.
QString superuser(const QString &sql)
{
    QMutexLocker lock(&clusterMutex());
    if (cluster().psql(QStringLiteral("postgres"), sql).isEmpty())
        return cluster().error();
    return {};
}

// A connection of its own to the PostgreSQL store at `location`, opened as the store opens
// its connections (the socket folder and port in the URL's query).
QString openPostgres(QSqlDatabase &db, const QString &location)
{
    const QUrl url(location);
    const QUrlQuery query(url);
    db.setHostName(query.queryItemValue(QStringLiteral("host"), QUrl::FullyDecoded));
    db.setPort(query.queryItemValue(QStringLiteral("port")).toInt());
    db.setDatabaseName(url.path().mid(1));
    db.setUserName(url.userName(QUrl::FullyDecoded));
    return db.open() ? QString() : db.lastError().text();
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
    return open(store.info(), std::move(clock));
}

Result<std::unique_ptr<Store>> open(const StoreInfo &info, std::shared_ptr<const Clock> clock)
{
    if (isPostgres(info)) {
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

Result<StoreInfo> copy(const StoreInfo &source, const QString &folder, const QString &name)
{
    StoreInfo copied = source;
    if (!isPostgres(source)) {
        copied.location = QDir(folder).absoluteFilePath(name + QStringLiteral(".db"));
        if (!QFile::copy(source.location, copied.location))
            return makeError(ErrorCode::Internal, QStringLiteral("cannot copy ") + source.location);
        return copied;
    }
    QUrl url(source.location);
    url.setPath(QLatin1Char('/') + name);
    copied.location = url.toString();
    // Test fixtures: the names are the test's own.
    const QString problem = superuser(
        QStringLiteral("CREATE DATABASE \"%1\" TEMPLATE \"%2\"").arg(name, databaseOf(source)));
    if (!problem.isEmpty())
        return makeError(ErrorCode::Internal, problem);
    return copied;
}

Result<void> overwrite(const StoreInfo &target, const StoreInfo &source)
{
    if (!isPostgres(target)) {
        for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm"),
                                      QStringLiteral("-journal")})
            QFile::remove(target.location + suffix);
        if (!QFile::copy(source.location, target.location))
            return makeError(ErrorCode::Internal, QStringLiteral("cannot copy ") + source.location);
        return {};
    }
    // Two statements: neither may run inside a transaction block.
    QString problem =
        superuser(QStringLiteral("DROP DATABASE \"%1\" WITH (FORCE)").arg(databaseOf(target)));
    if (problem.isEmpty()) {
        problem = superuser(QStringLiteral("CREATE DATABASE \"%1\" TEMPLATE \"%2\"")
                                .arg(databaseOf(target), databaseOf(source)));
    }
    if (!problem.isEmpty())
        return makeError(ErrorCode::Internal, problem);
    return {};
}

QString execByHand(const StoreInfo &info, const QString &statement, const QVariantMap &bindings)
{
    if (!isPostgres(info))
        return test::execByHand(info.location, statement, bindings);
    const QString name = QStringLiteral("by-hand-postgres");
    QString problem;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        problem = openPostgres(db, info.location);
        if (problem.isEmpty()) {
            QSqlQuery query(db);
            // PostgreSQL prepares only SELECT, INSERT, UPDATE, DELETE and VALUES: a statement
            // without parameters (DDL) runs as it is.
            bool done = false;
            if (bindings.isEmpty()) {
                done = query.exec(statement);
            } else {
                done = query.prepare(statement);
                for (auto it = bindings.cbegin(); done && it != bindings.cend(); ++it) {
                    if (statement.contains(it.key()))
                        query.bindValue(it.key(), it.value());
                }
                done = done && query.exec();
            }
            if (!done)
                problem = query.lastError().text();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return problem;
}

QByteArray contents(const Store &store)
{
    const StoreInfo info = store.info();
    if (isPostgres(info)) {
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
