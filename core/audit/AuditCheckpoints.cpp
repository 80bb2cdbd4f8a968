#include "AuditCheckpoints.h"

#include "AuditChain.h"

#include <QSqlQuery>

namespace gatehouse::AuditCheckpoints {

namespace {

const QString kSelect = QStringLiteral(
    "SELECT size, head_hash, created_at, previous_signature, key_fingerprint, signature"
    " FROM audit_checkpoints");

AuditCheckpoint fromQuery(const QSqlQuery &query, const QString &logId)
{
    AuditCheckpoint checkpoint;
    checkpoint.logId = logId;
    checkpoint.size = query.value(0).toLongLong();
    checkpoint.headHash = query.value(1).toByteArray();
    checkpoint.time = QDateTime::fromString(query.value(2).toString(), Qt::ISODateWithMs).toUTC();
    checkpoint.previousSignature = query.value(3).toByteArray();
    checkpoint.keyFingerprint = query.value(4).toString();
    checkpoint.signature = query.value(5).toByteArray();
    return checkpoint;
}

Result<QList<AuditCheckpoint>> select(SqlTransaction &tx, const QString &logId, const QString &tail,
                                      const QVariantList &bindings = {})
{
    Result<QSqlQuery> query = tx.exec(kSelect + tail, bindings);
    if (!query)
        return query.error();
    QList<AuditCheckpoint> checkpoints;
    while (query->next())
        checkpoints.append(fromQuery(*query, logId));
    return checkpoints;
}

} // namespace

Result<AuditCheckpoint> create(SqlTransaction &tx, const AuditSigningKeys &keys,
                               const QString &logId, const QDateTime &now)
{
    Result<AuditChain::Position> head = AuditChain::head(tx);
    if (!head)
        return head.error();
    Result<std::optional<AuditCheckpoint>> previous = latest(tx, logId);
    if (!previous)
        return previous.error();
    AuditCheckpoint checkpoint;
    checkpoint.logId = logId;
    checkpoint.size = head->seq;
    checkpoint.headHash = head->hash;
    // Stored and signed at millisecond precision, so the stored copy verifies.
    checkpoint.time = QDateTime::fromMSecsSinceEpoch(now.toMSecsSinceEpoch(), Qt::UTC);
    if (*previous)
        checkpoint.previousSignature = (*previous)->signature;
    Result<AuditCheckpoint> signedCheckpoint = AuditCheckpoint::sign(checkpoint, keys.signingKey());
    if (!signedCheckpoint)
        return signedCheckpoint.error();
    Result<QSqlQuery> inserted =
        tx.exec(QStringLiteral(
                    "INSERT INTO audit_checkpoints (size, head_hash, created_at,"
                    " previous_signature, key_fingerprint, signature) VALUES (?, ?, ?, ?, ?, ?)"),
                {signedCheckpoint->size, signedCheckpoint->headHash,
                 signedCheckpoint->time.toString(Qt::ISODateWithMs),
                 signedCheckpoint->previousSignature.isEmpty()
                     ? QVariant()
                     : QVariant(signedCheckpoint->previousSignature),
                 signedCheckpoint->keyFingerprint, signedCheckpoint->signature});
    if (!inserted)
        return inserted.error();
    return signedCheckpoint;
}

Result<bool> due(SqlTransaction &tx)
{
    Result<AuditChain::Position> head = AuditChain::head(tx);
    if (!head)
        return head.error();
    Result<QVariant> lastSize =
        tx.scalar(QStringLiteral("SELECT max(size) FROM audit_checkpoints"));
    if (!lastSize)
        return lastSize.error();
    if (lastSize->isNull())
        return head->seq > 0;
    return head->seq > lastSize->toLongLong() + 1;
}

Result<QList<AuditCheckpoint>> all(SqlTransaction &tx, const QString &logId)
{
    return select(tx, logId, QStringLiteral(" ORDER BY size"));
}

Result<QList<AuditCheckpoint>> after(SqlTransaction &tx, const QString &logId, qint64 size)
{
    return select(tx, logId, QStringLiteral(" WHERE size > ? ORDER BY size"), {size});
}

Result<std::optional<AuditCheckpoint>> latest(SqlTransaction &tx, const QString &logId)
{
    Result<QList<AuditCheckpoint>> last =
        select(tx, logId, QStringLiteral(" ORDER BY size DESC LIMIT 1"));
    if (!last)
        return last.error();
    if (last->isEmpty())
        return std::optional<AuditCheckpoint>();
    return std::optional<AuditCheckpoint>(last->first());
}

} // namespace gatehouse::AuditCheckpoints
