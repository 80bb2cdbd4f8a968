#pragma once

#include "LoginThrottle.h"
#include "MfaFactor.h"
#include "PasswordBlocklist.h"
#include "PasswordPolicy.h"
#include "ServiceContext.h"
#include "Sessions.h"
#include "crypto/PasswordHasher.h"
#include "model/User.h"

#include <QDateTime>

#include <functional>
#include <memory>

namespace gatehouse {

// Passwords: one-time codes to set them, verification with lockout, change, and the stored
// password policy.
//
// - An administrator never sees or chooses a password (SEC-09): issueCode() gives a single-use,
//   short-lived code, shown once, which the user redeems with a password of their choosing.
// - Every way a sign-in can fail (unknown user, wrong password, locked, disabled, no password
//   yet) gives the same Unauthenticated error, after the same scrypt work: a dummy hash is
//   verified when there is no real one (SEC-11).
// - Lockout is per account, keyed on the prepared username whatever was typed (username or
//   e-mail, any case or width): after `kLockThreshold` consecutive failures the account locks
//   for a delay that doubles with every further failure, up to `kMaxLockDelay` (SEC-10).
//   Attempts while locked never reach the password check and never extend the lock. A success
//   resets the count; an administrator can unlock (UserDirectory::unlock).
// - Failures also count per source address (LoginThrottle): past its limit an address gets
//   RateLimited, before any password work, until its block ends (SEC-10, E14).
// - A stored hash with old or weak parameters, or in the legacy Node form, is replaced after
//   the next successful sign-in (SEC-03, A15).
class Credentials
{
public:
    static constexpr int kLockThreshold = 5;
    static constexpr qint64 kBaseLockDelaySeconds = 60;
    static constexpr qint64 kMaxLockDelaySeconds = 3600;
    static constexpr qint64 kCodeLifetimeSeconds = 72 * 3600;

    struct IssuedCode {
        QString code; // shown once
        QDateTime expiresAt;
        bool setup = false; // true: the user had no password yet
    };

    struct SignIn {
        User user;
        // The user has MFA on and no code was given: the TOTP step must follow.
        bool mfaRequired = false;
        // Both factors were checked in this sign-in.
        bool mfaAuthenticated = false;
        // The MFA policy requires a second factor for the user's roles and they have none yet:
        // the session acts as a plain user until they enrol and sign in again.
        bool mfaSetupRequired = false;
        // Set by login(): the new session. With mfaRequired it is the pending session whose
        // token is the challenge for the TOTP step and grants nothing else (SEC-26).
        std::optional<IssuedSession> session;
    };

    // `blocklist` may be null only when the password policy does not check one.
    static Result<std::unique_ptr<Credentials>>
    create(const ServiceContext &context, std::shared_ptr<const PasswordBlocklist> blocklist,
           crypto::PasswordHasher::Parameters hashing = {});

    // Whether the password policy accepts `password` for a user about to be created (no MFA
    // yet), so that a user is never created only to be refused their password.
    Result<void> checkNewUserPassword(const NewUser &user, const QString &password) const;
    // The same check, then the password's hash for a user created with it (sign-up). Runs
    // scrypt: call it outside any transaction.
    Result<QString> hashForNewUser(const NewUser &user, const QString &password) const;

    Result<IssuedCode> issueCode(const Actor &actor, const QString &userId) const;
    // Anonymous: whoever holds the code. Sets the password, ends the user's lock and every
    // session the user had (SEC-25).
    Result<User> redeemCode(const Actor &client, const QString &code,
                            const QString &newPassword) const;
    // Checks a password without starting a session (local administration). For a user with
    // MFA on, `mfaCode` (a TOTP or recovery code) completes both factors at once; without it
    // the result says mfaRequired and the caller must not treat the user as signed in.
    Result<SignIn> authenticate(const Actor &client, const QString &usernameOrEmail,
                                const QString &password, const QString &mfaCode = {}) const;
    // Checks a password and starts a session in the same transaction as the sign-in record.
    // For a user with MFA on and no `mfaCode`, the session is the pending one whose token is
    // the challenge for completeLogin().
    Result<SignIn> login(const Actor &client, const QString &usernameOrEmail,
                         const QString &password, const QString &mfaCode = {}) const;
    // The TOTP step (SEC-26): `challenge` is the pending session's token, `code` a TOTP code
    // or an unused recovery code. Ends the pending session and starts a full one with a new
    // token (SEC-21). A wrong code counts toward the account's lockout like a wrong password
    // and fails the same way (SEC-11, SEC-17); the pending session stays until it expires.
    Result<SignIn> completeLogin(const Actor &client, const QString &challenge,
                                 const QString &code) const;
    // Needs the current password; ends every other session of the user (SEC-25, D5).
    Result<void> changePassword(const Actor &actor, const QString &currentPassword,
                                const QString &newPassword) const;

    // For sensitive self-service changes, inside the caller's transaction (SEC-09, SEC-19,
    // A13): the caller proved who they are recently (a session of theirs younger than the
    // session policy's re-authentication window, or a password given with this very request)
    // and `password` is their current one. Service tokens never qualify. A wrong password
    // counts toward the lockout and comes back as a value, so the caller commits the count and
    // then fails with it; anything else that is wrong is an error.
    Result<std::optional<Error>> checkReauthentication(SqlTransaction &tx, const Actor &actor,
                                                       const User &user,
                                                       const QString &password) const;

    Result<PasswordPolicy> passwordPolicy(const Actor &actor) const;
    Result<PasswordPolicy> setPasswordPolicy(const Actor &actor,
                                             const PasswordPolicy &policy) const;

private:
    Credentials(const ServiceContext &context, std::shared_ptr<const PasswordBlocklist> blocklist,
                crypto::PasswordHasher hasher, QString dummyHash);

    // A refused step: counts the failure against the source address and marks the audit
    // record; the step then returns nullopt.
    using Refuse = std::function<Result<void>(const QString &why)>;
    // Runs one sign-in step as an audited write behind the source-address throttle.
    // `step(tx, event, now, refuse) -> Result<std::optional<SignIn>>`.
    template<typename Step>
    Result<SignIn> runSignInStep(AuditEvent event, const Actor &client, Step &&step) const;
    // One scrypt check of a password against a stored hash, and the fresh hash to store when
    // it matched with outdated parameters (null otherwise).
    struct PasswordCheck {
        QString hash;
        Result<crypto::PasswordHasher::Verification> verification;
        QVariant rehashed;
    };
    PasswordCheck checkPassword(const QByteArray &normalized, const QString &storedHash) const;
    // The hash a sign-in will check (the user's, or the dummy), read without the write lock;
    // nullopt when no password work is due (throttled address, oversized password) or the
    // read failed.
    std::optional<QString> hashToCheck(const Actor &client, const QString &usernameOrEmail,
                                       const QString &password) const;
    Result<SignIn> signIn(const Actor &client, const QString &usernameOrEmail,
                          const QString &password, const QString &mfaCode, bool startSession) const;
    Result<MfaFactor::Check> checkMfaCode(SqlTransaction &tx, const QString &userId,
                                          const QString &code, const QDateTime &now,
                                          AuditEvent &event) const;
    // One more failed attempt on the account; locks it (and records that) at the threshold.
    Result<void> countFailure(SqlTransaction &tx, const Actor &client, const User &user,
                              const QDateTime &now, const AuditEvent &event) const;
    Result<PasswordPolicy> loadPolicy(SqlTransaction &tx) const;
    // The scrypt work of a password change or code redemption, done before its write
    // transaction so that the store's write lock is not held for it: the current password
    // checked against the stored hash, and the new password hashed once it passed the policy
    // for that user. The transaction uses it only if the row still holds `storedHash` (or
    // the user is `userId`); otherwise it does the work itself, as when nothing was prepared.
    struct PreparedPassword {
        QString userId;
        std::optional<PasswordCheck> current;
        QString newHash;
    };
    PreparedPassword preparePassword(const std::function<Result<User>(SqlTransaction &)> &findUser,
                                     const QString &currentPassword,
                                     const QString &newPassword) const;
    Result<QString> hashNewPassword(SqlTransaction &tx, const User &user, const QString &password,
                                    const PreparedPassword &prepared = {}) const;
    Result<std::optional<Error>> reauthenticate(SqlTransaction &tx, const Actor &actor,
                                                const User &user, const QString &password,
                                                const PreparedPassword &prepared) const;

    const ServiceContext &m_context;
    Sessions m_sessions;
    LoginThrottle m_throttle;
    std::shared_ptr<const PasswordBlocklist> m_blocklist;
    crypto::PasswordHasher m_hasher;
    QString m_dummyHash;
};

} // namespace gatehouse
