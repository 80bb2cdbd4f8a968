#pragma once

#include "store/ChangeStamp.h"

#include <QHash>

#include <mutex>
#include <optional>
#include <shared_mutex>

namespace gatehouse {

// Rows read from the store, kept so that a hot path usually needs no query, and found only
// while the store's change stamp (Store::changeStamp()) still equals the one read before the
// transaction that read them: nothing at all has been committed since, so they are as current
// as a read would be. After any commit find() misses once; the caller reads the row again and
// remember()s it with the stamp it read before.
//
// Each row also belongs to a generation, read with it, and a row of a new generation drops
// all the others: ValidationCache's generation is the credential revision, so its rows outlive
// commits that cannot end a credential; UserDirectory's is the stamp itself, so any commit
// starts it over. (A thread that read before a generation moved may arrive after one that read
// after it; its stamp is then older than the store's, so nothing it leaves is found until the
// next read brings the generation back up to date.)
//
// Thread-safe: many readers at once, writers one at a time.
template<typename Key, typename Entry, typename Generation>
class StampedCache
{
public:
    // Beyond this many rows the cache starts over.
    static constexpr qsizetype kMaxEntries = 200000;

    std::optional<Entry> find(const Key &key, const ChangeStamp &stamp) const
    {
        std::shared_lock lock(m_mutex);
        if (m_stamp != stamp)
            return std::nullopt;
        const auto it = m_entries.constFind(key);
        if (it == m_entries.cend())
            return std::nullopt;
        return *it;
    }

    // A row of `generation`, read in a transaction that began after `stampBefore` was read.
    void remember(const Key &key, Entry entry, const ChangeStamp &stampBefore,
                  const Generation &generation)
    {
        // Rows dropped are freed after the lock is let go: readers on a server's network
        // threads wait for this lock, and freeing a large table takes a while.
        QHash<Key, Entry> dropped;
        std::unique_lock lock(m_mutex);
        if (m_generation != generation || m_entries.size() >= kMaxEntries) {
            dropped.swap(m_entries);
            m_generation = generation;
        }
        m_stamp = stampBefore;
        m_entries.insert(key, std::move(entry));
    }

private:
    mutable std::shared_mutex m_mutex;
    std::optional<ChangeStamp> m_stamp; // none yet
    std::optional<Generation> m_generation;
    QHash<Key, Entry> m_entries;
};

} // namespace gatehouse
