#pragma once

#include "AdminBackend.h"
#include "CoreServices.h"
#include "model/Actor.h"
#include "model/Clock.h"
#include "store/Store.h"

#include <QDeadlineTimer>
#include <QMutex>
#include <QPromise>
#include <QWaitCondition>

#include <chrono>
#include <deque>
#include <functional>
#include <limits>
#include <memory>
#include <thread>
#include <type_traits>

namespace gatehouse {

// Local mode: the core's services run in-process on a store this process holds.
//
// Threading (on top of AdminBackend's contract):
// - The constructor starts ONE worker thread. Every call runs there, in submission order, on
//   the worker's own connection to the store (a Store gives each thread its own).
// - The caller's thread only queues work; the worker never touches the caller's objects except
//   through the futures, whose continuations Qt delivers to their context's thread.
// - A call runs as the Actor that was current when it was submitted (as a request carries the
//   identity it was sent with); setActor() affects calls made after it. setActor() is
//   thread-safe.
// - The destructor cancels the calls that have not started (their futures finish cancelled),
//   waits for the running one, and joins the worker. Joining, unlike QThread::wait() in Qt 6.4,
//   also waits for the thread's thread_local destructors, which is where the worker's store
//   connection closes. So once the destructor returns the backend holds nothing of the store:
//   destroy the backend before the store, and the store may go right after.
class LocalBackend final : public AdminBackend
{
public:
    // `store` must outlive the backend. `dataKey` seals MFA seeds and signing keys.
    // `blocklist` (common passwords) may be null only when the password policy does not check
    // one. `actor` is who calls act as until a sign-in; its network details (source address,
    // user agent) also describe the client of the end-user flows.
    // `auditKeysPath`: the audit checkpoint signing keys (empty: beside a SQLite store).
    LocalBackend(Store &store, std::shared_ptr<const Clock> clock, Actor actor,
                 std::optional<crypto::SecretBox> dataKey = std::nullopt,
                 std::shared_ptr<const PasswordBlocklist> blocklist = nullptr,
                 const QString &auditKeysPath = {});
    ~LocalBackend() override;

    // How often the worker signs the audit log when anything was recorded since the last
    // checkpoint (AuditTrail::createScheduledCheckpoint), between calls; 0 turns it off, the
    // default. Thread-safe.
    void setCheckpointInterval(std::chrono::milliseconds interval);

    // Who later calls act as, e.g. after signing in as someone else.
    void setActor(Actor actor);
    Actor actor() const;

    QString displayName() const override;

    QFuture<Result<Credentials::SignIn>> signIn(const QString &usernameOrEmail,
                                                const QString &password,
                                                const QString &mfaCode) override;
    QFuture<Result<QString>> signInWithToken(const QString &token) override;
    QFuture<Result<User>> createFirstOwner(const NewUser &owner, const QString &password) override;

    QFuture<Result<User>> createUser(const NewUser &user) override;
    QFuture<Result<User>> getUser(const QString &id) override;
    QFuture<Result<User>> findUser(const QString &usernameOrEmail) override;
    QFuture<Result<User>> updateUser(const QString &id, const UserChanges &changes) override;
    QFuture<Result<User>> setUserStatus(const QString &id, User::Status status) override;
    QFuture<Result<User>> lockUser(const QString &id, const QDateTime &until) override;
    QFuture<Result<User>> unlockUser(const QString &id) override;
    QFuture<Result<User>> setUserRoles(const QString &id, const QList<Role> &roles) override;
    QFuture<Result<void>> deleteUser(const QString &id) override;
    QFuture<Result<Page<User>>> searchUsers(const UserQuery &query) override;
    QFuture<Result<UserImport::Report>> importUsers(const QByteArray &document,
                                                    const UserImport::Options &options) override;

    QFuture<Result<Credentials::IssuedCode>> issuePasswordCode(const QString &userId) override;
    QFuture<Result<User>> resetUserMfa(const QString &userId, const QString &reason) override;

    QFuture<Result<void>> changePassword(const QString &currentPassword,
                                         const QString &newPassword) override;
    QFuture<Result<Mfa::Enrolment>> enrollMfa(const QString &currentPassword) override;
    QFuture<Result<Mfa::Activation>> confirmMfa(const QString &code) override;
    QFuture<Result<QStringList>> regenerateRecoveryCodes(const QString &currentPassword) override;
    QFuture<Result<void>> disableMfa(const QString &currentPassword) override;

    QFuture<Result<Page<Session>>> listSessions(const SessionQuery &query) override;
    QFuture<Result<Session>> revokeSession(const QString &id, const QString &reason) override;
    QFuture<Result<int>> revokeSessions(const QStringList &ids, const QString &reason) override;
    QFuture<Result<int>> revokeUserSessions(const QString &userId, const QString &reason) override;
    QFuture<Result<int>> revokeSessionsOlderThan(const QDateTime &time,
                                                 const QString &reason) override;
    QFuture<Result<int>> revokeOtherSessions(const QString &reason) override;

    QFuture<Result<ServiceTokenSecret>> createServiceToken(const NewServiceToken &request) override;
    QFuture<Result<Page<ServiceToken>>> listServiceTokens(const ServiceTokenQuery &query) override;
    QFuture<Result<ServiceToken>> getServiceToken(const QString &id) override;
    QFuture<Result<ServiceTokenSecret>>
    rotateServiceToken(const QString &id, const ServiceTokenRotation &rotation) override;
    QFuture<Result<ServiceToken>> setServiceTokenActive(const QString &id, bool active,
                                                        const QString &reason) override;
    QFuture<Result<ServiceToken>> revokeServiceToken(const QString &id,
                                                     const QString &reason) override;
    QFuture<Result<int>> purgeServiceTokens() override;
    QFuture<Result<ServiceTokenPolicy>> serviceTokenPolicy() override;
    QFuture<Result<ServiceTokenPolicy>>
    setServiceTokenPolicy(const ServiceTokenPolicy &policy) override;

    QFuture<Result<QList<SigningKey>>> listSigningKeys() override;
    QFuture<Result<SigningKey>> rotateSigningKey() override;
    QFuture<Result<SigningKey>> retireSigningKey(const QString &kid) override;
    QFuture<Result<int>> purgeSigningKeys() override;
    QFuture<Result<QJsonObject>> jwks() override;
    QFuture<Result<JwtPolicy>> jwtPolicy() override;
    QFuture<Result<JwtPolicy>> setJwtPolicy(const JwtPolicy &policy) override;

    QFuture<Result<EventPage>> lookupAuditEvents(const EventLookup &lookup) override;
    QFuture<Result<qint64>> exportAuditEvents(const EventLookup &lookup, EventExport::Format format,
                                              const QString &path) override;
    QFuture<Result<qint64>> writeCredentialReport(const QString &path) override;
    QFuture<Result<AuditArchive::Outcome>> archiveAuditEvents(qint64 olderThanSeconds,
                                                              const QString &folder) override;
    QFuture<Result<AuditCheckpoint>> createAuditCheckpoint() override;
    QFuture<Result<QList<AuditCheckpoint>>> auditCheckpoints() override;
    QFuture<Result<QList<QByteArray>>> auditTrustedKeys() override;
    QFuture<Result<QString>> rotateAuditSigningKey() override;
    QFuture<Result<AuditVerification>>
    verifyAuditLog(const QList<AuditCheckpoint> &held,
                   const QList<QByteArray> &extraTrustedKeys) override;

    QFuture<Result<PasswordPolicy>> passwordPolicy() override;
    QFuture<Result<PasswordPolicy>> setPasswordPolicy(const PasswordPolicy &policy) override;
    QFuture<Result<SessionPolicy>> sessionPolicy() override;
    QFuture<Result<SessionPolicy>> setSessionPolicy(const SessionPolicy &policy) override;
    QFuture<Result<MfaPolicy>> mfaPolicy() override;
    QFuture<Result<MfaPolicy>> setMfaPolicy(const MfaPolicy &policy) override;

    QFuture<Result<Credentials::SignIn>>
    login(const QString &usernameOrEmail, const QString &password, const QString &mfaCode) override;
    QFuture<Result<Credentials::SignIn>> completeLogin(const QString &challenge,
                                                       const QString &code) override;
    QFuture<Result<ValidatedSession>> validateSession(const QString &token) override;
    QFuture<Result<void>> logout(const QString &token) override;
    QFuture<Result<User>> redeemPasswordCode(const QString &code,
                                             const QString &newPassword) override;
    QFuture<Result<ValidatedServiceToken>> verifyServiceToken(const QString &secret) override;
    QFuture<Result<IssuedAccessToken>> issueAccessToken(const QString &sessionToken) override;
    QFuture<Result<VerifiedAccessToken>> verifyAccessToken(const QString &jwt) override;

private:
    // A queued call. std::function wants a copyable callable, so a job holds its move-only
    // QPromise through a shared_ptr that only the job owns: dropping the job cancels the future.
    using Job = std::function<void()>;

    // The services the worker runs calls against.
    using Services = CoreServices;

    // Queues `call(const Credentials &, const Mfa &, const Actor &) -> Result<T>`: the calls
    // that check passwords or codes.
    template<typename T, typename Call>
    QFuture<Result<T>> submitCredentials(Call &&call)
    {
        return submit<T>([call = std::forward<Call>(call)](const Services &services,
                                                           const Actor &actor) -> Result<T> {
            if (!services.credentials)
                return *services.unavailable;
            return call(*services.credentials, *services.mfa, actor);
        });
    }
    // Runs `write` on a file that replaces `path` only when it succeeds.
    static Result<qint64> writeFile(const QString &path,
                                    const std::function<Result<qint64>(QIODevice &)> &write);
    // The client of an end-user flow: the caller's network details, no identity.
    static Actor clientOf(const Actor &actor);

    // Called by long calls with how far they got; false once the caller cancelled the future.
    using Progress = std::function<bool(qint64 done)>;

    // Queues `call(const Services &, const Actor &) -> Result<T>` for the worker, or
    // `call(const Services &, const Actor &, const Progress &)` for a long call, whose progress
    // then shows as the future's progress value and which stops when the future is cancelled.
    template<typename T, typename Call>
    QFuture<Result<T>> submit(Call &&call)
    {
        auto promise = std::make_shared<QPromise<Result<T>>>();
        QFuture<Result<T>> future = promise->future();
        // Started while queued, as QtConcurrent::run does: the future is "running" until it
        // finishes or is cancelled, so watchers can tell pending from idle.
        promise->start();
        enqueue([this, promise, caller = actor(), call = std::forward<Call>(call)]() {
            // Cancelled before it started: drop it, so its effect never happens.
            if (!promise->isCanceled())
                promise->addResult(runGuarded<T>([&] {
                    if constexpr (std::is_invocable_v<Call, const Services &, const Actor &,
                                                      const Progress &>) {
                        promise->setProgressRange(0, std::numeric_limits<int>::max());
                        const Progress progress = [&](qint64 done) {
                            promise->setProgressValue(
                                int(std::min<qint64>(done, std::numeric_limits<int>::max())));
                            return !promise->isCanceled();
                        };
                        return call(m_services, caller, progress);
                    } else {
                        return call(m_services, caller);
                    }
                }));
            promise->finish();
        });
        return future;
    }

    // Core reports failure as values; this only keeps an unexpected exception (bad_alloc, a
    // bug) from ending the worker and the process with it.
    template<typename T, typename Work>
    static Result<T> runGuarded(Work &&work)
    {
        try {
            return work();
        } catch (...) {
            return unexpectedFailure();
        }
    }
    static Error unexpectedFailure();

    void enqueue(Job job);
    void runWorker();
    void runScheduledCheckpoint();

    Store &m_store;
    ServiceContext m_context;
    const Services m_services;

    mutable QMutex m_actorMutex;
    Actor m_actor;

    QMutex m_queueMutex;
    QWaitCondition m_queueChanged;
    std::deque<Job> m_queue;
    bool m_stopping = false;
    std::chrono::milliseconds m_checkpointInterval{0};
    QDeadlineTimer m_nextCheckpoint{QDeadlineTimer::Forever};

    // Last, so it starts after everything it uses exists; joined in the destructor.
    std::thread m_worker;
};

} // namespace gatehouse
