#include "SessionCache.h"

#include <mutex>

namespace gatehouse {

std::optional<SessionCache::Entry> SessionCache::find(const QByteArray &tokenHash,
                                                      const QByteArray &stamp) const
{
    std::shared_lock lock(m_mutex);
    if (m_stamp.isEmpty() || m_stamp != stamp)
        return std::nullopt;
    const auto it = m_entries.constFind(tokenHash);
    if (it == m_entries.cend())
        return std::nullopt;
    return *it;
}

void SessionCache::remember(const QByteArray &tokenHash, Entry entry, const QByteArray &stampBefore,
                            qint64 revision)
{
    std::unique_lock lock(m_mutex);
    // Rows read at another revision describe another state of the store: drop them. (A
    // thread that read before a revision moved may arrive after one that read after it; its
    // stamp is then older than the store's, so nothing it leaves is found until the next read
    // brings the revision back up to date.)
    if (revision != m_revision || m_entries.size() >= kMaxEntries) {
        m_entries.clear();
        m_revision = revision;
    }
    m_stamp = stampBefore;
    m_entries.insert(tokenHash, std::move(entry));
}

} // namespace gatehouse
