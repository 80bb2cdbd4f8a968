#pragma once

#include "Permission.h"
#include "model/Actor.h"
#include "model/Result.h"
#include "model/ServiceToken.h"
#include "model/User.h"
#include "store/SqlTransaction.h"

#include <QSet>

namespace gatehouse {

// Decides, inside the operation's own transaction, whether an actor may do something. The
// actor's account and roles are read from the store on every check, so a disabled account or
// a removed role stops working on the next call (SEC-31, SEC-33).
//
// A caller acting through a service token (Actor::credential == ServiceToken) gets its owner's
// current permissions narrowed by the token's scopes, read from the store on every check too:
// "admin" keeps them all, "admin:read" only the read permissions (*:read), "introspect" none.
class AccessControl
{
public:
    struct Grant {
        QList<Role> roles;
        QSet<Permission> permissions;
        // The scopes a token created or rotated by this caller may carry: every scope for a
        // person, only the token's own for a caller acting through a service token.
        QList<ServiceTokenScope> scopes;
        // The MFA policy requires a second factor for these roles and the caller's session
        // did not pass one: every permission is withheld until they sign in with a code.
        bool mfaMissing = false;
        // Acting through a token without the "admin" scope ("admin:read" only): it changes
        // nothing, not even what its owner may change without a permission (their own
        // sessions and tokens), since a read-only credential must stay read-only.
        bool readOnly = false;
        bool has(Permission permission) const { return permissions.contains(permission); }
        // PermissionDenied for a read-only grant; for the changes a caller may make to their
        // own objects without a permission.
        Result<void> requireMayChangeOwn() const;
    };

    // What the actor may do now. Unauthenticated for anonymous callers, for users whose
    // account is gone or disabled, and for a service token (actor.accessKeyId) that is gone,
    // revoked, deactivated or not the actor's. A token's expiry and secret are checked where
    // it is presented (ServiceTokens::validate), which is every request.
    static Result<Grant> grantOf(SqlTransaction &tx, const Actor &actor);

    // PermissionDenied unless the actor holds `permission`.
    static Result<Grant> require(SqlTransaction &tx, const Actor &actor, Permission permission);

    // Whether a holder of `grant` may give or take `role`: only roles whose permissions the
    // granter holds itself, and the owner role only with OwnersManage.
    static bool mayAssign(const Grant &grant, Role role);

    // Owners' accounts are managed only by owners: PermissionDenied otherwise.
    static Result<void> checkMayManage(const Grant &grant, const User &target);

    // What a service token with `scopes` lets an owner holding `roles` do: the roles'
    // permissions narrowed by the scopes, the rule grantOf() applies on every call.
    static QSet<Permission> tokenPermissions(const QList<Role> &roles,
                                             const QList<ServiceTokenScope> &scopes);

    // Nobody hands out more than they hold: a caller may issue (create or rotate) a secret for
    // a token only if everything that token lets its owner do is allowed to the caller too,
    // and, acting through a token, only with scopes of their own ("admin" covers "admin:read").
    // PermissionDenied otherwise.
    static Result<void> checkMayIssue(const Grant &grant, const QList<Role> &ownerRoles,
                                      const QList<ServiceTokenScope> &scopes);

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
