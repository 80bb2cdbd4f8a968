#pragma once

#include "Role.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace gatehouse {

// A directory entry as callers see it: never a password hash, seed or code.
struct User {
    enum class Status { Active, Disabled };

    QString id; // UUID, stable for the user's lifetime
    QString username; // PRECIS-prepared (UsernameProfile)
    QString email; // normalised (EmailAddress); may be empty
    QString displayName;
    Status status = Status::Active;
    QList<Role> roles;
    bool passwordSet = false;
    bool mfaEnrolled = false;
    QDateTime lockedUntil; // invalid when not locked
    int failedAttempts = 0;
    QDateTime lastLoginAt;
    QDateTime passwordChangedAt;
    QDateTime createdAt;
    QDateTime updatedAt;

    bool isLocked(const QDateTime &now) const { return lockedUntil.isValid() && lockedUntil > now; }
    bool hasRole(Role role) const { return roles.contains(role); }
};

QString userStatusName(User::Status status); // "active", "disabled"

// What to create: the directory prepares and validates every field.
struct NewUser {
    QString username;
    QString email;
    QString displayName;
    QList<Role> roles{Role::User};
};

// A partial update: only the fields that are set change.
struct UserChanges {
    std::optional<QString> email;
    std::optional<QString> displayName;
};

} // namespace gatehouse
