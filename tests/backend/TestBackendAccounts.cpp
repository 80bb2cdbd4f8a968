// The account side of AdminBackend on a local store: who the backend acts as (sign-in with a
// password, with MFA, with a token), the first owner, password codes, the caller's own MFA,
// the password, session and MFA policies, and the end-user flows. Real store, real scrypt.
#include "TestStores.h"
#include "backend/LocalBackend.h"
#include "crypto/Otp.h"
#include "crypto/SecretBox.h"
#include "model/Clock.h"
#include "store/sqlite/SqliteStore.h"

#include "TestSupport.h"

#include <QTemporaryDir>

using namespace gatehouse;

namespace {

const QString kRootPassword = QStringLiteral("correct horse battery staple");
const QString kAlicePassword = QStringLiteral("purple elephants dance quietly");

Actor client()
{
    Actor actor;
    actor.sourceIp = QStringLiteral("192.0.2.10");
    actor.userAgent = QStringLiteral("TestBackendAccounts");
    return actor;
}

// The CLI's way of taking a result: block until it is there.
template<typename T>
Result<T> take(QFuture<Result<T>> future)
{
    future.waitForFinished();
    if (future.isCanceled() || future.resultCount() == 0)
        return makeError(ErrorCode::Internal, QStringLiteral("no result"));
    return future.result();
}

} // namespace

class TestBackendAccounts : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::shared_ptr<ManualClock> m_clock;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<LocalBackend> m_backend;
    User m_root;

    // Alice, a plain user with a password, created and set up through the backend as root.
    User createAlice()
    {
        Result<User> alice = take(m_backend->createUser(NewUser{
            QStringLiteral("alice"), QStringLiteral("alice@example.com"), {}, {Role::User}}));
        if (!alice)
            return {};
        Result<Credentials::IssuedCode> code = take(m_backend->issuePasswordCode(alice->id));
        if (!code || !code->setup)
            return {};
        Result<User> ready = take(m_backend->redeemPasswordCode(code->code, kAlicePassword));
        return ready ? *ready : User{};
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        static int counter = 0;
        m_clock = std::make_shared<ManualClock>(QDateTime(QDate(2026, 6, 1), QTime(9, 0), Qt::UTC));
        auto store = test::TestStores::create(
            m_dir.path(), QStringLiteral("accounts-%1").arg(++counter), m_clock);
        GH_VERIFY_OK(store);
        m_store = std::move(store).value();
        Result<crypto::SecretBox> box = test::newDataKey();
        GH_VERIFY_OK(box);
        auto blocklist = std::make_shared<const PasswordBlocklist>(
            PasswordBlocklist::fromWords({QStringLiteral("password")}));
        m_backend = std::make_unique<LocalBackend>(*m_store, m_clock, client(), *box, blocklist);
        // On an empty store the backend creates the first owner and then acts as them.
        Result<User> root = take(m_backend->createFirstOwner(
            NewUser{QStringLiteral("root"), QStringLiteral("root@example.com"), {}, {}},
            kRootPassword));
        GH_VERIFY_OK(root);
        m_root = *root;
        QVERIFY(m_root.hasRole(Role::Owner));
        QCOMPARE(m_backend->actor().userId, m_root.id);
        QCOMPARE(m_backend->actor().credential, Actor::Credential::Password);
        QCOMPARE(m_backend->actor().sourceIp, client().sourceIp);
    }

    void cleanup()
    {
        m_backend.reset();
        m_store.reset();
    }

    void aRefusedPasswordCreatesNoOwner()
    {
        // A fresh store of its own: the fixture's already has its owner.
        SqliteStoreOptions options;
        options.clock = m_clock;
        auto store = SqliteStore::create(m_dir.filePath(QStringLiteral("no-owner.db")), options);
        GH_VERIFY_OK(store);
        {
            LocalBackend backend(**store, m_clock, client(), std::nullopt,
                                 std::make_shared<const PasswordBlocklist>(
                                     PasswordBlocklist::fromWords({QStringLiteral("password")})));
            Result<User> refused =
                take(backend.createFirstOwner(NewUser{QStringLiteral("root"), {}, {}, {}},
                                              QStringLiteral("root root root root")));
            GH_VERIFY_ERROR(refused, ErrorCode::InvalidInput);
            QCOMPARE(backend.actor().kind, Actor::Kind::Anonymous);
            // Nothing was created: the same owner can be created with a good password.
            GH_VERIFY_OK(take(backend.createFirstOwner(NewUser{QStringLiteral("root"), {}, {}, {}},
                                                       kRootPassword)));
        }
    }

    void thereIsOnlyOneFirstOwner()
    {
        GH_VERIFY_ERROR(take(m_backend->createFirstOwner(
                            NewUser{QStringLiteral("mallory"), {}, {}, {}}, kAlicePassword)),
                        ErrorCode::Conflict);
        QCOMPARE(m_backend->actor().userId, m_root.id);
    }

    void signInDecidesWhoLaterCallsActAs()
    {
        const User alice = createAlice();
        QVERIFY(!alice.id.isEmpty());
        // A failed sign-in changes nothing: the calls still act as root.
        GH_VERIFY_ERROR(take(m_backend->signIn(QStringLiteral("alice"), kRootPassword, {})),
                        ErrorCode::Unauthenticated);
        QCOMPARE(m_backend->actor().userId, m_root.id);
        // Alice signs in (by e-mail, any case) and can no longer administer.
        Result<Credentials::SignIn> signedIn =
            take(m_backend->signIn(QStringLiteral("Alice@Example.com"), kAlicePassword, {}));
        GH_VERIFY_OK(signedIn);
        QCOMPARE(signedIn->user.id, alice.id);
        QVERIFY(!signedIn->session); // administration signs in without starting a session
        QCOMPARE(m_backend->actor().userId, alice.id);
        GH_VERIFY_ERROR(take(m_backend->createUser(NewUser{QStringLiteral("bob"), {}, {}, {}})),
                        ErrorCode::PermissionDenied);
        GH_VERIFY_ERROR(take(m_backend->issuePasswordCode(m_root.id)), ErrorCode::PermissionDenied);
        GH_VERIFY_ERROR(take(m_backend->passwordPolicy()), ErrorCode::PermissionDenied);
        GH_VERIFY_ERROR(take(m_backend->resetUserMfa(m_root.id, {})), ErrorCode::PermissionDenied);

        // Root's session token, as the console in connected mode would hold one, makes root
        // the caller again, and the session counts as the caller's own.
        Result<Credentials::SignIn> session =
            take(m_backend->login(QStringLiteral("root"), kRootPassword, {}));
        GH_VERIFY_OK(session);
        QVERIFY(session->session);
        Result<QString> caller = take(m_backend->signInWithToken(session->session->token));
        GH_VERIFY_OK(caller);
        QCOMPARE(*caller, m_root.id);
        QCOMPARE(m_backend->actor().sessionId, session->session->session.id);
        QCOMPARE(m_backend->actor().credential, Actor::Credential::Session);
        // But a password-only session of an owner grants nothing while the MFA policy asks
        // for a second factor for owners (the default).
        Result<User> bob = take(m_backend->createUser(NewUser{QStringLiteral("bob"), {}, {}, {}}));
        GH_VERIFY_ERROR(bob, ErrorCode::PermissionDenied);
        QVERIFY(bob.error().message.contains(QStringLiteral("MFA")));
        // A token that is not valid changes nothing.
        GH_VERIFY_ERROR(take(m_backend->signInWithToken(QStringLiteral("ghs_not-a-token"))),
                        ErrorCode::Unauthenticated);
        QCOMPARE(m_backend->actor().userId, m_root.id);
    }

    void serviceTokensSignInOnlyWithAnAdminScope()
    {
        Result<ServiceTokenSecret> admin = take(m_backend->createServiceToken(
            NewServiceToken{{}, QStringLiteral("automation"), {ServiceTokenScope::Admin}, 0}));
        GH_VERIFY_OK(admin);
        Result<ServiceTokenSecret> introspect = take(m_backend->createServiceToken(
            NewServiceToken{{}, QStringLiteral("api"), {ServiceTokenScope::Introspect}, 0}));
        GH_VERIFY_OK(introspect);

        Result<ValidatedServiceToken> verified =
            take(m_backend->verifyServiceToken(introspect->secret));
        GH_VERIFY_OK(verified);
        QVERIFY(verified->hasScope(ServiceTokenScope::Introspect));
        GH_VERIFY_ERROR(take(m_backend->signInWithToken(introspect->secret)),
                        ErrorCode::PermissionDenied);
        QCOMPARE(m_backend->actor().credential, Actor::Credential::Password);

        GH_VERIFY_OK(take(m_backend->signInWithToken(admin->secret)));
        QCOMPARE(m_backend->actor().credential, Actor::Credential::ServiceToken);
        QCOMPARE(m_backend->actor().userId, m_root.id);
        GH_VERIFY_OK(take(m_backend->listSessions(SessionQuery{})));
        // A service token never changes passwords or MFA, whatever its scope.
        GH_VERIFY_ERROR(take(m_backend->changePassword(kRootPassword, kAlicePassword)),
                        ErrorCode::PermissionDenied);
    }

    void passwordCodesAreSingleUse()
    {
        const User alice = createAlice();
        QVERIFY(!alice.id.isEmpty());
        Result<Credentials::IssuedCode> reset = take(m_backend->issuePasswordCode(alice.id));
        GH_VERIFY_OK(reset);
        QVERIFY(!reset->setup);
        const QString newPassword = QStringLiteral("seven quiet rivers under the bridge");
        // The policy still applies to a redeemed password, and a refused one leaves the code.
        GH_VERIFY_ERROR(take(m_backend->redeemPasswordCode(reset->code, QStringLiteral("short"))),
                        ErrorCode::InvalidInput);
        GH_VERIFY_OK(take(m_backend->redeemPasswordCode(reset->code, newPassword)));
        GH_VERIFY_ERROR(take(m_backend->redeemPasswordCode(reset->code, newPassword)),
                        ErrorCode::InvalidInput);
        GH_VERIFY_ERROR(take(m_backend->login(QStringLiteral("alice"), kAlicePassword, {})),
                        ErrorCode::Unauthenticated);
        GH_VERIFY_OK(take(m_backend->login(QStringLiteral("alice"), newPassword, {})));
    }

    void endUserSessionsLiveAndEnd()
    {
        QVERIFY(!createAlice().id.isEmpty());
        Result<Credentials::SignIn> login =
            take(m_backend->login(QStringLiteral("alice"), kAlicePassword, {}));
        GH_VERIFY_OK(login);
        QVERIFY(login->session && !login->mfaRequired);
        const QString token = login->session->token;
        Result<ValidatedSession> valid = take(m_backend->validateSession(token));
        GH_VERIFY_OK(valid);
        QCOMPARE(valid->username, QStringLiteral("alice"));
        // A JWT from the session, verified against the signing key it names.
        GH_VERIFY_OK(take(m_backend->rotateSigningKey()));
        Result<IssuedAccessToken> jwt = take(m_backend->issueAccessToken(token));
        GH_VERIFY_OK(jwt);
        Result<VerifiedAccessToken> verified = take(m_backend->verifyAccessToken(jwt->token));
        GH_VERIFY_OK(verified);
        QCOMPARE(verified->sessionId, valid->sessionId);

        GH_VERIFY_OK(take(m_backend->logout(token)));
        GH_VERIFY_ERROR(take(m_backend->validateSession(token)), ErrorCode::Unauthenticated);
        GH_VERIFY_ERROR(take(m_backend->logout(token)), ErrorCode::Unauthenticated);
        GH_VERIFY_ERROR(take(m_backend->verifyAccessToken(jwt->token)), ErrorCode::Unauthenticated);
    }

    void ownMfaAndTheAdministratorsReset()
    {
        const User alice = createAlice();
        QVERIFY(!alice.id.isEmpty());
        GH_VERIFY_OK(take(m_backend->signIn(QStringLiteral("alice"), kAlicePassword, {})));
        GH_VERIFY_ERROR(take(m_backend->enrollMfa(kRootPassword)), ErrorCode::Unauthenticated);
        Result<Mfa::Enrolment> enrolment = take(m_backend->enrollMfa(kAlicePassword));
        GH_VERIFY_OK(enrolment);
        const QByteArray seed = test::base32Decode(enrolment->secret);
        const QString code = crypto::totp(seed, m_clock->now().toSecsSinceEpoch());
        Result<Mfa::Activation> activation = take(m_backend->confirmMfa(code));
        GH_VERIFY_OK(activation);
        QCOMPARE(activation->recoveryCodes.size(), 10);

        // With MFA on, a password alone no longer signs in: the backend asks for the code.
        Result<Credentials::SignIn> half =
            take(m_backend->signIn(QStringLiteral("alice"), kAlicePassword, {}));
        GH_VERIFY_OK(half);
        QVERIFY(half->mfaRequired);
        m_clock->advance(30 * 1000);
        const QString next = crypto::totp(seed, m_clock->now().toSecsSinceEpoch());
        Result<Credentials::SignIn> both =
            take(m_backend->signIn(QStringLiteral("alice"), kAlicePassword, next));
        GH_VERIFY_OK(both);
        QVERIFY(both->mfaAuthenticated && !both->mfaRequired);
        QVERIFY(m_backend->actor().mfaAuthenticated);
        Result<QStringList> codes = take(m_backend->regenerateRecoveryCodes(kAlicePassword));
        GH_VERIFY_OK(codes);
        QVERIFY(codes->first() != activation->recoveryCodes.first());

        // Alice lost her phone: root resets her MFA, and her password alone works again.
        GH_VERIFY_OK(take(m_backend->signIn(QStringLiteral("root"), kRootPassword, {})));
        Result<User> reset =
            take(m_backend->resetUserMfa(alice.id, QStringLiteral("lost authenticator")));
        GH_VERIFY_OK(reset);
        QVERIFY(!reset->mfaEnrolled);
        Result<Credentials::SignIn> again =
            take(m_backend->login(QStringLiteral("alice"), kAlicePassword, {}));
        GH_VERIFY_OK(again);
        QVERIFY(!again->mfaRequired);
    }

    void policiesAreReadAndReplacedThroughTheBackend()
    {
        Result<PasswordPolicy> password = take(m_backend->passwordPolicy());
        GH_VERIFY_OK(password);
        PasswordPolicy longer = *password;
        longer.minLength = 20;
        GH_VERIFY_OK(take(m_backend->setPasswordPolicy(longer)));
        password = take(m_backend->passwordPolicy());
        GH_VERIFY_OK(password);
        QCOMPARE(password->minLength, 20);
        // A 16-character password met the default policy; now it is refused.
        Result<User> bob = take(m_backend->createUser(NewUser{QStringLiteral("bob"), {}, {}, {}}));
        GH_VERIFY_OK(bob);
        Result<Credentials::IssuedCode> code = take(m_backend->issuePasswordCode(bob->id));
        GH_VERIFY_OK(code);
        GH_VERIFY_ERROR(
            take(m_backend->redeemPasswordCode(code->code, QStringLiteral("sixteen chars ok"))),
            ErrorCode::InvalidInput);

        Result<SessionPolicy> session = take(m_backend->sessionPolicy());
        GH_VERIFY_OK(session);
        SessionPolicy shorter = *session;
        shorter.idleTimeoutSeconds = 600;
        GH_VERIFY_OK(take(m_backend->setSessionPolicy(shorter)));
        session = take(m_backend->sessionPolicy());
        GH_VERIFY_OK(session);
        QCOMPARE(session->idleTimeoutSeconds, 600);
        SessionPolicy broken = shorter;
        broken.idleTimeoutSeconds = -1;
        GH_VERIFY_ERROR(take(m_backend->setSessionPolicy(broken)), ErrorCode::InvalidInput);

        Result<MfaPolicy> mfa = take(m_backend->mfaPolicy());
        GH_VERIFY_OK(mfa);
        QVERIFY(mfa->requiredFor({Role::Admin}));
        MfaPolicy everyone = *mfa;
        everyone.requiredForRoles.append(Role::User);
        GH_VERIFY_OK(take(m_backend->setMfaPolicy(everyone)));
        mfa = take(m_backend->mfaPolicy());
        GH_VERIFY_OK(mfa);
        QVERIFY(mfa->requiredFor({Role::User}));
    }
};

QTEST_GUILESS_MAIN(TestBackendAccounts)
#include "TestBackendAccounts.moc"
