// The administrators' side of Sessions: listing, revocation and purge. Each call is one
// audited operation through ServiceContext::perform.
#include "SessionRows.h"
#include "SessionSearch.h"
#include "Sessions.h"
#include "UserRows.h"

#include <QJsonArray>

namespace gatehouse {

using UserRows::isoUtc;

namespace {

constexpr auto kSessionResource = "Gatehouse::Session";
constexpr int kIdsPerStatement = 500; // well under SQLite's bound-parameter limit

AuditEvent eventFor(const Actor &actor, const char *name, bool readOnly, const QString &id = {})
{
    return AuditEvent::of(actor, name, readOnly, kSessionResource,
                          id.isEmpty() ? QString() : SessionRows::auditableId(id));
}

Error noSuchSession()
{
    return makeError(ErrorCode::NotFound, QStringLiteral("No such session."));
}

// Without sessions:revoke a caller acts on their own sessions only: this narrows `where`.
void restrictToOwn(const AccessControl::Grant &grant, const Actor &actor, QString &where,
                   QVariantList &parameters)
{
    if (grant.has(Permission::SessionsRevoke))
        return;
    where = QString(u'(' + where + u") AND user_id = ?");
    parameters << actor.userId;
}

} // namespace

template<typename Work>
Result<int> Sessions::revokeWith(const Actor &actor, const char *eventName, const QString &reason,
                                 QJsonObject parameters, Work &&work) const
{
    return m_context.perform<int>(
        eventFor(actor, eventName, false), Store::Access::Write,
        [&](SqlTransaction &tx, AuditEvent &event) -> Result<int> {
            event.requestParameters = parameters;
            Result<QString> checked = SessionRows::checkReason(reason);
            if (!checked)
                return checked.error();
            event.requestParameters.insert(QStringLiteral("reason"), *checked);
            Result<AccessControl::Grant> grant = AccessControl::grantOf(tx, actor);
            if (!grant)
                return grant.error();
            if (!grant->has(Permission::SessionsRevoke)) {
                if (Result<void> own = grant->requireMayChangeOwn(); !own)
                    return own.error();
            }
            Result<int> count = work(tx, *grant, *checked);
            if (count)
                event.responseElements = {{QStringLiteral("revoked"), *count}};
            return count;
        });
}

Result<Page<Session>> Sessions::list(const Actor &actor, const SessionQuery &query) const
{
    return m_context.perform<Page<Session>>(
        eventFor(actor, "ListSessions", true), Store::Access::Read,
        [&](SqlTransaction &tx, AuditEvent &event) -> Result<Page<Session>> {
            event.requestParameters = SessionSearch::describe(query);
            Result<AccessControl::Grant> grant = AccessControl::grantOf(tx, actor);
            if (!grant)
                return grant.error();
            const QString only = grant->has(Permission::SessionsRead) ? QString() : actor.userId;
            Result<Page<Session>> page =
                SessionSearch::run(tx, query, m_context.clock().now(), only);
            if (page)
                event.responseElements = {{QStringLiteral("count"), page->items.size()}};
            return page;
        });
}

Result<Session> Sessions::revoke(const Actor &actor, const QString &id, const QString &reason,
                                 bool ownOnly) const
{
    return m_context.perform<Session>(
        eventFor(actor, "RevokeSession", false, id), Store::Access::Write,
        [&](SqlTransaction &tx, AuditEvent &event) -> Result<Session> {
            Result<QString> checked = SessionRows::checkReason(reason);
            if (!checked)
                return checked.error();
            event.requestParameters = {{QStringLiteral("reason"), *checked}};
            Result<AccessControl::Grant> grant = AccessControl::grantOf(tx, actor);
            if (!grant)
                return grant.error();
            if (!SessionRows::isWellFormedId(id))
                return noSuchSession();
            Result<Session> session = SessionRows::byId(tx, id);
            if (!session)
                return session.error();
            // Someone else's session looks exactly like a missing one (SEC-32).
            if ((ownOnly || !grant->has(Permission::SessionsRevoke))
                && session->userId != actor.userId)
                return noSuchSession();
            if (!grant->has(Permission::SessionsRevoke)) {
                if (Result<void> own = grant->requireMayChangeOwn(); !own)
                    return own.error();
            }
            if (session->revokedAt.isValid()) {
                event.responseElements = {{QStringLiteral("alreadyRevoked"), true}};
                return session;
            }
            // An expired session is revoked too: the record then says who ended it and why.
            Result<QSqlQuery> revoked =
                tx.exec(QStringLiteral("UPDATE sessions SET revoked_at = ?, revoked_by = ?,"
                                       " revoke_reason = ? WHERE id = ? AND revoked_at IS NULL"),
                        {isoUtc(m_context.clock().now()), SessionRows::revoker(actor),
                         checked->isEmpty() ? QVariant() : QVariant(*checked), id});
            if (!revoked)
                return revoked.error();
            return SessionRows::byId(tx, id);
        });
}

Result<int> Sessions::revokeAllOfUser(const Actor &actor, const QString &userId,
                                      const QString &reason) const
{
    return revokeWith(actor, "RevokeUserSessions", reason,
                      {{QStringLiteral("userId"), SessionRows::auditableId(userId)}},
                      [&](SqlTransaction &tx, const AccessControl::Grant &grant,
                          const QString &checked) -> Result<int> {
                          if (grant.has(Permission::SessionsRevoke)) {
                              if (Result<User> user = UserRows::byId(tx, userId); !user)
                                  return user.error();
                          } else if (userId != actor.userId) {
                              return makeError(ErrorCode::NotFound,
                                               QStringLiteral("No such user."));
                          }
                          return SessionRows::revokeLive(tx, QStringLiteral("user_id = ?"),
                                                         {userId}, m_context.clock().now(),
                                                         SessionRows::revoker(actor), checked);
                      });
}

Result<int> Sessions::revokeMany(const Actor &actor, const QStringList &ids,
                                 const QString &reason) const
{
    QStringList unique = ids;
    unique.removeDuplicates();
    QJsonObject parameters{{QStringLiteral("count"), unique.size()}};
    if (unique.size() <= kMaxBulkIds) {
        QJsonArray shown;
        for (const QString &id : unique)
            shown.append(SessionRows::auditableId(id));
        parameters.insert(QStringLiteral("ids"), shown);
    }
    return revokeWith(
        actor, "RevokeSessions", reason, parameters,
        [&](SqlTransaction &tx, const AccessControl::Grant &grant,
            const QString &checked) -> Result<int> {
            if (unique.size() > kMaxBulkIds) {
                return makeError(ErrorCode::InvalidInput,
                                 QStringLiteral("At most %1 sessions can be revoked in one call.")
                                     .arg(kMaxBulkIds));
            }
            for (const QString &id : unique) {
                if (!SessionRows::isWellFormedId(id))
                    return makeError(ErrorCode::InvalidInput,
                                     QStringLiteral("A session id is not well-formed."));
            }
            int total = 0;
            for (qsizetype first = 0; first < unique.size(); first += kIdsPerStatement) {
                const QStringList chunk = unique.mid(first, kIdsPerStatement);
                QStringList marks;
                QVariantList values;
                for (const QString &id : chunk) {
                    marks << QStringLiteral("?");
                    values << id;
                }
                QString where = QStringLiteral("id IN (%1)").arg(marks.join(QLatin1Char(',')));
                restrictToOwn(grant, actor, where, values);
                Result<int> count =
                    SessionRows::revokeLive(tx, where, values, m_context.clock().now(),
                                            SessionRows::revoker(actor), checked);
                if (!count)
                    return count.error();
                total += *count;
            }
            return total;
        });
}

Result<int> Sessions::revokeOlderThan(const Actor &actor, const QDateTime &time,
                                      const QString &reason) const
{
    return revokeWith(
        actor, "RevokeSessionsOlderThan", reason, {{QStringLiteral("createdBefore"), isoUtc(time)}},
        [&](SqlTransaction &tx, const AccessControl::Grant &grant,
            const QString &checked) -> Result<int> {
            if (!time.isValid())
                return makeError(ErrorCode::InvalidInput, QStringLiteral("A time is needed."));
            QString where = QStringLiteral("created_at < ?");
            QVariantList parameters{isoUtc(time)};
            restrictToOwn(grant, actor, where, parameters);
            return SessionRows::revokeLive(tx, where, parameters, m_context.clock().now(),
                                           SessionRows::revoker(actor), checked);
        });
}

Result<int> Sessions::revokeAllExceptCaller(const Actor &actor, const QString &reason) const
{
    return revokeWith(
        actor, "RevokeOtherSessions", reason,
        {{QStringLiteral("keep"), SessionRows::auditableId(actor.sessionId)}},
        [&](SqlTransaction &tx, const AccessControl::Grant &grant,
            const QString &checked) -> Result<int> {
            // Without a session of one's own there is nothing to keep: refusing is the guard
            // against an administrator signing everyone out, themselves included.
            if (actor.sessionId.isEmpty()) {
                return makeError(ErrorCode::InvalidInput,
                                 QStringLiteral("Only a caller signed in with a session can "
                                                "revoke all other sessions."));
            }
            QString where = QStringLiteral("id <> ?");
            QVariantList parameters{actor.sessionId};
            restrictToOwn(grant, actor, where, parameters);
            return SessionRows::revokeLive(tx, where, parameters, m_context.clock().now(),
                                           SessionRows::revoker(actor), checked);
        });
}

Result<int> Sessions::purge(const Actor &actor) const
{
    return m_context.perform<int>(
        eventFor(actor, "PurgeSessions", false), Store::Access::Write,
        [&](SqlTransaction &tx, AuditEvent &event) -> Result<int> {
            if (Result<AccessControl::Grant> grant =
                    AccessControl::require(tx, actor, Permission::SessionsRevoke);
                !grant) {
                return grant.error();
            }
            Result<SessionPolicy> policy = SessionPolicy::load(tx);
            if (!policy)
                return policy.error();
            const QString cutoff =
                isoUtc(m_context.clock().now().addDays(-qint64(policy->retentionDays)));
            event.requestParameters = {{QStringLiteral("endedBefore"), cutoff}};
            // A session ended at the earlier of its revocation and its idle expiry (which
            // never passes the absolute one).
            Result<QSqlQuery> deleted = tx.exec(
                QStringLiteral("DELETE FROM sessions WHERE idle_expires_at < ? OR revoked_at < ?"),
                {cutoff, cutoff});
            if (!deleted)
                return deleted.error();
            const int count = deleted->numRowsAffected();
            event.responseElements = {{QStringLiteral("deleted"), count}};
            return count;
        });
}

} // namespace gatehouse
