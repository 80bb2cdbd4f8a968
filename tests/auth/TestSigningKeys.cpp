#include "TestStores.h"
#include "auth/AccessTokens.h"
#include "auth/Jwt.h"
#include "auth/SessionPolicy.h"
#include "auth/Sessions.h"
#include "auth/SigningKeys.h"
#include "auth/UserDirectory.h"
#include "crypto/Base64.h"
#include "crypto/Ed25519.h"
#include "crypto/SecretBox.h"
#include "model/Clock.h"

#include "TestSupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>

#include <atomic>
#include <thread>

using namespace gatehouse;

namespace {

Actor client()
{
    Actor actor;
    actor.sourceIp = QStringLiteral("192.0.2.20");
    actor.userAgent = QStringLiteral("TestSigningKeys/1.0");
    return actor;
}

// An administrator's actor that has passed every factor, so only roles decide.
Actor as(const User &user)
{
    Actor actor = test::actorFor(user);
    actor.mfaAuthenticated = true;
    return actor;
}

QByteArray associatedData(const QString &kid)
{
    return QByteArray("signing-key:") + kid.toLatin1();
}

} // namespace

class TestSigningKeys : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::shared_ptr<ManualClock> m_clock;
    std::unique_ptr<Store> m_store;
    std::optional<crypto::SecretBox> m_box;
    std::unique_ptr<ServiceContext> m_context;
    std::unique_ptr<UserDirectory> m_users;
    std::unique_ptr<Sessions> m_sessions;
    std::unique_ptr<SigningKeys> m_keys;
    std::unique_ptr<AccessTokens> m_tokens;
    User m_owner;
    User m_admin;
    User m_auditor;
    User m_operator;
    User m_alice;

    User makeUser(const QString &name, Role role)
    {
        Result<User> user = m_users->create(as(m_owner), NewUser{name, {}, {}, {role}});
        if (!user)
            qFatal("could not create a user");
        return *user;
    }

    QString signIn(const User &user, bool pendingMfa = false, bool mfa = false)
    {
        Result<IssuedSession> issued =
            m_store->transact<IssuedSession>(Store::Access::Write, [&](SqlTransaction &tx) {
                return m_sessions->start(tx, user.id, client(), pendingMfa, mfa);
            });
        return issued ? issued->token : QString();
    }

    QVariant value(const QString &sql, const QVariantList &parameters = {})
    {
        return m_store
            ->transact<QVariant>(Store::Access::Read,
                                 [&](SqlTransaction &tx) { return tx.scalar(sql, parameters); })
            .valueOr(QVariant());
    }

    Result<void> exec(const QString &sql, const QVariantList &parameters = {})
    {
        return m_store->transaction(Store::Access::Write, [&](SqlTransaction &tx) -> Result<void> {
            Result<QSqlQuery> done = tx.exec(sql, parameters);
            if (!done)
                return done.error();
            return {};
        });
    }

    int count(const QString &sql, const QVariantList &parameters = {})
    {
        const QVariant n = value(sql, parameters);
        return n.isNull() ? -1 : n.toInt();
    }

    QJsonObject lastAudit(const QString &eventName)
    {
        return QJsonDocument::fromJson(
                   value(QStringLiteral("SELECT record FROM audit_events WHERE event_name = ?"
                                        " ORDER BY seq DESC LIMIT 1"),
                         {eventName})
                       .toString()
                       .toUtf8())
            .object();
    }

    QByteArray storeBytes() const { return test::TestStores::contents(*m_store); }

    // The private key of `kid` as the store holds it, opened with the test's data key.
    QByteArray openSeed(const QString &kid)
    {
        const QByteArray box =
            value(QStringLiteral("SELECT sealed_private_key FROM signing_keys WHERE kid = ?"),
                  {kid})
                .toByteArray();
        Result<QByteArray> seed = m_box->open(box, associatedData(kid));
        return seed ? *seed : QByteArray();
    }

    QString activeKid()
    {
        return value(QStringLiteral("SELECT kid FROM signing_keys WHERE state = 'active'"))
            .toString();
    }

    SigningKey keyRow(const QString &kid)
    {
        Result<QList<SigningKey>> keys = m_keys->list(as(m_admin));
        if (keys) {
            for (const SigningKey &key : *keys) {
                if (key.kid == kid)
                    return key;
            }
        }
        return {};
    }

    QStringList jwksKids(const Actor &actor)
    {
        QStringList kids;
        Result<QJsonObject> set = m_keys->jwks(actor);
        if (set) {
            for (const QJsonValue &jwk : set->value(QStringLiteral("keys")).toArray())
                kids.append(jwk.toObject().value(QStringLiteral("kid")).toString());
        }
        return kids;
    }

    // A token signed with the store's key `kid` over arbitrary header and claims: what an
    // attacker who stole that private key could make, to test the profile rules on top of the
    // signature.
    QString forge(const QString &kid, const QJsonObject &header, const QJsonObject &claims)
    {
        Result<crypto::Ed25519KeyPair> pair = crypto::Ed25519KeyPair::fromPrivateKey(openSeed(kid));
        if (!pair)
            return {};
        const QByteArray input = Jwt::signingInput(header, claims);
        return QString::fromLatin1(Jwt::compact(input, *pair->sign(input)));
    }

    void verifyRefused(const QString &token, const QString &because)
    {
        Result<VerifiedAccessToken> refused = m_tokens->verify(token);
        QVERIFY2(!refused, qPrintable(because));
        QCOMPARE(refused.error().code, ErrorCode::Unauthenticated);
        QVERIFY2(refused.error().message.contains(because),
                 qPrintable(refused.error().message + QStringLiteral(" lacks ") + because));
    }

    void useDataKey(std::optional<crypto::SecretBox> box)
    {
        m_tokens.reset();
        m_keys.reset();
        m_sessions.reset();
        m_users.reset();
        m_context = std::make_unique<ServiceContext>(*m_store, m_clock, std::move(box));
        m_users = std::make_unique<UserDirectory>(*m_context);
        m_sessions = std::make_unique<Sessions>(*m_context);
        m_keys = std::make_unique<SigningKeys>(*m_context);
        m_tokens = std::make_unique<AccessTokens>(*m_context);
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_clock = std::make_shared<ManualClock>(QDateTime(QDate(2026, 6, 1), QTime(9, 0), Qt::UTC));
        static int counter = 0;
        auto store = test::TestStores::create(m_dir.path(),
                                              QStringLiteral("keys-%1").arg(++counter), m_clock);
        GH_VERIFY_OK(store);
        m_store = std::move(store).value();
        Result<crypto::SecretBox> box = test::newDataKey();
        GH_VERIFY_OK(box);
        m_box.emplace(*box);
        useDataKey(m_box);
        Result<User> owner = m_users->createFirstOwner(Actor::localConsole(),
                                                       NewUser{QStringLiteral("root"), {}, {}, {}});
        GH_VERIFY_OK(owner);
        m_owner = *owner;
        m_admin = makeUser(QStringLiteral("ada"), Role::Admin);
        m_auditor = makeUser(QStringLiteral("audrey"), Role::Auditor);
        m_operator = makeUser(QStringLiteral("otto"), Role::Operator);
        m_alice = makeUser(QStringLiteral("alice"), Role::User);
    }

    void cleanup()
    {
        m_tokens.reset();
        m_keys.reset();
        m_sessions.reset();
        m_users.reset();
        m_context.reset();
        m_store.reset();
    }

    void noKeyUntilTheFirstRotation()
    {
        Result<QList<SigningKey>> none = m_keys->list(as(m_admin));
        GH_VERIFY_OK(none);
        QVERIFY(none->isEmpty());
        QCOMPARE(jwksKids(as(m_admin)), QStringList());
        const QString session = signIn(m_alice);
        Result<IssuedAccessToken> refused = m_tokens->issue(session, client());
        GH_VERIFY_ERROR(refused, ErrorCode::Unavailable);
        QVERIFY(refused.error().message.contains(u"gatehousectl key rotate"));
        // Asking for a token never creates a key: that is an administrator's decision.
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM signing_keys")), 0);
        QCOMPARE(lastAudit(QStringLiteral("IssueAccessToken"))
                     .value(QStringLiteral("errorCode"))
                     .toString(),
                 QStringLiteral("Unavailable"));

        Result<SigningKey> first = m_keys->rotate(as(m_admin));
        GH_VERIFY_OK(first);
        QVERIFY(SigningKeys::isWellFormedKid(first->kid));
        QCOMPARE(first->status(m_clock->now()), SigningKey::Status::Active);
        QCOMPARE(first->publicKey.size(), 32);
        QCOMPARE(first->createdBy, m_admin.id);
        GH_VERIFY_OK(m_tokens->issue(session, client()));
    }

    void jwksHoldsExactlyThePublicParts()
    {
        Result<SigningKey> key = m_keys->rotate(as(m_admin));
        GH_VERIFY_OK(key);
        Result<QJsonObject> set = m_keys->jwks(as(m_auditor));
        GH_VERIFY_OK(set);
        QCOMPARE(set->keys(), QStringList{QStringLiteral("keys")});
        const QJsonArray keys = set->value(QStringLiteral("keys")).toArray();
        QCOMPARE(keys.size(), 1);
        const QJsonObject jwk = keys.first().toObject();
        const QJsonObject expected{
            {QStringLiteral("kty"), QStringLiteral("OKP")},
            {QStringLiteral("crv"), QStringLiteral("Ed25519")},
            {QStringLiteral("x"), QString::fromLatin1(crypto::base64UrlEncode(key->publicKey))},
            {QStringLiteral("kid"), key->kid},
            {QStringLiteral("use"), QStringLiteral("sig")},
            {QStringLiteral("alg"), QStringLiteral("EdDSA")},
        };
        QCOMPARE(jwk, expected);
        QCOMPARE(jwk.value(QStringLiteral("x")).toString().size(), 43);
        QVERIFY(!jwk.contains(QStringLiteral("d")));
        // x is the key that verifies the store's tokens.
        const QString token = m_tokens->issue(signIn(m_alice), client())->token;
        const QList<QString> parts = token.split(u'.');
        QVERIFY(crypto::ed25519Verify(
            *crypto::base64UrlDecode(jwk.value(QStringLiteral("x")).toString().toLatin1()),
            QString(parts[0] + u'.' + parts[1]).toLatin1(),
            *crypto::base64UrlDecode(parts[2].toLatin1())));
    }

    void issuedTokensCarryTheProfile()
    {
        const QString kid = m_keys->rotate(as(m_admin))->kid;
        const QString session = signIn(m_alice);
        Result<IssuedAccessToken> issued = m_tokens->issue(session, client());
        GH_VERIFY_OK(issued);
        QCOMPARE(issued->kid, kid);
        QCOMPARE(issued->expiresAt, m_clock->now().addSecs(600));

        Result<Jwt::Decoded> decoded = Jwt::decode(issued->token.toLatin1());
        GH_VERIFY_OK(decoded);
        QCOMPARE(decoded->header,
                 (QJsonObject{{QStringLiteral("alg"), QStringLiteral("EdDSA")},
                              {QStringLiteral("typ"), QStringLiteral("at+jwt")},
                              {QStringLiteral("kid"), kid}}));
        const QJsonObject &claims = decoded->claims;
        QCOMPARE(claims.keys(),
                 (QStringList{QStringLiteral("amr"), QStringLiteral("aud"), QStringLiteral("exp"),
                              QStringLiteral("iat"), QStringLiteral("iss"), QStringLiteral("jti"),
                              QStringLiteral("sid"), QStringLiteral("sub")}));
        QCOMPARE(claims.value(QStringLiteral("iss")).toString(), QStringLiteral("gatehouse"));
        QCOMPARE(claims.value(QStringLiteral("aud")).toString(), QStringLiteral("gatehouse-api"));
        QCOMPARE(claims.value(QStringLiteral("sub")).toString(), m_alice.id);
        QCOMPARE(claims.value(QStringLiteral("iat")).toInteger(),
                 m_clock->now().toSecsSinceEpoch());
        QCOMPARE(claims.value(QStringLiteral("exp")).toInteger(),
                 m_clock->now().toSecsSinceEpoch() + 600);
        QCOMPARE(claims.value(QStringLiteral("amr")).toArray(), QJsonArray{QStringLiteral("pwd")});
        QCOMPARE(crypto::base64UrlDecode(claims.value(QStringLiteral("jti")).toString().toLatin1())
                     ->size(),
                 16);

        Result<VerifiedAccessToken> verified = m_tokens->verify(issued->token);
        GH_VERIFY_OK(verified);
        QCOMPARE(verified->userId, m_alice.id);
        QCOMPARE(verified->sessionId, claims.value(QStringLiteral("sid")).toString());
        QCOMPARE(verified->kid, kid);
        QCOMPARE(verified->jti, issued->jti);
        QCOMPARE(verified->expiresAt, issued->expiresAt);
        QVERIFY(!verified->mfaAuthenticated);

        // Two tokens never share a jti.
        Result<IssuedAccessToken> second = m_tokens->issue(session, client());
        GH_VERIFY_OK(second);
        QVERIFY(second->jti != issued->jti);

        // After the TOTP step, amr says so.
        Result<IssuedAccessToken> mfa = m_tokens->issue(signIn(m_alice, false, true), client());
        GH_VERIFY_OK(mfa);
        Result<VerifiedAccessToken> strong = m_tokens->verify(mfa->token);
        GH_VERIFY_OK(strong);
        QVERIFY(strong->mfaAuthenticated);
        QCOMPARE(strong->claims.value(QStringLiteral("amr")).toArray(),
                 (QJsonArray{QStringLiteral("pwd"), QStringLiteral("otp")}));
    }

    void tokensNeverOutliveTheirSession()
    {
        GH_VERIFY_OK(m_keys->rotate(as(m_admin)));
        SessionPolicy shortIdle;
        shortIdle.idleTimeoutSeconds = 120;
        GH_VERIFY_OK(m_sessions->setPolicy(as(m_admin), shortIdle));
        Result<IssuedAccessToken> issued = m_tokens->issue(signIn(m_alice), client());
        GH_VERIFY_OK(issued);
        QCOMPARE(issued->expiresAt, m_clock->now().addSecs(120));
    }

    void onlyLiveFullSessionsGetTokens() // SEC-26, D7
    {
        GH_VERIFY_OK(m_keys->rotate(as(m_admin)));
        const QString generic = QStringLiteral("Invalid or expired session.");
        const QString pending = signIn(m_alice, true);
        QVERIFY(!pending.isEmpty());
        const QString expired = signIn(m_alice);
        const QString revoked = signIn(m_alice);
        const QString disabled = signIn(m_operator);
        GH_VERIFY_OK(m_sessions->logout(revoked, client()));
        GH_VERIFY_OK(m_users->setStatus(as(m_admin), m_operator.id, User::Status::Disabled));
        const int before = count(QStringLiteral("SELECT count(*) FROM audit_events"
                                                " WHERE event_name = 'IssueAccessToken'"));
        m_clock->advance(31 * 60 * 1000);
        for (const QString &token :
             {pending, expired, revoked, disabled, QString(), QStringLiteral("gh_s_garbage"),
              QString::fromLatin1(QByteArray(100000, 'A'))}) {
            Result<IssuedAccessToken> refused = m_tokens->issue(token, client());
            GH_VERIFY_ERROR(refused, ErrorCode::Unauthenticated);
            QCOMPARE(refused.error().message, generic);
        }
        // Every refusal is on the record, with the caller's address and no token.
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM audit_events"
                                      " WHERE event_name = 'IssueAccessToken'"
                                      " AND error_code = 'Unauthenticated'")),
                 before + 7);
        const QJsonObject record = lastAudit(QStringLiteral("IssueAccessToken"));
        QCOMPARE(record.value(QStringLiteral("sourceIPAddress")).toString(),
                 QStringLiteral("192.0.2.20"));
        QVERIFY(!QJsonDocument(record).toJson().contains(expired.toLatin1()));
    }

    void privateKeysAreSealedAtRest() // SEC-18
    {
        Result<SigningKey> key = m_keys->rotate(as(m_admin));
        GH_VERIFY_OK(key);
        const QByteArray seed = openSeed(key->kid);
        QCOMPARE(seed.size(), 32);
        // The sealed seed is this key's: it derives the stored public key.
        Result<crypto::Ed25519KeyPair> pair = crypto::Ed25519KeyPair::fromPrivateKey(seed);
        GH_VERIFY_OK(pair);
        QCOMPARE(pair->publicKey(), key->publicKey);
        // Issue once so the key is also used, then look at every byte of the store.
        GH_VERIFY_OK(m_tokens->issue(signIn(m_alice), client()));
        const QByteArray bytes = storeBytes();
        QVERIFY(bytes.size() > 4096);
        QVERIFY(bytes.contains(key->publicKey)); // the scan can see key material at all
        for (const QByteArray &form :
             {seed, seed.toHex(), seed.toBase64(), crypto::base64UrlEncode(seed)}) {
            QVERIFY(!bytes.contains(form));
        }
        // A box moved to another key's row does not open there.
        Result<SigningKey> second = m_keys->rotate(as(m_admin));
        GH_VERIFY_OK(second);
        QVERIFY(openSeed(key->kid).isEmpty()); // rotation dropped the old private key
        QVERIFY(value(QStringLiteral("SELECT sealed_private_key FROM signing_keys WHERE kid = ?"),
                      {key->kid})
                    .isNull());
        const QByteArray secondBox =
            value(QStringLiteral("SELECT sealed_private_key FROM signing_keys WHERE kid = ?"),
                  {second->kid})
                .toByteArray();
        GH_VERIFY_OK(m_keys->rotate(as(m_admin)));
        const QString third = activeKid();
        GH_VERIFY_OK(exec(QStringLiteral("UPDATE signing_keys SET sealed_private_key = ?"
                                         " WHERE kid = ?"),
                          {secondBox, third}));
        Result<IssuedAccessToken> moved = m_tokens->issue(signIn(m_alice), client());
        GH_VERIFY_ERROR(moved, ErrorCode::Integrity);
        QVERIFY(moved.error().message.contains(third));
        QVERIFY(moved.error().message.contains(u"moved from another record"));
    }

    void wrongOrMissingDataKey()
    {
        Result<SigningKey> key = m_keys->rotate(as(m_admin));
        GH_VERIFY_OK(key);
        const QString session = signIn(m_alice);
        Result<IssuedAccessToken> before = m_tokens->issue(session, client());
        GH_VERIFY_OK(before);

        // Another data key: a clear Integrity error naming the key, nothing else.
        Result<crypto::SecretBox> other = test::newDataKey();
        GH_VERIFY_OK(other);
        useDataKey(*other);
        Result<IssuedAccessToken> wrong = m_tokens->issue(session, client());
        GH_VERIFY_ERROR(wrong, ErrorCode::Integrity);
        QVERIFY(wrong.error().message.contains(key->kid));
        QVERIFY(wrong.error().message.contains(u"different data key"));
        // Public keys need no data key: verification, listing and JWKS still work.
        GH_VERIFY_OK(m_tokens->verify(before->token));

        // No data key at all: Unavailable, saying what to do.
        useDataKey(std::nullopt);
        Result<IssuedAccessToken> missing = m_tokens->issue(session, client());
        GH_VERIFY_ERROR(missing, ErrorCode::Unavailable);
        QVERIFY(missing.error().message.contains(u".key"));
        GH_VERIFY_ERROR(m_keys->rotate(as(m_admin)), ErrorCode::Unavailable);
        QCOMPARE(activeKid(), key->kid);
        GH_VERIFY_OK(m_tokens->verify(before->token));
        GH_VERIFY_OK(m_keys->list(as(m_admin)));
        QCOMPARE(jwksKids(as(m_admin)), QStringList{key->kid});

        // Back with the right key, everything works again.
        useDataKey(m_box);
        GH_VERIFY_OK(m_tokens->issue(session, client()));
    }

    void rotationKeepsOldTokensUntilTheyExpire() // C2-like, SEC-30
    {
        const QString first = m_keys->rotate(as(m_admin))->kid;
        const QString session = signIn(m_alice);
        Result<IssuedAccessToken> old = m_tokens->issue(session, client());
        GH_VERIFY_OK(old);
        m_clock->advance(100 * 1000);

        Result<SigningKey> rotated = m_keys->rotate(as(m_admin));
        GH_VERIFY_OK(rotated);
        const QString second = rotated->kid;
        QVERIFY(second != first);
        QCOMPARE(activeKid(), second);
        const SigningKey demoted = keyRow(first);
        QCOMPARE(demoted.state, SigningKey::State::VerifyOnly);
        QCOMPARE(demoted.rotatedAt, m_clock->now());
        // Verify-only until the last token it signed has expired, plus the leeway.
        QCOMPARE(demoted.retiredAfter, old->expiresAt.addSecs(60));
        QCOMPARE(lastAudit(QStringLiteral("RotateSigningKey"))
                     .value(QStringLiteral("responseElements"))
                     .toObject()
                     .value(QStringLiteral("previousKid"))
                     .toString(),
                 first);

        Result<IssuedAccessToken> fresh = m_tokens->issue(session, client());
        GH_VERIFY_OK(fresh);
        QCOMPARE(fresh->kid, second);
        GH_VERIFY_OK(m_tokens->verify(old->token));
        GH_VERIFY_OK(m_tokens->verify(fresh->token));
        QCOMPARE(jwksKids(as(m_admin)), (QStringList{second, first}));

        // The last second of the old token's leeway: still good.
        m_clock->set(old->expiresAt.addSecs(59));
        GH_VERIFY_OK(m_tokens->verify(old->token));
        QCOMPARE(keyRow(first).status(m_clock->now()), SigningKey::Status::VerifyOnly);
        // Then the old key ends by itself: out of JWKS, verifies nothing.
        m_clock->set(old->expiresAt.addSecs(60));
        verifyRefused(old->token, QStringLiteral("unknown or retired key"));
        QCOMPARE(keyRow(first).status(m_clock->now()), SigningKey::Status::Expired);
        QCOMPARE(jwksKids(as(m_admin)), QStringList{second});
        GH_VERIFY_OK(m_tokens->verify(fresh->token));

        // Purge deletes it, and only it.
        Result<int> purged = m_keys->purge(as(m_admin));
        GH_VERIFY_OK(purged);
        QCOMPARE(*purged, 1);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM signing_keys")), 1);
        QCOMPARE(activeKid(), second);
        QCOMPARE(lastAudit(QStringLiteral("PurgeSigningKeys"))
                     .value(QStringLiteral("responseElements"))
                     .toObject()
                     .value(QStringLiteral("kids"))
                     .toArray(),
                 QJsonArray{first});
        GH_VERIFY_OK(m_tokens->verify(fresh->token));
    }

    void rotatingAnUnusedKeyEndsItAfterTheLeewayOnly()
    {
        const QString first = m_keys->rotate(as(m_admin))->kid;
        GH_VERIFY_OK(m_keys->rotate(as(m_admin)));
        QCOMPARE(keyRow(first).retiredAfter, m_clock->now().addSecs(60));
        // A longer-lived token signed under an earlier, longer policy still counts: the
        // latest expiry the key ever signed for is what keeps it.
        JwtPolicy longer;
        longer.lifetimeSeconds = 900;
        GH_VERIFY_OK(m_tokens->setPolicy(as(m_admin), longer));
        const QString session = signIn(m_alice);
        Result<IssuedAccessToken> longToken = m_tokens->issue(session, client());
        GH_VERIFY_OK(longToken);
        JwtPolicy shorter;
        shorter.lifetimeSeconds = 60;
        GH_VERIFY_OK(m_tokens->setPolicy(as(m_admin), shorter));
        GH_VERIFY_OK(m_tokens->issue(session, client()));
        const QString signer = activeKid();
        GH_VERIFY_OK(m_keys->rotate(as(m_admin)));
        QCOMPARE(keyRow(signer).retiredAfter, longToken->expiresAt.addSecs(60));
    }

    void retireEndsAVerifyOnlyKeyAtOnce()
    {
        const QString first = m_keys->rotate(as(m_admin))->kid;
        Result<IssuedAccessToken> old = m_tokens->issue(signIn(m_alice), client());
        GH_VERIFY_OK(old);
        const QString second = m_keys->rotate(as(m_admin))->kid;
        GH_VERIFY_OK(m_tokens->verify(old->token));

        Result<SigningKey> retired = m_keys->retire(as(m_admin), first);
        GH_VERIFY_OK(retired);
        QCOMPARE(retired->status(m_clock->now()), SigningKey::Status::Retired);
        QCOMPARE(retired->retiredBy, m_admin.id);
        QCOMPARE(retired->retiredAt, m_clock->now());
        // Not expired, but its key is gone.
        QVERIFY(old->expiresAt > m_clock->now());
        verifyRefused(old->token, QStringLiteral("unknown or retired key"));
        QCOMPARE(jwksKids(as(m_admin)), QStringList{second});

        // Again: idempotent, the first retirement stays.
        m_clock->advance(5000);
        Result<SigningKey> again = m_keys->retire(as(m_admin), first);
        GH_VERIFY_OK(again);
        QCOMPARE(again->retiredAt, retired->retiredAt);
        QCOMPARE(lastAudit(QStringLiteral("RetireSigningKey"))
                     .value(QStringLiteral("responseElements"))
                     .toObject()
                     .value(QStringLiteral("alreadyRetired"))
                     .toBool(),
                 true);

        // The signing key cannot be retired: rotate first.
        Result<SigningKey> refused = m_keys->retire(as(m_owner), second);
        GH_VERIFY_ERROR(refused, ErrorCode::Conflict);
        QVERIFY(refused.error().message.contains(u"rotate first"));
        QCOMPARE(activeKid(), second);
        GH_VERIFY_OK(m_tokens->issue(signIn(m_alice), client()));

        // Unknown and malformed ids are NotFound; what was typed reaches the audit trail only
        // when it has the shape of a kid.
        GH_VERIFY_ERROR(m_keys->retire(as(m_admin), QStringLiteral("k_AAAAAAAAAAAAAAAA")),
                        ErrorCode::NotFound);
        for (const QString &typed :
             {QStringLiteral("../../etc/passwd"), QStringLiteral("' OR 1=1 --"), QString(),
              QStringLiteral("gh_s_secretsecretsecret")}) {
            GH_VERIFY_ERROR(m_keys->retire(as(m_admin), typed), ErrorCode::NotFound);
            const QJsonObject record = lastAudit(QStringLiteral("RetireSigningKey"));
            const QString recorded = record.value(QStringLiteral("resources"))
                                         .toArray()
                                         .first()
                                         .toObject()
                                         .value(QStringLiteral("ARN"))
                                         .toString();
            QCOMPARE(recorded, QStringLiteral("(malformed id)"));
            QVERIFY(!QJsonDocument(record).toJson().contains("secretsecret"));
            QVERIFY(!QJsonDocument(record).toJson().contains("passwd"));
        }
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM signing_keys")), 2);

        // Purge removes the retired key at once, whatever its tokens' expiry.
        Result<int> purged = m_keys->purge(as(m_admin));
        GH_VERIFY_OK(purged);
        QCOMPARE(*purged, 1);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM signing_keys WHERE kid = ?"), {first}),
                 0);
    }

    void concurrentRotationsLeaveExactlyOneActiveKey() // C2, G9
    {
        constexpr int kThreads = 4;
        constexpr int kEach = 5;
        std::atomic<int> succeeded{0};
        std::atomic<int> failed{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&] {
                for (int i = 0; i < kEach; ++i) {
                    if (m_keys->rotate(as(m_admin)))
                        ++succeeded;
                    else
                        ++failed;
                }
            });
        }
        for (std::thread &thread : threads)
            thread.join();
        QCOMPARE(failed.load(), 0);
        QCOMPARE(succeeded.load(), kThreads * kEach);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM signing_keys WHERE state = 'active'")),
                 1);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM signing_keys"
                                      " WHERE state = 'verify_only'")),
                 kThreads * kEach - 1);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM signing_keys"
                                      " WHERE sealed_private_key IS NOT NULL")),
                 1);
        GH_VERIFY_OK(m_tokens->issue(signIn(m_alice), client()));

        // The schema itself refuses a second signing key and a verify-only key with a private
        // key, whatever code writes to it.
        QVERIFY(!exec(QStringLiteral("INSERT INTO signing_keys (kid, algorithm, public_key,"
                                     " sealed_private_key, state, created_at, created_by)"
                                     " VALUES ('k_BBBBBBBBBBBBBBBB', 'EdDSA', zeroblob(32),"
                                     " x'01', 'active', '2026-06-01', 'x')")));
        QVERIFY(!exec(QStringLiteral("UPDATE signing_keys SET sealed_private_key = x'01'"
                                     " WHERE state = 'verify_only'")));
        QVERIFY(!exec(QStringLiteral("UPDATE signing_keys SET algorithm = 'HS256'")));
        QVERIFY(!exec(QStringLiteral("UPDATE signing_keys SET kid = '../etc/passwd'"
                                     " WHERE state = 'active'")));
    }

    void auditRecordsNameKeysOnly() // SEC-43
    {
        const QString session = signIn(m_alice);
        const QString first = m_keys->rotate(as(m_admin))->kid;
        const QByteArray seed = openSeed(first);
        const QByteArray box =
            value(QStringLiteral("SELECT sealed_private_key FROM signing_keys WHERE kid = ?"),
                  {first})
                .toByteArray();
        Result<IssuedAccessToken> issued = m_tokens->issue(session, client());
        GH_VERIFY_OK(issued);
        GH_VERIFY_OK(m_tokens->verify(issued->token));
        const QString second = m_keys->rotate(as(m_admin))->kid;
        GH_VERIFY_OK(m_keys->retire(as(m_admin), first));
        GH_VERIFY_OK(m_keys->purge(as(m_admin)));
        GH_VERIFY_OK(m_keys->jwks(as(m_auditor)));
        GH_VERIFY_OK(m_keys->list(as(m_auditor)));
        GH_VERIFY_ERROR(m_keys->rotate(as(m_auditor)), ErrorCode::PermissionDenied);

        const QJsonObject issue = lastAudit(QStringLiteral("IssueAccessToken"));
        QCOMPARE(issue.value(QStringLiteral("eventSource")).toString(),
                 QStringLiteral("auth.gatehouse"));
        QCOMPARE(issue.value(QStringLiteral("userIdentity"))
                     .toObject()
                     .value(QStringLiteral("userName"))
                     .toString(),
                 QStringLiteral("alice"));
        const QJsonObject response = issue.value(QStringLiteral("responseElements")).toObject();
        QCOMPARE(response.value(QStringLiteral("jti")).toString(), issued->jti);
        QCOMPARE(response.value(QStringLiteral("kid")).toString(), first);
        const QJsonObject rotate = lastAudit(QStringLiteral("RotateSigningKey"));
        QCOMPARE(rotate.value(QStringLiteral("errorCode")).toString(),
                 QStringLiteral("PermissionDenied"));

        QStringList events;
        const QString all =
            m_store
                ->transact<QString>(Store::Access::Read,
                                    [&](SqlTransaction &tx) -> Result<QString> {
                                        Result<QSqlQuery> records = tx.exec(QStringLiteral(
                                            "SELECT event_name, record FROM audit_events"));
                                        if (!records)
                                            return records.error();
                                        QString text;
                                        while (records->next()) {
                                            events.append(records->value(0).toString());
                                            text += records->value(1).toString();
                                        }
                                        return text;
                                    })
                .valueOr(QString());
        for (const char *name : {"RotateSigningKey", "IssueAccessToken", "RetireSigningKey",
                                 "PurgeSigningKeys", "GetJwks", "ListSigningKeys"}) {
            QVERIFY2(events.contains(QLatin1String(name)), name);
        }
        QVERIFY(all.contains(first));
        QVERIFY(all.contains(second));
        const QByteArray text = all.toUtf8();
        const QList<QByteArray> parts = issued->token.toLatin1().split('.');
        for (const QByteArray &secret :
             {seed.toHex(), seed.toBase64(), crypto::base64UrlEncode(seed), box.toHex(),
              box.toBase64(), crypto::base64UrlEncode(box), parts[2], session.toLatin1()}) {
            QVERIFY(!text.contains(secret));
        }
    }

    void permissions() // SEC-31
    {
        GH_VERIFY_OK(m_keys->rotate(as(m_owner)));
        const QString kid = activeKid();
        // Auditors read keys and the policy, and change nothing.
        GH_VERIFY_OK(m_keys->list(as(m_auditor)));
        GH_VERIFY_OK(m_keys->jwks(as(m_auditor)));
        GH_VERIFY_OK(m_tokens->policy(as(m_auditor)));
        GH_VERIFY_ERROR(m_keys->rotate(as(m_auditor)), ErrorCode::PermissionDenied);
        GH_VERIFY_ERROR(m_keys->retire(as(m_auditor), kid), ErrorCode::PermissionDenied);
        GH_VERIFY_ERROR(m_keys->purge(as(m_auditor)), ErrorCode::PermissionDenied);
        GH_VERIFY_ERROR(m_tokens->setPolicy(as(m_auditor), JwtPolicy{}),
                        ErrorCode::PermissionDenied);
        // Operators and users hold no key permission at all.
        for (const User &user : {m_operator, m_alice}) {
            GH_VERIFY_ERROR(m_keys->list(as(user)), ErrorCode::PermissionDenied);
            GH_VERIFY_ERROR(m_keys->jwks(as(user)), ErrorCode::PermissionDenied);
            GH_VERIFY_ERROR(m_keys->rotate(as(user)), ErrorCode::PermissionDenied);
            GH_VERIFY_ERROR(m_keys->retire(as(user), kid), ErrorCode::PermissionDenied);
            GH_VERIFY_ERROR(m_tokens->setPolicy(as(user), JwtPolicy{}),
                            ErrorCode::PermissionDenied);
        }
        GH_VERIFY_ERROR(m_keys->rotate(Actor{}), ErrorCode::Unauthenticated);
        GH_VERIFY_ERROR(m_keys->list(Actor{}), ErrorCode::Unauthenticated);
        // A disabled administrator is nobody, on the very next call (SEC-33).
        GH_VERIFY_OK(m_users->setStatus(as(m_owner), m_admin.id, User::Status::Disabled));
        GH_VERIFY_ERROR(m_keys->rotate(as(m_admin)), ErrorCode::Unauthenticated);
        QCOMPARE(activeKid(), kid);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM signing_keys")), 1);
        // The server itself may rotate (scheduled rotation).
        GH_VERIFY_OK(m_keys->rotate(Actor::system()));
    }

    void jwtPolicyIsStrictStoredAndAudited()
    {
        Result<JwtPolicy> defaults = m_tokens->policy(as(m_admin));
        GH_VERIFY_OK(defaults);
        QCOMPARE(*defaults, JwtPolicy::defaults());
        QVERIFY(defaults->lifetimeSeconds <= 900);

        const auto refused = [&](JwtPolicy policy) {
            Result<JwtPolicy> set = m_tokens->setPolicy(as(m_admin), policy);
            return !set && set.error().code == ErrorCode::InvalidInput;
        };
        JwtPolicy bad;
        bad.lifetimeSeconds = 901;
        QVERIFY(refused(bad));
        bad.lifetimeSeconds = 59;
        QVERIFY(refused(bad));
        bad = JwtPolicy{};
        bad.leewaySeconds = 61;
        QVERIFY(refused(bad));
        bad.leewaySeconds = -1;
        QVERIFY(refused(bad));
        for (const QString &name : {QString(), QStringLiteral("has space"),
                                    QStringLiteral("line\nbreak"), QString(256, QLatin1Char('a')),
                                    QStringLiteral("caf\u00e9"), QStringLiteral("tab\there")}) {
            bad = JwtPolicy{};
            bad.issuer = name;
            QVERIFY(refused(bad));
            bad = JwtPolicy{};
            bad.audience = name;
            QVERIFY(refused(bad));
        }
        for (const char *json :
             {"{\"lifetimeSeconds\":600.5}", "{\"lifetimeSeconds\":\"600\"}", "{\"issuer\":42}",
              "{\"audience\":null}", "{\"unknown\":1}", "{\"leewaySeconds\":1e12}"}) {
            QVERIFY2(!JwtPolicy::fromJson(QJsonDocument::fromJson(json).object()), json);
        }
        QCOMPARE(*m_tokens->policy(as(m_admin)), JwtPolicy::defaults());

        GH_VERIFY_OK(m_keys->rotate(as(m_admin)));
        const QString session = signIn(m_alice);
        Result<IssuedAccessToken> before = m_tokens->issue(session, client());
        GH_VERIFY_OK(before);

        JwtPolicy wanted;
        wanted.issuer = QStringLiteral("https://auth.example.com");
        wanted.audience = QStringLiteral("urn:example:api");
        wanted.lifetimeSeconds = 300;
        wanted.leewaySeconds = 10;
        GH_VERIFY_OK(m_tokens->setPolicy(as(m_admin), wanted));
        QCOMPARE(*m_tokens->policy(as(m_auditor)), wanted);
        const QJsonObject record = lastAudit(QStringLiteral("UpdateJwtPolicy"));
        QCOMPARE(record.value(QStringLiteral("requestParameters")).toObject(), wanted.toJson());
        QCOMPARE(record.value(QStringLiteral("responseElements"))
                     .toObject()
                     .value(QStringLiteral("previous"))
                     .toObject(),
                 JwtPolicy::defaults().toJson());

        Result<IssuedAccessToken> after = m_tokens->issue(session, client());
        GH_VERIFY_OK(after);
        QCOMPARE(after->expiresAt, m_clock->now().addSecs(300));
        Result<VerifiedAccessToken> verified = m_tokens->verify(after->token);
        GH_VERIFY_OK(verified);
        QCOMPARE(verified->claims.value(QStringLiteral("iss")).toString(), wanted.issuer);
        QCOMPARE(verified->claims.value(QStringLiteral("aud")).toString(), wanted.audience);
        // A new issuer or audience ends the tokens made for the old one.
        verifyRefused(before->token, QStringLiteral("issuer"));
        // And the new leeway applies.
        m_clock->set(after->expiresAt.addSecs(10));
        verifyRefused(after->token, QStringLiteral("expired"));

        // A damaged stored policy is an Integrity error, never silently the defaults.
        GH_VERIFY_OK(exec(QStringLiteral("UPDATE policies SET document = ? WHERE name = 'jwt'"),
                          {QStringLiteral("{\"lifetimeSeconds\":86400}")}));
        GH_VERIFY_ERROR(m_tokens->policy(as(m_admin)), ErrorCode::Integrity);
        GH_VERIFY_ERROR(m_tokens->issue(signIn(m_alice), client()), ErrorCode::Integrity);
    }

    void verificationFollowsTheSession() // SEC-23, SEC-24
    {
        GH_VERIFY_OK(m_keys->rotate(as(m_admin)));
        const QString session = signIn(m_alice);
        Result<IssuedAccessToken> issued = m_tokens->issue(session, client());
        GH_VERIFY_OK(issued);
        GH_VERIFY_OK(m_sessions->logout(session, client()));
        verifyRefused(issued->token, QStringLiteral("session has ended"));

        const QString other = signIn(m_operator);
        Result<IssuedAccessToken> operatorToken = m_tokens->issue(other, client());
        GH_VERIFY_OK(operatorToken);
        GH_VERIFY_OK(m_tokens->verify(operatorToken->token));
        GH_VERIFY_OK(m_users->setStatus(as(m_admin), m_operator.id, User::Status::Disabled));
        verifyRefused(operatorToken->token, QStringLiteral("session has ended"));
    }

    void forgedTokensAreRefused()
    {
        const QString kid = m_keys->rotate(as(m_admin))->kid;
        const QString session = signIn(m_alice);
        Result<IssuedAccessToken> issued = m_tokens->issue(session, client());
        GH_VERIFY_OK(issued);
        const QJsonObject header = Jwt::decode(issued->token.toLatin1())->header;
        const QJsonObject claims = Jwt::decode(issued->token.toLatin1())->claims;
        // The profile's own rules, checked after the signature: signed by the store's key,
        // and still refused.
        for (const char *missing : {"sub", "sid", "jti"}) {
            QJsonObject without = claims;
            without.remove(QLatin1String(missing));
            verifyRefused(forge(kid, header, without), QStringLiteral("required claim"));
            without.insert(QLatin1String(missing), QString());
            verifyRefused(forge(kid, header, without), QStringLiteral("required claim"));
        }
        QJsonObject noIat = claims;
        noIat.remove(QStringLiteral("iat"));
        verifyRefused(forge(kid, header, noIat), QStringLiteral("iat is missing"));
        // Someone else's session id under alice's name.
        QJsonObject otherSession = claims;
        otherSession.insert(QStringLiteral("sub"), m_owner.id);
        verifyRefused(forge(kid, header, otherSession), QStringLiteral("session has ended"));
        QJsonObject unknownSession = claims;
        unknownSession.insert(QStringLiteral("sid"),
                              QStringLiteral("00000000-0000-4000-8000-000000000000"));
        verifyRefused(forge(kid, header, unknownSession), QStringLiteral("session has ended"));
        QJsonObject oddSession = claims;
        oddSession.insert(QStringLiteral("sid"), QStringLiteral("' OR 1=1 --"));
        verifyRefused(forge(kid, header, oddSession), QStringLiteral("session has ended"));
        // A key that is not the store's, claiming the store's kid.
        Result<crypto::Ed25519KeyPair> stranger = crypto::Ed25519KeyPair::generate();
        GH_VERIFY_OK(stranger);
        const QByteArray input = Jwt::signingInput(header, claims);
        verifyRefused(QString::fromLatin1(Jwt::compact(input, *stranger->sign(input))),
                      QStringLiteral("signature does not verify"));
        // An oversize string is refused without being converted whole.
        verifyRefused(QString(10 * 1024 * 1024, QLatin1Char('A')), QStringLiteral("longer than"));
        verifyRefused(issued->token + QString(u'\u00e9'), QStringLiteral("outside"));
        GH_VERIFY_OK(m_tokens->verify(issued->token));
    }
};

QTEST_GUILESS_MAIN(TestSigningKeys)
#include "TestSigningKeys.moc"
