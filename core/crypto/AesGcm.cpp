#include "AesGcm.h"

#include "OpenSslHandles.h"

#include "Random.h"

#include <openssl/evp.h>

#include <QString>

#include <climits>
#include <memory>
#include <optional>

namespace gatehouse::crypto {

namespace {

constexpr int kKeyLength = 32;
constexpr int kNonceLength = 12;
constexpr int kTagLength = 16;

unsigned char *bytesOf(QByteArray &bytes)
{
    return reinterpret_cast<unsigned char *>(bytes.data());
}

std::optional<Error> checkInputs(QByteArrayView key, QByteArrayView nonce,
                                 QByteArrayView associatedData, QByteArrayView text)
{
    if (key.size() != kKeyLength) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("AES-256-GCM key must be exactly 32 bytes"));
    }
    if (nonce.size() != kNonceLength) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("AES-256-GCM nonce must be exactly 12 bytes"));
    }
    // OpenSSL takes int lengths; these are meant for small secrets anyway.
    if (associatedData.size() > INT_MAX / 2 || text.size() > INT_MAX / 2) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("AES-256-GCM input is too large to seal in one piece"));
    }
    return std::nullopt;
}

Error cipherFailure()
{
    return makeError(ErrorCode::Internal, QStringLiteral("AES-256-GCM operation failed"));
}

} // namespace

Result<QByteArray> aes256GcmEncrypt(QByteArrayView key, QByteArrayView nonce,
                                    QByteArrayView associatedData, QByteArrayView plaintext)
{
    if (auto problem = checkInputs(key, nonce, associatedData, plaintext))
        return *problem;
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    QByteArray out(plaintext.size() + kTagLength, Qt::Uninitialized);
    int length = 0;
    bool ok = ctx
        && EVP_EncryptInit_ex2(ctx.get(), EVP_aes_256_gcm(), bytesOf(key), bytesOf(nonce), nullptr)
            == 1;
    if (ok && !associatedData.isEmpty()) {
        ok = EVP_EncryptUpdate(ctx.get(), nullptr, &length, bytesOf(associatedData),
                               static_cast<int>(associatedData.size()))
            == 1;
    }
    int written = 0;
    if (ok && !plaintext.isEmpty()) {
        ok = EVP_EncryptUpdate(ctx.get(), bytesOf(out), &written, bytesOf(plaintext),
                               static_cast<int>(plaintext.size()))
            == 1;
    }
    ok = ok && EVP_EncryptFinal_ex(ctx.get(), bytesOf(out) + written, &length) == 1
        && written + length == plaintext.size()
        && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, kTagLength,
                               bytesOf(out) + plaintext.size())
            == 1;
    if (!ok) {
        secureZero(out);
        return cipherFailure();
    }
    return out;
}

Result<QByteArray> aes256GcmDecrypt(QByteArrayView key, QByteArrayView nonce,
                                    QByteArrayView associatedData, QByteArrayView ciphertextAndTag)
{
    if (auto problem = checkInputs(key, nonce, associatedData, ciphertextAndTag))
        return *problem;
    if (ciphertextAndTag.size() < kTagLength) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("AES-256-GCM input is shorter than its tag"));
    }
    const QByteArrayView ciphertext = ciphertextAndTag.first(ciphertextAndTag.size() - kTagLength);
    // OpenSSL's ctrl wants a mutable pointer, so the tag is copied out of the view.
    QByteArray tag = ciphertextAndTag.last(kTagLength).toByteArray();
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    QByteArray out(ciphertext.size(), Qt::Uninitialized);
    int length = 0;
    bool ok = ctx
        && EVP_DecryptInit_ex2(ctx.get(), EVP_aes_256_gcm(), bytesOf(key), bytesOf(nonce), nullptr)
            == 1;
    if (ok && !associatedData.isEmpty()) {
        ok = EVP_DecryptUpdate(ctx.get(), nullptr, &length, bytesOf(associatedData),
                               static_cast<int>(associatedData.size()))
            == 1;
    }
    int written = 0;
    if (ok && !ciphertext.isEmpty()) {
        ok = EVP_DecryptUpdate(ctx.get(), bytesOf(out), &written, bytesOf(ciphertext),
                               static_cast<int>(ciphertext.size()))
            == 1;
    }
    ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, kTagLength, tag.data()) == 1;
    if (!ok) {
        secureZero(out);
        return cipherFailure();
    }
    // Final is where GCM checks the tag; nothing decrypted is released before it passes.
    if (EVP_DecryptFinal_ex(ctx.get(), bytesOf(out) + written, &length) != 1) {
        secureZero(out);
        return makeError(ErrorCode::Integrity,
                         QStringLiteral("authentication tag does not match: the data was "
                                        "altered or belongs to other associated data"));
    }
    return out;
}

} // namespace gatehouse::crypto
