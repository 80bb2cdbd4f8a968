#pragma once

#include "WalChangeStamp.h"
#include "model/Clock.h"
#include "store/Migrations.h"
#include "store/Store.h"
#include "store/StoreInfoCell.h"

#include <chrono>
#include <memory>

namespace gatehouse {

struct SqliteStoreOptions {
    // How long a statement waits for another process's lock before failing with Unavailable.
    std::chrono::milliseconds busyTimeout{5000};
    // Run `PRAGMA quick_check` when opening (reads every page once; seconds on huge stores).
    bool checkIntegrityOnOpen = true;
    std::shared_ptr<const Clock> clock = Clock::system();
    // The schema to create or upgrade to; null means the one built into this library. Tests
    // use other sets to prove upgrades.
    std::shared_ptr<const Migrations> migrations;
};

// The embedded store of local mode: one SQLite file, WAL journal, foreign keys on,
// synchronous=FULL, private (0600) files. It never creates a store over an existing file, and
// it refuses files it cannot prove to be an intact Gatehouse store of a schema it knows,
// leaving them untouched.
class SqliteStore final : public Store
{
public:
    // Marks the file as a Gatehouse store in the SQLite header (PRAGMA application_id).
    static constexpr qint32 kApplicationId = 0x47415448; // "GATH"

    // Creates a new store at `path`; fails if anything exists there.
    static Result<std::unique_ptr<SqliteStore>> create(const QString &path,
                                                       const SqliteStoreOptions &options = {});
    // Opens an existing store, applying any migrations this build has that it lacks.
    static Result<std::unique_ptr<SqliteStore>> open(const QString &path,
                                                     const SqliteStoreOptions &options = {});
    // open() if a file exists at `path`, create() if nothing does.
    static Result<std::unique_ptr<SqliteStore>>
    openOrCreate(const QString &path, const SqliteStoreOptions &options = {});

    // The schema version this build writes.
    static int supportedSchemaVersion();

    // Undoes create() when a later step of setting up the new store fails: closes it and
    // removes its files. Refused (false) for a store that was opened rather than created.
    static bool discardNew(std::unique_ptr<SqliteStore> store);

    // Closes this thread's connection. Every other thread that used the store keeps its own
    // connection until that thread ends, so destroy a store after its worker threads.
    ~SqliteStore() override;

    StoreInfo info() const override;
    Result<void> transaction(Access access,
                             const std::function<Result<void>(SqlTransaction &)> &work) override;
    // From the WAL-index header. This thread's connection, open until the destructor, keeps
    // that file the one SQLite uses.
    std::optional<ChangeStamp> changeStamp() const override;

private:
    SqliteStore(QString path, SqliteStoreOptions options);

    Result<QSqlDatabase> connectionForThisThread();
    Result<void> migrate();

    const QString m_path;
    const SqliteStoreOptions m_options;
    const quint64 m_serial; // tells this store's per-thread connections from another's
    bool m_createdHere = false;
    StoreInfoCell m_info;
    const WalChangeStamp m_changes;
};

} // namespace gatehouse
