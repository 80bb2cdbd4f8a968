#pragma once

#include "model/Result.h"

#include <QByteArray>
#include <QByteArrayView>

#include <memory>

namespace gatehouse::crypto {

// An RSA public key that checks RSASSA-PKCS1-v1_5 signatures made elsewhere, such as the
// SHA256withRSA signatures of CloudTrail's digest files. Parse a key once, verify many
// signatures with it. Copies share the parsed key, which is immutable (safe on any thread).
class RsaPublicKey
{
public:
    // Shorter moduli are refused; OpenSSL itself refuses longer ones.
    static constexpr int kMinimumBits = 2048;
    static constexpr int kMaximumBits = 16384;

    // Accepts DER PKCS#1 RSAPublicKey (what CloudTrail's ListPublicKeys returns, base64, in
    // `Value`), DER SubjectPublicKeyInfo, or PEM of either ("RSA PUBLIC KEY", "PUBLIC KEY").
    // InvalidInput for anything else: other key types, private keys, trailing bytes, keys
    // under kMinimumBits.
    static Result<RsaPublicKey> parse(QByteArrayView encoded);

    int bits() const;
    // DER PKCS#1 RSAPublicKey, the form ListPublicKeys returns.
    QByteArray pkcs1Der() const;
    // DER SubjectPublicKeyInfo, the form `openssl rsa -pubout -outform DER` writes.
    QByteArray subjectPublicKeyInfoDer() const;

    // RSASSA-PKCS1-v1_5 with SHA-256 over `message`. False for a wrong signature and for one
    // of the wrong length.
    bool verifySha256(QByteArrayView message, QByteArrayView signature) const;

private:
    struct Key;
    explicit RsaPublicKey(std::shared_ptr<const Key> key);

    std::shared_ptr<const Key> m_key;
};

} // namespace gatehouse::crypto
