#pragma once

#include "TrailDatabase.h"
#include "TrailSegment.h"

#include <array>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gatehouse::cloudtrail {

// The strings of the index (event names, user names, addresses, ARNs, ...) as small integer
// ids per kind, so segments hold numbers. During an import the whole dictionary is in memory
// and shared by the reading threads; new strings are written with the import's segments.
class TrailDictionary
{
public:
    Result<void> load(TrailDatabase &database);
    // The id of `value` (never 0), adding it when new. Thread-safe.
    std::uint32_t idFor(TrailKind kind, std::string_view value);
    // Writes the strings added since load().
    Result<void> saveNew(TrailDatabase &database);

    // For lookups, without loading anything: the id of `value`, 0 when the index has none.
    static Result<std::uint32_t> find(TrailDatabase &database, TrailKind kind,
                                      std::string_view value);

private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const
        {
            return std::hash<std::string_view>{}(text);
        }
    };
    using Map = std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>>;

    std::mutex m_mutex;
    std::array<Map, kTrailKinds> m_ids;
    std::array<std::uint32_t, kTrailKinds> m_next{};
    std::vector<std::pair<int, std::string>> m_added; // kind, value; ids follow m_next
};

} // namespace gatehouse::cloudtrail
