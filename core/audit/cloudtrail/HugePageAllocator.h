#pragma once

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <new>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace gatehouse::cloudtrail {

// An allocator for an import's large arrays (the event ids seen, a segment's records and its
// columns, tens of megabytes each): blocks of 2 MiB and more are asked for in transparent huge
// pages. Touching fresh memory costs a page fault per page, and a fault per 4 KiB page is
// where a large import spent a sixth of its time on virtual machines (where faults are dear);
// a 2 MiB page takes one fault for 512 of them. Smaller blocks come from the usual heap.
template<typename T>
class HugePageAllocator
{
public:
    using value_type = T;

    HugePageAllocator() = default;
    template<typename U>
    HugePageAllocator(const HugePageAllocator<U> &) noexcept
    {}

    T *allocate(std::size_t count)
    {
        const std::size_t bytes = count * sizeof(T);
        if (count > std::size_t(-1) / sizeof(T) - kHugePage)
            throw std::bad_alloc();
        if (bytes < kHugePage)
            return std::allocator<T>().allocate(count);
        const std::size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
        void *memory = std::aligned_alloc(kHugePage, rounded);
        if (!memory)
            throw std::bad_alloc();
#if defined(MADV_HUGEPAGE)
        ::madvise(memory, rounded, MADV_HUGEPAGE); // a hint: without it, small pages
#endif
        return static_cast<T *>(memory);
    }

    void deallocate(T *memory, std::size_t count)
    {
        if (count * sizeof(T) < kHugePage)
            std::allocator<T>().deallocate(memory, count);
        else
            std::free(memory);
    }

    template<typename U>
    bool operator==(const HugePageAllocator<U> &) const noexcept
    {
        return true;
    }

private:
    static constexpr std::size_t kHugePage = std::size_t(2) << 20;
};

template<typename T>
using LargeVector = std::vector<T, HugePageAllocator<T>>;

} // namespace gatehouse::cloudtrail
