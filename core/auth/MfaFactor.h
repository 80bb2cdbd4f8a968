#pragma once

#include "crypto/SecretBox.h"
#include "model/Result.h"
#include "store/SqlTransaction.h"

#include <QDateTime>
#include <QStringList>

namespace gatehouse::MfaFactor {

// A user's TOTP seed and recovery codes as stored (tables mfa_totp, mfa_recovery_codes), and
// the checks of codes against them. Works inside the caller's transaction and decides nothing
// about who may call: that is Mfa's and Credentials' job.
//
// - Seeds are 160 CSPRNG bits (SEC-14), sealed with the data key and bound to their user by
//   the SecretBox associated data, so a sealed seed copied to another row does not open
//   (SEC-18).
// - TOTP is RFC 6238 with SHA-1, 6 digits, 30 s steps. The current step and one step either
//   side are accepted (SEC-15): RFC 6238 §5.2 recommends one step of network and typing
//   delay, a deliberate, documented deviation from ASVS 6.5.5's 30 s.
// - Each step is accepted once: the last accepted step is stored by a conditional UPDATE, so
//   of two concurrent uses of one code exactly one succeeds, and no code of that step or an
//   earlier one is ever accepted again, even if the clock steps back (SEC-16, B1).
// - Recovery codes (10, single use, SEC-19) are kept only as keyed hashes under the data key.

constexpr int kSeedBytes = 20;
constexpr int kWindowSteps = 1;
constexpr int kRecoveryCodeCount = 10;

enum class State { None, Pending, Confirmed };

struct Check {
    bool accepted = false;
    bool recoveryCode = false; // accepted by a recovery code rather than a TOTP code
    int recoveryCodesLeft = 0;
};

Result<State> state(SqlTransaction &tx, const QString &userId);

// A new seed sealed for `userId`, replacing an unconfirmed one. Conflict when MFA is on.
Result<QByteArray> startEnrolment(SqlTransaction &tx, const crypto::SecretBox &key,
                                  const QString &userId, const QDateTime &now);

// Checks a typed code: a TOTP code of the given (pending or confirmed) factor, or, when
// `allowRecoveryCode`, one of the user's unused recovery codes, which is then used up.
// Malformed input is simply not accepted; only a store or key failure is an error.
Result<Check> check(SqlTransaction &tx, const crypto::SecretBox &key, const QString &userId,
                    QStringView code, const QDateTime &now, State expected, bool allowRecoveryCode);

// Turns a pending factor on (users.mfa_enrolled = 1).
Result<void> confirm(SqlTransaction &tx, const QString &userId, const QDateTime &now);

// Replaces the user's recovery codes with kRecoveryCodeCount new ones, returned for showing once.
Result<QStringList> replaceRecoveryCodes(SqlTransaction &tx, const crypto::SecretBox &key,
                                         const QString &userId, const QDateTime &now);

// Removes the factor and its recovery codes (users.mfa_enrolled = 0). Whether there was one.
Result<bool> remove(SqlTransaction &tx, const QString &userId, const QDateTime &now);

// otpauth://totp/<issuer>:<account>?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30,
// with issuer and account percent-encoded (Key Uri Format).
QString otpauthUri(const QString &issuer, const QString &account, const QString &seedText);

} // namespace gatehouse::MfaFactor
