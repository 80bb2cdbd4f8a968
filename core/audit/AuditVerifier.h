#pragma once

#include "AuditCheckpoint.h"
#include "AuditVerification.h"
#include "model/Result.h"
#include "store/SqlTransaction.h"

#include <QByteArray>
#include <QList>

#include <functional>

namespace gatehouse {

// Checks the audit log against its hash chain and its signed checkpoints (SEC-45) and reports
// every problem, not just the first. Kinds:
//   edited           a record (or a lookup column) differs from what was chained
//   reordered        a record sits at another sequence number than it was chained at
//   missing          records were deleted from the middle
//   unchained        a record has no hashes
//   truncated        records at the end were deleted (the chain's head, or a signed checkpoint,
//                    says there were more)
//   extra            records follow the chain's recorded head
//   rollback         a checkpoint the caller holds covers records the log no longer has
//   checkpoint-mismatch       the log differs from what a checkpoint signed
//   checkpoint-signature      a checkpoint's signature is wrong
//   checkpoint-untrusted-key  a checkpoint is signed by a key not among the trusted ones
//   checkpoint-missing        checkpoints the log or the checkpoint chain names are gone
//   checkpoint-other-log      a checkpoint the caller holds belongs to another log
class AuditVerifier
{
public:
    // Called now and then with records checked so far and their total; return false to stop.
    using Progress = std::function<bool(qint64 done, qint64 total)>;

    AuditVerifier(QString logId, QList<QByteArray> trustedPublicKeys);

    // Checkpoints held outside the store (exported earlier): the log must extend each.
    void addHeldCheckpoint(const AuditCheckpoint &checkpoint) { m_held.append(checkpoint); }

    // Reads in `tx` (a read transaction, so one consistent snapshot). Fails only when the
    // store cannot be read or `progress` asks to stop.
    Result<AuditVerification> verify(SqlTransaction &tx, const Progress &progress = {}) const;

    // Only the held checkpoints, against the log's end as it stands (kinds rollback,
    // checkpoint-mismatch, missing, checkpoint-signature, checkpoint-untrusted-key,
    // checkpoint-other-log), without reading the records in between: a few lookups whatever
    // the log's size, so a server can afford it at every start. What only verify() finds
    // (records edited or deleted before a checkpoint) is not looked for.
    Result<AuditVerification> verifyHeldOnly(SqlTransaction &tx) const;

private:
    class Run;

    QString m_logId;
    QList<QByteArray> m_trusted;
    QList<AuditCheckpoint> m_held;
};

} // namespace gatehouse
