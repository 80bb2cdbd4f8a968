#include "Scrypt.h"

#include "HugePageBuffer.h"
#include "OpenSslHandles.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <QString>
#include <QtEndian>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <semaphore>
#include <thread>
#include <vector>

namespace gatehouse::crypto {

namespace {

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

// The memory of finished derivations (wiped), at most one buffer per gate slot, for the next
// ones: mapping 128 MiB again and having the kernel fault in and zero-fill every page costs
// about a tenth of a derivation. A kept buffer's pages are the kernel's to take back whenever
// it needs memory (HugePageBuffer::discardContents()); ROMix writes all of V before it reads
// any, so whatever a page then holds is never used. Buffers past kMaxKeptBytes (costs far
// above the product's) are unmapped at once.
class BufferPool
{
public:
    static constexpr size_t kMaxKeptBytes = 512 * 1024 * 1024;

    std::unique_ptr<HugePageBuffer> take(size_t bytes)
    {
        {
            std::lock_guard lock(m_mutex);
            // The smallest kept buffer that is large enough.
            auto best = m_free.end();
            for (auto it = m_free.begin(); it != m_free.end(); ++it) {
                if ((*it)->size() >= bytes
                    && (best == m_free.end() || (*it)->size() < (*best)->size()))
                    best = it;
            }
            if (best != m_free.end()) {
                std::unique_ptr<HugePageBuffer> found = std::move(*best);
                m_free.erase(best);
                return found;
            }
        }
        return std::make_unique<HugePageBuffer>(bytes);
    }

    void give(std::unique_ptr<HugePageBuffer> buffer)
    {
        if (!buffer->data() || buffer->size() > kMaxKeptBytes)
            return;
        buffer->discardContents();
        std::lock_guard lock(m_mutex);
        if (m_free.size() >= size_t(coreCount())) {
            // Keep the larger ones: they serve every smaller cost too.
            auto smallest =
                std::min_element(m_free.begin(), m_free.end(), [](const auto &a, const auto &b) {
                    return a->size() < b->size();
                });
            if ((*smallest)->size() >= buffer->size())
                return;
            *smallest = std::move(buffer);
            return;
        }
        m_free.push_back(std::move(buffer));
    }

private:
    std::mutex m_mutex;
    std::vector<std::unique_ptr<HugePageBuffer>> m_free;
};

BufferPool &bufferPool()
{
    static BufferPool pool;
    return pool;
}

// RFC 7914 section 3: Salsa20/8 on one 64-byte block of 16 little-endian words, in place.
void salsa20_8(quint32 block[16])
{
    const auto rotl = [](quint32 v, int c) {
        return (v << c) | (v >> (32 - c));
    };
    quint32 x[16];
    std::copy(block, block + 16, x);
    for (int round = 0; round < 8; round += 2) {
        // Columns.
        x[4] ^= rotl(x[0] + x[12], 7);
        x[8] ^= rotl(x[4] + x[0], 9);
        x[12] ^= rotl(x[8] + x[4], 13);
        x[0] ^= rotl(x[12] + x[8], 18);
        x[9] ^= rotl(x[5] + x[1], 7);
        x[13] ^= rotl(x[9] + x[5], 9);
        x[1] ^= rotl(x[13] + x[9], 13);
        x[5] ^= rotl(x[1] + x[13], 18);
        x[14] ^= rotl(x[10] + x[6], 7);
        x[2] ^= rotl(x[14] + x[10], 9);
        x[6] ^= rotl(x[2] + x[14], 13);
        x[10] ^= rotl(x[6] + x[2], 18);
        x[3] ^= rotl(x[15] + x[11], 7);
        x[7] ^= rotl(x[3] + x[15], 9);
        x[11] ^= rotl(x[7] + x[3], 13);
        x[15] ^= rotl(x[11] + x[7], 18);
        // Rows.
        x[1] ^= rotl(x[0] + x[3], 7);
        x[2] ^= rotl(x[1] + x[0], 9);
        x[3] ^= rotl(x[2] + x[1], 13);
        x[0] ^= rotl(x[3] + x[2], 18);
        x[6] ^= rotl(x[5] + x[4], 7);
        x[7] ^= rotl(x[6] + x[5], 9);
        x[4] ^= rotl(x[7] + x[6], 13);
        x[5] ^= rotl(x[4] + x[7], 18);
        x[11] ^= rotl(x[10] + x[9], 7);
        x[8] ^= rotl(x[11] + x[10], 9);
        x[9] ^= rotl(x[8] + x[11], 13);
        x[10] ^= rotl(x[9] + x[8], 18);
        x[12] ^= rotl(x[15] + x[14], 7);
        x[13] ^= rotl(x[12] + x[15], 9);
        x[14] ^= rotl(x[13] + x[12], 13);
        x[15] ^= rotl(x[14] + x[13], 18);
    }
    for (int i = 0; i < 16; ++i)
        block[i] += x[i];
}

// RFC 7914 section 4: scryptBlockMix of the 2r 64-byte blocks at `in` into `out`.
void blockMix(const quint32 *in, quint32 *out, quint32 r)
{
    quint32 x[16];
    std::copy(in + (2 * r - 1) * 16, in + 2 * r * 16, x);
    for (quint32 i = 0; i < 2 * r; ++i) {
        for (int k = 0; k < 16; ++k)
            x[k] ^= in[i * 16 + k];
        salsa20_8(x);
        // Even blocks to the first half, odd ones to the second.
        std::copy(x, x + 16, out + (i / 2 + (i & 1) * r) * 16);
    }
}

// The index ROMix takes from a block: its last 64-byte part's first eight bytes, mod N.
quint64 integerify(const quint32 *block, quint32 r, quint64 n)
{
    const quint32 *last = block + (2 * r - 1) * 16;
    return ((quint64{last[1]} << 32) | last[0]) & (n - 1);
}

// RFC 7914 section 5: scryptROMix on one block of 32*r words, in place. `v` holds N blocks,
// `xy` two.
void roMix(quint32 *block, quint64 n, quint32 r, quint32 *v, quint32 *xy)
{
    const size_t words = 32 * size_t{r};
    quint32 *x = xy;
    quint32 *y = xy + words;
    std::copy(block, block + words, x);
    // N is a power of two, so two steps at a time with X and Y taking turns.
    for (quint64 i = 0; i < n; i += 2) {
        std::copy(x, x + words, v + i * words);
        blockMix(x, y, r);
        std::copy(y, y + words, v + (i + 1) * words);
        blockMix(y, x, r);
    }
    for (quint64 i = 0; i < n; i += 2) {
        const quint32 *vj = v + integerify(x, r, n) * words;
        for (size_t k = 0; k < words; ++k)
            x[k] ^= vj[k];
        blockMix(x, y, r);
        vj = v + integerify(y, r, n) * words;
        for (size_t k = 0; k < words; ++k)
            y[k] ^= vj[k];
        blockMix(y, x, r);
    }
    std::copy(x, x + words, block);
}

bool pbkdf2Sha256(QByteArrayView password, const unsigned char *salt, size_t saltLength,
                  unsigned char *out, size_t outLength)
{
    return PKCS5_PBKDF2_HMAC(password.isEmpty() ? "" : password.data(), int(password.size()), salt,
                             int(saltLength), 1, EVP_sha256(), int(outLength), out)
        == 1;
}

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
    // memoryBytes() saturates: a cost whose memory cannot even be counted is refused whatever
    // the cap, so the sizes below never wrap.
    if (needed == std::numeric_limits<quint64>::max() || needed > SIZE_MAX / 2) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("scrypt N, r and p need more memory than can exist"));
    }
    if (needed > maxMemoryBytes) {
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("scrypt parameters need %1 bytes of memory but the cap "
                                        "is %2 bytes; raise the cap or lower N, r or p")
                             .arg(needed)
                             .arg(maxMemoryBytes));
    }

    // RFC 7914 section 6, with OpenSSL's PBKDF2-HMAC-SHA256 and ROMix over our own memory:
    // V on huge pages (HugePageBuffer), which OpenSSL's scrypt cannot be asked for.
    const quint32 r = cost.r;
    const size_t blockWords = 32 * size_t{r};
    const size_t blockBytes = 4 * blockWords;
    const size_t bBytes = blockBytes * cost.p;
    const GateSlot slot;
    std::unique_ptr<HugePageBuffer> memory =
        bufferPool().take(size_t(cost.n) * blockBytes + 2 * blockBytes);
    if (!memory->data()) {
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("scrypt could not get the %1 bytes of memory it needs; "
                                        "retry later")
                             .arg(needed));
    }
    auto *v = static_cast<quint32 *>(memory->data());
    quint32 *xy = v + size_t(cost.n) * blockWords;

    std::vector<unsigned char> b(bBytes);
    std::vector<quint32> words(blockWords);
    QByteArray key(keyLength, Qt::Uninitialized);
    bool derived = pbkdf2Sha256(password, bytesOf(salt), size_t(salt.size()), b.data(), bBytes);
    for (quint32 i = 0; derived && i < cost.p; ++i) {
        unsigned char *part = b.data() + i * blockBytes;
        for (size_t k = 0; k < blockWords; ++k)
            words[k] = qFromLittleEndian<quint32>(part + 4 * k);
        roMix(words.data(), cost.n, r, v, xy);
        for (size_t k = 0; k < blockWords; ++k)
            qToLittleEndian(words[k], part + 4 * k);
    }
    derived = derived
        && pbkdf2Sha256(password, b.data(), bBytes, reinterpret_cast<unsigned char *>(key.data()),
                        size_t(keyLength));
    // Everything is wiped, V too: V[0] is PBKDF2's output, against which a password guess
    // costs one HMAC, and the rest follows from it. Wiping pages that are in place costs a
    // fraction of faulting in fresh, zero-filled ones.
    OPENSSL_cleanse(b.data(), b.size());
    OPENSSL_cleanse(words.data(), words.size() * sizeof(quint32));
    OPENSSL_cleanse(v, size_t(cost.n) * blockBytes + 2 * blockBytes);
    bufferPool().give(std::move(memory));
    if (!derived) {
        OPENSSL_cleanse(key.data(), size_t(key.size()));
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("scrypt derivation failed in OpenSSL's PBKDF2; retry "
                                        "later"));
    }
    return key;
}

} // namespace gatehouse::crypto
