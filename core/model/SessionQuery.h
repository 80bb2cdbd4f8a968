#pragma once

#include "Session.h"

#include <QDateTime>
#include <QString>

#include <optional>

namespace gatehouse {

// A session listing: filters combine with AND; results come newest first, in pages keyed on
// (createdAt, id), so pages stay stable while sessions start.
struct SessionQuery {
    QString userId; // empty = every user the caller may see
    std::optional<Session::Status> status; // as of the server's clock
    QString sourceIp; // exact match
    QDateTime createdAfter; // inclusive; invalid = no bound
    QDateTime createdBefore; // exclusive; invalid = no bound
    int pageSize = 50; // 1..1000
    QString pageToken; // from the previous page's nextPageToken
};

} // namespace gatehouse
