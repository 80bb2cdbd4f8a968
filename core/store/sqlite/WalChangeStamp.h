#pragma once

#include "store/ChangeStamp.h"

#include <QString>

#include <atomic>
#include <optional>

namespace gatehouse {

// Tells, without a query, a lock or a system call, whether anyone has committed to a SQLite
// database in WAL mode since the last look: every commit, from any connection in any process,
// rewrites the WAL-index header at the start of the "-shm" file (its change counter, last
// frame and salts; https://www.sqlite.org/walformat.html), which SQLite itself shares between
// processes through a memory map. This maps the file's first page read-only and reads it the
// way SQLite's readers do.
//
// The file must stay the one SQLite uses. SQLite removes or truncates it (to 3 bytes, never
// less, so the mapped page stays readable) only when no connection to the database is open,
// so the owner keeps one open for as long as it relies on the stamp.
class WalChangeStamp
{
public:
    explicit WalChangeStamp(const QString &databasePath);
    ~WalChangeStamp();
    WalChangeStamp(const WalChangeStamp &) = delete;
    WalChangeStamp &operator=(const WalChangeStamp &) = delete;

    // The header as it is now; nullopt when it cannot be read or is being rewritten this very
    // moment (its two copies differ), which callers treat as "changed".
    std::optional<ChangeStamp> read() const;

private:
    const QString m_databasePath;
    // The mapped first page of the -shm file, or null until it could be mapped.
    mutable std::atomic<const unsigned char *> m_header{nullptr};
};

} // namespace gatehouse
