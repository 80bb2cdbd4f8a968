#pragma once

#include "TrailDatabase.h"
#include "TrailSegment.h"

#include <array>
#include <memory>
#include <mutex>
#include <string_view>
#include <utility>
#include <vector>

namespace gatehouse::cloudtrail {

class StringArena;

// The strings of the index (event names, user names, addresses, ARNs, ...) as small integer
// ids per kind, so segments hold numbers. During an import the whole dictionary is in memory
// and shared by the reading threads; new strings are written with the import's segments.
class TrailDictionary
{
public:
    // A reading thread's way in: most values of a file (event names, sources, the busy users
    // and addresses) were met in the files before, so a small table of recent ids answers them
    // without the shared lock, and the others are looked up together under one lock per file.
    // Taking the lock for every string made the reading threads wait for each other.
    class Cache
    {
    public:
        explicit Cache(TrailDictionary &dictionary);
        ~Cache();
        Cache(const Cache &) = delete;
        Cache &operator=(const Cache &) = delete;

        // Sets *id to the id of `value` (0 for an empty one), now or at the next resolve();
        // `value` and `id` must stay valid until then.
        void request(TrailKind kind, std::string_view value, std::uint32_t *id);
        // Fills in the ids requested since the last call.
        void resolve();

    private:
        struct Slot {
            std::string_view value; // the dictionary's copy, which stays where it is
            std::uint32_t id = 0;
        };
        struct Pending {
            TrailKind kind;
            std::string_view value;
            std::uint64_t hash;
            std::uint32_t *id;
        };
        static constexpr std::size_t kSlots = 4096; // per kind, a power of two
        Slot &slotOf(TrailKind kind, std::uint64_t hash);

        TrailDictionary &m_dictionary;
        std::vector<Slot> m_slots;
        std::vector<Pending> m_pending;
    };

    TrailDictionary();
    ~TrailDictionary();
    TrailDictionary(const TrailDictionary &) = delete;
    TrailDictionary &operator=(const TrailDictionary &) = delete;

    Result<void> load(TrailDatabase &database);
    // The id of `value` (never 0), adding it when new. Thread-safe.
    std::uint32_t idFor(TrailKind kind, std::string_view value);
    // Writes the strings added since load().
    Result<void> saveNew(TrailDatabase &database);

    // For lookups, without loading anything: the id of `value`, 0 when the index has none.
    static Result<std::uint32_t> find(TrailDatabase &database, TrailKind kind,
                                      std::string_view value);

private:
    // An import meets most of a million new strings per million records (temporary access
    // keys, session names, object ARNs). So each kind is an open-addressing table of entries
    // that carry their hash, over bytes kept in one arena: adding a string allocates nothing
    // of its own, and finding one reads a slot and the bytes, not a chain of nodes.
    struct Entry {
        std::uint64_t hash = 0;
        std::string_view value; // in m_text
        std::uint32_t id = 0; // 0: a free slot
    };
    struct Table {
        std::vector<Entry> slots; // a power of two, at most 70 % used
        std::size_t used = 0;
    };

    static std::uint64_t hashOf(std::string_view value);
    // Under m_mutex: the id of `value` and the dictionary's copy of it, added when new.
    std::pair<std::uint32_t, std::string_view> addLocked(TrailKind kind, std::string_view value,
                                                         std::uint64_t hash);
    void insert(Table &table, const Entry &entry);

    std::mutex m_mutex;
    std::array<Table, kTrailKinds> m_tables;
    std::array<std::uint32_t, kTrailKinds> m_next{};
    std::unique_ptr<StringArena> m_text;
    struct Added {
        int kind;
        std::string_view value;
        std::uint32_t id;
    };
    std::vector<Added> m_added;
};

} // namespace gatehouse::cloudtrail
