#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace gatehouse::crypto {

enum class HashAlgorithm { Sha1, Sha256, Sha512 };

// Raw digests (not hex). Empty only if OpenSSL itself fails, which valid input never causes.
QByteArray sha256(QByteArrayView data);
QByteArray hmac(HashAlgorithm algorithm, QByteArrayView key, QByteArrayView data);
inline QByteArray hmacSha256(QByteArrayView key, QByteArrayView data)
{
    return hmac(HashAlgorithm::Sha256, key, data);
}

// Constant-time comparison (CRYPTO_memcmp) for secrets and their hashes. Only the lengths,
// which are not secret, may end the comparison early.
bool constantTimeEquals(QByteArrayView a, QByteArrayView b);

} // namespace gatehouse::crypto
