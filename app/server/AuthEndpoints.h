#pragma once

#include "Metrics.h"
#include "Router.h"
#include "backend/CoreServices.h"

namespace gatehouse::server {

// The end-user API a web application's front end calls (/auth/...), JWKS for resource
// servers, and token introspection: thin translations between JSON and the core services,
// which make every decision and write every audit record.
class AuthEndpoints
{
public:
    AuthEndpoints(const CoreServices &services, Metrics &metrics)
        : m_services(services),
          m_metrics(metrics)
    {}

    void addTo(Router &router) const;

private:
    // The fully signed-in session behind the request's bearer token, or the 401 answer.
    Result<ValidatedSession> session(const ApiRequest &request) const;
    const Credentials *credentials(const ApiRequest &request, ApiResponse *unavailable) const;

    ApiResponse jwks(const ApiRequest &request) const;
    ApiResponse signUp(const ApiRequest &request) const;
    ApiResponse login(const ApiRequest &request) const;
    ApiResponse loginMfa(const ApiRequest &request) const;
    ApiResponse resetPassword(const ApiRequest &request) const;
    ApiResponse user(const ApiRequest &request) const;
    // user() when the session and the user were read since the store last changed: the hot
    // path of a web application, answered without a worker.
    std::optional<ApiResponse> userFromMemory(const ApiRequest &request) const;
    ApiResponse logout(const ApiRequest &request) const;
    ApiResponse changePassword(const ApiRequest &request) const;
    ApiResponse sessions(const ApiRequest &request) const;
    ApiResponse revokeSession(const ApiRequest &request) const;
    ApiResponse accessToken(const ApiRequest &request) const;
    ApiResponse mfaEnroll(const ApiRequest &request) const;
    ApiResponse mfaConfirm(const ApiRequest &request) const;
    ApiResponse mfaRecoveryCodes(const ApiRequest &request) const;
    ApiResponse mfaDisable(const ApiRequest &request) const;
    ApiResponse introspect(const ApiRequest &request) const;

    ApiResponse signInAnswer(const ApiRequest &request,
                             const Result<Credentials::SignIn> &signIn) const;

    const CoreServices &m_services;
    Metrics &m_metrics;
};

} // namespace gatehouse::server
