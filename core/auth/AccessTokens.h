#pragma once

#include "JwtPolicy.h"
#include "ServiceContext.h"
#include "SigningKeys.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace gatehouse {

// A JWT access token just issued. The token is a bearer credential: hand it to the client and
// forget it; Gatehouse keeps only its jti and kid in the audit trail.
struct IssuedAccessToken {
    QString token;
    QString kid;
    QString jti;
    QDateTime expiresAt;
};

// What a verified access token says.
struct VerifiedAccessToken {
    QString userId; // sub
    QString sessionId; // sid
    QString kid;
    QString jti;
    QDateTime issuedAt;
    QDateTime expiresAt;
    bool mfaAuthenticated = false; // amr holds "otp"
    QJsonObject claims; // every claim, as signed
};

// Short-lived JWT access tokens for resource servers, issued from a sign-in session and signed
// by the current signing key (SigningKeys).
//
// Rules kept here and nowhere else:
// - Only a live, fully authenticated session gets a token: a pending-MFA session, an expired,
//   revoked or unknown one, or one whose account is disabled is refused with the generic
//   session error. Every issue is audited ("IssueAccessToken", by jti and kid), refusals too.
// - Claims: iss and aud from the JWT policy, sub (user id), sid (session id), iat, exp, jti
//   (random) and amr (["pwd"], or ["pwd", "otp"] after the TOTP step). Header: alg EdDSA,
//   typ at+jwt (RFC 9068), kid. exp is the policy lifetime (at most 15 min) from now, but never
//   after the moment the session would end if left idle.
// - verify() applies every rule of Jwt::verify() with the stored policy and the keys that
//   verify now, then Gatehouse's profile: sub, sid and jti present, iat present. Through
//   Gatehouse it also requires the session to be live still, so a signed-out or revoked session
//   ends its tokens at once here; resource servers that verify offline against JWKS accept them
//   until exp, which is why exp is short. verify() is the hot path: not audited per call.
class AccessTokens
{
public:
    explicit AccessTokens(const ServiceContext &context)
        : m_context(context),
          m_keys(context)
    {}

    // `client` supplies the network details for the audit record.
    Result<IssuedAccessToken> issue(const QString &sessionToken, const Actor &client = {}) const;
    // Unauthenticated "Invalid access token: <reason>" for anything but a valid token.
    Result<VerifiedAccessToken> verify(const QString &token) const;

    // policies:read / policies:write; the change is audited with the previous policy.
    Result<JwtPolicy> policy(const Actor &actor) const;
    Result<JwtPolicy> setPolicy(const Actor &actor, const JwtPolicy &policy) const;

private:
    const ServiceContext &m_context;
    SigningKeys m_keys;
};

} // namespace gatehouse
