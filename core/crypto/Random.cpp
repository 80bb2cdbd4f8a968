#include "Random.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <climits>

namespace gatehouse::crypto {

Result<QByteArray> randomBytes(qsizetype count)
{
    if (count < 0 || count > INT_MAX) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("random byte count must be between 0 and %1").arg(INT_MAX));
    }
    QByteArray bytes(count, Qt::Uninitialized);
    if (count == 0)
        return bytes;
    if (RAND_bytes(reinterpret_cast<unsigned char *>(bytes.data()), static_cast<int>(count)) != 1) {
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("the system random number generator is not available; "
                                        "check that the OS entropy source can be read"));
    }
    return bytes;
}

void secureZero(QByteArray &secret)
{
    // A shared or raw-data array is not ours to overwrite: writing through data() would only
    // detach and wipe a fresh copy. Dropping our reference leaves the wipe to the last owner.
    if (secret.isDetached() && !secret.isEmpty())
        OPENSSL_cleanse(secret.data(), static_cast<size_t>(secret.size()));
    secret.clear();
}

} // namespace gatehouse::crypto
