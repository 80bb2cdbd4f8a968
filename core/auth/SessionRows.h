#pragma once

#include "model/Actor.h"
#include "model/Result.h"
#include "model/Session.h"
#include "store/SqlTransaction.h"

#include <QByteArray>
#include <QJsonObject>

namespace gatehouse::SessionRows {

// The column list every session query selects (sessions s JOIN users u), in the order
// fromRow() reads. Never the token hash.
QString columns();
QString from(); // "sessions s JOIN users u ON u.id = s.user_id"
Session fromRow(const QSqlQuery &query);

// NotFound "No such session." for a missing id (and, from callers, for a foreign one: SEC-32).
Result<Session> byId(SqlTransaction &tx, const QString &id);

// The row a presented token's hash names, with the owner's account status, or nullopt.
struct Lookup {
    Session session;
    bool userActive = false;
};
Result<std::optional<Lookup>> byTokenHash(SqlTransaction &tx, const QByteArray &hash);

// What a row's revoked_by holds for `actor`: the user id, or the actor's name for the local
// console and the server itself.
QString revoker(const Actor &actor);

// A reason: at most 500 characters, no control, format or lone surrogate characters (they
// would reach logs and terminals). Empty is allowed.
Result<QString> checkReason(const QString &reason);

// `id` when it has the shape of an id (a UUID), else a fixed placeholder: what the caller typed
// into an id field may be a token pasted into the wrong place, and must not reach the audit
// trail (SEC-43).
QString auditableId(const QString &id);
bool isWellFormedId(const QString &id);

// Client-supplied text kept for display (IP, user agent): cut to a bound, controls replaced.
QString clientText(const QString &text, int maxLength);

// Revokes the live (unrevoked, unexpired) sessions that `where` selects; returns how many.
// `where` is a fixed SQL fragment over `sessions`, its values in `parameters`.
Result<int> revokeLive(SqlTransaction &tx, const QString &where, const QVariantList &parameters,
                       const QDateTime &now, const QString &revokedBy, const QString &reason);

// The session as audit records and `--json` show it.
QJsonObject toJson(const Session &session, const QDateTime &now);

} // namespace gatehouse::SessionRows
