#pragma once

#include "SessionPolicy.h"
#include "model/Session.h"

#include <QByteArray>
#include <QHash>

#include <optional>
#include <shared_mutex>

namespace gatehouse {

// What Sessions::validate() read for each token, kept while the store shows that nothing which
// could end a session has happened since, so a validation usually needs no query at all.
//
// Two facts make a kept row trustworthy, both read from the store:
// - the session revision (migration 0008): triggers move it on every revocation, user status
//   or name change, deletion and session-policy change, whoever makes it. Every kept row was
//   read at `revision()`; the revision never goes back.
// - the store's change stamp (Store::changeStamp()), read before the transaction that read the
//   revision: while the store's stamp still equals it, nothing at all has been committed
//   since, so the revision is still the one the rows were read at.
// find() answers only while the stamp it is given equals the kept one. After any commit it
// misses once; the caller reads the row again (and the revision with it) and remember()s it:
// an unchanged revision keeps every row, a moved one drops them all. So a revocation, from
// this process or another, is effective on the very next validation (SEC-23, SEC-24).
//
// Thread-safe: many readers at once, writers one at a time.
class SessionCache
{
public:
    // Beyond this many rows the cache starts over; a store has at most that many live sessions
    // in use at once in all but the largest deployments.
    static constexpr qsizetype kMaxEntries = 200000;

    struct Entry {
        Session session;
        SessionPolicy policy;
    };

    std::optional<Entry> find(const QByteArray &tokenHash, const QByteArray &stamp) const;
    // A row read, with `revision`, in a transaction that began after `stampBefore` was read.
    void remember(const QByteArray &tokenHash, Entry entry, const QByteArray &stampBefore,
                  qint64 revision);

private:
    mutable std::shared_mutex m_mutex;
    QByteArray m_stamp; // empty: none yet
    qint64 m_revision = -1;
    QHash<QByteArray, Entry> m_entries;
};

} // namespace gatehouse
