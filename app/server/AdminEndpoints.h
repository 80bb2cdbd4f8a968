#pragma once

#include "IdempotencyKeys.h"
#include "Metrics.h"
#include "Router.h"
#include "backend/CoreServices.h"

namespace gatehouse::server {

// The admin API under /admin/v1/: everything the core offers the console, for a caller with
// an admin session (and MFA as the policy requires) or an admin-scoped service token, given
// only in the Authorization header (SEC-29). Each route turns JSON into a core call and the
// result back; the core checks every permission (SEC-31) and writes every audit record.
// Creating requests take an Idempotency-Key, so a retried request never creates twice.
class AdminEndpoints
{
public:
    AdminEndpoints(const CoreServices &services, Metrics &metrics,
                   const IdempotencyKeys &idempotency)
        : m_services(services),
          m_metrics(metrics),
          m_idempotency(idempotency)
    {}

    void addTo(Router &router) const;

private:
    using Endpoint = std::function<ApiResponse(const ApiRequest &, const Actor &)>;
    // Resolves the caller (401 when the credential is not an admin session or an admin-scoped
    // service token) before `endpoint` runs.
    Router::Handler asCaller(Endpoint endpoint) const;
    // The same for a creating request: answered once per Idempotency-Key.
    Router::Handler creating(Endpoint endpoint) const;

    void addUserRoutes(Router &router) const;
    void addSessionRoutes(Router &router) const;
    void addTokenRoutes(Router &router) const;
    void addKeyRoutes(Router &router) const;
    void addPolicyRoutes(Router &router) const;
    void addAuditRoutes(Router &router) const;

    ApiResponse importUsers(const ApiRequest &request, const Actor &actor) const;
    ApiResponse bulkUsers(const ApiRequest &request, const Actor &actor) const;
    ApiResponse revokeSessions(const ApiRequest &request, const Actor &actor) const;
    // GET or PUT of the policy named in the path.
    ApiResponse policy(const ApiRequest &request, const Actor &actor) const;
    ApiResponse verifyAudit(const ApiRequest &request, const Actor &actor) const;

    QDateTime now() const { return m_services.context.clock().now(); }

    const CoreServices &m_services;
    Metrics &m_metrics;
    const IdempotencyKeys &m_idempotency;
};

} // namespace gatehouse::server
