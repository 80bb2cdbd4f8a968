#pragma once

#include "model/Page.h"
#include "model/Result.h"
#include "model/User.h"
#include "model/UserQuery.h"
#include "store/SqlTransaction.h"

#include <QJsonObject>

namespace gatehouse::UserSearch {

// Runs a directory search as one SQL statement over fixed fragments (no identifier is ever
// built from input), keyset-paginated on (sort key, id) so pages stay stable while users are
// added. Page tokens carry a fingerprint of the query and are refused for any other query.
// A few bounded, index-only counts first choose how the statement runs (see UserSearch.cpp);
// they never change what it returns.
Result<Page<User>> run(SqlTransaction &tx, const UserQuery &query, const QDateTime &now);

// The query as audit records show it.
QJsonObject describe(const UserQuery &query);

} // namespace gatehouse::UserSearch
