#pragma once

#include "model/Result.h"
#include "model/ServiceToken.h"
#include "store/SqlTransaction.h"

#include <QByteArray>
#include <QJsonObject>

namespace gatehouse::ServiceTokenRows {

// The column list every token query selects (from()), in the order fromRow() reads: the
// token, its owner's name and its scopes. Never a secret hash.
QString columns();
QString from(); // "service_tokens t JOIN users u ON u.id = t.user_id"
ServiceToken fromRow(const QSqlQuery &query);

// NotFound "No such service token." for a missing or malformed id (and, from callers, for
// someone else's: SEC-32).
Result<ServiceToken> byId(SqlTransaction &tx, const QString &id);
Error noSuchToken();

// A secret that may open a token: its hash and, for one replaced by a rotation, when it stops.
struct StoredSecret {
    QByteArray hash;
    QDateTime retiresAt; // invalid for the current secret
};
Result<QList<StoredSecret>> secretsOf(SqlTransaction &tx, const QString &tokenId);

// Which stored secret `presentedHash` is, or -1. Compares with every stored secret in constant
// time and without an early exit, so neither the position of the first differing byte nor
// which secret matched shows in the timing (SEC-02). Secrets that retired by `now` never match.
int matchSecret(const QList<StoredSecret> &secrets, const QByteArray &presentedHash,
                const QDateTime &now);

// `id` when it has the shape of a key id, else a fixed placeholder: what the caller typed into
// an id field may be a whole token pasted into the wrong place, and must not reach the audit
// trail (SEC-43).
QString auditableId(const QString &id);

// A token's name: 1..100 characters after trimming, no control, format or lone surrogate
// characters (they would reach logs and terminals).
Result<QString> checkName(const QString &name);

// Scopes as stored: sorted, duplicates removed. InvalidInput when there are none.
Result<QList<ServiceTokenScope>> checkScopes(const QList<ServiceTokenScope> &scopes);

// The token as audit records and `--json` show it: never a secret.
QJsonObject toJson(const ServiceToken &token, const QDateTime &now);

} // namespace gatehouse::ServiceTokenRows
