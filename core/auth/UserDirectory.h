#pragma once

#include "AccessControl.h"
#include "ServiceContext.h"
#include "Sessions.h"
#include "SignupPolicy.h"
#include "model/Page.h"
#include "model/User.h"
#include "model/UserQuery.h"

namespace gatehouse {

// The user directory: create, read, update, disable, lock, delete and search users, and
// assign roles. Every call is checked against the caller's current roles and audited.
//
// Rules kept here and nowhere else:
// - usernames are PRECIS-prepared (UsernameProfile) and e-mails normalised (EmailAddress);
//   both are unique, e-mail by its uniqueness key;
// - nobody assigns a role whose permissions they do not hold, and only owners touch owners;
// - the last active owner cannot be demoted, disabled, locked or deleted;
// - disabling a user ends their sessions in the same transaction, and deleting one removes
//   them with the user (SEC-24), so enabling an account again never revives an old session.
class UserDirectory
{
public:
    static constexpr int kMaxPageSize = 1000;
    static constexpr int kMaxDisplayNameLength = 200;

    explicit UserDirectory(const ServiceContext &context)
        : m_context(context),
          m_sessions(context)
    {}

    Result<User> create(const Actor &actor, const NewUser &user) const;
    // The first owner of a new store, created by whoever holds the store (local console or
    // `gatehouse-server init`); refused with Conflict once any active owner exists. There are
    // no default credentials (SEC-12).
    Result<User> createFirstOwner(const Actor &actor, const NewUser &owner) const;
    // Someone creating their own account (POST /auth/signup), when the sign-up policy allows
    // it: PermissionDenied when it is off. The account gets the user role only, whatever
    // `user.roles` says (SEC-34). `passwordHash` comes from Credentials::hashForNewUser().
    Result<User> signUp(const Actor &client, const NewUser &user,
                        const QString &passwordHash) const;
    Result<SignupPolicy> signupPolicy(const Actor &actor) const;
    Result<SignupPolicy> setSignupPolicy(const Actor &actor, const SignupPolicy &policy) const;
    Result<User> get(const Actor &actor, const QString &id) const;
    // The signed-in caller's own record (GET /auth/user): no permission needed and no audit
    // record, as for the session validation that precedes it; NotFound for an actor without
    // a user.
    Result<User> self(const Actor &actor) const;
    // self() without touching the store, for a caller that must not block (a server's network
    // thread): when self() read the user since the last commit to the store, the user as the
    // compact JSON of UserRows::toJson(); else nullopt.
    std::optional<QByteArray> selfJsonFromMemory(const Actor &actor) const;
    // By username or e-mail address, as typed.
    Result<User> find(const Actor &actor, const QString &usernameOrEmail) const;
    Result<User> update(const Actor &actor, const QString &id, const UserChanges &changes) const;
    Result<User> setStatus(const Actor &actor, const QString &id, User::Status status) const;
    // Locks until `until` (an administrative lock), or clears a lock and the failure count.
    Result<User> lock(const Actor &actor, const QString &id, const QDateTime &until) const;
    Result<User> unlock(const Actor &actor, const QString &id) const;
    Result<User> setRoles(const Actor &actor, const QString &id, const QList<Role> &roles) const;
    Result<void> remove(const Actor &actor, const QString &id) const;
    Result<Page<User>> search(const Actor &actor, const UserQuery &query) const;

    // The directory's rules for the fields of a new user, one at a time, as create() applies
    // them (usernames go through UsernameProfile::prepare). Each gives the stored form or
    // InvalidInput saying what is wrong, never echoing the input.
    struct PreparedEmail {
        QVariant stored; // null when there is no address
        QVariant key; // EmailAddress::uniquenessKey, null when there is no address
    };
    static Result<PreparedEmail> prepareEmail(const QString &typed);
    static Result<QString> prepareDisplayName(const QString &name);

    // A new user whose fields are already in stored form (prepared by the rules above).
    struct PreparedUser {
        QString username;
        PreparedEmail email;
        QString displayName;
        QList<Role> roles; // as stored: sorted, no duplicates, not empty
        User::Status status = User::Status::Active;
        QVariant passwordHash; // null: no password until a setup code is redeemed
    };
    // The uniqueness rules, inside the caller's transaction: Conflict when another user has
    // this prepared username, or this e-mail uniqueness key (a null key is always free).
    static Result<void> checkUsernameFree(SqlTransaction &tx, const QString &username);
    static Result<void> checkEmailFree(SqlTransaction &tx, const QVariant &key,
                                       const QString &exceptId = {});
    // Checks uniqueness and inserts `user` inside the caller's transaction, which has checked
    // permissions and roles and writes the audit record: create(), and UserImport, which
    // records one event for a whole file. The hash, if any, must have been checked already.
    Result<User> insertPrepared(SqlTransaction &tx, const PreparedUser &user) const;

    // Roles as stored: none means the plain user role; sorted, without duplicates.
    static QList<Role> normalizedRoles(QList<Role> roles);

private:
    // Prepares, checks uniqueness and inserts; the caller has checked permissions and roles.
    Result<User> insertUser(SqlTransaction &tx, AuditEvent &event, const NewUser &user,
                            const QList<Role> &roles, const QVariant &passwordHash = {}) const;

    const ServiceContext &m_context;
    Sessions m_sessions;
};

} // namespace gatehouse
