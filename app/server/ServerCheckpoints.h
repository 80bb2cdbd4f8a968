#pragma once

#include "audit/AuditCheckpoint.h"
#include "audit/AuditCheckpointFolder.h"
#include "model/Result.h"
#include "store/Store.h"

#include <QByteArray>
#include <QList>
#include <QMutex>
#include <QString>

namespace gatehouse {
class AuditTrail;
}

namespace gatehouse::server {

class Metrics;

// The server's checkpoint folder (GATEHOUSE_CHECKPOINT_DIR, catalogue F5). A hash chain cannot
// tell an older copy of the whole store from the real one; the folder, copied off the machine,
// can. So: before serving, the store must extend the folder's newest checkpoint; from then on
// every checkpoint made goes into the folder with the public keys that verify it, the same
// files as `gatehousectl audit checkpoint --export` writes.
class ServerCheckpoints
{
public:
    ServerCheckpoints(Store &store, QString auditKeysPath, const QString &folder, Metrics &metrics);

    // Before serving: Integrity saying what was wrong and what to do if the store does not
    // extend the newest checkpoint in the folder, or the folder is missing, or empty while
    // the store has checkpoints (AuditRollbackCheck); then the store's checkpoints newer than
    // the folder's newest are written to it.
    Result<void> prepare();

    // The ServiceContext's listener, told of a checkpoint once it is committed: exports every
    // checkpoint the folder lacks (so one that failed before goes out with this one). A
    // failure is counted (gatehouse_checkpoint_export_failures_total) and logged, not
    // returned: the checkpoint is in the store either way, and the next export retries.
    void exportAfter(const AuditCheckpoint &made) const;

    // A checkpoint when anything was recorded since the last one (scheduled, and when
    // stopping, so the folder knows how far the log had come), then whatever the folder still
    // lacks. An error when either failed, so the last one at shutdown can fail the process.
    Result<void> signIfDue(const AuditTrail &audit) const;

    // For a store that cannot be opened: what the folder shows it held (may be empty).
    static QString expectation(const QString &folder);

private:
    // Writes the store's checkpoints newer than the folder's newest, with the public keys.
    Result<void> exportMissing() const;
    // exportMissing(), with a failure counted and logged.
    Result<void> exportOrReport() const;
    // The public keys that verify `checkpoints`, read from the keys file once and again only
    // when one is signed by a key not yet known (rotated since). Under m_writing.
    Result<QList<QByteArray>> publicKeysFor(const QList<AuditCheckpoint> &checkpoints) const;

    Store &m_store;
    QString m_keysPath;
    AuditCheckpointFolder m_folder;
    Metrics &m_metrics;
    // Workers may make checkpoints at the same time; one export at a time keeps the folder's
    // newest and the keys file consistent.
    mutable QMutex m_writing;
    mutable QList<QByteArray> m_publicKeys;
};

} // namespace gatehouse::server
