#pragma once

#include <QList>
#include <QString>
#include <QStringView>

#include <optional>

namespace gatehouse {

// The closed set of roles. What each may do is decided in one table (AccessControl), never by
// comparing role names elsewhere.
enum class Role {
    Owner, // everything, including managing owners
    Admin, // users, roles below owner, sessions, tokens, keys, policies, audit
    Operator, // sessions and service tokens
    Auditor, // read-only, including the audit log
    User, // no admin access: signs in and manages their own sessions, tokens and MFA
};

QString roleName(Role role); // "owner", "admin", ...
std::optional<Role> roleFromName(QStringView name);
QList<Role> allRoles();

} // namespace gatehouse
