#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>

#include <mutex>
#include <optional>
#include <shared_mutex>

namespace gatehouse {

// Rows read from the store, kept only while nothing at all has been committed to it since:
// every entry was read in a transaction that began after `m_stamp` (Store::changeStamp()) was
// read, and find() answers only while the store's stamp still equals it. The first remember()
// after a commit starts over. For rows that change for many reasons (a user's profile, last
// sign-in, failed attempts) where ValidationCache's credential revision would not tell.
//
// Thread-safe: many readers at once, writers one at a time.
template<typename Entry>
class StampedCache
{
public:
    // Beyond this many rows the cache starts over.
    static constexpr qsizetype kMaxEntries = 100000;

    std::optional<Entry> find(const QString &key, const QByteArray &stamp) const
    {
        std::shared_lock lock(m_mutex);
        if (m_stamp.isEmpty() || m_stamp != stamp)
            return std::nullopt;
        const auto it = m_entries.constFind(key);
        if (it == m_entries.cend())
            return std::nullopt;
        return *it;
    }

    // A row read in a transaction that began after `stampBefore` was read.
    void remember(const QString &key, Entry entry, const QByteArray &stampBefore)
    {
        std::unique_lock lock(m_mutex);
        if (stampBefore != m_stamp || m_entries.size() >= kMaxEntries) {
            m_entries.clear();
            m_stamp = stampBefore;
        }
        m_entries.insert(key, std::move(entry));
    }

private:
    mutable std::shared_mutex m_mutex;
    QByteArray m_stamp; // empty: none yet
    QHash<QString, Entry> m_entries;
};

} // namespace gatehouse
