#include "Role.h"

#include <array>

namespace gatehouse {

namespace {

struct RoleInfo {
    Role role;
    QStringView name;
};

constexpr std::array kRoles{
    RoleInfo{Role::Owner, u"owner"},       RoleInfo{Role::Admin, u"admin"},
    RoleInfo{Role::Operator, u"operator"}, RoleInfo{Role::Auditor, u"auditor"},
    RoleInfo{Role::User, u"user"},
};

} // namespace

QString roleName(Role role)
{
    for (const RoleInfo &info : kRoles) {
        if (info.role == role)
            return info.name.toString();
    }
    return {};
}

std::optional<Role> roleFromName(QStringView name)
{
    for (const RoleInfo &info : kRoles) {
        if (info.name == name)
            return info.role;
    }
    return std::nullopt;
}

QList<Role> allRoles()
{
    QList<Role> roles;
    for (const RoleInfo &info : kRoles)
        roles.append(info.role);
    return roles;
}

} // namespace gatehouse
