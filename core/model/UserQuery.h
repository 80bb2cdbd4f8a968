#pragma once

#include "Role.h"
#include "User.h"

#include <QDateTime>
#include <QString>

#include <optional>

namespace gatehouse {

// A directory search: filters combine with AND; results come in pages in a stable order.
struct UserQuery {
    enum class SortKey { Username, Email, CreatedAt, LastLogin };

    QString prefix; // matches the start of username, e-mail or display name (case-insensitive)
    std::optional<User::Status> status;
    std::optional<Role> role;
    std::optional<bool> mfaEnrolled;
    std::optional<bool> locked;
    QDateTime lastLoginBefore; // invalid = no bound; users who never logged in count as before
    QDateTime lastLoginAfter;
    SortKey sortKey = SortKey::Username;
    bool descending = false;
    int pageSize = 50; // 1..1000
    QString pageToken; // from the previous page's nextPageToken
};

} // namespace gatehouse
