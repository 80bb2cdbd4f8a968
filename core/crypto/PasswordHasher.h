#pragma once

#include "Scrypt.h"
#include "model/Result.h"

#include <QByteArray>
#include <QString>

namespace gatehouse::crypto {

// Password hashes in PHC string form: `$scrypt$ln=17,r=8,p=1$<salt>$<hash>` (salt and hash in
// unpadded standard base64, 16-byte salt, 32-byte hash). Also verifies the legacy form that
// Node's `crypto.scrypt` deployments store, `<salt base64>:<hash base64>`, with Node's
// defaults N=16384, r=8, p=1 and a 64-byte key; the salt is the decoded bytes. Legacy
// hashes always need a rehash.
//
// Passwords are bytes: the caller normalises (core/auth) and nothing here trims, truncates or
// stops at NUL.
class PasswordHasher
{
public:
    struct Parameters {
        int log2N = 17;
        quint32 r = 8;
        quint32 p = 1;
        friend bool operator==(const Parameters &, const Parameters &) = default;
    };

    struct Verification {
        bool matches = false;
        // The stored hash used other parameters than the current ones, is below the OWASP
        // floor, has a salt shorter than kSaltLength or a hash other than kHashLength bytes,
        // or is in the legacy form: store a fresh hash after a successful login.
        bool needsRehash = false;
    };

    // The weakest acceptable rows of the OWASP table (N, r, p): 2^17/8/1, 2^16/8/2,
    // 2^15/8/3, 2^14/8/5, 2^13/8/10.
    static bool meetsFloor(const Parameters &parameters);
    // Stored hashes beyond these bounds are refused without running scrypt, so a tampered
    // row cannot make a login allocate gigabytes or spin for minutes. Also refuses
    // N >= 2^(16*r), which RFC 7914 (and OpenSSL) do not allow.
    static bool withinCeiling(const Parameters &parameters);
    static constexpr int kMaxLog2N = 20;
    static constexpr quint32 kMaxR = 32;
    static constexpr quint32 kMaxP = 16;
    static constexpr quint64 kMaxMemoryBytes = 256ull * 1024 * 1024;
    static constexpr quint64 kMaxWork = (1ull << 20) * 8 * 4; // N*r*p, 4x the default
    static constexpr int kSaltLength = 16;
    static constexpr int kHashLength = 32;

    // A stored hash taken apart without running scrypt: what a record says about itself.
    struct StoredForm {
        Parameters parameters; // the legacy form reports Node's defaults, N=2^14, r=8, p=1
        bool legacy = false;
    };
    // Parses `stored` exactly as verify() does before it derives anything, so a hash brought in
    // from elsewhere (user import) can be checked before it is stored. Integrity error for a
    // malformed record; the parameters are NOT checked against the ceiling here: the caller
    // decides with withinCeiling(), as verify() does. Never echoes the record in a message.
    static Result<StoredForm> inspect(QStringView stored);

    // Fails with InvalidInput if `current` is below the floor or above the ceiling.
    static Result<PasswordHasher> create(Parameters current);
    // With the default (current) parameters. An overload rather than a default argument:
    // GCC cannot use Parameters' member initialisers inside the enclosing class.
    static Result<PasswordHasher> create();

    const Parameters &parameters() const { return m_parameters; }

    Result<QString> hash(QByteArrayView password) const;
    // Integrity error for a malformed or out-of-range stored hash (fail closed).
    Result<Verification> verify(QByteArrayView password, QStringView stored) const;

private:
    explicit PasswordHasher(Parameters parameters)
        : m_parameters(parameters)
    {}

    Parameters m_parameters;
};

} // namespace gatehouse::crypto
