#include "Credentials.h"

#include "AccessControl.h"
#include "MfaPolicy.h"
#include "PolicyStore.h"
#include "SessionRows.h"
#include "TokenFormat.h"
#include "UserRows.h"
#include "crypto/Base64.h"
#include "crypto/Random.h"

namespace gatehouse {

namespace {

constexpr auto kUserResource = "Gatehouse::User";
// CloudTrail's own placeholder for a sign-in name that matches no user: what was typed may be
// a password entered into the wrong field, so it is never recorded.
constexpr auto kHiddenUserName = "HIDDEN_DUE_TO_SECURITY_REASONS";

Error signInFailed()
{
    return makeError(ErrorCode::Unauthenticated, QStringLiteral("Invalid username or password."));
}

Error invalidCode()
{
    return makeError(ErrorCode::InvalidInput,
                     QStringLiteral("That code is not valid or has expired. Ask an administrator "
                                    "for a new one."));
}

AuditEvent authEvent(const Actor &actor, const char *name)
{
    AuditEvent event;
    event.eventSource = QStringLiteral("auth.gatehouse");
    event.eventName = QString::fromLatin1(name);
    event.actor = actor;
    return event;
}

qint64 lockDelaySeconds(int failures)
{
    const int doublings = std::min(failures - Credentials::kLockThreshold, 20);
    return std::min(Credentials::kBaseLockDelaySeconds << std::max(doublings, 0),
                    Credentials::kMaxLockDelaySeconds);
}

Result<QVariant> storedHash(SqlTransaction &tx, const QString &userId)
{
    return tx.scalar(QStringLiteral("SELECT password_hash FROM users WHERE id = ?"), {userId});
}

} // namespace

Result<std::unique_ptr<Credentials>>
Credentials::create(const ServiceContext &context,
                    std::shared_ptr<const PasswordBlocklist> blocklist,
                    crypto::PasswordHasher::Parameters hashing)
{
    Result<crypto::PasswordHasher> hasher = crypto::PasswordHasher::create(hashing);
    if (!hasher)
        return hasher.error();
    // Verified whenever there is no real hash, so every failed sign-in costs the same work. It
    // needs the current parameters and the PHC shape, not a real password behind it: random
    // salt and random "hash" bytes match no password, and building them costs no scrypt, so
    // opening the services stays cheap (every gatehousectl run does).
    Result<QByteArray> salt = crypto::randomBytes(crypto::PasswordHasher::kSaltLength);
    Result<QByteArray> filler = crypto::randomBytes(crypto::PasswordHasher::kHashLength);
    if (!salt || !filler)
        return !salt ? salt.error() : filler.error();
    const crypto::PasswordHasher::Parameters &current = hasher->parameters();
    const QString dummy = QStringLiteral("$scrypt$ln=%1,r=%2,p=%3$%4$%5")
                              .arg(current.log2N)
                              .arg(current.r)
                              .arg(current.p)
                              .arg(QString::fromLatin1(crypto::base64EncodeUnpadded(*salt)),
                                   QString::fromLatin1(crypto::base64EncodeUnpadded(*filler)));
    return std::unique_ptr<Credentials>(
        new Credentials(context, std::move(blocklist), *hasher, dummy));
}

Credentials::Credentials(const ServiceContext &context,
                         std::shared_ptr<const PasswordBlocklist> blocklist,
                         crypto::PasswordHasher hasher, QString dummyHash)
    : m_context(context),
      m_sessions(context),
      m_blocklist(std::move(blocklist)),
      m_hasher(std::move(hasher)),
      m_dummyHash(std::move(dummyHash))
{}

Result<PasswordPolicy> Credentials::loadPolicy(SqlTransaction &tx) const
{
    Result<QJsonObject> stored = PolicyStore::load(tx, QStringLiteral("password"));
    if (!stored)
        return stored.error();
    return PasswordPolicy::fromJson(*stored);
}

Result<QString> Credentials::hashNewPassword(SqlTransaction &tx, const User &user,
                                             const QString &password,
                                             const PreparedPassword &prepared) const
{
    Result<PasswordPolicy> policy = loadPolicy(tx);
    if (!policy)
        return policy.error();
    const PasswordContext context{user.username, user.email, user.displayName};
    if (Result<void> allowed =
            policy->check(password, context, user.mfaEnrolled, m_blocklist.get());
        !allowed) {
        return allowed.error();
    }
    if (!prepared.newHash.isEmpty() && prepared.userId == user.id)
        return prepared.newHash;
    return m_hasher.hash(PasswordPolicy::normalize(password));
}

Credentials::PreparedPassword
Credentials::preparePassword(const std::function<Result<User>(SqlTransaction &)> &findUser,
                             const QString &currentPassword, const QString &newPassword) const
{
    // Only what the write transaction will check again is read here; a failed read or a
    // refused password just leaves the work to the transaction, which reports it.
    struct Read {
        User user;
        QString storedHash;
        PasswordPolicy policy;
    };
    std::optional<Read> read;
    (void)m_context.store().transaction(
        Store::Access::Read, [&](SqlTransaction &tx) -> Result<void> {
            Result<User> user = findUser(tx);
            Result<PasswordPolicy> policy =
                user ? loadPolicy(tx) : Result<PasswordPolicy>(user.error());
            Result<QVariant> stored =
                policy ? storedHash(tx, user->id) : Result<QVariant>(policy.error());
            if (stored)
                read = Read{*user, stored->toString(), *policy};
            return {};
        });
    PreparedPassword prepared;
    if (!read)
        return prepared;
    prepared.userId = read->user.id;
    if (!currentPassword.isNull()) {
        if (read->storedHash.isEmpty())
            return prepared;
        prepared.current =
            checkPassword(PasswordPolicy::normalize(currentPassword), read->storedHash);
        if (!prepared.current->verification || !prepared.current->verification->matches)
            return prepared; // the transaction counts the failure; no new hash is due
    }
    const PasswordContext context{read->user.username, read->user.email, read->user.displayName};
    if (read->policy.check(newPassword, context, read->user.mfaEnrolled, m_blocklist.get())) {
        if (Result<QString> hashed = m_hasher.hash(PasswordPolicy::normalize(newPassword)))
            prepared.newHash = *hashed;
    }
    return prepared;
}

Result<void> Credentials::checkNewUserPassword(const NewUser &user, const QString &password) const
{
    Result<PasswordPolicy> policy = m_context.store().transact<PasswordPolicy>(
        Store::Access::Read, [&](SqlTransaction &tx) { return loadPolicy(tx); });
    if (!policy)
        return policy.error();
    return policy->check(password, PasswordContext{user.username, user.email, user.displayName},
                         false, m_blocklist.get());
}

Result<QString> Credentials::hashForNewUser(const NewUser &user, const QString &password) const
{
    if (Result<void> allowed = checkNewUserPassword(user, password); !allowed)
        return allowed.error();
    return m_hasher.hash(PasswordPolicy::normalize(password));
}

Result<Credentials::IssuedCode> Credentials::issueCode(const Actor &actor,
                                                       const QString &userId) const
{
    AuditEvent event;
    event.eventName = QStringLiteral("IssuePasswordCode");
    event.actor = actor;
    event.resources.append({QString::fromLatin1(kUserResource), userId});
    return m_context.perform<IssuedCode>(
        event, Store::Access::Write, [&](SqlTransaction &tx, AuditEvent &ev) -> Result<IssuedCode> {
            Result<AccessControl::Managed> managed =
                AccessControl::requireOver(tx, actor, Permission::UsersCredentials, userId);
            if (!managed)
                return managed.error();
            const User &target = managed->target;
            Result<IssuedSecret> code = TokenFormat::newOneTimeCode();
            if (!code)
                return code.error();
            const QDateTime now = m_context.clock().now();
            IssuedCode issued{code->token, now.addSecs(kCodeLifetimeSeconds), !target.passwordSet};
            // Only the newest code works: earlier unused ones end here.
            Result<QSqlQuery> retired =
                tx.exec(QStringLiteral("UPDATE one_time_codes SET used_at = ? WHERE user_id = ? AND"
                                       " used_at IS NULL"),
                        {UserRows::isoUtc(now), userId});
            if (!retired)
                return retired.error();
            Result<QSqlQuery> stored =
                tx.exec(QStringLiteral("INSERT INTO one_time_codes (code_hash, user_id, purpose,"
                                       " created_at, expires_at) VALUES (?, ?, ?, ?, ?)"),
                        {code->hash, userId,
                         issued.setup ? QStringLiteral("setup") : QStringLiteral("reset"),
                         UserRows::isoUtc(now), UserRows::isoUtc(issued.expiresAt)});
            if (!stored)
                return stored.error();
            ev.requestParameters = {{QStringLiteral("username"), target.username}};
            ev.responseElements = {
                {QStringLiteral("purpose"),
                 issued.setup ? QStringLiteral("setup") : QStringLiteral("reset")},
                {QStringLiteral("expiresAt"), UserRows::isoUtc(issued.expiresAt)}};
            return issued;
        });
}

Result<User> Credentials::redeemCode(const Actor &client, const QString &code,
                                     const QString &newPassword) const
{
    Result<QByteArray> codeHash = TokenFormat::oneTimeCodeHash(code);
    const QDateTime before = m_context.clock().now();
    // Prepared only for a code that is live now, so a guessed code costs no scrypt.
    const PreparedPassword prepared = !codeHash
        ? PreparedPassword{}
        : preparePassword(
            [&](SqlTransaction &tx) -> Result<User> {
                Result<QSqlQuery> row =
                    tx.exec(QStringLiteral("SELECT user_id FROM one_time_codes WHERE code_hash = ?"
                                           " AND used_at IS NULL AND expires_at > ?"),
                            {*codeHash, UserRows::isoUtc(before)});
                if (!row)
                    return row.error();
                if (!row->next())
                    return invalidCode();
                return UserRows::byId(tx, row->value(0).toString());
            },
            QString(), newPassword);
    return m_context.perform<User>(
        authEvent(client, "RedeemPasswordCode"), Store::Access::Write,
        [&](SqlTransaction &tx, AuditEvent &event) -> Result<User> {
            Result<QByteArray> hash = TokenFormat::oneTimeCodeHash(code);
            if (!hash)
                return invalidCode();
            Result<QSqlQuery> row =
                tx.exec(QStringLiteral("SELECT user_id, expires_at, used_at FROM one_time_codes"
                                       " WHERE code_hash = ?"),
                        {*hash});
            if (!row)
                return row.error();
            const QDateTime now = m_context.clock().now();
            if (!row->next() || !row->value(2).isNull()
                || UserRows::fromIso(row->value(1)) <= now) {
                return invalidCode();
            }
            const QString userId = row->value(0).toString();
            Result<User> user = UserRows::byId(tx, userId);
            if (!user || user->status != User::Status::Active)
                return invalidCode();
            event.actor.username = user->username;
            event.resources.append({QString::fromLatin1(kUserResource), userId});
            Result<QString> newHash = hashNewPassword(tx, *user, newPassword, prepared);
            if (!newHash)
                return newHash.error();
            const QString stamp = UserRows::isoUtc(now);
            Result<QSqlQuery> set = tx.exec(
                QStringLiteral("UPDATE users SET password_hash = ?, password_changed_at = ?,"
                               " failed_attempts = 0, last_failed_at = NULL, locked_until = NULL,"
                               " updated_at = ? WHERE id = ?"),
                {*newHash, stamp, stamp, userId});
            if (!set)
                return set.error();
            Result<QSqlQuery> used =
                tx.exec(QStringLiteral("UPDATE one_time_codes SET used_at = ? WHERE code_hash = ?"),
                        {stamp, *hash});
            if (!used)
                return used.error();
            Result<int> ended = m_sessions.endOtherSessions(tx, userId, {}, user->username,
                                                            QStringLiteral("password reset"));
            if (!ended)
                return ended.error();
            return UserRows::byId(tx, userId);
        });
}

Result<Credentials::SignIn> Credentials::authenticate(const Actor &client,
                                                      const QString &usernameOrEmail,
                                                      const QString &password,
                                                      const QString &mfaCode) const
{
    return signIn(client, usernameOrEmail, password, mfaCode, false);
}

Result<Credentials::SignIn> Credentials::login(const Actor &client, const QString &usernameOrEmail,
                                               const QString &password,
                                               const QString &mfaCode) const
{
    return signIn(client, usernameOrEmail, password, mfaCode, true);
}

template<typename Step>
Result<Credentials::SignIn> Credentials::runSignInStep(AuditEvent event, const Actor &client,
                                                       Step &&step) const
{
    // The work commits whatever happens (failure counts, locks and the audit record must
    // stay), so it reports a refused step as a value and the error is made afterwards.
    struct Attempt {
        std::optional<SignIn> signIn;
        std::optional<Error> throttled;
    };
    Result<Attempt> attempt = m_context.perform<Attempt>(
        event, Store::Access::Write, [&](SqlTransaction &tx, AuditEvent &ev) -> Result<Attempt> {
            const QDateTime now = m_context.clock().now();
            // Every refusal counts against the source address as well as (where there is one)
            // the account, so one address cannot spray guesses across many accounts.
            const QString source = LoginThrottle::keyFor(client.sourceIp);
            Result<std::optional<QDateTime>> blocked = m_throttle.blockedUntil(tx, source, now);
            if (!blocked)
                return blocked.error();
            if (*blocked) {
                // Refused before any password or code work; the address learns nothing.
                ev.errorCode = errorCodeName(ErrorCode::RateLimited);
                ev.errorMessage = QStringLiteral("Failed authentication: source address throttled");
                Error throttled = makeError(ErrorCode::RateLimited,
                                            QStringLiteral("Too many failed sign-ins from your "
                                                           "address. Try again after %1.")
                                                .arg(UserRows::isoUtc(**blocked)));
                throttled.retryAfterSeconds = std::max<qint64>(1, now.secsTo(**blocked));
                return Attempt{std::nullopt, throttled};
            }
            const Refuse refuse = [&](const QString &why) -> Result<void> {
                if (Result<void> counted = m_throttle.recordFailure(tx, source, now); !counted)
                    return counted;
                ev.errorCode = errorCodeName(ErrorCode::Unauthenticated);
                ev.errorMessage = QStringLiteral("Failed authentication: ") + why;
                ev.responseElements = {{QStringLiteral("ConsoleLogin"), QStringLiteral("Failure")}};
                return {};
            };
            Result<std::optional<SignIn>> done = step(tx, ev, now, refuse);
            if (!done)
                return done.error();
            if (*done) {
                if (Result<void> cleared = m_throttle.recordSuccess(tx, source); !cleared)
                    return cleared.error();
            }
            return Attempt{std::move(*done), std::nullopt};
        });
    if (!attempt)
        return attempt.error();
    if (attempt->throttled)
        return *attempt->throttled;
    if (!attempt->signIn)
        return signInFailed();
    return *attempt->signIn;
}

Credentials::PasswordCheck Credentials::checkPassword(const QByteArray &normalized,
                                                      const QString &storedHash) const
{
    PasswordCheck check{storedHash, m_hasher.verify(normalized, storedHash), {}};
    if (check.verification && check.verification->matches && check.verification->needsRehash) {
        // A failed rehash (no memory, no randomness) is not a failed sign-in: the old hash
        // stays and the next sign-in tries again.
        if (Result<QString> fresh = m_hasher.hash(normalized))
            check.rehashed = *fresh;
    }
    return check;
}

std::optional<QString> Credentials::hashToCheck(const Actor &client, const QString &usernameOrEmail,
                                                const QString &password) const
{
    std::optional<QString> hash;
    Result<void> read =
        m_context.store().transaction(Store::Access::Read, [&](SqlTransaction &tx) -> Result<void> {
            const QDateTime now = m_context.clock().now();
            Result<std::optional<QDateTime>> blocked =
                m_throttle.blockedUntil(tx, LoginThrottle::keyFor(client.sourceIp), now);
            if (!blocked || *blocked)
                return {}; // a throttled address gets no password work
            Result<PasswordPolicy> policy = loadPolicy(tx);
            if (!policy || !policy->checkSize(password))
                return {}; // an oversized password is refused before any hashing
            hash = m_dummyHash;
            Result<User> user = UserRows::byUsernameOrEmail(tx, usernameOrEmail);
            if (!user || user->status != User::Status::Active || user->isLocked(now))
                return {};
            if (Result<QVariant> stored = storedHash(tx, user->id); stored && !stored->isNull())
                hash = stored->toString();
            return {};
        });
    // Only a head start: the write step decides everything again, and reports a store error.
    return read ? hash : std::nullopt;
}

Result<Credentials::SignIn> Credentials::signIn(const Actor &client, const QString &usernameOrEmail,
                                                const QString &password, const QString &mfaCode,
                                                bool startSession) const
{
    // scrypt takes about half a second on purpose. Inside the write transaction it would
    // serialise every sign-in and hold up every other write behind it, so the hash is read
    // first, checked with no transaction open, and the outcome recorded by a short write step
    // that reads the row again and applies the throttle and the lock afresh. Only if the
    // stored hash changed in between (a password set concurrently) is it checked again there.
    const QByteArray normalized = PasswordPolicy::normalize(password);
    std::optional<PasswordCheck> early;
    if (const std::optional<QString> hash = hashToCheck(client, usernameOrEmail, password))
        early = checkPassword(normalized, *hash);
    const auto checkedAgainst = [&](const QString &storedHash) {
        if (!early || early->hash != storedHash)
            early = checkPassword(normalized, storedHash);
        return *early;
    };
    AuditEvent event = authEvent(client, "ConsoleLogin");
    event.actor.username = QString::fromLatin1(kHiddenUserName);
    return runSignInStep(
        event, client,
        [&](SqlTransaction &tx, AuditEvent &ev, const QDateTime &now,
            const Refuse &refuse) -> Result<std::optional<SignIn>> {
            const auto refused = [&](const QString &why) -> Result<std::optional<SignIn>> {
                if (Result<void> counted = refuse(why); !counted)
                    return counted.error();
                return std::optional<SignIn>();
            };
            // Every refusal below costs one scrypt run, as a wrong password does.
            const auto dummyCheck = [&] {
                if (!early)
                    (void)checkedAgainst(m_dummyHash);
            };
            Result<PasswordPolicy> policy = loadPolicy(tx);
            if (!policy)
                return policy.error();
            if (!policy->checkSize(password))
                return refused(QStringLiteral("password too long"));

            Result<User> user = UserRows::byUsernameOrEmail(tx, usernameOrEmail);
            if (!user) {
                if (user.error().code != ErrorCode::NotFound)
                    return user.error();
                dummyCheck();
                return refused(QStringLiteral("unknown user"));
            }
            ev.actor.username = user->username;
            ev.actor.userId = user->id;
            ev.resources.append({QString::fromLatin1(kUserResource), user->id});
            if (user->status != User::Status::Active) {
                dummyCheck();
                return refused(QStringLiteral("account disabled"));
            }
            if (user->isLocked(now)) {
                dummyCheck(); // and the lock is not extended (KEYCLOAK-5420)
                return refused(QStringLiteral("account locked"));
            }
            Result<QVariant> stored = storedHash(tx, user->id);
            if (!stored)
                return stored.error();
            if (stored->isNull()) {
                dummyCheck();
                return refused(QStringLiteral("no password set"));
            }
            const PasswordCheck check = checkedAgainst(stored->toString());
            const Result<crypto::PasswordHasher::Verification> &verified = check.verification;
            if (!verified || !verified->matches) {
                if (Result<void> counted = countFailure(tx, client, *user, now, ev); !counted)
                    return counted.error();
                // A tampered hash fails closed and says so in the audit trail (A14).
                return refused(verified ? QStringLiteral("wrong password")
                                        : QStringLiteral("stored hash rejected: ")
                                       + verified.error().message);
            }
            // With a code given, an enrolled user completes both factors in this one step; a
            // wrong code is the same generic failure as a wrong password (SEC-11, SEC-17).
            bool mfaPassed = false;
            if (user->mfaEnrolled && !mfaCode.isEmpty()) {
                Result<MfaFactor::Check> checked = checkMfaCode(tx, user->id, mfaCode, now, ev);
                if (!checked)
                    return checked.error();
                if (!checked->accepted) {
                    if (Result<void> counted = countFailure(tx, client, *user, now, ev); !counted)
                        return counted.error();
                    return refused(QStringLiteral("wrong MFA code"));
                }
                mfaPassed = true;
            }
            Result<QSqlQuery> recorded = tx.exec(
                QStringLiteral("UPDATE users SET failed_attempts = 0, last_failed_at = NULL,"
                               " locked_until = NULL, last_login_at = ?,"
                               " password_hash = coalesce(?, password_hash) WHERE id = ?"),
                {UserRows::isoUtc(now), check.rehashed, user->id});
            if (!recorded)
                return recorded.error();
            Result<User> fresh = UserRows::byId(tx, user->id);
            if (!fresh)
                return fresh.error();
            Result<MfaPolicy> mfaPolicy = MfaPolicy::load(tx);
            if (!mfaPolicy)
                return mfaPolicy.error();
            SignIn signedIn;
            signedIn.user = *fresh;
            signedIn.mfaRequired = fresh->mfaEnrolled && !mfaPassed;
            signedIn.mfaAuthenticated = mfaPassed;
            signedIn.mfaSetupRequired = !fresh->mfaEnrolled && mfaPolicy->requiredFor(fresh->roles);
            ev.responseElements = {{QStringLiteral("ConsoleLogin"), QStringLiteral("Success")},
                                   {QStringLiteral("mfaRequired"), signedIn.mfaRequired}};
            ev.actor.mfaAuthenticated = mfaPassed;
            if (startSession) {
                Result<IssuedSession> session =
                    m_sessions.start(tx, fresh->id, client, signedIn.mfaRequired, mfaPassed);
                if (!session)
                    return session.error();
                ev.responseElements.insert(QStringLiteral("sessionId"), session->session.id);
                signedIn.session = std::move(session).value();
            }
            return std::optional<SignIn>(std::move(signedIn));
        });
}

Result<Credentials::SignIn>
Credentials::completeLogin(const Actor &client, const QString &challenge, const QString &code) const
{
    AuditEvent event = authEvent(client, "CompleteMfaLogin");
    event.actor.username = QString::fromLatin1(kHiddenUserName);
    return runSignInStep(
        event, client,
        [&](SqlTransaction &tx, AuditEvent &ev, const QDateTime &now,
            const Refuse &refuse) -> Result<std::optional<SignIn>> {
            const auto refused = [&](const QString &why) -> Result<std::optional<SignIn>> {
                if (Result<void> counted = refuse(why); !counted)
                    return counted.error();
                return std::optional<SignIn>();
            };
            Result<QByteArray> hash = TokenFormat::sessionTokenHash(challenge);
            if (!hash)
                return refused(QStringLiteral("malformed challenge"));
            Result<std::optional<SessionRows::Lookup>> found = SessionRows::byTokenHash(tx, *hash);
            if (!found)
                return found.error();
            if (!*found || !(*found)->userActive
                || (*found)->session.status(now) != Session::Status::PendingMfa) {
                return refused(QStringLiteral("no pending sign-in for that challenge"));
            }
            const Session &pending = (*found)->session;
            Result<User> user = UserRows::byId(tx, pending.userId);
            if (!user)
                return user.error();
            ev.actor.username = user->username;
            ev.actor.userId = user->id;
            ev.actor.sessionId = pending.id;
            ev.resources.append({QString::fromLatin1(kUserResource), user->id});
            if (user->isLocked(now))
                return refused(QStringLiteral("account locked"));
            Result<MfaFactor::Check> checked = checkMfaCode(tx, user->id, code, now, ev);
            if (!checked)
                return checked.error();
            if (!checked->accepted) {
                if (Result<void> counted = countFailure(tx, client, *user, now, ev); !counted)
                    return counted.error();
                return refused(QStringLiteral("wrong MFA code"));
            }
            Result<QSqlQuery> recorded = tx.exec(
                QStringLiteral("UPDATE users SET failed_attempts = 0, last_failed_at = NULL,"
                               " locked_until = NULL, last_login_at = ? WHERE id = ?"),
                {UserRows::isoUtc(now), user->id});
            if (!recorded)
                return recorded.error();
            Result<IssuedSession> session = m_sessions.promote(tx, pending.id);
            if (!session)
                return session.error();
            Result<User> fresh = UserRows::byId(tx, user->id);
            if (!fresh)
                return fresh.error();
            ev.actor.mfaAuthenticated = true;
            ev.responseElements.insert(QStringLiteral("ConsoleLogin"), QStringLiteral("Success"));
            ev.responseElements.insert(QStringLiteral("sessionId"), session->session.id);
            SignIn signedIn;
            signedIn.user = *fresh;
            signedIn.mfaAuthenticated = true;
            signedIn.session = std::move(session).value();
            return std::optional<SignIn>(std::move(signedIn));
        });
}

Result<MfaFactor::Check> Credentials::checkMfaCode(SqlTransaction &tx, const QString &userId,
                                                   const QString &code, const QDateTime &now,
                                                   AuditEvent &event) const
{
    Result<crypto::SecretBox> key = m_context.dataKey();
    if (!key)
        return key.error();
    Result<MfaFactor::Check> checked = MfaFactor::check(
        tx, *key, userId, code, now, MfaFactor::State::Confirmed, /*allowRecoveryCode=*/true);
    if (checked && checked->recoveryCode) {
        event.responseElements.insert(QStringLiteral("recoveryCodeUsed"), true);
        event.responseElements.insert(QStringLiteral("recoveryCodesLeft"),
                                      checked->recoveryCodesLeft);
    }
    return checked;
}

Result<void> Credentials::countFailure(SqlTransaction &tx, const Actor &client, const User &user,
                                       const QDateTime &now, const AuditEvent &event) const
{
    const int failures = user.failedAttempts + 1;
    const bool locks = failures >= kLockThreshold;
    const QDateTime until = now.addSecs(lockDelaySeconds(failures));
    Result<QSqlQuery> counted =
        tx.exec(QStringLiteral("UPDATE users SET failed_attempts = ?, last_failed_at = ?,"
                               " locked_until = ? WHERE id = ?"),
                {failures, UserRows::isoUtc(now),
                 locks ? QVariant(UserRows::isoUtc(until)) : QVariant(), user.id});
    if (!counted)
        return counted.error();
    if (!locks)
        return {};
    AuditEvent locked = authEvent(client, "AccountLocked");
    locked.actor.username = user.username;
    locked.resources = event.resources;
    locked.responseElements = {{QStringLiteral("failedAttempts"), failures},
                               {QStringLiteral("lockedUntil"), UserRows::isoUtc(until)}};
    return m_context.audit().append(tx, locked);
}

Result<std::optional<Error>> Credentials::checkReauthentication(SqlTransaction &tx,
                                                                const Actor &actor,
                                                                const User &user,
                                                                const QString &password) const
{
    return reauthenticate(tx, actor, user, password, {});
}

Result<std::optional<Error>> Credentials::reauthenticate(SqlTransaction &tx, const Actor &actor,
                                                         const User &user, const QString &password,
                                                         const PreparedPassword &prepared) const
{
    const QDateTime now = m_context.clock().now();
    // A service token is a credential of its own, never a way to change the others.
    if (actor.credential == Actor::Credential::ServiceToken) {
        return makeError(ErrorCode::PermissionDenied,
                         QStringLiteral("Service tokens cannot change passwords or MFA; sign "
                                        "in as the user."));
    }
    if (actor.credential == Actor::Credential::Session) {
        Result<SessionPolicy> policy = SessionPolicy::load(tx);
        if (!policy)
            return policy.error();
        const Error stale = makeError(ErrorCode::Unauthenticated,
                                      QStringLiteral("Re-authentication required: sign in again, "
                                                     "then retry within %1 minutes.")
                                          .arg(policy->reauthenticationWindowSeconds / 60));
        if (actor.sessionId.isEmpty())
            return stale;
        Result<Session> session = SessionRows::byId(tx, actor.sessionId);
        if (!session)
            return session.error().code == ErrorCode::NotFound ? stale : session.error();
        if (session->userId != user.id || session->status(now) != Session::Status::Active
            || session->createdAt.secsTo(now) > policy->reauthenticationWindowSeconds) {
            return stale;
        }
    } else if (actor.credential != Actor::Credential::Password) {
        return makeError(ErrorCode::Unauthenticated,
                         QStringLiteral("Sign in as the user to change their credentials."));
    }
    Result<QVariant> stored = storedHash(tx, user.id);
    if (!stored)
        return stored.error();
    const bool checkedBefore = prepared.current && prepared.userId == user.id && !stored->isNull()
        && prepared.current->hash == stored->toString();
    Result<crypto::PasswordHasher::Verification> verified = stored->isNull()
        ? Result<crypto::PasswordHasher::Verification>(signInFailed())
        : checkedBefore ? prepared.current->verification
                        : m_hasher.verify(PasswordPolicy::normalize(password), stored->toString());
    if (verified && verified->matches)
        return std::optional<Error>();
    // Counts toward the lockout like a failed sign-in, so a stolen session cannot be used to
    // guess the password.
    Result<QSqlQuery> counted =
        tx.exec(QStringLiteral("UPDATE users SET failed_attempts = failed_attempts + 1,"
                               " last_failed_at = ? WHERE id = ?"),
                {UserRows::isoUtc(now), user.id});
    if (!counted)
        return counted.error();
    return std::optional<Error>(
        makeError(ErrorCode::Unauthenticated, QStringLiteral("The current password is wrong.")));
}

Result<void> Credentials::changePassword(const Actor &actor, const QString &currentPassword,
                                         const QString &newPassword) const
{
    struct Outcome {
        std::optional<Error> refused;
    };
    // Only a caller that may change a password at all gets the work done in advance.
    const bool mayChange = actor.credential == Actor::Credential::Session
        || actor.credential == Actor::Credential::Password;
    const PreparedPassword prepared = !mayChange
        ? PreparedPassword{}
        : preparePassword([&](SqlTransaction &tx) { return UserRows::byId(tx, actor.userId); },
                          currentPassword, newPassword);
    Result<Outcome> outcome = m_context.perform<Outcome>(
        authEvent(actor, "ChangePassword"), Store::Access::Write,
        [&](SqlTransaction &tx, AuditEvent &ev) -> Result<Outcome> {
            Result<AccessControl::Grant> grant = AccessControl::grantOf(tx, actor);
            if (!grant)
                return grant.error();
            Result<User> user = UserRows::byId(tx, actor.userId);
            if (!user)
                return user.error();
            Result<std::optional<Error>> reauthenticated =
                reauthenticate(tx, actor, *user, currentPassword, prepared);
            if (!reauthenticated)
                return reauthenticated.error();
            if (*reauthenticated) {
                ev.errorCode = errorCodeName(ErrorCode::Unauthenticated);
                ev.errorMessage = QStringLiteral("current password wrong");
                return Outcome{*reauthenticated};
            }
            Result<QString> newHash = hashNewPassword(tx, *user, newPassword, prepared);
            if (!newHash)
                return newHash.error();
            const QString stamp = UserRows::isoUtc(m_context.clock().now());
            Result<QSqlQuery> set = tx.exec(
                QStringLiteral("UPDATE users SET password_hash = ?, password_changed_at = ?,"
                               " failed_attempts = 0, updated_at = ? WHERE id = ?"),
                {*newHash, stamp, stamp, user->id});
            if (!set)
                return set.error();
            Result<int> ended = m_sessions.endOtherSessions(
                tx, user->id, actor.sessionId, user->username, QStringLiteral("password changed"));
            if (!ended)
                return ended.error();
            ev.responseElements = {{QStringLiteral("sessionsEnded"), *ended}};
            return Outcome{};
        });
    if (!outcome)
        return outcome.error();
    if (outcome->refused)
        return *outcome->refused;
    return {};
}

Result<PasswordPolicy> Credentials::passwordPolicy(const Actor &actor) const
{
    AuditEvent event;
    event.eventName = QStringLiteral("GetPasswordPolicy");
    event.readOnly = true;
    event.actor = actor;
    return m_context.perform<PasswordPolicy>(
        event, Store::Access::Read,
        [&](SqlTransaction &tx, AuditEvent &) -> Result<PasswordPolicy> {
            if (Result<AccessControl::Grant> grant =
                    AccessControl::require(tx, actor, Permission::PoliciesRead);
                !grant) {
                return grant.error();
            }
            return loadPolicy(tx);
        });
}

Result<PasswordPolicy> Credentials::setPasswordPolicy(const Actor &actor,
                                                      const PasswordPolicy &policy) const
{
    AuditEvent event;
    event.eventName = QStringLiteral("UpdatePasswordPolicy");
    event.actor = actor;
    event.requestParameters = policy.toJson();
    return m_context.perform<PasswordPolicy>(
        event, Store::Access::Write,
        [&](SqlTransaction &tx, AuditEvent &) -> Result<PasswordPolicy> {
            if (Result<AccessControl::Grant> grant =
                    AccessControl::require(tx, actor, Permission::PoliciesWrite);
                !grant) {
                return grant.error();
            }
            if (Result<void> valid = policy.validate(); !valid)
                return valid.error();
            if (policy.checkBlocklist && !m_blocklist) {
                return makeError(ErrorCode::Unavailable,
                                 QStringLiteral("No common-password list is loaded; install "
                                                "john-data before turning the check on."));
            }
            Result<void> saved =
                PolicyStore::save(tx, QStringLiteral("password"), policy.toJson(),
                                  UserRows::isoUtc(m_context.clock().now()), actor.username);
            if (!saved)
                return saved.error();
            return policy;
        });
}

} // namespace gatehouse
