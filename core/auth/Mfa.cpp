#include "Mfa.h"

#include "AccessControl.h"
#include "MfaFactor.h"
#include "SessionRows.h"
#include "StoredPolicies.h"
#include "TokenFormat.h"
#include "UserRows.h"

namespace gatehouse {

namespace {

constexpr auto kUserResource = "Gatehouse::User";

AuditEvent mfaEvent(const Actor &actor, const char *name)
{
    AuditEvent event;
    event.eventSource = QStringLiteral("auth.gatehouse");
    event.eventName = QString::fromLatin1(name);
    event.actor = actor;
    event.resources.append({QString::fromLatin1(kUserResource), actor.userId});
    return event;
}

Result<int> endOtherSessions(SqlTransaction &tx, const Actor &actor, const User &user,
                             const QDateTime &now, const QString &reason)
{
    return SessionRows::revokeLive(
        tx, QStringLiteral("user_id = ? AND id <> ?"),
        {user.id, actor.sessionId.isNull() ? QStringLiteral("") : actor.sessionId}, now, user.id,
        reason);
}

} // namespace

template<typename T, typename Work>
Result<T> Mfa::selfService(const char *eventName, const Actor &actor, const QString &password,
                           Work &&work) const
{
    struct Outcome {
        std::optional<T> value;
        std::optional<Error> refused;
    };
    Result<Outcome> outcome = m_context.perform<Outcome>(
        mfaEvent(actor, eventName), Store::Access::Write,
        [&](SqlTransaction &tx, AuditEvent &ev) -> Result<Outcome> {
            Result<AccessControl::Grant> grant = AccessControl::grantOf(tx, actor);
            if (!grant)
                return grant.error();
            Result<User> user = UserRows::byId(tx, actor.userId);
            if (!user)
                return user.error();
            Result<std::optional<Error>> reauthenticated =
                m_credentials.checkReauthentication(tx, actor, *user, password);
            if (!reauthenticated)
                return reauthenticated.error();
            if (*reauthenticated) {
                ev.errorCode = errorCodeName(ErrorCode::Unauthenticated);
                ev.errorMessage = QStringLiteral("current password wrong");
                return Outcome{std::nullopt, *reauthenticated};
            }
            Result<T> done = work(tx, ev, *user, m_context.clock().now());
            if (!done)
                return done.error();
            return Outcome{std::move(done).value(), std::nullopt};
        });
    if (!outcome)
        return outcome.error();
    if (outcome->refused)
        return *outcome->refused;
    return std::move(*outcome->value);
}

Result<Mfa::Enrolment> Mfa::enroll(const Actor &actor, const QString &currentPassword) const
{
    return selfService<Enrolment>(
        "CreateVirtualMFADevice", actor, currentPassword,
        [&](SqlTransaction &tx, AuditEvent &, const User &user,
            const QDateTime &now) -> Result<Enrolment> {
            Result<crypto::SecretBox> key = m_context.dataKey();
            if (!key)
                return key.error();
            Result<MfaPolicy> policy = MfaPolicy::load(tx);
            if (!policy)
                return policy.error();
            Result<QByteArray> seed = MfaFactor::startEnrolment(tx, *key, user.id, now);
            if (!seed)
                return seed.error();
            const QString secret = TokenFormat::totpSeedText(*seed);
            return Enrolment{secret, MfaFactor::otpauthUri(policy->issuer, user.username, secret),
                             policy->issuer, user.username};
        });
}

Result<Mfa::Activation> Mfa::confirm(const Actor &actor, const QString &code) const
{
    return m_context.perform<Activation>(
        mfaEvent(actor, "EnableMFADevice"), Store::Access::Write,
        [&](SqlTransaction &tx, AuditEvent &ev) -> Result<Activation> {
            Result<AccessControl::Grant> grant = AccessControl::grantOf(tx, actor);
            if (!grant)
                return grant.error();
            Result<User> user = UserRows::byId(tx, actor.userId);
            if (!user)
                return user.error();
            Result<MfaFactor::State> state = MfaFactor::state(tx, user->id);
            if (!state)
                return state.error();
            if (*state != MfaFactor::State::Pending) {
                return makeError(ErrorCode::NotFound,
                                 QStringLiteral("There is no MFA enrolment waiting for a code; "
                                                "start one with enroll."));
            }
            Result<crypto::SecretBox> key = m_context.dataKey();
            if (!key)
                return key.error();
            const QDateTime now = m_context.clock().now();
            Result<MfaFactor::Check> checked =
                MfaFactor::check(tx, *key, user->id, code, now, MfaFactor::State::Pending, false);
            if (!checked)
                return checked.error();
            if (!checked->accepted) {
                return makeError(ErrorCode::InvalidInput,
                                 QStringLiteral("That code does not match. Check the time on "
                                                "the authenticator and enter the current code."));
            }
            if (Result<void> on = MfaFactor::confirm(tx, user->id, now); !on)
                return on.error();
            Result<QStringList> codes = MfaFactor::replaceRecoveryCodes(tx, *key, user->id, now);
            if (!codes)
                return codes.error();
            Result<int> ended =
                endOtherSessions(tx, actor, *user, now, QStringLiteral("MFA turned on"));
            if (!ended)
                return ended.error();
            ev.responseElements = {{QStringLiteral("recoveryCodes"), codes->size()},
                                   {QStringLiteral("sessionsEnded"), *ended}};
            return Activation{*codes, *ended};
        });
}

Result<QStringList> Mfa::regenerateRecoveryCodes(const Actor &actor,
                                                 const QString &currentPassword) const
{
    return selfService<QStringList>(
        "CreateRecoveryCodes", actor, currentPassword,
        [&](SqlTransaction &tx, AuditEvent &ev, const User &user,
            const QDateTime &now) -> Result<QStringList> {
            if (!user.mfaEnrolled) {
                return makeError(ErrorCode::NotFound,
                                 QStringLiteral("MFA is not on for this account, so it has no "
                                                "recovery codes."));
            }
            Result<crypto::SecretBox> key = m_context.dataKey();
            if (!key)
                return key.error();
            Result<QStringList> codes = MfaFactor::replaceRecoveryCodes(tx, *key, user.id, now);
            if (codes)
                ev.responseElements = {{QStringLiteral("recoveryCodes"), codes->size()}};
            return codes;
        });
}

Result<void> Mfa::disable(const Actor &actor, const QString &currentPassword) const
{
    Result<bool> done = selfService<bool>(
        "DeactivateMFADevice", actor, currentPassword,
        [&](SqlTransaction &tx, AuditEvent &ev, const User &user,
            const QDateTime &now) -> Result<bool> {
            Result<MfaPolicy> policy = MfaPolicy::load(tx);
            if (!policy)
                return policy.error();
            if (policy->requiredFor(user.roles)) {
                return makeError(ErrorCode::PermissionDenied,
                                 QStringLiteral("Your roles require MFA, so it cannot be "
                                                "turned off. If you lost your "
                                                "authenticator, ask an administrator to "
                                                "reset it."));
            }
            Result<bool> removed = MfaFactor::remove(tx, user.id, now);
            if (!removed)
                return removed.error();
            if (!*removed) {
                return makeError(ErrorCode::NotFound,
                                 QStringLiteral("MFA is not on for this account."));
            }
            Result<int> ended =
                endOtherSessions(tx, actor, user, now, QStringLiteral("MFA turned off"));
            if (!ended)
                return ended.error();
            ev.responseElements = {{QStringLiteral("sessionsEnded"), *ended}};
            return true;
        });
    if (!done)
        return done.error();
    return {};
}

Result<User> Mfa::reset(const Actor &actor, const QString &userId, const QString &reason) const
{
    AuditEvent event;
    event.eventName = QStringLiteral("DeactivateMFADevice");
    event.actor = actor;
    event.resources.append({QString::fromLatin1(kUserResource), SessionRows::auditableId(userId)});
    return m_context.perform<User>(
        event, Store::Access::Write, [&](SqlTransaction &tx, AuditEvent &ev) -> Result<User> {
            Result<QString> checkedReason = SessionRows::checkReason(reason);
            if (!checkedReason)
                return checkedReason.error();
            ev.requestParameters = {{QStringLiteral("reason"), *checkedReason}};
            Result<AccessControl::Managed> managed =
                AccessControl::requireOver(tx, actor, Permission::UsersCredentials, userId);
            if (!managed)
                return managed.error();
            if (managed->target.id == actor.userId) {
                return makeError(ErrorCode::PermissionDenied,
                                 QStringLiteral("Turn off your own MFA with disable, which asks "
                                                "for your password; a reset is for other "
                                                "users."));
            }
            const QDateTime now = m_context.clock().now();
            Result<bool> removed = MfaFactor::remove(tx, userId, now);
            if (!removed)
                return removed.error();
            if (!*removed) {
                return makeError(ErrorCode::NotFound,
                                 QStringLiteral("That user has no MFA to reset."));
            }
            Result<int> ended = SessionRows::revokeLive(
                tx, QStringLiteral("user_id = ?"), {userId}, now, SessionRows::revoker(actor),
                checkedReason->isEmpty() ? QStringLiteral("MFA reset") : *checkedReason);
            if (!ended)
                return ended.error();
            ev.requestParameters.insert(QStringLiteral("username"), managed->target.username);
            ev.responseElements = {{QStringLiteral("sessionsEnded"), *ended}};
            return UserRows::byId(tx, userId);
        });
}

Result<MfaPolicy> Mfa::policy(const Actor &actor) const
{
    return StoredPolicies::get<MfaPolicy>(m_context, actor, "GetMfaPolicy");
}

Result<MfaPolicy> Mfa::setPolicy(const Actor &actor, const MfaPolicy &policy) const
{
    return StoredPolicies::set(m_context, actor, policy, "UpdateMfaPolicy");
}

} // namespace gatehouse
