#include "Hash.h"

#include "OpenSslHandles.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace gatehouse::crypto {

namespace {

const char *digestName(HashAlgorithm algorithm)
{
    switch (algorithm) {
    case HashAlgorithm::Sha1:
        return "SHA1";
    case HashAlgorithm::Sha256:
        return "SHA256";
    case HashAlgorithm::Sha512:
        return "SHA512";
    }
    return "SHA256";
}

} // namespace

QByteArray sha256(QByteArrayView data)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(bytesOf(data), static_cast<size_t>(data.size()), digest, &length, EVP_sha256(),
                   nullptr)
        != 1) {
        return {};
    }
    return QByteArray(reinterpret_cast<const char *>(digest), static_cast<qsizetype>(length));
}

QByteArray hmac(HashAlgorithm algorithm, QByteArrayView key, QByteArrayView data)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    size_t length = 0;
    if (EVP_Q_mac(nullptr, "HMAC", nullptr, digestName(algorithm), nullptr, bytesOf(key),
                  static_cast<size_t>(key.size()), bytesOf(data), static_cast<size_t>(data.size()),
                  mac, sizeof mac, &length)
        == nullptr) {
        return {};
    }
    QByteArray result(reinterpret_cast<const char *>(mac), static_cast<qsizetype>(length));
    OPENSSL_cleanse(mac, sizeof mac);
    return result;
}

bool constantTimeEquals(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    if (a.isEmpty())
        return true;
    return CRYPTO_memcmp(a.data(), b.data(), static_cast<size_t>(a.size())) == 0;
}

} // namespace gatehouse::crypto
