#pragma once

// For the crypto sources only: what every file that calls OpenSSL needs, once.

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>

#include <QByteArrayView>

#include <memory>

namespace gatehouse::crypto {

// OpenSSL treats a NULL buffer as "not given" in some paths even with length 0 (HMAC then
// refuses an empty key), so empty views are passed as a valid pointer to nothing.
inline const unsigned char *bytesOf(QByteArrayView view)
{
    static const unsigned char kNothing = 0;
    return view.isEmpty() ? &kNothing : reinterpret_cast<const unsigned char *>(view.data());
}

struct OpenSslDeleter {
    void operator()(EVP_PKEY *key) const { EVP_PKEY_free(key); }
    void operator()(EVP_MD_CTX *ctx) const { EVP_MD_CTX_free(ctx); }
    void operator()(EVP_MD *md) const { EVP_MD_free(md); }
    void operator()(EVP_CIPHER_CTX *ctx) const { EVP_CIPHER_CTX_free(ctx); }
    void operator()(BIO *bio) const { BIO_free(bio); }
    void operator()(BIGNUM *number) const { BN_free(number); }
};
using Pkey = std::unique_ptr<EVP_PKEY, OpenSslDeleter>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, OpenSslDeleter>;
using Md = std::unique_ptr<EVP_MD, OpenSslDeleter>;
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, OpenSslDeleter>;
using Bio = std::unique_ptr<BIO, OpenSslDeleter>;
using BigNum = std::unique_ptr<BIGNUM, OpenSslDeleter>;

} // namespace gatehouse::crypto
