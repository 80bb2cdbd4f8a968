#include "Scrypt.h"

#include "OpenSslHandles.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <QString>

#include <atomic>
#include <climits>
#include <limits>
#include <memory>
#include <semaphore>
#include <thread>

namespace gatehouse::crypto {

namespace {

struct KdfDeleter {
    void operator()(EVP_KDF *kdf) const { EVP_KDF_free(kdf); }
    void operator()(EVP_KDF_CTX *ctx) const { EVP_KDF_CTX_free(ctx); }
};

constexpr quint64 kMaxU64 = std::numeric_limits<quint64>::max();
constexpr int kMaxKeyLength = 1024;

quint64 saturatingMul(quint64 a, quint64 b)
{
    quint64 product = 0;
    return __builtin_mul_overflow(a, b, &product) ? kMaxU64 : product;
}

quint64 saturatingAdd(quint64 a, quint64 b)
{
    quint64 sum = 0;
    return __builtin_add_overflow(a, b, &sum) ? kMaxU64 : sum;
}

// The same rules OpenSSL 3.0 applies before deriving (providers/implementations/kdfs/
// scrypt.c), checked here so that a bad cost gets a message rather than a bare failure.
QString costProblem(const ScryptCost &cost)
{
    if (cost.n < 2 || (cost.n & (cost.n - 1)) != 0)
        return QStringLiteral("scrypt N must be a power of two greater than 1");
    if (cost.r == 0 || cost.p == 0)
        return QStringLiteral("scrypt r and p must be at least 1");
    // r*p < 2^30 (RFC 7914) and the p*128*r byte buffer must fit an int for PBKDF2.
    const quint64 rp = quint64{cost.r} * cost.p;
    if (rp >= (quint64{1} << 30) || rp * 128 > quint64{INT_MAX})
        return QStringLiteral("scrypt r*p is too large");
    // RFC 7914 requires N < 2^(128*r/8).
    if (16 * quint64{cost.r} < 64 && cost.n >= (quint64{1} << (16 * cost.r)))
        return QStringLiteral("scrypt N must be below 2^(16*r)");
    return {};
}

int coreCount()
{
    return int(std::max(1u, std::thread::hardware_concurrency()));
}

std::counting_semaphore<> &gate()
{
    static std::counting_semaphore<> slots(coreCount());
    return slots;
}

std::atomic<int> g_running{0};
std::atomic<int> g_peak{0};

// Holds one of gate()'s slots for a derivation.
class GateSlot
{
public:
    GateSlot()
    {
        gate().acquire();
        const int running = ++g_running;
        int peak = g_peak.load();
        while (running > peak && !g_peak.compare_exchange_weak(peak, running)) {}
    }
    ~GateSlot()
    {
        --g_running;
        gate().release();
    }
    GateSlot(const GateSlot &) = delete;
    GateSlot &operator=(const GateSlot &) = delete;
};

} // namespace

int scryptConcurrencyLimit()
{
    return coreCount();
}

int scryptPeakConcurrency()
{
    return g_peak.load();
}

quint64 ScryptCost::memoryBytes() const
{
    // OpenSSL allocates B (p blocks of 128*r bytes) plus V, X and T together, which is
    // 32*r*(N+2) 32-bit words, and compares the sum with maxmem.
    const quint64 blockBytes = saturatingMul(saturatingMul(128, r), p);
    const quint64 vBytes = saturatingMul(saturatingMul(128, r), saturatingAdd(n, 2));
    return saturatingAdd(blockBytes, vBytes);
}

Result<QByteArray> scrypt(QByteArrayView password, QByteArrayView salt, ScryptCost cost,
                          int keyLength, quint64 maxMemoryBytes)
{
    if (const QString problem = costProblem(cost); !problem.isEmpty())
        return makeError(ErrorCode::InvalidInput, problem);
    if (keyLength < 1 || keyLength > kMaxKeyLength) {
        return makeError(
            ErrorCode::InvalidInput,
            QStringLiteral("scrypt key length must be between 1 and %1 bytes").arg(kMaxKeyLength));
    }
    const quint64 needed = cost.memoryBytes();
    if (needed > maxMemoryBytes) {
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("scrypt parameters need %1 bytes of memory but the cap "
                                        "is %2 bytes; raise the cap or lower N, r or p")
                             .arg(needed)
                             .arg(maxMemoryBytes));
    }

    std::unique_ptr<EVP_KDF, KdfDeleter> kdf(EVP_KDF_fetch(nullptr, "SCRYPT", nullptr));
    if (!kdf) {
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("OpenSSL offers no scrypt implementation; check that "
                                        "the default provider is loaded"));
    }
    std::unique_ptr<EVP_KDF_CTX, KdfDeleter> ctx(EVP_KDF_CTX_new(kdf.get()));
    if (!ctx)
        return makeError(ErrorCode::Internal, QStringLiteral("could not create a scrypt context"));

    uint64_t n = cost.n;
    uint64_t r = cost.r;
    uint64_t p = cost.p;
    uint64_t maxmem = maxMemoryBytes;
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD,
                                          const_cast<unsigned char *>(bytesOf(password)),
                                          static_cast<size_t>(password.size())),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
                                          const_cast<unsigned char *>(bytesOf(salt)),
                                          static_cast<size_t>(salt.size())),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_R, &r),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_P, &p),
        // Always explicit: OpenSSL's default cap of 32 MiB refuses OWASP's first choice.
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
        OSSL_PARAM_construct_end(),
    };

    QByteArray key(keyLength, Qt::Uninitialized);
    const GateSlot slot;
    if (EVP_KDF_derive(ctx.get(), reinterpret_cast<unsigned char *>(key.data()),
                       static_cast<size_t>(keyLength), params)
        != 1) {
        OPENSSL_cleanse(key.data(), static_cast<size_t>(key.size()));
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("scrypt derivation failed, most likely because %1 bytes "
                                        "of memory could not be allocated; retry later")
                             .arg(needed));
    }
    return key;
}

} // namespace gatehouse::crypto
