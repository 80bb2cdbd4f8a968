#include "PostgresStore.h"

#include "PostgresErrors.h"
#include "store/StoreLog.h"
#include "store/StoreMetadata.h"
#include "store/ThreadConnections.h"

#include <QHostAddress>
#include <QSqlError>
#include <QUrlQuery>

namespace gatehouse {

namespace {

// The one advisory lock every write transaction takes ("GATH").
constexpr qint64 kWriteLock = 0x47415448;

const Migrations &builtInMigrations()
{
    static const Migrations migrations = Migrations::load(QStringLiteral("postgres")).valueOr({});
    return migrations;
}

const Migrations &migrationsFor(const PostgresStoreOptions &options)
{
    return options.migrations ? *options.migrations : builtInMigrations();
}

Error refused(const QUrl &url, const QString &why)
{
    return makeError(
        ErrorCode::InvalidInput,
        QStringLiteral("Cannot use the store %1: %2").arg(PostgresStore::redacted(url), why));
}

// The libpq settings QPSQL passes on, from the URL's query; only those known here.
Result<QString> connectOptions(const QUrl &url)
{
    const QUrlQuery query(url);
    const QString socket = query.queryItemValue(QStringLiteral("host"), QUrl::FullyDecoded);
    const QString host = socket.isEmpty() ? url.host() : socket;
    const bool local = host.startsWith(QLatin1Char('/'));
    QStringList options;
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
        static const QStringList known{QStringLiteral("sslmode"),
                                       QStringLiteral("sslrootcert"),
                                       QStringLiteral("sslcert"),
                                       QStringLiteral("sslkey"),
                                       QStringLiteral("sslcrl"),
                                       QStringLiteral("connect_timeout"),
                                       QStringLiteral("application_name"),
                                       QStringLiteral("host"),
                                       QStringLiteral("port")};
        if (!known.contains(key))
            return refused(url,
                           QStringLiteral("the URL setting \"%1\" is not one Gatehouse "
                                          "passes on.")
                               .arg(key.left(40)));
        if (key == u"host" || key == u"port")
            continue;
        if (value.contains(QLatin1Char(';')))
            return refused(url, QStringLiteral("a URL setting holds ';'."));
        options.append(key + QLatin1Char('=') + value);
    }
    const QString sslmode = query.queryItemValue(QStringLiteral("sslmode"));
    if (!local && sslmode != u"verify-full") {
        return refused(url,
                       QStringLiteral("over a network the connection must be TLS with the "
                                      "server's certificate and name verified: add "
                                      "?sslmode=verify-full&sslrootcert=<CA file> to the "
                                      "URL."));
    }
    if (!query.hasQueryItem(QStringLiteral("connect_timeout")))
        options.append(QStringLiteral("connect_timeout=10"));
    return options.join(QLatin1Char(';'));
}

} // namespace

bool PostgresStore::isPostgresUrl(const QString &location)
{
    return location.startsWith(u"postgresql://") || location.startsWith(u"postgres://");
}

QString PostgresStore::redacted(const QUrl &url)
{
    return url.toString(QUrl::RemovePassword);
}

PostgresStore::PostgresStore(QUrl url, PostgresStoreOptions options)
    : m_url(std::move(url)),
      m_options(std::move(options)),
      m_serial(ThreadConnections::nextStoreSerial()),
      m_info(QStringLiteral("postgresql"), redacted(m_url))
{}

PostgresStore::~PostgresStore()
{
    ThreadConnections::current().remove(m_serial);
}

Result<std::unique_ptr<PostgresStore>> PostgresStore::open(const QString &location,
                                                           const PostgresStoreOptions &options)
{
    const QUrl url(location, QUrl::StrictMode);
    if (!url.isValid() || !isPostgresUrl(location) || url.path().size() < 2) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("The store URL must look like postgresql://user@host/"
                                        "database?sslmode=verify-full&sslrootcert=ca.pem."));
    }
    if (migrationsFor(options).latestVersion() == 0)
        return makeError(ErrorCode::Internal, QStringLiteral("This build has no store schema."));
    if (Result<QString> settings = connectOptions(url); !settings)
        return settings.error();
    std::unique_ptr<PostgresStore> store(new PostgresStore(url, options));
    if (Result<void> ready = store->prepare(); !ready)
        return ready.error();
    return store;
}

Result<QSqlDatabase> PostgresStore::connectionForThisThread()
{
    ThreadConnections &connections = ThreadConnections::current();
    const auto it = connections.names.find(m_serial);
    if (it != connections.names.end())
        return QSqlDatabase::database(it->second, false);

    const QString name =
        QStringLiteral("gatehouse-pg-%1-%2").arg(m_serial).arg(connections.threadSerial);
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
    const QUrlQuery query(m_url);
    const QString socket = query.queryItemValue(QStringLiteral("host"), QUrl::FullyDecoded);
    db.setHostName(socket.isEmpty() ? m_url.host() : socket);
    const QString port = query.queryItemValue(QStringLiteral("port"));
    db.setPort(port.isEmpty() ? m_url.port(5432) : port.toInt());
    db.setDatabaseName(m_url.path().mid(1));
    db.setUserName(m_url.userName(QUrl::FullyDecoded));
    db.setPassword(m_url.password(QUrl::FullyDecoded));
    db.setConnectOptions(connectOptions(m_url).valueOr(QString()));
    if (!db.open()) {
        // libpq's reason (refused, TLS verification, authentication) names no secret.
        const QString reason = db.lastError().databaseText().section(QLatin1Char('\n'), 0, 0);
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("Cannot connect to the store %1: %2")
                             .arg(redacted(m_url),
                                  reason.isEmpty() ? QStringLiteral("no reason "
                                                                    "given")
                                                   : reason.trimmed()));
    }
    connections.names.emplace(m_serial, name);
    return db;
}

void PostgresStore::dropConnectionOfThisThread()
{
    ThreadConnections::current().remove(m_serial);
}

Result<void> PostgresStore::transaction(Access access,
                                        const std::function<Result<void>(SqlTransaction &)> &work)
{
    bool &busy = ThreadConnections::current().inTransaction[m_serial];
    if (busy) {
        return makeError(ErrorCode::Internal,
                         QStringLiteral("A store transaction was started inside another one."));
    }
    struct Guard {
        bool &flag;
        ~Guard() { flag = false; }
    } guard{busy};
    busy = true;
    for (int attempt = 0;; ++attempt) {
        bool retry = false;
        bool lost = false;
        Result<void> outcome = runOnce(access, work, &retry, &lost);
        // Closed only now that no query of it is left: the next transaction connects again.
        if (lost)
            dropConnectionOfThisThread();
        if (outcome || !retry || attempt >= m_options.maxRetries)
            return outcome;
        qCInfo(lcStore) << "retrying a transaction after a serialization failure or deadlock";
    }
}

Result<void> PostgresStore::runOnce(Access access,
                                    const std::function<Result<void>(SqlTransaction &)> &work,
                                    bool *retry, bool *lost)
{
    Result<QSqlDatabase> db = connectionForThisThread();
    if (!db)
        return db.error();
    SqlTransaction tx(*db, [&](const QSqlError &error, const QString &what) {
        *retry = *retry || isRetryable(error);
        *lost = *lost || isConnectionLost(error);
        return postgresError(error, what);
    });
    const auto rollback = [&] {
        if (*lost)
            return;
        QSqlQuery undo(*db);
        if (!undo.exec(QStringLiteral("ROLLBACK")))
            qCDebug(lcStore) << "rollback:" << undo.lastError().text();
    };
    const auto failed = [&](const Error &error) -> Result<void> {
        rollback();
        return error;
    };
    if (access == Access::Write) {
        for (const QString &statement :
             {QStringLiteral("BEGIN ISOLATION LEVEL READ COMMITTED"),
              QStringLiteral("SET LOCAL lock_timeout = %1").arg(m_options.lockTimeout.count()),
              QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(kWriteLock)}) {
            if (Result<QSqlQuery> done = tx.exec(statement); !done)
                return failed(done.error());
        }
    } else if (Result<QSqlQuery> begun =
                   tx.exec(QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
               !begun) {
        return failed(begun.error());
    }
    if (Result<void> outcome = work(tx); !outcome)
        return failed(outcome.error());
    if (Result<QSqlQuery> committed = tx.exec(QStringLiteral("COMMIT")); !committed)
        return failed(committed.error());
    return {};
}

Result<void> PostgresStore::prepare()
{
    const Migrations &migrations = migrationsFor(m_options);
    return transaction(Access::Write, [&](SqlTransaction &tx) -> Result<void> {
        Result<QVariant> collation = tx.scalar(QStringLiteral(
            // The provider (libc or ICU, PostgreSQL 15 on) decides as much as the name: an
            // ICU database sorts by its ICU locale whatever its libc one says.
            "SELECT CASE WHEN coalesce(to_jsonb(d) ->> 'datlocprovider', 'c') = 'c'"
            " THEN datcollate ELSE 'ICU ' || (to_jsonb(d) ->> 'daticulocale') END"
            " FROM pg_database d WHERE datname = current_database()"));
        if (!collation)
            return collation.error();
        const QString collate = collation->toString();
        if (collate != u"C" && collate != u"POSIX" && !collate.startsWith(u"C.")) {
            return refused(m_url,
                           QStringLiteral("its collation is %1; Gatehouse needs C, so that "
                                          "text orders the same everywhere. Create the "
                                          "database with: CREATE DATABASE name TEMPLATE "
                                          "template0 LC_COLLATE 'C' LC_CTYPE 'C';")
                               .arg(collate.left(40)));
        }
        Result<QVariant> history =
            tx.scalar(QStringLiteral("SELECT to_regclass('schema_migrations') IS NOT NULL"));
        if (!history)
            return history.error();
        int version = 0;
        if (history->toBool()) {
            Result<QVariant> current =
                tx.scalar(QStringLiteral("SELECT max(version) FROM schema_migrations"));
            if (!current)
                return current.error();
            version = current->toInt();
            if (version > migrations.latestVersion()) {
                return refused(m_url,
                               QStringLiteral("it was written by a newer Gatehouse (schema "
                                              "version %1; this build knows up to %2).")
                                   .arg(version)
                                   .arg(migrations.latestVersion()));
            }
        } else {
            Result<QVariant> tables = tx.scalar(QStringLiteral(
                "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"));
            if (!tables)
                return tables.error();
            if (tables->toLongLong() > 0) {
                return refused(m_url,
                               QStringLiteral("the database holds tables that are not a "
                                              "Gatehouse store; give Gatehouse a database "
                                              "of its own. Nothing was changed."));
            }
        }
        const QDateTime now = m_options.clock->now();
        for (const Migration &migration : migrations.all()) {
            if (migration.version <= version)
                continue;
            qCInfo(lcStore) << "applying schema" << migration.version << migration.name;
            if (Result<void> applied = StoreMetadata::apply(tx, migration, now); !applied)
                return applied;
        }
        if (version == 0) {
            if (Result<void> identity = StoreMetadata::write(tx, now); !identity)
                return identity;
        }
        return m_info.reload(tx);
    });
}

StoreInfo PostgresStore::info() const
{
    return m_info.get();
}

} // namespace gatehouse
