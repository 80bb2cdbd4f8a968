#include "SecretBox.h"

#include "AesGcm.h"
#include "Hash.h"
#include "Random.h"

#include <QString>

namespace gatehouse::crypto {

namespace {

constexpr qsizetype kHeaderLength = 1 + SecretBox::kKeyIdLength;
constexpr qsizetype kMinBoxLength = kHeaderLength + SecretBox::kNonceLength + SecretBox::kTagLength;

QByteArray deriveKeyId(QByteArrayView key)
{
    return hmacSha256(key, QByteArrayView("gatehouse secretbox key id"))
        .first(SecretBox::kKeyIdLength);
}

} // namespace

Result<QByteArray> SecretBox::generateKey()
{
    return randomBytes(kKeyLength);
}

Result<SecretBox> SecretBox::fromKey(QByteArrayView key)
{
    if (key.size() != kKeyLength) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("data key must be exactly %1 bytes; generate one with "
                                        "SecretBox::generateKey()")
                             .arg(kKeyLength));
    }
    QByteArray keyId = deriveKeyId(key);
    if (keyId.size() != kKeyIdLength)
        return makeError(ErrorCode::Internal, QStringLiteral("could not derive the key id"));
    return SecretBox(key.toByteArray(), std::move(keyId));
}

SecretBox::SecretBox(QByteArray key, QByteArray keyId)
    : m_key(std::move(key)),
      m_keyId(std::move(keyId))
{}

SecretBox::SecretBox(const SecretBox &other) = default;
SecretBox &SecretBox::operator=(const SecretBox &other) = default;

SecretBox::~SecretBox()
{
    secureZero(m_key);
}

QByteArray SecretBox::keyedHash(QByteArrayView purpose, QByteArrayView message) const
{
    QByteArray label("gatehouse keyed hash v1:");
    label.append(purpose);
    QByteArray subkey = hmacSha256(m_key, label);
    const QByteArray mac = hmacSha256(subkey, message);
    secureZero(subkey);
    return mac;
}

Result<QByteArray> SecretBox::seal(QByteArrayView plaintext, QByteArrayView associatedData) const
{
    auto nonce = randomBytes(kNonceLength);
    if (!nonce)
        return nonce.error();
    QByteArray header;
    header.reserve(kHeaderLength);
    header.append(kVersion1).append(m_keyId);
    QByteArray aad = header;
    aad.append(associatedData);
    auto sealed = aes256GcmEncrypt(m_key, *nonce, aad, plaintext);
    if (!sealed)
        return sealed.error();
    QByteArray box = header;
    box.append(*nonce).append(*sealed);
    return box;
}

Result<QByteArray> SecretBox::open(QByteArrayView box, QByteArrayView associatedData) const
{
    if (box.size() < kMinBoxLength) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("sealed secret is too short to be a secret box; the "
                                        "stored value is truncated or of another kind"));
    }
    if (box.front() != kVersion1) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("sealed secret has an unknown format version; it was "
                                        "written by a newer Gatehouse or is not a secret box"));
    }
    if (!constantTimeEquals(box.sliced(1, kKeyIdLength), m_keyId)) {
        return makeError(ErrorCode::Integrity,
                         QStringLiteral("secret was sealed with a different data key; "
                                        "configure the data key it was sealed with"));
    }
    const QByteArrayView header = box.first(kHeaderLength);
    const QByteArrayView nonce = box.sliced(kHeaderLength, kNonceLength);
    QByteArray aad = header.toByteArray();
    aad.append(associatedData);
    auto opened = aes256GcmDecrypt(m_key, nonce, aad, box.sliced(kHeaderLength + kNonceLength));
    if (!opened && opened.error().code == ErrorCode::Integrity) {
        return makeError(ErrorCode::Integrity,
                         QStringLiteral("sealed secret failed authentication: it was altered "
                                        "or moved from another record"));
    }
    return opened;
}

} // namespace gatehouse::crypto
