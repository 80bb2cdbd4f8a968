#pragma once

#include "model/Result.h"

#include <QByteArray>
#include <QByteArrayView>

namespace gatehouse::crypto {

struct ScryptCost {
    quint64 n = 0; // CPU/memory cost, a power of two > 1
    quint32 r = 0; // block size
    quint32 p = 0; // parallelism

    // Bytes scrypt allocates for these parameters (what OpenSSL checks against maxmem).
    quint64 memoryBytes() const;
};

// Raw scrypt (RFC 7914) with an explicit memory cap, checked as OpenSSL's EVP_KDF "SCRYPT"
// checks it (OpenSSL's default cap of 32 MiB would refuse OWASP's N=2^17, r=8, p=1). PBKDF2 is
// OpenSSL's; ROMix is ours, so that its 128 MiB can be on huge pages (HugePageBuffer), which
// makes it about twice as fast as OpenSSL's own scrypt with ordinary pages. Fails with
// InvalidInput for malformed parameters and Unavailable if the cap is below what the
// parameters need or the memory cannot be had.
//
// At most one derivation per core runs at a time in the process; more wait. Each holds its
// whole buffer (128 MiB at the default cost), so a burst of sign-ins on a server queues
// instead of exhausting memory, and more at once than there are cores would finish no sooner.
Result<QByteArray> scrypt(QByteArrayView password, QByteArrayView salt, ScryptCost cost,
                          int keyLength, quint64 maxMemoryBytes);

// How many derivations may run at once (the core count), and the most that ever did.
int scryptConcurrencyLimit();
int scryptPeakConcurrency();

} // namespace gatehouse::crypto
