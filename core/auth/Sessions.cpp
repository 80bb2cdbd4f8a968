#include "Sessions.h"

#include "SessionRows.h"
#include "StoredPolicies.h"
#include "TokenFormat.h"
#include "UserRows.h"
#include "crypto/Hash.h"

#include <QJsonDocument>
#include <QSqlQuery>
#include <QUuid>

#include <optional>

namespace gatehouse {

using UserRows::isoUtc;

namespace {

constexpr auto kSessionResource = "Gatehouse::Session";

// One message for every refusal, so a caller cannot tell an unknown token from a revoked,
// expired or half-authenticated one, or from one whose account was disabled.
Error invalidSession()
{
    return makeError(ErrorCode::Unauthenticated, QStringLiteral("Invalid or expired session."));
}

QString serverName()
{
    return Actor::system().username;
}

struct Lookup {
    std::optional<SessionRows::Lookup> row;
    SessionPolicy policy;
    qint64 revision = -1; // the credential revision (ValidationCache) in the same snapshot
};

// validate() runs on every request, so it reads everything it needs in one statement: the
// session, its owner's status and the stored session policy (NULL when none is stored).
// Never more than the token hash is taken from the caller, and only as a bound value.
constexpr auto kValidationSql =
    "SELECT s.id, s.user_id, u.username, s.state, s.last_seen_at, s.idle_expires_at,"
    " s.absolute_expires_at, s.revoked_at, s.mfa_authenticated, u.status, s.token_hash,"
    " (SELECT document FROM policies WHERE name = ?),"
    " (SELECT value FROM credential_revision WHERE id = 1)"
    " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?";

// The validation statement of this thread's connection, prepared once and run many times:
// preparing it costs more than running it. Each thread has its own connection (Store), hence
// one statement per thread. A statement only runs on the connection that prepared it:
// QSqlQuery::driver() turns null once that connection's driver is gone. A connection that
// closes finalizes its statements; the next run then fails and the statement is prepared
// anew through SqlTransaction, which reports a real failure like any other store error.
// Only the compiled statement is kept here; results are ValidationCache's business.
class ValidationStatement
{
public:
    // Runs the statement for `hash`; the query is positioned before its only row, if any.
    // Call finish() on it when done, so that it holds no read snapshot.
    Result<QSqlQuery *> run(SqlTransaction &tx, const QByteArray &hash)
    {
        static const QString policyName = QString::fromLatin1(SessionPolicy::kPolicyName);
        if (m_query && m_query->driver() == tx.database().driver()) {
            m_query->bindValue(0, policyName);
            m_query->bindValue(1, hash);
            if (m_query->exec())
                return &*m_query;
        }
        m_query.reset();
        Result<QSqlQuery> fresh = tx.exec(QString::fromLatin1(kValidationSql), {policyName, hash});
        if (!fresh)
            return fresh.error();
        m_query.emplace(std::move(fresh).value());
        return &*m_query;
    }

private:
    std::optional<QSqlQuery> m_query;
};

thread_local ValidationStatement t_validationStatement;

// The policy in a stored document, with SessionPolicy::load()'s rules: no document means the
// defaults, a damaged or invalid one is an Integrity error and never replaced. The document
// is read on every validation and parsed only when its text differs from the last one seen
// on this thread, so a changed policy applies at once.
Result<SessionPolicy> policyFrom(const QVariant &stored)
{
    if (stored.isNull())
        return SessionPolicy::defaults();
    thread_local std::optional<std::pair<QString, Result<SessionPolicy>>> last;
    const QString document = stored.toString();
    if (last && last->first == document)
        return last->second;
    auto parse = [&]() -> Result<SessionPolicy> {
        QJsonParseError error{};
        const QJsonDocument json = QJsonDocument::fromJson(document.toUtf8(), &error);
        if (error.error != QJsonParseError::NoError || !json.isObject()) {
            return makeError(ErrorCode::Integrity,
                             QStringLiteral("The stored session policy is damaged; set it again."));
        }
        if (json.object().isEmpty())
            return SessionPolicy::defaults();
        Result<SessionPolicy> policy = SessionPolicy::fromJson(json.object());
        if (!policy) {
            return makeError(
                ErrorCode::Integrity,
                QStringLiteral("The stored session policy is not valid; set it again."));
        }
        return policy;
    };
    last.emplace(document, parse());
    return last->second;
}

// The session a token hash names, its owner's status and the session policy.
Result<Lookup> lookUp(SqlTransaction &tx, const QByteArray &hash)
{
    Result<QSqlQuery *> ran = t_validationStatement.run(tx, hash);
    if (!ran)
        return ran.error();
    QSqlQuery &row = **ran;
    struct Finish {
        QSqlQuery &query;
        ~Finish() { query.finish(); }
    } finish{row};
    if (!row.next())
        return Lookup{};
    // The index found the row by equality; comparing again in constant time costs nothing
    // and keeps the rule "secrets are compared in constant time" without exceptions.
    if (!crypto::constantTimeEquals(row.value(10).toByteArray(), hash))
        return Lookup{};
    Result<SessionPolicy> policy = policyFrom(row.value(11));
    if (!policy)
        return policy.error();
    Session session;
    session.id = row.value(0).toString();
    session.userId = row.value(1).toString();
    session.username = row.value(2).toString();
    session.state = row.value(3).toString() == QStringLiteral("active")
        ? Session::State::Active
        : Session::State::PendingMfa;
    session.lastSeenAt = UserRows::fromIso(row.value(4));
    session.idleExpiresAt = UserRows::fromIso(row.value(5));
    session.absoluteExpiresAt = UserRows::fromIso(row.value(6));
    session.revokedAt = UserRows::fromIso(row.value(7));
    session.mfaAuthenticated = row.value(8).toInt() != 0;
    const bool userActive = row.value(9).toString() == QStringLiteral("active");
    return Lookup{SessionRows::Lookup{std::move(session), userActive}, *policy,
                  row.value(12).toLongLong()};
}

} // namespace

Result<IssuedSession> Sessions::start(SqlTransaction &tx, const QString &userId,
                                      const Actor &client, bool mfaPending,
                                      bool mfaAuthenticated) const
{
    Result<QVariant> status =
        tx.scalar(QStringLiteral("SELECT status FROM users WHERE id = ?"), {userId});
    if (!status)
        return status.error();
    if (status->toString() != QStringLiteral("active"))
        return makeError(ErrorCode::Unauthenticated, QStringLiteral("The account cannot sign in."));
    Result<SessionPolicy> policy = SessionPolicy::load(tx);
    if (!policy)
        return policy.error();
    return insert(tx, userId, client, mfaPending, mfaAuthenticated && !mfaPending, *policy);
}

Result<IssuedSession> Sessions::insert(SqlTransaction &tx, const QString &userId,
                                       const Actor &client, bool mfaPending, bool mfaAuthenticated,
                                       const SessionPolicy &policy) const
{
    const QDateTime now = m_context.clock().now();
    // Make room first (D10): keep the newest maxSessionsPerUser - 1 live sessions, so with the
    // new one the user holds at most maxSessionsPerUser.
    Result<int> evicted = SessionRows::revokeLive(
        tx,
        QStringLiteral("id IN (SELECT id FROM sessions WHERE user_id = ? AND revoked_at IS NULL"
                       " AND idle_expires_at > ? AND absolute_expires_at > ?"
                       " ORDER BY created_at DESC, id DESC LIMIT 9223372036854775807 OFFSET ?)"),
        {userId, isoUtc(now), isoUtc(now), policy.maxSessionsPerUser - 1}, now, serverName(),
        QStringLiteral("session limit"));
    if (!evicted)
        return evicted.error();

    Result<IssuedSecret> secret = TokenFormat::newSessionToken();
    if (!secret)
        return secret.error();
    const qint64 lifetime =
        mfaPending ? policy.pendingMfaLifetimeSeconds : policy.absoluteLifetimeSeconds;
    const qint64 idle = mfaPending ? policy.pendingMfaLifetimeSeconds : policy.idleTimeoutSeconds;
    const QDateTime absoluteExpiry = now.addSecs(lifetime);
    const QDateTime idleExpiry = std::min(now.addSecs(idle), absoluteExpiry);
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    Result<QSqlQuery> inserted = tx.exec(
        QStringLiteral("INSERT INTO sessions (id, token_hash, user_id, state, created_at,"
                       " last_seen_at, idle_expires_at, absolute_expires_at, source_ip,"
                       " user_agent, mfa_authenticated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {id, secret->hash, userId,
         mfaPending ? QStringLiteral("pending_mfa") : QStringLiteral("active"), isoUtc(now),
         isoUtc(now), isoUtc(idleExpiry), isoUtc(absoluteExpiry),
         SessionRows::clientText(client.sourceIp, kMaxSourceIpLength),
         SessionRows::clientText(client.userAgent, kMaxUserAgentLength), mfaAuthenticated ? 1 : 0});
    if (!inserted)
        return inserted.error();
    Result<Session> session = SessionRows::byId(tx, id);
    if (!session)
        return session.error();
    return IssuedSession{*session, secret->token};
}

Result<IssuedSession> Sessions::promote(SqlTransaction &tx, const QString &pendingSessionId) const
{
    const QDateTime now = m_context.clock().now();
    Result<Session> pending = SessionRows::byId(tx, pendingSessionId);
    if (!pending)
        return invalidSession();
    if (pending->status(now) != Session::Status::PendingMfa)
        return invalidSession();
    Result<QVariant> status =
        tx.scalar(QStringLiteral("SELECT status FROM users WHERE id = ?"), {pending->userId});
    if (!status)
        return status.error();
    if (status->toString() != QStringLiteral("active"))
        return invalidSession();
    // The half-authenticated token dies here, whatever happens next in this transaction: the
    // new session gets a token of its own (SEC-21).
    Result<int> ended = SessionRows::revokeLive(tx, QStringLiteral("id = ?"), {pending->id}, now,
                                                pending->userId, QStringLiteral("mfa completed"));
    if (!ended)
        return ended.error();
    if (*ended != 1)
        return invalidSession();
    Result<SessionPolicy> policy = SessionPolicy::load(tx);
    if (!policy)
        return policy.error();
    Actor client;
    client.sourceIp = pending->sourceIp;
    client.userAgent = pending->userAgent;
    return insert(tx, pending->userId, client, false, true, *policy);
}

Result<int> Sessions::endOtherSessions(SqlTransaction &tx, const QString &userId,
                                       const QString &keepSessionId, const QString &revokedBy,
                                       const QString &reason) const
{
    Result<QString> checked = SessionRows::checkReason(reason);
    if (!checked)
        return checked.error();
    return SessionRows::revokeLive(
        tx, QStringLiteral("user_id = ? AND id <> ?"),
        {userId, keepSessionId.isNull() ? QStringLiteral("") : keepSessionId},
        m_context.clock().now(), revokedBy, *checked);
}

std::shared_ptr<const CachedSession> Sessions::kept(const QByteArray &hash, const QDateTime &now,
                                                    const std::optional<ChangeStamp> &stamp) const
{
    std::shared_ptr<const CachedSession> cached = stamp
        ? m_context.validationCaches().sessions.find(hash, *stamp).value_or(nullptr)
        : nullptr;
    // A kept row that no longer looks usable is read again before the token is refused: its
    // idle expiry may have been pushed later by another validator's activity record. So is
    // one due for an activity record: the record may be written already, and only the row can
    // tell (otherwise every validation would try to write it again).
    if (cached
        && (cached->session.status(now) != Session::Status::Active
            || cached->session.lastSeenAt
                < now.addSecs(-cached->policy.lastSeenWriteIntervalSeconds))) {
        cached.reset();
    }
    return cached;
}

std::optional<Result<ValidatedSession>> Sessions::validateFromMemory(const QString &token) const
{
    Result<QByteArray> hash = TokenFormat::sessionTokenHash(token);
    if (!hash)
        return Result<ValidatedSession>(invalidSession());
    const std::shared_ptr<const CachedSession> cached =
        kept(*hash, m_context.clock().now(), m_context.store().changeStamp());
    if (!cached)
        return std::nullopt;
    const Session &session = cached->session;
    return Result<ValidatedSession>(ValidatedSession{session.userId, session.username, session.id,
                                                     session.mfaAuthenticated, false,
                                                     session.idleExpiresAt});
}

Result<ValidatedSession> Sessions::validate(const QString &token, bool allowPendingMfa) const
{
    // Shape first: malformed input costs no lookup, and the stored hash presented as a token
    // fails here or hashes to something that matches nothing (D9).
    Result<QByteArray> hash = TokenFormat::sessionTokenHash(token);
    if (!hash)
        return invalidSession();
    const QDateTime now = m_context.clock().now();
    // Read before the store is, so that the cache never takes a row for newer than it is.
    const std::optional<ChangeStamp> stamp = m_context.store().changeStamp();
    const std::shared_ptr<const CachedSession> cached = kept(*hash, now, stamp);
    Result<Lookup> found = cached
        ? Result<Lookup>(Lookup{SessionRows::Lookup{cached->session, true}, cached->policy, -1})
        : m_context.store().transact<Lookup>(Store::Access::Read,
                                             [&](SqlTransaction &tx) { return lookUp(tx, *hash); });
    if (!found)
        return found.error();
    if (!found->row || !found->row->userActive)
        return invalidSession();
    if (!cached && stamp) {
        m_context.validationCaches().sessions.remember(
            *hash,
            std::make_shared<const CachedSession>(
                CachedSession{found->row->session, found->policy}),
            *stamp, found->revision);
    }
    const Session &session = found->row->session;
    const Session::Status status = session.status(now);
    if (status != Session::Status::Active
        && !(allowPendingMfa && status == Session::Status::PendingMfa)) {
        return invalidSession();
    }

    ValidatedSession valid{session.userId,
                           session.username,
                           session.id,
                           session.mfaAuthenticated,
                           status == Session::Status::PendingMfa,
                           session.idleExpiresAt};
    // Coalesced touch: one write per interval per session, not one per request. The WHERE
    // repeats the checks, so concurrent validations write once between them and a session
    // revoked or expired meanwhile is never revived. A pending session's lifetime is fixed.
    const QDateTime threshold = now.addSecs(-found->policy.lastSeenWriteIntervalSeconds);
    if (status == Session::Status::Active && session.lastSeenAt < threshold) {
        const QDateTime idleExpiry =
            std::min(now.addSecs(found->policy.idleTimeoutSeconds), session.absoluteExpiresAt);
        Result<void> touched =
            m_context.store().transaction(Store::Access::Write, [&](SqlTransaction &tx) {
                Result<QSqlQuery> update = tx.exec(
                    QStringLiteral("UPDATE sessions SET last_seen_at = ?, idle_expires_at = ?"
                                   " WHERE id = ? AND revoked_at IS NULL AND last_seen_at < ?"
                                   " AND idle_expires_at > ?"),
                    {isoUtc(now), isoUtc(idleExpiry), session.id, isoUtc(threshold), isoUtc(now)});
                if (!update)
                    return Result<void>(update.error());
                return Result<void>();
            });
        // Losing one activity record only shortens the idle window; the request itself
        // was authenticated against the store, so it goes on.
        if (!touched)
            qCWarning(lcStore) << "could not record session activity:" << touched.error().message;
        else
            valid.expiresAt = idleExpiry;
    }
    return valid;
}

Result<void> Sessions::logout(const QString &token, const Actor &client) const
{
    AuditEvent event;
    event.eventSource = QStringLiteral("auth.gatehouse");
    event.eventName = QStringLiteral("Logout");
    event.actor = client;
    Result<bool> done = m_context.perform<bool>(
        std::move(event), Store::Access::Write,
        [&](SqlTransaction &tx, AuditEvent &record) -> Result<bool> {
            Result<QByteArray> hash = TokenFormat::sessionTokenHash(token);
            if (!hash)
                return invalidSession();
            Result<std::optional<SessionRows::Lookup>> row = SessionRows::byTokenHash(tx, *hash);
            if (!row)
                return row.error();
            if (!*row)
                return invalidSession();
            const Session &session = (*row)->session;
            ValidatedSession who{
                session.userId, session.username, session.id, session.mfaAuthenticated, false, {}};
            record.actor = who.actor(client);
            record.resources.append({QString::fromLatin1(kSessionResource), session.id});
            Result<int> ended = SessionRows::revokeLive(tx, QStringLiteral("id = ?"), {session.id},
                                                        m_context.clock().now(), session.userId,
                                                        QStringLiteral("logout"));
            if (!ended)
                return ended.error();
            if (*ended != 1)
                return invalidSession();
            return true;
        });
    if (!done)
        return done.error();
    return {};
}

Result<SessionPolicy> Sessions::policy(const Actor &actor) const
{
    return StoredPolicies::get<SessionPolicy>(m_context, actor, "GetSessionPolicy");
}

Result<SessionPolicy> Sessions::setPolicy(const Actor &actor, const SessionPolicy &policy) const
{
    return StoredPolicies::set(m_context, actor, policy, "UpdateSessionPolicy");
}

} // namespace gatehouse
