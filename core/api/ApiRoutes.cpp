#include "ApiRoutes.h"

namespace gatehouse::api {

const QList<ApiRoute> &apiRoutes()
{
    using enum RouteAccess;
    static const QList<ApiRoute> routes{
        {"GET", "/healthz", Public},
        {"GET", "/readyz", Public},
        {"GET", "/metrics", Public},
        {"GET", "/.well-known/jwks.json", Public},
        {"POST", "/auth/signup", Public},
        {"POST", "/auth/login", Public},
        {"POST", "/auth/login/mfa", Public},
        {"POST", "/auth/password/reset", Public},
        {"GET", "/auth/user", Session},
        {"POST", "/auth/logout", Session},
        {"POST", "/auth/password", Session},
        {"GET", "/auth/sessions", Session},
        {"DELETE", "/auth/sessions/{id}", Session},
        {"POST", "/auth/token", Session},
        {"POST", "/auth/mfa/enroll", Session},
        {"POST", "/auth/mfa/confirm", Session},
        {"POST", "/auth/mfa/recovery-codes", Session},
        {"POST", "/auth/mfa/disable", Session},
        {"POST", "/auth/introspect", ServiceToken},

        {"GET", "/admin/v1/users", Admin},
        {"POST", "/admin/v1/users", Admin},
        {"POST", "/admin/v1/users/import", Admin, 64 * 1024 * 1024, "text/csv"},
        {"POST", "/admin/v1/users/bulk", Admin},
        {"GET", "/admin/v1/users/{id}", Admin},
        {"PATCH", "/admin/v1/users/{id}", Admin},
        {"DELETE", "/admin/v1/users/{id}", Admin},
        {"PUT", "/admin/v1/users/{id}/status", Admin},
        {"PUT", "/admin/v1/users/{id}/roles", Admin},
        {"POST", "/admin/v1/users/{id}/lock", Admin},
        {"POST", "/admin/v1/users/{id}/unlock", Admin},
        {"POST", "/admin/v1/users/{id}/password-code", Admin},
        {"POST", "/admin/v1/users/{id}/mfa/reset", Admin},
        {"POST", "/admin/v1/users/{id}/sessions/revoke", Admin},
        {"GET", "/admin/v1/reports/credentials", Admin},
        {"GET", "/admin/v1/sessions", Admin},
        {"POST", "/admin/v1/sessions/revoke", Admin},
        {"DELETE", "/admin/v1/sessions/{id}", Admin},
        {"GET", "/admin/v1/tokens", Admin},
        {"POST", "/admin/v1/tokens", Admin},
        {"POST", "/admin/v1/tokens/purge", Admin},
        {"GET", "/admin/v1/tokens/{id}", Admin},
        {"DELETE", "/admin/v1/tokens/{id}", Admin},
        {"POST", "/admin/v1/tokens/{id}/rotate", Admin},
        {"PUT", "/admin/v1/tokens/{id}/active", Admin},
        {"GET", "/admin/v1/keys", Admin},
        {"POST", "/admin/v1/keys/rotate", Admin},
        {"POST", "/admin/v1/keys/purge", Admin},
        {"POST", "/admin/v1/keys/{kid}/retire", Admin},
        {"GET", "/admin/v1/policies/{name}", Admin},
        {"PUT", "/admin/v1/policies/{name}", Admin},
        {"POST", "/admin/v1/audit/lookup", Admin},
        {"POST", "/admin/v1/audit/verify", Admin, 1024 * 1024},
        {"GET", "/admin/v1/audit/checkpoints", Admin},
        {"POST", "/admin/v1/audit/checkpoints", Admin},
        {"GET", "/admin/v1/audit/keys", Admin},
        {"POST", "/admin/v1/audit/keys/rotate", Admin},
    };
    return routes;
}

} // namespace gatehouse::api
