#include "AccessTokens.h"

#include "Jwt.h"
#include "SessionRows.h"
#include "Sessions.h"
#include "StoredPolicies.h"
#include "UserRows.h"
#include "crypto/Base64.h"
#include "crypto/Random.h"

#include <QJsonArray>

namespace gatehouse {

using UserRows::isoUtc;

namespace {

constexpr int kJtiBytes = 16;

Error invalidSession()
{
    return makeError(ErrorCode::Unauthenticated, QStringLiteral("Invalid or expired session."));
}

Error invalidToken(const QString &why)
{
    return makeError(ErrorCode::Unauthenticated, QString(u"Invalid access token: " + why));
}

bool isNonEmptyString(const QJsonValue &value)
{
    return value.isString() && !value.toString().isEmpty();
}

} // namespace

Result<IssuedAccessToken> AccessTokens::issue(const QString &sessionToken,
                                              const Actor &client) const
{
    // Validated first, in transactions of its own (it records the session's activity); the
    // issue transaction below reads the session again, so a revocation in between still wins.
    const Result<ValidatedSession> session = Sessions(m_context).validate(sessionToken);
    AuditEvent event;
    event.eventSource = QStringLiteral("auth.gatehouse");
    event.eventName = QStringLiteral("IssueAccessToken");
    event.actor = session ? session->actor(client) : client;
    return m_context.perform<IssuedAccessToken>(
        std::move(event), Store::Access::Write,
        [&](SqlTransaction &tx, AuditEvent &record) -> Result<IssuedAccessToken> {
            if (!session)
                return session.error();
            record.resources.append({QStringLiteral("Gatehouse::Session"), session->sessionId});
            if (Result<AccessControl::Grant> grant = AccessControl::grantOf(tx, record.actor);
                !grant) {
                return invalidSession();
            }
            const QDateTime now = m_context.clock().now();
            Result<Session> row = SessionRows::byId(tx, session->sessionId);
            if (!row || row->status(now) != Session::Status::Active)
                return invalidSession();
            Result<JwtPolicy> policy = JwtPolicy::load(tx);
            if (!policy)
                return policy.error();

            // NumericDates are whole seconds; the token ends with its lifetime or with the
            // session left idle, whichever comes first.
            const qint64 issuedAt = now.toSecsSinceEpoch();
            const qint64 expires =
                std::min(issuedAt + policy->lifetimeSeconds, row->idleExpiresAt.toSecsSinceEpoch());
            if (expires <= issuedAt)
                return invalidSession();
            const QDateTime expiresAt = QDateTime::fromSecsSinceEpoch(expires, Qt::UTC);

            Result<SigningKeys::Signer> signer = m_keys.signerFor(tx, expiresAt);
            if (!signer)
                return signer.error();
            Result<QByteArray> jtiBytes = crypto::randomBytes(kJtiBytes);
            if (!jtiBytes)
                return jtiBytes.error();
            const QString jti = QString::fromLatin1(crypto::base64UrlEncode(*jtiBytes));
            QJsonArray amr{QStringLiteral("pwd")};
            if (row->mfaAuthenticated)
                amr.append(QStringLiteral("otp"));
            const QJsonObject header{
                {QStringLiteral("alg"), Jwt::algorithm()},
                {QStringLiteral("typ"), Jwt::accessTokenType()},
                {QStringLiteral("kid"), signer->kid},
            };
            const QJsonObject claims{
                {QStringLiteral("iss"), policy->issuer},   {QStringLiteral("sub"), row->userId},
                {QStringLiteral("aud"), policy->audience}, {QStringLiteral("exp"), expires},
                {QStringLiteral("iat"), issuedAt},         {QStringLiteral("jti"), jti},
                {QStringLiteral("sid"), row->id},          {QStringLiteral("amr"), amr},
            };
            const QByteArray input = Jwt::signingInput(header, claims);
            Result<QByteArray> signature = signer->pair.sign(input);
            if (!signature)
                return signature.error();

            record.resources.append({QStringLiteral("Gatehouse::SigningKey"), signer->kid});
            record.responseElements = {{QStringLiteral("jti"), jti},
                                       {QStringLiteral("kid"), signer->kid},
                                       {QStringLiteral("expiresAt"), isoUtc(expiresAt)}};
            return IssuedAccessToken{QString::fromLatin1(Jwt::compact(input, *signature)),
                                     signer->kid, jti, expiresAt};
        });
}

Result<VerifiedAccessToken> AccessTokens::verify(const QString &token) const
{
    // One character past the limit is enough for Jwt::verify to refuse an oversize token, so
    // a huge one is never converted whole.
    const QByteArray bytes = QStringView(token).left(Jwt::kMaxTokenLength + 1).toUtf8();
    const QDateTime now = m_context.clock().now();
    struct Checked {
        Jwt::Verified token;
        bool sessionLive = false;
    };
    Result<Checked> checked = m_context.store().transact<Checked>(
        Store::Access::Read, [&](SqlTransaction &tx) -> Result<Checked> {
            Result<Jwt::PublicKeys> keys = SigningKeys::verifyingKeys(tx, now);
            if (!keys)
                return keys.error();
            Result<JwtPolicy> policy = JwtPolicy::load(tx);
            if (!policy)
                return policy.error();
            Jwt::Expectations expected;
            expected.issuer = policy->issuer;
            expected.audience = policy->audience;
            expected.now = now;
            expected.leewaySeconds = policy->leewaySeconds;
            Result<Jwt::Verified> verified = Jwt::verify(bytes, *keys, expected);
            if (!verified)
                return verified.error();
            for (const char *name : {"sub", "sid", "jti"}) {
                if (!isNonEmptyString(verified->claims.value(QLatin1String(name))))
                    return invalidToken(QStringLiteral("a required claim (sub, sid, jti) is "
                                                       "missing."));
            }
            if (!verified->claims.contains(QLatin1String("iat")))
                return invalidToken(QStringLiteral("iat is missing."));
            const QString sid = verified->claims.value(QLatin1String("sid")).toString();
            const QString sub = verified->claims.value(QLatin1String("sub")).toString();
            Checked result{*verified, false};
            if (!SessionRows::isWellFormedId(sid))
                return result;
            Result<Session> session = SessionRows::byId(tx, sid);
            if (!session) {
                if (session.error().code == ErrorCode::NotFound)
                    return result;
                return session.error();
            }
            Result<QVariant> status =
                tx.scalar(QStringLiteral("SELECT status FROM users WHERE id = ?"), {sub});
            if (!status)
                return status.error();
            result.sessionLive = session->userId == sub
                && session->status(now) == Session::Status::Active
                && status->toString() == QStringLiteral("active");
            return result;
        });
    if (!checked)
        return checked.error();
    if (!checked->sessionLive)
        return invalidToken(QStringLiteral("its session has ended."));

    const QJsonObject &claims = checked->token.claims;
    VerifiedAccessToken verified;
    verified.userId = claims.value(QLatin1String("sub")).toString();
    verified.sessionId = claims.value(QLatin1String("sid")).toString();
    verified.kid = checked->token.kid;
    verified.jti = claims.value(QLatin1String("jti")).toString();
    verified.issuedAt = QDateTime::fromSecsSinceEpoch(
        qint64(claims.value(QLatin1String("iat")).toDouble()), Qt::UTC);
    verified.expiresAt = checked->token.expiresAt;
    verified.mfaAuthenticated =
        claims.value(QLatin1String("amr")).toArray().contains(QStringLiteral("otp"));
    verified.claims = claims;
    return verified;
}

Result<JwtPolicy> AccessTokens::policy(const Actor &actor) const
{
    return StoredPolicies::get<JwtPolicy>(m_context, actor, "GetJwtPolicy");
}

Result<JwtPolicy> AccessTokens::setPolicy(const Actor &actor, const JwtPolicy &policy) const
{
    return StoredPolicies::set(m_context, actor, policy, "UpdateJwtPolicy");
}

} // namespace gatehouse
