#pragma once

#include "model/IsoTime.h"

#include "model/Result.h"
#include "model/User.h"
#include "store/SqlTransaction.h"

#include <QJsonObject>

namespace gatehouse::UserRows {

// The column list every user query selects, in the order fromRow() reads.
QString columns();
// Maps the current row of a query over columns(); roles are filled by loadRoles().
User fromRow(const QSqlQuery &query);
Result<void> loadRoles(SqlTransaction &tx, QList<User> &users);

// NotFound (the same for a missing id and an unknown name, so ids cannot be probed).
Result<User> byId(SqlTransaction &tx, const QString &id);
Result<User> byUsernameOrEmail(SqlTransaction &tx, const QString &typed);

// How many active owners there are, for the last-owner guard.
Result<int> activeOwnerCount(SqlTransaction &tx);

// The user as audit records and `--json` show it: no secrets.
QJsonObject toJson(const User &user);

using gatehouse::isoUtc;
QDateTime fromIso(const QVariant &value);

} // namespace gatehouse::UserRows
