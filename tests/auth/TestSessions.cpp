#include "TestStores.h"
#include "auth/SessionPolicy.h"
#include "auth/Sessions.h"
#include "auth/UserDirectory.h"
#include "auth/UserRows.h"
#include "crypto/Base64.h"
#include "crypto/Hash.h"
#include "model/Clock.h"

#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

using namespace gatehouse;
using gatehouse::test::actorFor;

namespace {

Actor client(const QString &ip = QStringLiteral("192.0.2.10"))
{
    Actor actor;
    actor.sourceIp = ip;
    actor.userAgent = QStringLiteral("TestSessions/1.0");
    return actor;
}

const QString kGeneric = QStringLiteral("Invalid or expired session.");

} // namespace

class TestSessions : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::shared_ptr<ManualClock> m_clock;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<ServiceContext> m_context;
    std::unique_ptr<UserDirectory> m_users;
    std::unique_ptr<Sessions> m_sessions;
    User m_owner;
    User m_alice;
    User m_bob;

    User makeUser(const QString &name)
    {
        Result<User> user =
            m_users->create(actorFor(m_owner), NewUser{name, QString(), QString(), {Role::User}});
        if (!user)
            qFatal("could not create a user");
        return *user;
    }

    Result<IssuedSession> start(const User &user, bool pending = false,
                                const QString &ip = QStringLiteral("192.0.2.10"))
    {
        return m_store->transact<IssuedSession>(Store::Access::Write, [&](SqlTransaction &tx) {
            return m_sessions->start(tx, user.id, client(ip), pending, false);
        });
    }

    Result<IssuedSession> promote(const QString &id)
    {
        return m_store->transact<IssuedSession>(
            Store::Access::Write, [&](SqlTransaction &tx) { return m_sessions->promote(tx, id); });
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

    QJsonObject lastAuditRecord()
    {
        const QString json =
            value(QStringLiteral("SELECT record FROM audit_events ORDER BY seq DESC LIMIT 1"))
                .toString();
        return QJsonDocument::fromJson(json.toUtf8()).object();
    }

    void verifyRefused(const QString &token, bool allowPending = false)
    {
        Result<ValidatedSession> refused = m_sessions->validate(token, allowPending);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::Unauthenticated);
        QCOMPARE(refused.error().message, kGeneric);
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_clock = std::make_shared<ManualClock>(QDateTime(QDate(2026, 6, 1), QTime(9, 0), Qt::UTC));
        static int counter = 0;
        auto store = test::TestStores::create(
            m_dir.path(), QStringLiteral("sessions-%1").arg(++counter), m_clock);
        GH_VERIFY_OK(store);
        m_store = std::move(store).value();
        m_context = std::make_unique<ServiceContext>(*m_store, m_clock);
        m_users = std::make_unique<UserDirectory>(*m_context);
        m_sessions = std::make_unique<Sessions>(*m_context);
        Result<User> owner = m_users->createFirstOwner(Actor::localConsole(),
                                                       NewUser{QStringLiteral("root"), {}, {}, {}});
        GH_VERIFY_OK(owner);
        m_owner = *owner;
        m_alice = makeUser(QStringLiteral("alice"));
        m_bob = makeUser(QStringLiteral("bob"));
    }

    void cleanup()
    {
        m_sessions.reset();
        m_users.reset();
        m_context.reset();
        m_store.reset();
    }

    void startThenValidate()
    {
        Result<IssuedSession> issued = start(m_alice);
        GH_VERIFY_OK(issued);
        QVERIFY(issued->token.startsWith(QStringLiteral("gh_s_")));
        QCOMPARE(issued->session.userId, m_alice.id);
        QCOMPARE(issued->session.username, QStringLiteral("alice"));
        QCOMPARE(issued->session.status(m_clock->now()), Session::Status::Active);
        QCOMPARE(issued->session.sourceIp, QStringLiteral("192.0.2.10"));
        QCOMPARE(issued->session.idleExpiresAt, m_clock->now().addSecs(30 * 60));
        QCOMPARE(issued->session.absoluteExpiresAt, m_clock->now().addSecs(12 * 3600));

        Result<ValidatedSession> valid = m_sessions->validate(issued->token);
        GH_VERIFY_OK(valid);
        QCOMPARE(valid->userId, m_alice.id);
        QCOMPARE(valid->username, QStringLiteral("alice"));
        QCOMPARE(valid->sessionId, issued->session.id);
        QVERIFY(!valid->pendingMfa);
        const Actor actor = valid->actor(client());
        QCOMPARE(actor.kind, Actor::Kind::User);
        QCOMPARE(actor.sessionId, issued->session.id);

        // Two sessions never share a token.
        Result<IssuedSession> second = start(m_alice);
        GH_VERIFY_OK(second);
        QVERIFY(second->token != issued->token);
        QVERIFY(second->session.id != issued->session.id);

        // Malformed input of every kind gets the one generic refusal.
        for (const QString &bad : {QString(), QStringLiteral("gh_s_"), issued->token.left(47),
                                   QString(issued->token + u'A'), QString(u' ' + issued->token),
                                   QString(1 << 20, QLatin1Char('a')), issued->token.toUpper()})
            verifyRefused(bad);
    }

    void tokenIsStoredOnlyAsItsHash()
    {
        Result<IssuedSession> issued = start(m_alice);
        GH_VERIFY_OK(issued);
        GH_VERIFY_OK(m_sessions->validate(issued->token));
        m_clock->advance(120 * 1000);
        GH_VERIFY_OK(m_sessions->validate(issued->token)); // a touch write
        GH_VERIFY_OK(
            m_sessions->revoke(actorFor(m_owner), issued->session.id, QStringLiteral("x")));

        const QByteArray stored =
            value(QStringLiteral("SELECT token_hash FROM sessions WHERE id = ?"),
                  {issued->session.id})
                .toByteArray();
        QCOMPARE(stored, crypto::sha256(issued->token.toLatin1()));

        // No column of any row holds the token.
        Result<QStringList> cells = m_store->transact<QStringList>(
            Store::Access::Read, [](SqlTransaction &tx) -> Result<QStringList> {
                Result<QSqlQuery> rows = tx.exec(QStringLiteral("SELECT * FROM sessions"));
                if (!rows)
                    return rows.error();
                QStringList all;
                while (rows->next()) {
                    for (int i = 0; i < 14; ++i)
                        all << rows->value(i).toString();
                }
                return all;
            });
        GH_VERIFY_OK(cells);
        QVERIFY(!cells->isEmpty());
        for (const QString &cell : *cells)
            QVERIFY(!cell.contains(issued->token));

        // Nor do the raw bytes of the store, its journal included (audit records too).
        const QByteArray needle = issued->token.toLatin1();
        const QByteArray bytes = test::TestStores::contents(*m_store);
        QVERIFY(bytes.size() > 10000);
        QVERIFY(!bytes.contains(needle));
        QVERIFY(!bytes.contains(needle.mid(5)));
    }

    void storedHashIsNotABearerToken() // D9
    {
        Result<IssuedSession> issued = start(m_alice);
        GH_VERIFY_OK(issued);
        const QByteArray hash =
            value(QStringLiteral("SELECT token_hash FROM sessions WHERE id = ?"),
                  {issued->session.id})
                .toByteArray();
        QCOMPARE(hash.size(), 32);
        const QString base64 = QString::fromLatin1(crypto::base64UrlEncode(hash));
        for (const QString &presented :
             {QString::fromLatin1(hash.toHex()), base64, QString(u"gh_s_" + base64),
              QString::fromLatin1(hash.toBase64()), QString::fromLatin1(hash)}) {
            verifyRefused(presented);
            verifyRefused(presented, true);
            GH_VERIFY_ERROR(m_sessions->logout(presented), ErrorCode::Unauthenticated);
        }
        GH_VERIFY_OK(m_sessions->validate(issued->token));
    }

    void idleTimeout() // D2
    {
        Result<IssuedSession> idle = start(m_alice);
        GH_VERIFY_OK(idle);
        m_clock->advance((30 * 60 + 1) * 1000);
        verifyRefused(idle->token);

        Result<IssuedSession> busy = start(m_alice);
        GH_VERIFY_OK(busy);
        m_clock->advance((30 * 60 - 1) * 1000);
        Result<ValidatedSession> justInTime = m_sessions->validate(busy->token);
        GH_VERIFY_OK(justInTime);
        // That use extended the idle window from now.
        QCOMPARE(justInTime->expiresAt, m_clock->now().addSecs(30 * 60));
        m_clock->advance((30 * 60 - 1) * 1000);
        GH_VERIFY_OK(m_sessions->validate(busy->token));
        m_clock->advance((30 * 60 + 1) * 1000);
        verifyRefused(busy->token);
    }

    void absoluteLifetime() // D3
    {
        Result<IssuedSession> issued = start(m_alice);
        GH_VERIFY_OK(issued);
        const QDateTime limit = m_clock->now().addSecs(12 * 3600);
        int minutes = 0;
        while (m_clock->now().addSecs(60) < limit) {
            m_clock->advance(60 * 1000);
            ++minutes;
            GH_VERIFY_OK(m_sessions->validate(issued->token));
        }
        QCOMPARE(minutes, 12 * 60 - 1);
        m_clock->advance(60 * 1000);
        QCOMPARE(m_clock->now(), limit);
        verifyRefused(issued->token);
        // The idle expiry never ran past the absolute one.
        QVERIFY(value(QStringLiteral("SELECT idle_expires_at <= absolute_expires_at FROM sessions"
                                     " WHERE id = ?"),
                      {issued->session.id})
                    .toBool());
    }

    void revokeEndsTheSessionAndIsIdempotent() // D1, SEC-23
    {
        Result<IssuedSession> issued = start(m_alice);
        GH_VERIFY_OK(issued);
        GH_VERIFY_OK(m_sessions->validate(issued->token));
        Result<Session> revoked = m_sessions->revoke(actorFor(m_owner), issued->session.id,
                                                     QStringLiteral("lost laptop"));
        GH_VERIFY_OK(revoked);
        QCOMPARE(revoked->status(m_clock->now()), Session::Status::Revoked);
        QCOMPARE(revoked->revokeReason, QStringLiteral("lost laptop"));
        QCOMPARE(revoked->revokedBy, m_owner.id);
        verifyRefused(issued->token);
        verifyRefused(issued->token, true);
        QCOMPARE(lastAuditRecord().value(QStringLiteral("eventName")).toString(),
                 QStringLiteral("RevokeSession"));

        const QDateTime firstRevocation = revoked->revokedAt;
        m_clock->advance(5000);
        Result<Session> again =
            m_sessions->revoke(actorFor(m_owner), issued->session.id, QStringLiteral("again"));
        GH_VERIFY_OK(again);
        QCOMPARE(again->revokedAt, firstRevocation);
        QCOMPARE(again->revokeReason, QStringLiteral("lost laptop"));

        GH_VERIFY_ERROR(m_sessions->revoke(actorFor(m_owner), QStringLiteral("nope"), {}),
                        ErrorCode::NotFound);
        GH_VERIFY_ERROR(m_sessions->revoke(actorFor(m_owner), issued->session.id,
                                           QStringLiteral("bad\nreason")),
                        ErrorCode::InvalidInput);
        GH_VERIFY_ERROR(m_sessions->revoke(actorFor(m_owner), issued->session.id,
                                           QString(501, QLatin1Char('r'))),
                        ErrorCode::InvalidInput);
        GH_VERIFY_ERROR(m_sessions->revoke(Actor::localConsole(), issued->session.id, {}),
                        ErrorCode::Unauthenticated);
    }

    void logoutEndsTheSession() // D1
    {
        Result<IssuedSession> issued = start(m_alice);
        GH_VERIFY_OK(issued);
        GH_VERIFY_OK(m_sessions->logout(issued->token, client()));
        const QJsonObject record = lastAuditRecord();
        QCOMPARE(record.value(QStringLiteral("eventName")).toString(), QStringLiteral("Logout"));
        QCOMPARE(record.value(QStringLiteral("eventSource")).toString(),
                 QStringLiteral("auth.gatehouse"));
        verifyRefused(issued->token);
        Result<void> twice = m_sessions->logout(issued->token);
        GH_VERIFY_ERROR(twice, ErrorCode::Unauthenticated);
        QCOMPARE(twice.error().message, kGeneric);
        QCOMPARE(value(QStringLiteral("SELECT revoke_reason FROM sessions WHERE id = ?"),
                       {issued->session.id})
                     .toString(),
                 QStringLiteral("logout"));
    }

    void revokeAllExceptCallerKeepsTheCallers()
    {
        Result<IssuedSession> mine = start(m_owner);
        Result<IssuedSession> myOther = start(m_owner);
        Result<IssuedSession> alices = start(m_alice);
        GH_VERIFY_OK(mine);
        GH_VERIFY_OK(myOther);
        GH_VERIFY_OK(alices);
        GH_VERIFY_ERROR(m_sessions->revokeAllExceptCaller(actorFor(m_owner), {}),
                        ErrorCode::InvalidInput);
        GH_VERIFY_OK(m_sessions->validate(myOther->token));

        Result<int> revoked = m_sessions->revokeAllExceptCaller(actorFor(m_owner, mine->session.id),
                                                                QStringLiteral("incident"));
        GH_VERIFY_OK(revoked);
        QCOMPARE(*revoked, 2);
        GH_VERIFY_OK(m_sessions->validate(mine->token));
        verifyRefused(myOther->token);
        verifyRefused(alices->token);

        // Without sessions:revoke, only the caller's own other sessions go.
        Result<IssuedSession> bob1 = start(m_bob);
        Result<IssuedSession> bob2 = start(m_bob);
        Result<IssuedSession> alice2 = start(m_alice);
        Result<int> own = m_sessions->revokeAllExceptCaller(actorFor(m_bob, bob1->session.id), {});
        GH_VERIFY_OK(own);
        QCOMPARE(*own, 1);
        GH_VERIFY_OK(m_sessions->validate(bob1->token));
        verifyRefused(bob2->token);
        GH_VERIFY_OK(m_sessions->validate(alice2->token));
    }

    void perUserCapEvictsTheOldest() // D10
    {
        QList<IssuedSession> issued;
        for (int i = 0; i < 25; ++i) {
            Result<IssuedSession> next = start(m_alice);
            GH_VERIFY_OK(next);
            issued.append(*next);
            m_clock->advance(1000);
            QVERIFY(count(QStringLiteral("SELECT count(*) FROM sessions WHERE user_id = ? AND"
                                         " revoked_at IS NULL"),
                          {m_alice.id})
                    <= 20);
        }
        for (int i = 0; i < 5; ++i) {
            verifyRefused(issued.at(i).token);
            QCOMPARE(value(QStringLiteral("SELECT revoke_reason FROM sessions WHERE id = ?"),
                           {issued.at(i).session.id})
                         .toString(),
                     QStringLiteral("session limit"));
        }
        for (int i = 5; i < 25; ++i)
            GH_VERIFY_OK(m_sessions->validate(issued.at(i).token));
        // Other users are not affected.
        GH_VERIFY_OK(start(m_bob));
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM sessions WHERE revoked_at IS NULL")),
                 21);
    }

    void pendingMfaGrantsNothingUntilPromoted() // SEC-21, SEC-26, D7
    {
        Result<IssuedSession> pending = start(m_alice, true);
        GH_VERIFY_OK(pending);
        QCOMPARE(pending->session.status(m_clock->now()), Session::Status::PendingMfa);
        QCOMPARE(pending->session.absoluteExpiresAt, m_clock->now().addSecs(5 * 60));
        verifyRefused(pending->token);
        Result<ValidatedSession> step = m_sessions->validate(pending->token, true);
        GH_VERIFY_OK(step);
        QVERIFY(step->pendingMfa);
        QVERIFY(!step->mfaAuthenticated);

        Result<IssuedSession> promoted = promote(pending->session.id);
        GH_VERIFY_OK(promoted);
        QVERIFY(promoted->token != pending->token);
        QVERIFY(promoted->session.id != pending->session.id);
        QVERIFY(promoted->session.mfaAuthenticated);
        verifyRefused(pending->token);
        verifyRefused(pending->token, true);
        Result<ValidatedSession> full = m_sessions->validate(promoted->token);
        GH_VERIFY_OK(full);
        QVERIFY(full->mfaAuthenticated);
        QVERIFY(!full->pendingMfa);
        // A pending session can be promoted once, and an active one never.
        GH_VERIFY_ERROR(promote(pending->session.id), ErrorCode::Unauthenticated);
        GH_VERIFY_ERROR(promote(promoted->session.id), ErrorCode::Unauthenticated);

        // The TOTP step has five minutes.
        Result<IssuedSession> slow = start(m_alice, true);
        GH_VERIFY_OK(slow);
        m_clock->advance(5 * 60 * 1000);
        verifyRefused(slow->token, true);
        GH_VERIFY_ERROR(promote(slow->session.id), ErrorCode::Unauthenticated);
    }

    void disabledUsersSessionsAreRefused() // SEC-24
    {
        Result<IssuedSession> issued = start(m_alice);
        GH_VERIFY_OK(issued);
        GH_VERIFY_OK(m_users->setStatus(actorFor(m_owner), m_alice.id, User::Status::Disabled));
        verifyRefused(issued->token);
        GH_VERIFY_ERROR(start(m_alice), ErrorCode::Unauthenticated);
        // Disabling ended the session for good: enabling the account does not revive it.
        GH_VERIFY_OK(m_users->setStatus(actorFor(m_owner), m_alice.id, User::Status::Active));
        verifyRefused(issued->token);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM sessions WHERE revoke_reason = ?"),
                       {QStringLiteral("account disabled")}),
                 1);
    }

    void deletedUsersSessionsAreGone() // SEC-24
    {
        GH_VERIFY_OK(start(m_alice));
        GH_VERIFY_OK(start(m_alice, true));
        GH_VERIFY_OK(start(m_bob));
        GH_VERIFY_OK(m_users->remove(actorFor(m_owner), m_alice.id));
        QCOMPARE(
            count(QStringLiteral("SELECT count(*) FROM sessions WHERE user_id = ?"), {m_alice.id}),
            0);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM sessions")), 1);
    }

    void listFiltersAndPages()
    {
        QSet<QString> aliceIds;
        for (int i = 0; i < 7; ++i) {
            Result<IssuedSession> s = start(m_alice);
            GH_VERIFY_OK(s);
            aliceIds.insert(s->session.id);
            if (i % 2 == 0)
                m_clock->advance(1000); // some share a creation time: id breaks the tie
        }
        for (int i = 0; i < 3; ++i) {
            GH_VERIFY_OK(start(m_bob, false, QStringLiteral("198.51.100.7")));
            m_clock->advance(1000);
        }
        const Actor owner = actorFor(m_owner);

        SessionQuery query;
        query.pageSize = 3;
        QStringList seen;
        QDateTime previous;
        int pages = 0;
        do {
            Result<Page<Session>> page = m_sessions->list(owner, query);
            GH_VERIFY_OK(page);
            ++pages;
            for (const Session &session : page->items) {
                QVERIFY(!seen.contains(session.id));
                seen << session.id;
                if (previous.isValid())
                    QVERIFY(session.createdAt <= previous);
                previous = session.createdAt;
            }
            query.pageToken = page->nextPageToken;
        } while (!query.pageToken.isEmpty());
        QCOMPARE(seen.size(), 10);
        QCOMPARE(pages, 4);

        SessionQuery byUser;
        byUser.userId = m_alice.id;
        Result<Page<Session>> alices = m_sessions->list(owner, byUser);
        GH_VERIFY_OK(alices);
        QCOMPARE(alices->items.size(), 7);
        for (const Session &session : alices->items)
            QVERIFY(aliceIds.contains(session.id));

        SessionQuery byIp;
        byIp.sourceIp = QStringLiteral("198.51.100.7");
        QCOMPARE(m_sessions->list(owner, byIp)->items.size(), 3);

        const QString someId = *aliceIds.begin();
        GH_VERIFY_OK(m_sessions->revoke(owner, someId, {}));
        SessionQuery revoked;
        revoked.status = Session::Status::Revoked;
        Result<Page<Session>> revokedPage = m_sessions->list(owner, revoked);
        GH_VERIFY_OK(revokedPage);
        QCOMPARE(revokedPage->items.size(), 1);
        QCOMPARE(revokedPage->items.first().id, someId);
        SessionQuery active;
        active.status = Session::Status::Active;
        QCOMPARE(m_sessions->list(owner, active)->items.size(), 9);

        SessionQuery range;
        range.createdAfter = QDateTime(QDate(2026, 6, 1), QTime(9, 0, 4), Qt::UTC);
        range.createdBefore = QDateTime(QDate(2026, 6, 1), QTime(9, 0, 6), Qt::UTC);
        Result<Page<Session>> ranged = m_sessions->list(owner, range);
        GH_VERIFY_OK(ranged);
        for (const Session &session : ranged->items) {
            QVERIFY(session.createdAt >= range.createdAfter);
            QVERIFY(session.createdAt < range.createdBefore);
        }
        QCOMPARE(ranged->items.size(), 2); // bob's at 09:00:04 and 09:00:05

        m_clock->advance(24LL * 3600 * 1000);
        SessionQuery expired;
        expired.status = Session::Status::Expired;
        QCOMPARE(m_sessions->list(owner, expired)->items.size(), 9);

        // A token from one listing is refused for another.
        query = SessionQuery{};
        query.pageSize = 2;
        Result<Page<Session>> first = m_sessions->list(owner, query);
        GH_VERIFY_OK(first);
        byUser.pageToken = first->nextPageToken;
        GH_VERIFY_ERROR(m_sessions->list(owner, byUser), ErrorCode::InvalidInput);
        query.pageSize = 1001;
        GH_VERIFY_ERROR(m_sessions->list(owner, query), ErrorCode::InvalidInput);
    }

    void nonAdminsSeeAndRevokeOnlyTheirOwn() // SEC-32
    {
        Result<IssuedSession> alices = start(m_alice);
        Result<IssuedSession> bobs = start(m_bob);
        GH_VERIFY_OK(alices);
        GH_VERIFY_OK(bobs);
        const Actor bob = actorFor(m_bob, bobs->session.id);

        Result<Session> foreign = m_sessions->revoke(bob, alices->session.id, {});
        Result<Session> missing =
            m_sessions->revoke(bob, QStringLiteral("00000000-0000-4000-8000-000000000000"), {});
        GH_VERIFY_ERROR(foreign, ErrorCode::NotFound);
        GH_VERIFY_ERROR(missing, ErrorCode::NotFound);
        QCOMPARE(foreign.error().message, missing.error().message);
        GH_VERIFY_OK(m_sessions->validate(alices->token));

        GH_VERIFY_ERROR(m_sessions->revokeAllOfUser(bob, m_alice.id, {}), ErrorCode::NotFound);
        Result<int> many = m_sessions->revokeMany(bob, {alices->session.id}, {});
        GH_VERIFY_OK(many);
        QCOMPARE(*many, 0);
        Result<int> older = m_sessions->revokeOlderThan(bob, m_clock->now().addSecs(1), {});
        GH_VERIFY_OK(older);
        QCOMPARE(*older, 1); // bob's own
        GH_VERIFY_OK(m_sessions->validate(alices->token));
        GH_VERIFY_ERROR(m_sessions->purge(bob), ErrorCode::PermissionDenied);

        Result<Page<Session>> listed = m_sessions->list(bob, SessionQuery{});
        GH_VERIFY_OK(listed);
        QCOMPARE(listed->items.size(), 1);
        QCOMPARE(listed->items.first().userId, m_bob.id);
        SessionQuery aliceOnly;
        aliceOnly.userId = m_alice.id;
        QCOMPARE(m_sessions->list(bob, aliceOnly)->items.size(), 0);
    }

    void bulkRevocation()
    {
        QStringList ids;
        QList<IssuedSession> issued;
        for (int i = 0; i < 6; ++i) {
            Result<IssuedSession> s = start(i < 3 ? m_alice : m_bob);
            GH_VERIFY_OK(s);
            issued << *s;
            ids << s->session.id;
            m_clock->advance(1000);
        }
        const Actor owner = actorFor(m_owner);
        Result<int> all = m_sessions->revokeAllOfUser(owner, m_alice.id, QStringLiteral("left"));
        GH_VERIFY_OK(all);
        QCOMPARE(*all, 3);
        GH_VERIFY_ERROR(m_sessions->revokeAllOfUser(owner, QStringLiteral("nobody"), {}),
                        ErrorCode::NotFound);

        Result<int> older = m_sessions->revokeOlderThan(owner, issued.at(4).session.createdAt, {});
        GH_VERIFY_OK(older);
        QCOMPARE(*older, 1); // bob's first; alice's were revoked already
        Result<int> many = m_sessions->revokeMany(owner, ids + ids, QStringLiteral("bulk"));
        GH_VERIFY_OK(many);
        QCOMPARE(*many, 2);
        QCOMPARE(lastAuditRecord().value(QStringLiteral("eventName")).toString(),
                 QStringLiteral("RevokeSessions"));

        QStringList tooMany;
        for (int i = 0; i <= Sessions::kMaxBulkIds; ++i)
            tooMany << QStringLiteral("%1").arg(i, 36, 10, QLatin1Char('0'));
        GH_VERIFY_ERROR(m_sessions->revokeMany(owner, tooMany, {}), ErrorCode::InvalidInput);
    }

    // validateFromMemory() answers only what validate() would, never from a row that a
    // commit may have changed since (SEC-23), and leaves the store's work to validate().
    void memoryAnswersFollowTheStore()
    {
        Result<IssuedSession> issued = start(m_alice);
        GH_VERIFY_OK(issued);
        std::optional<Result<ValidatedSession>> malformed =
            m_sessions->validateFromMemory(QStringLiteral("not a token"));
        QVERIFY(malformed && !*malformed);
        QCOMPARE(malformed->error().message, kGeneric);
        QVERIFY(!m_sessions->validateFromMemory(issued->token)); // never read yet
        GH_VERIFY_OK(m_sessions->validate(issued->token));
        const bool stamped = m_store->changeStamp().has_value(); // SQLite, not PostgreSQL
        std::optional<Result<ValidatedSession>> kept =
            m_sessions->validateFromMemory(issued->token);
        QCOMPARE(kept.has_value(), stamped);
        if (kept) {
            GH_VERIFY_OK(*kept);
            QCOMPARE((*kept)->sessionId, issued->session.id);
            QCOMPARE((*kept)->userId, m_alice.id);
        }
        // Any commit, here a revocation, and only validate() can tell.
        GH_VERIFY_OK(m_sessions->revoke(actorFor(m_owner), issued->session.id, {}));
        QVERIFY(!m_sessions->validateFromMemory(issued->token));
        verifyRefused(issued->token);
        QVERIFY(!m_sessions->validateFromMemory(issued->token));

        // A session due for an activity record goes to validate(), which writes it.
        Result<IssuedSession> other = start(m_bob);
        GH_VERIFY_OK(other);
        GH_VERIFY_OK(m_sessions->validate(other->token));
        QCOMPARE(m_sessions->validateFromMemory(other->token).has_value(), stamped);
        m_clock->advance(61 * 1000);
        QVERIFY(!m_sessions->validateFromMemory(other->token));
    }

    void activityWritesAreCoalesced()
    {
        Result<IssuedSession> issued = start(m_alice);
        GH_VERIFY_OK(issued);
        const QDateTime started = m_clock->now();
        const auto lastSeen = [&] {
            return value(QStringLiteral("SELECT last_seen_at FROM sessions WHERE id = ?"),
                         {issued->session.id})
                .toString();
        };
        // Within the first minute nothing is written.
        for (int i = 0; i < 100; ++i) {
            m_clock->advance(500);
            GH_VERIFY_OK(m_sessions->validate(issued->token));
        }
        QCOMPARE(lastSeen(), UserRows::isoUtc(started));

        // Past it, one write, then none for the next 100 calls within 60 s.
        m_clock->advance(11 * 1000);
        const QDateTime firstUse = m_clock->now();
        for (int i = 0; i < 100; ++i) {
            GH_VERIFY_OK(m_sessions->validate(issued->token));
            m_clock->advance(500);
        }
        QCOMPARE(lastSeen(), UserRows::isoUtc(firstUse));
        QCOMPARE(value(QStringLiteral("SELECT idle_expires_at FROM sessions WHERE id = ?"),
                       {issued->session.id})
                     .toString(),
                 UserRows::isoUtc(firstUse.addSecs(30 * 60)));
        m_clock->advance(11 * 1000);
        GH_VERIFY_OK(m_sessions->validate(issued->token));
        QCOMPARE(lastSeen(), UserRows::isoUtc(m_clock->now()));
    }

    void clockJumps() // J4
    {
        Result<IssuedSession> issued = start(m_alice);
        GH_VERIFY_OK(issued);
        // Backwards: still valid, and last-seen never moves back.
        m_clock->advance(-3600LL * 1000);
        GH_VERIFY_OK(m_sessions->validate(issued->token));
        QCOMPARE(value(QStringLiteral("SELECT last_seen_at FROM sessions")).toString(),
                 UserRows::isoUtc(issued->session.createdAt));
        m_clock->advance(3600LL * 1000);
        // A day forwards: expired, and listed as such.
        m_clock->advance(24LL * 3600 * 1000);
        verifyRefused(issued->token);
        Result<Page<Session>> listed = m_sessions->list(actorFor(m_owner), SessionQuery{});
        GH_VERIFY_OK(listed);
        QCOMPARE(listed->items.size(), 1);
        QCOMPARE(listed->items.first().status(m_clock->now()), Session::Status::Expired);
        // Revoking an expired session is allowed and recorded.
        GH_VERIFY_OK(m_sessions->revoke(actorFor(m_owner), issued->session.id, {}));
        Result<int> none = m_sessions->revokeAllOfUser(actorFor(m_owner), m_alice.id, {});
        GH_VERIFY_OK(none);
        QCOMPARE(*none, 0);
    }

    void purgeDeletesAfterRetention()
    {
        Result<IssuedSession> revoked = start(m_alice);
        Result<IssuedSession> expiring = start(m_alice);
        GH_VERIFY_OK(revoked);
        GH_VERIFY_OK(expiring);
        GH_VERIFY_OK(m_sessions->revoke(actorFor(m_owner), revoked->session.id, {}));
        m_clock->advance(29LL * 24 * 3600 * 1000);
        Result<int> early = m_sessions->purge(actorFor(m_owner));
        GH_VERIFY_OK(early);
        QCOMPARE(*early, 0);
        m_clock->advance(2LL * 24 * 3600 * 1000);
        Result<IssuedSession> live = start(m_alice);
        GH_VERIFY_OK(live);
        Result<int> purged = m_sessions->purge(actorFor(m_owner));
        GH_VERIFY_OK(purged);
        QCOMPARE(*purged, 2);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM sessions")), 1);
        const QJsonObject record = lastAuditRecord();
        QCOMPARE(record.value(QStringLiteral("eventName")).toString(),
                 QStringLiteral("PurgeSessions"));
        QCOMPARE(record.value(QStringLiteral("responseElements"))
                     .toObject()
                     .value(QStringLiteral("deleted"))
                     .toInt(),
                 2);
    }

    void policyIsStrictStoredAndAudited()
    {
        const SessionPolicy defaults;
        QCOMPARE(SessionPolicy::fromJson(defaults.toJson()).valueOr({}), defaults);
        QCOMPARE(SessionPolicy::fromJson(QJsonObject{}).valueOr({}), defaults);
        const QList<QJsonObject> bad{
            {{QStringLiteral("idleTimeout"), 60}},
            {{QStringLiteral("idleTimeoutSeconds"), QStringLiteral("600")}},
            {{QStringLiteral("idleTimeoutSeconds"), 600.5}},
            {{QStringLiteral("idleTimeoutSeconds"), 59}},
            {{QStringLiteral("idleTimeoutSeconds"), 1e12}},
            {{QStringLiteral("maxSessionsPerUser"), 0}},
            {{QStringLiteral("maxSessionsPerUser"), 1001}},
            {{QStringLiteral("retentionDays"), 0}},
            {{QStringLiteral("pendingMfaLifetimeSeconds"), 3600}},
            {{QStringLiteral("lastSeenWriteIntervalSeconds"), -1}},
            {{QStringLiteral("idleTimeoutSeconds"), 7200},
             {QStringLiteral("absoluteLifetimeSeconds"), 3600}},
            {{QStringLiteral("idleTimeoutSeconds"), 120},
             {QStringLiteral("lastSeenWriteIntervalSeconds"), 120}},
        };
        for (const QJsonObject &json : bad)
            GH_VERIFY_ERROR(SessionPolicy::fromJson(json), ErrorCode::InvalidInput);

        const Actor owner = actorFor(m_owner);
        Result<SessionPolicy> current = m_sessions->policy(owner);
        GH_VERIFY_OK(current);
        QCOMPARE(*current, defaults);

        SessionPolicy changed;
        changed.idleTimeoutSeconds = 600;
        changed.maxSessionsPerUser = 2;
        GH_VERIFY_OK(m_sessions->setPolicy(owner, changed));
        QCOMPARE(lastAuditRecord().value(QStringLiteral("eventName")).toString(),
                 QStringLiteral("UpdateSessionPolicy"));
        QCOMPARE(m_sessions->policy(owner).valueOr({}), changed);
        GH_VERIFY_ERROR(m_sessions->setPolicy(actorFor(m_alice), defaults),
                        ErrorCode::PermissionDenied);
        SessionPolicy invalid;
        invalid.absoluteLifetimeSeconds = 1;
        GH_VERIFY_ERROR(m_sessions->setPolicy(owner, invalid), ErrorCode::InvalidInput);

        // New sessions follow it.
        Result<IssuedSession> issued = start(m_alice);
        GH_VERIFY_OK(issued);
        QCOMPARE(issued->session.idleExpiresAt, m_clock->now().addSecs(600));
        GH_VERIFY_OK(start(m_alice));
        GH_VERIFY_OK(start(m_alice));
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM sessions WHERE revoked_at IS NULL")),
                 2);
    }

    void errorsNeverContainTheToken()
    {
        Result<IssuedSession> issued = start(m_alice, true);
        GH_VERIFY_OK(issued);
        const QString token = issued->token;
        QList<Error> errors;
        const auto collect = [&](const auto &result) {
            if (!result)
                errors << result.error();
        };
        collect(m_sessions->validate(token));
        QString tampered = token;
        tampered[10] = tampered.at(10) == QLatin1Char('A') ? QLatin1Char('B') : QLatin1Char('A');
        collect(m_sessions->validate(tampered));
        collect(m_sessions->validate(QString(token + u'x')));
        collect(m_sessions->logout(tampered));
        collect(m_sessions->revoke(actorFor(m_owner), token, {}));
        collect(m_sessions->revokeMany(actorFor(m_owner), {token}, {}));
        collect(m_sessions->revokeAllOfUser(actorFor(m_owner), token, {}));
        SessionQuery query;
        query.pageToken = token;
        collect(m_sessions->list(actorFor(m_owner), query));
        QCOMPARE(errors.size(), 8);
        for (const Error &error : errors) {
            QVERIFY2(!error.message.contains(token.mid(5)), qPrintable(error.message));
            QVERIFY(!error.message.contains(tampered.mid(5)));
        }
        // The audit trail of those failures holds no token either.
        QVERIFY(
            count(QStringLiteral(
                      "SELECT count(*) FROM audit_events WHERE replace(record, ?, '') <> record"),
                  {token.mid(5)})
            == 0);
    }

    // validate() keeps its statement prepared per connection, never a result: a revocation or
    // a disabled account committed through another connection is refused by the very next
    // validation on this one (SEC-23, SEC-24).
    void validationSeesOtherConnectionsAtOnce()
    {
        Result<IssuedSession> revoked = start(m_alice);
        Result<IssuedSession> disabled = start(m_bob);
        Result<IssuedSession> kept = start(m_alice);
        GH_VERIFY_OK(revoked);
        GH_VERIFY_OK(disabled);
        GH_VERIFY_OK(kept);
        for (const IssuedSession *issued : {&*revoked, &*disabled, &*kept})
            GH_VERIFY_OK(m_sessions->validate(issued->token));

        // Another thread works on its own connection to the same file.
        Result<Session> revocation = makeError(ErrorCode::Internal, QStringLiteral("not run"));
        Result<User> disabling = makeError(ErrorCode::Internal, QStringLiteral("not run"));
        std::thread other([&] {
            revocation = m_sessions->revoke(actorFor(m_owner), revoked->session.id, {});
            disabling = m_users->setStatus(actorFor(m_owner), m_bob.id, User::Status::Disabled);
        });
        other.join();
        GH_VERIFY_OK(revocation);
        GH_VERIFY_OK(disabling);

        verifyRefused(revoked->token);
        verifyRefused(disabled->token);
        GH_VERIFY_OK(m_sessions->validate(kept->token));

        // And the other way round: a revocation here is seen by a thread that validated before.
        Result<ValidatedSession> before = makeError(ErrorCode::Internal, QStringLiteral("not run"));
        Result<ValidatedSession> after = makeError(ErrorCode::Internal, QStringLiteral("not run"));
        std::mutex step;
        std::condition_variable turn;
        int stage = 0;
        std::thread validator([&] {
            before = m_sessions->validate(kept->token);
            std::unique_lock lock(step);
            stage = 1;
            turn.notify_all();
            turn.wait(lock, [&] { return stage == 2; });
            after = m_sessions->validate(kept->token);
        });
        {
            std::unique_lock lock(step);
            turn.wait(lock, [&] { return stage == 1; });
        }
        GH_VERIFY_OK(m_sessions->revoke(actorFor(m_owner), kept->session.id, {}));
        {
            std::lock_guard lock(step);
            stage = 2;
        }
        turn.notify_all();
        validator.join();
        GH_VERIFY_OK(before);
        GH_VERIFY_ERROR(after, ErrorCode::Unauthenticated);
    }

    // What validate() read is kept while the store shows nothing has changed, and only that
    // long: any change that can end a session, made through any connection (here SQL typed
    // by hand on a connection of its own, as another program would), ends a kept one on the
    // very next validation. Activity records neither end nor move anything.
    void keptSessionsEndWithAnyChangeFromAnyConnection_data()
    {
        GH_SQLITE_ONLY(); // the change stamp of SQLite's WAL; PostgreSQL reads the revision every
                          // time
        QTest::addColumn<QString>("statement");
        QTest::addColumn<bool>("stillValid");
        QTest::addColumn<bool>("dropsKeptRows"); // moves the session revision
        QTest::newRow("revoked") << QStringLiteral(
            "UPDATE sessions SET revoked_at = '2026-06-01T09:00:00.000Z' WHERE token_hash = :hash")
                                 << false << true;
        QTest::newRow("deleted") << QStringLiteral("DELETE FROM sessions WHERE token_hash = :hash")
                                 << false << true;
        QTest::newRow("shortened") << QStringLiteral(
            "UPDATE sessions SET idle_expires_at = '2026-06-01T08:59:00.000Z',"
            " absolute_expires_at = '2026-06-01T08:59:00.000Z' WHERE token_hash = :hash")
                                   << false << true;
        QTest::newRow("back to pending")
            << QStringLiteral("UPDATE sessions SET state = 'pending_mfa' WHERE token_hash = :hash")
            << false << true;
        QTest::newRow("owner disabled")
            << QStringLiteral("UPDATE users SET status = 'disabled' WHERE id ="
                              " (SELECT user_id FROM sessions WHERE token_hash = :hash)")
            << false << true;
        QTest::newRow("owner deleted") << QStringLiteral(
            "DELETE FROM users WHERE id = (SELECT user_id FROM sessions WHERE token_hash = :hash)")
                                       << false << true;
        QTest::newRow("session policy")
            << QStringLiteral("INSERT INTO policies (name, document, updated_at, updated_by)"
                              " VALUES ('session', '{\"idleTimeoutSeconds\": 600}', '', '')"
                              " ON CONFLICT (name) DO UPDATE SET document = excluded.document")
            << true << true;
        QTest::newRow("activity record") << QStringLiteral(
            "UPDATE sessions SET last_seen_at = '2026-06-01T09:03:00.000Z',"
            " idle_expires_at = '2026-06-01T09:33:00.000Z' WHERE token_hash = :hash")
                                         << true << false;
        QTest::newRow("unrelated write")
            << QStringLiteral("UPDATE users SET display_name = 'Someone' WHERE id ="
                              " (SELECT user_id FROM sessions WHERE token_hash = :hash)")
            << true << false;
    }

    void keptSessionsEndWithAnyChangeFromAnyConnection()
    {
        QFETCH(QString, statement);
        QFETCH(bool, stillValid);
        QFETCH(bool, dropsKeptRows);
        Result<IssuedSession> issued = start(m_alice);
        Result<IssuedSession> bystander = start(m_bob);
        GH_VERIFY_OK(issued);
        GH_VERIFY_OK(bystander);
        m_clock->advance(2 * 60 * 1000); // past the idle expiry a shortened session gets
        // The first validations record activity (commits); the next ones read the rows again.
        for (int i = 0; i < 2; ++i) {
            GH_VERIFY_OK(m_sessions->validate(issued->token));
            GH_VERIFY_OK(m_sessions->validate(bystander->token));
        }
        // Both are kept under the store's current stamp: validating them needs no query.
        const QByteArray hash = crypto::sha256(issued->token.toLatin1());
        const std::optional<ChangeStamp> stamp = m_store->changeStamp();
        QVERIFY(stamp);
        QVERIFY(m_context->validationCaches().sessions.find(hash, *stamp));
        QVERIFY(m_context->validationCaches().sessions.find(
            crypto::sha256(bystander->token.toLatin1()), *stamp));
        const qint64 revision =
            value(QStringLiteral("SELECT value FROM credential_revision")).toLongLong();

        const QString problem = test::execByHand(m_store->info().location, statement,
                                                 {{QStringLiteral(":hash"), hash}});
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY(m_store->changeStamp() != stamp);
        QCOMPARE(value(QStringLiteral("SELECT value FROM credential_revision")).toLongLong()
                     != revision,
                 dropsKeptRows);
        // The bystander is read again first and kept under the new stamp; had the change not
        // moved the revision, the changed session's old row would be trusted after it.
        GH_VERIFY_OK(m_sessions->validate(bystander->token));
        if (stillValid) {
            GH_VERIFY_OK(m_sessions->validate(issued->token));
        } else {
            verifyRefused(issued->token);
        }
    }

    // The stored policy is read with every validation; a changed one applies at once, and a
    // damaged one fails closed until it is set again.
    void validationFollowsThePolicyAtOnce()
    {
        Result<IssuedSession> issued = start(m_alice);
        GH_VERIFY_OK(issued);
        GH_VERIFY_OK(m_sessions->validate(issued->token));

        SessionPolicy shorter;
        shorter.idleTimeoutSeconds = 600;
        GH_VERIFY_OK(m_sessions->setPolicy(actorFor(m_owner), shorter));
        m_clock->advance(120 * 1000);
        Result<ValidatedSession> touched = m_sessions->validate(issued->token);
        GH_VERIFY_OK(touched);
        QCOMPARE(touched->expiresAt, m_clock->now().addSecs(600));

        auto storeDocument = [&](const QString &document) {
            return m_store->transaction(Store::Access::Write, [&](SqlTransaction &tx) {
                Result<QSqlQuery> done =
                    tx.exec(QStringLiteral("UPDATE policies SET document = ? WHERE name = ?"),
                            {document, QStringLiteral("session")});
                return done ? Result<void>() : Result<void>(done.error());
            });
        };
        GH_VERIFY_OK(storeDocument(QStringLiteral("{")));
        GH_VERIFY_ERROR(m_sessions->validate(issued->token), ErrorCode::Integrity);
        GH_VERIFY_OK(storeDocument(QStringLiteral("{\"idleTimeoutSeconds\": 59}")));
        GH_VERIFY_ERROR(m_sessions->validate(issued->token), ErrorCode::Integrity);
        GH_VERIFY_OK(storeDocument(QStringLiteral("{\"idleTimeoutSeconds\": 900}")));
        m_clock->advance(120 * 1000);
        touched = m_sessions->validate(issued->token);
        GH_VERIFY_OK(touched);
        QCOMPARE(touched->expiresAt, m_clock->now().addSecs(900));
        GH_VERIFY_OK(storeDocument(QStringLiteral("{}")));
        m_clock->advance(120 * 1000);
        touched = m_sessions->validate(issued->token);
        GH_VERIFY_OK(touched);
        QCOMPARE(touched->expiresAt, m_clock->now().addSecs(SessionPolicy().idleTimeoutSeconds));
    }

    // Two stores used in turn on one thread, one of them closed and opened again: each
    // validation runs on its own store's connection only.
    void validationFollowsTheStoreItRunsOn()
    {
        Result<IssuedSession> mine = start(m_alice);
        GH_VERIFY_OK(mine);
        GH_VERIFY_OK(m_sessions->validate(mine->token));
        {
            auto other = test::TestStores::create(m_dir.path(), QStringLiteral("other"), m_clock);
            GH_VERIFY_OK(other);
            ServiceContext context(**other, m_clock);
            UserDirectory users(context);
            Sessions sessions(context);
            Result<User> owner = users.createFirstOwner(
                Actor::localConsole(), NewUser{QStringLiteral("carol"), {}, {}, {}});
            GH_VERIFY_OK(owner);
            Result<IssuedSession> theirs =
                (*other)->transact<IssuedSession>(Store::Access::Write, [&](SqlTransaction &tx) {
                    return sessions.start(tx, owner->id, client(), false, false);
                });
            GH_VERIFY_OK(theirs);
            for (int i = 0; i < 2; ++i) {
                GH_VERIFY_OK(sessions.validate(theirs->token));
                GH_VERIFY_ERROR(sessions.validate(mine->token), ErrorCode::Unauthenticated);
                GH_VERIFY_OK(m_sessions->validate(mine->token));
                verifyRefused(theirs->token);
            }
        }
        GH_VERIFY_OK(m_sessions->validate(mine->token));

        // Closed and opened again: the old connection's statement is gone with it.
        auto reopened = test::TestStores::open(*m_store, m_clock);
        m_sessions.reset();
        m_users.reset();
        m_context.reset();
        m_store.reset();
        GH_VERIFY_OK(reopened);
        m_store = std::move(reopened).value();
        m_context = std::make_unique<ServiceContext>(*m_store, m_clock);
        m_users = std::make_unique<UserDirectory>(*m_context);
        m_sessions = std::make_unique<Sessions>(*m_context);
        GH_VERIFY_OK(m_sessions->validate(mine->token));
        GH_VERIFY_OK(m_sessions->revoke(actorFor(m_owner), mine->session.id, {}));
        verifyRefused(mine->token);
    }
};

QTEST_GUILESS_MAIN(TestSessions)
#include "TestSessions.moc"
