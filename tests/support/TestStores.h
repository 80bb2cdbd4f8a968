#pragma once

#include "model/Clock.h"
#include "model/Result.h"
#include "store/Store.h"

#include <memory>

namespace gatehouse::test {

// The store the service suites run on, so the same tests prove both stores: a new SQLite file
// in `folder`, or, when the suite runs with GATEHOUSE_TEST_STORE=postgresql (ctest registers
// such a twin of each suite), a new database in a throwaway PostgreSQL cluster that the
// process starts on first use.
namespace TestStores {

bool postgres();
Result<std::unique_ptr<Store>> create(const QString &folder, const QString &name,
                                      std::shared_ptr<const Clock> clock = Clock::system());

// Another store object on the same store, as another process (or server instance) would
// open it: its own connections.
Result<std::unique_ptr<Store>> open(const Store &store,
                                    std::shared_ptr<const Clock> clock = Clock::system());

// The store `info` describes, opened again after the store object that gave it is gone (to
// see what survived it, or as a restarted process would).
Result<std::unique_ptr<Store>> open(const StoreInfo &info,
                                    std::shared_ptr<const Clock> clock = Clock::system());

// A copy of the store `source` as a new store called `name` (a file in `folder` for SQLite, a
// database for PostgreSQL): the same rows and identity, as a backup would be. Nothing may
// hold `source` open meanwhile.
Result<StoreInfo> copy(const StoreInfo &source, const QString &folder, const QString &name);

// Makes the store `target` a copy of `source` in place, as an attacker who swaps a store for
// an older copy of itself would. Nothing may hold either open meanwhile.
Result<void> overwrite(const StoreInfo &target, const StoreInfo &source);

// Runs one statement (`bindings` by placeholder name) on a connection of its own, not through
// Gatehouse, as someone with direct access to the database would; empty, or what went wrong.
QString execByHand(const StoreInfo &info, const QString &statement,
                   const QVariantMap &bindings = {});

// Every byte the store holds, as far as a thief of its storage would see it: the SQLite
// file and its journal, or a dump of the PostgreSQL database.
QByteArray contents(const Store &store);

// A fault that cannot be made for real: from now on every insert into `table` fails (a
// trigger, written for the store's dialect), with `message`.
Result<void> refuseInserts(Store &store, const QString &table, const QString &message);

} // namespace TestStores

} // namespace gatehouse::test

// For the few cases about one store's own files or SQL: skipped on the other, saying so.
#define GH_SQLITE_ONLY()                                                                           \
    do {                                                                                           \
        if (gatehouse::test::TestStores::postgres())                                               \
            QSKIP("about the SQLite file itself; the PostgreSQL store has its own suite");         \
    } while (false)
