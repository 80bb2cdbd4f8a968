#include "TrailDictionary.h"

namespace gatehouse::cloudtrail {

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
        m_ids[kind].emplace(std::string(all->text(1)), id);
        m_next[kind] = std::max(m_next[kind], id);
    }
    m_added.clear();
    return {};
}

std::uint32_t TrailDictionary::idFor(TrailKind kind, std::string_view value)
{
    const auto k = std::size_t(kind);
    std::lock_guard lock(m_mutex);
    Map &ids = m_ids[k];
    if (const auto found = ids.find(value); found != ids.end())
        return found->second;
    const std::uint32_t id = ++m_next[k];
    ids.emplace(std::string(value), id);
    m_added.emplace_back(int(kind), std::string(value));
    return id;
}

Result<void> TrailDictionary::saveNew(TrailDatabase &database)
{
    Result<TrailDatabase::Statement> insert =
        database.prepare("INSERT INTO strings (kind, value, id) VALUES (?, ?, ?)");
    if (!insert)
        return insert.error();
    std::lock_guard lock(m_mutex);
    for (const auto &[kind, value] : m_added) {
        insert->bind(1, kind).bind(2, value).bind(3, m_ids[std::size_t(kind)].find(value)->second);
        if (Result<void> inserted = insert->run(); !inserted)
            return inserted;
    }
    m_added.clear();
    return {};
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
