#pragma once

#include "LoginThrottle.h"
#include "PasswordBlocklist.h"
#include "PasswordPolicy.h"
#include "ServiceContext.h"
#include "Sessions.h"
#include "crypto/PasswordHasher.h"
#include "model/User.h"

#include <QDateTime>

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
        bool mfaRequired = false;
        // Set by login(): the new session. With mfaRequired it is the pending session whose
        // token is the challenge for the TOTP step and grants nothing else (SEC-26).
        std::optional<IssuedSession> session;
    };

    // `blocklist` may be null only when the password policy does not check one.
    static Result<std::unique_ptr<Credentials>>
    create(const ServiceContext &context, std::shared_ptr<const PasswordBlocklist> blocklist,
           crypto::PasswordHasher::Parameters hashing = {});

    Result<IssuedCode> issueCode(const Actor &actor, const QString &userId) const;
    // Anonymous: whoever holds the code. Sets the password, ends the user's lock and every
    // session the user had (SEC-25).
    Result<User> redeemCode(const Actor &client, const QString &code,
                            const QString &newPassword) const;
    // Checks a password without starting a session (local administration).
    Result<SignIn> authenticate(const Actor &client, const QString &usernameOrEmail,
                                const QString &password) const;
    // Checks a password and starts a session in the same transaction as the sign-in record.
    Result<SignIn> login(const Actor &client, const QString &usernameOrEmail,
                         const QString &password) const;
    // Needs the current password; ends every other session of the user (SEC-25, D5).
    Result<void> changePassword(const Actor &actor, const QString &currentPassword,
                                const QString &newPassword) const;

    Result<PasswordPolicy> passwordPolicy(const Actor &actor) const;
    Result<PasswordPolicy> setPasswordPolicy(const Actor &actor,
                                             const PasswordPolicy &policy) const;

private:
    Credentials(const ServiceContext &context, std::shared_ptr<const PasswordBlocklist> blocklist,
                crypto::PasswordHasher hasher, QString dummyHash);

    Result<SignIn> signIn(const Actor &client, const QString &usernameOrEmail,
                          const QString &password, bool startSession) const;
    Result<PasswordPolicy> loadPolicy(SqlTransaction &tx) const;
    Result<QString> hashNewPassword(SqlTransaction &tx, const User &user,
                                    const QString &password) const;

    const ServiceContext &m_context;
    Sessions m_sessions;
    LoginThrottle m_throttle;
    std::shared_ptr<const PasswordBlocklist> m_blocklist;
    crypto::PasswordHasher m_hasher;
    QString m_dummyHash;
};

} // namespace gatehouse
