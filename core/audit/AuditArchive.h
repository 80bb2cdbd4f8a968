#pragma once

#include "AuditCheckpoint.h"
#include "model/Result.h"
#include "store/SqlTransaction.h"

#include <QDateTime>
#include <QJsonObject>
#include <QStringList>

#include <functional>

namespace gatehouse {

// Moves the oldest audit records out of the live table into CloudTrail-format files, as
// CloudTrail delivers them to S3 (so `trail import` reads them like any trail):
//     <folder>/AWSLogs/<logId>/Gatehouse/local/YYYY/MM/DD/<logId>_Gatehouse_local_<YYYYMMDDTHHmmZ>_<n>.json.gz
// one file per UTC day, each {"Records":[...]} in sequence order, and beside them, under
// Gatehouse-Digest/, a manifest naming each file's records, SHA-256 and the chain hashes at
// both ends, with the signed checkpoint made just before.
//
// Only a contiguous run from the oldest record is archived (the records older than the
// cutoff), and only when its chain is intact: archiving never launders a tampered record.
// The chain's base moves to the last record archived, so what remains still verifies; the
// archive record the caller appends in the same transaction names that base, which is how
// verify tells an archive from a deletion.
namespace AuditArchive {

struct Outcome {
    qint64 firstSequence = 0;
    qint64 lastSequence = 0; // 0 when nothing was old enough
    QStringList files; // written, relative to the folder
    QString manifest;
};

// `sign` makes the checkpoint written beside the files; it is called only when there is
// something to archive.
Result<Outcome> archive(SqlTransaction &tx, const QString &logId, const QDateTime &cutoff,
                        const QString &folder,
                        const std::function<Result<AuditCheckpoint>()> &sign);

} // namespace AuditArchive
} // namespace gatehouse
