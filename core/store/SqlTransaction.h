#pragma once

#include "model/Result.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariant>
#include <QVariantList>

#include <functional>

namespace gatehouse {

// One open transaction on one connection, handed to Store::transaction() work. Statements
// bind every value as a parameter; a failure comes back as an Error with a message fit for a
// user (the SQL and driver text go only to the debug log).
class SqlTransaction
{
public:
    using ErrorMapper = std::function<Error(const QSqlError &, const QString &what)>;

    SqlTransaction(QSqlDatabase database, ErrorMapper mapError);

    // Prepares and runs `sql` with positional `?` parameters. The query is positioned before
    // its first row.
    Result<QSqlQuery> exec(const QString &sql, const QVariantList &parameters = {});

    // The first column of the first row, or a null QVariant when there is no row.
    Result<QVariant> scalar(const QString &sql, const QVariantList &parameters = {});

    QSqlDatabase database() const { return m_database; }
    // On PostgreSQL rather than SQLite: for the few statements the two spell differently.
    bool postgres() const;

private:
    QSqlDatabase m_database;
    ErrorMapper m_mapError;
};

} // namespace gatehouse
