#pragma once

#include "model/Result.h"

#include <QSqlError>
#include <QString>

namespace gatehouse {

// Turns a SQLite failure into an Error a user can act on. The driver's own text (which may
// quote SQL) is never part of the message. `what` says what Gatehouse was doing.
Error sqliteError(const QSqlError &error, const QString &what);

// The primary SQLite result code of a Qt SQL error (SQLITE_BUSY = 5, ...), or -1.
int sqlitePrimaryCode(const QSqlError &error);

} // namespace gatehouse
