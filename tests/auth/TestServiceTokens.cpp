#include "TestStores.h"
#include "auth/AccessControl.h"
#include "auth/ServiceTokenPolicy.h"
#include "auth/ServiceTokenRows.h"
#include "auth/ServiceTokens.h"
#include "auth/TokenFormat.h"
#include "auth/UserDirectory.h"
#include "auth/UserRows.h"
#include "crypto/Hash.h"
#include "model/Clock.h"

#include "TestSupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QUuid>

#include <atomic>
#include <latch>
#include <thread>

using namespace gatehouse;
using gatehouse::test::actorFor;

namespace {

constexpr qint64 kHour = 3600;
constexpr qint64 kDay = 24 * kHour;

Actor client(const QString &ip = QStringLiteral("192.0.2.10"))
{
    Actor actor;
    actor.sourceIp = ip;
    actor.userAgent = QStringLiteral("TestServiceTokens/1.0");
    actor.requestId = QStringLiteral("req-7");
    return actor;
}

const QString kGeneric = QStringLiteral("Invalid, expired or revoked service token.");

// A store that counts the transactions run through it: proof that a refusal cost no lookup.
class CountingStore final : public Store
{
public:
    explicit CountingStore(Store &inner)
        : m_inner(inner)
    {}
    StoreInfo info() const override { return m_inner.info(); }
    std::optional<ChangeStamp> changeStamp() const override { return m_inner.changeStamp(); }
    Result<void> transaction(Access access,
                             const std::function<Result<void>(SqlTransaction &)> &work) override
    {
        ++transactions;
        return m_inner.transaction(access, work);
    }
    std::atomic<int> transactions{0};

private:
    Store &m_inner;
};

// The secret part of a token: what must never appear anywhere but in the one response.
QString secretPart(const QString &token)
{
    return token.mid(TokenFormat::ServiceTokenPrefix.size() + 1 + TokenFormat::KeyIdLength + 1,
                     TokenFormat::ServiceSecretLength);
}

} // namespace

class TestServiceTokens : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::shared_ptr<ManualClock> m_clock;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<ServiceContext> m_context;
    std::unique_ptr<UserDirectory> m_users;
    std::unique_ptr<ServiceTokens> m_tokens;
    User m_owner;
    User m_admin;
    User m_operator;
    User m_auditor;
    User m_alice;
    User m_bob;

    User makeUser(const QString &name, Role role)
    {
        Result<User> user =
            m_users->create(actorFor(m_owner), NewUser{name, QString(), QString(), {role}});
        if (!user)
            qFatal("could not create a user");
        return *user;
    }

    Result<ServiceTokenSecret> create(const User &caller, const User &owner,
                                      QList<ServiceTokenScope> scopes, qint64 expiresInSeconds = 0,
                                      const QString &name = QStringLiteral("deploy bot"))
    {
        return m_tokens->create(actorFor(caller),
                                NewServiceToken{owner.id, name, scopes, expiresInSeconds});
    }

    ServiceTokenSecret mustCreate(const User &owner, QList<ServiceTokenScope> scopes,
                                  qint64 expiresInSeconds = 0)
    {
        Result<ServiceTokenSecret> issued = create(m_owner, owner, scopes, expiresInSeconds);
        if (!issued)
            qFatal("could not create a token: %s", qPrintable(issued.error().message));
        return *issued;
    }

    Result<ServiceTokenSecret> rotate(const User &caller, const ServiceToken &token,
                                      qint64 graceSeconds, int generation = 0)
    {
        return m_tokens->rotate(
            actorFor(caller), token.id,
            ServiceTokenRotation{generation ? generation : token.generation, graceSeconds, 0});
    }

    // The actor of a request that presented `secret`: as a server would build it.
    Actor actorOf(const QString &secret)
    {
        Result<ValidatedServiceToken> valid = m_tokens->validate(secret, client());
        if (!valid)
            qFatal("the token did not validate");
        return valid->actor(client());
    }

    QVariant value(const QString &sql, const QVariantList &parameters = {})
    {
        return m_store
            ->transact<QVariant>(Store::Access::Read,
                                 [&](SqlTransaction &tx) { return tx.scalar(sql, parameters); })
            .valueOr(QVariant());
    }

    int count(const QString &sql, const QVariantList &parameters = {})
    {
        const QVariant n = value(sql, parameters);
        return n.isNull() ? -1 : n.toInt();
    }

    QList<QJsonObject> auditRecords(const QString &eventName)
    {
        Result<QList<QJsonObject>> records = m_store->transact<QList<QJsonObject>>(
            Store::Access::Read, [&](SqlTransaction &tx) -> Result<QList<QJsonObject>> {
                Result<QSqlQuery> rows =
                    tx.exec(QStringLiteral("SELECT record FROM audit_events WHERE event_name = ?"
                                           " ORDER BY seq"),
                            {eventName});
                if (!rows)
                    return rows.error();
                QList<QJsonObject> all;
                while (rows->next())
                    all << QJsonDocument::fromJson(rows->value(0).toString().toUtf8()).object();
                return all;
            });
        return records.valueOr({});
    }

    QJsonObject lastAuditRecord()
    {
        const QString json =
            value(QStringLiteral("SELECT record FROM audit_events ORDER BY seq DESC LIMIT 1"))
                .toString();
        return QJsonDocument::fromJson(json.toUtf8()).object();
    }

    // The last refusal audited for a presented token, as its error message says.
    QString lastRefusal()
    {
        const QList<QJsonObject> refusals =
            auditRecords(QStringLiteral("AuthenticateServiceToken"));
        return refusals.isEmpty()
            ? QString()
            : refusals.last().value(QStringLiteral("errorMessage")).toString();
    }

    void verifyRefused(const QString &secret)
    {
        Result<ValidatedServiceToken> refused = m_tokens->validate(secret, client());
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::Unauthenticated);
        QCOMPARE(refused.error().message, kGeneric);
    }

    // Everything the store holds, as a thief of its storage would see it.
    QByteArray storeBytes() const { return test::TestStores::contents(*m_store); }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_clock = std::make_shared<ManualClock>(QDateTime(QDate(2026, 6, 1), QTime(9, 0), Qt::UTC));
        static int counter = 0;
        auto store = test::TestStores::create(m_dir.path(),
                                              QStringLiteral("tokens-%1").arg(++counter), m_clock);
        GH_VERIFY_OK(store);
        m_store = std::move(store).value();
        m_context = std::make_unique<ServiceContext>(*m_store, m_clock);
        m_users = std::make_unique<UserDirectory>(*m_context);
        m_tokens = std::make_unique<ServiceTokens>(*m_context);
        Result<User> owner = m_users->createFirstOwner(Actor::localConsole(),
                                                       NewUser{QStringLiteral("root"), {}, {}, {}});
        GH_VERIFY_OK(owner);
        m_owner = *owner;
        m_admin = makeUser(QStringLiteral("ada"), Role::Admin);
        m_operator = makeUser(QStringLiteral("otto"), Role::Operator);
        m_auditor = makeUser(QStringLiteral("audrey"), Role::Auditor);
        m_alice = makeUser(QStringLiteral("alice"), Role::User);
        m_bob = makeUser(QStringLiteral("bob"), Role::User);
    }

    void cleanup()
    {
        m_tokens.reset();
        m_users.reset();
        m_context.reset();
        m_store.reset();
    }

    void createShowsTheSecretOnceAndStoresOnlyItsHash() // SEC-27
    {
        Result<ServiceTokenSecret> issued =
            create(m_alice, m_alice, {ServiceTokenScope::AdminRead, ServiceTokenScope::Admin});
        GH_VERIFY_OK(issued);
        const QString secret = issued->secret;
        QCOMPARE(secret.size(), TokenFormat::ServiceTokenLength);
        QVERIFY(secret.startsWith(QStringLiteral("ghk_")));
        Result<ParsedServiceToken> parsed = TokenFormat::parseServiceToken(secret);
        GH_VERIFY_OK(parsed);
        const ServiceToken &token = issued->token;
        QCOMPARE(parsed->keyId, token.id);
        QCOMPARE(token.ownerId, m_alice.id);
        QCOMPARE(token.ownerUsername, QStringLiteral("alice"));
        QCOMPARE(token.name, QStringLiteral("deploy bot"));
        QCOMPARE(
            token.scopes,
            (QList<ServiceTokenScope>{ServiceTokenScope::Admin, ServiceTokenScope::AdminRead}));
        QCOMPARE(token.generation, 1);
        QCOMPARE(token.createdBy, m_alice.id);
        QCOMPARE(token.expiresAt, m_clock->now().addSecs(90 * kDay)); // the policy default
        QCOMPARE(token.status(m_clock->now()), ServiceToken::Status::Active);

        Result<ValidatedServiceToken> valid = m_tokens->validate(secret, client());
        GH_VERIFY_OK(valid);
        QCOMPARE(valid->userId, m_alice.id);
        QCOMPARE(valid->keyId, token.id);
        const Actor actor = valid->actor(client());
        QCOMPARE(actor.kind, Actor::Kind::User);
        QCOMPARE(actor.credential, Actor::Credential::ServiceToken);
        QCOMPARE(actor.accessKeyId, token.id);
        QCOMPARE(actor.username, QStringLiteral("alice"));
        QVERIFY(actor.sessionId.isEmpty());

        // Only SHA-256 of the token is kept, and nothing else in the store holds the secret.
        QCOMPARE(value(QStringLiteral("SELECT secret_hash FROM service_token_secrets"
                                      " WHERE token_id = ?"),
                       {token.id})
                     .toByteArray(),
                 crypto::sha256(secret.toLatin1()));
        const QByteArray bytes = storeBytes();
        QVERIFY(!bytes.isEmpty());
        QVERIFY(!bytes.contains(secret.toLatin1()));
        QVERIFY(!bytes.contains(secretPart(secret).toLatin1()));
        QVERIFY(!bytes.contains(secretPart(secret).left(20).toLatin1()));
        QVERIFY(bytes.contains(token.id.toLatin1())); // the id, by contrast, is public

        // Reading the token back never shows a secret again.
        Result<ServiceToken> read = m_tokens->get(actorFor(m_alice), token.id);
        GH_VERIFY_OK(read);
        const QByteArray shown =
            QJsonDocument(ServiceTokenRows::toJson(*read, m_clock->now())).toJson();
        QVERIFY(!shown.contains(secretPart(secret).toLatin1()));
        QVERIFY(!shown.contains("secret\""));

        // Two tokens never share an id or a secret.
        Result<ServiceTokenSecret> second = create(m_alice, m_alice, {ServiceTokenScope::Admin});
        GH_VERIFY_OK(second);
        QVERIFY(second->token.id != token.id);
        QVERIFY(secretPart(second->secret) != secretPart(secret));
    }

    // What validate() read is kept while the store shows nothing has changed, and only that
    // long: any change that can end or narrow a token, made through any connection (here SQL
    // typed by hand on a connection of its own, as another program would), applies on the very
    // next validation. Last-use records neither end nor move anything.
    void keptTokensFollowAnyChangeFromAnyConnection_data()
    {
        GH_SQLITE_ONLY(); // the change stamp of SQLite's WAL; PostgreSQL reads the revision every
                          // time
        QTest::addColumn<QString>("statement");
        QTest::addColumn<bool>("stillValid");
        QTest::addColumn<bool>("dropsKeptRows"); // moves the credential revision
        QTest::newRow("revoked") << QStringLiteral(
            "UPDATE service_tokens SET revoked_at = '2026-06-01T09:00:00.000Z' WHERE id = :id")
                                 << false << true;
        QTest::newRow("deactivated") << QStringLiteral("UPDATE service_tokens SET deactivated_at ="
                                                       " '2026-06-01T09:00:00.000Z' WHERE id = :id")
                                     << false << true;
        QTest::newRow("expired") << QStringLiteral(
            "UPDATE service_tokens SET expires_at = '2026-06-01T09:00:00.500Z' WHERE id = :id")
                                 << false << true;
        QTest::newRow("deleted") << QStringLiteral("DELETE FROM service_tokens WHERE id = :id")
                                 << false << true;
        QTest::newRow("secret retired")
            << QStringLiteral("UPDATE service_token_secrets SET retires_at ="
                              " '2026-06-01T09:00:00.000Z' WHERE token_id = :id")
            << false << true;
        QTest::newRow("secret deleted")
            << QStringLiteral("DELETE FROM service_token_secrets WHERE token_id = :id") << false
            << true;
        QTest::newRow("owner disabled")
            << QStringLiteral("UPDATE users SET status = 'disabled' WHERE id ="
                              " (SELECT user_id FROM service_tokens WHERE id = :id)")
            << false << true;
        QTest::newRow("scope removed")
            << QStringLiteral("DELETE FROM service_token_scopes WHERE token_id = :id"
                              " AND scope = 'admin:read'")
            << true << true;
        QTest::newRow("last-use record")
            << QStringLiteral("UPDATE service_tokens SET last_used_at ="
                              " '2026-06-01T09:30:00.000Z', last_used_ip = '192.0.2.99'"
                              " WHERE id = :id")
            << true << false;
    }

    void keptTokensFollowAnyChangeFromAnyConnection()
    {
        QFETCH(QString, statement);
        QFETCH(bool, stillValid);
        QFETCH(bool, dropsKeptRows);
        const ServiceTokenSecret target =
            mustCreate(m_alice, {ServiceTokenScope::Introspect, ServiceTokenScope::AdminRead});
        const ServiceTokenSecret bystander = mustCreate(m_bob, {ServiceTokenScope::Introspect});
        m_clock->advance(1000); // so that an expiry half a second after creation has passed
        CountingStore counting(*m_store);
        ServiceContext context(counting, m_clock);
        ServiceTokens tokens(context);
        // The first validations record last use (commits); the next ones read the rows again
        // and keep them; after that, validating needs no transaction at all.
        for (int i = 0; i < 2; ++i) {
            GH_VERIFY_OK(tokens.validate(target.secret, client()));
            GH_VERIFY_OK(tokens.validate(bystander.secret, client()));
        }
        const int before = counting.transactions;
        GH_VERIFY_OK(tokens.validate(target.secret, client()));
        GH_VERIFY_OK(tokens.validate(bystander.secret, client()));
        QCOMPARE(counting.transactions.load(), before);
        const qint64 revision =
            value(QStringLiteral("SELECT value FROM credential_revision")).toLongLong();

        const QString problem = test::execByHand(m_store->info().location, statement,
                                                 {{QStringLiteral(":id"), target.token.id}});
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QCOMPARE(value(QStringLiteral("SELECT value FROM credential_revision")).toLongLong()
                     != revision,
                 dropsKeptRows);
        // The bystander is read again first and kept under the new stamp; had the change not
        // moved the revision, the changed token's old row would be trusted after it.
        GH_VERIFY_OK(tokens.validate(bystander.secret, client()));
        Result<ValidatedServiceToken> after = tokens.validate(target.secret, client());
        if (!stillValid) {
            GH_VERIFY_ERROR(after, ErrorCode::Unauthenticated);
            QCOMPARE(after.error().message, kGeneric);
            return;
        }
        GH_VERIFY_OK(after);
        QCOMPARE(after->hasScope(ServiceTokenScope::AdminRead),
                 !statement.contains(QStringLiteral("admin:read")));
    }

    void typosAreRefusedWithoutALookup() // SEC-27
    {
        const ServiceTokenSecret issued = mustCreate(m_alice, {ServiceTokenScope::Admin});
        CountingStore counting(*m_store);
        ServiceContext context(counting, m_clock);
        ServiceTokens tokens(context);

        const QString secret = issued.secret;
        QStringList typos;
        // One character changed at every position of the id, secret and checksum.
        for (qsizetype i = 4; i < secret.size(); ++i) {
            if (secret.at(i) == QLatin1Char('_'))
                continue;
            QString typo = secret;
            typo[i] = secret.at(i) == QLatin1Char('a') ? QLatin1Char('b') : QLatin1Char('a');
            typos << typo;
        }
        // Two neighbours swapped, a character dropped or doubled, other prefixes and shapes.
        QString swapped = secret;
        std::swap(swapped[30], swapped[31]);
        if (swapped != secret)
            typos << swapped;
        typos << QString(secret).remove(40, 1) << QString(secret).insert(40, secret.at(40))
              << QString(u"ghx" + secret.mid(3)) << secret.toUpper() << QString(u' ' + secret)
              << QString(secret + u'\n') << QString() << QStringLiteral("ghk_")
              << QString(1 << 20, QLatin1Char('a'));
        for (const QString &typo : typos) {
            Result<ValidatedServiceToken> refused = tokens.validate(typo, client());
            QVERIFY(!refused);
            QCOMPARE(refused.error().code, ErrorCode::Unauthenticated);
            QCOMPARE(refused.error().message, kGeneric);
        }
        QCOMPARE(counting.transactions.load(), 0);

        // The counter does count: a well-formed token is looked up.
        GH_VERIFY_OK(tokens.validate(secret, client()));
        QVERIFY(counting.transactions.load() > 0);
    }

    void aWrongSecretWithAValidChecksumIsRefusedAndAudited()
    {
        const ServiceTokenSecret issued = mustCreate(m_alice, {ServiceTokenScope::Admin});
        // Same id, fresh secret, correct checksum: what a guesser who knows the id can make.
        Result<IssuedServiceToken> forged = TokenFormat::newServiceToken(issued.token.id);
        GH_VERIFY_OK(forged);
        verifyRefused(forged->token);
        QCOMPARE(lastRefusal(), QStringLiteral("secret_mismatch"));
        const QJsonObject record = auditRecords(QStringLiteral("AuthenticateServiceToken")).last();
        QCOMPARE(record.value(QStringLiteral("errorCode")).toString(),
                 QStringLiteral("Unauthenticated"));
        QCOMPARE(record.value(QStringLiteral("userIdentity"))
                     .toObject()
                     .value(QStringLiteral("accessKeyId"))
                     .toString(),
                 issued.token.id);
        QCOMPARE(record.value(QStringLiteral("sourceIPAddress")).toString(),
                 QStringLiteral("192.0.2.10"));

        // An unknown id is refused the same way, and not audited: anyone can make up ids.
        const int before = count(QStringLiteral("SELECT count(*) FROM audit_events"));
        Result<IssuedServiceToken> unknown = TokenFormat::newServiceToken();
        GH_VERIFY_OK(unknown);
        verifyRefused(unknown->token);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM audit_events")), before);
    }

    void storedHashIsNotABearerToken() // D9
    {
        const ServiceTokenSecret issued = mustCreate(m_alice, {ServiceTokenScope::Admin});
        const QByteArray hash = value(QStringLiteral("SELECT secret_hash FROM"
                                                     " service_token_secrets"))
                                    .toByteArray();
        QCOMPARE(hash.size(), 32);
        for (const QString &presented :
             {QString::fromLatin1(hash.toHex()), QString::fromLatin1(hash.toBase64()),
              QString(u"ghk_" + issued.token.id + u'_' + QString::fromLatin1(hash.toHex())),
              QString::fromLatin1(hash)})
            verifyRefused(presented);
    }

    void secretsAreComparedInConstantTime() // SEC-02
    {
        const QByteArray stored = crypto::sha256("stored");
        const QByteArray other = crypto::sha256("other");
        const QDateTime now = m_clock->now();
        using ServiceTokenRows::StoredSecret;
        // Every stored secret is compared: the match is found wherever it sits, and a retired
        // secret never matches.
        QCOMPARE(ServiceTokenRows::matchSecret({{stored, {}}}, stored, now), 0);
        QCOMPARE(
            ServiceTokenRows::matchSecret({{other, now.addSecs(60)}, {stored, {}}}, stored, now),
            1);
        QCOMPARE(
            ServiceTokenRows::matchSecret({{stored, now.addSecs(60)}, {other, {}}}, stored, now),
            0);
        QCOMPARE(ServiceTokenRows::matchSecret({{stored, now}, {other, {}}}, stored, now), -1);
        QCOMPARE(ServiceTokenRows::matchSecret({{other, {}}}, stored, now), -1);
        QCOMPARE(ServiceTokenRows::matchSecret({}, stored, now), -1);
        QCOMPARE(ServiceTokenRows::matchSecret({{stored, {}}}, stored.left(31), now), -1);

        // The time taken does not depend on where the first differing byte is. Minimum of many
        // batches, which noise can only raise; an early-exit compare over a long run of equal
        // bytes would show.
        QByteArray firstDiffers = stored;
        firstDiffers[0] = char(firstDiffers.at(0) ^ 1);
        QByteArray lastDiffers = stored;
        lastDiffers[31] = char(lastDiffers.at(31) ^ 1);
        const QList<StoredSecret> secrets{{stored, {}}, {stored, {}}};
        qint64 sink = 0;
        const auto fastest = [&](const QByteArray &presented) {
            qint64 best = std::numeric_limits<qint64>::max();
            for (int batch = 0; batch < 30; ++batch) {
                QElapsedTimer timer;
                timer.start();
                for (int i = 0; i < 20000; ++i)
                    sink += ServiceTokenRows::matchSecret(secrets, presented, now);
                best = std::min(best, timer.nsecsElapsed());
            }
            return double(best);
        };
        const double first = fastest(firstDiffers);
        const double last = fastest(lastDiffers);
        QCOMPARE(sink, -2LL * 30 * 20000);
        QVERIFY2(first / last > 0.5 && first / last < 2.0,
                 qPrintable(QStringLiteral("%1 vs %2 ns").arg(first).arg(last)));
    }

    void expiryUsesTheInjectedClock() // C3, SEC-28, SEC-48
    {
        const ServiceTokenSecret issued = mustCreate(m_alice, {ServiceTokenScope::Admin}, kHour);
        QCOMPARE(issued.token.expiresAt, m_clock->now().addSecs(kHour));
        m_clock->advance((kHour - 1) * 1000);
        GH_VERIFY_OK(m_tokens->validate(issued.secret, client()));
        m_clock->advance(1000);
        verifyRefused(issued.secret);
        QCOMPARE(lastRefusal(), QStringLiteral("token_expired"));
        Result<ServiceToken> read = m_tokens->get(actorFor(m_owner), issued.token.id);
        GH_VERIFY_OK(read);
        QCOMPARE(read->status(m_clock->now()), ServiceToken::Status::Expired);
        // Expired is final: it can be neither rotated nor activated back to life.
        GH_VERIFY_ERROR(rotate(m_owner, issued.token, 0), ErrorCode::Conflict);
        GH_VERIFY_ERROR(m_tokens->setActive(actorFor(m_owner), issued.token.id, true, {}),
                        ErrorCode::Conflict);
        // A day of clock jump changes nothing (J4), and stepping back cannot revive it past
        // its expiry as stored.
        m_clock->advance(kDay * 1000);
        verifyRefused(issued.secret);

        // Lifetimes come from the policy: at most 90 days, by default 90 days, at least 60 s.
        GH_VERIFY_ERROR(create(m_alice, m_alice, {ServiceTokenScope::Admin}, 90 * kDay + 1),
                        ErrorCode::InvalidInput);
        GH_VERIFY_ERROR(create(m_alice, m_alice, {ServiceTokenScope::Admin}, 59),
                        ErrorCode::InvalidInput);
        GH_VERIFY_ERROR(create(m_alice, m_alice, {ServiceTokenScope::Admin}, -5),
                        ErrorCode::InvalidInput);
        Result<ServiceTokenSecret> longest =
            create(m_alice, m_alice, {ServiceTokenScope::Admin}, 90 * kDay);
        GH_VERIFY_OK(longest);
        ServiceTokenPolicy shorter;
        shorter.maxLifetimeDays = 30;
        shorter.defaultLifetimeDays = 7;
        GH_VERIFY_OK(m_tokens->setPolicy(actorFor(m_owner), shorter));
        GH_VERIFY_ERROR(create(m_alice, m_alice, {ServiceTokenScope::Admin}, 31 * kDay),
                        ErrorCode::InvalidInput);
        Result<ServiceTokenSecret> byDefault = create(m_alice, m_alice, {ServiceTokenScope::Admin});
        GH_VERIFY_OK(byDefault);
        QCOMPARE(byDefault->token.expiresAt, m_clock->now().addSecs(7 * kDay));
        // A rotation may give a new expiry, within the policy too.
        GH_VERIFY_ERROR(m_tokens->rotate(actorFor(m_owner), longest->token.id,
                                         ServiceTokenRotation{1, 0, 31 * kDay}),
                        ErrorCode::InvalidInput);
        Result<ServiceTokenSecret> renewed = m_tokens->rotate(
            actorFor(m_owner), longest->token.id, ServiceTokenRotation{1, 0, 30 * kDay});
        GH_VERIFY_OK(renewed);
        QCOMPARE(renewed->token.expiresAt, m_clock->now().addSecs(30 * kDay));
    }

    void deactivationIsReversible()
    {
        const ServiceTokenSecret issued = mustCreate(m_alice, {ServiceTokenScope::Admin});
        const Actor viaToken = actorOf(issued.secret);
        Result<ServiceToken> off =
            m_tokens->setActive(actorFor(m_alice), issued.token.id, false, QStringLiteral("pause"));
        GH_VERIFY_OK(off);
        QCOMPARE(off->status(m_clock->now()), ServiceToken::Status::Inactive);
        QCOMPARE(off->deactivatedBy, m_alice.id);
        QCOMPARE(off->deactivateReason, QStringLiteral("pause"));
        verifyRefused(issued.secret);
        QCOMPARE(lastRefusal(), QStringLiteral("token_inactive"));
        // A request already authenticated with it stops at its next permission check.
        GH_VERIFY_ERROR(m_tokens->list(viaToken, ServiceTokenQuery{}), ErrorCode::Unauthenticated);
        // Deactivating again changes nothing.
        Result<ServiceToken> again =
            m_tokens->setActive(actorFor(m_alice), issued.token.id, false, QStringLiteral("x"));
        GH_VERIFY_OK(again);
        QCOMPARE(again->deactivateReason, QStringLiteral("pause"));
        QCOMPARE(lastAuditRecord()
                     .value(QStringLiteral("responseElements"))
                     .toObject()
                     .value(QStringLiteral("unchanged"))
                     .toBool(),
                 true);

        Result<ServiceToken> on = m_tokens->setActive(actorFor(m_alice), issued.token.id, true, {});
        GH_VERIFY_OK(on);
        QCOMPARE(on->status(m_clock->now()), ServiceToken::Status::Active);
        QVERIFY(!on->deactivatedAt.isValid());
        GH_VERIFY_OK(m_tokens->validate(issued.secret, client()));
        GH_VERIFY_OK(m_tokens->list(viaToken, ServiceTokenQuery{}));
        QCOMPARE(auditRecords(QStringLiteral("DeactivateServiceToken")).size(), 2);
        QCOMPARE(auditRecords(QStringLiteral("ActivateServiceToken")).size(), 1);

        // Revocation is final: no way back through activation.
        GH_VERIFY_OK(m_tokens->revoke(actorFor(m_alice), issued.token.id, {}));
        GH_VERIFY_ERROR(m_tokens->setActive(actorFor(m_alice), issued.token.id, true, {}),
                        ErrorCode::Conflict);
        GH_VERIFY_ERROR(m_tokens->setActive(actorFor(m_alice), issued.token.id, false, {}),
                        ErrorCode::Conflict);
        GH_VERIFY_ERROR(m_tokens->setActive(actorFor(m_alice), issued.token.id, false,
                                            QStringLiteral("bad\nreason")),
                        ErrorCode::InvalidInput);
    }

    void revocationIsImmediateAndIdempotent() // C1, SEC-28
    {
        const ServiceTokenSecret issued = mustCreate(m_alice, {ServiceTokenScope::Admin});
        const Actor viaToken = actorOf(issued.secret);
        Result<ServiceToken> revoked = m_tokens->revoke(actorFor(m_operator), issued.token.id,
                                                        QStringLiteral("leaked in CI log"));
        GH_VERIFY_OK(revoked);
        QCOMPARE(revoked->status(m_clock->now()), ServiceToken::Status::Revoked);
        QCOMPARE(revoked->revokedBy, m_operator.id);
        verifyRefused(issued.secret);
        QCOMPARE(lastRefusal(), QStringLiteral("token_revoked"));
        GH_VERIFY_ERROR(m_tokens->list(viaToken, ServiceTokenQuery{}), ErrorCode::Unauthenticated);

        // Again, later, by someone else: success, and the first revocation stands.
        m_clock->advance(60 * 1000);
        Result<ServiceToken> again =
            m_tokens->revoke(actorFor(m_owner), issued.token.id, QStringLiteral("again"));
        GH_VERIFY_OK(again);
        QCOMPARE(again->revokedAt, revoked->revokedAt);
        QCOMPARE(again->revokedBy, m_operator.id);
        QCOMPARE(again->revokeReason, QStringLiteral("leaked in CI log"));
        QCOMPARE(lastAuditRecord()
                     .value(QStringLiteral("responseElements"))
                     .toObject()
                     .value(QStringLiteral("alreadyRevoked"))
                     .toBool(),
                 true);
        GH_VERIFY_ERROR(rotate(m_owner, *again, 0), ErrorCode::Conflict);
        verifyRefused(issued.secret);
    }

    void rotationKeepsTheOldSecretForTheGracePeriod() // C2
    {
        const ServiceTokenSecret issued = mustCreate(m_alice, {ServiceTokenScope::Admin});
        Result<ServiceTokenSecret> rotated = rotate(m_alice, issued.token, kHour);
        GH_VERIFY_OK(rotated);
        QCOMPARE(rotated->token.id, issued.token.id);
        QCOMPARE(rotated->token.generation, 2);
        QCOMPARE(rotated->token.rotatedAt, m_clock->now());
        QCOMPARE(rotated->token.previousSecretRetiresAt, m_clock->now().addSecs(kHour));
        QVERIFY(rotated->secret != issued.secret);
        QCOMPARE(TokenFormat::parseServiceToken(rotated->secret).value().keyId, issued.token.id);

        // Both work during the grace period; the old one stops at its end, the new one goes on.
        GH_VERIFY_OK(m_tokens->validate(issued.secret, client()));
        GH_VERIFY_OK(m_tokens->validate(rotated->secret, client()));
        m_clock->advance((kHour - 1) * 1000);
        GH_VERIFY_OK(m_tokens->validate(issued.secret, client()));
        m_clock->advance(1000);
        verifyRefused(issued.secret);
        QCOMPARE(lastRefusal(), QStringLiteral("secret_mismatch"));
        GH_VERIFY_OK(m_tokens->validate(rotated->secret, client()));

        // Grace 0 (the default): the old secret stops at once.
        Result<ServiceTokenSecret> immediate = rotate(m_alice, rotated->token, 0);
        GH_VERIFY_OK(immediate);
        verifyRefused(rotated->secret);
        GH_VERIFY_OK(m_tokens->validate(immediate->secret, client()));
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM service_token_secrets")), 1);
        QVERIFY(!immediate->token.previousSecretRetiresAt.isValid());

        // The generation the caller saw must still be current.
        GH_VERIFY_ERROR(rotate(m_alice, rotated->token, 0), ErrorCode::Conflict);
        GH_VERIFY_ERROR(rotate(m_alice, immediate->token, 0, 99), ErrorCode::Conflict);
        GH_VERIFY_ERROR(
            m_tokens->rotate(actorFor(m_alice), issued.token.id, ServiceTokenRotation{0, 0, 0}),
            ErrorCode::InvalidInput);
        GH_VERIFY_ERROR(rotate(m_alice, immediate->token, -1), ErrorCode::InvalidInput);
        GH_VERIFY_ERROR(rotate(m_alice, immediate->token, ServiceTokens::kMaxGraceSeconds + 1),
                        ErrorCode::InvalidInput);
        GH_VERIFY_OK(m_tokens->validate(immediate->secret, client()));
    }

    void atMostTwoLiveSecrets() // C2
    {
        const ServiceTokenSecret first = mustCreate(m_alice, {ServiceTokenScope::Admin});
        Result<ServiceTokenSecret> second = rotate(m_alice, first.token, kDay);
        GH_VERIFY_OK(second);
        // A second rotation inside the grace period retires the oldest secret at once.
        Result<ServiceTokenSecret> third = rotate(m_alice, second->token, kDay);
        GH_VERIFY_OK(third);
        verifyRefused(first.secret);
        GH_VERIFY_OK(m_tokens->validate(second->secret, client()));
        GH_VERIFY_OK(m_tokens->validate(third->secret, client()));
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM service_token_secrets"
                                      " WHERE token_id = ?"),
                       {first.token.id}),
                 2);
        Result<ServiceTokenSecret> fourth = rotate(m_alice, third->token, kHour);
        GH_VERIFY_OK(fourth);
        verifyRefused(second->secret);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM service_token_secrets"
                                      " WHERE token_id = ?"),
                       {first.token.id}),
                 2);

        // The schema holds the rule too: a third secret cannot be inserted, nor a second
        // current one.
        Result<void> third3 =
            m_store->transaction(Store::Access::Write, [&](SqlTransaction &tx) -> Result<void> {
                Result<QSqlQuery> inserted =
                    tx.exec(QStringLiteral("INSERT INTO service_token_secrets (token_id,"
                                           " generation, secret_hash, created_at, retires_at)"
                                           " VALUES (?, 99, ?, '2026-06-01', '2027-01-01')"),
                            {first.token.id, crypto::sha256("x")});
                if (!inserted)
                    return inserted.error();
                return {};
            });
        GH_VERIFY_ERROR(third3, ErrorCode::Conflict);
        Result<void> twoCurrent =
            m_store->transaction(Store::Access::Write, [&](SqlTransaction &tx) -> Result<void> {
                Result<QSqlQuery> cleared =
                    tx.exec(QStringLiteral("UPDATE service_token_secrets SET retires_at = NULL"));
                if (!cleared)
                    return cleared.error();
                return {};
            });
        GH_VERIFY_ERROR(twoCurrent, ErrorCode::Conflict);
    }

    void concurrentRotationsExactlyOneWins() // C2, G9
    {
        const ServiceTokenSecret issued = mustCreate(m_alice, {ServiceTokenScope::Admin});
        constexpr int kThreads = 6;
        int generation = 1;
        for (int round = 0; round < 3; ++round) {
            std::latch start(kThreads);
            std::vector<std::optional<Result<ServiceTokenSecret>>> results(kThreads);
            std::vector<std::thread> threads;
            for (int i = 0; i < kThreads; ++i) {
                threads.emplace_back([&, i] {
                    // Each thread its own store object and connection, as separate processes.
                    auto store = test::TestStores::open(*m_store, m_clock);
                    if (!store) {
                        start.count_down();
                        results[i].emplace(store.error());
                        return;
                    }
                    ServiceContext context(**store, m_clock);
                    ServiceTokens tokens(context);
                    start.arrive_and_wait();
                    results[i].emplace(
                        tokens.rotate(actorFor(m_alice), issued.token.id,
                                      ServiceTokenRotation{generation, round == 1 ? kHour : 0, 0}));
                });
            }
            for (std::thread &thread : threads)
                thread.join();
            int won = 0;
            QString winner;
            for (const auto &result : results) {
                QVERIFY(result.has_value());
                if (result->ok()) {
                    ++won;
                    winner = result->value().secret;
                } else {
                    QCOMPARE(errorCodeName(result->error().code),
                             errorCodeName(ErrorCode::Conflict));
                }
            }
            QCOMPARE(won, 1);
            ++generation;
            Result<ServiceToken> now = m_tokens->get(actorFor(m_owner), issued.token.id);
            GH_VERIFY_OK(now);
            QCOMPARE(now->generation, generation);
            GH_VERIFY_OK(m_tokens->validate(winner, client()));
            QVERIFY(count(QStringLiteral("SELECT count(*) FROM service_token_secrets")) <= 2);
            QCOMPARE(auditRecords(QStringLiteral("RotateServiceToken")).size(),
                     (round + 1) * kThreads);
        }
    }

    void scopesNarrowTheOwnersRoles() // SEC-33, E9
    {
        const Actor admin = actorFor(m_admin);
        const auto issue = [&](QList<ServiceTokenScope> scopes) {
            Result<ServiceTokenSecret> issued =
                m_tokens->create(admin, NewServiceToken{{}, QStringLiteral("script"), scopes, 0});
            if (!issued)
                qFatal("could not create a token");
            return actorOf(issued->secret);
        };
        const Actor full = issue({ServiceTokenScope::Admin});
        const Actor readOnly = issue({ServiceTokenScope::AdminRead});
        const Actor introspect = issue({ServiceTokenScope::Introspect});
        const NewUser carol{QStringLiteral("carol"), {}, {}, {Role::User}};

        GH_VERIFY_OK(m_users->search(readOnly, UserQuery{}));
        GH_VERIFY_ERROR(m_users->create(readOnly, carol), ErrorCode::PermissionDenied);
        GH_VERIFY_ERROR(m_users->search(introspect, UserQuery{}), ErrorCode::PermissionDenied);
        GH_VERIFY_OK(m_users->create(full, carol));
        QCOMPARE(lastAuditRecord()
                     .value(QStringLiteral("userIdentity"))
                     .toObject()
                     .value(QStringLiteral("accessKeyId"))
                     .toString(),
                 full.accessKeyId);

        // The owner's roles are read at every call: a demotion applies to the next one, with
        // the token still valid, and a promotion back restores it.
        GH_VERIFY_OK(m_users->setRoles(actorFor(m_owner), m_admin.id, {Role::Auditor}));
        GH_VERIFY_ERROR(m_users->create(full, NewUser{QStringLiteral("dave"), {}, {}, {}}),
                        ErrorCode::PermissionDenied);
        GH_VERIFY_OK(m_users->search(full, UserQuery{}));
        GH_VERIFY_OK(m_users->setRoles(actorFor(m_owner), m_admin.id, {Role::User}));
        GH_VERIFY_ERROR(m_users->search(full, UserQuery{}), ErrorCode::PermissionDenied);
        GH_VERIFY_ERROR(m_users->search(readOnly, UserQuery{}), ErrorCode::PermissionDenied);
        GH_VERIFY_OK(m_users->setRoles(actorFor(m_owner), m_admin.id, {Role::Admin}));
        GH_VERIFY_OK(m_users->create(full, NewUser{QStringLiteral("dave"), {}, {}, {}}));

        // A token-borne actor that names another token, or a token of someone else, is
        // nobody.
        Actor forged = full;
        forged.accessKeyId = readOnly.accessKeyId;
        GH_VERIFY_OK(m_users->search(forged, UserQuery{}));
        GH_VERIFY_ERROR(m_users->create(forged, NewUser{QStringLiteral("erin"), {}, {}, {}}),
                        ErrorCode::PermissionDenied);
        Actor stranger = full;
        stranger.userId = m_owner.id;
        GH_VERIFY_ERROR(m_users->search(stranger, UserQuery{}), ErrorCode::Unauthenticated);
        Actor empty = full;
        empty.accessKeyId.clear();
        GH_VERIFY_ERROR(m_users->search(empty, UserQuery{}), ErrorCode::Unauthenticated);
    }

    void nobodyIssuesMoreThanTheyHold()
    {
        // An operator manages tokens, but cannot mint or rotate one that acts as an admin.
        GH_VERIFY_ERROR(create(m_operator, m_admin, {ServiceTokenScope::Admin}),
                        ErrorCode::PermissionDenied);
        GH_VERIFY_ERROR(create(m_operator, m_admin, {ServiceTokenScope::AdminRead}),
                        ErrorCode::PermissionDenied); // keys:read, policies:read, audit:read
        GH_VERIFY_OK(create(m_operator, m_alice, {ServiceTokenScope::Admin}));
        GH_VERIFY_OK(create(m_operator, m_operator, {ServiceTokenScope::Admin}));
        const ServiceTokenSecret adminsToken = mustCreate(m_admin, {ServiceTokenScope::Admin});
        GH_VERIFY_ERROR(rotate(m_operator, adminsToken.token, 0), ErrorCode::PermissionDenied);
        GH_VERIFY_OK(m_tokens->validate(adminsToken.secret, client()));
        // ...and an admin none for an owner.
        GH_VERIFY_ERROR(create(m_admin, m_owner, {ServiceTokenScope::Introspect}),
                        ErrorCode::PermissionDenied);
        const ServiceTokenSecret ownersToken = mustCreate(m_owner, {ServiceTokenScope::Admin});
        GH_VERIFY_ERROR(rotate(m_admin, ownersToken.token, 0), ErrorCode::PermissionDenied);

        // Acting through a read-only token, no wider scope can be handed out, not even to
        // oneself, and not by rotation of a wider token either.
        Result<ServiceTokenSecret> narrow = m_tokens->create(
            actorFor(m_admin),
            NewServiceToken{{}, QStringLiteral("reader"), {ServiceTokenScope::AdminRead}, 0});
        GH_VERIFY_OK(narrow);
        const Actor reader = actorOf(narrow->secret);
        for (const ServiceTokenScope wider :
             {ServiceTokenScope::Admin, ServiceTokenScope::Introspect})
            GH_VERIFY_ERROR(
                m_tokens->create(reader,
                                 NewServiceToken{{}, QStringLiteral("escalate"), {wider}, 0}),
                ErrorCode::PermissionDenied);
        const ServiceTokenSecret adminsOwn = mustCreate(m_admin, {ServiceTokenScope::Admin});
        GH_VERIFY_ERROR(m_tokens->rotate(reader, adminsOwn.token.id, ServiceTokenRotation{1, 0, 0}),
                        ErrorCode::PermissionDenied);
        GH_VERIFY_OK(m_tokens->validate(adminsOwn.secret, client()));
        // Nor even its own scope: a read-only token changes nothing, and a leaked one must not
        // mint a successor that outlives its revocation.
        GH_VERIFY_ERROR(m_tokens->create(reader,
                                         NewServiceToken{{},
                                                         QStringLiteral("another reader"),
                                                         {ServiceTokenScope::AdminRead},
                                                         0}),
                        ErrorCode::PermissionDenied);
        // Nor revoke, deactivate or rotate its owner's tokens, or end its owner's sessions.
        GH_VERIFY_ERROR(m_tokens->revoke(reader, adminsOwn.token.id, QStringLiteral("x")),
                        ErrorCode::PermissionDenied);
        GH_VERIFY_ERROR(m_tokens->setActive(reader, adminsOwn.token.id, false, QString()),
                        ErrorCode::PermissionDenied);
        GH_VERIFY_OK(m_tokens->validate(adminsOwn.secret, client()));
        // "admin" covers "admin:read", but not "introspect".
        const Actor full = actorOf(adminsOwn.secret);
        GH_VERIFY_OK(m_tokens->create(
            full,
            NewServiceToken{{}, QStringLiteral("narrower"), {ServiceTokenScope::AdminRead}, 0}));
        GH_VERIFY_ERROR(
            m_tokens->create(
                full,
                NewServiceToken{{}, QStringLiteral("other"), {ServiceTokenScope::Introspect}, 0}),
            ErrorCode::PermissionDenied);
    }

    void aTokenIsNoWayAroundMfa()
    {
        // The MFA policy withholds an administrator's permissions from a session without the
        // second factor; such a session cannot mint a token that would carry them.
        Actor passwordOnly = actorFor(m_admin);
        passwordOnly.mfaAuthenticated = false;
        GH_VERIFY_ERROR(m_users->search(passwordOnly, UserQuery{}), ErrorCode::PermissionDenied);
        for (const ServiceTokenScope scope :
             {ServiceTokenScope::Admin, ServiceTokenScope::AdminRead})
            GH_VERIFY_ERROR(
                m_tokens->create(passwordOnly,
                                 NewServiceToken{{}, QStringLiteral("bypass"), {scope}, 0}),
                ErrorCode::PermissionDenied);
        const ServiceTokenSecret existing = mustCreate(m_admin, {ServiceTokenScope::Admin});
        GH_VERIFY_ERROR(
            m_tokens->rotate(passwordOnly, existing.token.id, ServiceTokenRotation{1, 0, 0}),
            ErrorCode::PermissionDenied);
    }

    void disabledOrDeletedOwnersTokensStop() // C4, SEC-24
    {
        const ServiceTokenSecret issued = mustCreate(m_alice, {ServiceTokenScope::Admin});
        const Actor viaToken = actorOf(issued.secret);
        GH_VERIFY_OK(m_users->setStatus(actorFor(m_owner), m_alice.id, User::Status::Disabled));
        verifyRefused(issued.secret);
        QCOMPARE(lastRefusal(), QStringLiteral("owner_inactive"));
        GH_VERIFY_ERROR(m_tokens->list(viaToken, ServiceTokenQuery{}), ErrorCode::Unauthenticated);
        // Nobody gives a disabled account new tokens.
        GH_VERIFY_ERROR(create(m_owner, m_alice, {ServiceTokenScope::Admin}), ErrorCode::Conflict);
        // Enabling the account again restores the token it suspended (documented).
        GH_VERIFY_OK(m_users->setStatus(actorFor(m_owner), m_alice.id, User::Status::Active));
        GH_VERIFY_OK(m_tokens->validate(issued.secret, client()));

        // Deleting the user deletes the token, its scopes and its secrets with the account.
        mustCreate(m_alice, {ServiceTokenScope::AdminRead});
        GH_VERIFY_OK(rotate(m_owner, issued.token, kDay));
        GH_VERIFY_OK(m_users->remove(actorFor(m_owner), m_alice.id));
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM service_tokens WHERE user_id = ?"),
                       {m_alice.id}),
                 0);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM service_token_secrets")), 0);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM service_token_scopes")), 0);
        verifyRefused(issued.secret);
        GH_VERIFY_ERROR(m_tokens->list(viaToken, ServiceTokenQuery{}), ErrorCode::Unauthenticated);
    }

    void othersTokensAreNotFound() // C5, SEC-32, E8
    {
        const ServiceTokenSecret alices = mustCreate(m_alice, {ServiceTokenScope::Admin});
        const ServiceTokenSecret bobs = mustCreate(m_bob, {ServiceTokenScope::Admin});
        Result<IssuedServiceToken> unknown = TokenFormat::newServiceToken();
        GH_VERIFY_OK(unknown);
        const Actor bob = actorFor(m_bob);
        // Bob's view of Alice's token is exactly his view of a token that does not exist.
        for (const QString &id : {alices.token.id, unknown->keyId, QStringLiteral("nope")}) {
            QList<Error> errors;
            const auto collect = [&](const auto &result) {
                QVERIFY(!result);
                errors << result.error();
            };
            collect(m_tokens->get(bob, id));
            collect(m_tokens->revoke(bob, id, {}));
            collect(m_tokens->setActive(bob, id, false, {}));
            collect(m_tokens->rotate(bob, id, ServiceTokenRotation{1, 0, 0}));
            for (const Error &error : errors) {
                QCOMPARE(error.code, ErrorCode::NotFound);
                QCOMPARE(error.message, QStringLiteral("No such service token."));
            }
        }
        GH_VERIFY_ERROR(create(m_bob, m_alice, {ServiceTokenScope::Introspect}),
                        ErrorCode::NotFound);
        // Alice's token is untouched.
        GH_VERIFY_OK(m_tokens->validate(alices.secret, client()));
        QCOMPARE(m_tokens->get(actorFor(m_alice), alices.token.id).value().generation, 1);

        // Bob lists only his own, whatever filter he asks for.
        ServiceTokenQuery query;
        query.ownerId = m_alice.id;
        Result<Page<ServiceToken>> listed = m_tokens->list(bob, query);
        GH_VERIFY_OK(listed);
        QVERIFY(listed->items.isEmpty());
        listed = m_tokens->list(bob, ServiceTokenQuery{});
        GH_VERIFY_OK(listed);
        QCOMPARE(listed->items.size(), 1);
        QCOMPARE(listed->items.first().id, bobs.token.id);
        // Bob manages his own.
        GH_VERIFY_OK(m_tokens->revoke(bob, bobs.token.id, {}));

        // An auditor reads everyone's but changes none.
        GH_VERIFY_OK(m_tokens->get(actorFor(m_auditor), alices.token.id));
        GH_VERIFY_ERROR(m_tokens->revoke(actorFor(m_auditor), alices.token.id, {}),
                        ErrorCode::PermissionDenied);
        Result<Page<ServiceToken>> all = m_tokens->list(actorFor(m_auditor), ServiceTokenQuery{});
        GH_VERIFY_OK(all);
        QCOMPARE(all->items.size(), 2);
        GH_VERIFY_OK(m_tokens->validate(alices.secret, client()));
    }

    void expiringAndStaleListings()
    {
        const ServiceTokenSecret soon = mustCreate(m_alice, {ServiceTokenScope::Admin}, 5 * kDay);
        m_clock->advance(1000);
        const ServiceTokenSecret later = mustCreate(m_bob, {ServiceTokenScope::Admin}, 20 * kDay);
        m_clock->advance(1000);
        const ServiceTokenSecret revoked =
            mustCreate(m_alice, {ServiceTokenScope::Admin}, 3 * kDay);
        GH_VERIFY_OK(m_tokens->revoke(actorFor(m_owner), revoked.token.id, {}));
        const Actor owner = actorFor(m_owner);
        const auto ids = [&](ServiceTokenQuery query) {
            QStringList found;
            Result<Page<ServiceToken>> page = m_tokens->list(owner, query);
            if (!page)
                qFatal("listing failed: %s", qPrintable(page.error().message));
            for (const ServiceToken &token : page->items)
                found << token.id;
            return found;
        };

        ServiceTokenQuery expiring;
        expiring.expiringWithinSeconds = 7 * kDay;
        QCOMPARE(ids(expiring), QStringList{soon.token.id});
        expiring.expiringWithinSeconds = 30 * kDay;
        QCOMPARE(ids(expiring), (QStringList{later.token.id, soon.token.id}));
        expiring.ownerId = m_bob.id;
        QCOMPARE(ids(expiring), QStringList{later.token.id});
        ServiceTokenQuery bad;
        bad.expiringWithinSeconds = 0;
        GH_VERIFY_ERROR(m_tokens->list(owner, bad), ErrorCode::InvalidInput);

        ServiceTokenQuery byStatus;
        byStatus.status = ServiceToken::Status::Revoked;
        QCOMPARE(ids(byStatus), QStringList{revoked.token.id});
        byStatus.status = ServiceToken::Status::Active;
        QCOMPARE(ids(byStatus), (QStringList{later.token.id, soon.token.id}));

        // Stale: the current secret is older than the rotation age (60 days by default).
        ServiceTokenPolicy policy;
        policy.rotationAgeDays = 4;
        GH_VERIFY_OK(m_tokens->setPolicy(owner, policy));
        ServiceTokenQuery stale;
        stale.stale = true;
        QVERIFY(ids(stale).isEmpty());
        m_clock->advance(4 * kDay * 1000);
        QCOMPARE(ids(stale), (QStringList{later.token.id, soon.token.id}));
        Result<ServiceTokenSecret> rotated = rotate(m_alice, soon.token, 0);
        GH_VERIFY_OK(rotated);
        QCOMPARE(ids(stale), QStringList{later.token.id});
        m_clock->advance(kDay * 1000); // `soon` expires: expired tokens need no reminder
        expiring.ownerId.clear();
        QCOMPARE(ids(expiring), QStringList{later.token.id});
        byStatus.status = ServiceToken::Status::Expired;
        QCOMPARE(ids(byStatus), QStringList{soon.token.id});

        // Keyset pages, bound to their query.
        ServiceTokenQuery paged;
        paged.pageSize = 2;
        Result<Page<ServiceToken>> first = m_tokens->list(owner, paged);
        GH_VERIFY_OK(first);
        QCOMPARE(first->items.size(), 2);
        QVERIFY(!first->nextPageToken.isEmpty());
        paged.pageToken = first->nextPageToken;
        Result<Page<ServiceToken>> second = m_tokens->list(owner, paged);
        GH_VERIFY_OK(second);
        QCOMPARE(second->items.size(), 1);
        QVERIFY(second->nextPageToken.isEmpty());
        QCOMPARE(second->items.first().id, soon.token.id);
        stale.pageToken = first->nextPageToken;
        GH_VERIFY_ERROR(m_tokens->list(owner, stale), ErrorCode::InvalidInput);
        paged.pageSize = 0;
        GH_VERIFY_ERROR(m_tokens->list(owner, paged), ErrorCode::InvalidInput);
    }

    void purgeDeletesAfterRetention()
    {
        const ServiceTokenSecret revoked = mustCreate(m_alice, {ServiceTokenScope::Admin});
        const ServiceTokenSecret expiring = mustCreate(m_alice, {ServiceTokenScope::Admin}, kDay);
        GH_VERIFY_OK(m_tokens->revoke(actorFor(m_owner), revoked.token.id, {}));
        m_clock->advance(30 * kDay * 1000);
        const ServiceTokenSecret live = mustCreate(m_alice, {ServiceTokenScope::Admin});
        Result<int> early = m_tokens->purge(actorFor(m_owner));
        GH_VERIFY_OK(early);
        QCOMPARE(*early, 0);
        m_clock->advance(2 * kDay * 1000);
        GH_VERIFY_ERROR(m_tokens->purge(actorFor(m_alice)), ErrorCode::PermissionDenied);
        GH_VERIFY_ERROR(m_tokens->purge(actorFor(m_auditor)), ErrorCode::PermissionDenied);
        Result<int> purged = m_tokens->purge(actorFor(m_operator));
        GH_VERIFY_OK(purged);
        QCOMPARE(*purged, 2);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM service_tokens")), 1);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM service_token_secrets")), 1);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM service_token_scopes")), 1);
        const QJsonObject record = lastAuditRecord();
        QCOMPARE(record.value(QStringLiteral("eventName")).toString(),
                 QStringLiteral("PurgeServiceTokens"));
        QCOMPARE(record.value(QStringLiteral("responseElements"))
                     .toObject()
                     .value(QStringLiteral("deleted"))
                     .toInt(),
                 2);
        GH_VERIFY_OK(m_tokens->validate(live.secret, client()));
        GH_VERIFY_ERROR(m_tokens->get(actorFor(m_owner), expiring.token.id), ErrorCode::NotFound);
    }

    void auditRecordsNeverHoldASecret() // SEC-42, SEC-43
    {
        const ServiceTokenSecret issued = mustCreate(m_alice, {ServiceTokenScope::Admin});
        Result<ServiceTokenSecret> rotated = rotate(m_alice, issued.token, kHour);
        GH_VERIFY_OK(rotated);
        Result<IssuedServiceToken> forged = TokenFormat::newServiceToken(issued.token.id);
        GH_VERIFY_OK(forged);
        verifyRefused(forged->token);
        // Secrets pasted where ids belong go nowhere either.
        GH_VERIFY_ERROR(m_tokens->get(actorFor(m_alice), issued.secret), ErrorCode::NotFound);
        GH_VERIFY_ERROR(m_tokens->revoke(actorFor(m_alice), rotated->secret, {}),
                        ErrorCode::NotFound);
        ServiceTokenQuery query;
        query.ownerId = issued.secret;
        GH_VERIFY_ERROR(m_tokens->list(actorFor(m_alice), query), ErrorCode::InvalidInput);
        GH_VERIFY_OK(m_tokens->setActive(actorFor(m_alice), issued.token.id, false, {}));
        verifyRefused(rotated->secret);
        GH_VERIFY_OK(m_tokens->revoke(actorFor(m_alice), issued.token.id, {}));

        for (const char *name :
             {"CreateServiceToken", "RotateServiceToken", "RevokeServiceToken",
              "DeactivateServiceToken", "AuthenticateServiceToken", "GetServiceToken"})
            QVERIFY2(!auditRecords(QString::fromLatin1(name)).isEmpty(), name);
        const QJsonObject created = auditRecords(QStringLiteral("CreateServiceToken")).first();
        QCOMPARE(created.value(QStringLiteral("resources"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QStringLiteral("ARN"))
                     .toString(),
                 issued.token.id);
        for (const QString &secret : {issued.secret, rotated->secret, forged->token}) {
            QCOMPARE(count(QStringLiteral("SELECT count(*) FROM audit_events"
                                          " WHERE replace(record, ?, '') <> record OR "
                                          "replace(resource_name, ?, '') <> resource_name"),
                           {secretPart(secret), secretPart(secret)}),
                     0);
            QVERIFY(!storeBytes().contains(secretPart(secret).toLatin1()));
        }
        QVERIFY(
            count(QStringLiteral(
                      "SELECT count(*) FROM audit_events WHERE replace(record, ?, '') <> record"),
                  {QStringLiteral("(malformed id)")})
            >= 2);
    }

    void lastUseIsRecordedAtMostOnceAMinute()
    {
        const ServiceTokenSecret issued = mustCreate(m_alice, {ServiceTokenScope::Admin});
        const auto lastUsed = [&] {
            return value(QStringLiteral("SELECT last_used_at FROM service_tokens WHERE id = ?"),
                         {issued.token.id})
                .toString();
        };
        QVERIFY(lastUsed().isEmpty());
        const QDateTime firstUse = m_clock->now();
        GH_VERIFY_OK(m_tokens->validate(issued.secret, client()));
        QCOMPARE(lastUsed(), UserRows::isoUtc(firstUse));
        // Within the minute nothing is written, whoever calls.
        for (int i = 0; i < 100; ++i) {
            m_clock->advance(500);
            GH_VERIFY_OK(m_tokens->validate(issued.secret, client(QStringLiteral("198.51.100.7"))));
        }
        QCOMPARE(lastUsed(), UserRows::isoUtc(firstUse));
        m_clock->advance(11 * 1000);
        Actor odd = client(QStringLiteral("203.0.113.9"));
        odd.userAgent = QStringLiteral("curl/8\u202e\n") + QString(1000, QLatin1Char('x'));
        GH_VERIFY_OK(m_tokens->validate(issued.secret, odd));
        QCOMPARE(lastUsed(), UserRows::isoUtc(m_clock->now()));
        Result<ServiceToken> read = m_tokens->get(actorFor(m_alice), issued.token.id);
        GH_VERIFY_OK(read);
        QCOMPARE(read->lastUsedIp, QStringLiteral("203.0.113.9"));
        QCOMPARE(read->lastUsedUserAgent.size(), ServiceTokens::kMaxUserAgentLength);
        QVERIFY(read->lastUsedUserAgent.startsWith(QStringLiteral("curl/8??")));
        // Successful validations are not audited one by one.
        QVERIFY(auditRecords(QStringLiteral("AuthenticateServiceToken")).isEmpty());
    }

    void policyIsStrictStoredAndAudited()
    {
        const ServiceTokenPolicy defaults;
        QCOMPARE(defaults.maxLifetimeDays, 90);
        QCOMPARE(defaults.defaultLifetimeDays, 90);
        QCOMPARE(ServiceTokenPolicy::fromJson(defaults.toJson()).valueOr({}), defaults);
        QCOMPARE(ServiceTokenPolicy::fromJson(QJsonObject{}).valueOr({}), defaults);
        const QList<QJsonObject> bad{
            {{QStringLiteral("maxLifetime"), 30}},
            {{QStringLiteral("maxLifetimeDays"), QStringLiteral("30")}},
            {{QStringLiteral("maxLifetimeDays"), 30.5}},
            {{QStringLiteral("maxLifetimeDays"), 0}},
            {{QStringLiteral("maxLifetimeDays"), 3651}},
            {{QStringLiteral("maxLifetimeDays"), 1e12}},
            {{QStringLiteral("retentionDays"), -1}},
            {{QStringLiteral("rotationAgeDays"), true}},
            {{QStringLiteral("maxLifetimeDays"), 30}, {QStringLiteral("defaultLifetimeDays"), 31}},
        };
        for (const QJsonObject &json : bad)
            GH_VERIFY_ERROR(ServiceTokenPolicy::fromJson(json), ErrorCode::InvalidInput);

        const Actor owner = actorFor(m_owner);
        QCOMPARE(m_tokens->policy(owner).valueOr({}), defaults);
        GH_VERIFY_OK(m_tokens->policy(actorFor(m_auditor)));
        GH_VERIFY_ERROR(m_tokens->policy(actorFor(m_alice)), ErrorCode::PermissionDenied);
        ServiceTokenPolicy changed;
        changed.maxLifetimeDays = 365;
        changed.rotationAgeDays = 30;
        GH_VERIFY_OK(m_tokens->setPolicy(owner, changed));
        const QJsonObject record = lastAuditRecord();
        QCOMPARE(record.value(QStringLiteral("eventName")).toString(),
                 QStringLiteral("UpdateServiceTokenPolicy"));
        QCOMPARE(record.value(QStringLiteral("responseElements"))
                     .toObject()
                     .value(QStringLiteral("previous"))
                     .toObject(),
                 defaults.toJson());
        QCOMPARE(m_tokens->policy(owner).valueOr({}), changed);
        GH_VERIFY_ERROR(m_tokens->setPolicy(actorFor(m_operator), defaults),
                        ErrorCode::PermissionDenied);
        ServiceTokenPolicy invalid;
        invalid.defaultLifetimeDays = 400;
        GH_VERIFY_ERROR(m_tokens->setPolicy(owner, invalid), ErrorCode::InvalidInput);
        QCOMPARE(m_tokens->policy(owner).valueOr({}), changed);
        GH_VERIFY_OK(create(m_alice, m_alice, {ServiceTokenScope::Admin}, 365 * kDay));

        // A damaged stored policy stops token creation rather than falling back to defaults.
        GH_VERIFY_OK(m_store->transaction(Store::Access::Write, [](SqlTransaction &tx) {
            Result<QSqlQuery> set = tx.exec(QStringLiteral("UPDATE policies SET document = ?"
                                                           " WHERE name = 'service_token'"),
                                            {QStringLiteral("{\"maxLifetimeDays\":0}")});
            return set ? Result<void>() : Result<void>(set.error());
        }));
        GH_VERIFY_ERROR(create(m_alice, m_alice, {ServiceTokenScope::Admin}), ErrorCode::Integrity);
    }

    void inputsAreChecked()
    {
        GH_VERIFY_ERROR(create(m_alice, m_alice, {}), ErrorCode::InvalidInput);
        for (const QString &name :
             {QString(), QStringLiteral("   "), QString(101, QLatin1Char('n')),
              QStringLiteral("ci\nbot"), QStringLiteral("ci\u202ebot")})
            GH_VERIFY_ERROR(create(m_alice, m_alice, {ServiceTokenScope::Admin}, 0, name),
                            ErrorCode::InvalidInput);
        Result<ServiceTokenSecret> trimmed =
            create(m_alice, m_alice, {ServiceTokenScope::Admin, ServiceTokenScope::Admin}, 0,
                   QStringLiteral("  nightly backup  "));
        GH_VERIFY_OK(trimmed);
        QCOMPARE(trimmed->token.name, QStringLiteral("nightly backup"));
        QCOMPARE(trimmed->token.scopes, QList<ServiceTokenScope>{ServiceTokenScope::Admin});
        // Anonymous and local-console callers own nothing and create nothing.
        GH_VERIFY_ERROR(
            m_tokens->create(
                Actor{},
                NewServiceToken{m_alice.id, QStringLiteral("x"), {ServiceTokenScope::Admin}, 0}),
            ErrorCode::Unauthenticated);
        GH_VERIFY_ERROR(
            m_tokens->create(
                Actor::localConsole(),
                NewServiceToken{m_alice.id, QStringLiteral("x"), {ServiceTokenScope::Admin}, 0}),
            ErrorCode::Unauthenticated);
        User ghost;
        ghost.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        GH_VERIFY_ERROR(create(m_owner, ghost, {ServiceTokenScope::Admin}), ErrorCode::NotFound);
    }

    void liveTokensPerOwnerAreCapped()
    {
        for (int i = 1; i < ServiceTokens::kMaxLiveTokensPerOwner; ++i)
            GH_VERIFY_OK(create(m_bob, m_bob, {ServiceTokenScope::Introspect}));
        const ServiceTokenSecret last = mustCreate(m_bob, {ServiceTokenScope::Introspect});
        GH_VERIFY_ERROR(create(m_bob, m_bob, {ServiceTokenScope::Introspect}), ErrorCode::Conflict);
        GH_VERIFY_OK(m_tokens->revoke(actorFor(m_bob), last.token.id, {}));
        GH_VERIFY_OK(create(m_bob, m_bob, {ServiceTokenScope::Introspect}));
    }
};

QTEST_GUILESS_MAIN(TestServiceTokens)
#include "TestServiceTokens.moc"
