#include "AccessControl.h"

#include "MfaPolicy.h"
#include "UserRows.h"

namespace gatehouse {

namespace {

Error notSignedIn()
{
    return makeError(ErrorCode::Unauthenticated,
                     QStringLiteral("Sign in with an active administrator account."));
}

// What "admin:read" keeps: reading, never changing. A permission added later is not in here,
// so it is denied to read-only tokens until someone decides otherwise.
bool isReadPermission(Permission permission)
{
    switch (permission) {
    case Permission::UsersRead:
    case Permission::SessionsRead:
    case Permission::TokensRead:
    case Permission::KeysRead:
    case Permission::PoliciesRead:
    case Permission::AuditRead:
        return true;
    default:
        return false;
    }
}

// The scopes of the caller's service token, if it is still the caller's and neither revoked
// nor deactivated; otherwise the caller is not signed in.
Result<QList<ServiceTokenScope>> liveTokenScopes(SqlTransaction &tx, const Actor &actor)
{
    if (actor.accessKeyId.isEmpty())
        return notSignedIn();
    Result<QSqlQuery> rows =
        tx.exec(QStringLiteral("SELECT t.revoked_at IS NULL AND t.deactivated_at IS NULL, sc.scope"
                               " FROM service_tokens t"
                               " LEFT JOIN service_token_scopes sc ON sc.token_id = t.id"
                               " WHERE t.id = ? AND t.user_id = ?"),
                {actor.accessKeyId, actor.userId});
    if (!rows)
        return rows.error();
    bool found = false;
    QList<ServiceTokenScope> scopes;
    while (rows->next()) {
        found = true;
        if (rows->value(0).toInt() == 0)
            return notSignedIn();
        if (const std::optional<ServiceTokenScope> scope = scopeFromName(rows->value(1).toString()))
            scopes.append(*scope);
    }
    if (!found)
        return notSignedIn();
    return scopes;
}

} // namespace

Result<AccessControl::Grant> AccessControl::grantOf(SqlTransaction &tx, const Actor &actor)
{
    Grant grant;
    if (actor.kind == Actor::Kind::System) {
        grant.roles = {Role::Owner};
        for (const Permission permission : permissionsOf(Role::Owner))
            grant.permissions.insert(permission);
        grant.scopes = allScopes();
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
    grant.scopes = allScopes();
    if (actor.credential == Actor::Credential::ServiceToken) {
        Result<QList<ServiceTokenScope>> scopes = liveTokenScopes(tx, actor);
        if (!scopes)
            return scopes.error();
        grant.permissions = tokenPermissions(grant.roles, *scopes);
        grant.scopes = *scopes;
        grant.readOnly = !scopes->contains(ServiceTokenScope::Admin);
    }
    // Sessions are what a stolen password yields; service tokens are a factor of their own,
    // and local administration is by whoever holds the store file (see MfaPolicy).
    if (actor.credential == Actor::Credential::Session && !actor.mfaAuthenticated
        && !grant.permissions.isEmpty()) {
        Result<MfaPolicy> policy = MfaPolicy::load(tx);
        if (!policy)
            return policy.error();
        if (policy->requiredFor(grant.roles)) {
            grant.permissions.clear();
            grant.mfaMissing = true;
        }
    }
    return grant;
}

Result<AccessControl::Grant> AccessControl::require(SqlTransaction &tx, const Actor &actor,
                                                    Permission permission)
{
    Result<Grant> grant = grantOf(tx, actor);
    if (!grant)
        return grant;
    if (!grant->has(permission) && grant->mfaMissing) {
        return makeError(ErrorCode::PermissionDenied,
                         QStringLiteral("Your roles require MFA: sign in again with a code from "
                                        "your authenticator (enrol one first if you have none)."));
    }
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

QSet<Permission> AccessControl::tokenPermissions(const QList<Role> &roles,
                                                 const QList<ServiceTokenScope> &scopes)
{
    const bool all = scopes.contains(ServiceTokenScope::Admin);
    const bool reads = all || scopes.contains(ServiceTokenScope::AdminRead);
    QSet<Permission> permissions;
    for (const Role role : roles) {
        for (const Permission permission : permissionsOf(role)) {
            if (all || (reads && isReadPermission(permission)))
                permissions.insert(permission);
        }
    }
    return permissions;
}

Result<void> AccessControl::checkMayIssue(const Grant &grant, const QList<Role> &ownerRoles,
                                          const QList<ServiceTokenScope> &scopes)
{
    for (const ServiceTokenScope scope : scopes) {
        // "admin" covers "admin:read": everything the latter allows, the former does too.
        const bool covered = grant.scopes.contains(scope)
            || (scope == ServiceTokenScope::AdminRead
                && grant.scopes.contains(ServiceTokenScope::Admin));
        if (!covered) {
            return makeError(ErrorCode::PermissionDenied,
                             QStringLiteral("Your own token lacks the scope %1, so you cannot "
                                            "hand it out.")
                                 .arg(scopeName(scope)));
        }
    }
    for (const Permission permission : tokenPermissions(ownerRoles, scopes)) {
        if (!grant.has(permission)) {
            return makeError(ErrorCode::PermissionDenied,
                             QStringLiteral("This token would allow %1, which you do not hold "
                                            "yourself; choose narrower scopes.")
                                 .arg(permissionName(permission)));
        }
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

Result<void> AccessControl::Grant::requireMayChangeOwn() const
{
    if (readOnly) {
        return makeError(ErrorCode::PermissionDenied,
                         QStringLiteral("This service token may only read (its scope is "
                                        "admin:read)."));
    }
    return {};
}

} // namespace gatehouse
