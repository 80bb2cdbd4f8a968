#pragma once

#include "Credentials.h"
#include "MfaPolicy.h"
#include "ServiceContext.h"
#include "model/User.h"

#include <QStringList>

namespace gatehouse {

// TOTP second factor: enrolment, confirmation, recovery codes, removal, the administrators'
// reset and the "MFA required for roles" policy (SEC-14..SEC-19). The code check at sign-in is
// Credentials' (login, completeLogin); storage and the code rules are MfaFactor's.
//
// Rules kept here:
// - Users manage their own factor only, with proof they are who they say: a recent sign-in and
//   their current password (SEC-19). Enrolment shows the seed once; after confirmation it is
//   never shown again, and it is only ever stored sealed (B6).
// - An enrolment turns on only with a correct code from the new authenticator; a wrong code
//   leaves everything as it was.
// - Turning MFA on or off ends the user's other sessions (SEC-25); an administrator's reset ends
//   all of them, since the authenticator may be in the wrong hands.
// - A user whose roles require MFA cannot turn it off; an administrator resets it instead
//   (UsersCredentials, and owner rights for an owner's account).
class Mfa
{
public:
    struct Enrolment {
        QString secret; // base32, shown once, for typing into an authenticator app
        QString uri; // otpauth:// URI for a QR code; holds the secret too
        QString issuer;
        QString account;
    };
    struct Activation {
        QStringList recoveryCodes; // shown once
        int sessionsEnded = 0;
    };

    Mfa(const ServiceContext &context, const Credentials &credentials)
        : m_context(context),
          m_credentials(credentials)
    {}

    // Starts (or restarts) an enrolment for the signed-in user. Conflict when MFA is on.
    Result<Enrolment> enroll(const Actor &actor, const QString &currentPassword) const;
    // Confirms the pending enrolment with a code from the authenticator; returns the first
    // recovery codes. InvalidInput for a wrong code, NotFound without a pending enrolment.
    Result<Activation> confirm(const Actor &actor, const QString &code) const;
    // Replaces the signed-in user's recovery codes; the old ones stop working.
    Result<QStringList> regenerateRecoveryCodes(const Actor &actor,
                                                const QString &currentPassword) const;
    // Turns off the signed-in user's own MFA, unless their roles require it.
    Result<void> disable(const Actor &actor, const QString &currentPassword) const;

    // An administrator removes a user's factor (lost phone). The user signs in with a password
    // again and, where the policy requires, enrols anew.
    Result<User> reset(const Actor &actor, const QString &userId, const QString &reason) const;

    Result<MfaPolicy> policy(const Actor &actor) const;
    Result<MfaPolicy> setPolicy(const Actor &actor, const MfaPolicy &policy) const;

private:
    // Runs a self-service change as an audited write: the caller's grant, re-authentication
    // with `password` (a wrong one is committed as a failed attempt, then returned), then
    // `work(tx, event, user, now) -> Result<T>`.
    template<typename T, typename Work>
    Result<T> selfService(const char *eventName, const Actor &actor, const QString &password,
                          Work &&work) const;

    const ServiceContext &m_context;
    const Credentials &m_credentials;
};

} // namespace gatehouse
