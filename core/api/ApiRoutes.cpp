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
    };
    return routes;
}

} // namespace gatehouse::api
