#pragma once

#include "AccessControl.h"
#include "ServiceContext.h"
#include "SessionPolicy.h"
#include "model/Page.h"
#include "model/Session.h"
#include "model/SessionQuery.h"

#include <QStringList>

namespace gatehouse {

// A session just started: the only moment its token exists. Hand `token` to the client and
// forget it; the store keeps SHA-256(token) only (SEC-20).
struct IssuedSession {
    Session session;
    QString token;
};

// Who a valid token belongs to: enough to build the Actor of the request.
struct ValidatedSession {
    QString userId;
    QString username;
    QString sessionId;
    bool mfaAuthenticated = false;
    bool pendingMfa = false; // only ever true when validate() was asked to allow it
    QDateTime expiresAt; // the earlier of the idle and absolute expiry, as of this call

    // The request's actor: identity from the session, network details from `client`.
    Actor actor(const Actor &client) const
    {
        Actor result = client;
        result.kind = Actor::Kind::User;
        result.credential = Actor::Credential::Session;
        result.userId = userId;
        result.username = username;
        result.sessionId = sessionId;
        result.mfaAuthenticated = mfaAuthenticated;
        return result;
    }
};

// Sign-in sessions (SEC-20..SEC-26, D1..D10): start, MFA step-up, validation, logout, and the
// administrators' list and revoke operations.
//
// Rules kept here and nowhere else:
// - Tokens come from TokenFormat (256 CSPRNG bits); only their SHA-256 is stored, and a stored
//   hash presented as a token never validates (D9).
// - Every authentication step issues a new token: promote() ends the pending session and
//   starts a new one, it never upgrades a token in place (SEC-21, no fixation).
// - validate() refuses, with one generic Unauthenticated error, an unknown, revoked, expired or
//   pending-MFA token (the last unless the caller is the TOTP step) and a token whose user is
//   disabled or gone. Expiry uses the injected clock only (SEC-48).
// - Disabling a user ends their sessions at once, twice over: UserDirectory revokes them in the
//   same transaction (so enabling the account again revives none), and validate() reads the
//   account status on every call. Deleting a user deletes their sessions with the row
//   (ON DELETE CASCADE) (SEC-24).
// - A revocation is effective on the next validate() (SEC-23), whoever made it and from
//   whichever process: validate() keeps what it read only while the store shows that nothing
//   which could end a session has happened since (ValidationCache), so most validations need no
//   query and none trusts a stale row.
// - Callers without sessions:revoke may revoke only their own sessions; someone else's id is
//   NotFound, exactly like a missing one (SEC-32). Likewise listings without sessions:read show
//   only the caller's own sessions.
class Sessions
{
public:
    static constexpr int kMaxBulkIds = 10000;
    static constexpr int kMaxUserAgentLength = 512;
    static constexpr int kMaxSourceIpLength = 64;

    explicit Sessions(const ServiceContext &context)
        : m_context(context)
    {}

    // Inside the caller's (login) transaction, which audits the sign-in: starts a session for
    // an active user, applying the stored policy and the per-user cap. `client` supplies the
    // source IP and user agent. A pending-MFA session lives pendingMfaLifetimeSeconds and is
    // good only for the TOTP step.
    Result<IssuedSession> start(SqlTransaction &tx, const QString &userId, const Actor &client,
                                bool mfaPending, bool mfaAuthenticated) const;
    // Inside the caller's (TOTP step) transaction: ends the live pending session and starts an
    // active, MFA-authenticated one with a new token. Unauthenticated for anything else.
    Result<IssuedSession> promote(SqlTransaction &tx, const QString &pendingSessionId) const;
    // Inside the caller's transaction (e.g. a password change, SEC-25): revokes every live
    // session of `userId` except `keepSessionId`; returns how many.
    Result<int> endOtherSessions(SqlTransaction &tx, const QString &userId,
                                 const QString &keepSessionId, const QString &revokedBy,
                                 const QString &reason) const;

    // The hot path: not audited per call and no AccessControl (the token is the credential).
    Result<ValidatedSession> validate(const QString &token, bool allowPendingMfa = false) const;
    // validate() without touching the store, for a caller that must not block (a server's
    // network thread): the answer when the token is malformed or was validated since the last
    // commit to the store and needs no activity record now; nullopt when only validate() can
    // tell. Never allows a session pending MFA.
    std::optional<Result<ValidatedSession>> validateFromMemory(const QString &token) const;

    // End-user sign-out, audited as "Logout" (auth.gatehouse). `client` supplies the network
    // details for the audit record. Unauthenticated when the token is not a live session.
    Result<void> logout(const QString &token, const Actor &client = {}) const;

    Result<Page<Session>> list(const Actor &actor, const SessionQuery &query) const;
    // Idempotent: revoking a revoked session succeeds and keeps its first revocation.
    // `ownOnly`: only the caller's own sessions, whatever their permissions (the end-user API).
    Result<Session> revoke(const Actor &actor, const QString &id, const QString &reason,
                           bool ownOnly = false) const;
    Result<int> revokeAllOfUser(const Actor &actor, const QString &userId,
                                const QString &reason) const;
    // At most kMaxBulkIds ids; unknown and foreign ids are skipped (not counted).
    Result<int> revokeMany(const Actor &actor, const QStringList &ids, const QString &reason) const;
    // Live sessions created before `time`.
    Result<int> revokeOlderThan(const Actor &actor, const QDateTime &time,
                                const QString &reason) const;
    // Every live session except the caller's own (actor.sessionId, required): all users' with
    // sessions:revoke, otherwise the caller's other sessions.
    Result<int> revokeAllExceptCaller(const Actor &actor, const QString &reason) const;
    // Deletes sessions that ended (expired or revoked) more than retentionDays ago.
    Result<int> purge(const Actor &actor) const;

    Result<SessionPolicy> policy(const Actor &actor) const;
    Result<SessionPolicy> setPolicy(const Actor &actor, const SessionPolicy &policy) const;

private:
    // Runs a revocation as an audited write: checks the reason and the caller's grant, then
    // `work(tx, grant, reason)` does the revoking and returns the count.
    template<typename Work>
    Result<int> revokeWith(const Actor &actor, const char *eventName, const QString &reason,
                           QJsonObject parameters, Work &&work) const;

    Result<IssuedSession> insert(SqlTransaction &tx, const QString &userId, const Actor &client,
                                 bool mfaPending, bool mfaAuthenticated,
                                 const SessionPolicy &policy) const;

    // The session validated before for `hash`, if it is still usable at `now` and needs no
    // activity record (ValidationCache).
    std::shared_ptr<const CachedSession> kept(const QByteArray &hash, const QDateTime &now,
                                              const std::optional<ChangeStamp> &stamp) const;

    const ServiceContext &m_context;
};

} // namespace gatehouse
