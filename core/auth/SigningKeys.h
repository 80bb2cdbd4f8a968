#pragma once

#include "AccessControl.h"
#include "Jwt.h"
#include "ServiceContext.h"
#include "crypto/Ed25519.h"
#include "model/SigningKey.h"

#include <QJsonObject>
#include <QList>

namespace gatehouse {

// The Ed25519 keys that sign JWT access tokens: their life cycle and the JWKS that resource
// servers verify against.
//
// Rules kept here and nowhere else:
// - Exactly one key signs at a time. A store has none until an administrator rotates for the
//   first time (`gatehousectl key rotate`); until then no access token can be issued, and
//   AccessTokens says so. Creating keys is an administrator's decision, never a side effect of
//   an end user asking for a token.
// - rotate() creates a new key that signs from then on. The old one becomes verify-only: its
//   private key is dropped in the same transaction (verification needs only the public key),
//   and it keeps verifying, and stays in JWKS, until retiredAfter: the latest expiry of any
//   token it signed plus the maximum leeway. Then it drops out by itself; purge() deletes it.
//   Rotation never needs the old private key, so it is also the way out after a data key was
//   lost or a key is suspected compromised (rotate, then retire the old key).
// - retire() ends a verify-only key at once: it verifies nothing and leaves JWKS, even if
//   tokens it signed have not expired yet. The signing key cannot be retired (Conflict): rotate
//   first, so there is always a key to sign with.
// - Private keys are sealed with the data key (SEC-18), bound to "signing-key:<kid>". Without
//   the data key a store can still list keys, publish JWKS and verify tokens; creating and
//   using a signing key fails with Unavailable, and a data key other than the one a key was
//   sealed with is an Integrity error.
// - Concurrent rotations are serialised by the store's write lock, and a unique index allows
//   only one active row, so they can never leave two signing keys.
// - Audit records name keys by kid only, never a private key or a sealed box (SEC-43).
class SigningKeys
{
public:
    // kid: "k_" and 16 base64url characters (96 random bits).
    static constexpr int kKidLength = 18;

    explicit SigningKeys(const ServiceContext &context)
        : m_context(context)
    {}

    // Every key, newest first (there are few: one per rotation until purged). keys:read.
    Result<QList<SigningKey>> list(const Actor &actor) const;
    // keys:manage. Returns the new signing key.
    Result<SigningKey> rotate(const Actor &actor) const;
    // keys:manage. Idempotent for a key already retired.
    Result<SigningKey> retire(const Actor &actor, const QString &kid) const;
    // keys:manage. Deletes retired keys and verify-only keys past their retiredAfter.
    Result<int> purge(const Actor &actor) const;
    // keys:read. The RFC 7517 JWK Set of every key that verifies now: {"keys": [...]}.
    Result<QJsonObject> jwks(const Actor &actor) const;
    // The same set for anyone (GET /.well-known/jwks.json): public keys only, so no
    // permission and no audit record per fetch (resource servers fetch it often).
    Result<QJsonObject> publicJwks() const;

    // Inside the caller's (issue) transaction: the signing key opened with the data key, after
    // recording that it signs a token valid until `tokenExpiresAt` (which moves its eventual
    // retiredAfter). Unavailable when there is no signing key or no data key.
    struct Signer {
        QString kid;
        crypto::Ed25519KeyPair pair;
    };
    Result<Signer> signerFor(SqlTransaction &tx, const QDateTime &tokenExpiresAt) const;

    // The public keys that verify at `now`, by kid, for Jwt::verify().
    static Result<Jwt::PublicKeys> verifyingKeys(SqlTransaction &tx, const QDateTime &now);

    static bool isWellFormedKid(const QString &kid);
    // The key as an RFC 8037 OKP JWK: kty, crv, x, kid, use, alg.
    static QJsonObject toJwk(const SigningKey &key);
    // The key as audit records and `--json` show it: no secrets.
    static QJsonObject toJson(const SigningKey &key, const QDateTime &now);

private:
    static Result<QList<SigningKey>> load(SqlTransaction &tx, const QString &where,
                                          const QVariantList &parameters);
    // {"keys": [...]}: the JWKs of the keys that sign or still verify.
    Result<QJsonObject> keySet(SqlTransaction &tx) const;

    const ServiceContext &m_context;
};

} // namespace gatehouse
