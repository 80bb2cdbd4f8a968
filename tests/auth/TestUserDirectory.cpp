#include "TestStores.h"
#include "auth/UserDirectory.h"
#include "auth/UserRows.h"
#include "model/Clock.h"

#include "TestSupport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>

using namespace gatehouse;
using gatehouse::test::actorFor;

class TestUserDirectory : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::shared_ptr<ManualClock> m_clock;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<ServiceContext> m_context;
    std::unique_ptr<UserDirectory> m_users;
    User m_owner;

    Result<User> make(const Actor &actor, const QString &name, QList<Role> roles = {Role::User},
                      const QString &email = {})
    {
        return m_users->create(actor, NewUser{name, email, QString(), roles});
    }

    int count(const QString &sql, const QVariantList &parameters = {})
    {
        return m_store
            ->transact<int>(Store::Access::Read,
                            [&](SqlTransaction &tx) {
                                Result<QVariant> n = tx.scalar(sql, parameters);
                                return n ? Result<int>(n->toInt()) : Result<int>(n.error());
                            })
            .valueOr(-1);
    }

    QJsonObject lastAuditRecord()
    {
        const QString json =
            m_store
                ->transact<QString>(Store::Access::Read,
                                    [](SqlTransaction &tx) {
                                        Result<QVariant> r = tx.scalar(QStringLiteral(
                                            "SELECT record FROM audit_events ORDER BY seq DESC"
                                            " LIMIT 1"));
                                        return r ? Result<QString>(r->toString())
                                                 : Result<QString>(r.error());
                                    })
                .valueOr({});
        return QJsonDocument::fromJson(json.toUtf8()).object();
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_clock = std::make_shared<ManualClock>(QDateTime(QDate(2026, 6, 1), QTime(9, 0), Qt::UTC));
        static int counter = 0;
        auto store = test::TestStores::create(m_dir.path(),
                                              QStringLiteral("users-%1").arg(++counter), m_clock);
        GH_VERIFY_OK(store);
        m_store = std::move(store).value();
        m_context = std::make_unique<ServiceContext>(*m_store, m_clock);
        m_users = std::make_unique<UserDirectory>(*m_context);
        Result<User> owner = m_users->createFirstOwner(Actor::localConsole(),
                                                       NewUser{QStringLiteral("Root"),
                                                               QStringLiteral("root@example.com"),
                                                               QStringLiteral("Root Owner"),
                                                               {}});
        GH_VERIFY_OK(owner);
        m_owner = *owner;
    }

    void cleanup()
    {
        m_users.reset();
        m_context.reset();
        m_store.reset();
    }

    void firstOwnerOnlyOnceAndOnlyLocally()
    {
        QCOMPARE(m_owner.username, QStringLiteral("root"));
        QCOMPARE(m_owner.roles, QList<Role>{Role::Owner});
        QVERIFY(!m_owner.passwordSet);
        GH_VERIFY_ERROR(m_users->createFirstOwner(Actor::localConsole(),
                                                  NewUser{QStringLiteral("second"), {}, {}, {}}),
                        ErrorCode::Conflict);
        GH_VERIFY_ERROR(m_users->createFirstOwner(actorFor(m_owner),
                                                  NewUser{QStringLiteral("third"), {}, {}, {}}),
                        ErrorCode::PermissionDenied);
        // The local console holds the file, not an account: it cannot run admin operations.
        GH_VERIFY_ERROR(make(Actor::localConsole(), QStringLiteral("eve")),
                        ErrorCode::Unauthenticated);
        GH_VERIFY_ERROR(make(Actor(), QStringLiteral("eve")), ErrorCode::Unauthenticated);
    }

    // self() keeps what it read only until the next commit; selfJsonFromMemory() answers
    // only from that, as UserRows::toJson() writes the user.
    void selfFollowsTheStore()
    {
        const Actor owner = actorFor(m_owner);
        Result<User> alice =
            make(owner, QStringLiteral("alice"), {Role::User}, QStringLiteral("alice@example.com"));
        GH_VERIFY_OK(alice);
        const Actor self = actorFor(*alice);
        QVERIFY(!m_users->selfJsonFromMemory(self));
        GH_VERIFY_OK(m_users->self(self));
        const bool stamped = m_store->changeStamp().has_value(); // SQLite, not PostgreSQL
        std::optional<QByteArray> kept = m_users->selfJsonFromMemory(self);
        QCOMPARE(kept.has_value(), stamped);
        if (kept) {
            QCOMPARE(QJsonDocument::fromJson(*kept).object(), UserRows::toJson(*alice));
            QVERIFY(!m_users->selfJsonFromMemory(actorFor(m_owner))); // only who was read
        }

        GH_VERIFY_OK(m_users->update(owner, alice->id,
                                     UserChanges{QStringLiteral("alice@example.org"), {}}));
        QVERIFY(!m_users->selfJsonFromMemory(self));
        Result<User> again = m_users->self(self);
        GH_VERIFY_OK(again);
        QCOMPARE(again->email, QStringLiteral("alice@example.org"));
        if (stamped) {
            QCOMPARE(QJsonDocument::fromJson(*m_users->selfJsonFromMemory(self)).object(),
                     UserRows::toJson(*again));
        }
        QVERIFY(!m_users->selfJsonFromMemory(Actor::localConsole()));
    }

    void createPreparesAndKeepsNamesUnique()
    {
        const Actor owner = actorFor(m_owner);
        Result<User> alice = make(owner, QStringLiteral("Alice"), {Role::Admin},
                                  QStringLiteral("Alice@Example.COM"));
        GH_VERIFY_OK(alice);
        QCOMPARE(alice->username, QStringLiteral("alice"));
        QCOMPARE(alice->email, QStringLiteral("Alice@example.com"));
        QCOMPARE(alice->createdAt, m_clock->now());

        for (const QString &same : {QStringLiteral("ALICE"), QStringLiteral("ａｌｉｃｅ")})
            GH_VERIFY_ERROR(make(owner, same), ErrorCode::Conflict);
        GH_VERIFY_ERROR(make(owner, QStringLiteral("alice2"), {Role::User},
                             QStringLiteral("alice@example.com")),
                        ErrorCode::Conflict);
        for (const QString &bad : {QStringLiteral("al ice"), QStringLiteral("admin\u200B"),
                                   QStringLiteral("\u0430dmin"), QString()})
            GH_VERIFY_ERROR(make(owner, bad), ErrorCode::InvalidInput);
        GH_VERIFY_ERROR(
            m_users->create(
                owner, NewUser{QStringLiteral("carol"), {}, QStringLiteral("line\nbreak"), {}}),
            ErrorCode::InvalidInput);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM users")), 2);

        // Found by username or e-mail, as typed.
        Result<User> byEmail = m_users->find(owner, QStringLiteral("ALICE@example.com"));
        GH_VERIFY_OK(byEmail);
        QCOMPARE(byEmail->id, alice->id);
        GH_VERIFY_ERROR(m_users->find(owner, QStringLiteral("nobody")), ErrorCode::NotFound);
    }

    void everyChangeIsAuditedWithItsActor()
    {
        const Actor owner = actorFor(m_owner);
        const int before = count(QStringLiteral("SELECT count(*) FROM audit_events"));
        Result<User> bob = make(owner, QStringLiteral("bob"));
        GH_VERIFY_OK(bob);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM audit_events")), before + 1);
        const QJsonObject record = lastAuditRecord();
        QCOMPARE(record.value(QStringLiteral("eventName")).toString(),
                 QStringLiteral("CreateUser"));
        QCOMPARE(record.value(QStringLiteral("eventSource")).toString(),
                 QStringLiteral("admin.gatehouse"));
        QCOMPARE(record.value(QStringLiteral("readOnly")).toBool(), false);
        QCOMPARE(record.value(QStringLiteral("sourceIPAddress")).toString(),
                 QStringLiteral("127.0.0.1"));
        QCOMPARE(record.value(QStringLiteral("recipientAccountId")).toString(),
                 m_store->info().storeId);
        const QJsonObject identity = record.value(QStringLiteral("userIdentity")).toObject();
        QCOMPARE(identity.value(QStringLiteral("userName")).toString(), QStringLiteral("root"));
        QCOMPARE(identity.value(QStringLiteral("principalId")).toString(), m_owner.id);
        QVERIFY(record.value(QStringLiteral("resources"))
                    .toArray()
                    .first()
                    .toObject()
                    .value(QStringLiteral("ARN"))
                == bob->id);

        // A refused action is recorded too, with CloudTrail's errorCode, and changes nothing.
        Result<User> mallory = make(actorFor(*bob), QStringLiteral("mallory"));
        GH_VERIFY_ERROR(mallory, ErrorCode::PermissionDenied);
        const QJsonObject refused = lastAuditRecord();
        QCOMPARE(refused.value(QStringLiteral("errorCode")).toString(),
                 QStringLiteral("PermissionDenied"));
        QCOMPARE(refused.value(QStringLiteral("userIdentity"))
                     .toObject()
                     .value(QStringLiteral("userName")),
                 QStringLiteral("bob"));
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM users WHERE username = 'mallory'")), 0);
    }

    void noAuditRecordNoChange()
    {
        // SEC-44: if the audit insert fails, the change is rolled back and an error returned.
        GH_VERIFY_OK(test::TestStores::refuseInserts(*m_store, QStringLiteral("audit_events"),
                                                     QStringLiteral("no")));
        Result<User> dave = make(actorFor(m_owner), QStringLiteral("dave"));
        QVERIFY(!dave.ok());
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM users WHERE username = 'dave'")), 0);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM user_roles")), 1);
    }

    void permissionsFollowRoles_data()
    {
        QTest::addColumn<Role>("role");
        QTest::addColumn<bool>("mayRead");
        QTest::addColumn<bool>("mayCreate");
        QTest::newRow("admin") << Role::Admin << true << true;
        QTest::newRow("operator") << Role::Operator << true << false;
        QTest::newRow("auditor") << Role::Auditor << true << false;
        QTest::newRow("user") << Role::User << false << false;
    }

    void permissionsFollowRoles()
    {
        QFETCH(Role, role);
        QFETCH(bool, mayRead);
        QFETCH(bool, mayCreate);
        Result<User> member = make(actorFor(m_owner), QStringLiteral("member"), {role});
        GH_VERIFY_OK(member);
        const Actor actor = actorFor(*member);
        QCOMPARE(m_users->get(actor, m_owner.id).ok(), mayRead);
        QCOMPARE(m_users->search(actor, UserQuery{}).ok(), mayRead);
        Result<User> created = make(actor, QStringLiteral("newcomer"));
        QCOMPARE(created.ok(), mayCreate);
        if (!mayCreate)
            QCOMPARE(created.error().code, ErrorCode::PermissionDenied);
    }

    void nobodyGrantsAboveTheirOwnRole()
    {
        Result<User> admin = make(actorFor(m_owner), QStringLiteral("ada"), {Role::Admin});
        GH_VERIFY_OK(admin);
        const Actor actor = actorFor(*admin);
        GH_VERIFY_ERROR(make(actor, QStringLiteral("boss"), {Role::Owner}),
                        ErrorCode::PermissionDenied);
        Result<User> op = make(actor, QStringLiteral("oscar"), {Role::Operator});
        GH_VERIFY_OK(op);
        GH_VERIFY_ERROR(m_users->setRoles(actor, op->id, {Role::Owner}),
                        ErrorCode::PermissionDenied);
        // Admins cannot touch an owner's account at all.
        GH_VERIFY_ERROR(m_users->setStatus(actor, m_owner.id, User::Status::Disabled),
                        ErrorCode::PermissionDenied);
        GH_VERIFY_ERROR(m_users->update(actor, m_owner.id, UserChanges{{}, QStringLiteral("x")}),
                        ErrorCode::PermissionDenied);
        GH_VERIFY_ERROR(m_users->remove(actor, m_owner.id), ErrorCode::PermissionDenied);
        // An operator cannot assign roles.
        GH_VERIFY_ERROR(m_users->setRoles(actorFor(*op), admin->id, {Role::User}),
                        ErrorCode::PermissionDenied);
    }

    void roleChangesApplyOnTheNextCall()
    {
        Result<User> admin = make(actorFor(m_owner), QStringLiteral("ada"), {Role::Admin});
        GH_VERIFY_OK(admin);
        const Actor actor = actorFor(*admin);
        GH_VERIFY_OK(make(actor, QStringLiteral("first")));
        GH_VERIFY_OK(m_users->setRoles(actorFor(m_owner), admin->id, {Role::User}));
        GH_VERIFY_ERROR(make(actor, QStringLiteral("second")), ErrorCode::PermissionDenied);
        GH_VERIFY_OK(m_users->setRoles(actorFor(m_owner), admin->id, {Role::Admin}));
        GH_VERIFY_OK(m_users->setStatus(actorFor(m_owner), admin->id, User::Status::Disabled));
        GH_VERIFY_ERROR(make(actor, QStringLiteral("third")), ErrorCode::Unauthenticated);
        GH_VERIFY_OK(m_users->remove(actorFor(m_owner), admin->id));
        GH_VERIFY_ERROR(make(actor, QStringLiteral("fourth")), ErrorCode::Unauthenticated);
        QCOMPARE(
            count(QStringLiteral("SELECT count(*) FROM user_roles WHERE user_id = ?"), {admin->id}),
            0);
    }

    void theLastOwnerStays()
    {
        const Actor owner = actorFor(m_owner);
        GH_VERIFY_ERROR(m_users->setRoles(owner, m_owner.id, {Role::Admin}), ErrorCode::Conflict);
        GH_VERIFY_ERROR(m_users->setStatus(owner, m_owner.id, User::Status::Disabled),
                        ErrorCode::Conflict);
        GH_VERIFY_ERROR(m_users->remove(owner, m_owner.id), ErrorCode::Conflict);

        Result<User> second = make(owner, QStringLiteral("heir"), {Role::Owner});
        GH_VERIFY_OK(second);
        // With two owners one may step down; then the other is the last again.
        GH_VERIFY_OK(m_users->setRoles(owner, m_owner.id, {Role::Admin}));
        GH_VERIFY_ERROR(m_users->lock(actorFor(*second), second->id, m_clock->now().addDays(1)),
                        ErrorCode::Conflict);
        GH_VERIFY_ERROR(m_users->setRoles(actorFor(*second), second->id, {Role::User}),
                        ErrorCode::Conflict);
    }

    void lockAndUnlock()
    {
        const Actor owner = actorFor(m_owner);
        Result<User> bob = make(owner, QStringLiteral("bob"));
        GH_VERIFY_OK(bob);
        GH_VERIFY_ERROR(m_users->lock(owner, bob->id, m_clock->now().addSecs(-1)),
                        ErrorCode::InvalidInput);
        Result<User> locked = m_users->lock(owner, bob->id, m_clock->now().addSecs(3600));
        GH_VERIFY_OK(locked);
        QVERIFY(locked->isLocked(m_clock->now()));
        UserQuery query;
        query.locked = true;
        QCOMPARE(m_users->search(owner, query)->items.size(), 1);
        m_clock->advance(3601 * 1000);
        QVERIFY(!locked->isLocked(m_clock->now()));
        QCOMPARE(m_users->search(owner, query)->items.size(), 0);
        Result<User> unlocked = m_users->unlock(owner, bob->id);
        GH_VERIFY_OK(unlocked);
        QVERIFY(!unlocked->lockedUntil.isValid());
        QCOMPARE(unlocked->failedAttempts, 0);
    }

    void updateKeepsEmailsUnique()
    {
        const Actor owner = actorFor(m_owner);
        Result<User> bob =
            make(owner, QStringLiteral("bob"), {Role::User}, QStringLiteral("bob@example.com"));
        GH_VERIFY_OK(bob);
        GH_VERIFY_ERROR(
            m_users->update(owner, bob->id, UserChanges{QStringLiteral("ROOT@example.com"), {}}),
            ErrorCode::Conflict);
        GH_VERIFY_ERROR(m_users->update(owner, bob->id, UserChanges{QStringLiteral("a@b@c"), {}}),
                        ErrorCode::InvalidInput);
        m_clock->advance(1000);
        Result<User> changed = m_users->update(
            owner, bob->id,
            UserChanges{QStringLiteral("Bob@Example.org"), QStringLiteral("Bob B.")});
        GH_VERIFY_OK(changed);
        QCOMPARE(changed->email, QStringLiteral("Bob@example.org"));
        QCOMPARE(changed->displayName, QStringLiteral("Bob B."));
        QCOMPARE(changed->updatedAt, m_clock->now());
        // Clearing the e-mail frees it for someone else.
        GH_VERIFY_OK(m_users->update(owner, bob->id, UserChanges{QString(), {}}));
        GH_VERIFY_OK(
            make(owner, QStringLiteral("robert"), {Role::User}, QStringLiteral("bob@example.org")));
    }

    void searchPagesThroughEveryoneOnce()
    {
        const Actor owner = actorFor(m_owner);
        for (int i = 0; i < 130; ++i) {
            m_clock->advance(1000);
            const QString name = QStringLiteral("user%1").arg(i, 3, 10, QLatin1Char('0'));
            GH_VERIFY_OK(make(owner, name, {i % 10 == 0 ? Role::Auditor : Role::User},
                              name + QStringLiteral("@example.com")));
        }
        for (const bool descending : {false, true}) {
            for (const UserQuery::SortKey key :
                 {UserQuery::SortKey::Username, UserQuery::SortKey::Email,
                  UserQuery::SortKey::CreatedAt, UserQuery::SortKey::LastLogin}) {
                UserQuery query;
                query.sortKey = key;
                query.descending = descending;
                query.pageSize = 40;
                QStringList seen;
                int pages = 0;
                do {
                    Result<Page<User>> page = m_users->search(owner, query);
                    GH_VERIFY_OK(page);
                    for (const User &user : page->items)
                        seen.append(user.username);
                    query.pageToken = page->nextPageToken;
                    ++pages;
                    // Users added meanwhile do not shift later pages.
                    if (pages == 1 && key == UserQuery::SortKey::Username && !descending)
                        GH_VERIFY_OK(make(owner, QStringLiteral("aaa-late")));
                } while (!query.pageToken.isEmpty() && pages < 10);
                QCOMPARE(QSet<QString>(seen.begin(), seen.end()).size(), seen.size());
                QVERIFY2(seen.size() >= 131, qPrintable(QString::number(seen.size())));
                if (key == UserQuery::SortKey::Username) {
                    QStringList sorted = seen;
                    std::sort(sorted.begin(), sorted.end());
                    if (descending)
                        std::reverse(sorted.begin(), sorted.end());
                    QCOMPARE(seen, sorted);
                }
            }
        }
    }

    void searchFilters()
    {
        const Actor owner = actorFor(m_owner);
        for (int i = 0; i < 20; ++i) {
            GH_VERIFY_OK(make(owner, QStringLiteral("user%1").arg(i),
                              {i % 5 == 0 ? Role::Auditor : Role::User}));
        }
        GH_VERIFY_OK(m_users->create(owner,
                                     NewUser{QStringLiteral("zed"),
                                             QStringLiteral("UsEr.x@example.com"),
                                             QStringLiteral("Zed"),
                                             {}}));
        UserQuery query;
        query.prefix = QStringLiteral("USER1");
        QCOMPARE(m_users->search(owner, query)->items.size(), 11); // user1, user10..19
        query.prefix = QStringLiteral("user.");
        QCOMPARE(m_users->search(owner, query)->items.size(), 1); // by e-mail
        query.prefix = QStringLiteral("ze");
        QCOMPARE(m_users->search(owner, query)->items.size(), 1); // username and display name
        query = UserQuery{};
        query.role = Role::Auditor;
        QCOMPARE(m_users->search(owner, query)->items.size(), 4);
        query.role = std::nullopt;
        query.status = User::Status::Disabled;
        QCOMPARE(m_users->search(owner, query)->items.size(), 0);
        query = UserQuery{};
        query.lastLoginBefore = m_clock->now();
        QCOMPARE(m_users->search(owner, query)->items.size(), 22); // nobody has logged in yet
        query = UserQuery{};
        query.lastLoginAfter = m_clock->now().addDays(-1);
        QCOMPARE(m_users->search(owner, query)->items.size(), 0);
    }

    void searchRefusesBadPagesAndTokens()
    {
        const Actor owner = actorFor(m_owner);
        for (int i = 0; i < 5; ++i)
            GH_VERIFY_OK(make(owner, QStringLiteral("p%1").arg(i)));
        UserQuery query;
        for (const int size : {0, -1, 1001}) {
            query.pageSize = size;
            GH_VERIFY_ERROR(m_users->search(owner, query), ErrorCode::InvalidInput);
        }
        query.pageSize = 2;
        Result<Page<User>> first = m_users->search(owner, query);
        GH_VERIFY_OK(first);
        QVERIFY(!first->nextPageToken.isEmpty());
        UserQuery other = query;
        other.descending = true;
        other.pageToken = first->nextPageToken;
        GH_VERIFY_ERROR(m_users->search(owner, other), ErrorCode::InvalidInput);
        for (const QString &bad : {QStringLiteral("garbage"), QStringLiteral("e30"),
                                   QString(first->nextPageToken).replace(0, 1, QLatin1Char('A')),
                                   QString(5000, QLatin1Char('A'))}) {
            query.pageToken = bad;
            GH_VERIFY_ERROR(m_users->search(owner, query), ErrorCode::InvalidInput);
        }
        query.pageToken.clear();
        query.prefix = QString(300, QLatin1Char('a'));
        GH_VERIFY_ERROR(m_users->search(owner, query), ErrorCode::InvalidInput);
    }

    void hostileNamesLeaveTablesIntact()
    {
        const Actor owner = actorFor(m_owner);
        const int before = count(QStringLiteral("SELECT count(*) FROM users"));
        for (const QString &name :
             {QStringLiteral("admin'--"), QStringLiteral("' OR '1'='1"),
              QStringLiteral("\"; DROP TABLE users;--"), QStringLiteral("x\n{\"seq\":999}")}) {
            (void)make(owner, name);
            UserQuery query;
            query.prefix = name;
            GH_VERIFY_OK(m_users->search(owner, query));
        }
        // Only the one PRECIS-valid name (no spaces or controls) was created.
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM users")), before + 1);
        GH_VERIFY_OK(m_users->find(owner, QStringLiteral("admin'--")));
    }
};

QTEST_GUILESS_MAIN(TestUserDirectory)
#include "TestUserDirectory.moc"
