#include "IdempotencyKeys.h"

#include "EndpointSupport.h"
#include "crypto/Hash.h"
#include "model/IsoTime.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace gatehouse::server {

namespace {

bool wellFormed(const QByteArray &key)
{
    return !key.isEmpty() && key.size() <= IdempotencyKeys::kMaxKeyLength
        && std::all_of(key.begin(), key.end(), [](char c) { return c > 0x20 && c < 0x7F; });
}

QByteArray withoutSecret(const QByteArray &body)
{
    QJsonObject object = QJsonDocument::fromJson(body).object();
    object.remove(QStringLiteral("secret"));
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

ApiResponse IdempotencyKeys::once(const ApiRequest &request, const Actor &caller,
                                  const std::function<ApiResponse()> &create) const
{
    const QByteArray key = request.header("idempotency-key").toByteArray();
    if (key.isEmpty())
        return create();
    if (!wellFormed(key)) {
        return EndpointSupport::failure(
            request,
            makeError(ErrorCode::InvalidInput,
                      QStringLiteral("Idempotency-Key must be 1 to %1 printable ASCII "
                                     "characters.")
                          .arg(kMaxKeyLength)));
    }
    const QString keyText = QString::fromLatin1(key);
    const QByteArray hash = crypto::sha256(
        QByteArray(request.method + '\n' + request.path.toUtf8() + '\n' + request.body));
    Result<Claim> claimed = claim(caller.userId, keyText, hash);
    if (!claimed)
        return EndpointSupport::failure(request, claimed.error());
    if (claimed->replay) {
        ApiResponse replay = *claimed->replay;
        replay.addHeader("Idempotent-Replayed", "true");
        return replay;
    }
    ApiResponse response;
    try {
        response = create();
    } catch (...) {
        settle(caller.userId, keyText, ApiResponse::error(makeError(ErrorCode::Internal, {}), {}));
        throw;
    }
    settle(caller.userId, keyText, response);
    return response;
}

Result<IdempotencyKeys::Claim> IdempotencyKeys::claim(const QString &caller, const QString &key,
                                                      const QByteArray &hash) const
{
    const QDateTime now = m_clock.now();
    return m_store.transact<Claim>(Store::Access::Write, [&](SqlTransaction &tx) -> Result<Claim> {
        // Old answers go first, so a key is reusable after its lifetime.
        if (Result<QSqlQuery> expired =
                tx.exec(QStringLiteral("DELETE FROM idempotency_keys WHERE created_at < ?"),
                        {isoUtc(now.addSecs(-kLifetimeSeconds))});
            !expired) {
            return expired.error();
        }
        Result<QSqlQuery> found =
            tx.exec(QStringLiteral("SELECT request_hash, state, status, response FROM"
                                   " idempotency_keys WHERE caller_id = ? AND key = ?"),
                    {caller, key});
        if (!found)
            return found.error();
        if (found->next()) {
            if (!crypto::constantTimeEquals(found->value(0).toByteArray(), hash)) {
                return makeError(ErrorCode::InvalidInput,
                                 QStringLiteral("This Idempotency-Key was used for another "
                                                "request; use a new key for a new request."));
            }
            if (found->value(1).toString() != u"done") {
                return makeError(ErrorCode::Conflict,
                                 QStringLiteral("A request with this Idempotency-Key is still in "
                                                "progress; retry in a moment."));
            }
            ApiResponse replay;
            replay.status = found->value(2).toInt();
            replay.body = found->value(3).toByteArray();
            return Claim{replay};
        }
        Result<QSqlQuery> inserted =
            tx.exec(QStringLiteral("INSERT INTO idempotency_keys (caller_id, key, request_hash,"
                                   " state, created_at) VALUES (?, ?, ?, 'pending', ?)"),
                    {caller, key, hash, isoUtc(now)});
        if (!inserted)
            return inserted.error();
        return Claim{};
    });
}

void IdempotencyKeys::settle(const QString &caller, const QString &key,
                             const ApiResponse &response) const
{
    const bool succeeded = response.status >= 200 && response.status < 300;
    // If this write fails the row stays pending until it expires: retries then get Conflict,
    // never a second creation.
    (void)m_store.transaction(Store::Access::Write, [&](SqlTransaction &tx) -> Result<void> {
        Result<QSqlQuery> done = succeeded
            ? tx.exec(QStringLiteral("UPDATE idempotency_keys SET state = 'done', status = ?,"
                                     " response = ? WHERE caller_id = ? AND key = ?"),
                      {response.status, withoutSecret(response.body), caller, key})
            : tx.exec(QStringLiteral("DELETE FROM idempotency_keys WHERE caller_id = ? AND"
                                     " key = ?"),
                      {caller, key});
        return done ? Result<void>() : Result<void>(done.error());
    });
}

} // namespace gatehouse::server
