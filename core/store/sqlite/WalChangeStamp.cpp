#include "WalChangeStamp.h"

#include <QFile>
#include <QFileInfo>

#include <atomic>
#include <cstring>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

namespace gatehouse {

namespace {

// The wal-index header, twice: a writer fills the second copy, then the first, so a reader that
// finds them equal did not catch a commit halfway.
constexpr qsizetype kHeaderBytes = 48;
// iVersion, the first field: the wal-index format since SQLite 3.7.0.
constexpr quint32 kWalIndexVersion = 3007000;
// isInit, set once the header is valid.
constexpr qsizetype kIsInitOffset = 12;
// The first page of the file, which holds both copies of the header.
constexpr size_t kMappedBytes = 4096;

} // namespace

WalChangeStamp::WalChangeStamp(const QString &databasePath)
    : m_databasePath(databasePath)
{}

WalChangeStamp::~WalChangeStamp()
{
    if (const unsigned char *header = m_header.load())
        ::munmap(const_cast<unsigned char *>(header), kMappedBytes);
}

std::optional<ChangeStamp> WalChangeStamp::read() const
{
    const unsigned char *header = m_header.load(std::memory_order_acquire);
    if (!header) {
        // Mapped on first use: the file exists once a connection has opened the database.
        // SQLite names it after the database's real path, with symbolic links resolved.
        const QString real = QFileInfo(m_databasePath).canonicalFilePath();
        if (real.isEmpty())
            return std::nullopt;
        const QByteArray shm = QFile::encodeName(real + QStringLiteral("-shm"));
        const int fd = ::open(shm.constData(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return std::nullopt;
        void *mapped = ::mmap(nullptr, kMappedBytes, PROT_READ, MAP_SHARED, fd, 0);
        ::close(fd); // the mapping keeps the file
        if (mapped == MAP_FAILED)
            return std::nullopt;
        const unsigned char *expected = nullptr;
        if (m_header.compare_exchange_strong(expected, static_cast<unsigned char *>(mapped),
                                             std::memory_order_acq_rel)) {
            header = static_cast<unsigned char *>(mapped);
        } else {
            ::munmap(mapped, kMappedBytes); // another thread mapped it first
            header = expected;
        }
    }
    // As SQLite's own readers do: the first copy, a barrier, the second copy. Another process
    // writes them without telling this one, so they are read as volatile memory.
    static_assert(std::tuple_size_v<ChangeStamp> == kHeaderBytes);
    ChangeStamp first;
    char second[kHeaderBytes];
    const volatile unsigned char *shared = header;
    for (qsizetype i = 0; i < kHeaderBytes; ++i)
        first[i] = char(shared[i]);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    for (qsizetype i = 0; i < kHeaderBytes; ++i)
        second[i] = char(shared[kHeaderBytes + i]);
    quint32 version = 0;
    std::memcpy(&version, first.data(), sizeof version);
    if (version != kWalIndexVersion || first[kIsInitOffset] != 1
        || std::memcmp(first.data(), second, kHeaderBytes) != 0) {
        return std::nullopt;
    }
    return first;
}

} // namespace gatehouse
