#include "ServiceTokens.h"

#include "ServiceTokenRows.h"
#include "SessionRows.h"
#include "TokenFormat.h"
#include "UserRows.h"

#include <QJsonArray>

namespace gatehouse {

using UserRows::isoUtc;

namespace {

constexpr auto kTokenResource = "Gatehouse::ServiceToken";

// One message for every refusal, so a caller cannot tell a mistyped token from an unknown,
// revoked, expired or deactivated one, or from one whose owner was disabled.
Error invalidToken()
{
    return makeError(ErrorCode::Unauthenticated,
                     QStringLiteral("Invalid, expired or revoked service token."));
}

AuditEvent eventFor(const Actor &actor, const char *name, const QString &id = {})
{
    return AuditEvent::of(actor, name, false, kTokenResource,
                          id.isEmpty() ? QString() : ServiceTokenRows::auditableId(id));
}

QJsonArray scopeNames(const QList<ServiceTokenScope> &scopes)
{
    QJsonArray names;
    for (const ServiceTokenScope scope : scopes)
        names.append(scopeName(scope));
    return names;
}

// The lifetime asked for, or the policy's default; InvalidInput outside the policy.
Result<qint64> lifetimeSeconds(qint64 requested, const ServiceTokenPolicy &policy)
{
    const qint64 maximum = qint64(policy.maxLifetimeDays) * 24 * 3600;
    const qint64 seconds =
        requested == 0 ? qint64(policy.defaultLifetimeDays) * 24 * 3600 : requested;
    if (seconds < ServiceTokens::kMinLifetimeSeconds || seconds > maximum) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("A service token lives from %1 seconds up to %2 days "
                                        "(the token policy's maximum).")
                             .arg(ServiceTokens::kMinLifetimeSeconds)
                             .arg(policy.maxLifetimeDays));
    }
    return seconds;
}

} // namespace

Result<ServiceTokenSecret> ServiceTokens::create(const Actor &actor,
                                                 const NewServiceToken &request) const
{
    return m_context.perform<ServiceTokenSecret>(
        eventFor(actor, "CreateServiceToken"), Store::Access::Write,
        [&](SqlTransaction &tx, AuditEvent &event) -> Result<ServiceTokenSecret> {
            const QString ownerId = request.ownerId.isEmpty() ? actor.userId : request.ownerId;
            event.requestParameters = {
                {QStringLiteral("ownerId"), SessionRows::auditableId(ownerId)},
                {QStringLiteral("scopes"), scopeNames(request.scopes)},
                {QStringLiteral("expiresInSeconds"), double(request.expiresInSeconds)}};
            Result<QString> name = ServiceTokenRows::checkName(request.name);
            if (!name)
                return name.error();
            event.requestParameters.insert(QStringLiteral("name"), *name);
            Result<QList<ServiceTokenScope>> scopes = ServiceTokenRows::checkScopes(request.scopes);
            if (!scopes)
                return scopes.error();
            Result<AccessControl::Grant> grant = AccessControl::grantOf(tx, actor);
            if (!grant)
                return grant.error();
            if (Result<void> own = grant->requireMayChangeOwn(); !own)
                return own.error();
            // Somebody else's tokens need tokens:manage; without it their account is as
            // invisible as a missing one.
            if (ownerId != actor.userId && !grant->has(Permission::TokensManage))
                return makeError(ErrorCode::NotFound, QStringLiteral("No such user."));
            Result<User> owner = UserRows::byId(tx, ownerId);
            if (!owner)
                return owner.error();
            if (ownerId != actor.userId) {
                if (Result<void> allowed = AccessControl::checkMayManage(*grant, *owner); !allowed)
                    return allowed.error();
            }
            if (owner->status != User::Status::Active) {
                return makeError(ErrorCode::Conflict,
                                 QStringLiteral("%1 is disabled; enable the account before "
                                                "giving it tokens.")
                                     .arg(owner->username));
            }
            if (Result<void> allowed = AccessControl::checkMayIssue(*grant, owner->roles, *scopes);
                !allowed) {
                return allowed.error();
            }
            Result<ServiceTokenPolicy> policy = ServiceTokenPolicy::load(tx);
            if (!policy)
                return policy.error();
            Result<qint64> lifetime = lifetimeSeconds(request.expiresInSeconds, *policy);
            if (!lifetime)
                return lifetime.error();

            const QDateTime now = m_context.clock().now();
            const QString at = isoUtc(now);
            Result<QVariant> live =
                tx.scalar(QStringLiteral("SELECT count(*) FROM service_tokens WHERE user_id = ?"
                                         " AND revoked_at IS NULL AND expires_at > ?"),
                          {ownerId, at});
            if (!live)
                return live.error();
            if (live->toInt() >= kMaxLiveTokensPerOwner) {
                return makeError(ErrorCode::Conflict,
                                 QStringLiteral("%1 already holds %2 live service tokens; revoke "
                                                "the ones no longer used first.")
                                     .arg(owner->username)
                                     .arg(kMaxLiveTokensPerOwner));
            }

            Result<IssuedServiceToken> issued = TokenFormat::newServiceToken();
            if (!issued)
                return issued.error();
            Result<QSqlQuery> inserted =
                tx.exec(QStringLiteral("INSERT INTO service_tokens (id, user_id, name, created_at,"
                                       " created_by, expires_at, generation, rotated_at)"
                                       " VALUES (?, ?, ?, ?, ?, ?, 1, ?)"),
                        {issued->keyId, ownerId, *name, at, SessionRows::revoker(actor),
                         isoUtc(now.addSecs(*lifetime)), at});
            if (!inserted)
                return inserted.error();
            for (const ServiceTokenScope scope : *scopes) {
                Result<QSqlQuery> added =
                    tx.exec(QStringLiteral("INSERT INTO service_token_scopes (token_id, scope)"
                                           " VALUES (?, ?)"),
                            {issued->keyId, scopeName(scope)});
                if (!added)
                    return added.error();
            }
            Result<QSqlQuery> secret =
                tx.exec(QStringLiteral("INSERT INTO service_token_secrets (token_id, generation,"
                                       " secret_hash, created_at) VALUES (?, 1, ?, ?)"),
                        {issued->keyId, issued->secretHash, at});
            if (!secret)
                return secret.error();

            Result<ServiceToken> token = ServiceTokenRows::byId(tx, issued->keyId);
            if (!token)
                return token.error();
            event.resources.append({QString::fromLatin1(kTokenResource), token->id});
            event.responseElements = {
                {QStringLiteral("serviceToken"), ServiceTokenRows::toJson(*token, now)}};
            return ServiceTokenSecret{*token, issued->token};
        });
}

Result<ValidatedServiceToken> ServiceTokens::validate(const QString &presented,
                                                      const Actor &client) const
{
    // Shape and checksum first: a typo or a stray string costs no store access, and a stored
    // hash presented as a token fails here (D9).
    Result<ParsedServiceToken> parsed = TokenFormat::parseServiceToken(presented);
    if (!parsed)
        return invalidToken();
    const QDateTime now = m_context.clock().now();
    // Read before the store is, so that the cache never takes a row for newer than it is.
    const std::optional<ChangeStamp> stamp = m_context.store().changeStamp();
    ValidationCache<CachedServiceToken> &cache = m_context.validationCaches().serviceTokens;
    const QByteArray key = parsed->keyId.toLatin1();
    std::optional<CachedServiceToken> cached = stamp ? cache.find(key, *stamp) : std::nullopt;
    // A kept row due for a last-use record is read again: the record may be written already,
    // and only the row can tell (otherwise every validation would try to write it again).
    const QDateTime threshold = now.addSecs(-kLastUsedWriteIntervalSeconds);
    if (cached && (!cached->token.lastUsedAt.isValid() || cached->token.lastUsedAt < threshold))
        cached.reset();
    qint64 revision = -1;
    Result<std::optional<CachedServiceToken>> found = cached
        ? Result<std::optional<CachedServiceToken>>(cached)
        : m_context.store().transact<std::optional<CachedServiceToken>>(
            Store::Access::Read,
            [&](SqlTransaction &tx) -> Result<std::optional<CachedServiceToken>> {
                Result<QVariant> counter =
                    tx.scalar(QStringLiteral("SELECT value FROM credential_revision WHERE id = 1"));
                if (!counter)
                    return counter.error();
                revision = counter->toLongLong();
                Result<ServiceToken> token = ServiceTokenRows::byId(tx, parsed->keyId);
                if (!token) {
                    if (token.error().code == ErrorCode::NotFound)
                        return std::optional<CachedServiceToken>();
                    return token.error();
                }
                Result<QVariant> status = tx.scalar(
                    QStringLiteral("SELECT status FROM users WHERE id = ?"), {token->ownerId});
                if (!status)
                    return status.error();
                Result<QList<ServiceTokenRows::StoredSecret>> secrets =
                    ServiceTokenRows::secretsOf(tx, token->id);
                if (!secrets)
                    return secrets.error();
                return std::optional<CachedServiceToken>(CachedServiceToken{
                    *token, status->toString() == QStringLiteral("active"), *secrets});
            });
    if (!found)
        return found.error();
    // An unknown key id is not audited: nothing names it, and anyone can make up well-formed
    // ids, so recording each would let them fill the audit trail.
    if (!*found)
        return invalidToken();
    if (!cached && stamp) {
        cache.remember(key, **found, *stamp, revision);
    }
    const ServiceToken &token = (*found)->token;

    // The secret first: for someone guessing, the state of the token is none of their business
    // and would only make the audit record misleading.
    QString refusal;
    if (ServiceTokenRows::matchSecret((*found)->secrets, parsed->secretHash, now) < 0)
        refusal = QStringLiteral("secret_mismatch");
    else if (token.revokedAt.isValid())
        refusal = QStringLiteral("token_revoked");
    else if (now >= token.expiresAt)
        refusal = QStringLiteral("token_expired");
    else if (token.deactivatedAt.isValid())
        refusal = QStringLiteral("token_inactive");
    else if (!(*found)->ownerActive)
        refusal = QStringLiteral("owner_inactive");
    if (!refusal.isEmpty()) {
        recordRefusal(client, token.id, token.ownerId, token.ownerUsername, refusal);
        return invalidToken();
    }

    ValidatedServiceToken valid{token.ownerId, token.ownerUsername, token.id,
                                token.name,    token.scopes,        token.expiresAt};
    // Coalesced last-use record: one write per interval per token, not one per request. The
    // WHERE repeats the interval check, so concurrent validations write once between them.
    if (!token.lastUsedAt.isValid() || token.lastUsedAt < threshold) {
        Result<void> touched =
            m_context.store().transaction(Store::Access::Write, [&](SqlTransaction &tx) {
                Result<QSqlQuery> update = tx.exec(
                    QStringLiteral("UPDATE service_tokens SET last_used_at = ?,"
                                   " last_used_ip = ?, last_used_user_agent = ? WHERE id = ?"
                                   " AND (last_used_at IS NULL OR last_used_at < ?)"),
                    {isoUtc(now), SessionRows::clientText(client.sourceIp, kMaxSourceIpLength),
                     SessionRows::clientText(client.userAgent, kMaxUserAgentLength), token.id,
                     isoUtc(threshold)});
                if (!update)
                    return Result<void>(update.error());
                return Result<void>();
            });
        // Losing one last-use record loses information, not security: the token itself was
        // checked against the store, so the request goes on.
        if (!touched)
            qCWarning(lcStore) << "could not record service token use:" << touched.error().message;
    }
    return valid;
}

void ServiceTokens::recordRefusal(const Actor &client, const QString &keyId, const QString &userId,
                                  const QString &username, const QString &reason) const
{
    AuditEvent event;
    event.eventSource = QStringLiteral("auth.gatehouse");
    event.eventName = QStringLiteral("AuthenticateServiceToken");
    event.actor = ValidatedServiceToken{userId, username, keyId, {}, {}, {}}.actor(client);
    event.resources.append({QString::fromLatin1(kTokenResource), keyId});
    event.errorCode = errorCodeName(ErrorCode::Unauthenticated);
    event.errorMessage = reason;
    Result<void> recorded =
        m_context.store().transaction(Store::Access::Write, [&](SqlTransaction &tx) {
            return m_context.audit().append(tx, event);
        });
    if (!recorded)
        qCWarning(lcStore) << "could not record a refused service token:" << reason;
}

Result<ServiceTokenSecret> ServiceTokens::rotate(const Actor &actor, const QString &id,
                                                 const ServiceTokenRotation &rotation) const
{
    return m_context.perform<ServiceTokenSecret>(
        eventFor(actor, "RotateServiceToken", id), Store::Access::Write,
        [&](SqlTransaction &tx, AuditEvent &event) -> Result<ServiceTokenSecret> {
            event.requestParameters = {
                {QStringLiteral("expectedGeneration"), rotation.expectedGeneration},
                {QStringLiteral("graceSeconds"), double(rotation.graceSeconds)},
                {QStringLiteral("expiresInSeconds"), double(rotation.expiresInSeconds)}};
            if (rotation.graceSeconds < 0 || rotation.graceSeconds > kMaxGraceSeconds) {
                return makeError(ErrorCode::InvalidInput,
                                 QStringLiteral("The grace period must be from 0 (the old secret "
                                                "stops at once) to %1 days.")
                                     .arg(kMaxGraceSeconds / (24 * 3600)));
            }
            if (rotation.expectedGeneration < 1) {
                return makeError(ErrorCode::InvalidInput,
                                 QStringLiteral("Give the token's current generation (from "
                                                "reading the token), so a concurrent rotation "
                                                "is detected."));
            }
            Result<AccessControl::Grant> grant = AccessControl::grantOf(tx, actor);
            if (!grant)
                return grant.error();
            Result<ServiceToken> token =
                visibleToken(tx, *grant, actor, id, Permission::TokensManage);
            if (!token)
                return token.error();
            const QDateTime now = m_context.clock().now();
            const ServiceToken::Status status = token->status(now);
            if (status == ServiceToken::Status::Revoked
                || status == ServiceToken::Status::Expired) {
                return makeError(ErrorCode::Conflict,
                                 QStringLiteral("The token is %1 and cannot be rotated; create "
                                                "a new one.")
                                     .arg(serviceTokenStatusName(status)));
            }
            // A new secret acts as the owner: nobody may take one that would give them more
            // than they hold.
            Result<User> owner = UserRows::byId(tx, token->ownerId);
            if (!owner)
                return owner.error();
            if (owner->id != actor.userId) {
                if (Result<void> allowed = AccessControl::checkMayManage(*grant, *owner); !allowed)
                    return allowed.error();
            }
            if (Result<void> allowed =
                    AccessControl::checkMayIssue(*grant, owner->roles, token->scopes);
                !allowed) {
                return allowed.error();
            }
            Result<ServiceTokenPolicy> policy = ServiceTokenPolicy::load(tx);
            if (!policy)
                return policy.error();
            QVariant newExpiry;
            if (rotation.expiresInSeconds != 0) {
                Result<qint64> lifetime = lifetimeSeconds(rotation.expiresInSeconds, *policy);
                if (!lifetime)
                    return lifetime.error();
                newExpiry = isoUtc(now.addSecs(*lifetime));
            }

            const Error lostRace = makeError(
                ErrorCode::Conflict,
                QStringLiteral("The token was rotated meanwhile (it is at generation %1, not "
                               "%2); read it again and rotate only if a new secret is still "
                               "needed.")
                    .arg(token->generation)
                    .arg(rotation.expectedGeneration));
            if (token->generation != rotation.expectedGeneration)
                return lostRace;
            // The compare-and-set itself: only the rotation that still sees the expected
            // generation moves it on. It holds even where the store would not serialise
            // writers the way SQLite's write lock does.
            const QString at = isoUtc(now);
            Result<QSqlQuery> moved =
                tx.exec(QStringLiteral("UPDATE service_tokens SET generation = generation + 1,"
                                       " rotated_at = ?, expires_at = coalesce(?, expires_at)"
                                       " WHERE id = ? AND generation = ? AND revoked_at IS NULL"),
                        {at, newExpiry, token->id, rotation.expectedGeneration});
            if (!moved)
                return moved.error();
            if (moved->numRowsAffected() != 1)
                return lostRace;

            // At most two live secrets: one still in a grace period retires now, and so does
            // any that already stopped working.
            Result<QSqlQuery> retired =
                tx.exec(QStringLiteral("DELETE FROM service_token_secrets WHERE token_id = ?"
                                       " AND retires_at IS NOT NULL"),
                        {token->id});
            if (!retired)
                return retired.error();
            const QDateTime retiresAt = now.addSecs(rotation.graceSeconds);
            Result<QSqlQuery> previous = rotation.graceSeconds == 0
                ? tx.exec(QStringLiteral("DELETE FROM service_token_secrets WHERE token_id = ?"),
                          {token->id})
                : tx.exec(QStringLiteral("UPDATE service_token_secrets SET retires_at = ?"
                                         " WHERE token_id = ? AND retires_at IS NULL"),
                          {isoUtc(retiresAt), token->id});
            if (!previous)
                return previous.error();
            Result<IssuedServiceToken> issued = TokenFormat::newServiceToken(token->id);
            if (!issued)
                return issued.error();
            Result<QSqlQuery> inserted =
                tx.exec(QStringLiteral("INSERT INTO service_token_secrets (token_id, generation,"
                                       " secret_hash, created_at) VALUES (?, ?, ?, ?)"),
                        {token->id, rotation.expectedGeneration + 1, issued->secretHash, at});
            if (!inserted)
                return inserted.error();

            Result<ServiceToken> rotated = ServiceTokenRows::byId(tx, token->id);
            if (!rotated)
                return rotated.error();
            event.responseElements = {
                {QStringLiteral("serviceToken"), ServiceTokenRows::toJson(*rotated, now)},
                {QStringLiteral("previousSecretRetiresAt"), isoUtc(retiresAt)}};
            return ServiceTokenSecret{*rotated, issued->token};
        });
}

} // namespace gatehouse
