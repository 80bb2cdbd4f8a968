#pragma once

#include "audit/AuditArchive.h"
#include "audit/AuditCheckpoint.h"
#include "audit/AuditVerification.h"
#include "audit/EventExport.h"
#include "auth/AccessTokens.h"
#include "auth/Credentials.h"
#include "auth/JwtPolicy.h"
#include "auth/Mfa.h"
#include "auth/MfaPolicy.h"
#include "auth/PasswordPolicy.h"
#include "auth/ServiceTokenPolicy.h"
#include "auth/ServiceTokens.h"
#include "auth/SessionPolicy.h"
#include "auth/Sessions.h"
#include "auth/UserImport.h"
#include "model/EventLookup.h"
#include "model/Page.h"
#include "model/Result.h"
#include "model/Role.h"
#include "model/ServiceToken.h"
#include "model/ServiceTokenQuery.h"
#include "model/Session.h"
#include "model/SessionQuery.h"
#include "model/SigningKey.h"
#include "model/User.h"
#include "model/UserQuery.h"

#include <QDateTime>
#include <QFuture>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace gatehouse {

// What the console and gatehousectl use for every admin action, whatever the mode: the same
// calls, permission checks, errors and audit records in local mode (LocalBackend) and, later,
// connected mode (RemoteBackend).
//
// Threading contract, shared by every implementation:
// - The methods are thread-safe and never block: each only queues the call and returns a
//   future at once. Callers are normally on the UI thread.
// - Calls run in submission order, one at a time, off the calling thread. A call sees the
//   effects of every call submitted before it.
// - The future finishes with a Result: a failure (PermissionDenied, NotFound, Unavailable, ...)
//   is a value, never an exception and never a missing result.
// - Take results with `future.then(context, ...)`: the continuation runs on `context`'s thread
//   through its event loop, so never wait on a future on the UI thread. `context` must outlive
//   the call, or the continuation is silently dropped.
// - Cancelling a future drops its call if the call has not started: its effect never happens
//   and continuations taking a value do not run. A call that has started still completes (and
//   is audited); only its result is discarded.
// - Destroying a backend cancels every call that has not started and waits for the one running,
//   which is the only wait in the contract; do it when the futures no longer matter.
//
// Futures hold Result<T> directly: Qt 6.4's QFuture and QPromise need T to be movable and
// copyable, not default-constructible. Operations without a value return Result<void>.
class AdminBackend
{
public:
    virtual ~AdminBackend() = default;
    AdminBackend(const AdminBackend &) = delete;
    AdminBackend &operator=(const AdminBackend &) = delete;

    // For the title bar and logs, e.g. "Local store /srv/gatehouse/auth.db".
    virtual QString displayName() const = 0;

    // --- Who the calls act as ---------------------------------------------------------------
    // Checks a password (and, for a user with MFA on, `mfaCode`: a TOTP or recovery code).
    // When every factor passed, calls submitted after the returned future finishes act as
    // that user. With MFA on and no code, the result says mfaRequired and nothing changes:
    // ask for the code and sign in again with both.
    virtual QFuture<Result<Credentials::SignIn>>
    signIn(const QString &usernameOrEmail, const QString &password, const QString &mfaCode) = 0;
    // The same with a bearer credential: a session token, or a service token with the admin
    // or admin:read scope (AdminCaller::fromToken). Returns the new caller's user id.
    virtual QFuture<Result<QString>> signInWithToken(const QString &token) = 0;
    // On a store with no users only: creates the first owner with this password (set through
    // a one-time code, as for every user) and acts as them from then on.
    virtual QFuture<Result<User>> createFirstOwner(const NewUser &owner,
                                                   const QString &password) = 0;

    virtual QFuture<Result<User>> createUser(const NewUser &user) = 0;
    virtual QFuture<Result<User>> getUser(const QString &id) = 0;
    // By username or e-mail address, as typed.
    virtual QFuture<Result<User>> findUser(const QString &usernameOrEmail) = 0;
    virtual QFuture<Result<User>> updateUser(const QString &id, const UserChanges &changes) = 0;
    virtual QFuture<Result<User>> setUserStatus(const QString &id, User::Status status) = 0;
    // An administrative lock until `until` (UTC).
    virtual QFuture<Result<User>> lockUser(const QString &id, const QDateTime &until) = 0;
    // Clears a lock and the failure count.
    virtual QFuture<Result<User>> unlockUser(const QString &id) = 0;
    virtual QFuture<Result<User>> setUserRoles(const QString &id, const QList<Role> &roles) = 0;
    virtual QFuture<Result<void>> deleteUser(const QString &id) = 0;
    // One keyset page; ask for the next with the page's nextPageToken, so a big directory
    // never loads whole.
    virtual QFuture<Result<Page<User>>> searchUsers(const UserQuery &query) = 0;
    // Users from a JSON or CSV file, all or none, in one transaction. A report with problems
    // means nothing was written; with options.dryRun nothing is written either way.
    virtual QFuture<Result<UserImport::Report>> importUsers(const QByteArray &document,
                                                            const UserImport::Options &options) = 0;

    // --- Other users' credentials ------------------------------------------------------------
    // A single-use code, shown once, with which the user sets a password of their choosing
    // (SEC-09): a setup code for a user without one, else a reset code. Only the newest works.
    virtual QFuture<Result<Credentials::IssuedCode>> issuePasswordCode(const QString &userId) = 0;
    // Removes the user's MFA (a lost authenticator) and ends their sessions.
    virtual QFuture<Result<User>> resetUserMfa(const QString &userId, const QString &reason) = 0;

    // --- The caller's own account -------------------------------------------------------------
    // Each needs a recent sign-in and the current password (SEC-09, A13).
    virtual QFuture<Result<void>> changePassword(const QString &currentPassword,
                                                 const QString &newPassword) = 0;
    // The secret and otpauth:// URI, shown once; MFA is on after confirmMfa().
    virtual QFuture<Result<Mfa::Enrolment>> enrollMfa(const QString &currentPassword) = 0;
    // Returns the recovery codes, shown once.
    virtual QFuture<Result<Mfa::Activation>> confirmMfa(const QString &code) = 0;
    virtual QFuture<Result<QStringList>>
    regenerateRecoveryCodes(const QString &currentPassword) = 0;
    // Refused while the caller's roles require MFA.
    virtual QFuture<Result<void>> disableMfa(const QString &currentPassword) = 0;

    // Sessions: newest first, one keyset page at a time.
    virtual QFuture<Result<Page<Session>>> listSessions(const SessionQuery &query) = 0;
    // Revocation takes effect on the session's next use; revoking again is not an error.
    virtual QFuture<Result<Session>> revokeSession(const QString &id, const QString &reason) = 0;
    virtual QFuture<Result<int>> revokeSessions(const QStringList &ids, const QString &reason) = 0;
    virtual QFuture<Result<int>> revokeUserSessions(const QString &userId,
                                                    const QString &reason) = 0;
    virtual QFuture<Result<int>> revokeSessionsOlderThan(const QDateTime &time,
                                                         const QString &reason) = 0;
    // Everyone's sessions but the caller's own: the guard against signing yourself out.
    virtual QFuture<Result<int>> revokeOtherSessions(const QString &reason) = 0;

    // Service tokens (API keys). Create and rotate return the secret, the only time it exists:
    // show it once and drop it.
    virtual QFuture<Result<ServiceTokenSecret>>
    createServiceToken(const NewServiceToken &request) = 0;
    // Newest first, one keyset page at a time; filters by owner, status, expiring soon, stale.
    virtual QFuture<Result<Page<ServiceToken>>>
    listServiceTokens(const ServiceTokenQuery &query) = 0;
    virtual QFuture<Result<ServiceToken>> getServiceToken(const QString &id) = 0;
    // Fails with Conflict when the token is no longer at rotation.expectedGeneration.
    virtual QFuture<Result<ServiceTokenSecret>>
    rotateServiceToken(const QString &id, const ServiceTokenRotation &rotation) = 0;
    // Deactivate (active = false) or activate again; reversible, unlike revocation.
    virtual QFuture<Result<ServiceToken>> setServiceTokenActive(const QString &id, bool active,
                                                                const QString &reason) = 0;
    // Final and idempotent: revoking again succeeds and keeps the first revocation.
    virtual QFuture<Result<ServiceToken>> revokeServiceToken(const QString &id,
                                                             const QString &reason) = 0;
    // Deletes tokens that ended longer ago than the policy's retention; returns how many.
    virtual QFuture<Result<int>> purgeServiceTokens() = 0;
    virtual QFuture<Result<ServiceTokenPolicy>> serviceTokenPolicy() = 0;
    virtual QFuture<Result<ServiceTokenPolicy>>
    setServiceTokenPolicy(const ServiceTokenPolicy &policy) = 0;

    // Signing keys for JWT access tokens, newest first. Rotation returns the new signing key;
    // the old one verifies until its last token expires. Retiring ends a verify-only key at
    // once; the signing key itself cannot be retired (Conflict): rotate first.
    virtual QFuture<Result<QList<SigningKey>>> listSigningKeys() = 0;
    virtual QFuture<Result<SigningKey>> rotateSigningKey() = 0;
    virtual QFuture<Result<SigningKey>> retireSigningKey(const QString &kid) = 0;
    // Deletes retired keys and verify-only keys whose tokens have all expired; returns how many.
    virtual QFuture<Result<int>> purgeSigningKeys() = 0;
    // The JWK Set resource servers verify against: {"keys": [...]}.
    virtual QFuture<Result<QJsonObject>> jwks() = 0;
    virtual QFuture<Result<JwtPolicy>> jwtPolicy() = 0;
    virtual QFuture<Result<JwtPolicy>> setJwtPolicy(const JwtPolicy &policy) = 0;

    // --- Audit trail --------------------------------------------------------------------------
    // One page of the store's audit records matching `lookup`, newest first (audit:read).
    virtual QFuture<Result<EventPage>> lookupAuditEvents(const EventLookup &lookup) = 0;
    // Every record `lookup` finds, written to the file at `path` (created or replaced) as
    // CloudTrail JSON or CSV (audit:read). The future's progress value counts the records
    // written; cancelling it stops the export. Returns how many were written.
    virtual QFuture<Result<qint64>> exportAuditEvents(const EventLookup &lookup,
                                                      EventExport::Format format,
                                                      const QString &path) = 0;
    // The credential report (CredentialReport: one CSV row per user) written to `path`
    // (users:read, sessions:read, tokens:read). Returns how many users it lists.
    virtual QFuture<Result<qint64>> writeCredentialReport(const QString &path) = 0;
    // Moves records older than `olderThanSeconds` into CloudTrail-format .json.gz files under
    // `folder`, with a signed checkpoint and a manifest beside them (audit:manage).
    virtual QFuture<Result<AuditArchive::Outcome>> archiveAuditEvents(qint64 olderThanSeconds,
                                                                      const QString &folder) = 0;
    // Signs the audit log as it stands (audit:manage); the log records the checkpoint too.
    virtual QFuture<Result<AuditCheckpoint>> createAuditCheckpoint() = 0;
    // Stored checkpoints, oldest first, and the public keys that verify them (audit:read).
    virtual QFuture<Result<QList<AuditCheckpoint>>> auditCheckpoints() = 0;
    virtual QFuture<Result<QList<QByteArray>>> auditTrustedKeys() = 0;
    // A new key signs checkpoints from now on; the old one stays trusted (audit:manage).
    // Returns the new key's fingerprint.
    virtual QFuture<Result<QString>> rotateAuditSigningKey() = 0;
    // Checks the whole log against its chain and checkpoints (audit:manage). `held`:
    // checkpoints kept outside the store, which the log must extend; `extraTrustedKeys`:
    // exported public keys trusted besides the store's key file.
    virtual QFuture<Result<AuditVerification>>
    verifyAuditLog(const QList<AuditCheckpoint> &held,
                   const QList<QByteArray> &extraTrustedKeys) = 0;

    // --- Policies -----------------------------------------------------------------------------
    virtual QFuture<Result<PasswordPolicy>> passwordPolicy() = 0;
    virtual QFuture<Result<PasswordPolicy>> setPasswordPolicy(const PasswordPolicy &policy) = 0;
    virtual QFuture<Result<SessionPolicy>> sessionPolicy() = 0;
    virtual QFuture<Result<SessionPolicy>> setSessionPolicy(const SessionPolicy &policy) = 0;
    virtual QFuture<Result<MfaPolicy>> mfaPolicy() = 0;
    virtual QFuture<Result<MfaPolicy>> setMfaPolicy(const MfaPolicy &policy) = 0;

    // --- End-user flows ----------------------------------------------------------------------
    // What an application's users do, as its client would do it: anonymous (the credential
    // is the argument), whoever the backend acts as. For testing and scripts.
    // A session (or, with MFA on and no code, the pending one whose token is the challenge).
    virtual QFuture<Result<Credentials::SignIn>>
    login(const QString &usernameOrEmail, const QString &password, const QString &mfaCode) = 0;
    virtual QFuture<Result<Credentials::SignIn>> completeLogin(const QString &challenge,
                                                               const QString &code) = 0;
    virtual QFuture<Result<ValidatedSession>> validateSession(const QString &token) = 0;
    virtual QFuture<Result<void>> logout(const QString &token) = 0;
    // Sets the password with a setup or reset code; ends the user's other sessions.
    virtual QFuture<Result<User>> redeemPasswordCode(const QString &code,
                                                     const QString &newPassword) = 0;
    virtual QFuture<Result<ValidatedServiceToken>> verifyServiceToken(const QString &secret) = 0;
    // A short-lived JWT from a full session, and its strict verification.
    virtual QFuture<Result<IssuedAccessToken>> issueAccessToken(const QString &sessionToken) = 0;
    virtual QFuture<Result<VerifiedAccessToken>> verifyAccessToken(const QString &jwt) = 0;

protected:
    AdminBackend() = default;
};

} // namespace gatehouse
