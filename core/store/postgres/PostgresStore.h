#pragma once

#include "model/Clock.h"
#include "store/Migrations.h"
#include "store/Store.h"
#include "store/StoreInfoCell.h"

#include <QUrl>

#include <chrono>
#include <memory>

namespace gatehouse {

struct PostgresStoreOptions {
    // How long a write waits for the store's write lock (held by another instance's write)
    // before failing with Unavailable "busy".
    std::chrono::milliseconds lockTimeout{5000};
    // How often a transaction that hit a serialization failure or deadlock runs again.
    int maxRetries = 3;
    std::shared_ptr<const Clock> clock = Clock::system();
    // The schema to create or upgrade to; null means the one built into this library.
    std::shared_ptr<const Migrations> migrations;
};

// The store of several server instances on one PostgreSQL database (Qt's QPSQL driver).
//
// - The URL is libpq's: postgresql://user[:password]@host[:port]/database[?sslmode=
//   verify-full&sslrootcert=...&host=/socket/dir]. Any other sslmode than verify-full is
//   refused unless the host is a Unix socket, so a server never talks to its database
//   unencrypted or to an unverified host over a network (SEC-40, H9).
// - The database must be empty (then the store is created in it) or hold a Gatehouse store of
//   a schema this build knows; anything else is refused untouched. Its collation must be C,
//   so text (ISO timestamps, keys) orders as in SQLite.
// - Write transactions take one advisory lock first: writers go one at a time across every
//   instance, as in SQLite, which keeps the audit chain linear and makes deadlocks between
//   writers impossible. Reads run in a REPEATABLE READ snapshot and never wait for writers.
// - A serialization failure or deadlock (from anything else touching the database) rolls the
//   transaction back and runs it again, at most maxRetries times: its effect lands once.
// - A lost connection fails the transaction (rolled back by the server) with Unavailable and
//   is opened again on the next one.
class PostgresStore final : public Store
{
public:
    // Creates the store in an empty database or opens (and migrates) the one there.
    static Result<std::unique_ptr<PostgresStore>> open(const QString &url,
                                                       const PostgresStoreOptions &options = {});
    static bool isPostgresUrl(const QString &location);

    ~PostgresStore() override;

    StoreInfo info() const override;
    Result<void> transaction(Access access,
                             const std::function<Result<void>(SqlTransaction &)> &work) override;

    // The URL without its password, for logs and StoreInfo.
    static QString redacted(const QUrl &url);

private:
    PostgresStore(QUrl url, PostgresStoreOptions options);

    Result<QSqlDatabase> connectionForThisThread();
    void dropConnectionOfThisThread();
    Result<void> runOnce(Access access, const std::function<Result<void>(SqlTransaction &)> &work,
                         bool *retry, bool *lost);
    Result<void> prepare();

    const QUrl m_url;
    const PostgresStoreOptions m_options;
    const quint64 m_serial;
    StoreInfoCell m_info;
};

} // namespace gatehouse
