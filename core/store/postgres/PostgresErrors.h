#pragma once

#include "model/Result.h"

#include <QSqlError>
#include <QString>

namespace gatehouse {

// Turns a PostgreSQL failure (QPSQL, whose native error code is the SQLSTATE) into an Error a
// user can act on; the server's text, which may quote SQL or values, is never in it. `what`
// says what Gatehouse was doing.
Error postgresError(const QSqlError &error, const QString &what);

// SQLSTATE 40001 (serialization failure) or 40P01 (deadlock): the transaction was rolled back
// and may simply run again.
bool isRetryable(const QSqlError &error);
// SQLSTATE class 08 or no state at all: the connection is gone; open a new one.
bool isConnectionLost(const QSqlError &error);

} // namespace gatehouse
