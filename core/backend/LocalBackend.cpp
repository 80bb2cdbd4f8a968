#include "LocalBackend.h"

#include <QMutexLocker>

namespace gatehouse {

LocalBackend::LocalBackend(Store &store, std::shared_ptr<const Clock> clock, Actor actor)
    : m_store(store),
      m_context(store, std::move(clock)),
      m_users(m_context),
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
    return submit<User>([user](const UserDirectory &users, const Actor &actor) {
        return users.create(actor, user);
    });
}

QFuture<Result<User>> LocalBackend::getUser(const QString &id)
{
    return submit<User>(
        [id](const UserDirectory &users, const Actor &actor) { return users.get(actor, id); });
}

QFuture<Result<User>> LocalBackend::findUser(const QString &usernameOrEmail)
{
    return submit<User>([usernameOrEmail](const UserDirectory &users, const Actor &actor) {
        return users.find(actor, usernameOrEmail);
    });
}

QFuture<Result<User>> LocalBackend::updateUser(const QString &id, const UserChanges &changes)
{
    return submit<User>([id, changes](const UserDirectory &users, const Actor &actor) {
        return users.update(actor, id, changes);
    });
}

QFuture<Result<User>> LocalBackend::setUserStatus(const QString &id, User::Status status)
{
    return submit<User>([id, status](const UserDirectory &users, const Actor &actor) {
        return users.setStatus(actor, id, status);
    });
}

QFuture<Result<User>> LocalBackend::lockUser(const QString &id, const QDateTime &until)
{
    return submit<User>([id, until](const UserDirectory &users, const Actor &actor) {
        return users.lock(actor, id, until);
    });
}

QFuture<Result<User>> LocalBackend::unlockUser(const QString &id)
{
    return submit<User>(
        [id](const UserDirectory &users, const Actor &actor) { return users.unlock(actor, id); });
}

QFuture<Result<User>> LocalBackend::setUserRoles(const QString &id, const QList<Role> &roles)
{
    return submit<User>([id, roles](const UserDirectory &users, const Actor &actor) {
        return users.setRoles(actor, id, roles);
    });
}

QFuture<Result<void>> LocalBackend::deleteUser(const QString &id)
{
    return submit<void>(
        [id](const UserDirectory &users, const Actor &actor) { return users.remove(actor, id); });
}

QFuture<Result<Page<User>>> LocalBackend::searchUsers(const UserQuery &query)
{
    return submit<Page<User>>([query](const UserDirectory &users, const Actor &actor) {
        return users.search(actor, query);
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
