#pragma once

#include "model/Result.h"

#include <QByteArray>
#include <QString>
#include <QStringView>

namespace gatehouse {

// A secret shown to its holder exactly once. Only `hash` (raw SHA-256, 32 bytes) is stored, so
// a leaked database cannot be replayed as credentials (SECURITY.md SEC-20, SEC-27, D9).
struct IssuedSecret {
    QString token;
    QByteArray hash;
};

struct IssuedServiceToken {
    QString token; // shown once, never stored or logged
    QString keyId; // public: stored in clear, logged, used to find the key's row
    QByteArray secretHash; // SHA-256 of the whole token: what the store keeps
};

struct ParsedServiceToken {
    QString keyId;
    QByteArray secretHash;
};

// The wire formats of every secret Gatehouse hands out, in one place.
//
// Every parser checks the exact shape before doing any work (length first, so a megabyte of
// input costs nothing), and fails with one fixed message that never echoes the input: what was
// presented may be a real secret, pasted into the wrong field. Comparing a computed hash with a
// stored one is the caller's job, with crypto::constantTimeEquals from crypto/Hash.h.
//
// Session tokens (SEC-20): "gh_s_" + base64url(32 CSPRNG bytes), unpadded: 48 characters,
// 256 bits. Opaque; the store keeps SHA-256 of the token's exact ASCII bytes. A stored hash
// (64 hex characters, or 32 raw bytes in any encoding) fails the shape check or hashes to
// something else, so a dump of the hash column is useless as bearer tokens (D9).
//
// Service tokens / API keys (SEC-27), GitHub style "ghk_<id>_<secret>_<checksum>", 75 chars:
// - "ghk": an identifiable prefix, so secret scanners can find leaked keys.
// - id: 12 CSPRNG bytes as RFC 4648 base32, lowercase, unpadded (20 chars of [a-z2-7]). The
//   public key id, so a key can be named in logs and audit records and its row found without
//   touching the secret. 96 bits fill 19.2 symbols, so the last symbol carries 4 zero bits and
//   is always 'a' or 'q'; any other last symbol is refused (one spelling per id).
// - secret: 32 CSPRNG bytes (256 bits) as a big-endian number in base62 ([0-9A-Za-z]),
//   zero-padded to 43 characters; values of 2^256 and above are refused. Base62 keeps the
//   whole token one "word" for double-click selection.
// - checksum: CRC-32 of "ghk_<id>_<secret>" as base62, zero-padded to 6 characters. Typos are
//   refused without a database lookup; it adds no secrecy.
// The store keeps SHA-256 of the whole token rather than of the secret alone: the hash then
// binds the id to the secret, so a secret cannot be moved under another key's id. 256 bits of
// CSPRNG output need no salt or slow hash (NIST: 112+ bits may use a plain approved hash).
// Rotation issues the same id with a new secret; expiry, grace periods and revocation
// (SEC-28) belong to the store, which decides which secret hash is live for an id.
//
// One-time codes (password setup/reset codes an admin hands over): 20 symbols of Crockford
// base32 (0-9 and A-Z without I, L, O, U; 100 bits), shown as XXXXX-XXXXX-XXXXX-XXXXX. People
// type these, so input is forgiving: case is ignored, spaces and hyphens (also non-breaking
// ones, from copy and paste) are dropped, I and L read as 1 and O as 0. Then exactly 20 symbols
// must remain; the hash is SHA-256 of that canonical 20-character upper-case form.
//
// Recovery codes (MFA): 10 Crockford symbols (50 bits), shown as XXXXX-XXXXX, read like one-time
// codes. 50 bits suffice against online guessing: each code works once (SEC-19), it is only
// tried after the password, and every wrong guess counts in the login lockout (SEC-17).
// They do not suffice offline: 2^50 SHA-256 is within reach of one GPU, so whoever holds a
// database dump can recover unused codes from their hashes (and would still need the
// password). If that matters, the store should key these hashes (HMAC with the server key
// that protects TOTP seeds) rather than keep the plain hash returned here.
class TokenFormat
{
public:
    static constexpr QStringView SessionTokenPrefix = u"gh_s_";
    static constexpr int SessionTokenBytes = 32;
    static constexpr int SessionTokenLength = 48;

    static constexpr QStringView ServiceTokenPrefix = u"ghk";
    static constexpr int KeyIdBytes = 12;
    static constexpr int KeyIdLength = 20;
    static constexpr int ServiceSecretBytes = 32;
    static constexpr int ServiceSecretLength = 43;
    static constexpr int ChecksumLength = 6;
    static constexpr int ServiceTokenLength = 75;

    static constexpr int OneTimeCodeSymbols = 20;
    static constexpr int RecoveryCodeSymbols = 10;

    // Anything longer is refused before it is looked at; no format comes near it.
    static constexpr int MaxPresentedLength = 256;

    TokenFormat() = delete;

    static Result<IssuedSecret> newSessionToken();
    // SHA-256 of a well-formed session token; otherwise Unauthenticated "invalid session token".
    static Result<QByteArray> sessionTokenHash(QStringView presented);

    // An empty keyId issues a new key; a given one (which must be well-formed) rotates that
    // key: same id, new secret.
    static Result<IssuedServiceToken> newServiceToken(QStringView keyId = {});
    // Shape and checksum only, no lookup; otherwise Unauthenticated "invalid service token".
    static Result<ParsedServiceToken> parseServiceToken(QStringView presented);
    static bool isValidKeyId(QStringView keyId);
    // "ghk_<id>_…" for logs and audit records (SEC-43). Never includes the secret: input
    // without a well-formed "ghk_<id>_" start gives the fixed text "(malformed token)".
    static QString redact(QStringView token);

    // `token` is the grouped form to show; `hash` is of the canonical form.
    static Result<IssuedSecret> newOneTimeCode();
    // Otherwise InvalidInput "that code is not valid; check it and try again".
    static Result<QByteArray> oneTimeCodeHash(QStringView typed);

    static Result<IssuedSecret> newRecoveryCode();
    static Result<QByteArray> recoveryCodeHash(QStringView typed);

    // A TOTP seed as authenticator apps take it (otpauth:// URIs, manual entry): RFC 4648
    // base32, upper case, unpadded. 20 bytes give exactly 32 symbols.
    static QString totpSeedText(QByteArrayView seed);
};

} // namespace gatehouse
