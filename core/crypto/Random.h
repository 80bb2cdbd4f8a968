#pragma once

#include "model/Result.h"

#include <QByteArray>

namespace gatehouse::crypto {

// Bytes from OpenSSL's CSPRNG (RAND_bytes). Fails only if the generator cannot be seeded.
Result<QByteArray> randomBytes(qsizetype count);

// Overwrites the bytes of a secret before its memory is released (OPENSSL_cleanse).
void secureZero(QByteArray &secret);

} // namespace gatehouse::crypto
