#pragma once

#include "model/Result.h"

#include <QString>

namespace gatehouse {

// Checks made on a store file before SQLite is allowed to touch it. SQLite happily treats a
// zero-byte file as a fresh database, so everything that can be decided from the file's
// metadata is decided here. The file itself is never opened here: closing any descriptor of a
// file drops every POSIX lock this process holds on it, including SQLite's.
namespace SqliteFileCheck {

// The file must exist, be a non-empty regular file we may read and write, be private to its
// owner, and sit in a folder we may write (SQLite keeps its -wal and -shm files there).
Result<void> existingStore(const QString &path);

// Nothing may exist at `path` (not even a dangling link), and its folder must exist.
Result<void> newStore(const QString &path);

// Creates the empty file for a new store, exclusively and with mode 0600.
Result<void> createPrivateFile(const QString &path);

// Removes a store file and its journal files; only for a store this process just created.
void removeStoreFiles(const QString &path);

} // namespace SqliteFileCheck
} // namespace gatehouse
