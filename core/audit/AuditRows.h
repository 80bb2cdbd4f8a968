#pragma once

#include "AuditRow.h"
#include "model/Result.h"
#include "store/SqlTransaction.h"

#include <QSqlQuery>

namespace gatehouse::AuditRows {

// The columns fromQuery() reads, in its order.
extern const QString kColumns;

AuditRow fromQuery(const QSqlQuery &query);
Result<void> insert(SqlTransaction &tx, const AuditRow &row);

} // namespace gatehouse::AuditRows
