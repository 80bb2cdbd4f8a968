#pragma once

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringView>

#include <array>
#include <optional>

namespace gatehouse {

// What a service token may be used for: a small closed set. A token never grants more than its
// owner's roles allow at the moment of the call (read on every call, SEC-33), narrowed by its
// scopes; AccessControl is the one place that applies them.
enum class ServiceTokenScope {
    Admin, // "admin": act with every permission of the owner's roles
    AdminRead, // "admin:read": only the read permissions of the owner's roles (*:read)
    Introspect, // "introspect": no admin permission; for resource servers that ask whether a
                // token is valid (the future POST /auth/introspect)
};

namespace detail {
struct ScopeInfo {
    ServiceTokenScope scope;
    QStringView name;
};
inline constexpr std::array kServiceTokenScopes{
    ScopeInfo{ServiceTokenScope::Admin, u"admin"},
    ScopeInfo{ServiceTokenScope::AdminRead, u"admin:read"},
    ScopeInfo{ServiceTokenScope::Introspect, u"introspect"},
};
} // namespace detail

inline QString scopeName(ServiceTokenScope scope)
{
    for (const detail::ScopeInfo &info : detail::kServiceTokenScopes) {
        if (info.scope == scope)
            return info.name.toString();
    }
    return {};
}

inline std::optional<ServiceTokenScope> scopeFromName(QStringView name)
{
    for (const detail::ScopeInfo &info : detail::kServiceTokenScopes) {
        if (info.name == name)
            return info.scope;
    }
    return std::nullopt;
}

inline QList<ServiceTokenScope> allScopes()
{
    QList<ServiceTokenScope> scopes;
    for (const detail::ScopeInfo &info : detail::kServiceTokenScopes)
        scopes.append(info.scope);
    return scopes;
}

// A service token (API key) as administrators and its owner see it. Never holds a secret or a
// secret's hash: the secret exists only once, in ServiceTokenSecret, when it is issued.
struct ServiceToken {
    enum class Status { Active, Inactive, Expired, Revoked }; // as of a given time

    QString id; // the public key id, the "<id>" of "ghk_<id>_<secret>_<checksum>"
    QString ownerId;
    QString ownerUsername;
    QString name;
    QList<ServiceTokenScope> scopes; // sorted, never empty
    QDateTime createdAt;
    QString createdBy; // user id of the creator, or the name of the local console / server
    QDateTime expiresAt;
    int generation = 1; // secrets issued so far; rotation compares and sets it
    QDateTime rotatedAt; // when the current secret was issued (createdAt until a rotation)
    QDateTime previousSecretRetiresAt; // end of a rotation's grace period; invalid if none
    QDateTime deactivatedAt; // invalid unless deactivated
    QString deactivatedBy;
    QString deactivateReason;
    QDateTime revokedAt; // invalid unless revoked
    QString revokedBy;
    QString revokeReason;
    QDateTime lastUsedAt; // recorded at most once a minute; invalid if never used
    QString lastUsedIp;
    QString lastUsedUserAgent;

    // Revocation wins over expiry, and expiry over deactivation; at the exact instant of its
    // expiry a token is already expired.
    Status status(const QDateTime &now) const
    {
        if (revokedAt.isValid())
            return Status::Revoked;
        if (now >= expiresAt)
            return Status::Expired;
        if (deactivatedAt.isValid())
            return Status::Inactive;
        return Status::Active;
    }

    bool hasScope(ServiceTokenScope scope) const { return scopes.contains(scope); }
};

inline QString serviceTokenStatusName(ServiceToken::Status status)
{
    switch (status) {
    case ServiceToken::Status::Active:
        return QStringLiteral("active");
    case ServiceToken::Status::Inactive:
        return QStringLiteral("inactive");
    case ServiceToken::Status::Expired:
        return QStringLiteral("expired");
    case ServiceToken::Status::Revoked:
        return QStringLiteral("revoked");
    }
    return {};
}

inline std::optional<ServiceToken::Status> serviceTokenStatusFromName(QStringView name)
{
    for (const ServiceToken::Status status :
         {ServiceToken::Status::Active, ServiceToken::Status::Inactive,
          ServiceToken::Status::Expired, ServiceToken::Status::Revoked}) {
        if (serviceTokenStatusName(status) == name)
            return status;
    }
    return std::nullopt;
}

// What to create. The service checks every field against the token policy and the caller's
// own rights.
struct NewServiceToken {
    QString ownerId; // empty: the caller
    QString name; // 1..100 characters, for people: what the token is for
    QList<ServiceTokenScope> scopes; // at least one
    qint64 expiresInSeconds = 0; // 0: the policy's default lifetime
};

// A secret just issued (by create or rotate): the only moment it exists. Hand `secret` to its
// user and forget it; the store keeps SHA-256 of it only (SEC-27).
struct ServiceTokenSecret {
    ServiceToken token;
    QString secret; // the whole "ghk_<id>_<secret>_<checksum>"
};

// A rotation as the caller asks for it. `expectedGeneration` is the generation the caller saw:
// when another rotation got there first, this one fails with Conflict instead of retiring a
// secret its caller never saw (C2).
struct ServiceTokenRotation {
    int expectedGeneration = 0;
    qint64 graceSeconds = 0; // how long the current secret keeps working; 0 = it stops now
    qint64 expiresInSeconds = 0; // 0: keep the token's expiry; else a new one from now
};

} // namespace gatehouse
