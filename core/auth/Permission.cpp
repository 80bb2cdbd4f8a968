#include "Permission.h"

#include <array>

namespace gatehouse {

namespace {

struct PermissionInfo {
    Permission permission;
    QStringView name;
    // Which roles hold it: owner, admin, operator, auditor, user.
    std::array<bool, 5> heldBy;
};

// The one table of who may do what.
constexpr std::array kPermissions{
    PermissionInfo{Permission::UsersRead, u"users:read", {true, true, true, true, false}},
    PermissionInfo{Permission::UsersCreate, u"users:create", {true, true, false, false, false}},
    PermissionInfo{Permission::UsersUpdate, u"users:update", {true, true, false, false, false}},
    PermissionInfo{Permission::UsersDisable, u"users:disable", {true, true, false, false, false}},
    PermissionInfo{Permission::UsersDelete, u"users:delete", {true, true, false, false, false}},
    PermissionInfo{
        Permission::UsersCredentials, u"users:credentials", {true, true, false, false, false}},
    PermissionInfo{Permission::RolesAssign, u"roles:assign", {true, true, false, false, false}},
    PermissionInfo{Permission::OwnersManage, u"owners:manage", {true, false, false, false, false}},
    PermissionInfo{Permission::SessionsRead, u"sessions:read", {true, true, true, true, false}},
    PermissionInfo{
        Permission::SessionsRevoke, u"sessions:revoke", {true, true, true, false, false}},
    PermissionInfo{Permission::TokensRead, u"tokens:read", {true, true, true, true, false}},
    PermissionInfo{Permission::TokensManage, u"tokens:manage", {true, true, true, false, false}},
    PermissionInfo{Permission::KeysRead, u"keys:read", {true, true, false, true, false}},
    PermissionInfo{Permission::KeysManage, u"keys:manage", {true, true, false, false, false}},
    PermissionInfo{Permission::PoliciesRead, u"policies:read", {true, true, false, true, false}},
    PermissionInfo{Permission::PoliciesWrite, u"policies:write", {true, true, false, false, false}},
    PermissionInfo{Permission::AuditRead, u"audit:read", {true, true, false, true, false}},
    PermissionInfo{Permission::AuditManage, u"audit:manage", {true, true, false, true, false}},
};

int roleIndex(Role role)
{
    switch (role) {
    case Role::Owner:
        return 0;
    case Role::Admin:
        return 1;
    case Role::Operator:
        return 2;
    case Role::Auditor:
        return 3;
    case Role::User:
        return 4;
    }
    return 4;
}

} // namespace

QString permissionName(Permission permission)
{
    for (const PermissionInfo &info : kPermissions) {
        if (info.permission == permission)
            return info.name.toString();
    }
    return {};
}

QList<Permission> permissionsOf(Role role)
{
    QList<Permission> granted;
    for (const PermissionInfo &info : kPermissions) {
        if (info.heldBy[std::size_t(roleIndex(role))])
            granted.append(info.permission);
    }
    return granted;
}

} // namespace gatehouse
