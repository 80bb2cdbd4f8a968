#include "LocalBackend.h"

#include <QMutexLocker>

namespace gatehouse {

LocalBackend::LocalBackend(Store &store, std::shared_ptr<const Clock> clock, Actor actor,
                           std::optional<crypto::SecretBox> dataKey)
    : m_store(store),
      m_context(store, std::move(clock), std::move(dataKey)),
      m_services{UserDirectory(m_context), Sessions(m_context)},
      m_actor(std::move(actor)),
      m_worker([this] { runWorker(); })
{}

LocalBackend::~LocalBackend()
{
    std::deque<Job> notStarted;
    {
        QMutexLocker lock(&m_queueMutex);
        m_stopping = true;
        notStarted.swap(m_queue);
    }
    m_queueChanged.wakeAll();
    // Destroying a job destroys its unfinished promise, which finishes the future as
    // cancelled; done outside the lock because that may run continuations.
    notStarted.clear();
    // Waits for the running call and for the worker's thread_local connection to close.
    m_worker.join();
}

void LocalBackend::setActor(Actor actor)
{
    QMutexLocker lock(&m_actorMutex);
    m_actor = std::move(actor);
}

Actor LocalBackend::actor() const
{
    QMutexLocker lock(&m_actorMutex);
    return m_actor;
}

QString LocalBackend::displayName() const
{
    return QStringLiteral("Local store %1").arg(m_store.info().location);
}

QFuture<Result<User>> LocalBackend::createUser(const NewUser &user)
{
    return submit<User>([user](const Services &services, const Actor &actor) {
        return services.users.create(actor, user);
    });
}

QFuture<Result<User>> LocalBackend::getUser(const QString &id)
{
    return submit<User>([id](const Services &services, const Actor &actor) {
        return services.users.get(actor, id);
    });
}

QFuture<Result<User>> LocalBackend::findUser(const QString &usernameOrEmail)
{
    return submit<User>([usernameOrEmail](const Services &services, const Actor &actor) {
        return services.users.find(actor, usernameOrEmail);
    });
}

QFuture<Result<User>> LocalBackend::updateUser(const QString &id, const UserChanges &changes)
{
    return submit<User>([id, changes](const Services &services, const Actor &actor) {
        return services.users.update(actor, id, changes);
    });
}

QFuture<Result<User>> LocalBackend::setUserStatus(const QString &id, User::Status status)
{
    return submit<User>([id, status](const Services &services, const Actor &actor) {
        return services.users.setStatus(actor, id, status);
    });
}

QFuture<Result<User>> LocalBackend::lockUser(const QString &id, const QDateTime &until)
{
    return submit<User>([id, until](const Services &services, const Actor &actor) {
        return services.users.lock(actor, id, until);
    });
}

QFuture<Result<User>> LocalBackend::unlockUser(const QString &id)
{
    return submit<User>([id](const Services &services, const Actor &actor) {
        return services.users.unlock(actor, id);
    });
}

QFuture<Result<User>> LocalBackend::setUserRoles(const QString &id, const QList<Role> &roles)
{
    return submit<User>([id, roles](const Services &services, const Actor &actor) {
        return services.users.setRoles(actor, id, roles);
    });
}

QFuture<Result<void>> LocalBackend::deleteUser(const QString &id)
{
    return submit<void>([id](const Services &services, const Actor &actor) {
        return services.users.remove(actor, id);
    });
}

QFuture<Result<Page<User>>> LocalBackend::searchUsers(const UserQuery &query)
{
    return submit<Page<User>>([query](const Services &services, const Actor &actor) {
        return services.users.search(actor, query);
    });
}

QFuture<Result<Page<Session>>> LocalBackend::listSessions(const SessionQuery &query)
{
    return submit<Page<Session>>([query](const Services &services, const Actor &actor) {
        return services.sessions.list(actor, query);
    });
}

QFuture<Result<Session>> LocalBackend::revokeSession(const QString &id, const QString &reason)
{
    return submit<Session>([id, reason](const Services &services, const Actor &actor) {
        return services.sessions.revoke(actor, id, reason);
    });
}

QFuture<Result<int>> LocalBackend::revokeSessions(const QStringList &ids, const QString &reason)
{
    return submit<int>([ids, reason](const Services &services, const Actor &actor) {
        return services.sessions.revokeMany(actor, ids, reason);
    });
}

QFuture<Result<int>> LocalBackend::revokeUserSessions(const QString &userId, const QString &reason)
{
    return submit<int>([userId, reason](const Services &services, const Actor &actor) {
        return services.sessions.revokeAllOfUser(actor, userId, reason);
    });
}

QFuture<Result<int>> LocalBackend::revokeSessionsOlderThan(const QDateTime &time,
                                                           const QString &reason)
{
    return submit<int>([time, reason](const Services &services, const Actor &actor) {
        return services.sessions.revokeOlderThan(actor, time, reason);
    });
}

QFuture<Result<int>> LocalBackend::revokeOtherSessions(const QString &reason)
{
    return submit<int>([reason](const Services &services, const Actor &actor) {
        return services.sessions.revokeAllExceptCaller(actor, reason);
    });
}

Error LocalBackend::unexpectedFailure()
{
    return makeError(ErrorCode::Internal,
                     QStringLiteral("The local backend failed unexpectedly; retry, or restart "
                                    "Gatehouse if it happens again."));
}

void LocalBackend::enqueue(Job job)
{
    {
        QMutexLocker lock(&m_queueMutex);
        if (m_stopping)
            return; // only during destruction; dropping the job cancels its future
        m_queue.push_back(std::move(job));
    }
    m_queueChanged.wakeOne();
}

void LocalBackend::runWorker()
{
    for (;;) {
        Job job;
        {
            QMutexLocker lock(&m_queueMutex);
            while (m_queue.empty() && !m_stopping)
                m_queueChanged.wait(&m_queueMutex);
            if (m_stopping)
                return;
            job = std::move(m_queue.front());
            m_queue.pop_front();
        }
        job();
    }
}

} // namespace gatehouse
