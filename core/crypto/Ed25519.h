#pragma once

#include "model/Result.h"

#include <QByteArray>
#include <QByteArrayView>

namespace gatehouse::crypto {

// Ed25519 (RFC 8032) signatures for audit checkpoints and JWTs.
class Ed25519KeyPair
{
public:
    static constexpr int kPrivateKeyLength = 32; // the RFC 8032 secret seed
    static constexpr int kPublicKeyLength = 32;
    static constexpr int kSignatureLength = 64;

    static Result<Ed25519KeyPair> generate();
    static Result<Ed25519KeyPair> fromPrivateKey(QByteArrayView seed);

    Ed25519KeyPair(const Ed25519KeyPair &other);
    Ed25519KeyPair &operator=(const Ed25519KeyPair &other);
    ~Ed25519KeyPair();

    QByteArray privateKey() const { return m_seed; }
    QByteArray publicKey() const { return m_publicKey; }
    Result<QByteArray> sign(QByteArrayView message) const;

private:
    Ed25519KeyPair(QByteArray seed, QByteArray publicKey);

    QByteArray m_seed;
    QByteArray m_publicKey;
};

// False for a wrong signature and for malformed keys or signatures.
bool ed25519Verify(QByteArrayView publicKey, QByteArrayView message, QByteArrayView signature);

} // namespace gatehouse::crypto
