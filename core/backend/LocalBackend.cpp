#include "LocalBackend.h"

#include "auth/AdminCaller.h"

#include <QMutexLocker>
#include <QSaveFile>

namespace gatehouse {

LocalBackend::LocalBackend(Store &store, std::shared_ptr<const Clock> clock, Actor actor,
                           std::optional<crypto::SecretBox> dataKey,
                           std::shared_ptr<const PasswordBlocklist> blocklist,
                           const QString &auditKeysPath)
    : m_store(store),
      m_context(store, std::move(clock), std::move(dataKey), auditKeysPath),
      m_services(CoreServices::make(m_context, std::move(blocklist))),
      m_actor(std::move(actor)),
      m_worker([this] { runWorker(); })
{}

Result<qint64> LocalBackend::writeFile(const QString &path,
                                       const std::function<Result<qint64>(QIODevice &)> &write)
{
    // Written beside and renamed into place, so a failed or cancelled write leaves no half
    // file where a finished one is expected.
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("Cannot create %1: %2.").arg(path, file.errorString()));
    }
    Result<qint64> written = write(file);
    if (!written)
        return written;
    if (!file.commit()) {
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("Cannot write %1: %2.").arg(path, file.errorString()));
    }
    return written;
}

Actor LocalBackend::clientOf(const Actor &actor)
{
    Actor client;
    client.sourceIp = actor.sourceIp;
    client.userAgent = actor.userAgent;
    client.requestId = actor.requestId;
    return client;
}

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

QFuture<Result<Credentials::SignIn>> LocalBackend::signIn(const QString &usernameOrEmail,
                                                          const QString &password,
                                                          const QString &mfaCode)
{
    return submitCredentials<Credentials::SignIn>(
        [this, usernameOrEmail, password, mfaCode](const Credentials &credentials, const Mfa &,
                                                   const Actor &actor) {
            Result<Credentials::SignIn> signedIn =
                credentials.authenticate(clientOf(actor), usernameOrEmail, password, mfaCode);
            if (signedIn && !signedIn->mfaRequired)
                setActor(AdminCaller::fromSignIn(*signedIn, clientOf(actor)));
            return signedIn;
        });
}

QFuture<Result<QString>> LocalBackend::signInWithToken(const QString &token)
{
    return submit<QString>(
        [this, token](const Services &services, const Actor &actor) -> Result<QString> {
            Result<Actor> caller =
                AdminCaller::fromToken(services.sessions, services.tokens, token, clientOf(actor));
            if (!caller)
                return caller.error();
            setActor(*caller);
            return caller->userId;
        });
}

QFuture<Result<User>> LocalBackend::createFirstOwner(const NewUser &owner, const QString &password)
{
    return submitCredentials<User>([this, owner, password](const Credentials &credentials,
                                                           const Mfa &,
                                                           const Actor &actor) -> Result<User> {
        // Checked first, so that a refused password leaves no owner without one behind.
        if (Result<void> acceptable = credentials.checkNewUserPassword(owner, password);
            !acceptable) {
            return acceptable.error();
        }
        Result<User> created = m_services.users.createFirstOwner(Actor::localConsole(), owner);
        if (!created)
            return created;
        // The owner's password is set the way every user's is: through a one-time code.
        Result<Credentials::IssuedCode> code = credentials.issueCode(Actor::system(), created->id);
        if (!code)
            return code.error();
        Result<User> ready = credentials.redeemCode(clientOf(actor), code->code, password);
        if (!ready)
            return ready;
        Credentials::SignIn signedIn;
        signedIn.user = *ready;
        setActor(AdminCaller::fromSignIn(signedIn, clientOf(actor)));
        return ready;
    });
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

QFuture<Result<UserImport::Report>> LocalBackend::importUsers(const QByteArray &document,
                                                              const UserImport::Options &options)
{
    // A UserImport per call: it is only a view of the worker's context.
    return submit<UserImport::Report>(
        [this, document, options](const Services &, const Actor &actor) {
            return UserImport(m_context).run(actor, document, options);
        });
}

QFuture<Result<Credentials::IssuedCode>> LocalBackend::issuePasswordCode(const QString &userId)
{
    return submitCredentials<Credentials::IssuedCode>(
        [userId](const Credentials &credentials, const Mfa &, const Actor &actor) {
            return credentials.issueCode(actor, userId);
        });
}

QFuture<Result<User>> LocalBackend::resetUserMfa(const QString &userId, const QString &reason)
{
    return submitCredentials<User>(
        [userId, reason](const Credentials &, const Mfa &mfa, const Actor &actor) {
            return mfa.reset(actor, userId, reason);
        });
}

QFuture<Result<void>> LocalBackend::changePassword(const QString &currentPassword,
                                                   const QString &newPassword)
{
    return submitCredentials<void>([currentPassword, newPassword](const Credentials &credentials,
                                                                  const Mfa &, const Actor &actor) {
        return credentials.changePassword(actor, currentPassword, newPassword);
    });
}

QFuture<Result<Mfa::Enrolment>> LocalBackend::enrollMfa(const QString &currentPassword)
{
    return submitCredentials<Mfa::Enrolment>(
        [currentPassword](const Credentials &, const Mfa &mfa, const Actor &actor) {
            return mfa.enroll(actor, currentPassword);
        });
}

QFuture<Result<Mfa::Activation>> LocalBackend::confirmMfa(const QString &code)
{
    return submitCredentials<Mfa::Activation>(
        [code](const Credentials &, const Mfa &mfa, const Actor &actor) {
            return mfa.confirm(actor, code);
        });
}

QFuture<Result<QStringList>> LocalBackend::regenerateRecoveryCodes(const QString &currentPassword)
{
    return submitCredentials<QStringList>(
        [currentPassword](const Credentials &, const Mfa &mfa, const Actor &actor) {
            return mfa.regenerateRecoveryCodes(actor, currentPassword);
        });
}

QFuture<Result<void>> LocalBackend::disableMfa(const QString &currentPassword)
{
    return submitCredentials<void>(
        [currentPassword](const Credentials &, const Mfa &mfa, const Actor &actor) {
            return mfa.disable(actor, currentPassword);
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

QFuture<Result<ServiceTokenSecret>> LocalBackend::createServiceToken(const NewServiceToken &request)
{
    return submit<ServiceTokenSecret>([request](const Services &services, const Actor &actor) {
        return services.tokens.create(actor, request);
    });
}

QFuture<Result<Page<ServiceToken>>> LocalBackend::listServiceTokens(const ServiceTokenQuery &query)
{
    return submit<Page<ServiceToken>>([query](const Services &services, const Actor &actor) {
        return services.tokens.list(actor, query);
    });
}

QFuture<Result<ServiceToken>> LocalBackend::getServiceToken(const QString &id)
{
    return submit<ServiceToken>([id](const Services &services, const Actor &actor) {
        return services.tokens.get(actor, id);
    });
}

QFuture<Result<ServiceTokenSecret>>
LocalBackend::rotateServiceToken(const QString &id, const ServiceTokenRotation &rotation)
{
    return submit<ServiceTokenSecret>([id, rotation](const Services &services, const Actor &actor) {
        return services.tokens.rotate(actor, id, rotation);
    });
}

QFuture<Result<ServiceToken>> LocalBackend::setServiceTokenActive(const QString &id, bool active,
                                                                  const QString &reason)
{
    return submit<ServiceToken>([id, active, reason](const Services &services, const Actor &actor) {
        return services.tokens.setActive(actor, id, active, reason);
    });
}

QFuture<Result<ServiceToken>> LocalBackend::revokeServiceToken(const QString &id,
                                                               const QString &reason)
{
    return submit<ServiceToken>([id, reason](const Services &services, const Actor &actor) {
        return services.tokens.revoke(actor, id, reason);
    });
}

QFuture<Result<int>> LocalBackend::purgeServiceTokens()
{
    return submit<int>(
        [](const Services &services, const Actor &actor) { return services.tokens.purge(actor); });
}

QFuture<Result<ServiceTokenPolicy>> LocalBackend::serviceTokenPolicy()
{
    return submit<ServiceTokenPolicy>(
        [](const Services &services, const Actor &actor) { return services.tokens.policy(actor); });
}

QFuture<Result<ServiceTokenPolicy>>
LocalBackend::setServiceTokenPolicy(const ServiceTokenPolicy &policy)
{
    return submit<ServiceTokenPolicy>([policy](const Services &services, const Actor &actor) {
        return services.tokens.setPolicy(actor, policy);
    });
}

QFuture<Result<QList<SigningKey>>> LocalBackend::listSigningKeys()
{
    return submit<QList<SigningKey>>(
        [](const Services &services, const Actor &actor) { return services.keys.list(actor); });
}

QFuture<Result<SigningKey>> LocalBackend::rotateSigningKey()
{
    return submit<SigningKey>(
        [](const Services &services, const Actor &actor) { return services.keys.rotate(actor); });
}

QFuture<Result<SigningKey>> LocalBackend::retireSigningKey(const QString &kid)
{
    return submit<SigningKey>([kid](const Services &services, const Actor &actor) {
        return services.keys.retire(actor, kid);
    });
}

QFuture<Result<int>> LocalBackend::purgeSigningKeys()
{
    return submit<int>(
        [](const Services &services, const Actor &actor) { return services.keys.purge(actor); });
}

QFuture<Result<QJsonObject>> LocalBackend::jwks()
{
    return submit<QJsonObject>(
        [](const Services &services, const Actor &actor) { return services.keys.jwks(actor); });
}

QFuture<Result<JwtPolicy>> LocalBackend::jwtPolicy()
{
    return submit<JwtPolicy>([](const Services &services, const Actor &actor) {
        return services.accessTokens.policy(actor);
    });
}

QFuture<Result<JwtPolicy>> LocalBackend::setJwtPolicy(const JwtPolicy &policy)
{
    return submit<JwtPolicy>([policy](const Services &services, const Actor &actor) {
        return services.accessTokens.setPolicy(actor, policy);
    });
}

QFuture<Result<EventPage>> LocalBackend::lookupAuditEvents(const EventLookup &lookup)
{
    return submit<EventPage>([lookup](const Services &services, const Actor &actor) {
        return services.audit.lookup(actor, lookup);
    });
}

QFuture<Result<qint64>> LocalBackend::exportAuditEvents(const EventLookup &lookup,
                                                        EventExport::Format format,
                                                        const QString &path)
{
    return submit<qint64>([lookup, format, path](const Services &services, const Actor &actor,
                                                 const Progress &progress) {
        return writeFile(path, [&](QIODevice &file) {
            return services.audit.exportEvents(actor, lookup, format, file, progress);
        });
    });
}

QFuture<Result<qint64>> LocalBackend::writeCredentialReport(const QString &path)
{
    return submit<qint64>([path](const Services &services, const Actor &actor) {
        return writeFile(
            path, [&](QIODevice &file) { return services.credentialReport.write(actor, file); });
    });
}

QFuture<Result<AuditArchive::Outcome>> LocalBackend::archiveAuditEvents(qint64 olderThanSeconds,
                                                                        const QString &folder)
{
    return submit<AuditArchive::Outcome>(
        [olderThanSeconds, folder](const Services &services, const Actor &actor) {
            return services.audit.archive(actor, olderThanSeconds, folder);
        });
}

QFuture<Result<AuditCheckpoint>> LocalBackend::createAuditCheckpoint()
{
    return submit<AuditCheckpoint>([](const Services &services, const Actor &actor) {
        return services.audit.createCheckpoint(actor);
    });
}

QFuture<Result<QList<AuditCheckpoint>>> LocalBackend::auditCheckpoints()
{
    return submit<QList<AuditCheckpoint>>([](const Services &services, const Actor &actor) {
        return services.audit.checkpoints(actor);
    });
}

QFuture<Result<QList<QByteArray>>> LocalBackend::auditTrustedKeys()
{
    return submit<QList<QByteArray>>([](const Services &services, const Actor &actor) {
        return services.audit.trustedKeys(actor);
    });
}

QFuture<Result<QString>> LocalBackend::rotateAuditSigningKey()
{
    return submit<QString>([](const Services &services, const Actor &actor) {
        return services.audit.rotateSigningKey(actor);
    });
}

QFuture<Result<AuditVerification>>
LocalBackend::verifyAuditLog(const QList<AuditCheckpoint> &held,
                             const QList<QByteArray> &extraTrustedKeys)
{
    return submit<AuditVerification>(
        [held, extraTrustedKeys](const Services &services, const Actor &actor) {
            return services.audit.verify(actor, held, extraTrustedKeys);
        });
}

QFuture<Result<PasswordPolicy>> LocalBackend::passwordPolicy()
{
    return submitCredentials<PasswordPolicy>(
        [](const Credentials &credentials, const Mfa &, const Actor &actor) {
            return credentials.passwordPolicy(actor);
        });
}

QFuture<Result<PasswordPolicy>> LocalBackend::setPasswordPolicy(const PasswordPolicy &policy)
{
    return submitCredentials<PasswordPolicy>(
        [policy](const Credentials &credentials, const Mfa &, const Actor &actor) {
            return credentials.setPasswordPolicy(actor, policy);
        });
}

QFuture<Result<SessionPolicy>> LocalBackend::sessionPolicy()
{
    return submit<SessionPolicy>([](const Services &services, const Actor &actor) {
        return services.sessions.policy(actor);
    });
}

QFuture<Result<SessionPolicy>> LocalBackend::setSessionPolicy(const SessionPolicy &policy)
{
    return submit<SessionPolicy>([policy](const Services &services, const Actor &actor) {
        return services.sessions.setPolicy(actor, policy);
    });
}

QFuture<Result<MfaPolicy>> LocalBackend::mfaPolicy()
{
    return submitCredentials<MfaPolicy>(
        [](const Credentials &, const Mfa &mfa, const Actor &actor) { return mfa.policy(actor); });
}

QFuture<Result<MfaPolicy>> LocalBackend::setMfaPolicy(const MfaPolicy &policy)
{
    return submitCredentials<MfaPolicy>(
        [policy](const Credentials &, const Mfa &mfa, const Actor &actor) {
            return mfa.setPolicy(actor, policy);
        });
}

QFuture<Result<Credentials::SignIn>>
LocalBackend::login(const QString &usernameOrEmail, const QString &password, const QString &mfaCode)
{
    return submitCredentials<Credentials::SignIn>(
        [usernameOrEmail, password, mfaCode](const Credentials &credentials, const Mfa &,
                                             const Actor &actor) {
            return credentials.login(clientOf(actor), usernameOrEmail, password, mfaCode);
        });
}

QFuture<Result<Credentials::SignIn>> LocalBackend::completeLogin(const QString &challenge,
                                                                 const QString &code)
{
    return submitCredentials<Credentials::SignIn>(
        [challenge, code](const Credentials &credentials, const Mfa &, const Actor &actor) {
            return credentials.completeLogin(clientOf(actor), challenge, code);
        });
}

QFuture<Result<ValidatedSession>> LocalBackend::validateSession(const QString &token)
{
    return submit<ValidatedSession>([token](const Services &services, const Actor &) {
        return services.sessions.validate(token);
    });
}

QFuture<Result<void>> LocalBackend::logout(const QString &token)
{
    return submit<void>([token](const Services &services, const Actor &actor) {
        return services.sessions.logout(token, clientOf(actor));
    });
}

QFuture<Result<User>> LocalBackend::redeemPasswordCode(const QString &code,
                                                       const QString &newPassword)
{
    return submitCredentials<User>(
        [code, newPassword](const Credentials &credentials, const Mfa &, const Actor &actor) {
            return credentials.redeemCode(clientOf(actor), code, newPassword);
        });
}

QFuture<Result<ValidatedServiceToken>> LocalBackend::verifyServiceToken(const QString &secret)
{
    return submit<ValidatedServiceToken>([secret](const Services &services, const Actor &actor) {
        return services.tokens.validate(secret, clientOf(actor));
    });
}

QFuture<Result<IssuedAccessToken>> LocalBackend::issueAccessToken(const QString &sessionToken)
{
    return submit<IssuedAccessToken>([sessionToken](const Services &services, const Actor &actor) {
        return services.accessTokens.issue(sessionToken, clientOf(actor));
    });
}

QFuture<Result<VerifiedAccessToken>> LocalBackend::verifyAccessToken(const QString &jwt)
{
    return submit<VerifiedAccessToken>([jwt](const Services &services, const Actor &) {
        return services.accessTokens.verify(jwt);
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

void LocalBackend::setCheckpointInterval(std::chrono::milliseconds interval)
{
    {
        QMutexLocker lock(&m_queueMutex);
        m_checkpointInterval = interval;
        m_nextCheckpoint = interval.count() > 0 ? QDeadlineTimer(interval)
                                                : QDeadlineTimer(QDeadlineTimer::Forever);
    }
    m_queueChanged.wakeAll();
}

void LocalBackend::runScheduledCheckpoint()
{
    Actor system;
    system.kind = Actor::Kind::System;
    system.userAgent = actor().userAgent;
    Result<std::optional<AuditCheckpoint>> made = runGuarded<std::optional<AuditCheckpoint>>(
        [&] { return m_services.audit.createScheduledCheckpoint(system); });
    if (!made)
        qCWarning(lcStore) << "scheduled audit checkpoint failed:" << made.error().message;
}

void LocalBackend::runWorker()
{
    for (;;) {
        Job job;
        bool checkpointDue = false;
        {
            QMutexLocker lock(&m_queueMutex);
            while (m_queue.empty() && !m_stopping && !m_nextCheckpoint.hasExpired())
                m_queueChanged.wait(&m_queueMutex, m_nextCheckpoint);
            if (m_stopping)
                return;
            // A due checkpoint goes first, so a steady stream of calls cannot put it off.
            if (m_nextCheckpoint.hasExpired()) {
                checkpointDue = true;
                m_nextCheckpoint.setRemainingTime(m_checkpointInterval);
            } else {
                job = std::move(m_queue.front());
                m_queue.pop_front();
            }
        }
        if (checkpointDue)
            runScheduledCheckpoint();
        else
            job();
    }
}

} // namespace gatehouse
