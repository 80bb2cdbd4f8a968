#pragma once

#include "model/Page.h"
#include "model/Result.h"
#include "model/Role.h"
#include "model/Session.h"
#include "model/SessionQuery.h"
#include "model/User.h"
#include "model/UserQuery.h"

#include <QDateTime>
#include <QFuture>
#include <QList>
#include <QString>

namespace gatehouse {

// What the console and gatehousectl use for every admin action, whatever the mode: the same
// calls, permission checks, errors and audit records in local mode (LocalBackend) and, later,
// connected mode (RemoteBackend). This version covers the user directory.
//
// Threading contract, shared by every implementation:
// - The methods are thread-safe and never block: each only queues the call and returns a
//   future at once. Callers are normally on the UI thread.
// - Calls run in submission order, one at a time, off the calling thread. A call sees the
//   effects of every call submitted before it.
// - The future finishes with a Result: a failure (PermissionDenied, NotFound, Unavailable, ...)
//   is a value, never an exception and never a missing result.
// - Take results with `future.then(context, ...)`: the continuation runs on `context`'s thread
//   through its event loop, so never wait on a future on the UI thread. `context` must outlive
//   the call, or the continuation is silently dropped.
// - Cancelling a future drops its call if the call has not started: its effect never happens
//   and continuations taking a value do not run. A call that has started still completes (and
//   is audited); only its result is discarded.
// - Destroying a backend cancels every call that has not started and waits for the one running,
//   which is the only wait in the contract; do it when the futures no longer matter.
//
// Futures hold Result<T> directly: Qt 6.4's QFuture and QPromise need T to be movable and
// copyable, not default-constructible. Operations without a value return Result<void>.
class AdminBackend
{
public:
    virtual ~AdminBackend() = default;
    AdminBackend(const AdminBackend &) = delete;
    AdminBackend &operator=(const AdminBackend &) = delete;

    // For the title bar and logs, e.g. "Local store /srv/gatehouse/auth.db".
    virtual QString displayName() const = 0;

    virtual QFuture<Result<User>> createUser(const NewUser &user) = 0;
    virtual QFuture<Result<User>> getUser(const QString &id) = 0;
    // By username or e-mail address, as typed.
    virtual QFuture<Result<User>> findUser(const QString &usernameOrEmail) = 0;
    virtual QFuture<Result<User>> updateUser(const QString &id, const UserChanges &changes) = 0;
    virtual QFuture<Result<User>> setUserStatus(const QString &id, User::Status status) = 0;
    // An administrative lock until `until` (UTC).
    virtual QFuture<Result<User>> lockUser(const QString &id, const QDateTime &until) = 0;
    // Clears a lock and the failure count.
    virtual QFuture<Result<User>> unlockUser(const QString &id) = 0;
    virtual QFuture<Result<User>> setUserRoles(const QString &id, const QList<Role> &roles) = 0;
    virtual QFuture<Result<void>> deleteUser(const QString &id) = 0;
    // One keyset page; ask for the next with the page's nextPageToken, so a big directory
    // never loads whole.
    virtual QFuture<Result<Page<User>>> searchUsers(const UserQuery &query) = 0;

    // Sessions: newest first, one keyset page at a time.
    virtual QFuture<Result<Page<Session>>> listSessions(const SessionQuery &query) = 0;
    // Revocation takes effect on the session's next use; revoking again is not an error.
    virtual QFuture<Result<Session>> revokeSession(const QString &id, const QString &reason) = 0;
    virtual QFuture<Result<int>> revokeSessions(const QStringList &ids, const QString &reason) = 0;
    virtual QFuture<Result<int>> revokeUserSessions(const QString &userId,
                                                    const QString &reason) = 0;
    virtual QFuture<Result<int>> revokeSessionsOlderThan(const QDateTime &time,
                                                         const QString &reason) = 0;
    // Everyone's sessions but the caller's own: the guard against signing yourself out.
    virtual QFuture<Result<int>> revokeOtherSessions(const QString &reason) = 0;

protected:
    AdminBackend() = default;
};

} // namespace gatehouse
