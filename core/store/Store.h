#pragma once

#include "ChangeStamp.h"

#include "SqlTransaction.h"
#include "model/Result.h"

#include <QDateTime>
#include <QString>

#include <functional>
#include <optional>

namespace gatehouse {

struct StoreInfo {
    QString backend; // "sqlite" (later "postgresql")
    QString location; // file path, or a URL without credentials
    QString storeId; // random UUID fixed at creation; the audit log's recipientAccountId
    int schemaVersion = 0;
    QDateTime createdAt; // UTC
};

// The persistence boundary every service writes through. One Store is shared by every thread
// of a process (the server's workers, the console's backend thread); each thread gets its own
// connection. All SQL is parameterised; no identifier is ever built from input.
class Store
{
public:
    enum class Access {
        Read, // a consistent snapshot; never takes the write lock
        Write, // takes the write lock up front, so two writers never deadlock on an upgrade
    };

    virtual ~Store() = default;
    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;

    virtual StoreInfo info() const = 0;

    // Runs `work` in one transaction on the calling thread's connection. Commits when `work`
    // succeeds and rolls back when it fails (or the commit does), so a change and its audit
    // record land together or not at all. Not re-entrant: a nested call fails with Internal.
    virtual Result<void> transaction(Access access,
                                     const std::function<Result<void>(SqlTransaction &)> &work) = 0;

    // A value that differs whenever anyone (this process or another) has committed a change
    // to the store since it was last read; nullopt when the store cannot tell without a query.
    // Read it before a read transaction: while it still equals what was read, nothing has been
    // committed since, so what that transaction saw is what the store holds. No lock, no query;
    // thread-safe.
    virtual std::optional<ChangeStamp> changeStamp() const { return std::nullopt; }

    // Convenience for work that produces a value.
    template<typename T, typename Work>
    Result<T> transact(Access access, Work &&work)
    {
        std::optional<T> value;
        Result<void> done = transaction(access, [&](SqlTransaction &tx) -> Result<void> {
            Result<T> result = work(tx);
            if (!result)
                return result.error();
            value.emplace(std::move(result).value());
            return {};
        });
        if (!done)
            return done.error();
        return std::move(*value);
    }

protected:
    Store() = default;
};

} // namespace gatehouse
