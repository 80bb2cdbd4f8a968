#include "Ed25519.h"

#include "OpenSslHandles.h"

#include "Random.h"

#include <openssl/evp.h>

#include <QString>

#include <memory>

namespace gatehouse::crypto {

namespace {

Pkey privateKeyFrom(QByteArrayView seed)
{
    return Pkey(EVP_PKEY_new_raw_private_key_ex(nullptr, "ED25519", nullptr, bytesOf(seed),
                                                static_cast<size_t>(seed.size())));
}

Error keyFailure()
{
    return makeError(ErrorCode::Internal, QStringLiteral("could not load an Ed25519 key"));
}

} // namespace

Result<Ed25519KeyPair> Ed25519KeyPair::generate()
{
    // An RFC 8032 private key is just 32 random bytes; the public key follows from it.
    auto seed = randomBytes(kPrivateKeyLength);
    if (!seed)
        return seed.error();
    auto pair = fromPrivateKey(*seed);
    secureZero(*seed);
    return pair;
}

Result<Ed25519KeyPair> Ed25519KeyPair::fromPrivateKey(QByteArrayView seed)
{
    if (seed.size() != kPrivateKeyLength) {
        return makeError(
            ErrorCode::InvalidInput,
            QStringLiteral("Ed25519 private key must be exactly %1 bytes").arg(kPrivateKeyLength));
    }
    const Pkey key = privateKeyFrom(seed);
    QByteArray publicKey(kPublicKeyLength, Qt::Uninitialized);
    size_t length = static_cast<size_t>(publicKey.size());
    if (!key
        || EVP_PKEY_get_raw_public_key(key.get(),
                                       reinterpret_cast<unsigned char *>(publicKey.data()), &length)
            != 1
        || length != static_cast<size_t>(kPublicKeyLength)) {
        return keyFailure();
    }
    return Ed25519KeyPair(seed.toByteArray(), std::move(publicKey));
}

Ed25519KeyPair::Ed25519KeyPair(QByteArray seed, QByteArray publicKey)
    : m_seed(std::move(seed)),
      m_publicKey(std::move(publicKey))
{}

Ed25519KeyPair::Ed25519KeyPair(const Ed25519KeyPair &other) = default;
Ed25519KeyPair &Ed25519KeyPair::operator=(const Ed25519KeyPair &other) = default;

Ed25519KeyPair::~Ed25519KeyPair()
{
    secureZero(m_seed);
}

Result<QByteArray> Ed25519KeyPair::sign(QByteArrayView message) const
{
    const Pkey key = privateKeyFrom(m_seed);
    const MdCtx ctx(EVP_MD_CTX_new());
    if (!key || !ctx)
        return keyFailure();
    QByteArray signature(kSignatureLength, Qt::Uninitialized);
    size_t length = static_cast<size_t>(signature.size());
    // Ed25519 hashes internally (PureEdDSA), so no digest is named and the one-shot call is
    // the only one allowed.
    if (EVP_DigestSignInit_ex(ctx.get(), nullptr, nullptr, nullptr, nullptr, key.get(), nullptr)
            != 1
        || EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(signature.data()), &length,
                          bytesOf(message), static_cast<size_t>(message.size()))
            != 1
        || length != static_cast<size_t>(kSignatureLength)) {
        return makeError(ErrorCode::Internal, QStringLiteral("Ed25519 signing failed"));
    }
    return signature;
}

bool ed25519Verify(QByteArrayView publicKey, QByteArrayView message, QByteArrayView signature)
{
    if (publicKey.size() != Ed25519KeyPair::kPublicKeyLength
        || signature.size() != Ed25519KeyPair::kSignatureLength) {
        return false;
    }
    const Pkey key(EVP_PKEY_new_raw_public_key_ex(nullptr, "ED25519", nullptr, bytesOf(publicKey),
                                                  static_cast<size_t>(publicKey.size())));
    const MdCtx ctx(EVP_MD_CTX_new());
    if (!key || !ctx)
        return false;
    return EVP_DigestVerifyInit_ex(ctx.get(), nullptr, nullptr, nullptr, nullptr, key.get(),
                                   nullptr)
        == 1
        && EVP_DigestVerify(ctx.get(), bytesOf(signature), static_cast<size_t>(signature.size()),
                            bytesOf(message), static_cast<size_t>(message.size()))
        == 1;
}

} // namespace gatehouse::crypto
