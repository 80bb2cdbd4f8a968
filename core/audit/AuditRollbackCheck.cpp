#include "AuditRollbackCheck.h"

#include "model/IsoTime.h"

#include "AuditCheckpoints.h"
#include "AuditSigningKeys.h"
#include "AuditVerifier.h"

#include <QStringList>

namespace gatehouse::AuditRollbackCheck {

namespace {

Error refused(const QString &message)
{
    return makeError(ErrorCode::Integrity, message);
}

// How a folder takes up the checkpoints a store already has: on purpose, by whoever runs it.
QString adoption(const QString &folder, const StoreInfo &store)
{
    return QStringLiteral("export the store's checkpoints into it first (`gatehousectl --db %1 "
                          "audit checkpoint --export %2 --as OWNER`) and start again")
        .arg(store.location, folder);
}

// What to do when the store really is the newest copy there is: the checkpoints stay as
// evidence of what was lost, and the store's own start a new line of them.
QString lastResort(const QString &folder, const StoreInfo &store)
{
    return QStringLiteral(" Only if no newer copy exists and the missing records are lost for "
                          "good: move the checkpoint files out of %1 (keep them: they prove what "
                          "was lost), then %2.")
        .arg(folder, adoption(folder, store));
}

Error explain(const AuditVerification &verification, const AuditCheckpointFolder::Found &newest,
              const StoreInfo &store, const QString &folder)
{
    const AuditCheckpoint &checkpoint = newest.checkpoint;
    const QString when = isoUtc(checkpoint.time);
    if (verification.lastSequence == 0) {
        return refused(QStringLiteral("The store holds no audit log, but the checkpoint exported "
                                      "to %1 on %2 covers %3 audit records of store %4: the "
                                      "store was emptied or created anew. Restore the newest "
                                      "backup of the store.")
                           .arg(folder, when)
                           .arg(checkpoint.size)
                           .arg(checkpoint.logId)
                       + lastResort(folder, store));
    }
    const AuditProblem &first = verification.problems.first();
    if (first.kind == u"checkpoint-other-log") {
        return refused(QStringLiteral("This store (%1) is not the one whose audit checkpoints are "
                                      "in %2: the newest, of %3, belongs to store %4. Point the "
                                      "server at that store or restore its newest backup; a new "
                                      "store needs a checkpoint folder of its own.")
                           .arg(store.storeId, folder, when, checkpoint.logId));
    }
    if (first.kind == u"rollback") {
        return refused(QStringLiteral("The audit log was rolled back: the store ends at audit "
                                      "record %1, but the checkpoint exported to %2 on %3 covers "
                                      "%4 records. The store was replaced by an older copy, or "
                                      "its newest records were deleted. Restore the newest "
                                      "backup of the store (one with at least %4 audit "
                                      "records).")
                           .arg(verification.lastSequence)
                           .arg(folder, when)
                           .arg(checkpoint.size)
                       + lastResort(folder, store));
    }
    if (first.kind == u"checkpoint-untrusted-key" || first.kind == u"checkpoint-signature") {
        return refused(
            QStringLiteral("The newest audit checkpoint, %1, does not verify: %2 Either the file "
                           "is forged or damaged (compare it with the copy kept off this "
                           "machine, and put that copy back), or it is genuine and signed with "
                           "a rotated key that the audit keys file lacks (put back the keys "
                           "file that holds it, or its public keys file beside the checkpoints). "
                           "The store cannot be checked against it until then.")
                .arg(newest.file, first.message));
    }
    QStringList found;
    for (const AuditProblem &problem : verification.problems)
        found.append(problem.message);
    return refused(QStringLiteral("The store's audit log does not extend the checkpoint exported "
                                  "to %1 on %2 (%3 records): %4 Restore the newest backup of the "
                                  "store, and compare the checkpoints in %1 with the copies kept "
                                  "off this machine.")
                       .arg(folder, when)
                       .arg(checkpoint.size)
                       .arg(found.join(QLatin1Char(' '))));
}

Error uncheckable(const QString &reason)
{
    return refused(QStringLiteral("The audit checkpoint folder cannot be checked: %1 Fix it; the "
                                  "server does not start without knowing whether the store was "
                                  "rolled back.")
                       .arg(reason));
}

// An empty folder: fine for a new store, refused for one that already made checkpoints.
Result<void> checkNothingExported(Store &store, const QString &folder)
{
    const StoreInfo info = store.info();
    Result<std::optional<AuditCheckpoint>> latest = store.transact<std::optional<AuditCheckpoint>>(
        Store::Access::Read,
        [&](SqlTransaction &tx) { return AuditCheckpoints::latest(tx, info.storeId); });
    if (!latest)
        return latest.error();
    if (!*latest)
        return {};
    return refused(QStringLiteral("The audit checkpoint folder %1 holds no checkpoints, but the "
                                  "store already has some (the newest, of %2, covers %3 audit "
                                  "records): it may be the wrong folder or one emptied, and "
                                  "taking the store's word for it would accept a rolled-back "
                                  "store. Point the server at the folder that holds them; or, to "
                                  "adopt this store as it stands, %4.")
                       .arg(folder, isoUtc((*latest)->time))
                       .arg((*latest)->size)
                       .arg(adoption(folder, info)));
}

} // namespace

Result<void> check(Store &store, const QString &auditKeysPath, const AuditCheckpointFolder &folder)
{
    if (!folder.exists()) {
        return refused(QStringLiteral("The audit checkpoint folder %1 does not exist. The server "
                                      "does not create it: a missing folder may be a mount that "
                                      "failed, and checking nothing is no check. Create it (or "
                                      "mount it) and start again.")
                           .arg(folder.path()));
    }
    Result<std::optional<AuditCheckpointFolder::Found>> newest = folder.newest();
    if (!newest)
        return uncheckable(newest.error().message);
    if (!*newest)
        return checkNothingExported(store, folder.path());
    // A key file restored together with an older store may lack a newer key; the public keys
    // exported beside the checkpoints still name it.
    Result<QList<QByteArray>> trusted = folder.publicKeys();
    if (!trusted)
        return uncheckable(trusted.error().message);
    if (Result<AuditSigningKeys> keys = AuditSigningKeys::load(auditKeysPath))
        *trusted += keys->trustedPublicKeys();
    const StoreInfo info = store.info();
    AuditVerifier verifier(info.storeId, *trusted);
    verifier.addHeldCheckpoint((*newest)->checkpoint);
    Result<AuditVerification> verification = store.transact<AuditVerification>(
        Store::Access::Read, [&](SqlTransaction &tx) { return verifier.verifyHeldOnly(tx); });
    if (!verification)
        return verification.error();
    if (verification->ok())
        return {};
    return explain(*verification, **newest, info, folder.path());
}

QString expectation(const AuditCheckpointFolder &folder)
{
    Result<std::optional<AuditCheckpointFolder::Found>> newest = folder.newest();
    if (!newest || !*newest)
        return {};
    const AuditCheckpoint &checkpoint = (*newest)->checkpoint;
    return QStringLiteral("The checkpoint exported to %1 on %2 shows that store %3 held %4 audit "
                          "records then: restore the newest backup of it.")
        .arg(folder.path(), isoUtc(checkpoint.time), checkpoint.logId)
        .arg(checkpoint.size);
}

} // namespace gatehouse::AuditRollbackCheck
