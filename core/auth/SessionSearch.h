#pragma once

#include "model/Page.h"
#include "model/Result.h"
#include "model/Session.h"
#include "model/SessionQuery.h"
#include "store/SqlTransaction.h"

#include <QJsonObject>

namespace gatehouse::SessionSearch {

static constexpr int kMaxPageSize = 1000;

// Runs a listing as one SQL statement over fixed fragments, newest first, keyset-paginated on
// (created_at, id). `onlyUserId`, when set, restricts the listing to that user whatever the
// query says (callers without sessions:read see only their own). Page tokens carry a
// fingerprint of the query and are refused for any other query.
Result<Page<Session>> run(SqlTransaction &tx, const SessionQuery &query, const QDateTime &now,
                          const QString &onlyUserId);

// The query as audit records show it.
QJsonObject describe(const SessionQuery &query);

} // namespace gatehouse::SessionSearch
