#pragma once

#include "AuditRow.h"
#include "model/Result.h"
#include "store/SqlTransaction.h"

#include <QByteArray>

namespace gatehouse {

// The hash chain over audit records (SEC-45). Record n stores the entry hash of record n-1
// and its own entry hash, SHA-256 over a domain tag, n, the previous hash and the row's fields
// in a fixed length-prefixed encoding. Changing, removing or moving any record therefore
// breaks the chain at that record; only a signed checkpoint can tell a rewritten chain (or a
// cut-off tail) from the real one.
namespace AuditChain {

constexpr int kHashLength = 32;

struct Position {
    qint64 seq = 0; // 0: before the first record
    QByteArray hash; // entry hash of record `seq` (32 zero bytes before the first)
};

QByteArray entryHash(qint64 seq, const QByteArray &prevHash, const AuditRow &row);

// The last record appended (head) and the last record archived (base).
Result<Position> head(SqlTransaction &tx);
Result<Position> base(SqlTransaction &tx);

// Inserts `row` as the next record after the head (filling seq and hashes) and moves the head.
// Records from before the chain existed are chained first, once.
Result<void> append(SqlTransaction &tx, AuditRow &row);

} // namespace AuditChain
} // namespace gatehouse
