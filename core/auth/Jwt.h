#pragma once

#include "model/Result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QString>

// JWS compact serialisation (RFC 7515) of JWTs (RFC 7519), with the strict checks of RFC 8725
// and SEC-30 / catalogue C8..C15. Pure functions over bytes: no store, no clock, so every rule
// is testable on its own. AccessTokens builds Gatehouse's access tokens on top.
//
// What verify() refuses, whatever the signature says:
// - anything longer than kMaxTokenLength, before any decoding;
// - anything but three non-empty dot-separated base64url parts: padding, whitespace, the
//   standard alphabet, non-canonical trailing bits, a missing signature, trailing data, JWE;
// - JSON that is not one object of valid UTF-8, or holds a duplicate key (at any depth, also
//   when spelled with escapes), a lone surrogate, a control character, trailing data or more
//   than kMaxJsonDepth levels;
// - a header with any parameter but alg, typ and kid: in particular jku, x5u, jwk, x5c (a key
//   or key URL chosen by the sender; nothing is ever fetched) and crit;
// - an alg other than exactly "EdDSA" (so "none" in any spelling, HS256 keyed with the public
//   key, ES256 "psychic signatures");
// - a typ other than exactly the expected one ("at+jwt": a session or refresh token is not an
//   access token);
// - a kid that is not a key of the caller's map: kid is never a path, URL or query;
// - a signature that does not verify under that key;
// - exp missing, not a whole number, or passed; nbf or iat in the future (all with the
//   caller's leeway, at most 60 s);
// - an iss other than the expected issuer, an aud that does not name the expected audience.
namespace gatehouse::Jwt {

constexpr qsizetype kMaxTokenLength = 8 * 1024;
constexpr int kMaxJsonDepth = 8;
constexpr int kMaxLeewaySeconds = 60;
// NumericDate values beyond this (the end of year 9999) are refused as out of range.
constexpr qint64 kMaxNumericDate = 253402300799;

inline QString algorithm()
{
    return QStringLiteral("EdDSA");
}
inline QString accessTokenType()
{
    return QStringLiteral("at+jwt"); // RFC 9068 §2.1
}

// A compact JWS split and decoded, NOT yet trusted: nothing in it may be acted on before
// verify() has checked the signature and the claims.
struct Decoded {
    QJsonObject header;
    QJsonObject claims;
    QByteArray signingInput; // "<header>.<payload>" exactly as received: what was signed
    QByteArray signature;
};

// Splits and decodes with the structural checks above. Unauthenticated, with the reason.
Result<Decoded> decode(QByteArrayView token);

// Strict JSON: one object, UTF-8, no duplicate keys, no trailing data. InvalidInput with the
// reason (never the input, which may be part of a credential).
Result<QJsonObject> parseObject(QByteArrayView json);

// "<base64url(header)>.<base64url(claims)>", compact JSON, ready to sign.
QByteArray signingInput(const QJsonObject &header, const QJsonObject &claims);
// "<signingInput>.<base64url(signature)>".
QByteArray compact(QByteArrayView signingInput, QByteArrayView signature);

// Public keys (raw Ed25519, 32 bytes) by kid: the only way a header's kid is used.
using PublicKeys = QHash<QString, QByteArray>;

struct Expectations {
    QString issuer;
    QString audience;
    QString type = accessTokenType();
    QDateTime now;
    int leewaySeconds = 0; // clamped to kMaxLeewaySeconds
};

struct Verified {
    QString kid;
    QJsonObject claims;
    QDateTime expiresAt;
};

// Every check above, in an order that trusts nothing unsigned: structure, header, key,
// signature, then claims. Unauthenticated "Invalid access token: <reason>" on any failure.
Result<Verified> verify(QByteArrayView token, const PublicKeys &keys, const Expectations &expected);

} // namespace gatehouse::Jwt
