#pragma once

#include <QtGlobal>

#include <cstddef>

namespace gatehouse::crypto {

// Private anonymous memory for a large, short-lived working set (scrypt's 128 MiB), aligned to
// 2 MiB and advised to the kernel as wanting transparent huge pages (MADV_HUGEPAGE). With the
// kernel's usual `madvise` setting nothing gets huge pages unless it asks, and scrypt's random
// walk over 4 KiB pages spends more time on page faults and TLB misses than on hashing: about
// twice as slow. Zero-filled, as the kernel hands out every page; unmapped when destroyed, so
// the pages go back to the system at once and nothing else in the process ever sees them.
class HugePageBuffer
{
public:
    static constexpr size_t kHugePageBytes = 2 * 1024 * 1024;

    // Null data() when the memory could not be mapped.
    explicit HugePageBuffer(size_t bytes);
    ~HugePageBuffer();
    HugePageBuffer(const HugePageBuffer &) = delete;
    HugePageBuffer &operator=(const HugePageBuffer &) = delete;

    void *data() const { return m_data; }
    size_t size() const { return m_size; }
    // Whether the kernel accepted the advice (false where huge pages are switched off).
    bool advised() const { return m_advised; }

    // Lets the kernel take the pages back whenever it needs memory (MADV_FREE), without
    // unmapping them: until it does, the next use finds them in place, with no page faults
    // and no zero-filling. Afterwards the contents are the old ones or zeros, page by page.
    void discardContents();

private:
    void *m_data = nullptr;
    size_t m_size = 0;
    bool m_advised = false;
};

} // namespace gatehouse::crypto
