#pragma once

#include "ServiceTokenRows.h"
#include "SessionPolicy.h"
#include "StampedCache.h"
#include "model/ServiceToken.h"
#include "model/Session.h"
#include "model/User.h"

#include <QByteArray>
#include <QHash>

#include <memory>

#include <mutex>
#include <optional>
#include <shared_mutex>

namespace gatehouse {

// What a validation (Sessions::validate(), ServiceTokens::validate()) read for a credential,
// kept while the store shows that nothing which could end it has happened since, so that a
// validation usually needs no query at all.
//
// Two facts make a kept row trustworthy, both read from the store:
// - the credential revision (migrations 0008 and 0010): triggers move it on every revocation,
//   deactivation, rotation, user status or name change, deletion and session-policy change,
//   whoever makes it. Every kept row was read at `m_revision`; the revision never goes back.
// - the store's change stamp (Store::changeStamp()), read before the transaction that read
//   the revision: while the store's stamp still equals the kept one, nothing at all has been
//   committed since, so the revision is still the one the rows were read at.
// find() answers only while the stamp it is given equals the kept one. After any commit it
// misses once; the caller reads the row again (and the revision with it) and remember()s it:
// an unchanged revision keeps every row, a moved one drops them all. So a revocation, from
// this process or another, is effective on the very next validation (SEC-23, SEC-24).
//
// Thread-safe: many readers at once, writers one at a time.
template<typename Entry>
class ValidationCache
{
public:
    // Beyond this many rows the cache starts over.
    static constexpr qsizetype kMaxEntries = 200000;

    std::optional<Entry> find(const QByteArray &key, const QByteArray &stamp) const
    {
        std::shared_lock lock(m_mutex);
        if (m_stamp.isEmpty() || m_stamp != stamp)
            return std::nullopt;
        const auto it = m_entries.constFind(key);
        if (it == m_entries.cend())
            return std::nullopt;
        return *it;
    }

    // A row read, with `revision`, in a transaction that began after `stampBefore` was read.
    void remember(const QByteArray &key, Entry entry, const QByteArray &stampBefore,
                  qint64 revision)
    {
        std::unique_lock lock(m_mutex);
        // Rows read at another revision describe another state of the store: drop them. (A
        // thread that read before a revision moved may arrive after one that read after it;
        // its stamp is then older than the store's, so nothing it leaves is found until the
        // next read brings the revision back up to date.)
        if (revision != m_revision || m_entries.size() >= kMaxEntries) {
            m_entries.clear();
            m_revision = revision;
        }
        m_stamp = stampBefore;
        m_entries.insert(key, std::move(entry));
    }

private:
    mutable std::shared_mutex m_mutex;
    QByteArray m_stamp; // empty: none yet
    qint64 m_revision = -1;
    QHash<QByteArray, Entry> m_entries;
};

// A session as validation reads it: the row, its owner's name, and the session policy.
struct CachedSession {
    Session session;
    SessionPolicy policy;
};

// A service token as validation reads it: the row, its owner's status and its secrets' hashes
// (the presented secret is compared with them on every validation).
struct CachedServiceToken {
    ServiceToken token;
    bool ownerActive = false;
    QList<ServiceTokenRows::StoredSecret> secrets;
};

// A user as UserDirectory::self() read it, with the compact JSON of UserRows::toJson() made
// once for the many requests that ask for it.
struct CachedUser {
    User user;
    QByteArray json;
};

// One per store in a process, shared by every service over it.
struct ValidationCaches {
    // By token hash; shared, so that a hit copies a pointer, not the row's strings.
    ValidationCache<std::shared_ptr<const CachedSession>> sessions;
    ValidationCache<CachedServiceToken> serviceTokens; // by key id
    StampedCache<std::shared_ptr<const CachedUser>> users; // by id, for UserDirectory::self()
};

} // namespace gatehouse
