#include "HugePageBuffer.h"

#include <cstdint>

#include <sys/mman.h>

namespace gatehouse::crypto {

HugePageBuffer::HugePageBuffer(size_t bytes)
{
    if (bytes == 0 || bytes > SIZE_MAX - 2 * kHugePageBytes)
        return;
    // Whole huge pages, starting on a huge-page boundary: mapped with a huge page to spare,
    // then trimmed at both ends.
    const size_t size = (bytes + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
    const size_t mapped = size + kHugePageBytes;
    void *raw = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED)
        return;
    const auto start = reinterpret_cast<uintptr_t>(raw);
    const uintptr_t aligned = (start + kHugePageBytes - 1) & ~uintptr_t(kHugePageBytes - 1);
    if (aligned > start)
        munmap(raw, aligned - start);
    if (const uintptr_t end = start + mapped; end > aligned + size)
        munmap(reinterpret_cast<void *>(aligned + size), end - (aligned + size));
    m_data = reinterpret_cast<void *>(aligned);
    m_size = size;
#ifdef MADV_HUGEPAGE
    m_advised = madvise(m_data, m_size, MADV_HUGEPAGE) == 0;
#endif
    // Never in a core dump: it holds values derived from a password.
#ifdef MADV_DONTDUMP
    madvise(m_data, m_size, MADV_DONTDUMP);
#endif
}

void HugePageBuffer::discardContents()
{
    if (!m_data)
        return;
#ifdef MADV_FREE
    if (madvise(m_data, m_size, MADV_FREE) == 0)
        return;
#endif
    madvise(m_data, m_size, MADV_DONTNEED);
}

HugePageBuffer::~HugePageBuffer()
{
    if (m_data)
        munmap(m_data, m_size);
}

} // namespace gatehouse::crypto
