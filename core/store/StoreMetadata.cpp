#include "StoreMetadata.h"

#include "Migrations.h"
#include "model/IsoTime.h"

#include <QUuid>

namespace gatehouse::StoreMetadata {

Result<void> write(SqlTransaction &tx, const QDateTime &now)
{
    Result<QSqlQuery> identity =
        tx.exec(QStringLiteral("INSERT INTO store_metadata (singleton, store_id, created_at,"
                               " created_by) VALUES (1, ?, ?, ?)"),
                {QUuid::createUuid().toString(QUuid::WithoutBraces), isoUtc(now),
                 QStringLiteral("Gatehouse " GATEHOUSE_VERSION)});
    return identity ? Result<void>() : Result<void>(identity.error());
}

Result<void> read(SqlTransaction &tx, StoreInfo &info)
{
    Result<QSqlQuery> row = tx.exec(
        QStringLiteral("SELECT store_id, created_at, (SELECT max(version) FROM schema_migrations)"
                       " FROM store_metadata WHERE singleton = 1"));
    if (!row)
        return row.error();
    if (!row->next()) {
        return makeError(ErrorCode::Integrity,
                         QStringLiteral("the store has no identity record; it is damaged. "
                                        "Restore it from a backup."));
    }
    info.storeId = row->value(0).toString();
    info.createdAt = QDateTime::fromString(row->value(1).toString(), Qt::ISODateWithMs);
    info.schemaVersion = row->value(2).toInt();
    return {};
}

Result<void> apply(SqlTransaction &tx, const Migration &migration, const QDateTime &now)
{
    for (const QString &statement : migration.statements) {
        if (Result<QSqlQuery> done = tx.exec(statement); !done)
            return done.error();
    }
    Result<QSqlQuery> recorded =
        tx.exec(QStringLiteral(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"),
                {migration.version, migration.name, isoUtc(now)});
    return recorded ? Result<void>() : Result<void>(recorded.error());
}

} // namespace gatehouse::StoreMetadata
