#include "AuditRows.h"

namespace gatehouse::AuditRows {

namespace {

QVariant orNull(const QString &text)
{
    return text.isEmpty() ? QVariant() : QVariant(text);
}

} // namespace

const QString kColumns = QStringLiteral(
    "seq, event_id, event_time, event_source, event_name, read_only, username, access_key_id,"
    " source_ip, error_code, resource_type, resource_name, record, prev_hash, entry_hash");

AuditRow fromQuery(const QSqlQuery &query)
{
    AuditRow row;
    row.seq = query.value(0).toLongLong();
    row.eventId = query.value(1).toString();
    row.eventTime = query.value(2).toString();
    row.eventSource = query.value(3).toString();
    row.eventName = query.value(4).toString();
    row.readOnly = query.value(5).toInt() != 0;
    row.username = query.value(6).toString();
    row.accessKeyId = query.value(7).toString();
    row.sourceIp = query.value(8).toString();
    row.errorCode = query.value(9).toString();
    row.resourceType = query.value(10).toString();
    row.resourceName = query.value(11).toString();
    row.record = query.value(12).toString().toUtf8();
    row.prevHash = query.value(13).toByteArray();
    row.entryHash = query.value(14).toByteArray();
    return row;
}

Result<void> insert(SqlTransaction &tx, const AuditRow &row)
{
    Result<QSqlQuery> inserted = tx.exec(
        QStringLiteral("INSERT INTO audit_events (") + kColumns
            + QStringLiteral(") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {row.seq, row.eventId, row.eventTime, row.eventSource, row.eventName, row.readOnly ? 1 : 0,
         orNull(row.username), orNull(row.accessKeyId), orNull(row.sourceIp), orNull(row.errorCode),
         orNull(row.resourceType), orNull(row.resourceName), QString::fromUtf8(row.record),
         row.prevHash, row.entryHash});
    if (!inserted)
        return inserted.error();
    return {};
}

} // namespace gatehouse::AuditRows
