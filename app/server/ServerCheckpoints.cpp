#include "ServerCheckpoints.h"

#include "Metrics.h"
#include "audit/AuditCheckpoints.h"
#include "audit/AuditRollbackCheck.h"
#include "audit/AuditSigningKeys.h"
#include "auth/AuditTrail.h"

#include <QMutexLocker>

#include <algorithm>
#include <cstdio>

namespace gatehouse::server {

ServerCheckpoints::ServerCheckpoints(Store &store, QString auditKeysPath, const QString &folder,
                                     Metrics &metrics)
    : m_store(store),
      m_keysPath(std::move(auditKeysPath)),
      m_folder(folder),
      m_metrics(metrics)
{}

Result<void> ServerCheckpoints::prepare()
{
    if (Result<void> extended = AuditRollbackCheck::check(m_store, m_keysPath, m_folder); !extended)
        return extended;
    if (Result<void> exported = exportMissing(); !exported) {
        return makeError(exported.error().code,
                         QStringLiteral("Cannot write to the audit checkpoint folder: %1")
                             .arg(exported.error().message));
    }
    return {};
}

Result<QList<QByteArray>>
ServerCheckpoints::publicKeysFor(const QList<AuditCheckpoint> &checkpoints) const
{
    const bool known = !m_publicKeys.isEmpty()
        && std::all_of(checkpoints.cbegin(), checkpoints.cend(), [&](const AuditCheckpoint &c) {
               return c.check(m_publicKeys) != AuditCheckpoint::Check::UntrustedKey;
           });
    if (!known) {
        // The file that signed them: a checkpoint is only ever made with it in place.
        Result<AuditSigningKeys> keys = AuditSigningKeys::load(m_keysPath);
        if (!keys)
            return keys.error();
        m_publicKeys = keys->trustedPublicKeys();
    }
    return m_publicKeys;
}

Result<void> ServerCheckpoints::exportMissing() const
{
    const QMutexLocker lock(&m_writing);
    const QString logId = m_store.info().storeId;
    // Only what is newer than the folder's newest: one file read and a few rows, however many
    // checkpoints there are. Once the start's check has passed, the folder's newest is this
    // store's.
    Result<std::optional<AuditCheckpointFolder::Found>> newest = m_folder.newest();
    if (!newest)
        return newest.error();
    const qint64 exportedThrough =
        *newest && (*newest)->checkpoint.logId == logId ? (*newest)->checkpoint.size : 0;
    Result<QList<AuditCheckpoint>> missing =
        m_store.transact<QList<AuditCheckpoint>>(Store::Access::Read, [&](SqlTransaction &tx) {
            return AuditCheckpoints::after(tx, logId, exportedThrough);
        });
    if (!missing)
        return missing.error();
    if (missing->isEmpty())
        return {};
    Result<QList<QByteArray>> keys = publicKeysFor(*missing);
    if (!keys)
        return keys.error();
    return m_folder.write(*missing, logId, *keys);
}

Result<void> ServerCheckpoints::exportOrReport() const
{
    Result<void> exported = exportMissing();
    if (!exported) {
        m_metrics.count(Metrics::Event::CheckpointExportFailed);
        std::fprintf(stderr,
                     "gatehouse-server: audit checkpoints are in the store but could not be "
                     "written to the checkpoint folder (the next checkpoint tries again): %s\n",
                     qPrintable(exported.error().message));
    }
    return exported;
}

// The checkpoint told of is in the store, with any an earlier export missed.
void ServerCheckpoints::exportAfter(const AuditCheckpoint &) const
{
    (void)exportOrReport(); // counted and logged there
}

Result<void> ServerCheckpoints::signIfDue(const AuditTrail &audit) const
{
    // A checkpoint made is exported by the context's listener, like every other one.
    if (Result<std::optional<AuditCheckpoint>> made =
            audit.createScheduledCheckpoint(Actor::system());
        !made) {
        std::fprintf(stderr, "gatehouse-server: the scheduled audit checkpoint failed: %s\n",
                     qPrintable(made.error().message));
        return made.error();
    } else if (*made) {
        // The listener has just tried; said again only if the folder still lacks something.
        const QMutexLocker lock(&m_writing);
        if (m_folder.holds(**made))
            return {};
    }
    return exportOrReport();
}

QString ServerCheckpoints::expectation(const QString &folder)
{
    return AuditRollbackCheck::expectation(AuditCheckpointFolder(folder));
}

} // namespace gatehouse::server
