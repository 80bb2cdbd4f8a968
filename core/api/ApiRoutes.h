#pragma once

#include <QList>

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
    const char *method;
    const char *path;
    RouteAccess access;
};

// Every route gatehouse-server serves, and nothing else: the server refuses to start if a
// route here has no handler or a handler has no route here, and a test checks this table
// against resources/openapi.yaml.
const QList<ApiRoute> &apiRoutes();

} // namespace gatehouse::api
