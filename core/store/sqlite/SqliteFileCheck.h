#pragma once

#include "model/Result.h"

#include <QString>

namespace gatehouse {

// Checks made on a store file before SQLite is allowed to touch it. SQLite happily treats a
// zero-byte file as a fresh database and writes journal files beside anything it opens, so
// everything that can be decided from the file system is decided here, read-only.
namespace SqliteFileCheck {

// The file must exist, be a regular file we may read and write, be private to its owner, hold
// a SQLite header, and sit in a folder we may write (SQLite keeps its -wal and -shm files
// there).
Result<void> existingStore(const QString &path);

// Nothing may exist at `path` (not even a dangling link), and its folder must exist.
Result<void> newStore(const QString &path);

// Creates the empty file for a new store, exclusively and with mode 0600.
Result<void> createPrivateFile(const QString &path);

// Removes a store file and its journal files; only for a store this process just created.
void removeStoreFiles(const QString &path);

} // namespace SqliteFileCheck
} // namespace gatehouse
