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
    // Runs for every request that carries a token. EVP_sha256() has OpenSSL 3 look its
    // implementation up again for every digest, and a new context costs two allocations: the
    // digest is fetched once, and each thread keeps one context, initialised again for each
    // use (the final step wipes the input it buffered).
    static const Md digest(EVP_MD_fetch(nullptr, "SHA256", nullptr));
    thread_local const MdCtx context(EVP_MD_CTX_new());
    QByteArray hash(32, Qt::Uninitialized);
    unsigned int length = 0;
    if (!context
        || EVP_DigestInit_ex2(context.get(), digest ? digest.get() : EVP_sha256(), nullptr) != 1
        || EVP_DigestUpdate(context.get(), bytesOf(data), static_cast<size_t>(data.size())) != 1
        || EVP_DigestFinal_ex(context.get(), reinterpret_cast<unsigned char *>(hash.data()),
                              &length)
            != 1
        || length != 32) {
        return {};
    }
    return hash;
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
