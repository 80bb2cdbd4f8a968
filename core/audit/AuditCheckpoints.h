#pragma once

#include "AuditCheckpoint.h"
#include "AuditSigningKeys.h"
#include "model/Result.h"
#include "store/SqlTransaction.h"

#include <QDateTime>
#include <QList>
#include <optional>

namespace gatehouse::AuditCheckpoints {

// Signs the log as it stands (its head) and stores the checkpoint. The caller appends the
// audit record that announces it in the same transaction, so the chain itself lists every
// checkpoint ever made and a deleted one is noticed.
Result<AuditCheckpoint> create(SqlTransaction &tx, const AuditSigningKeys &keys,
                               const QString &logId, const QDateTime &now);

// Whether a scheduled checkpoint has anything new to sign: records other than the
// announcement of the last checkpoint, or no checkpoint yet and any record.
Result<bool> due(SqlTransaction &tx);

// Stored checkpoints, oldest first.
Result<QList<AuditCheckpoint>> all(SqlTransaction &tx, const QString &logId);
// Those that sign more than `size` records, oldest first: what a copy kept up to `size` lacks.
Result<QList<AuditCheckpoint>> after(SqlTransaction &tx, const QString &logId, qint64 size);
Result<std::optional<AuditCheckpoint>> latest(SqlTransaction &tx, const QString &logId);

} // namespace gatehouse::AuditCheckpoints
