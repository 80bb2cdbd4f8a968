#include "SqlTransaction.h"

#include "StoreLog.h"

#include <QSqlError>

namespace gatehouse {

SqlTransaction::SqlTransaction(QSqlDatabase database, ErrorMapper mapError)
    : m_database(std::move(database)),
      m_mapError(std::move(mapError))
{}

Result<QSqlQuery> SqlTransaction::exec(const QString &sql, const QVariantList &parameters)
{
    QSqlQuery query(m_database);
    query.setForwardOnly(true);
    if (!query.prepare(sql)) {
        qCWarning(lcStore) << "prepare failed:" << query.lastError().text();
        return m_mapError(query.lastError(), QStringLiteral("prepare a statement"));
    }
    for (const QVariant &parameter : parameters)
        query.addBindValue(parameter);
    if (!query.exec()) {
        qCWarning(lcStore) << "statement failed:" << query.lastError().text();
        return m_mapError(query.lastError(), QStringLiteral("run a statement"));
    }
    return query;
}

Result<QVariant> SqlTransaction::scalar(const QString &sql, const QVariantList &parameters)
{
    Result<QSqlQuery> query = exec(sql, parameters);
    if (!query)
        return query.error();
    if (!query->next())
        return QVariant();
    return query->value(0);
}

} // namespace gatehouse
