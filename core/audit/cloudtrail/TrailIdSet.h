#pragma once

#include "HugePageAllocator.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace gatehouse::cloudtrail {

// The event ids an index holds, for de-duplication during an import: an open-addressing hash
// set of 16-byte ids (UUIDs, already uniformly random, so their first bytes are the hash). A
// million ids take 32 MB.
class TrailIdSet
{
public:
    using Id = std::array<std::uint8_t, 16>;

    // The key of an eventID: a UUID's 16 bytes (either case); anything else, the first 16
    // bytes of its SHA-256. Fixed, so keys agree across imports and lookups.
    static Id keyOf(std::string_view eventId);
    // 32 bits of a key, which the index keeps beside each record to check the record read
    // back is the one it points at. All 16 bytes count: ids that are not random UUIDs (a
    // time first, a counter last) share their first bytes.
    static std::uint32_t checkOf(const Id &id)
    {
        std::uint64_t high;
        std::uint64_t low;
        std::memcpy(&high, id.data(), sizeof high);
        std::memcpy(&low, id.data() + 8, sizeof low);
        const std::uint64_t mixed = high ^ (low * 0x9E3779B97F4A7C15u);
        return std::uint32_t(mixed >> 32) ^ std::uint32_t(mixed);
    }

    // True when `id` was new.
    bool insert(const Id &id)
    {
        if ((m_size + 1) * 2 > m_slots.size())
            grow();
        if (isZero(id)) {
            const bool fresh = !m_hasZero;
            m_hasZero = true;
            return fresh;
        }
        const std::size_t mask = m_slots.size() - 1;
        for (std::size_t slot = hash(id) & mask;; slot = (slot + 1) & mask) {
            if (isZero(m_slots[slot])) {
                m_slots[slot] = id;
                ++m_size;
                return true;
            }
            if (m_slots[slot] == id)
                return false;
        }
    }

    std::size_t size() const { return m_size + (m_hasZero ? 1 : 0); }

    // Room for `count` ids without growing: a table grown step by step is rehashed, and its
    // memory faulted in, again at every step.
    void reserve(std::size_t count)
    {
        std::size_t slots = std::max<std::size_t>(m_slots.size(), 1024);
        while (count * 2 > slots)
            slots *= 2;
        if (slots > m_slots.size())
            rehash(slots);
    }

private:
    static bool isZero(const Id &id)
    {
        static const Id zero{};
        return id == zero;
    }
    static std::size_t hash(const Id &id)
    {
        std::uint64_t h;
        std::memcpy(&h, id.data() + 8, sizeof h); // a UUID's random half
        return std::size_t(h ^ (h >> 29));
    }
    void grow() { rehash(m_slots.empty() ? 1024 : m_slots.size() * 2); }
    void rehash(std::size_t slots)
    {
        LargeVector<Id> old = std::move(m_slots);
        m_slots.assign(slots, Id{});
        m_size = 0;
        const std::size_t mask = m_slots.size() - 1;
        for (const Id &id : old) {
            if (isZero(id))
                continue;
            std::size_t slot = hash(id) & mask;
            while (!isZero(m_slots[slot]))
                slot = (slot + 1) & mask;
            m_slots[slot] = id;
            ++m_size;
        }
    }

    LargeVector<Id> m_slots;
    std::size_t m_size = 0;
    bool m_hasZero = false;
};

} // namespace gatehouse::cloudtrail
