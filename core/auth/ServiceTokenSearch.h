#pragma once

#include "ServiceTokenPolicy.h"
#include "model/Page.h"
#include "model/Result.h"
#include "model/ServiceToken.h"
#include "model/ServiceTokenQuery.h"
#include "store/SqlTransaction.h"

#include <QJsonObject>

namespace gatehouse::ServiceTokenSearch {

static constexpr int kMaxPageSize = 1000;

// Runs a listing as one SQL statement over fixed fragments, newest first, keyset-paginated on
// (created_at, id). `onlyOwnerId`, when set, restricts the listing to that owner whatever the
// query says (callers without tokens:read see only their own). `policy` supplies the rotation
// age of the stale filter. Page tokens carry a fingerprint of the query and are refused for
// any other query.
Result<Page<ServiceToken>> run(SqlTransaction &tx, const ServiceTokenQuery &query,
                               const QDateTime &now, const ServiceTokenPolicy &policy,
                               const QString &onlyOwnerId);

// The query as audit records show it.
QJsonObject describe(const ServiceTokenQuery &query);

} // namespace gatehouse::ServiceTokenSearch
