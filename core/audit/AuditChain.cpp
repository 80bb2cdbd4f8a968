#include "AuditChain.h"

#include "AuditRows.h"
#include "crypto/Hash.h"

#include <QtEndian>

namespace gatehouse::AuditChain {

namespace {

// Changing anything here changes every hash: a new encoding needs a new tag.
constexpr QByteArrayView kDomainTag = "gatehouse.audit.entry.v1";

void appendField(QByteArray &out, const QByteArray &bytes)
{
    char length[4];
    qToBigEndian<quint32>(quint32(bytes.size()), length);
    out.append(length, sizeof length);
    out.append(bytes);
}

// An empty column is stored as NULL and read back as a null string: both hash as empty.
void appendText(QByteArray &out, const QString &text)
{
    appendField(out, text.toUtf8());
}

Result<Position> readPosition(SqlTransaction &tx, const QString &sql)
{
    Result<QSqlQuery> query = tx.exec(sql);
    if (!query)
        return query.error();
    if (!query->next()) {
        return makeError(ErrorCode::Integrity,
                         QStringLiteral("The audit chain's state is missing from the store. "
                                        "Restore the store from a backup."));
    }
    return Position{query->value(0).toLongLong(), query->value(1).toByteArray()};
}

// Records written before the chain existed get their hashes once, when the chain starts: only
// while it has never moved and nothing was ever signed, so rows emptied later are reported by
// verify instead of being quietly re-chained.
Result<Position> chainUnchainedRecords(SqlTransaction &tx, Position head)
{
    Result<QVariant> signedBefore =
        tx.scalar(QStringLiteral("SELECT count(*) FROM audit_checkpoints"));
    if (!signedBefore)
        return signedBefore.error();
    if (signedBefore->toLongLong() > 0)
        return head;
    Result<QSqlQuery> rows = tx.exec(QStringLiteral("SELECT ") + AuditRows::kColumns
                                     + QStringLiteral(" FROM audit_events ORDER BY seq"));
    if (!rows)
        return rows.error();
    // Read first, then written: a statement run while rows are being read would end the read
    // on PostgreSQL.
    QList<AuditRow> pending;
    while (rows->next())
        pending.append(AuditRows::fromQuery(*rows));
    for (const AuditRow &row : pending) {
        const QByteArray hash = entryHash(row.seq, head.hash, row);
        Result<QSqlQuery> updated = tx.exec(
            QStringLiteral("UPDATE audit_events SET prev_hash = ?, entry_hash = ? WHERE seq = ?"),
            {head.hash, hash, row.seq});
        if (!updated)
            return updated.error();
        head = {row.seq, hash};
    }
    return head;
}

} // namespace

QByteArray entryHash(qint64 seq, const QByteArray &prevHash, const AuditRow &row)
{
    QByteArray bytes;
    bytes.reserve(row.record.size() + 512);
    bytes.append(kDomainTag);
    bytes.append('\0');
    char seqBytes[8];
    qToBigEndian<qint64>(seq, seqBytes);
    bytes.append(seqBytes, sizeof seqBytes);
    appendField(bytes, prevHash);
    appendText(bytes, row.eventId);
    appendText(bytes, row.eventTime);
    appendText(bytes, row.eventSource);
    appendText(bytes, row.eventName);
    appendField(bytes, row.readOnly ? QByteArrayLiteral("1") : QByteArrayLiteral("0"));
    appendText(bytes, row.username);
    appendText(bytes, row.accessKeyId);
    appendText(bytes, row.sourceIp);
    appendText(bytes, row.errorCode);
    appendText(bytes, row.resourceType);
    appendText(bytes, row.resourceName);
    appendField(bytes, row.record);
    return crypto::sha256(bytes);
}

Result<Position> head(SqlTransaction &tx)
{
    return readPosition(tx, QStringLiteral("SELECT head_seq, head_hash FROM audit_chain"));
}

Result<Position> base(SqlTransaction &tx)
{
    return readPosition(tx, QStringLiteral("SELECT base_seq, base_hash FROM audit_chain"));
}

Result<void> append(SqlTransaction &tx, AuditRow &row)
{
    Result<Position> last = head(tx);
    if (!last)
        return last.error();
    if (last->seq == 0) {
        last = chainUnchainedRecords(tx, *last);
        if (!last)
            return last.error();
    }
    row.seq = last->seq + 1;
    row.prevHash = last->hash;
    row.entryHash = entryHash(row.seq, row.prevHash, row);
    if (Result<void> inserted = AuditRows::insert(tx, row); !inserted)
        return inserted;
    Result<QSqlQuery> moved =
        tx.exec(QStringLiteral("UPDATE audit_chain SET head_seq = ?, head_hash = ?"),
                {row.seq, row.entryHash});
    if (!moved)
        return moved.error();
    return {};
}

} // namespace gatehouse::AuditChain
