#pragma once

#include "model/Result.h"

#include <QByteArray>
#include <QByteArrayView>

namespace gatehouse::crypto {

// Raw AES-256-GCM with a 96-bit nonce and a 128-bit tag, the primitive under SecretBox.
// Exposed on its own so it can be checked against the published GCM test cases; new code
// should use SecretBox, which manages nonces and binds the key id.

// Returns ciphertext || tag. InvalidInput for a key that is not 32 bytes or a nonce that is
// not 12 bytes.
Result<QByteArray> aes256GcmEncrypt(QByteArrayView key, QByteArrayView nonce,
                                    QByteArrayView associatedData, QByteArrayView plaintext);

// Takes ciphertext || tag. Integrity error if the tag does not verify.
Result<QByteArray> aes256GcmDecrypt(QByteArrayView key, QByteArrayView nonce,
                                    QByteArrayView associatedData, QByteArrayView ciphertextAndTag);

} // namespace gatehouse::crypto
