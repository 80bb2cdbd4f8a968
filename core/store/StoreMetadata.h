#pragma once

#include "SqlTransaction.h"
#include "Store.h"
#include "model/Result.h"

#include <QDateTime>

namespace gatehouse {

struct Migration;

// The rows every store keeps about itself, the same in each dialect: its identity
// (store_metadata) and its schema history (schema_migrations).
namespace StoreMetadata {

// A new store's identity: a random id and when and by what it was made.
Result<void> write(SqlTransaction &tx, const QDateTime &now);
// The id, creation time and schema version into `info`; Integrity when the identity is gone.
Result<void> read(SqlTransaction &tx, StoreInfo &info);
// Runs `migration`'s statements and records it as applied.
Result<void> apply(SqlTransaction &tx, const Migration &migration, const QDateTime &now);

} // namespace StoreMetadata

} // namespace gatehouse
