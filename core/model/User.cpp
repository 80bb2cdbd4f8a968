#include "User.h"

namespace gatehouse {

QString userStatusName(User::Status status)
{
    return status == User::Status::Active ? QStringLiteral("active") : QStringLiteral("disabled");
}

} // namespace gatehouse
