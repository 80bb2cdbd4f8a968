#pragma once

#include "backend/LocalBackend.h"
#include "store/sqlite/SqliteStore.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QFuture>

#include <memory>

namespace gatehouse::ctl {

// gatehousectl's way into a local store: the store, with its data key and the common-password
// list, and the AdminBackend every command goes through. Until a sign-in, the backend acts as
// an anonymous client on this machine (the end-user flows need nothing more).
class CtlBackend
{
public:
    static Result<std::unique_ptr<CtlBackend>> open(const QString &path);
    // open() and then authenticate(username): how an administrative command starts.
    static Result<std::unique_ptr<CtlBackend>> openAs(const QString &path, const QString &username);
    static Result<std::unique_ptr<CtlBackend>> over(std::unique_ptr<SqliteStore> store);
    ~CtlBackend();

    AdminBackend &backend() { return *m_backend; }
    // Who the backend acts as.
    Actor caller() const { return m_backend->actor(); }
    // Hands the store back (backend closed), e.g. to discard a store that failed to set up.
    std::unique_ptr<SqliteStore> release();

    // Signs in as `username` for local administration: the password from GATEHOUSE_PASSWORD
    // or standard input; for an account with MFA on, the code from GATEHOUSE_TOTP or, at a
    // terminal, typed. `password`, when given, is used instead (self-service commands read it
    // from a file or stdin themselves). Returns the signed-in user.
    Result<User> signIn(const QString &username, const QString &password = {});
    // signIn(username) when a username is given; otherwise the token in GATEHOUSE_TOKEN: a
    // session token, whose session then counts as the caller's own, or a service token
    // ("ghk_...") with the admin or admin:read scope, which then acts within its scopes.
    Result<void> authenticate(const QString &username);

private:
    CtlBackend() = default;

    std::unique_ptr<SqliteStore> m_store;
    // After the store, so it is destroyed (its worker joined) first.
    std::unique_ptr<LocalBackend> m_backend;
};

// The CLI has no UI thread to keep responsive, so it simply waits for the backend's answer.
template<typename T>
Result<T> await(QFuture<Result<T>> future)
{
    future.waitForFinished();
    if (future.isCanceled() || future.resultCount() == 0)
        return makeError(ErrorCode::Internal, QStringLiteral("The call was cancelled."));
    return future.result();
}

// The store's data key: from $GATEHOUSE_DATA_KEY_FILE, else "<store>.key" beside it when that
// exists (none otherwise). A key file that exists but is unreadable, unsafe or malformed fails.
Result<std::optional<crypto::SecretBox>> loadDataKey(const QString &storePath);

// How gatehousectl appears in audit records.
Actor ctlClient();

// --as USER: the administrator a command acts as (password from GATEHOUSE_PASSWORD or stdin).
// Without it, CtlBackend::authenticate() uses the session or service token in
// GATEHOUSE_TOKEN.
const QCommandLineOption &signInOption();
// Whether the command line or the environment says who is signing in.
bool hasSignIn(const QCommandLineParser &parser);

} // namespace gatehouse::ctl
