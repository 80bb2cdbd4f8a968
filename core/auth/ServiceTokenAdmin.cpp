// The administrators' side of ServiceTokens: listing, reading, deactivation, revocation, purge
// and the token policy. Each call is one audited operation through ServiceContext::perform.
#include "ServiceTokenRows.h"
#include "ServiceTokenSearch.h"
#include "ServiceTokens.h"
#include "SessionRows.h"
#include "StoredPolicies.h"
#include "UserRows.h"

namespace gatehouse {

using UserRows::isoUtc;

namespace {

constexpr auto kTokenResource = "Gatehouse::ServiceToken";

AuditEvent eventFor(const Actor &actor, const char *name, bool readOnly, const QString &id = {})
{
    return AuditEvent::of(actor, name, readOnly, kTokenResource,
                          id.isEmpty() ? QString() : ServiceTokenRows::auditableId(id));
}

} // namespace

Result<ServiceToken> ServiceTokens::visibleToken(SqlTransaction &tx,
                                                 const AccessControl::Grant &grant,
                                                 const Actor &actor, const QString &id,
                                                 Permission permission) const
{
    Result<ServiceToken> token = ServiceTokenRows::byId(tx, id);
    if (!token)
        return token.error();
    if (grant.has(permission))
        return token;
    if (token->ownerId == actor.userId) {
        // One's own token may be read, and changed unless the caller is read-only.
        if (permission != Permission::TokensRead) {
            if (Result<void> own = grant.requireMayChangeOwn(); !own)
                return own.error();
        }
        return token;
    }
    // Someone else's token looks exactly like a missing one (SEC-32, C5), unless the caller may
    // see it anyway (an auditor asked to revoke one): then the refusal may say why.
    if (grant.has(Permission::TokensRead)) {
        return makeError(ErrorCode::PermissionDenied,
                         QStringLiteral("Your roles do not allow this (%1 is needed).")
                             .arg(permissionName(permission)));
    }
    return ServiceTokenRows::noSuchToken();
}

Result<Page<ServiceToken>> ServiceTokens::list(const Actor &actor,
                                               const ServiceTokenQuery &query) const
{
    return m_context.perform<Page<ServiceToken>>(
        eventFor(actor, "ListServiceTokens", true), Store::Access::Read,
        [&](SqlTransaction &tx, AuditEvent &event) -> Result<Page<ServiceToken>> {
            event.requestParameters = ServiceTokenSearch::describe(query);
            Result<AccessControl::Grant> grant = AccessControl::grantOf(tx, actor);
            if (!grant)
                return grant.error();
            const QString only = grant->has(Permission::TokensRead) ? QString() : actor.userId;
            Result<ServiceTokenPolicy> policy = ServiceTokenPolicy::load(tx);
            if (!policy)
                return policy.error();
            Result<Page<ServiceToken>> page =
                ServiceTokenSearch::run(tx, query, m_context.clock().now(), *policy, only);
            if (page)
                event.responseElements = {{QStringLiteral("count"), page->items.size()}};
            return page;
        });
}

Result<ServiceToken> ServiceTokens::get(const Actor &actor, const QString &id) const
{
    return m_context.perform<ServiceToken>(
        eventFor(actor, "GetServiceToken", true, id), Store::Access::Read,
        [&](SqlTransaction &tx, AuditEvent &) -> Result<ServiceToken> {
            Result<AccessControl::Grant> grant = AccessControl::grantOf(tx, actor);
            if (!grant)
                return grant.error();
            return visibleToken(tx, *grant, actor, id, Permission::TokensRead);
        });
}

Result<ServiceToken> ServiceTokens::setActive(const Actor &actor, const QString &id, bool active,
                                              const QString &reason) const
{
    return m_context.perform<ServiceToken>(
        eventFor(actor, active ? "ActivateServiceToken" : "DeactivateServiceToken", false, id),
        Store::Access::Write, [&](SqlTransaction &tx, AuditEvent &event) -> Result<ServiceToken> {
            Result<QString> checked = SessionRows::checkReason(reason);
            if (!checked)
                return checked.error();
            event.requestParameters = {{QStringLiteral("reason"), *checked}};
            Result<AccessControl::Grant> grant = AccessControl::grantOf(tx, actor);
            if (!grant)
                return grant.error();
            Result<ServiceToken> token =
                visibleToken(tx, *grant, actor, id, Permission::TokensManage);
            if (!token)
                return token.error();
            const QDateTime now = m_context.clock().now();
            if (token->revokedAt.isValid()) {
                return makeError(ErrorCode::Conflict,
                                 QStringLiteral("The token is revoked, which is final; create a "
                                                "new one."));
            }
            if (active && token->status(now) == ServiceToken::Status::Expired) {
                return makeError(ErrorCode::Conflict,
                                 QStringLiteral("The token has expired and cannot be activated; "
                                                "create a new one."));
            }
            if (token->deactivatedAt.isValid() != active) {
                event.responseElements = {{QStringLiteral("unchanged"), true}};
                return token;
            }
            Result<QSqlQuery> changed = active
                ? tx.exec(QStringLiteral("UPDATE service_tokens SET deactivated_at = NULL,"
                                         " deactivated_by = NULL, deactivate_reason = NULL"
                                         " WHERE id = ? AND revoked_at IS NULL"),
                          {token->id})
                : tx.exec(QStringLiteral("UPDATE service_tokens SET deactivated_at = ?,"
                                         " deactivated_by = ?, deactivate_reason = ?"
                                         " WHERE id = ? AND revoked_at IS NULL"),
                          {isoUtc(now), SessionRows::revoker(actor),
                           checked->isEmpty() ? QVariant() : QVariant(*checked), token->id});
            if (!changed)
                return changed.error();
            return ServiceTokenRows::byId(tx, token->id);
        });
}

Result<ServiceToken> ServiceTokens::revoke(const Actor &actor, const QString &id,
                                           const QString &reason) const
{
    return m_context.perform<ServiceToken>(
        eventFor(actor, "RevokeServiceToken", false, id), Store::Access::Write,
        [&](SqlTransaction &tx, AuditEvent &event) -> Result<ServiceToken> {
            Result<QString> checked = SessionRows::checkReason(reason);
            if (!checked)
                return checked.error();
            event.requestParameters = {{QStringLiteral("reason"), *checked}};
            Result<AccessControl::Grant> grant = AccessControl::grantOf(tx, actor);
            if (!grant)
                return grant.error();
            Result<ServiceToken> token =
                visibleToken(tx, *grant, actor, id, Permission::TokensManage);
            if (!token)
                return token.error();
            // Idempotent (RFC 7009): the first revocation stands.
            if (token->revokedAt.isValid()) {
                event.responseElements = {{QStringLiteral("alreadyRevoked"), true}};
                return token;
            }
            // An expired token is revoked too: the record then says who ended it and why. Its
            // secrets stay until purge, so a later presentation is audited as token_revoked.
            Result<QSqlQuery> revoked =
                tx.exec(QStringLiteral("UPDATE service_tokens SET revoked_at = ?, revoked_by = ?,"
                                       " revoke_reason = ? WHERE id = ? AND revoked_at IS NULL"),
                        {isoUtc(m_context.clock().now()), SessionRows::revoker(actor),
                         checked->isEmpty() ? QVariant() : QVariant(*checked), token->id});
            if (!revoked)
                return revoked.error();
            return ServiceTokenRows::byId(tx, token->id);
        });
}

Result<int> ServiceTokens::purge(const Actor &actor) const
{
    return m_context.perform<int>(
        eventFor(actor, "PurgeServiceTokens", false), Store::Access::Write,
        [&](SqlTransaction &tx, AuditEvent &event) -> Result<int> {
            if (Result<AccessControl::Grant> grant =
                    AccessControl::require(tx, actor, Permission::TokensManage);
                !grant) {
                return grant.error();
            }
            Result<ServiceTokenPolicy> policy = ServiceTokenPolicy::load(tx);
            if (!policy)
                return policy.error();
            const QDateTime now = m_context.clock().now();
            const QString cutoff = isoUtc(now.addDays(-qint64(policy->retentionDays)));
            event.requestParameters = {{QStringLiteral("endedBefore"), cutoff}};
            // A token ended at the earlier of its revocation and its expiry; scopes and
            // secrets go with the row (ON DELETE CASCADE).
            Result<QSqlQuery> deleted = tx.exec(
                QStringLiteral("DELETE FROM service_tokens WHERE expires_at < ? OR revoked_at < ?"),
                {cutoff, cutoff});
            if (!deleted)
                return deleted.error();
            const int count = deleted->numRowsAffected();
            // Secrets whose grace period is over can never match again.
            Result<QSqlQuery> retired =
                tx.exec(QStringLiteral("DELETE FROM service_token_secrets"
                                       " WHERE retires_at IS NOT NULL AND retires_at <= ?"),
                        {isoUtc(now)});
            if (!retired)
                return retired.error();
            event.responseElements = {
                {QStringLiteral("deleted"), count},
                {QStringLiteral("retiredSecretsDeleted"), retired->numRowsAffected()}};
            return count;
        });
}

Result<ServiceTokenPolicy> ServiceTokens::policy(const Actor &actor) const
{
    return StoredPolicies::get<ServiceTokenPolicy>(m_context, actor, "GetServiceTokenPolicy");
}

Result<ServiceTokenPolicy> ServiceTokens::setPolicy(const Actor &actor,
                                                    const ServiceTokenPolicy &policy) const
{
    return StoredPolicies::set(m_context, actor, policy, "UpdateServiceTokenPolicy");
}

} // namespace gatehouse
