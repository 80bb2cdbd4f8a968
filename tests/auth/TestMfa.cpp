#include "TestStores.h"
#include "auth/Credentials.h"
#include "auth/Mfa.h"
#include "auth/MfaFactor.h"
#include "auth/Sessions.h"
#include "auth/TokenFormat.h"
#include "auth/UserDirectory.h"
#include "crypto/Hash.h"
#include "crypto/Otp.h"
#include "model/Clock.h"

#include "TestSupport.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QUrlQuery>

using namespace gatehouse;
using gatehouse::test::actorFor;
using gatehouse::test::base32Decode;

namespace {

const QString kGood = QStringLiteral("correct horse battery staple");
const QString kOther = QStringLiteral("purple elephants dance quietly");

Actor client()
{
    Actor actor;
    actor.sourceIp = QStringLiteral("198.51.100.7");
    actor.userAgent = QStringLiteral("test");
    return actor;
}

Result<std::unique_ptr<Credentials>> makeCredentials(const ServiceContext &context)
{
    return Credentials::create(context,
                               std::make_shared<const PasswordBlocklist>(
                                   PasswordBlocklist::fromWords({QStringLiteral("password")})));
}

} // namespace

class TestMfa : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::shared_ptr<ManualClock> m_clock;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<ServiceContext> m_context;
    std::unique_ptr<UserDirectory> m_users;
    std::unique_ptr<Credentials> m_credentials;
    std::unique_ptr<Mfa> m_mfa;
    User m_owner;
    User m_alice;

    QVariant value(const QString &statement, const QVariantList &parameters = {})
    {
        return m_store
            ->transact<QVariant>(
                Store::Access::Read,
                [&](SqlTransaction &tx) { return tx.scalar(statement, parameters); })
            .valueOr({});
    }

    int failures(const User &user)
    {
        return value(QStringLiteral("SELECT failed_attempts FROM users WHERE id = ?"), {user.id})
            .toInt();
    }

    QString allRecords()
    {
        QStringList records;
        (void)m_store->transaction(Store::Access::Read, [&](SqlTransaction &tx) -> Result<void> {
            Result<QSqlQuery> rows = tx.exec(QStringLiteral("SELECT record FROM audit_events"));
            if (!rows)
                return rows.error();
            while (rows->next())
                records.append(rows->value(0).toString());
            return {};
        });
        return records.join(u'\n');
    }

    // Everything the store holds, as a thief of its storage would see it.
    QByteArray storeFileBytes() const { return test::TestStores::contents(*m_store); }

    // The password kGood, hashed once per run: the product's scrypt parameters cost a lot, and
    // setting passwords is TestCredentials' subject, not this suite's.
    void givePassword(const User &user)
    {
        static const QString hash = [] {
            Result<crypto::PasswordHasher> hasher = crypto::PasswordHasher::create();
            return hasher ? hasher->hash(PasswordPolicy::normalize(kGood)).valueOr({}) : QString();
        }();
        QVERIFY(!hash.isEmpty());
        GH_VERIFY_OK(m_store->transaction(Store::Access::Write, [&](SqlTransaction &tx) {
            Result<QSqlQuery> done = tx.exec(
                QStringLiteral("UPDATE users SET password_hash = ? WHERE id = ?"), {hash, user.id});
            return done ? Result<void>() : Result<void>(done.error());
        }));
    }

    // A fresh password-only sign-in, as the actor of its session.
    Actor signIn(const QString &name, const QString &password = kGood)
    {
        Result<Credentials::SignIn> signedIn = m_credentials->login(client(), name, password);
        if (!signedIn || !signedIn->session || signedIn->mfaRequired)
            return {};
        return actorFor(signedIn->user, signedIn->session->session.id);
    }

    QString codeAt(const QByteArray &seed, qint64 offsetSeconds = 0)
    {
        return crypto::totp(seed, m_clock->now().toSecsSinceEpoch() + offsetSeconds);
    }

    // Enrols and confirms `name`; returns the seed as an authenticator app would hold it.
    QByteArray enrol(const QString &name, QStringList *recoveryCodes = nullptr)
    {
        const Actor actor = signIn(name);
        Result<Mfa::Enrolment> enrolment = m_mfa->enroll(actor, kGood);
        if (!enrolment)
            return {};
        const QByteArray seed = base32Decode(enrolment->secret);
        Result<Mfa::Activation> activation = m_mfa->confirm(actor, codeAt(seed));
        if (!activation)
            return {};
        if (recoveryCodes)
            *recoveryCodes = activation->recoveryCodes;
        // The confirmation used this step's code; sign-ins in tests start at the next one.
        m_clock->advance(30'000);
        return seed;
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_clock = std::make_shared<ManualClock>(QDateTime(QDate(2026, 6, 1), QTime(9, 0), Qt::UTC));
        static int counter = 0;
        auto store = test::TestStores::create(m_dir.path(), QStringLiteral("mfa-%1").arg(++counter),
                                              m_clock);
        GH_VERIFY_OK(store);
        m_store = std::move(store).value();
        auto key = crypto::SecretBox::fromKey(QByteArray(32, '\x5a'));
        GH_VERIFY_OK(key);
        m_context = std::make_unique<ServiceContext>(*m_store, m_clock, *key);
        m_users = std::make_unique<UserDirectory>(*m_context);
        auto credentials = makeCredentials(*m_context);
        GH_VERIFY_OK(credentials);
        m_credentials = std::move(credentials).value();
        m_mfa = std::make_unique<Mfa>(*m_context, *m_credentials);
        auto owner = m_users->createFirstOwner(Actor::localConsole(),
                                               NewUser{QStringLiteral("root"), {}, {}, {}});
        GH_VERIFY_OK(owner);
        m_owner = *owner;
        auto alice = m_users->create(actorFor(m_owner),
                                     NewUser{QStringLiteral("alice"), {}, {}, {Role::User}});
        GH_VERIFY_OK(alice);
        m_alice = *alice;
        givePassword(m_owner);
        givePassword(m_alice);
    }

    void cleanup()
    {
        m_mfa.reset();
        m_credentials.reset();
        m_users.reset();
        m_context.reset();
        m_store.reset();
    }

    void enrolmentShowsTheSeedOnceAndStoresItSealed()
    {
        const Actor alice = signIn(QStringLiteral("alice"));
        Result<Mfa::Enrolment> enrolment = m_mfa->enroll(alice, kGood);
        GH_VERIFY_OK(enrolment);
        // 160 bits (SEC-14): 32 base32 symbols.
        QCOMPARE(enrolment->secret.size(), 32);
        const QByteArray seed = base32Decode(enrolment->secret);
        QCOMPARE(seed.size(), MfaFactor::kSeedBytes);
        const QUrl uri(enrolment->uri);
        QCOMPARE(uri.scheme(), QStringLiteral("otpauth"));
        QCOMPARE(uri.host(), QStringLiteral("totp"));
        QCOMPARE(uri.path(), QStringLiteral("/Gatehouse:alice"));
        const QUrlQuery query(uri);
        QCOMPARE(query.queryItemValue(QStringLiteral("secret")), enrolment->secret);
        QCOMPARE(query.queryItemValue(QStringLiteral("issuer")), QStringLiteral("Gatehouse"));
        QCOMPARE(query.queryItemValue(QStringLiteral("digits")), QStringLiteral("6"));
        QCOMPARE(query.queryItemValue(QStringLiteral("period")), QStringLiteral("30"));

        // B6: a wrong code leaves the enrolment off.
        const QString good = codeAt(seed);
        QString wrong = good;
        wrong[0] = wrong[0] == u'0' ? u'1' : u'0';
        GH_VERIFY_ERROR(m_mfa->confirm(alice, wrong), ErrorCode::InvalidInput);
        QCOMPARE(value(QStringLiteral("SELECT mfa_enrolled FROM users WHERE id = ?"), {m_alice.id})
                     .toInt(),
                 0);
        Result<Mfa::Activation> activation = m_mfa->confirm(alice, good);
        GH_VERIFY_OK(activation);
        QCOMPARE(activation->recoveryCodes.size(), MfaFactor::kRecoveryCodeCount);
        QCOMPARE(QSet<QString>(activation->recoveryCodes.begin(), activation->recoveryCodes.end())
                     .size(),
                 MfaFactor::kRecoveryCodeCount);
        QVERIFY(m_users->get(actorFor(m_owner), m_alice.id)->mfaEnrolled);

        // Never in the database file or the audit trail: not the seed, not its base32 form,
        // not a recovery code or its plain hash.
        const QByteArray bytes = storeFileBytes();
        const QString records = allRecords();
        QVERIFY(!bytes.contains(seed));
        QVERIFY(!bytes.contains(enrolment->secret.toLatin1()));
        QVERIFY(!records.contains(enrolment->secret));
        for (const QString &code : activation->recoveryCodes) {
            QVERIFY(!bytes.contains(code.toLatin1()));
            QVERIFY(!records.contains(code));
            QVERIFY(!bytes.contains(*TokenFormat::recoveryCodeHash(code)));
        }
        QVERIFY(records.contains(QStringLiteral("EnableMFADevice")));

        // Once on, the seed cannot be fetched again by enrolling over it.
        GH_VERIFY_ERROR(m_mfa->enroll(signInWithMfa(QStringLiteral("alice"), seed), kGood),
                        ErrorCode::Conflict);
    }

    void enrolmentNeedsARecentSignInAndThePassword()
    {
        const Actor alice = signIn(QStringLiteral("alice"));
        GH_VERIFY_ERROR(m_mfa->enroll(alice, kOther), ErrorCode::Unauthenticated);
        QCOMPARE(failures(m_alice), 1); // a wrong password counts toward the lockout
        m_clock->advance(qint64(SessionPolicy{}.reauthenticationWindowSeconds + 1) * 1000);
        GH_VERIFY_ERROR(m_mfa->enroll(alice, kGood), ErrorCode::Unauthenticated);
        GH_VERIFY_ERROR(m_mfa->enroll(Actor::localConsole(), kGood), ErrorCode::Unauthenticated);
        QCOMPARE(value(QStringLiteral("SELECT count(*) FROM mfa_totp")).toInt(), 0);
    }

    void loginAsksForTheCodeAndThePendingSessionGrantsNothing()
    {
        const QByteArray seed = enrol(QStringLiteral("alice"));
        QVERIFY(!seed.isEmpty());
        Result<Credentials::SignIn> first =
            m_credentials->login(client(), QStringLiteral("alice"), kGood);
        GH_VERIFY_OK(first);
        QVERIFY(first->mfaRequired);
        QVERIFY(first->session);
        const QString challenge = first->session->token;
        const Sessions sessions(*m_context);
        // SEC-26, D7: the half-authenticated token is no session.
        GH_VERIFY_ERROR(sessions.validate(challenge), ErrorCode::Unauthenticated);

        Result<Credentials::SignIn> second =
            m_credentials->completeLogin(client(), challenge, codeAt(seed));
        GH_VERIFY_OK(second);
        QVERIFY(!second->mfaRequired);
        QVERIFY(second->mfaAuthenticated);
        QVERIFY(second->session->token != challenge); // SEC-21: a new token
        Result<ValidatedSession> full = sessions.validate(second->session->token);
        GH_VERIFY_OK(full);
        QVERIFY(full->mfaAuthenticated);
        // The challenge died with the step.
        GH_VERIFY_ERROR(m_credentials->completeLogin(client(), challenge, codeAt(seed, 30)),
                        ErrorCode::Unauthenticated);
        GH_VERIFY_ERROR(sessions.validate(challenge, true), ErrorCode::Unauthenticated);
    }

    void oneStepLoginWithTheCode()
    {
        const QByteArray seed = enrol(QStringLiteral("alice"));
        Result<Credentials::SignIn> both =
            m_credentials->login(client(), QStringLiteral("alice"), kGood, codeAt(seed));
        GH_VERIFY_OK(both);
        QVERIFY(!both->mfaRequired);
        QVERIFY(both->session->session.mfaAuthenticated);
        // A wrong code with the right password is the generic failure (SEC-11).
        Result<Credentials::SignIn> wrong = m_credentials->login(client(), QStringLiteral("alice"),
                                                                 kGood, QStringLiteral("000000"));
        Result<Credentials::SignIn> badPassword =
            m_credentials->login(client(), QStringLiteral("alice"), kOther, codeAt(seed, 30));
        GH_VERIFY_ERROR(wrong, ErrorCode::Unauthenticated);
        GH_VERIFY_ERROR(badPassword, ErrorCode::Unauthenticated);
        QCOMPARE(wrong.error(), badPassword.error());
    }

    void eachStepIsAcceptedOnceEvenAfterTheClockStepsBack()
    {
        const QByteArray seed = enrol(QStringLiteral("alice"));
        const QString code = codeAt(seed);
        GH_VERIFY_OK(m_credentials->authenticate(client(), QStringLiteral("alice"), kGood, code));
        // B1: the same code again, same step.
        GH_VERIFY_ERROR(m_credentials->authenticate(client(), QStringLiteral("alice"), kGood, code),
                        ErrorCode::Unauthenticated);
        // The clock steps back a minute: the earlier steps' codes are still spent.
        m_clock->advance(-60'000);
        GH_VERIFY_ERROR(
            m_credentials->authenticate(client(), QStringLiteral("alice"), kGood, codeAt(seed)),
            ErrorCode::Unauthenticated);
        m_clock->advance(90'000);
        GH_VERIFY_OK(
            m_credentials->authenticate(client(), QStringLiteral("alice"), kGood, codeAt(seed)));
        QVERIFY(allRecords().contains(QStringLiteral("wrong MFA code")));
    }

    void oneStepEitherSideIsAcceptedTwoIsNot()
    {
        // B2, J2: one step (30 s) of drift either way is accepted, two or three are not.
        const QByteArray seed = enrol(QStringLiteral("alice"));
        const QList<QPair<int, bool>> cases{{-2, false}, {-1, true}, {0, true},
                                            {1, true},   {2, false}, {3, false}};
        for (const auto &[offsetSteps, accepted] : cases) {
            // Well past every step accepted so far, so only the window decides.
            m_clock->advance(300'000);
            Result<Credentials::SignIn> result = m_credentials->authenticate(
                client(), QStringLiteral("alice"), kGood, codeAt(seed, offsetSteps * 30));
            QVERIFY2(result.ok() == accepted, qPrintable(QString::number(offsetSteps)));
        }
    }

    void malformedCodesFailAndCount()
    {
        // B4: each is refused like a wrong code and counted; a correct code still works.
        const QByteArray seed = enrol(QStringLiteral("alice"));
        Result<Credentials::SignIn> first =
            m_credentials->login(client(), QStringLiteral("alice"), kGood);
        GH_VERIFY_OK(first);
        const QStringList malformed{QString(),
                                    QStringLiteral("12345"),
                                    QStringLiteral("1234567"),
                                    QStringLiteral("12a456"),
                                    QStringLiteral(" 123456"),
                                    QStringLiteral("١٢٣٤٥٦"),
                                    QString(1 << 20, u'1')};
        for (const QString &code : malformed) {
            GH_VERIFY_ERROR(m_credentials->completeLogin(client(), first->session->token, code),
                            ErrorCode::Unauthenticated);
            QCOMPARE(failures(m_alice), 1);
            // Clear the count so the lockout does not hide the next case.
            GH_VERIFY_OK(m_users->unlock(actorFor(m_owner), m_alice.id));
        }
        // The pending step is still there for the right code.
        GH_VERIFY_OK(m_credentials->completeLogin(client(), first->session->token, codeAt(seed)));
        QCOMPARE(failures(m_alice), 0);
    }

    void guessingCodesLocksTheAccount()
    {
        // B5, A3: wrong codes share the password lockout; once locked, even the right code
        // gets the generic failure.
        const QByteArray seed = enrol(QStringLiteral("alice"));
        Result<Credentials::SignIn> first =
            m_credentials->login(client(), QStringLiteral("alice"), kGood);
        GH_VERIFY_OK(first);
        const QString right = codeAt(seed);
        int attempts = 0;
        for (int guess = 0; guess < 200; ++guess) {
            const QString code = QStringLiteral("%1").arg(guess, 6, 10, QLatin1Char('0'));
            if (code == right || code == codeAt(seed, -30) || code == codeAt(seed, 30))
                continue;
            GH_VERIFY_ERROR(m_credentials->completeLogin(client(), first->session->token, code),
                            ErrorCode::Unauthenticated);
            if (++attempts == Credentials::kLockThreshold)
                break;
        }
        QVERIFY(m_users->get(actorFor(m_owner), m_alice.id)->isLocked(m_clock->now()));
        const int counted = failures(m_alice);
        GH_VERIFY_ERROR(m_credentials->completeLogin(client(), first->session->token, right),
                        ErrorCode::Unauthenticated);
        QCOMPARE(failures(m_alice), counted); // refused before any code check
        QVERIFY(allRecords().contains(QStringLiteral("AccountLocked")));
        // An administrator unlocks; the code step works again.
        GH_VERIFY_OK(m_users->unlock(actorFor(m_owner), m_alice.id));
        GH_VERIFY_OK(m_credentials->completeLogin(client(), first->session->token, right));
    }

    void recoveryCodesWorkOnceAndCanBeReplaced()
    {
        QStringList codes;
        const QByteArray seed = enrol(QStringLiteral("alice"), &codes);
        QVERIFY(!seed.isEmpty());
        Result<Credentials::SignIn> first =
            m_credentials->login(client(), QStringLiteral("alice"), kGood);
        GH_VERIFY_OK(first);
        // Typed loosely, as people do: lower case, no hyphen.
        const QString typed = codes.first().toLower().remove(u'-');
        GH_VERIFY_OK(m_credentials->completeLogin(client(), first->session->token, typed));
        QVERIFY(allRecords().contains(QStringLiteral("recoveryCodesLeft")));
        GH_VERIFY_ERROR(
            m_credentials->authenticate(client(), QStringLiteral("alice"), kGood, codes.first()),
            ErrorCode::Unauthenticated);
        GH_VERIFY_OK(
            m_credentials->authenticate(client(), QStringLiteral("alice"), kGood, codes.at(1)));

        Result<QStringList> fresh =
            m_mfa->regenerateRecoveryCodes(signInWithMfa(QStringLiteral("alice"), seed), kGood);
        GH_VERIFY_OK(fresh);
        QCOMPARE(fresh->size(), MfaFactor::kRecoveryCodeCount);
        GH_VERIFY_ERROR(
            m_credentials->authenticate(client(), QStringLiteral("alice"), kGood, codes.at(2)),
            ErrorCode::Unauthenticated);
        GH_VERIFY_OK(
            m_credentials->authenticate(client(), QStringLiteral("alice"), kGood, fresh->first()));
    }

    void disablingNeedsThePasswordAndIsRefusedWhereRequired()
    {
        const QByteArray aliceSeed = enrol(QStringLiteral("alice"));
        const QByteArray rootSeed = enrol(QStringLiteral("root"));
        QVERIFY(!rootSeed.isEmpty());
        const Actor alice = signInWithMfa(QStringLiteral("alice"), aliceSeed);
        QVERIFY(alice.mfaAuthenticated);
        GH_VERIFY_ERROR(m_mfa->disable(alice, kOther), ErrorCode::Unauthenticated);
        GH_VERIFY_OK(m_mfa->disable(alice, kGood));
        QVERIFY(!m_users->get(actorFor(m_owner), m_alice.id)->mfaEnrolled);
        Result<Credentials::SignIn> plain =
            m_credentials->login(client(), QStringLiteral("alice"), kGood);
        GH_VERIFY_OK(plain);
        QVERIFY(!plain->mfaRequired);
        // The owner role requires MFA by default: the owner cannot turn it off.
        GH_VERIFY_ERROR(m_mfa->disable(signInWithMfa(QStringLiteral("root"), rootSeed), kGood),
                        ErrorCode::PermissionDenied);
    }

    void administratorsResetOthersAndEndTheirSessions()
    {
        const QByteArray seed = enrol(QStringLiteral("alice"));
        Result<Credentials::SignIn> session =
            m_credentials->login(client(), QStringLiteral("alice"), kGood, codeAt(seed));
        GH_VERIFY_OK(session);
        auto operatorUser = m_users->create(
            actorFor(m_owner), NewUser{QStringLiteral("otto"), {}, {}, {Role::Operator}});
        GH_VERIFY_OK(operatorUser);
        // Operators manage sessions and tokens, not credentials.
        GH_VERIFY_ERROR(m_mfa->reset(actorFor(*operatorUser), m_alice.id, {}),
                        ErrorCode::PermissionDenied);
        GH_VERIFY_ERROR(m_mfa->reset(actorFor(m_owner), m_alice.id, QStringLiteral("bad\x1b[2J")),
                        ErrorCode::InvalidInput);
        Result<User> reset =
            m_mfa->reset(actorFor(m_owner), m_alice.id, QStringLiteral("lost phone"));
        GH_VERIFY_OK(reset);
        QVERIFY(!reset->mfaEnrolled);
        GH_VERIFY_ERROR(Sessions(*m_context).validate(session->session->token),
                        ErrorCode::Unauthenticated);
        QCOMPARE(value(QStringLiteral("SELECT count(*) FROM mfa_recovery_codes")).toInt(), 0);
        GH_VERIFY_ERROR(m_mfa->reset(actorFor(m_owner), m_alice.id, {}), ErrorCode::NotFound);
        // Nobody resets their own factor this way: that is disable, with the password.
        enrol(QStringLiteral("root"));
        GH_VERIFY_ERROR(m_mfa->reset(actorFor(m_owner), m_owner.id, {}),
                        ErrorCode::PermissionDenied);
        QVERIFY(allRecords().contains(QStringLiteral("lost phone")));
    }

    void policyNamesTheRolesThatNeedMfa()
    {
        Result<MfaPolicy> policy = m_mfa->policy(actorFor(m_owner));
        GH_VERIFY_OK(policy);
        QVERIFY(policy->requiredFor({Role::Admin}));
        QVERIFY(!policy->requiredFor({Role::User}));
        // An owner without MFA signs in, and is told to enrol.
        Result<Credentials::SignIn> owner =
            m_credentials->login(client(), QStringLiteral("root"), kGood);
        GH_VERIFY_OK(owner);
        QVERIFY(owner->mfaSetupRequired);
        Result<Credentials::SignIn> alice =
            m_credentials->login(client(), QStringLiteral("alice"), kGood);
        GH_VERIFY_OK(alice);
        QVERIFY(!alice->mfaSetupRequired);

        MfaPolicy everyone;
        everyone.requiredForRoles = allRoles();
        everyone.issuer = QStringLiteral("Example Corp");
        GH_VERIFY_ERROR(m_mfa->setPolicy(actorFor(m_alice), everyone), ErrorCode::PermissionDenied);
        GH_VERIFY_OK(m_mfa->setPolicy(actorFor(m_owner), everyone));
        QCOMPARE(*m_mfa->policy(actorFor(m_owner)), everyone);
        QVERIFY(m_credentials->login(client(), QStringLiteral("alice"), kGood)->mfaSetupRequired);
        Result<Mfa::Enrolment> enrolment = m_mfa->enroll(signIn(QStringLiteral("alice")), kGood);
        GH_VERIFY_OK(enrolment);
        QVERIFY(enrolment->uri.startsWith(QStringLiteral("otpauth://totp/Example%20Corp:alice?")));

        for (const char *bad :
             {R"({"issuer":"a:b"})", R"({"issuer":""})", R"({"requiredForRoles":["root"]})",
              R"({"requiredForRoles":["admin","admin"]})", R"({"requiredForRoles":"admin"})",
              R"({"extra":1})"}) {
            GH_VERIFY_ERROR(MfaPolicy::fromJson(QJsonDocument::fromJson(bad).object()),
                            ErrorCode::InvalidInput);
        }
    }

    void withoutTheDataKeyNothingSealedWorks()
    {
        const QByteArray seed = enrol(QStringLiteral("alice"));
        // The same store opened with another key: the seed does not open, and says so.
        auto otherKey = crypto::SecretBox::fromKey(QByteArray(32, '\x11'));
        GH_VERIFY_OK(otherKey);
        ServiceContext wrongKey(*m_store, m_clock, *otherKey);
        auto credentials = makeCredentials(wrongKey);
        GH_VERIFY_OK(credentials);
        GH_VERIFY_ERROR(
            (*credentials)->authenticate(client(), QStringLiteral("alice"), kGood, codeAt(seed)),
            ErrorCode::Integrity);
        // Without a key: enrolment says what is missing.
        ServiceContext noKey(*m_store, m_clock);
        auto keyless = makeCredentials(noKey);
        GH_VERIFY_OK(keyless);
        Mfa mfa(noKey, **keyless);
        Result<Mfa::Enrolment> refused = mfa.enroll(signIn(QStringLiteral("root")), kGood);
        GH_VERIFY_ERROR(refused, ErrorCode::Unavailable);
        QVERIFY(refused.error().message.contains(QStringLiteral(".key")));
    }

    void aSealedSeedDoesNotMoveToAnotherUser()
    {
        enrol(QStringLiteral("alice"));
        const QByteArray rootSeed = enrol(QStringLiteral("root"));
        // Someone with write access to the database copies root's sealed seed onto alice.
        GH_VERIFY_OK(m_store->transaction(Store::Access::Write, [&](SqlTransaction &tx) {
            Result<QSqlQuery> done =
                tx.exec(QStringLiteral("UPDATE mfa_totp SET sealed_seed = (SELECT sealed_seed FROM"
                                       " mfa_totp WHERE user_id = ?) WHERE user_id = ?"),
                        {m_owner.id, m_alice.id});
            return done ? Result<void>() : Result<void>(done.error());
        }));
        GH_VERIFY_ERROR(
            m_credentials->authenticate(client(), QStringLiteral("alice"), kGood, codeAt(rootSeed)),
            ErrorCode::Integrity);
    }

private:
    // A sign-in with both factors (the next step's code), recent enough for self-service.
    Actor signInWithMfa(const QString &name, const QByteArray &seed)
    {
        Result<Credentials::SignIn> signedIn =
            m_credentials->login(client(), name, kGood, codeAt(seed, 30));
        if (!signedIn || !signedIn->session || !signedIn->mfaAuthenticated)
            return {};
        Actor actor = actorFor(signedIn->user, signedIn->session->session.id);
        actor.mfaAuthenticated = true;
        return actor;
    }
};

QTEST_GUILESS_MAIN(TestMfa)
#include "TestMfa.moc"
