#pragma once

#include "model/Role.h"

#include <QList>
#include <QString>

namespace gatehouse {

// Everything an administrator can be allowed to do. Deny by default: an operation names the
// permission it needs, and only the table in AccessControl grants it (SEC-31).
enum class Permission {
    UsersRead,
    UsersCreate,
    UsersUpdate,
    UsersDisable, // disable, enable, lock, unlock
    UsersDelete,
    UsersCredentials, // issue password resets, reset MFA
    RolesAssign,
    OwnersManage, // anything that touches an owner's account or the owner role
    SessionsRead,
    SessionsRevoke,
    TokensRead,
    TokensManage,
    KeysRead,
    KeysManage,
    PoliciesRead,
    PoliciesWrite,
    AuditRead,
    AuditManage, // verify, checkpoints, retention
};

QString permissionName(Permission permission); // "users:read", ...
QList<Permission> permissionsOf(Role role);

} // namespace gatehouse
