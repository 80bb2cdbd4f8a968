#pragma once

#include "Permission.h"
#include "model/Actor.h"
#include "model/Result.h"
#include "model/User.h"
#include "store/SqlTransaction.h"

#include <QSet>

namespace gatehouse {

// Decides, inside the operation's own transaction, whether an actor may do something. The
// actor's account and roles are read from the store on every check, so a disabled account or
// a removed role stops working on the next call (SEC-31, SEC-33).
class AccessControl
{
public:
    struct Grant {
        QList<Role> roles;
        QSet<Permission> permissions;
        bool has(Permission permission) const { return permissions.contains(permission); }
    };

    // What the actor may do now. Unauthenticated for anonymous callers and for users whose
    // account is gone or disabled.
    static Result<Grant> grantOf(SqlTransaction &tx, const Actor &actor);

    // PermissionDenied unless the actor holds `permission`.
    static Result<Grant> require(SqlTransaction &tx, const Actor &actor, Permission permission);

    // Whether a holder of `grant` may give or take `role`: only roles whose permissions the
    // granter holds itself, and the owner role only with OwnersManage.
    static bool mayAssign(const Grant &grant, Role role);

    // Owners' accounts are managed only by owners: PermissionDenied otherwise.
    static Result<void> checkMayManage(const Grant &grant, const User &target);

    // What an operation on one user needs: the permission, the user (NotFound), and, for an
    // owner's account, owner rights.
    struct Managed {
        Grant grant;
        User target;
    };
    static Result<Managed> requireOver(SqlTransaction &tx, const Actor &actor,
                                       Permission permission, const QString &userId);
};

} // namespace gatehouse
