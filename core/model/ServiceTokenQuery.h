#pragma once

#include "ServiceToken.h"

#include <QString>

#include <optional>

namespace gatehouse {

// A service token listing: filters combine with AND; results come newest first, in pages keyed
// on (createdAt, id), so pages stay stable while tokens are created.
struct ServiceTokenQuery {
    QString ownerId; // empty = every owner the caller may see
    std::optional<ServiceToken::Status> status; // as of the server's clock
    // Unrevoked tokens that have not expired yet but will within this many seconds (reminders).
    std::optional<qint64> expiringWithinSeconds;
    // Unrevoked, unexpired tokens whose current secret is older than the policy's rotation age.
    bool stale = false;
    int pageSize = 50; // 1..1000
    QString pageToken; // from the previous page's nextPageToken
};

} // namespace gatehouse
