#pragma once

#include "auth/Credentials.h"
#include "auth/Mfa.h"
#include "auth/ServiceTokens.h"
#include "auth/Sessions.h"
#include "auth/UserDirectory.h"
#include "store/sqlite/SqliteStore.h"

#include <QCommandLineOption>
#include <QCommandLineParser>

#include <memory>

namespace gatehouse::ctl {

// The core services over one local store, as gatehousectl uses them.
class CtlServices
{
public:
    static Result<std::unique_ptr<CtlServices>> open(const QString &path);
    static Result<std::unique_ptr<CtlServices>> over(std::unique_ptr<SqliteStore> store);
    ~CtlServices();

    SqliteStore &store() { return *m_store; }
    const UserDirectory &users() const { return *m_users; }
    const Credentials &credentials() const { return *m_credentials; }
    const Sessions &sessions() const { return *m_sessions; }
    const ServiceTokens &tokens() const { return *m_tokens; }
    const Mfa &mfa() const { return *m_mfa; }
    // Hands the store back (services closed), e.g. to discard a store that failed to set up.
    std::unique_ptr<SqliteStore> release();

    // Signs in as `username` for local administration; the password comes from
    // GATEHOUSE_PASSWORD or, failing that, from standard input.
    Result<Actor> signIn(const QString &username) const;
    // signIn(username) when a username is given; otherwise the token in GATEHOUSE_TOKEN: a
    // session token, whose session then counts as the caller's own, or a service token
    // ("ghk_...") with the admin or admin:read scope, which then acts within its scopes.
    Result<Actor> authenticate(const QString &username) const;

private:
    CtlServices() = default;

    Result<Actor> authenticateServiceToken(const QString &token) const;

    std::unique_ptr<SqliteStore> m_store;
    std::unique_ptr<ServiceContext> m_context;
    std::unique_ptr<UserDirectory> m_users;
    std::unique_ptr<Credentials> m_credentials;
    std::unique_ptr<Sessions> m_sessions;
    std::unique_ptr<ServiceTokens> m_tokens;
    std::unique_ptr<Mfa> m_mfa;
};

// The store's data key: from $GATEHOUSE_DATA_KEY_FILE, else "<store>.key" beside it when that
// exists (none otherwise). A key file that exists but is unreadable, unsafe or malformed fails.
Result<std::optional<crypto::SecretBox>> loadDataKey(const QString &storePath);

// How gatehousectl appears in audit records.
Actor ctlClient();

// --as USER: the administrator a command acts as (password from GATEHOUSE_PASSWORD or stdin).
// Without it, CtlServices::authenticate() uses the session or service token in
// GATEHOUSE_TOKEN.
const QCommandLineOption &signInOption();
// Whether the command line or the environment says who is signing in.
bool hasSignIn(const QCommandLineParser &parser);

} // namespace gatehouse::ctl
