#include "AdminCaller.h"

#include "TokenFormat.h"

namespace gatehouse {

Actor AdminCaller::fromSignIn(const Credentials::SignIn &signIn, const Actor &client)
{
    Actor actor = client;
    actor.kind = Actor::Kind::User;
    actor.credential = Actor::Credential::Password;
    actor.userId = signIn.user.id;
    actor.username = signIn.user.username;
    actor.mfaAuthenticated = signIn.mfaAuthenticated;
    return actor;
}

Result<Actor> AdminCaller::fromToken(const Sessions &sessions, const ServiceTokens &tokens,
                                     const QString &token, const Actor &client)
{
    if (!token.startsWith(QString(TokenFormat::ServiceTokenPrefix.toString() + u'_'))) {
        Result<ValidatedSession> session = sessions.validate(token);
        if (!session)
            return session.error();
        return session->actor(client);
    }
    Result<ValidatedServiceToken> valid = tokens.validate(token, client);
    if (!valid)
        return valid.error();
    // Administration needs an admin scope; an introspect-only token is for resource servers.
    // Within the scope, AccessControl decides every call from the owner's current roles.
    if (!valid->hasScope(ServiceTokenScope::Admin)
        && !valid->hasScope(ServiceTokenScope::AdminRead)) {
        return makeError(ErrorCode::PermissionDenied,
                         QStringLiteral("This service token has no admin or admin:read scope, so "
                                        "it cannot administer; use a token created with the "
                                        "admin scope."));
    }
    return valid->actor(client);
}

} // namespace gatehouse
