#include "TrailDictionary.h"

#include "StringArena.h"

#include <algorithm>

namespace gatehouse::cloudtrail {

TrailDictionary::TrailDictionary()
    : m_text(std::make_unique<StringArena>())
{}

TrailDictionary::~TrailDictionary() = default;

std::uint64_t TrailDictionary::hashOf(std::string_view value)
{
    return std::hash<std::string_view>{}(value);
}

void TrailDictionary::insert(Table &table, const Entry &entry)
{
    if ((table.used + 1) * 10 > table.slots.size() * 7) {
        std::vector<Entry> old = std::move(table.slots);
        table.slots.assign(old.empty() ? 64 : old.size() * 2, Entry{});
        table.used = 0;
        for (const Entry &moved : old) {
            if (moved.id != 0)
                insert(table, moved);
        }
    }
    const std::size_t mask = table.slots.size() - 1;
    std::size_t slot = entry.hash & mask;
    while (table.slots[slot].id != 0)
        slot = (slot + 1) & mask;
    table.slots[slot] = entry;
    ++table.used;
}

Result<void> TrailDictionary::load(TrailDatabase &database)
{
    Result<TrailDatabase::Statement> all = database.prepare("SELECT kind, value, id FROM strings");
    if (!all)
        return all.error();
    for (;;) {
        Result<bool> row = all->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        const auto kind = std::size_t(all->integer(0));
        if (kind >= kTrailKinds)
            continue;
        const auto id = std::uint32_t(all->integer(2));
        const std::string_view value = m_text->store(all->text(1));
        insert(m_tables[kind], {hashOf(value), value, id});
        m_next[kind] = std::max(m_next[kind], id);
    }
    m_added.clear();
    return {};
}

std::uint32_t TrailDictionary::idFor(TrailKind kind, std::string_view value)
{
    std::lock_guard lock(m_mutex);
    return addLocked(kind, value, hashOf(value)).first;
}

std::pair<std::uint32_t, std::string_view>
TrailDictionary::addLocked(TrailKind kind, std::string_view value, std::uint64_t hash)
{
    const auto k = std::size_t(kind);
    Table &table = m_tables[k];
    if (!table.slots.empty()) {
        const std::size_t mask = table.slots.size() - 1;
        for (std::size_t slot = hash & mask; table.slots[slot].id != 0; slot = (slot + 1) & mask) {
            const Entry &entry = table.slots[slot];
            if (entry.hash == hash && entry.value == value)
                return {entry.id, entry.value};
        }
    }
    const std::uint32_t id = ++m_next[k];
    const std::string_view stored = m_text->store(value);
    insert(table, {hash, stored, id});
    m_added.push_back({int(kind), stored, id});
    return {id, stored};
}

Result<void> TrailDictionary::saveNew(TrailDatabase &database)
{
    Result<TrailDatabase::Statement> insertString =
        database.prepare("INSERT INTO strings (kind, value, id) VALUES (?, ?, ?)");
    if (!insertString)
        return insertString.error();
    std::lock_guard lock(m_mutex);
    // In the table's key order, so that SQLite appends to its B-tree instead of inserting into
    // pages all over it (an import of a million records adds most of a million strings).
    std::sort(m_added.begin(), m_added.end(), [](const Added &a, const Added &b) {
        return a.kind != b.kind ? a.kind < b.kind : a.value < b.value;
    });
    for (const Added &added : m_added) {
        insertString->bind(1, added.kind).bind(2, added.value).bind(3, added.id);
        if (Result<void> inserted = insertString->run(); !inserted)
            return inserted;
    }
    m_added.clear();
    return {};
}

TrailDictionary::Cache::Cache(TrailDictionary &dictionary)
    : m_dictionary(dictionary),
      m_slots(kSlots * kTrailKinds)
{}

TrailDictionary::Cache::~Cache() = default;

TrailDictionary::Cache::Slot &TrailDictionary::Cache::slotOf(TrailKind kind, std::uint64_t hash)
{
    // The high bits: the dictionary's table uses the low ones.
    return m_slots[std::size_t(kind) * kSlots + ((hash >> 40) & (kSlots - 1))];
}

void TrailDictionary::Cache::request(TrailKind kind, std::string_view value, std::uint32_t *id)
{
    if (value.empty()) {
        *id = 0;
        return;
    }
    const std::uint64_t hash = hashOf(value);
    const Slot &slot = slotOf(kind, hash);
    if (slot.id != 0 && slot.value == value) {
        *id = slot.id;
        return;
    }
    m_pending.push_back({kind, value, hash, id});
}

void TrailDictionary::Cache::resolve()
{
    if (m_pending.empty())
        return;
    std::lock_guard lock(m_dictionary.m_mutex);
    for (const Pending &pending : m_pending) {
        // The id and the dictionary's own copy of the value, which the next files compare
        // against without the lock: the copy never moves or changes.
        const auto [id, value] = m_dictionary.addLocked(pending.kind, pending.value, pending.hash);
        *pending.id = id;
        slotOf(pending.kind, pending.hash) = {value, id};
    }
    m_pending.clear();
}

Result<std::uint32_t> TrailDictionary::find(TrailDatabase &database, TrailKind kind,
                                            std::string_view value)
{
    Result<TrailDatabase::Statement> select =
        database.prepare("SELECT id FROM strings WHERE kind = ? AND value = ?");
    if (!select)
        return select.error();
    select->bind(1, int(kind)).bind(2, value);
    Result<bool> row = select->step();
    if (!row)
        return row.error();
    return *row ? std::uint32_t(select->integer(0)) : 0u;
}

} // namespace gatehouse::cloudtrail
