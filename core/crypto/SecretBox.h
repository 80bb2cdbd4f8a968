#pragma once

#include "model/Result.h"

#include <QByteArray>
#include <QByteArrayView>

namespace gatehouse::crypto {

// Authenticated encryption of small secrets at rest (TOTP seeds, signing keys) with
// AES-256-GCM under a 256-bit data key that lives outside the database.
//
// Envelope, version 1:  0x01 | key id (8) | nonce (12) | ciphertext | tag (16)
// The version byte and key id are authenticated with the caller's associated data, which
// binds a box to its place (for example "mfa-seed:<user id>") so a box cannot be moved to
// another row. The key id (first 8 bytes of HMAC-SHA256(key, "gatehouse secretbox key id"))
// lets open() say "sealed with a different data key" instead of a bare tag failure.
class SecretBox
{
public:
    static constexpr int kKeyLength = 32;
    static constexpr int kKeyIdLength = 8;
    static constexpr int kNonceLength = 12;
    static constexpr int kTagLength = 16;
    static constexpr char kVersion1 = 0x01;

    static Result<QByteArray> generateKey();
    static Result<SecretBox> fromKey(QByteArrayView key);

    SecretBox(const SecretBox &other);
    SecretBox &operator=(const SecretBox &other);
    ~SecretBox();

    QByteArray keyId() const { return m_keyId; }

    Result<QByteArray> seal(QByteArrayView plaintext, QByteArrayView associatedData) const;
    // Integrity error if the box was altered, sealed under another key or for other
    // associated data; InvalidInput if it is not an envelope this version understands.
    Result<QByteArray> open(QByteArrayView box, QByteArrayView associatedData) const;

    // A keyed hash of a short secret the store must recognise but never read back (recovery
    // codes): HMAC-SHA256 under a subkey derived from the data key for `purpose`, so a dump of
    // the database alone cannot brute-force low-entropy codes, and the data key itself is
    // never used for two things.
    QByteArray keyedHash(QByteArrayView purpose, QByteArrayView message) const;

private:
    SecretBox(QByteArray key, QByteArray keyId);

    QByteArray m_key;
    QByteArray m_keyId;
};

} // namespace gatehouse::crypto
