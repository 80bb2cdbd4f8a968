#include "TestStores.h"
#include "auth/UserDirectory.h"
#include "auth/UserRows.h"
#include "auth/UserSearch.h"
#include "model/Clock.h"

#include "TestSupport.h"

#include <QRandomGenerator>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QUuid>

#include <algorithm>

using namespace gatehouse;

// UserSearch picks how to run a search from how many users each selective condition finds:
// walking the sort order and testing each row, or starting from the users an index finds. The
// answer must never depend on that choice. Every search here is paged to its end and compared
// with the same search done by hand over all users, on a directory where some conditions are
// common (walked) and others rare (started from), in every sort order.
class TestUserSearch : public QObject
{
    Q_OBJECT

private:
    static constexpr int kUsers = 900;
    static constexpr int kPageSize = 37;

    QTemporaryDir m_dir;
    std::shared_ptr<ManualClock> m_clock;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<ServiceContext> m_context;
    QList<User> m_all; // every user, roles included
    QHash<QString, QString> m_emailKeys; // id -> email_key ('' for none)
    QHash<QString, QString> m_displayKeys; // id -> display_name_key

    QDateTime now() const { return m_clock->now(); }

    // Users written directly, as the benchmark does: audited creation one by one would make
    // this test slow without testing anything more about searching.
    void populate()
    {
        const QStringList first{QStringLiteral("Mara"),  QStringLiteral("Marek"),
                                QStringLiteral("Mario"), QStringLiteral("Zoe"),
                                QStringLiteral("Sven"),  QStringLiteral("Ana")};
        const QStringList last{QStringLiteral("Maier"), QStringLiteral("Okafor"),
                               QStringLiteral("Zhang"), QStringLiteral("Smith")};
        QRandomGenerator random(4242);
        Result<void> written =
            m_store->transaction(Store::Access::Write, [&](SqlTransaction &tx) -> Result<void> {
                for (int i = 0; i < kUsers; ++i) {
                    // Mostly "mar..." names: a prefix common enough to be walked.
                    const int f = i % 10 < 7 ? i % 3 : 3 + i % 3;
                    const QString firstName = first.at(f);
                    const QString lastName = last.at(random.bounded(int(last.size())));
                    const QString username =
                        QStringLiteral("%1.%2%3").arg(firstName, lastName).arg(i).toLower();
                    const double e = random.generateDouble();
                    QVariant email, emailKey;
                    if (e < 0.8) {
                        // Some addresses do not follow the name, so e-mail matches are not
                        // just the name matches again.
                        const QString local = e < 0.2 ? QStringLiteral("Mx%1").arg(i)
                                                      : QString(firstName + QString::number(i));
                        email = QString(local + u"@example.com");
                        emailKey = QString(local.toLower() + u"@example.com");
                    }
                    const QString display = QString(firstName + u' ' + lastName);
                    QVariant lastLogin;
                    if (random.generateDouble() < 0.85)
                        lastLogin = UserRows::isoUtc(now().addSecs(-random.bounded(400 * 86400)));
                    QVariant lockedUntil;
                    const double l = random.generateDouble();
                    if (l < 0.03)
                        lockedUntil = UserRows::isoUtc(now().addSecs(1 + random.bounded(3600)));
                    else if (l < 0.06)
                        lockedUntil = UserRows::isoUtc(now().addSecs(-random.bounded(3600)));
                    else if (l < 0.065)
                        lockedUntil = UserRows::isoUtc(now()); // ends exactly now: not locked
                    const QString created =
                        UserRows::isoUtc(now().addSecs(-500 * 86400 + random.bounded(86400)));
                    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
                    Result<QSqlQuery> user = tx.exec(
                        QStringLiteral(
                            "INSERT INTO users (id, username, email, email_key, display_name,"
                            " display_name_key, status, locked_until, last_login_at,"
                            " mfa_enrolled, created_at, updated_at)"
                            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                        {id, username, email, emailKey, display, display.toLower(),
                         random.bounded(10) == 0 ? QStringLiteral("disabled")
                                                 : QStringLiteral("active"),
                         lockedUntil, lastLogin, random.bounded(2), created, created});
                    if (!user)
                        return user.error();
                    QStringList roles{QStringLiteral("user")};
                    if (i % 40 == 0)
                        roles = {QStringLiteral("admin")};
                    else if (i % 25 == 0)
                        roles << QStringLiteral("operator");
                    for (const QString &role : roles) {
                        Result<QSqlQuery> granted = tx.exec(
                            QStringLiteral("INSERT INTO user_roles (user_id, role) VALUES (?, ?)"),
                            {id, role});
                        if (!granted)
                            return granted.error();
                    }
                }
                return readAll(tx);
            });
        GH_VERIFY_OK(written);
    }

    // Every user as the search sees them, with the keys it compares.
    Result<void> readAll(SqlTransaction &tx)
    {
        m_all.clear();
        m_emailKeys.clear();
        m_displayKeys.clear();
        Result<QSqlQuery> rows =
            tx.exec(QStringLiteral("SELECT %1, ifnull(email_key, ''), display_name_key FROM users")
                        .arg(UserRows::columns()));
        if (!rows)
            return rows.error();
        QHash<QString, qsizetype> at;
        while (rows->next()) {
            const User user = UserRows::fromRow(*rows);
            at.insert(user.id, m_all.size());
            m_all.append(user);
            m_emailKeys.insert(user.id, rows->value(13).toString());
            m_displayKeys.insert(user.id, rows->value(14).toString());
        }
        rows->finish();
        Result<QSqlQuery> roles = tx.exec(QStringLiteral("SELECT user_id, role FROM user_roles"));
        if (!roles)
            return roles.error();
        while (roles->next()) {
            if (const std::optional<Role> role = roleFromName(roles->value(1).toString()))
                m_all[at.value(roles->value(0).toString())].roles.append(*role);
        }
        return {};
    }

    QString sortValue(const User &user, UserQuery::SortKey key) const
    {
        switch (key) {
        case UserQuery::SortKey::Username:
            return user.username;
        case UserQuery::SortKey::Email:
            return m_emailKeys.value(user.id);
        case UserQuery::SortKey::CreatedAt:
            return UserRows::isoUtc(user.createdAt);
        case UserQuery::SortKey::LastLogin:
            return UserRows::isoUtc(user.lastLoginAt);
        }
        return {};
    }

    // The search done by hand: the documented meaning of every filter, then the sort.
    QStringList expected(const UserQuery &query) const
    {
        const QString prefix = query.prefix.toLower();
        QList<const User *> kept;
        for (const User &user : m_all) {
            if (!prefix.isEmpty() && !user.username.startsWith(prefix)
                && !m_emailKeys.value(user.id).startsWith(prefix)
                && !m_displayKeys.value(user.id).startsWith(prefix)) {
                continue;
            }
            if (query.status && user.status != *query.status)
                continue;
            if (query.role && !user.roles.contains(*query.role))
                continue;
            if (query.mfaEnrolled && user.mfaEnrolled != *query.mfaEnrolled)
                continue;
            if (query.locked && user.isLocked(now()) != *query.locked)
                continue;
            // Never signed in counts as before any time and after none.
            if (query.lastLoginBefore.isValid() && user.lastLoginAt.isValid()
                && user.lastLoginAt >= query.lastLoginBefore) {
                continue;
            }
            if (query.lastLoginAfter.isValid()
                && (!user.lastLoginAt.isValid() || user.lastLoginAt < query.lastLoginAfter)) {
                continue;
            }
            kept.append(&user);
        }
        std::sort(kept.begin(), kept.end(), [&](const User *a, const User *b) {
            const auto ka = std::make_pair(sortValue(*a, query.sortKey), a->id);
            const auto kb = std::make_pair(sortValue(*b, query.sortKey), b->id);
            return query.descending ? kb < ka : ka < kb;
        });
        QStringList ids;
        for (const User *user : kept)
            ids.append(user->id);
        return ids;
    }

    // Every page of the search, in order.
    Result<QStringList> paged(UserQuery query) const
    {
        query.pageSize = kPageSize;
        QStringList ids;
        for (int pages = 0; pages <= kUsers; ++pages) {
            Result<Page<User>> page =
                m_store->transact<Page<User>>(Store::Access::Read, [&](SqlTransaction &tx) {
                    return UserSearch::run(tx, query, now());
                });
            if (!page)
                return page.error();
            for (const User &user : page->items)
                ids.append(user.id);
            if (page->nextPageToken.isEmpty())
                return ids;
            if (page->items.size() != kPageSize)
                return makeError(ErrorCode::Internal, QStringLiteral("short page before the end"));
            query.pageToken = page->nextPageToken;
        }
        return makeError(ErrorCode::Internal, QStringLiteral("the pages never ended"));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_clock = std::make_shared<ManualClock>(QDateTime(QDate(2026, 6, 1), QTime(9, 0), Qt::UTC));
        auto store = test::TestStores::create(m_dir.path(), QStringLiteral("search"), m_clock);
        GH_VERIFY_OK(store);
        m_store = std::move(store).value();
        m_context = std::make_unique<ServiceContext>(*m_store, m_clock);
        populate();
        QCOMPARE(m_all.size(), kUsers);
    }

    void cleanupTestCase()
    {
        m_context.reset();
        m_store.reset();
    }

    void sameAnswerWhicheverWayItRuns_data()
    {
        QTest::addColumn<QString>("prefix");
        QTest::addColumn<int>("role"); // -1: none
        QTest::addColumn<int>("locked"); // -1: none, 0, 1
        QTest::addColumn<int>("lastLogin"); // 0: none, 1: after, 2: before, 3: both (narrow)
        QTest::addColumn<int>("status"); // -1: none, else User::Status
        struct Row {
            const char *name;
            QString prefix;
            int role;
            int locked;
            int lastLogin;
            int status;
        };
        const QList<Row> rows{
            {"everyone", {}, -1, -1, 0, -1},
            {"common prefix", QStringLiteral("mar"), -1, -1, 0, -1},
            {"common prefix, any case", QStringLiteral("MAR"), -1, -1, 0, -1},
            {"rare prefix", QStringLiteral("zoe.z"), -1, -1, 0, -1},
            {"e-mail-only prefix", QStringLiteral("mx1"), -1, -1, 0, -1},
            {"display-name prefix", QStringLiteral("sven o"), -1, -1, 0, -1},
            {"no match", QStringLiteral("qq"), -1, -1, 0, -1},
            {"common role", {}, int(Role::User), -1, 0, -1},
            {"rare role", {}, int(Role::Admin), -1, 0, -1},
            {"rare role, common prefix", QStringLiteral("ma"), int(Role::Operator), -1, 0, -1},
            {"locked", {}, -1, 1, 0, -1},
            {"not locked", {}, -1, 0, 0, -1},
            {"locked admins", {}, int(Role::Admin), 1, 0, -1},
            {"signed in lately", {}, -1, -1, 1, -1},
            {"dormant", {}, -1, -1, 2, -1},
            {"signed in within a window", {}, -1, -1, 3, -1},
            {"window, common prefix, disabled", QStringLiteral("mar"), -1, -1, 3,
             int(User::Status::Disabled)},
            {"disabled", {}, -1, -1, 0, int(User::Status::Disabled)},
        };
        for (const Row &row : rows)
            QTest::newRow(row.name)
                << row.prefix << row.role << row.locked << row.lastLogin << row.status;
    }

    void sameAnswerWhicheverWayItRuns()
    {
        QFETCH(QString, prefix);
        QFETCH(int, role);
        QFETCH(int, locked);
        QFETCH(int, lastLogin);
        QFETCH(int, status);
        UserQuery query;
        query.prefix = prefix;
        if (role >= 0)
            query.role = Role(role);
        if (locked >= 0)
            query.locked = locked == 1;
        if (lastLogin == 1 || lastLogin == 3)
            query.lastLoginAfter = now().addDays(-200);
        if (lastLogin == 2 || lastLogin == 3)
            query.lastLoginBefore = now().addDays(lastLogin == 2 ? -300 : -180);
        if (status >= 0)
            query.status = User::Status(status);
        int nonEmpty = 0;
        for (const auto key : {UserQuery::SortKey::Username, UserQuery::SortKey::Email,
                               UserQuery::SortKey::CreatedAt, UserQuery::SortKey::LastLogin}) {
            for (const bool descending : {false, true}) {
                query.sortKey = key;
                query.descending = descending;
                const QStringList want = expected(query);
                Result<QStringList> got = paged(query);
                GH_VERIFY_OK(got);
                QCOMPARE(*got, want);
                nonEmpty += want.isEmpty() ? 0 : 1;
            }
        }
        // Each row above is meant to find someone, except the one that finds no one.
        QCOMPARE(nonEmpty > 0, prefix != QStringLiteral("qq"));
    }

    // The directory is big enough that the common conditions are walked and the rare ones
    // started from (see UserSearch: the limit is at least 256 users).
    void fixtureHasCommonAndRareConditions()
    {
        UserQuery common;
        common.prefix = QStringLiteral("mar");
        QVERIFY(expected(common).size() > 256);
        UserQuery role;
        role.role = Role::User;
        QVERIFY(expected(role).size() > 256);
        UserQuery window;
        window.lastLoginAfter = now().addDays(-200);
        QVERIFY(expected(window).size() > 256);
        UserQuery rare;
        rare.role = Role::Admin;
        QVERIFY(!expected(rare).isEmpty());
        QVERIFY(expected(rare).size() < 256);
        UserQuery locked;
        locked.locked = true;
        QVERIFY(!expected(locked).isEmpty());
        QVERIFY(expected(locked).size() < 256);
    }

    // A role held by more users than UserSearch lists is tested user by user; the answer is
    // the same. Runs last: it adds users to the shared directory.
    void commonRoleIsTestedUserByUser()
    {
        Result<void> written =
            m_store->transaction(Store::Access::Write, [&](SqlTransaction &tx) -> Result<void> {
                QSqlQuery user(tx.database());
                QSqlQuery role(tx.database());
                if (!user.prepare(QStringLiteral(
                        "INSERT INTO users (id, username, display_name, display_name_key,"
                        " last_login_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"))
                    || !role.prepare(QStringLiteral(
                        "INSERT INTO user_roles (user_id, role) VALUES (?, 'user')"))) {
                    return makeError(ErrorCode::Internal, QStringLiteral("prepare failed"));
                }
                for (int i = 0; i < 20001; ++i) {
                    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
                    const QString stamp = UserRows::isoUtc(now().addSecs(-i * 60));
                    for (const QVariant &value : QVariantList{
                             id, QStringLiteral("bulk%1").arg(i), QStringLiteral("Bulk %1").arg(i),
                             QStringLiteral("bulk %1").arg(i), stamp, stamp, stamp})
                        user.addBindValue(value);
                    role.addBindValue(id);
                    if (!user.exec() || !role.exec())
                        return makeError(ErrorCode::Internal, QStringLiteral("insert failed"));
                }
                return {};
            });
        GH_VERIFY_OK(written);
        GH_VERIFY_OK(m_store->transaction(Store::Access::Read,
                                          [&](SqlTransaction &tx) { return readAll(tx); }));

        UserQuery query;
        query.role = Role::User;
        QVERIFY(expected(query).size() > 20000);
        for (const auto key : {UserQuery::SortKey::Username, UserQuery::SortKey::LastLogin}) {
            for (const bool descending : {false, true}) {
                query.sortKey = key;
                query.descending = descending;
                query.prefix = descending ? QStringLiteral("mar") : QString();
                // The first pages and the last: paging through 20,000 users adds nothing.
                const QStringList want = expected(query).mid(0, 3 * kPageSize);
                UserQuery first = query;
                first.pageSize = 3 * kPageSize;
                Result<Page<User>> page =
                    m_store->transact<Page<User>>(Store::Access::Read, [&](SqlTransaction &tx) {
                        return UserSearch::run(tx, first, now());
                    });
                GH_VERIFY_OK(page);
                QStringList got;
                for (const User &user : page->items)
                    got.append(user.id);
                QCOMPARE(got, want);
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestUserSearch)
#include "TestUserSearch.moc"
