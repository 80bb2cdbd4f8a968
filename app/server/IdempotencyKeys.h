#pragma once

#include "ApiRequest.h"
#include "ApiResponse.h"
#include "model/Actor.h"
#include "model/Clock.h"
#include "store/Store.h"

#include <functional>
#include <optional>

namespace gatehouse::server {

// Idempotency-Key for creating requests (POST /admin/v1/users, /admin/v1/tokens): the first
// request with a key runs; a retry with the same key and the same request gets the first
// answer again instead of creating twice. The state is in the store (idempotency_keys), so it
// holds across server instances.
//
// - Keys are per caller (user id), 1..200 printable ASCII characters, kept 24 hours.
// - The same key with a different request (method, path or body) is refused (InvalidInput).
// - While the first request runs, a retry gets Conflict ("in progress; retry").
// - Only successes (2xx) are kept: after a failure nothing was created, the key is free again.
// - A new token's secret is not kept: it is shown once (SEC-27), so a replayed answer lacks
//   the "secret" member; a caller who lost the first answer rotates the token.
class IdempotencyKeys
{
public:
    static constexpr qint64 kLifetimeSeconds = 24 * 3600;
    static constexpr qsizetype kMaxKeyLength = 200;

    IdempotencyKeys(Store &store, const Clock &clock)
        : m_store(store),
          m_clock(clock)
    {}

    ApiResponse once(const ApiRequest &request, const Actor &caller,
                     const std::function<ApiResponse()> &create) const;

private:
    struct Claim {
        std::optional<ApiResponse> replay; // set: answer this, the request ran before
    };
    Result<Claim> claim(const QString &caller, const QString &key, const QByteArray &hash) const;
    void settle(const QString &caller, const QString &key, const ApiResponse &response) const;

    Store &m_store;
    const Clock &m_clock;
};

} // namespace gatehouse::server
