#include "UserDirectory.h"

#include "EmailAddress.h"
#include "StoredPolicies.h"
#include "UserRows.h"
#include "UserSearch.h"
#include "UsernameProfile.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

namespace gatehouse {

namespace {

constexpr auto kUserResource = "Gatehouse::User";

AuditEvent eventFor(const Actor &actor, const char *name, bool readOnly, const QString &userId)
{
    return AuditEvent::of(actor, name, readOnly, kUserResource, userId);
}

QJsonArray roleNames(const QList<Role> &roles)
{
    QJsonArray names;
    for (const Role role : roles)
        names.append(roleName(role));
    return names;
}

Result<void> checkNotLastOwner(SqlTransaction &tx, const User &target, const char *what)
{
    if (!target.hasRole(Role::Owner) || target.status != User::Status::Active)
        return {};
    Result<int> owners = UserRows::activeOwnerCount(tx);
    if (!owners)
        return owners.error();
    if (*owners <= 1) {
        return makeError(ErrorCode::Conflict,
                         QStringLiteral("%1 is the last active owner and cannot be %2. Make "
                                        "another user an owner first.")
                             .arg(target.username, QString::fromLatin1(what)));
    }
    return {};
}

Result<void> checkNotSelf(const Actor &actor, const User &target, const char *what)
{
    if (actor.userId == target.id) {
        return makeError(ErrorCode::Conflict,
                         QStringLiteral("You cannot %1 your own account; ask another "
                                        "administrator.")
                             .arg(QString::fromLatin1(what)));
    }
    return {};
}

Result<void> writeRoles(SqlTransaction &tx, const QString &userId, const QList<Role> &roles)
{
    Result<QSqlQuery> cleared =
        tx.exec(QStringLiteral("DELETE FROM user_roles WHERE user_id = ?"), {userId});
    if (!cleared)
        return cleared.error();
    for (const Role role : roles) {
        Result<QSqlQuery> added =
            tx.exec(QStringLiteral("INSERT INTO user_roles (user_id, role) VALUES (?, ?)"),
                    {userId, roleName(role)});
        if (!added)
            return added.error();
    }
    return {};
}

} // namespace

Result<UserDirectory::PreparedEmail> UserDirectory::prepareEmail(const QString &typed)
{
    if (typed.isEmpty())
        return PreparedEmail{};
    Result<QString> normalized = EmailAddress::normalize(typed);
    if (!normalized)
        return normalized.error();
    Result<QString> key = EmailAddress::uniquenessKey(*normalized);
    if (!key)
        return key.error();
    return PreparedEmail{*normalized, *key};
}

Result<QString> UserDirectory::prepareDisplayName(const QString &name)
{
    if (name.size() > kMaxDisplayNameLength) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("The display name is longer than %1 characters.")
                             .arg(kMaxDisplayNameLength));
    }
    for (const QChar c : name) {
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format
            || c.isSurrogate()) {
            return makeError(ErrorCode::InvalidInput,
                             QStringLiteral("The display name contains control or invisible "
                                            "formatting characters."));
        }
    }
    // Never null: the column is NOT NULL and an empty name is a valid "no display name".
    return name.isNull() ? QStringLiteral("") : name.normalized(QString::NormalizationForm_C);
}

Result<void> UserDirectory::checkUsernameFree(SqlTransaction &tx, const QString &username)
{
    Result<QVariant> taken =
        tx.scalar(QStringLiteral("SELECT 1 FROM users WHERE username = ?"), {username});
    if (!taken)
        return taken.error();
    if (!taken->isNull()) {
        return makeError(ErrorCode::Conflict,
                         QStringLiteral("The username %1 is already taken.").arg(username));
    }
    return {};
}

Result<void> UserDirectory::checkEmailFree(SqlTransaction &tx, const QVariant &key,
                                           const QString &exceptId)
{
    if (key.isNull())
        return {};
    Result<QVariant> owner =
        tx.scalar(QStringLiteral("SELECT id FROM users WHERE email_key = ?"), {key});
    if (!owner)
        return owner.error();
    if (!owner->isNull() && owner->toString() != exceptId) {
        return makeError(ErrorCode::Conflict,
                         QStringLiteral("Another user already has this e-mail address."));
    }
    return {};
}

QList<Role> UserDirectory::normalizedRoles(QList<Role> roles)
{
    if (roles.isEmpty())
        roles = {Role::User};
    std::sort(roles.begin(), roles.end());
    roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
    return roles;
}

Result<User> UserDirectory::create(const Actor &actor, const NewUser &user) const
{
    const QList<Role> roles = normalizedRoles(user.roles);
    return m_context.perform<User>(
        eventFor(actor, "CreateUser", false, {}), Store::Access::Write,
        [&](SqlTransaction &tx, AuditEvent &event) -> Result<User> {
            event.requestParameters = {{QStringLiteral("roles"), roleNames(roles)}};
            Result<AccessControl::Grant> grant =
                AccessControl::require(tx, actor, Permission::UsersCreate);
            if (!grant)
                return grant.error();
            for (const Role role : roles) {
                if (!AccessControl::mayAssign(*grant, role)) {
                    return makeError(
                        ErrorCode::PermissionDenied,
                        QStringLiteral("You cannot give the role %1.").arg(roleName(role)));
                }
            }
            return insertUser(tx, event, user, roles);
        });
}

Result<User> UserDirectory::createFirstOwner(const Actor &actor, const NewUser &owner) const
{
    const QList<Role> roles = normalizedRoles(QList<Role>{Role::Owner} + owner.roles);
    return m_context.perform<User>(
        eventFor(actor, "CreateUser", false, {}), Store::Access::Write,
        [&](SqlTransaction &tx, AuditEvent &event) -> Result<User> {
            event.requestParameters = {{QStringLiteral("roles"), roleNames(roles)},
                                       {QStringLiteral("firstOwner"), true}};
            if (actor.kind != Actor::Kind::LocalConsole && actor.kind != Actor::Kind::System) {
                return makeError(ErrorCode::PermissionDenied,
                                 QStringLiteral("The first owner is created where the store is "
                                                "kept (gatehousectl init or gatehouse-server "
                                                "init)."));
            }
            Result<int> owners = UserRows::activeOwnerCount(tx);
            if (!owners)
                return owners.error();
            if (*owners > 0) {
                return makeError(ErrorCode::Conflict,
                                 QStringLiteral("This store already has an owner; sign in as an "
                                                "administrator to add users."));
            }
            return insertUser(tx, event, owner, roles);
        });
}

Result<User> UserDirectory::signUp(const Actor &client, const NewUser &user,
                                   const QString &passwordHash) const
{
    return m_context.perform<User>(
        eventFor(client, "SignUp", false, {}), Store::Access::Write,
        [&](SqlTransaction &tx, AuditEvent &event) -> Result<User> {
            Result<SignupPolicy> policy = SignupPolicy::load(tx);
            if (!policy)
                return policy.error();
            if (!policy->enabled) {
                return makeError(ErrorCode::PermissionDenied,
                                 QStringLiteral("Sign-up is turned off here; ask an "
                                                "administrator for an account."));
            }
            return insertUser(tx, event, NewUser{user.username, user.email, user.displayName},
                              {Role::User}, passwordHash);
        });
}

Result<SignupPolicy> UserDirectory::signupPolicy(const Actor &actor) const
{
    return StoredPolicies::get<SignupPolicy>(m_context, actor, "GetSignupPolicy");
}

Result<SignupPolicy> UserDirectory::setSignupPolicy(const Actor &actor,
                                                    const SignupPolicy &policy) const
{
    return StoredPolicies::set(m_context, actor, policy, "UpdateSignupPolicy");
}

Result<User> UserDirectory::insertUser(SqlTransaction &tx, AuditEvent &event, const NewUser &user,
                                       const QList<Role> &roles, const QVariant &passwordHash) const
{
    Result<QString> username = UsernameProfile::prepare(user.username);
    if (!username)
        return username.error();
    event.requestParameters.insert(QStringLiteral("username"), *username);
    Result<PreparedEmail> email = prepareEmail(user.email);
    if (!email)
        return email.error();
    Result<QString> displayName = prepareDisplayName(user.displayName);
    if (!displayName)
        return displayName.error();
    PreparedUser prepared;
    prepared.username = *username;
    prepared.email = *email;
    prepared.displayName = *displayName;
    prepared.roles = roles;
    prepared.passwordHash = passwordHash;
    Result<User> created = insertPrepared(tx, prepared);
    if (created) {
        event.resources.append({QString::fromLatin1(kUserResource), created->id});
        event.responseElements = {{QStringLiteral("user"), UserRows::toJson(*created)}};
    }
    return created;
}

Result<User> UserDirectory::insertPrepared(SqlTransaction &tx, const PreparedUser &user) const
{
    if (Result<void> free = checkUsernameFree(tx, user.username); !free)
        return free.error();
    if (Result<void> free = checkEmailFree(tx, user.email.key); !free)
        return free.error();

    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const QString now = UserRows::isoUtc(m_context.clock().now());
    const bool withPassword = !user.passwordHash.isNull();
    Result<QSqlQuery> inserted =
        tx.exec(QStringLiteral("INSERT INTO users (id, username, email, email_key, display_name,"
                               " display_name_key, status, password_hash, password_changed_at,"
                               " created_at, updated_at)"
                               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                {id, user.username, user.email.stored, user.email.key, user.displayName,
                 user.displayName.toLower(), userStatusName(user.status), user.passwordHash,
                 withPassword ? QVariant(now) : QVariant(), now, now});
    if (!inserted)
        return inserted.error();
    if (Result<void> written = writeRoles(tx, id, user.roles); !written)
        return written.error();
    return UserRows::byId(tx, id);
}

Result<User> UserDirectory::get(const Actor &actor, const QString &id) const
{
    return m_context.perform<User>(
        eventFor(actor, "GetUser", true, id), Store::Access::Read,
        [&](SqlTransaction &tx, AuditEvent &) -> Result<User> {
            if (Result<AccessControl::Grant> grant =
                    AccessControl::require(tx, actor, Permission::UsersRead);
                !grant) {
                return grant.error();
            }
            return UserRows::byId(tx, id);
        });
}

Result<User> UserDirectory::self(const Actor &actor) const
{
    if (actor.kind != Actor::Kind::User || actor.userId.isEmpty())
        return makeError(ErrorCode::NotFound, QStringLiteral("There is no signed-in user."));
    // Read before the store is, so that the cache never takes a row for newer than it is.
    const std::optional<ChangeStamp> stamp = m_context.store().changeStamp();
    auto &cache = m_context.validationCaches().users;
    if (const auto kept = stamp ? cache.find(actor.userId, *stamp) : std::nullopt)
        return (*kept)->user;
    Result<User> user = m_context.store().transact<User>(
        Store::Access::Read, [&](SqlTransaction &tx) { return UserRows::byId(tx, actor.userId); });
    if (user && stamp) {
        const QByteArray json =
            QJsonDocument(UserRows::toJson(*user)).toJson(QJsonDocument::Compact);
        cache.remember(actor.userId, std::make_shared<const CachedUser>(CachedUser{*user, json}),
                       *stamp, *stamp);
    }
    return user;
}

std::optional<QByteArray> UserDirectory::selfJsonFromMemory(const Actor &actor) const
{
    const std::optional<ChangeStamp> stamp = m_context.store().changeStamp();
    if (!stamp || actor.kind != Actor::Kind::User)
        return std::nullopt;
    const auto kept = m_context.validationCaches().users.find(actor.userId, *stamp);
    return kept ? std::optional<QByteArray>((*kept)->json) : std::nullopt;
}

Result<User> UserDirectory::find(const Actor &actor, const QString &usernameOrEmail) const
{
    return m_context.perform<User>(
        eventFor(actor, "GetUser", true, {}), Store::Access::Read,
        [&](SqlTransaction &tx, AuditEvent &event) -> Result<User> {
            if (Result<AccessControl::Grant> grant =
                    AccessControl::require(tx, actor, Permission::UsersRead);
                !grant) {
                return grant.error();
            }
            Result<User> user = UserRows::byUsernameOrEmail(tx, usernameOrEmail);
            if (user)
                event.resources.append({QString::fromLatin1(kUserResource), user->id});
            return user;
        });
}

Result<User> UserDirectory::update(const Actor &actor, const QString &id,
                                   const UserChanges &changes) const
{
    return m_context.perform<User>(
        eventFor(actor, "UpdateUser", false, id), Store::Access::Write,
        [&](SqlTransaction &tx, AuditEvent &event) -> Result<User> {
            Result<AccessControl::Managed> managed =
                AccessControl::requireOver(tx, actor, Permission::UsersUpdate, id);
            if (!managed)
                return managed.error();
            const QString now = UserRows::isoUtc(m_context.clock().now());
            if (changes.email) {
                Result<PreparedEmail> email = prepareEmail(*changes.email);
                if (!email)
                    return email.error();
                if (Result<void> free = checkEmailFree(tx, email->key, id); !free)
                    return free.error();
                Result<QSqlQuery> set = tx.exec(
                    QStringLiteral("UPDATE users SET email = ?, email_key = ?, updated_at = ?"
                                   " WHERE id = ?"),
                    {email->stored, email->key, now, id});
                if (!set)
                    return set.error();
                event.requestParameters.insert(QStringLiteral("email"), email->stored.toString());
            }
            if (changes.displayName) {
                Result<QString> name = prepareDisplayName(*changes.displayName);
                if (!name)
                    return name.error();
                Result<QSqlQuery> set = tx.exec(
                    QStringLiteral("UPDATE users SET display_name = ?, display_name_key = ?,"
                                   " updated_at = ? WHERE id = ?"),
                    {*name, name->toLower(), now, id});
                if (!set)
                    return set.error();
                event.requestParameters.insert(QStringLiteral("displayName"), *name);
            }
            return UserRows::byId(tx, id);
        });
}

Result<User> UserDirectory::setStatus(const Actor &actor, const QString &id,
                                      User::Status status) const
{
    const bool disabling = status == User::Status::Disabled;
    return m_context.perform<User>(
        eventFor(actor, disabling ? "DisableUser" : "EnableUser", false, id), Store::Access::Write,
        [&](SqlTransaction &tx, AuditEvent &event) -> Result<User> {
            Result<AccessControl::Managed> managed =
                AccessControl::requireOver(tx, actor, Permission::UsersDisable, id);
            if (!managed)
                return managed.error();
            const User &target = managed->target;
            if (disabling) {
                if (Result<void> notSelf = checkNotSelf(actor, target, "disable"); !notSelf)
                    return notSelf.error();
                if (Result<void> kept = checkNotLastOwner(tx, target, "disabled"); !kept)
                    return kept.error();
                Result<int> ended = m_sessions.endOtherSessions(tx, id, {}, actor.username,
                                                                QStringLiteral("account disabled"));
                if (!ended)
                    return ended.error();
                event.responseElements = {{QStringLiteral("sessionsEnded"), *ended}};
            }
            Result<QSqlQuery> set =
                tx.exec(QStringLiteral("UPDATE users SET status = ?, updated_at = ? WHERE id = ?"),
                        {userStatusName(status), UserRows::isoUtc(m_context.clock().now()), id});
            if (!set)
                return set.error();
            return UserRows::byId(tx, id);
        });
}

Result<User> UserDirectory::lock(const Actor &actor, const QString &id,
                                 const QDateTime &until) const
{
    return m_context.perform<User>(
        eventFor(actor, "LockUser", false, id), Store::Access::Write,
        [&](SqlTransaction &tx, AuditEvent &event) -> Result<User> {
            event.requestParameters = {{QStringLiteral("until"), UserRows::isoUtc(until)}};
            Result<AccessControl::Grant> grant =
                AccessControl::require(tx, actor, Permission::UsersDisable);
            if (!grant)
                return grant.error();
            if (!until.isValid() || until <= m_context.clock().now()) {
                return makeError(ErrorCode::InvalidInput,
                                 QStringLiteral("A lock must end in the future."));
            }
            Result<User> target = UserRows::byId(tx, id);
            if (!target)
                return target.error();
            if (Result<void> allowed = AccessControl::checkMayManage(*grant, *target); !allowed)
                return allowed.error();
            if (Result<void> notSelf = checkNotSelf(actor, *target, "lock"); !notSelf)
                return notSelf.error();
            if (Result<void> kept = checkNotLastOwner(tx, *target, "locked"); !kept)
                return kept.error();
            Result<QSqlQuery> set = tx.exec(
                QStringLiteral("UPDATE users SET locked_until = ?, updated_at = ? WHERE id = ?"),
                {UserRows::isoUtc(until), UserRows::isoUtc(m_context.clock().now()), id});
            if (!set)
                return set.error();
            return UserRows::byId(tx, id);
        });
}

Result<User> UserDirectory::unlock(const Actor &actor, const QString &id) const
{
    return m_context.perform<User>(
        eventFor(actor, "UnlockUser", false, id), Store::Access::Write,
        [&](SqlTransaction &tx, AuditEvent &) -> Result<User> {
            Result<AccessControl::Managed> managed =
                AccessControl::requireOver(tx, actor, Permission::UsersDisable, id);
            if (!managed)
                return managed.error();
            Result<QSqlQuery> set =
                tx.exec(QStringLiteral("UPDATE users SET locked_until = NULL, failed_attempts = 0,"
                                       " last_failed_at = NULL, updated_at = ? WHERE id = ?"),
                        {UserRows::isoUtc(m_context.clock().now()), id});
            if (!set)
                return set.error();
            return UserRows::byId(tx, id);
        });
}

Result<User> UserDirectory::setRoles(const Actor &actor, const QString &id,
                                     const QList<Role> &requested) const
{
    const QList<Role> roles = normalizedRoles(requested);
    return m_context.perform<User>(
        eventFor(actor, "SetUserRoles", false, id), Store::Access::Write,
        [&](SqlTransaction &tx, AuditEvent &event) -> Result<User> {
            event.requestParameters = {{QStringLiteral("roles"), roleNames(roles)}};
            Result<AccessControl::Managed> managed =
                AccessControl::requireOver(tx, actor, Permission::RolesAssign, id);
            if (!managed)
                return managed.error();
            const AccessControl::Grant &grant = managed->grant;
            const User &target = managed->target;
            for (const Role role : allRoles()) {
                const bool changes = roles.contains(role) != target.hasRole(role);
                if (changes && !AccessControl::mayAssign(grant, role)) {
                    return makeError(
                        ErrorCode::PermissionDenied,
                        QStringLiteral("You cannot give or take the role %1.").arg(roleName(role)));
                }
            }
            if (!roles.contains(Role::Owner)) {
                if (Result<void> kept = checkNotLastOwner(tx, target, "demoted"); !kept)
                    return kept.error();
            }
            if (Result<void> written = writeRoles(tx, id, roles); !written)
                return written.error();
            Result<QSqlQuery> touched =
                tx.exec(QStringLiteral("UPDATE users SET updated_at = ? WHERE id = ?"),
                        {UserRows::isoUtc(m_context.clock().now()), id});
            if (!touched)
                return touched.error();
            event.responseElements = {{QStringLiteral("previousRoles"), roleNames(target.roles)}};
            return UserRows::byId(tx, id);
        });
}

Result<void> UserDirectory::remove(const Actor &actor, const QString &id) const
{
    Result<bool> removed = m_context.perform<bool>(
        eventFor(actor, "DeleteUser", false, id), Store::Access::Write,
        [&](SqlTransaction &tx, AuditEvent &event) -> Result<bool> {
            Result<AccessControl::Managed> managed =
                AccessControl::requireOver(tx, actor, Permission::UsersDelete, id);
            if (!managed)
                return managed.error();
            const User &target = managed->target;
            if (Result<void> notSelf = checkNotSelf(actor, target, "delete"); !notSelf)
                return notSelf.error();
            if (Result<void> kept = checkNotLastOwner(tx, target, "deleted"); !kept)
                return kept.error();
            // Roles and one-time codes go with the row (ON DELETE CASCADE).
            Result<QSqlQuery> deleted =
                tx.exec(QStringLiteral("DELETE FROM users WHERE id = ?"), {id});
            if (!deleted)
                return deleted.error();
            event.requestParameters = {{QStringLiteral("username"), target.username}};
            return true;
        });
    if (!removed)
        return removed.error();
    return {};
}

Result<Page<User>> UserDirectory::search(const Actor &actor, const UserQuery &query) const
{
    return m_context.perform<Page<User>>(
        eventFor(actor, "ListUsers", true, {}), Store::Access::Read,
        [&](SqlTransaction &tx, AuditEvent &event) -> Result<Page<User>> {
            event.requestParameters = UserSearch::describe(query);
            if (Result<AccessControl::Grant> grant =
                    AccessControl::require(tx, actor, Permission::UsersRead);
                !grant) {
                return grant.error();
            }
            Result<Page<User>> page = UserSearch::run(tx, query, m_context.clock().now());
            if (page)
                event.responseElements = {{QStringLiteral("count"), page->items.size()}};
            return page;
        });
}

} // namespace gatehouse
