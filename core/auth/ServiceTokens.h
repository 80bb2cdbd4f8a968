#pragma once

#include "AccessControl.h"
#include "ServiceContext.h"
#include "ServiceTokenPolicy.h"
#include "model/Page.h"
#include "model/ServiceToken.h"
#include "model/ServiceTokenQuery.h"

namespace gatehouse {

// Who a valid service token belongs to: enough to build the Actor of the request.
struct ValidatedServiceToken {
    QString userId;
    QString username;
    QString keyId;
    QString name;
    QList<ServiceTokenScope> scopes;
    QDateTime expiresAt;

    bool hasScope(ServiceTokenScope scope) const { return scopes.contains(scope); }

    // The request's actor: identity from the token, network details from `client`. Its
    // permissions are decided by AccessControl on every call (owner's roles ∩ scopes).
    Actor actor(const Actor &client) const
    {
        Actor result = client;
        result.kind = Actor::Kind::User;
        result.credential = Actor::Credential::ServiceToken;
        result.userId = userId;
        result.username = username;
        result.sessionId.clear();
        result.accessKeyId = keyId;
        result.mfaAuthenticated = false;
        return result;
    }
};

// Service tokens, API keys for scripts and other services (SEC-27, SEC-28, C1..C5): create,
// validate, rotate with a grace period, deactivate and activate, revoke, purge, and the token
// policy.
//
// Rules kept here and nowhere else:
// - Secrets come from TokenFormat ("ghk_<id>_<secret>_<checksum>", 256 CSPRNG bits); each is
//   returned once, by create() or rotate(), and only its SHA-256 is stored. A typo fails the
//   checksum before any store access; a stored hash presented as a token never validates (D9).
// - Every token expires: at most the policy's maxLifetimeDays after it is created or given a
//   new expiry by a rotation. Expiry uses the injected clock only (SEC-48).
// - validate() refuses, with one generic Unauthenticated error, a malformed, unknown, revoked,
//   deactivated or expired token, a secret retired by a rotation, and a token whose owner is
//   disabled or gone (C1..C4). A refusal for an existing key id is audited
//   ("AuthenticateServiceToken" with the reason, e.g. token_expired); successes are not
//   audited per call, but the last use (time, address, user agent) is recorded at most once a
//   minute per token (kLastUsedWriteIntervalSeconds).
// - Rotation issues a new secret under the same key id; the previous one keeps working for the
//   grace period the caller chooses (0: it stops at once, at most kMaxGraceSeconds). A token
//   has at most two live secrets: rotating again during a grace period retires the older one
//   at once. The rotation is a compare-and-set on the token's generation, so of concurrent
//   rotations from the same generation exactly one wins and the others get Conflict (C2).
// - Deactivation is reversible; revocation is final and idempotent (C1): revoking again
//   succeeds and keeps the first revocation.
// - A token never grants more than its owner's current roles allow, narrowed by its scopes
//   (AccessControl), and nobody creates or rotates a token that would grant more than they
//   hold themselves (AccessControl::checkMayIssue).
// - Callers without tokens:manage act only on their own tokens, and without tokens:read see
//   only their own: anyone else's id is NotFound, exactly like a missing one (SEC-32, C5).
//   Someone who may read a token but not manage it gets PermissionDenied for a change.
// - Owners: disabling a user suspends their tokens (validate() and AccessControl read the
//   account status on every call; enabling the account again restores the tokens that were
//   not revoked meanwhile); deleting a user deletes their tokens with the row (ON DELETE
//   CASCADE) (SEC-24).
// - Service accounts are ordinary users created for a machine: give them the roles their
//   automation needs and never redeem their setup code, so tokens are their only credential.
class ServiceTokens
{
public:
    static constexpr int kMaxLiveTokensPerOwner = 100;
    static constexpr qint64 kMinLifetimeSeconds = 60;
    static constexpr qint64 kMaxGraceSeconds = 7 * 24 * 3600;
    static constexpr int kLastUsedWriteIntervalSeconds = 60;
    static constexpr int kMaxUserAgentLength = 512;
    static constexpr int kMaxSourceIpLength = 64;

    explicit ServiceTokens(const ServiceContext &context)
        : m_context(context)
    {}

    // A new token for `request.ownerId` (the caller when empty). Creating one for somebody
    // else needs tokens:manage (and owner rights for an owner's account).
    Result<ServiceTokenSecret> create(const Actor &actor, const NewServiceToken &request) const;

    // The hot path: no AccessControl (the token is the credential). `client` supplies the
    // source IP and user agent for the last-use record and the audit of a refusal.
    Result<ValidatedServiceToken> validate(const QString &presented,
                                           const Actor &client = {}) const;

    // A new secret for a live (active or inactive) token; see the class comment.
    Result<ServiceTokenSecret> rotate(const Actor &actor, const QString &id,
                                      const ServiceTokenRotation &rotation) const;

    Result<Page<ServiceToken>> list(const Actor &actor, const ServiceTokenQuery &query) const;
    Result<ServiceToken> get(const Actor &actor, const QString &id) const;
    // Deactivates (reversibly) or activates again. Conflict for a revoked token, and for
    // activating an expired one.
    Result<ServiceToken> setActive(const Actor &actor, const QString &id, bool active,
                                   const QString &reason) const;
    Result<ServiceToken> revoke(const Actor &actor, const QString &id, const QString &reason) const;
    // Deletes tokens that expired or were revoked more than retentionDays ago.
    Result<int> purge(const Actor &actor) const;

    Result<ServiceTokenPolicy> policy(const Actor &actor) const;
    Result<ServiceTokenPolicy> setPolicy(const Actor &actor,
                                         const ServiceTokenPolicy &policy) const;

private:
    // A token the caller may act on: someone else's needs `permission`; without it the token
    // is NotFound like a missing one (PermissionDenied for callers who may read it).
    Result<ServiceToken> visibleToken(SqlTransaction &tx, const AccessControl::Grant &grant,
                                      const Actor &actor, const QString &id,
                                      Permission permission) const;

    // Audits a refused presentation of an existing key id, with `reason` as the error message.
    void recordRefusal(const Actor &client, const QString &keyId, const QString &userId,
                       const QString &username, const QString &reason) const;

    const ServiceContext &m_context;
};

} // namespace gatehouse
