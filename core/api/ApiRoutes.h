#pragma once

#include <QList>
#include <QtGlobal>

namespace gatehouse::api {

// Who may call a route, as the server checks it before the core's own permission checks
// (which decide what an authenticated caller may do, SEC-31).
enum class RouteAccess {
    Public, // anyone: health, JWKS, sign-up, sign-in, code redemption
    Session, // `Authorization: Bearer <session token>` of a fully signed-in user
    ServiceToken, // `Authorization: Bearer <service token>` (resource servers)
    Admin, // an admin session or an admin-scoped service token; the core checks the permission
};

// One route of the wire contract. `path` is a template: `{name}` stands for one segment.
struct ApiRoute {
    static constexpr qint64 kDefaultMaxBody = 64 * 1024; // SEC-35

    const char *method;
    const char *path;
    RouteAccess access;
    qint64 maxBodyBytes = kDefaultMaxBody;
    // A body type taken besides application/json (user import takes text/csv), or null.
    const char *alsoAccepts = nullptr;
};

// Every route gatehouse-server serves, and nothing else: the server refuses to start if a
// route here has no handler or a handler has no route here, and a test checks this table
// against resources/openapi.yaml.
const QList<ApiRoute> &apiRoutes();

} // namespace gatehouse::api
