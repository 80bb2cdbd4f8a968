#include "SqliteStore.h"

#include "SqliteErrors.h"
#include "SqliteFileCheck.h"
#include "store/Migrations.h"
#include "store/StoreLog.h"
#include "store/StoreMetadata.h"
#include "store/ThreadConnections.h"

#include <QFileInfo>
#include <QSqlError>
#include <QUrl>

namespace gatehouse {

namespace {

Error withPath(const Error &error, const QString &path)
{
    return makeError(error.code,
                     QStringLiteral("Cannot open the store %1: %2").arg(path, error.message));
}

// Opens a connection that never creates the file (URI mode=rw or mode=ro).
Result<QSqlDatabase> openConnection(const QString &name, const QString &path, bool readOnly,
                                    std::chrono::milliseconds busyTimeout)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    QUrl url = QUrl::fromLocalFile(QFileInfo(path).absoluteFilePath());
    url.setQuery(readOnly ? QStringLiteral("mode=ro") : QStringLiteral("mode=rw"));
    db.setDatabaseName(url.toString(QUrl::FullyEncoded));
    QString options =
        QStringLiteral("QSQLITE_OPEN_URI;QSQLITE_BUSY_TIMEOUT=%1").arg(busyTimeout.count());
    if (readOnly)
        options += QStringLiteral(";QSQLITE_OPEN_READONLY");
    db.setConnectOptions(options);
    if (!db.open()) {
        const Error error = sqliteError(db.lastError(), QStringLiteral("open the database"));
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
        return error;
    }
    return db;
}

// Settings that hold per connection. Values are constants, never input.
Result<void> configureWriter(QSqlDatabase &db)
{
    SqlTransaction session(db, sqliteError);
    // WAL is a property of the file; another tool may have switched it back to a rollback
    // journal, which would let one writer block every reader.
    Result<QVariant> mode = session.scalar(QStringLiteral("PRAGMA journal_mode"));
    if (!mode)
        return mode.error();
    if (mode->toString().compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0) {
        Result<QVariant> wal = session.scalar(QStringLiteral("PRAGMA journal_mode = WAL"));
        if (!wal)
            return wal.error();
        if (wal->toString().compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0) {
            return makeError(ErrorCode::Unavailable,
                             QStringLiteral("The store's file system does not support SQLite's "
                                            "WAL journal; put the store on a local disk."));
        }
    }
    // mmap_size: reads come straight from the page cache instead of a pread() per page, which
    // is most of a point lookup's cost (token validation). Writes still go through the normal
    // path. 256 MiB of address space per connection, not memory.
    // wal_autocheckpoint: a checkpoint every 10,000 pages (40 MiB of WAL) instead of 1,000, so a
    // large change (bulk revocation) is not copied back into the database and synced again
    // every few hundred rows.
    // cache_size: 16 MiB of pages per connection (the default is 2 MiB), so such a change does
    // not spill pages to the WAL and read them back halfway through.
    for (const char *pragma :
         {"PRAGMA foreign_keys = ON", "PRAGMA synchronous = FULL", "PRAGMA trusted_schema = OFF",
          "PRAGMA secure_delete = ON", "PRAGMA mmap_size = 268435456",
          "PRAGMA wal_autocheckpoint = 10000", "PRAGMA cache_size = -16384"}) {
        Result<QSqlQuery> done = session.exec(QString::fromLatin1(pragma));
        if (!done)
            return done.error();
    }
    return {};
}

// A connection used only to inspect a file before anything writes to it.
class Inspector
{
public:
    Inspector(const QString &path, std::chrono::milliseconds busyTimeout)
        : m_name(QStringLiteral("gatehouse-inspect-%1").arg(ThreadConnections::nextStoreSerial())),
          m_db(openConnection(m_name, path, true, busyTimeout))
    {}
    ~Inspector()
    {
        if (m_db)
            m_db->close();
        m_db = Error{};
        QSqlDatabase::removeDatabase(m_name);
    }
    Result<QSqlDatabase> &db() { return m_db; }

private:
    QString m_name;
    Result<QSqlDatabase> m_db;
};

const Migrations &builtInMigrations()
{
    // Built into the library: loading can fail only for a broken build, which the store tests
    // catch; an empty set then makes every create/open fail cleanly.
    static const Migrations migrations = Migrations::load(QStringLiteral("sqlite")).valueOr({});
    return migrations;
}

const Migrations &migrationsFor(const SqliteStoreOptions &options)
{
    return options.migrations ? *options.migrations : builtInMigrations();
}

Result<void> checkSchemaAvailable(const SqliteStoreOptions &options)
{
    if (migrationsFor(options).latestVersion() == 0)
        return makeError(ErrorCode::Internal, QStringLiteral("This build has no store schema."));
    return {};
}

struct Inspection {
    int schemaVersion = 0;
};

Result<Inspection> inspect(const QString &path, const SqliteStoreOptions &options)
{
    Inspector inspector(path, options.busyTimeout);
    if (!inspector.db())
        return withPath(inspector.db().error(), path);
    SqlTransaction session(*inspector.db(), sqliteError);

    if (options.checkIntegrityOnOpen) {
        Result<QSqlQuery> check = session.exec(QStringLiteral("PRAGMA quick_check"));
        if (!check)
            return withPath(check.error(), path);
        QStringList problems;
        while (check->next())
            problems.append(check->value(0).toString());
        if (problems != QStringList{QStringLiteral("ok")}) {
            qCWarning(lcStore) << "integrity check failed:" << problems.mid(0, 5);
            return makeError(ErrorCode::Integrity,
                             QStringLiteral("%1 failed its integrity check (%2 problem(s) found). "
                                            "Restore the store from a backup. The file was left "
                                            "untouched.")
                                 .arg(path)
                                 .arg(problems.size()));
        }
    }

    Result<QVariant> applicationId = session.scalar(QStringLiteral("PRAGMA application_id"));
    if (!applicationId)
        return withPath(applicationId.error(), path);
    if (applicationId->toLongLong() != SqliteStore::kApplicationId) {
        return makeError(ErrorCode::Integrity,
                         QStringLiteral("%1 is a SQLite database but not a Gatehouse store. "
                                        "Check the path. The file was left untouched.")
                             .arg(path));
    }

    Result<QVariant> version =
        session.scalar(QStringLiteral("SELECT max(version) FROM schema_migrations"));
    if (!version || version->isNull()) {
        return makeError(ErrorCode::Integrity,
                         QStringLiteral("%1 is marked as a Gatehouse store but has no schema "
                                        "history; it is damaged or was never fully created. "
                                        "Restore it from a backup. The file was left untouched.")
                             .arg(path));
    }
    Inspection inspection;
    inspection.schemaVersion = version->toInt();
    const int known = migrationsFor(options).latestVersion();
    if (inspection.schemaVersion > known) {
        return makeError(ErrorCode::Conflict,
                         QStringLiteral("%1 was written by a newer Gatehouse (schema version %2; "
                                        "this build knows up to %3). Upgrade Gatehouse to open "
                                        "it. The file was left untouched.")
                             .arg(path)
                             .arg(inspection.schemaVersion)
                             .arg(known));
    }
    return inspection;
}

} // namespace

int SqliteStore::supportedSchemaVersion()
{
    return builtInMigrations().latestVersion();
}

SqliteStore::SqliteStore(QString path, SqliteStoreOptions options)
    : m_path(QFileInfo(path).absoluteFilePath()),
      m_options(std::move(options)),
      m_serial(ThreadConnections::nextStoreSerial()),
      m_info(QStringLiteral("sqlite"), m_path),
      m_changes(m_path)
{}

SqliteStore::~SqliteStore()
{
    ThreadConnections::current().remove(m_serial);
}

std::optional<ChangeStamp> SqliteStore::changeStamp() const
{
    return m_changes.read();
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::create(const QString &path,
                                                         const SqliteStoreOptions &options)
{
    if (Result<void> schema = checkSchemaAvailable(options); !schema)
        return schema.error();
    if (Result<void> free = SqliteFileCheck::newStore(path); !free)
        return free.error();
    if (Result<void> made = SqliteFileCheck::createPrivateFile(path); !made)
        return made.error();

    std::unique_ptr<SqliteStore> store(new SqliteStore(path, options));
    const QDateTime now = options.clock->now();
    // One transaction: a store exists completely or not at all.
    Result<void> built = store->transaction(Access::Write, [&](SqlTransaction &tx) -> Result<void> {
        Result<QSqlQuery> marked =
            tx.exec(QStringLiteral("PRAGMA application_id = %1").arg(kApplicationId));
        if (!marked)
            return marked.error();
        for (const Migration &migration : migrationsFor(options).all()) {
            if (Result<void> applied = StoreMetadata::apply(tx, migration, now); !applied)
                return applied;
        }
        if (Result<void> identity = StoreMetadata::write(tx, now); !identity)
            return identity;
        return store->m_info.reload(tx);
    });
    if (!built) {
        store.reset(); // closes this thread's connection before its files go
        SqliteFileCheck::removeStoreFiles(QFileInfo(path).absoluteFilePath());
        return makeError(
            built.error().code,
            QStringLiteral("Cannot create the store %1: %2").arg(path, built.error().message));
    }
    store->m_createdHere = true;
    qCInfo(lcStore) << "created store" << store->info().storeId;
    return store;
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const QString &path,
                                                       const SqliteStoreOptions &options)
{
    if (Result<void> schema = checkSchemaAvailable(options); !schema)
        return schema.error();
    if (Result<void> fileOk = SqliteFileCheck::existingStore(path); !fileOk)
        return fileOk.error();
    Result<Inspection> inspection = inspect(path, options);
    if (!inspection)
        return inspection.error();

    std::unique_ptr<SqliteStore> store(new SqliteStore(path, options));
    if (inspection->schemaVersion < migrationsFor(options).latestVersion()) {
        if (Result<void> migrated = store->migrate(); !migrated)
            return withPath(migrated.error(), path);
    }
    Result<void> loaded = store->transaction(
        Access::Read, [&](SqlTransaction &tx) { return store->m_info.reload(tx); });
    if (!loaded)
        return withPath(loaded.error(), path);
    return store;
}

bool SqliteStore::discardNew(std::unique_ptr<SqliteStore> store)
{
    if (!store || !store->m_createdHere)
        return false;
    const QString path = store->m_path;
    store.reset(); // closes this thread's connection before its files go
    SqliteFileCheck::removeStoreFiles(path);
    return true;
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::openOrCreate(const QString &path,
                                                               const SqliteStoreOptions &options)
{
    const QFileInfo file(path);
    if (file.exists() || file.isSymLink())
        return open(path, options);
    return create(path, options);
}

Result<void> SqliteStore::migrate()
{
    const Migrations &migrations = migrationsFor(m_options);
    const int target = migrations.latestVersion();
    for (const Migration &migration : migrations.all()) {
        Result<void> step = transaction(Access::Write, [&](SqlTransaction &tx) -> Result<void> {
            // Re-read inside the write lock: another process may have migrated meanwhile.
            Result<QVariant> current =
                tx.scalar(QStringLiteral("SELECT max(version) FROM schema_migrations"));
            if (!current)
                return current.error();
            if (current->toInt() >= migration.version)
                return {};
            qCInfo(lcStore) << "migrating store to schema" << migration.version << "of" << target;
            return StoreMetadata::apply(tx, migration, m_options.clock->now());
        });
        if (!step)
            return step;
    }
    return {};
}

StoreInfo SqliteStore::info() const
{
    return m_info.get();
}

Result<QSqlDatabase> SqliteStore::connectionForThisThread()
{
    const auto it = ThreadConnections::current().names.find(m_serial);
    if (it != ThreadConnections::current().names.end())
        return QSqlDatabase::database(it->second, false);

    const QString name = QStringLiteral("gatehouse-sqlite-%1-%2")
                             .arg(m_serial)
                             .arg(ThreadConnections::current().threadSerial);
    Result<QSqlDatabase> db = openConnection(name, m_path, false, m_options.busyTimeout);
    if (!db)
        return db;
    if (Result<void> configured = configureWriter(*db); !configured) {
        *db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
        return configured.error();
    }
    ThreadConnections::current().names.emplace(m_serial, name);
    return db;
}

Result<void> SqliteStore::transaction(Access access,
                                      const std::function<Result<void>(SqlTransaction &)> &work)
{
    bool &busy = ThreadConnections::current().inTransaction[m_serial];
    if (busy) {
        return makeError(ErrorCode::Internal,
                         QStringLiteral("A store transaction was started inside another one."));
    }
    Result<QSqlDatabase> db = connectionForThisThread();
    if (!db)
        return db.error();

    struct Guard {
        bool &flag;
        ~Guard() { flag = false; }
    } guard{busy};
    busy = true;

    SqlTransaction tx(*db, sqliteError);
    Result<QSqlQuery> begun = tx.exec(access == Access::Write ? QStringLiteral("BEGIN IMMEDIATE")
                                                              : QStringLiteral("BEGIN"));
    if (!begun)
        return begun.error();

    auto rollback = [&] {
        QSqlQuery undo(*db);
        // SQLite rolls back by itself after some failures (SQLITE_FULL, ...), so a failed
        // ROLLBACK here is expected then and harmless.
        if (!undo.exec(QStringLiteral("ROLLBACK")))
            qCDebug(lcStore) << "rollback:" << undo.lastError().text();
    };

    Result<void> outcome = work(tx);
    if (!outcome) {
        rollback();
        return outcome;
    }
    Result<QSqlQuery> committed = tx.exec(QStringLiteral("COMMIT"));
    if (!committed) {
        rollback();
        return committed.error();
    }
    return {};
}

} // namespace gatehouse
