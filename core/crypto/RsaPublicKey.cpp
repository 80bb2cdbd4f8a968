#include "RsaPublicKey.h"

#include "OpenSslHandles.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <QString>

namespace gatehouse::crypto {

namespace {

// A key file is a few hundred bytes; anything this large is not one (and BIO lengths are int).
constexpr qsizetype kMaxEncodedBytes = 1024 * 1024;

Error invalid(const QString &message)
{
    // Parsing failures leave reasons on OpenSSL's per-thread queue; they are answered here.
    ERR_clear_error();
    return makeError(ErrorCode::InvalidInput, message);
}

// A DER structure that must use every byte it is given.
template<typename Decode>
Pkey decodeWhole(QByteArrayView der, Decode decode)
{
    const unsigned char *start = bytesOf(der);
    const unsigned char *cursor = start;
    Pkey key(decode(&cursor, static_cast<long>(der.size())));
    if (key && cursor != start + der.size())
        key.reset();
    return key;
}

Pkey fromSubjectPublicKeyInfo(QByteArrayView der)
{
    return decodeWhole(der, [](const unsigned char **cursor, long length) {
        return d2i_PUBKEY(nullptr, cursor, length);
    });
}

Pkey fromPkcs1(QByteArrayView der)
{
    return decodeWhole(der, [](const unsigned char **cursor, long length) {
        return d2i_PublicKey(EVP_PKEY_RSA, nullptr, cursor, length);
    });
}

Pkey fromDer(QByteArrayView der)
{
    if (Pkey key = fromSubjectPublicKeyInfo(der))
        return key;
    return fromPkcs1(der);
}

// The first "PUBLIC KEY" or "RSA PUBLIC KEY" block; other blocks (a certificate, a comment
// block) are passed over, a private key is refused by not being either.
Result<Pkey> fromPem(QByteArrayView pem)
{
    const Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio)
        return makeError(ErrorCode::Unavailable, QStringLiteral("Out of memory."));
    for (int block = 0; block < 64; ++block) {
        char *name = nullptr;
        char *header = nullptr;
        unsigned char *data = nullptr;
        long length = 0;
        if (PEM_read_bio(bio.get(), &name, &header, &data, &length) != 1)
            break;
        const QByteArray label(name);
        const QByteArrayView der(reinterpret_cast<const char *>(data), qsizetype(length));
        Pkey key;
        if (label == "PUBLIC KEY")
            key = fromSubjectPublicKeyInfo(der);
        else if (label == "RSA PUBLIC KEY")
            key = fromPkcs1(der);
        OPENSSL_free(name);
        OPENSSL_free(header);
        OPENSSL_free(data);
        if (label == "PUBLIC KEY" || label == "RSA PUBLIC KEY") {
            if (!key)
                return invalid(QStringLiteral("The PEM %1 block is not a valid public key.")
                                   .arg(QString::fromLatin1(label)));
            return key;
        }
    }
    return invalid(QStringLiteral("The PEM text holds no PUBLIC KEY or RSA PUBLIC KEY block (a "
                                  "private key or a certificate is not accepted)."));
}

Result<void> checkRsa(const EVP_PKEY *key)
{
    if (!EVP_PKEY_is_a(key, "RSA"))
        return invalid(QStringLiteral("The public key is not an RSA key."));
    const int bits = EVP_PKEY_get_bits(key);
    if (bits < RsaPublicKey::kMinimumBits || bits > RsaPublicKey::kMaximumBits)
        return invalid(QStringLiteral("The RSA key has %1 bits; between %2 and %3 are accepted.")
                           .arg(bits)
                           .arg(RsaPublicKey::kMinimumBits)
                           .arg(RsaPublicKey::kMaximumBits));
    // e = 1 would make every padded message its own signature.
    BIGNUM *exponent = nullptr;
    if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &exponent) != 1)
        return invalid(QStringLiteral("The RSA key has no public exponent."));
    const BigNum owned(exponent);
    if (!BN_is_odd(exponent) || BN_is_one(exponent))
        return invalid(QStringLiteral("The RSA key's public exponent is not odd and above 1."));
    return {};
}

template<typename Encode>
QByteArray encode(const EVP_PKEY *key, Encode encoder)
{
    const int length = encoder(key, nullptr);
    if (length <= 0)
        return {};
    QByteArray der(length, Qt::Uninitialized);
    unsigned char *cursor = reinterpret_cast<unsigned char *>(der.data());
    if (encoder(key, &cursor) != length)
        return {};
    return der;
}

} // namespace

struct RsaPublicKey::Key {
    Pkey pkey;
};

RsaPublicKey::RsaPublicKey(std::shared_ptr<const Key> key)
    : m_key(std::move(key))
{}

Result<RsaPublicKey> RsaPublicKey::parse(QByteArrayView encoded)
{
    if (encoded.isEmpty())
        return invalid(QStringLiteral("The public key is empty."));
    if (encoded.size() > kMaxEncodedBytes)
        return invalid(QStringLiteral("The public key is far too large."));
    Pkey key;
    if (encoded.contains("-----BEGIN ")) { // PEM, perhaps with text around it
        Result<Pkey> pem = fromPem(encoded);
        if (!pem)
            return pem.error();
        key = std::move(*pem);
    } else {
        key = fromDer(encoded);
        if (!key)
            return invalid(QStringLiteral("Not an RSA public key: expected DER PKCS#1 "
                                          "RSAPublicKey or SubjectPublicKeyInfo, or PEM."));
    }
    if (Result<void> checked = checkRsa(key.get()); !checked)
        return checked.error();
    ERR_clear_error();
    auto shared = std::make_shared<Key>();
    shared->pkey = std::move(key);
    return RsaPublicKey(std::move(shared));
}

int RsaPublicKey::bits() const
{
    return EVP_PKEY_get_bits(m_key->pkey.get());
}

QByteArray RsaPublicKey::pkcs1Der() const
{
    return encode(m_key->pkey.get(),
                  [](const EVP_PKEY *key, unsigned char **out) { return i2d_PublicKey(key, out); });
}

QByteArray RsaPublicKey::subjectPublicKeyInfoDer() const
{
    return encode(m_key->pkey.get(),
                  [](const EVP_PKEY *key, unsigned char **out) { return i2d_PUBKEY(key, out); });
}

bool RsaPublicKey::verifySha256(QByteArrayView message, QByteArrayView signature) const
{
    EVP_PKEY *key = m_key->pkey.get();
    if (signature.size() != EVP_PKEY_get_size(key))
        return false;
    const MdCtx ctx(EVP_MD_CTX_new());
    if (!ctx)
        return false;
    EVP_PKEY_CTX *keyCtx = nullptr; // owned by ctx
    const bool verified =
        EVP_DigestVerifyInit_ex(ctx.get(), &keyCtx, "SHA256", nullptr, nullptr, key, nullptr) == 1
        && EVP_PKEY_CTX_set_rsa_padding(keyCtx, RSA_PKCS1_PADDING) == 1
        && EVP_DigestVerify(ctx.get(), bytesOf(signature), static_cast<size_t>(signature.size()),
                            bytesOf(message), static_cast<size_t>(message.size()))
            == 1;
    if (!verified)
        ERR_clear_error();
    return verified;
}

} // namespace gatehouse::crypto
