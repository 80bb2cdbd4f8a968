#pragma once

#include "Credentials.h"
#include "ServiceTokens.h"
#include "Sessions.h"
#include "model/Actor.h"

namespace gatehouse {

// Who an administrative call acts as, from the credential its caller presented. Local
// administration (gatehousectl, the console on a local store) and the server's admin API
// answer that question the same way.
class AdminCaller
{
public:
    // A sign-in that passed every factor the user has: a caller that proved itself with a
    // password in this very process. Not for a sign-in that still waits for its MFA step.
    static Actor fromSignIn(const Credentials::SignIn &signIn, const Actor &client);

    // A bearer token: a session token (the session counts as the caller's own, so "revoke all
    // but mine" spares it), or a service token ("ghk_...") with the admin or admin:read scope,
    // which then acts within its scopes. Every other token is refused.
    static Result<Actor> fromToken(const Sessions &sessions, const ServiceTokens &tokens,
                                   const QString &token, const Actor &client);
};

} // namespace gatehouse
