#include "TestStores.h"
#include "auth/Credentials.h"
#include "auth/Sessions.h"
#include "auth/UserDirectory.h"
#include "model/Clock.h"

#include "TestSupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

using namespace gatehouse;
using gatehouse::test::actorFor;

namespace {

const QString kGood = QStringLiteral("correct horse battery staple");
const QString kOther = QStringLiteral("purple elephants dance quietly");

// Fixtures made with Node 20 (see TestPasswordHasher for the commands): the password is kGood.
const QString kNodeLegacy = QStringLiteral(
    "vJWefMtnkvBIbTTEKTwtWg==:j8K8xTei5FKs4ek3GKzlh/X0RoJAjSXiQANhLSeCVZFdNh1TjNKOlXOnehVeOkkT"
    "ypuiLZhtfzCqBBeflKHfhA==");
const QString kWeakPhc = QStringLiteral(
    "$scrypt$ln=14,r=8,p=1$KK/y12pKWNEdfHcQ17FR0A$hGFtUZZMvG2gRIL9IkO1EX/AgWyMhjWbABhyNfh8CgM");

Actor client()
{
    Actor actor;
    actor.sourceIp = QStringLiteral("203.0.113.9");
    actor.userAgent = QStringLiteral("test");
    return actor;
}

} // namespace

class TestCredentials : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::shared_ptr<ManualClock> m_clock;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<ServiceContext> m_context;
    std::unique_ptr<UserDirectory> m_users;
    std::unique_ptr<Credentials> m_credentials;
    User m_owner;
    User m_alice;

    Result<void> sql(const QString &statement, const QVariantList &parameters = {})
    {
        return m_store->transaction(Store::Access::Write, [&](SqlTransaction &tx) {
            Result<QSqlQuery> done = tx.exec(statement, parameters);
            return done ? Result<void>() : Result<void>(done.error());
        });
    }

    QVariant value(const QString &statement, const QVariantList &parameters = {})
    {
        return m_store
            ->transact<QVariant>(
                Store::Access::Read,
                [&](SqlTransaction &tx) { return tx.scalar(statement, parameters); })
            .valueOr({});
    }

    QJsonObject lastRecord(const QString &eventName)
    {
        const QString json =
            value(QStringLiteral("SELECT record FROM audit_events WHERE event_name = ?"
                                 " ORDER BY seq DESC LIMIT 1"),
                  {eventName})
                .toString();
        return QJsonDocument::fromJson(json.toUtf8()).object();
    }

    void givePassword(const User &user, const QString &password)
    {
        Result<Credentials::IssuedCode> code = m_credentials->issueCode(actorFor(m_owner), user.id);
        GH_VERIFY_OK(code);
        GH_VERIFY_OK(m_credentials->redeemCode(client(), code->code, password));
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_clock = std::make_shared<ManualClock>(QDateTime(QDate(2026, 6, 1), QTime(9, 0), Qt::UTC));
        static int counter = 0;
        auto store = test::TestStores::create(m_dir.path(),
                                              QStringLiteral("cred-%1").arg(++counter), m_clock);
        GH_VERIFY_OK(store);
        m_store = std::move(store).value();
        m_context = std::make_unique<ServiceContext>(*m_store, m_clock);
        m_users = std::make_unique<UserDirectory>(*m_context);
        auto blocklist = std::make_shared<const PasswordBlocklist>(
            PasswordBlocklist::fromWords({QStringLiteral("password"), QStringLiteral("letmein")}));
        auto credentials = Credentials::create(*m_context, blocklist);
        GH_VERIFY_OK(credentials);
        m_credentials = std::move(credentials).value();
        auto owner = m_users->createFirstOwner(Actor::localConsole(),
                                               NewUser{QStringLiteral("root"), {}, {}, {}});
        GH_VERIFY_OK(owner);
        m_owner = *owner;
        auto alice = m_users->create(actorFor(m_owner),
                                     NewUser{QStringLiteral("alice"),
                                             QStringLiteral("alice@example.com"),
                                             QStringLiteral("Alice Liddell"),
                                             {Role::User}});
        GH_VERIFY_OK(alice);
        m_alice = *alice;
    }

    void cleanup()
    {
        m_credentials.reset();
        m_users.reset();
        m_context.reset();
        m_store.reset();
    }

    void setupCodeIsShownOnceAndWorksOnce()
    {
        Result<Credentials::IssuedCode> code =
            m_credentials->issueCode(actorFor(m_owner), m_alice.id);
        GH_VERIFY_OK(code);
        QVERIFY(code->setup);
        QCOMPARE(code->expiresAt, m_clock->now().addSecs(Credentials::kCodeLifetimeSeconds));
        // Only its hash is kept: neither the table nor the audit trail nor the file holds it.
        QCOMPARE(value(QStringLiteral("SELECT count(*) FROM one_time_codes")).toInt(), 1);
        QVERIFY(!QJsonDocument(lastRecord(QStringLiteral("IssuePasswordCode")))
                     .toJson()
                     .contains(code->code.toUtf8()));
        QVERIFY(!test::TestStores::contents(*m_store).contains(code->code.toUtf8()));

        // A rejected password leaves the code usable.
        GH_VERIFY_ERROR(m_credentials->redeemCode(client(), code->code, QStringLiteral("short")),
                        ErrorCode::InvalidInput);
        GH_VERIFY_ERROR(
            m_credentials->redeemCode(client(), code->code, QStringLiteral("alice liddell 12345")),
            ErrorCode::InvalidInput); // contains the display name
        GH_VERIFY_ERROR(
            m_credentials->redeemCode(client(), code->code, QStringLiteral("password1234567")),
            ErrorCode::InvalidInput); // blocklisted word
        Result<User> set = m_credentials->redeemCode(client(), code->code.toLower(), kGood);
        GH_VERIFY_OK(set);
        QVERIFY(set->passwordSet);
        QCOMPARE(set->passwordChangedAt, m_clock->now());
        GH_VERIFY_ERROR(m_credentials->redeemCode(client(), code->code, kOther),
                        ErrorCode::InvalidInput);
        GH_VERIFY_OK(m_credentials->authenticate(client(), QStringLiteral("alice"), kGood));
        const QString stored =
            value(QStringLiteral("SELECT password_hash FROM users WHERE id = ?"), {m_alice.id})
                .toString();
        QVERIFY(stored.startsWith(QStringLiteral("$scrypt$ln=17,r=8,p=1$")));
    }

    void codesExpireAndOnlyTheNewestWorks()
    {
        auto first = m_credentials->issueCode(actorFor(m_owner), m_alice.id);
        auto second = m_credentials->issueCode(actorFor(m_owner), m_alice.id);
        GH_VERIFY_OK(first);
        GH_VERIFY_OK(second);
        GH_VERIFY_ERROR(m_credentials->redeemCode(client(), first->code, kGood),
                        ErrorCode::InvalidInput);
        m_clock->advance((Credentials::kCodeLifetimeSeconds + 1) * 1000);
        GH_VERIFY_ERROR(m_credentials->redeemCode(client(), second->code, kGood),
                        ErrorCode::InvalidInput);
        GH_VERIFY_ERROR(m_credentials->redeemCode(client(), QStringLiteral("not a code"), kGood),
                        ErrorCode::InvalidInput);
    }

    void onlyCredentialAdminsIssueCodes()
    {
        auto op = m_users->create(actorFor(m_owner),
                                  NewUser{QStringLiteral("oscar"), {}, {}, {Role::Operator}});
        GH_VERIFY_OK(op);
        GH_VERIFY_ERROR(m_credentials->issueCode(actorFor(*op), m_alice.id),
                        ErrorCode::PermissionDenied);
        auto admin = m_users->create(actorFor(m_owner),
                                     NewUser{QStringLiteral("ada"), {}, {}, {Role::Admin}});
        GH_VERIFY_OK(admin);
        GH_VERIFY_ERROR(m_credentials->issueCode(actorFor(*admin), m_owner.id),
                        ErrorCode::PermissionDenied); // owners are managed by owners
    }

    void signInByAnyFormOfTheName()
    {
        givePassword(m_alice, kGood);
        for (const QString &name :
             {QStringLiteral("alice"), QStringLiteral("ALICE"), QStringLiteral("ａｌｉｃｅ"),
              QStringLiteral("Alice@Example.com")}) {
            Result<Credentials::SignIn> signIn = m_credentials->authenticate(client(), name, kGood);
            GH_VERIFY_OK(signIn);
            QCOMPARE(signIn->user.id, m_alice.id);
        }
        QCOMPARE(UserRowsLastLogin(), m_clock->now());
        const QJsonObject record = lastRecord(QStringLiteral("ConsoleLogin"));
        QCOMPARE(record.value(QStringLiteral("eventSource")).toString(),
                 QStringLiteral("auth.gatehouse"));
        QCOMPARE(record.value(QStringLiteral("responseElements"))
                     .toObject()
                     .value(QStringLiteral("ConsoleLogin")),
                 QStringLiteral("Success"));
        QCOMPARE(record.value(QStringLiteral("sourceIPAddress")).toString(),
                 QStringLiteral("203.0.113.9"));
        // The password is verified exactly: no trimming, no case change, no truncation at NUL.
        for (const QString &near :
             {QString(kGood + QLatin1Char(' ')), kGood.toUpper(),
              QString(kGood + QChar(0) + QStringLiteral("x")), kGood.left(kGood.size() - 1)})
            GH_VERIFY_ERROR(m_credentials->authenticate(client(), QStringLiteral("alice"), near),
                            ErrorCode::Unauthenticated);
    }

    void everyFailureLooksTheSame()
    {
        givePassword(m_alice, kGood);
        auto bob = m_users->create(actorFor(m_owner), NewUser{QStringLiteral("bob"), {}, {}, {}});
        GH_VERIFY_OK(bob); // no password yet
        auto carol =
            m_users->create(actorFor(m_owner), NewUser{QStringLiteral("carol"), {}, {}, {}});
        GH_VERIFY_OK(carol);
        givePassword(*carol, kGood);
        GH_VERIFY_OK(m_users->setStatus(actorFor(m_owner), carol->id, User::Status::Disabled));

        const QList<QPair<QString, QString>> attempts{
            {QStringLiteral("nobody"), kGood}, // unknown user
            {QStringLiteral("alice"), kOther}, // wrong password
            {QStringLiteral("bob"), kGood}, // no password set
            {QStringLiteral("carol"), kGood}, // disabled, right password
            {QStringLiteral("' OR '1'='1"), kGood}, // not even a valid name
            {QStringLiteral("alice"), QString(2000, QLatin1Char('x'))}, // over the size cap
        };
        std::optional<Error> first;
        for (const auto &[name, password] : attempts) {
            Result<Credentials::SignIn> signIn =
                m_credentials->authenticate(client(), name, password);
            QVERIFY(!signIn.ok());
            if (!first)
                first = signIn.error();
            QCOMPARE(signIn.error(), *first);
        }
        QCOMPARE(first->code, ErrorCode::Unauthenticated);
        // Unknown names are not recorded: they may be passwords typed into the wrong field.
        const QString unknown =
            value(QStringLiteral("SELECT record FROM audit_events WHERE event_name = 'ConsoleLogin'"
                                 " AND record LIKE '%unknown user%'"))
                .toString();
        QVERIFY(unknown.contains(QStringLiteral("HIDDEN_DUE_TO_SECURITY_REASONS")));
        QVERIFY(!unknown.contains(QStringLiteral("nobody")));
    }

    void lockoutAfterRepeatedFailures()
    {
        givePassword(m_alice, kGood);
        for (int i = 0; i < Credentials::kLockThreshold; ++i) {
            GH_VERIFY_ERROR(m_credentials->authenticate(client(), QStringLiteral("alice"), kOther),
                            ErrorCode::Unauthenticated);
        }
        const QVariant lockedUntil =
            value(QStringLiteral("SELECT locked_until FROM users WHERE id = ?"), {m_alice.id});
        QVERIFY(!lockedUntil.isNull());
        QVERIFY(!lastRecord(QStringLiteral("AccountLocked")).isEmpty());
        // The right password during the lock still fails, the same way (A3), the lock does not
        // grow, and variants of the name share the one counter.
        m_clock->advance(10 * 1000);
        GH_VERIFY_ERROR(m_credentials->authenticate(client(), QStringLiteral("ALICE"), kGood),
                        ErrorCode::Unauthenticated);
        GH_VERIFY_ERROR(
            m_credentials->authenticate(client(), QStringLiteral("alice@example.com"), kGood),
            ErrorCode::Unauthenticated);
        QCOMPARE(value(QStringLiteral("SELECT locked_until FROM users WHERE id = ?"), {m_alice.id}),
                 lockedUntil);
        // The lock expires by itself (A5) ...
        m_clock->advance(Credentials::kBaseLockDelaySeconds * 1000);
        GH_VERIFY_OK(m_credentials->authenticate(client(), QStringLiteral("alice"), kGood));
        QCOMPARE(
            value(QStringLiteral("SELECT failed_attempts FROM users WHERE id = ?"), {m_alice.id})
                .toInt(),
            0);
        // ... and a guesser who carries on after a lock ends waits twice as long.
        for (int i = 0; i < Credentials::kLockThreshold; ++i)
            (void)m_credentials->authenticate(client(), QStringLiteral("alice"), kOther);
        m_clock->advance((Credentials::kBaseLockDelaySeconds + 1) * 1000);
        (void)m_credentials->authenticate(client(), QStringLiteral("alice"), kOther);
        const QDateTime longer = QDateTime::fromString(
            value(QStringLiteral("SELECT locked_until FROM users WHERE id = ?"), {m_alice.id})
                .toString(),
            Qt::ISODateWithMs);
        QCOMPARE(m_clock->now().secsTo(longer), 2 * Credentials::kBaseLockDelaySeconds);
        // An administrator can unlock at once.
        GH_VERIFY_OK(m_users->unlock(actorFor(m_owner), m_alice.id));
        GH_VERIFY_OK(m_credentials->authenticate(client(), QStringLiteral("alice"), kGood));
    }

    void oneAddressCannotSprayGuesses()
    {
        givePassword(m_alice, kGood);
        const LoginThrottlePolicy limits;
        for (int i = 0; i < limits.maxFailuresPerWindow; ++i) {
            GH_VERIFY_ERROR(
                m_credentials->authenticate(client(), QStringLiteral("guess%1").arg(i), kOther),
                ErrorCode::Unauthenticated);
        }
        // Blocked before any password work, even with the right password for a real account.
        Result<Credentials::SignIn> blocked =
            m_credentials->authenticate(client(), QStringLiteral("alice"), kGood);
        GH_VERIFY_ERROR(blocked, ErrorCode::RateLimited);
        QVERIFY(blocked.error().message.contains(QStringLiteral("Try again after")));
        QCOMPARE(lastRecord(QStringLiteral("ConsoleLogin")).value(QStringLiteral("errorCode")),
                 QStringLiteral("RateLimited"));
        // Another address is unaffected, and the block ends by itself.
        Actor elsewhere = client();
        elsewhere.sourceIp = QStringLiteral("198.51.100.7");
        GH_VERIFY_OK(m_credentials->authenticate(elsewhere, QStringLiteral("alice"), kGood));
        m_clock->advance((limits.baseBlockSeconds + 1) * 1000);
        GH_VERIFY_OK(m_credentials->authenticate(client(), QStringLiteral("alice"), kGood));
    }

    // Guesses that arrive together are checked in parallel, but each outcome is recorded
    // against the row as it stands then: no failure is lost, the account locks at the
    // threshold, the guesses recorded after that are refused as attempts during a lock (which
    // do not count), and the right password that arrives after them is refused too.
    void concurrentGuessesAllCountAndLock()
    {
        givePassword(m_alice, kGood);
        constexpr int kGuesses = Credentials::kLockThreshold + 1;
        std::vector<std::thread> guessers;
        std::atomic<int> refused = 0;
        for (int i = 0; i < kGuesses; ++i) {
            guessers.emplace_back([&] {
                const Result<Credentials::SignIn> guess =
                    m_credentials->authenticate(client(), QStringLiteral("alice"), kOther);
                if (!guess && guess.error().code == ErrorCode::Unauthenticated)
                    ++refused;
            });
        }
        for (std::thread &guesser : guessers)
            guesser.join();
        QCOMPARE(refused.load(), kGuesses);
        QCOMPARE(
            value(QStringLiteral("SELECT failed_attempts FROM users WHERE id = ?"), {m_alice.id})
                .toInt(),
            Credentials::kLockThreshold);
        QVERIFY(!value(QStringLiteral("SELECT locked_until FROM users WHERE id = ?"), {m_alice.id})
                     .isNull());
        GH_VERIFY_ERROR(m_credentials->authenticate(client(), QStringLiteral("alice"), kGood),
                        ErrorCode::Unauthenticated);
    }

    // scrypt runs with no transaction open, so other writers (sign-ins of other users, admin
    // changes) are not held up behind it. A second connection that never waits for a lock
    // must get the write lock while the hash is being checked: some time after the operation
    // began and some time before it ended. (Were the hash checked inside the write
    // transaction, the lock would be held for all of that time.)
    void writesProceedWhileAPasswordIsChecked_data()
    {
        QTest::addColumn<QString>("operation");
        QTest::newRow("sign-in") << QStringLiteral("sign-in");
        QTest::newRow("password change") << QStringLiteral("change");
        QTest::newRow("code redemption") << QStringLiteral("redeem");
    }

    void writesProceedWhileAPasswordIsChecked()
    {
        GH_SQLITE_ONLY(); // a second writer on the SQLite file, outside the store
        QFETCH(QString, operation);
        givePassword(m_alice, kGood);
        Actor alice = client();
        alice.kind = Actor::Kind::User;
        alice.credential = Actor::Credential::Password;
        alice.userId = m_alice.id;
        alice.username = m_alice.username;
        Result<Credentials::IssuedCode> code =
            m_credentials->issueCode(actorFor(m_owner), m_alice.id);
        GH_VERIFY_OK(code);
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"),
                                                    QStringLiteral("writer-during-signin"));
        db.setDatabaseName(m_store->info().location);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=0"));
        QVERIFY(db.open());
        QElapsedTimer clock;
        std::atomic<qint64> endedAt = -1;
        std::atomic<bool> succeeded = false;
        clock.start();
        std::thread work([&] {
            if (operation == u"sign-in") {
                succeeded =
                    m_credentials->authenticate(client(), QStringLiteral("alice"), kGood).ok();
            } else if (operation == u"change") {
                succeeded = m_credentials->changePassword(alice, kGood, kOther).ok();
            } else {
                succeeded = m_credentials->redeemCode(client(), code->code, kOther).ok();
            }
            endedAt = clock.elapsed();
        });
        QList<qint64> gotLockAt;
        {
            QSqlQuery query(db);
            while (endedAt < 0) {
                if (query.exec(QStringLiteral("BEGIN IMMEDIATE"))) {
                    gotLockAt.append(clock.elapsed());
                    QVERIFY(query.exec(QStringLiteral("ROLLBACK")));
                }
                QThread::msleep(2);
            }
        }
        work.join();
        QVERIFY(succeeded);
        db.close();
        db = {};
        QSqlDatabase::removeDatabase(QStringLiteral("writer-during-signin"));
        const qint64 margin = std::min<qint64>(100, endedAt / 5);
        const bool duringHash = std::any_of(gotLockAt.cbegin(), gotLockAt.cend(), [&](qint64 at) {
            return at > margin && at < endedAt - margin;
        });
        QVERIFY2(duringHash,
                 qPrintable(QStringLiteral("%1 took %2 ms; lock taken %3 times")
                                .arg(operation)
                                .arg(endedAt.load())
                                .arg(gotLockAt.size())));
    }

    void oldHashesAreReplacedAfterSignIn_data()
    {
        QTest::addColumn<QString>("stored");
        QTest::newRow("Node crypto.scrypt salt:hash") << kNodeLegacy;
        QTest::newRow("PHC below the floor") << kWeakPhc;
    }

    void oldHashesAreReplacedAfterSignIn()
    {
        QFETCH(QString, stored);
        GH_VERIFY_OK(sql(QStringLiteral("UPDATE users SET password_hash = ? WHERE id = ?"),
                         {stored, m_alice.id}));
        GH_VERIFY_ERROR(m_credentials->authenticate(client(), QStringLiteral("alice"), kOther),
                        ErrorCode::Unauthenticated);
        QCOMPARE(value(QStringLiteral("SELECT password_hash FROM users WHERE id = ?"), {m_alice.id})
                     .toString(),
                 stored);
        GH_VERIFY_OK(m_credentials->authenticate(client(), QStringLiteral("alice"), kGood));
        const QString rehashed =
            value(QStringLiteral("SELECT password_hash FROM users WHERE id = ?"), {m_alice.id})
                .toString();
        QVERIFY(rehashed.startsWith(QStringLiteral("$scrypt$ln=17,r=8,p=1$")));
        GH_VERIFY_OK(m_credentials->authenticate(client(), QStringLiteral("alice"), kGood));
    }

    void tamperedHashFailsFastAndIsRecorded()
    {
        GH_VERIFY_OK(sql(QStringLiteral("UPDATE users SET password_hash = ? WHERE id = ?"),
                         {QStringLiteral("$scrypt$ln=31,r=1024,p=1$KK/y12pKWNEdfHcQ17FR0A$"
                                         "hGFtUZZMvG2gRIL9IkO1EX/AgWyMhjWbABhyNfh8CgM"),
                          m_alice.id}));
        QElapsedTimer timer;
        timer.start();
        GH_VERIFY_ERROR(m_credentials->authenticate(client(), QStringLiteral("alice"), kGood),
                        ErrorCode::Unauthenticated);
        QVERIFY2(timer.elapsed() < 5000, "a tampered hash must not run a huge scrypt");
        QVERIFY(lastRecord(QStringLiteral("ConsoleLogin"))
                    .value(QStringLiteral("errorMessage"))
                    .toString()
                    .contains(QStringLiteral("stored hash rejected")));
    }

    // The actor of a fresh sign-in of `name`.
    Actor signedIn(const QString &name, const QString &password)
    {
        Result<Credentials::SignIn> signIn = m_credentials->login(client(), name, password);
        if (!signIn || !signIn->session)
            return {};
        return actorFor(signIn->user, signIn->session->session.id);
    }

    void changePasswordNeedsTheCurrentOne()
    {
        givePassword(m_alice, kGood);
        const Actor alice = signedIn(QStringLiteral("alice"), kGood);
        QVERIFY(!alice.sessionId.isEmpty());
        GH_VERIFY_ERROR(
            m_credentials->changePassword(alice, kOther, QStringLiteral("a brand new passphrase")),
            ErrorCode::Unauthenticated);
        QCOMPARE(
            value(QStringLiteral("SELECT failed_attempts FROM users WHERE id = ?"), {m_alice.id})
                .toInt(),
            1);
        GH_VERIFY_ERROR(m_credentials->changePassword(alice, kGood, QStringLiteral("short")),
                        ErrorCode::InvalidInput);
        GH_VERIFY_OK(m_credentials->changePassword(alice, kGood, kOther));
        GH_VERIFY_ERROR(m_credentials->authenticate(client(), QStringLiteral("alice"), kGood),
                        ErrorCode::Unauthenticated);
        GH_VERIFY_OK(m_credentials->authenticate(client(), QStringLiteral("alice"), kOther));
        GH_VERIFY_ERROR(m_credentials->changePassword(client(), kOther, kGood),
                        ErrorCode::Unauthenticated);
    }

    void passwordChangeNeedsARecentSignIn()
    {
        // A13: the current password is not enough with a session older than the
        // re-authentication window, nor without a session of the user's own at all.
        givePassword(m_alice, kGood);
        const Actor alice = signedIn(QStringLiteral("alice"), kGood);
        m_clock->advance(qint64(SessionPolicy{}.reauthenticationWindowSeconds + 1) * 1000);
        // Keep the session alive (it is used, just old), so only its age is the problem.
        Result<void> stale = m_credentials->changePassword(alice, kGood, kOther);
        GH_VERIFY_ERROR(stale, ErrorCode::Unauthenticated);
        QVERIFY(stale.error().message.contains(QStringLiteral("Re-authentication required")));
        GH_VERIFY_ERROR(m_credentials->changePassword(actorFor(m_alice), kGood, kOther),
                        ErrorCode::Unauthenticated);
        givePassword(m_owner, kOther);
        const QString rootSession = signedIn(QStringLiteral("root"), kOther).sessionId;
        QVERIFY(!rootSession.isEmpty());
        const Actor someoneElses = actorFor(m_alice, rootSession);
        GH_VERIFY_ERROR(m_credentials->changePassword(someoneElses, kGood, kOther),
                        ErrorCode::Unauthenticated);
        Actor viaToken = actorFor(m_alice);
        viaToken.credential = Actor::Credential::ServiceToken;
        viaToken.accessKeyId = QStringLiteral("abcdefghijklmnopqrsa");
        QVERIFY(!m_credentials->changePassword(viaToken, kGood, kOther).ok());
        // None of these counted as a wrong password, and none changed it.
        QCOMPARE(
            value(QStringLiteral("SELECT failed_attempts FROM users WHERE id = ?"), {m_alice.id})
                .toInt(),
            0);
        GH_VERIFY_OK(m_credentials->authenticate(client(), QStringLiteral("alice"), kGood));
        // Signing in again makes the change possible.
        GH_VERIFY_OK(
            m_credentials->changePassword(signedIn(QStringLiteral("alice"), kGood), kGood, kOther));
    }

    void loginStartsASessionAndPasswordChangesEndTheOthers()
    {
        givePassword(m_alice, kGood);
        const Sessions sessions(*m_context);
        Result<Credentials::SignIn> laptop =
            m_credentials->login(client(), QStringLiteral("alice"), kGood);
        Result<Credentials::SignIn> phone =
            m_credentials->login(client(), QStringLiteral("alice"), kGood);
        GH_VERIFY_OK(laptop);
        GH_VERIFY_OK(phone);
        QVERIFY(laptop->session && phone->session);
        QVERIFY(!laptop->mfaRequired);
        QVERIFY(laptop->session->token != phone->session->token);
        QCOMPARE(lastRecord(QStringLiteral("ConsoleLogin"))
                     .value(QStringLiteral("responseElements"))
                     .toObject()
                     .value(QStringLiteral("sessionId"))
                     .toString(),
                 phone->session->session.id);
        Result<ValidatedSession> valid = sessions.validate(laptop->session->token);
        GH_VERIFY_OK(valid);
        QCOMPARE(valid->userId, m_alice.id);
        // A failed login starts nothing.
        GH_VERIFY_ERROR(m_credentials->login(client(), QStringLiteral("alice"), kOther),
                        ErrorCode::Unauthenticated);
        QCOMPARE(value(QStringLiteral("SELECT count(*) FROM sessions")).toInt(), 2);

        // Changing the password on the laptop ends the phone's session, not the laptop's (D5).
        Actor onLaptop = actorFor(m_alice);
        onLaptop.sessionId = valid->sessionId;
        GH_VERIFY_OK(m_credentials->changePassword(onLaptop, kGood, kOther));
        GH_VERIFY_OK(sessions.validate(laptop->session->token));
        GH_VERIFY_ERROR(sessions.validate(phone->session->token), ErrorCode::Unauthenticated);

        // A reset code, redeemed, ends every session.
        auto code = m_credentials->issueCode(actorFor(m_owner), m_alice.id);
        GH_VERIFY_OK(code);
        GH_VERIFY_OK(m_credentials->redeemCode(client(), code->code, kGood));
        GH_VERIFY_ERROR(sessions.validate(laptop->session->token), ErrorCode::Unauthenticated);
    }

    void passwordPolicyIsStoredAndAudited()
    {
        auto auditor = m_users->create(actorFor(m_owner),
                                       NewUser{QStringLiteral("audrey"), {}, {}, {Role::Auditor}});
        GH_VERIFY_OK(auditor);
        Result<PasswordPolicy> current = m_credentials->passwordPolicy(actorFor(*auditor));
        GH_VERIFY_OK(current);
        QCOMPARE(*current, PasswordPolicy::defaults());
        PasswordPolicy stricter;
        stricter.minLength = 32;
        GH_VERIFY_ERROR(m_credentials->setPasswordPolicy(actorFor(*auditor), stricter),
                        ErrorCode::PermissionDenied);
        GH_VERIFY_OK(m_credentials->setPasswordPolicy(actorFor(m_owner), stricter));
        QCOMPARE(*m_credentials->passwordPolicy(actorFor(m_owner)), stricter);
        QCOMPARE(lastRecord(QStringLiteral("UpdatePasswordPolicy"))
                     .value(QStringLiteral("requestParameters"))
                     .toObject()
                     .value(QStringLiteral("minLength"))
                     .toInt(),
                 32);
        auto code = m_credentials->issueCode(actorFor(m_owner), m_alice.id);
        GH_VERIFY_OK(code);
        GH_VERIFY_ERROR(m_credentials->redeemCode(client(), code->code, kGood), // 28 < 32
                        ErrorCode::InvalidInput);
        PasswordPolicy tooWeak;
        tooWeak.minLength = 8;
        GH_VERIFY_ERROR(m_credentials->setPasswordPolicy(actorFor(m_owner), tooWeak),
                        ErrorCode::InvalidInput);
    }

private:
    QDateTime UserRowsLastLogin()
    {
        return QDateTime::fromString(
            value(QStringLiteral("SELECT last_login_at FROM users WHERE id = ?"), {m_alice.id})
                .toString(),
            Qt::ISODateWithMs);
    }
};

QTEST_GUILESS_MAIN(TestCredentials)
#include "TestCredentials.moc"
