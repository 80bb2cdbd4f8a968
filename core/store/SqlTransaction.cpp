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
    // Forward-only saves SQLite memory; Qt's PostgreSQL driver would read such a query a row
    // at a time, and lose the rest when another statement runs meanwhile.
    query.setForwardOnly(!postgres());
    // PostgreSQL prepares only SELECT, INSERT, UPDATE and DELETE: a statement without
    // parameters (BEGIN, DDL, SAVEPOINT) runs as it is. Either way nothing is built from input.
    if (parameters.isEmpty()) {
        if (!query.exec(sql)) {
            qCWarning(lcStore) << "statement failed:" << query.lastError().text();
            return m_mapError(query.lastError(), QStringLiteral("run a statement"));
        }
        return query;
    }
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

bool SqlTransaction::postgres() const
{
    return m_database.driverName() == u"QPSQL";
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
