#include "AccessControl.h"

#include "UserRows.h"

namespace gatehouse {

namespace {

Error notSignedIn()
{
    return makeError(ErrorCode::Unauthenticated,
                     QStringLiteral("Sign in with an active administrator account."));
}

} // namespace

Result<AccessControl::Grant> AccessControl::grantOf(SqlTransaction &tx, const Actor &actor)
{
    Grant grant;
    if (actor.kind == Actor::Kind::System) {
        grant.roles = {Role::Owner};
        for (const Permission permission : permissionsOf(Role::Owner))
            grant.permissions.insert(permission);
        return grant;
    }
    if (actor.kind != Actor::Kind::User || actor.userId.isEmpty())
        return notSignedIn();

    Result<QSqlQuery> rows =
        tx.exec(QStringLiteral("SELECT u.status, r.role FROM users u"
                               " LEFT JOIN user_roles r ON r.user_id = u.id WHERE u.id = ?"),
                {actor.userId});
    if (!rows)
        return rows.error();
    bool found = false;
    while (rows->next()) {
        found = true;
        if (rows->value(0).toString() != QStringLiteral("active"))
            return notSignedIn();
        if (const std::optional<Role> role = roleFromName(rows->value(1).toString())) {
            grant.roles.append(*role);
            for (const Permission permission : permissionsOf(*role))
                grant.permissions.insert(permission);
        }
    }
    if (!found)
        return notSignedIn();
    return grant;
}

Result<AccessControl::Grant> AccessControl::require(SqlTransaction &tx, const Actor &actor,
                                                    Permission permission)
{
    Result<Grant> grant = grantOf(tx, actor);
    if (!grant)
        return grant;
    if (!grant->has(permission)) {
        return makeError(ErrorCode::PermissionDenied,
                         QStringLiteral("Your roles do not allow this (%1 is needed).")
                             .arg(permissionName(permission)));
    }
    return grant;
}

bool AccessControl::mayAssign(const Grant &grant, Role role)
{
    if (!grant.has(Permission::RolesAssign))
        return false;
    if (role == Role::Owner && !grant.has(Permission::OwnersManage))
        return false;
    for (const Permission permission : permissionsOf(role)) {
        if (!grant.has(permission))
            return false;
    }
    return true;
}

Result<void> AccessControl::checkMayManage(const Grant &grant, const User &target)
{
    if (target.hasRole(Role::Owner) && !grant.has(Permission::OwnersManage)) {
        return makeError(ErrorCode::PermissionDenied,
                         QStringLiteral("Only an owner can change an owner's account."));
    }
    return {};
}

Result<AccessControl::Managed> AccessControl::requireOver(SqlTransaction &tx, const Actor &actor,
                                                          Permission permission,
                                                          const QString &userId)
{
    Result<Grant> grant = require(tx, actor, permission);
    if (!grant)
        return grant.error();
    Result<User> target = UserRows::byId(tx, userId);
    if (!target)
        return target.error();
    if (Result<void> allowed = checkMayManage(*grant, *target); !allowed)
        return allowed.error();
    return Managed{std::move(grant).value(), std::move(target).value()};
}

} // namespace gatehouse
