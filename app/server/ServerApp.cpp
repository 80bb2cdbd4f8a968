#include "ServerApp.h"

#include "../ctl/SecretInput.h"
#include "AdminEndpoints.h"
#include "ApiDispatcher.h"
#include "AuthEndpoints.h"
#include "HttpServer.h"
#include "OperationsEndpoints.h"
#include "ServerCheckpoints.h"
#include "backend/LocalBackend.h"
#include "store/DataKeyFile.h"
#include "store/StoreLocation.h"
#include "store/postgres/PostgresStore.h"
#include "store/sqlite/SqliteStore.h"

#include <QFileInfo>
#include <QThread>

#include <cstdio>
#include <future>

namespace gatehouse::server {

namespace {

int fail(const Error &error)
{
    std::fprintf(stderr, "gatehouse-server: %s\n", qPrintable(error.message));
    return 1;
}

// Beside a SQLite store by default; a PostgreSQL store has no "beside", so its key file is
// always named (GATEHOUSE_DATA_KEY_FILE), the same file on every instance.
QString dataKeyPath(const ServerConfig &config)
{
    if (!config.dataKeyFile.isEmpty() || PostgresStore::isPostgresUrl(config.database))
        return config.dataKeyFile;
    return DataKeyFile::defaultPathFor(QFileInfo(config.database).absoluteFilePath());
}

bool onPostgres(const ServerConfig &config)
{
    return PostgresStore::isPostgresUrl(config.database);
}

// A SQLite store file missing, empty, not a store or damaged (SqliteFileCheck and the store's
// inspection say so with these codes), as opposed to one there but locked, unreadable or of a
// newer schema.
bool storeIsLost(const ServerConfig &config, const Error &error)
{
    return !onPostgres(config)
        && (error.code == ErrorCode::NotFound || error.code == ErrorCode::Integrity);
}

// Serving opens what exists: a SQLite store made by init, or the PostgreSQL database's store
// (made there by the first instance, under the write lock, if the database is empty).
Result<std::unique_ptr<Store>> openStore(const ServerConfig &config)
{
    if (onPostgres(config)) {
        Result<std::unique_ptr<PostgresStore>> store = PostgresStore::open(config.database);
        if (!store)
            return store.error();
        return std::unique_ptr<Store>(std::move(store).value());
    }
    Result<std::unique_ptr<SqliteStore>> store = SqliteStore::open(config.database);
    if (!store)
        return store.error();
    return std::unique_ptr<Store>(std::move(store).value());
}

Result<std::optional<crypto::SecretBox>> loadDataKey(const ServerConfig &config)
{
    return DataKeyFile::openBox(dataKeyPath(config), !config.dataKeyFile.isEmpty());
}

// init's store: a new SQLite file, or the store in an empty PostgreSQL database. A database
// that already holds an owner is refused by createFirstOwner.
Result<std::unique_ptr<Store>> createStore(const ServerConfig &config)
{
    if (onPostgres(config))
        return openStore(config);
    Result<std::unique_ptr<SqliteStore>> store = SqliteStore::create(config.database);
    if (!store)
        return store.error();
    return std::unique_ptr<Store>(std::move(store).value());
}

void discardNew(std::unique_ptr<Store> store)
{
    if (auto *sqlite = dynamic_cast<SqliteStore *>(store.get())) {
        store.release();
        SqliteStore::discardNew(std::unique_ptr<SqliteStore>(sqlite));
    }
}

Result<std::shared_ptr<const PasswordBlocklist>> loadBlocklist()
{
    Result<PasswordBlocklist> blocklist = PasswordBlocklist::load(PasswordBlocklist::defaultPath());
    if (!blocklist)
        return blocklist.error();
    return std::make_shared<const PasswordBlocklist>(std::move(*blocklist));
}

} // namespace

int ServerApp::serve(const ServerConfig &config)
{
    if (Result<void> valid = config.validate(); !valid)
        return fail(valid.error());
    const bool keepsCheckpoints = !config.checkpointDir.isEmpty();
    if (keepsCheckpoints && onPostgres(config) && config.auditKeysFile.isEmpty()) {
        return fail(makeError(ErrorCode::InvalidInput,
                              QStringLiteral("GATEHOUSE_CHECKPOINT_DIR on PostgreSQL needs "
                                             "GATEHOUSE_AUDIT_KEYS_FILE: the file of the keys that "
                                             "sign the checkpoints, the same on every instance.")));
    }
    Result<std::unique_ptr<Store>> store = openStore(config);
    if (!store) {
        // A store file that is gone, emptied or not a store while the folder holds checkpoints
        // of it: say what it held, not only that it cannot be opened. A store that is there
        // but locked, unreadable or newer is no case for a backup.
        const QString expected = keepsCheckpoints && storeIsLost(config, store.error())
            ? ServerCheckpoints::expectation(config.checkpointDir)
            : QString();
        if (expected.isEmpty())
            return fail(store.error());
        return fail(
            makeError(store.error().code, store.error().message + QLatin1Char(' ') + expected));
    }
    Result<std::optional<crypto::SecretBox>> dataKey = loadDataKey(config);
    if (!dataKey)
        return fail(dataKey.error());
    Result<std::shared_ptr<const PasswordBlocklist>> blocklist = loadBlocklist();
    if (!blocklist)
        return fail(blocklist.error());

    ServiceContext context(**store, Clock::system(), std::move(*dataKey), config.auditKeysFile);
    Metrics metrics;
    std::optional<ServerCheckpoints> checkpoints;
    if (keepsCheckpoints) {
        // Before anything is served or written: a rolled-back store must not take requests.
        checkpoints.emplace(**store, context.auditKeysPath(), config.checkpointDir, metrics);
        if (Result<void> ready = checkpoints->prepare(); !ready)
            return fail(ready.error());
        context.setCheckpointListener(
            [&checkpoints](const AuditCheckpoint &made) { checkpoints->exportAfter(made); });
    }
    const CoreServices services = CoreServices::make(context, *blocklist);
    Router router;
    const OperationsEndpoints operations(**store, context.clock(), metrics);
    operations.addTo(router);
    const AuthEndpoints auth(services, metrics);
    auth.addTo(router);
    const IdempotencyKeys idempotency(**store, context.clock());
    const AdminEndpoints admin(services, metrics, idempotency);
    admin.addTo(router);
    if (const QStringList mismatch = router.mismatchWithContract(); !mismatch.isEmpty()) {
        return fail(makeError(ErrorCode::Internal,
                              QStringLiteral("The routes served and the API contract differ: ")
                                  + mismatch.join(QStringLiteral("; "))));
    }

    const int cores = std::max(1, QThread::idealThreadCount());
    // Stopped before the server and the store go: its threads post answers to the server and
    // hold the store's per-thread connections.
    WorkerPool workers(config.workers > 0 ? config.workers : 4 * cores, 4096);
    ApiDispatcher::Options dispatch;
    dispatch.trustedProxies = config.trustedProxies;
    dispatch.corsOrigins = config.corsOrigins;
    dispatch.requestsPerSecondPerAddress = config.requestsPerSecond;
    dispatch.burstPerAddress = std::max(10.0, 2 * config.requestsPerSecond);
    ApiDispatcher dispatcher(router, workers, metrics, dispatch);

    HttpServer::Options http;
    http.host = config.listenHost;
    http.port = config.listenPort;
    http.tls = !config.insecureHttp;
    http.certificatePath = config.tlsCertificate;
    http.keyPath = config.tlsKey;
    http.networkThreads = config.networkThreads > 0 ? config.networkThreads : cores;
    http.limits.headerTimeout = std::chrono::seconds(config.headerTimeoutSeconds);
    http.limits.maxConnectionsPerAddress = config.maxConnectionsPerAddress;
    http.uncappedPeers = config.trustedProxies;
    Result<std::unique_ptr<HttpServer>> server = HttpServer::start(http, dispatcher);
    if (!server)
        return fail(server.error());
    metrics.setOpenConnections([raw = server->get()] { return raw->openConnections(); });

    std::promise<void> stop;
    std::atomic<bool> stopping{false};
    (*server)->onSignal([&](bool terminate) {
        if (terminate) {
            if (!stopping.exchange(true))
                stop.set_value();
            return;
        }
        if (Result<void> reloaded = (*server)->reloadCertificate(); !reloaded)
            std::fprintf(stderr, "gatehouse-server: %s (keeping the previous certificate)\n",
                         qPrintable(reloaded.error().message));
        else
            std::fprintf(stderr, "gatehouse-server: TLS certificate reloaded\n");
    });
    if (config.insecureHttp) {
        std::fprintf(stderr,
                     "gatehouse-server: WARNING: serving plain HTTP (--insecure-http); "
                     "credentials cross the wire unencrypted. Use it only for local "
                     "testing.\n");
    }
    std::fprintf(stderr, "gatehouse-server: serving %s on %s:%u\n",
                 config.insecureHttp ? "http" : "https", qPrintable(config.listenHost),
                 unsigned((*server)->port()));
    std::future<void> stopped = stop.get_future();
    const auto interval = std::chrono::seconds(
        config.checkpointIntervalSeconds.value_or(ServerConfig::kDefaultCheckpointIntervalSeconds));
    if (checkpoints && interval.count() > 0) {
        // The waiting thread signs them: it has nothing else to do, and a busy worker pool
        // cannot put them off.
        while (stopped.wait_for(interval) == std::future_status::timeout) {
            // Logged and counted; the next tick tries again.
            (void)checkpoints->signIfDue(services.audit);
        }
    } else {
        stopped.wait();
    }
    std::fprintf(stderr, "gatehouse-server: stopping\n");
    // In this order: requests in progress get up to 10 s and the network threads stop; then
    // the workers drop what never started and finish what did, whose answers go nowhere; only
    // then may the server (its io_context, which those answers are posted to) and the store go.
    (*server)->shutdown(std::chrono::seconds(10));
    metrics.setOpenConnections({});
    workers.stop();
    // The last word on how far the log came, so a copy of the store older than this stop is
    // refused at the next start. Without it in the folder, that copy would pass: the exit
    // status says so to whatever supervises the server.
    if (checkpoints) {
        if (Result<void> last = checkpoints->signIfDue(services.audit); !last) {
            return fail(makeError(last.error().code,
                                  QStringLiteral("Stopped, but the last audit checkpoint did "
                                                 "not reach the checkpoint folder %1: %2 Fix "
                                                 "that; the next start writes what the folder "
                                                 "lacks.")
                                      .arg(config.checkpointDir, last.error().message)));
        }
    }
    return 0;
}

int ServerApp::init(const ServerConfig &config, const QString &owner, const QString &email)
{
    if (config.database.isEmpty())
        return fail(makeError(ErrorCode::InvalidInput,
                              QStringLiteral("init needs GATEHOUSE_DATABASE: the SQLite file to "
                                             "create, or the postgresql:// URL of an empty "
                                             "database.")));
    if (onPostgres(config) && config.dataKeyFile.isEmpty())
        return fail(makeError(ErrorCode::InvalidInput,
                              QStringLiteral("init on PostgreSQL needs GATEHOUSE_DATA_KEY_FILE: "
                                             "where to create the data key every instance "
                                             "reads.")));
    Result<QString> password =
        ctl::SecretInput::read(QStringLiteral("Password for %1: ").arg(owner));
    if (!password)
        return fail(password.error());
    if (!onPostgres(config)) {
        if (Result<void> folder = StoreLocation::ensureFolder(config.database); !folder)
            return fail(folder.error());
    }
    const QString keyPath = dataKeyPath(config);
    if (QFileInfo::exists(keyPath)) {
        return fail(makeError(
            ErrorCode::Conflict,
            QStringLiteral("%1 already exists; it belongs to another store.").arg(keyPath)));
    }
    Result<std::unique_ptr<Store>> store = createStore(config);
    if (!store)
        return fail(store.error());
    Result<QByteArray> key = DataKeyFile::create(keyPath);
    Result<crypto::SecretBox> box =
        key ? crypto::SecretBox::fromKey(*key) : Result<crypto::SecretBox>(key.error());
    Result<std::shared_ptr<const PasswordBlocklist>> blocklist =
        box ? loadBlocklist() : Result<std::shared_ptr<const PasswordBlocklist>>(box.error());
    std::optional<Result<User>> created;
    if (blocklist) {
        LocalBackend backend(**store, Clock::system(), Actor::localConsole(owner), std::move(*box),
                             *blocklist, config.auditKeysFile);
        QFuture<Result<User>> future =
            backend.createFirstOwner(NewUser{owner, email, QString(), {Role::Owner}}, *password);
        future.waitForFinished();
        created.emplace(future.result());
    } else {
        created.emplace(blocklist.error());
    }
    if (!*created) {
        // Nothing half made stays behind (a PostgreSQL store keeps its schema, which a next
        // init fills; it holds no owner).
        discardNew(std::move(store).value());
        if (key)
            QFile::remove(keyPath);
        return fail(created->error());
    }
    // The URL without its password.
    const QString location = (*store)->info().location;
    std::printf("Created the store %s with its data key %s and the owner %s.\n\n"
                "Next:\n"
                "  1. Keep %s private (mode 0600) and back it up apart from the database.\n"
                "  2. Start the server with GATEHOUSE_DATABASE=%s and GATEHOUSE_TLS_CERT / "
                "GATEHOUSE_TLS_KEY set:\n"
                "       gatehouse-server\n"
                "  3. Sign in as %s from the console and turn on MFA, which owners need.\n",
                qPrintable(location), qPrintable(keyPath), qPrintable((*created)->username),
                qPrintable(keyPath), qPrintable(location), qPrintable((*created)->username));
    return 0;
}

} // namespace gatehouse::server
