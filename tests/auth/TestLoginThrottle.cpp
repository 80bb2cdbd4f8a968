#include "TestStores.h"
#include "auth/LoginThrottle.h"
#include "auth/UserRows.h"

#include "TestSupport.h"

#include <QStringList>
#include <QTemporaryDir>

using namespace gatehouse;

namespace {

const QDateTime kT0(QDate(2026, 6, 1), QTime(9, 0), Qt::UTC);

struct Row {
    int failures = -1;
    QString windowStartedAt;
    QVariant blockedUntil;
};

} // namespace

class TestLoginThrottle : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Store> m_store;
    LoginThrottle m_throttle;

    Result<void> fail(const QString &key, const QDateTime &now)
    {
        return m_store->transaction(Store::Access::Write, [&](SqlTransaction &tx) {
            return m_throttle.recordFailure(tx, key, now);
        });
    }

    // `count` failures one second apart, the first at `from`; returns the time of the last.
    QDateTime failMany(const QString &key, const QDateTime &from, int count)
    {
        QDateTime at = from;
        for (int i = 0; i < count; ++i) {
            at = from.addSecs(i);
            if (!fail(key, at))
                return {};
        }
        return at;
    }

    Result<void> succeed(const QString &key)
    {
        return m_store->transaction(Store::Access::Write, [&](SqlTransaction &tx) {
            return m_throttle.recordSuccess(tx, key);
        });
    }

    Result<std::optional<QDateTime>> blocked(const QString &key, const QDateTime &now)
    {
        return m_store->transact<std::optional<QDateTime>>(
            Store::Access::Read,
            [&](SqlTransaction &tx) { return m_throttle.blockedUntil(tx, key, now); });
    }

    Result<int> purge(const QDateTime &now)
    {
        return m_store->transact<int>(
            Store::Access::Write, [&](SqlTransaction &tx) { return m_throttle.purge(tx, now); });
    }

    std::optional<Row> row(const QString &key)
    {
        return m_store
            ->transact<std::optional<Row>>(
                Store::Access::Read,
                [&](SqlTransaction &tx) -> Result<std::optional<Row>> {
                    Result<QSqlQuery> q =
                        tx.exec(QStringLiteral("SELECT failures, window_started_at, blocked_until"
                                               " FROM login_throttle WHERE key = ?"),
                                {key});
                    if (!q)
                        return q.error();
                    if (!q->next())
                        return std::optional<Row>();
                    return std::optional<Row>(
                        Row{q->value(0).toInt(), q->value(1).toString(), q->value(2)});
                })
            .valueOr(std::optional<Row>());
    }

    QStringList storedKeys()
    {
        return m_store
            ->transact<QStringList>(Store::Access::Read,
                                    [](SqlTransaction &tx) -> Result<QStringList> {
                                        Result<QSqlQuery> q = tx.exec(QStringLiteral(
                                            "SELECT key FROM login_throttle ORDER BY key"));
                                        if (!q)
                                            return q.error();
                                        QStringList keys;
                                        while (q->next())
                                            keys.append(q->value(0).toString());
                                        return keys;
                                    })
            .valueOr({QStringLiteral("<error>")});
    }

    // The block end, or an invalid QDateTime when there is none (or the call failed).
    QDateTime blockEnd(const QString &key, const QDateTime &now)
    {
        Result<std::optional<QDateTime>> until = blocked(key, now);
        return until && *until ? **until : QDateTime();
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        static int counter = 0;
        auto store =
            test::TestStores::create(m_dir.path(), QStringLiteral("throttle-%1").arg(++counter));
        GH_VERIFY_OK(store);
        m_store = std::move(store).value();
        m_throttle = LoginThrottle();
    }

    void cleanup() { m_store.reset(); }

    void defaultsAreDocumentedValues()
    {
        const LoginThrottlePolicy &policy = m_throttle.policy();
        QCOMPARE(policy.maxFailuresPerWindow, 20);
        QCOMPARE(policy.windowSeconds, qint64(900));
        QCOMPARE(policy.baseBlockSeconds, qint64(60));
        QCOMPARE(policy.maxBlockSeconds, qint64(3600));
    }

    void belowLimitIsNotBlocked()
    {
        const QString key = LoginThrottle::keyFor(u"203.0.113.9");
        const QDateTime last = failMany(key, kT0, 19);
        QVERIFY(last.isValid());
        Result<std::optional<QDateTime>> until = blocked(key, last);
        GH_VERIFY_OK(until);
        QVERIFY(!*until);
        const std::optional<Row> stored = row(key);
        QVERIFY(stored);
        QCOMPARE(stored->failures, 19);
        QVERIFY(stored->blockedUntil.isNull());
        QCOMPARE(stored->windowStartedAt, UserRows::isoUtc(last));
    }

    void atLimitBlocksForBaseExactly()
    {
        const QString key = LoginThrottle::keyFor(u"203.0.113.9");
        const QDateTime last = failMany(key, kT0, 20);
        QVERIFY(last.isValid());
        QCOMPARE(blockEnd(key, last), last.addSecs(60));
        QCOMPARE(blockEnd(key, last.addMSecs(59'999)), last.addSecs(60));
        QVERIFY(!blockEnd(key, last.addSecs(60)).isValid());
        QCOMPARE(row(key)->blockedUntil.toString(), UserRows::isoUtc(last.addSecs(60)));
    }

    void furtherFailuresDoubleUpToCap()
    {
        const QString key = LoginThrottle::keyFor(u"203.0.113.9");
        QDateTime at = failMany(key, kT0, 20);
        QCOMPARE(blockEnd(key, at), at.addSecs(60));

        // During the block: a new, longer block from now.
        at = at.addSecs(10);
        GH_VERIFY_OK(fail(key, at));
        QCOMPARE(blockEnd(key, at), at.addSecs(120));

        // After each block ends (even most of a window later), the next failure doubles again.
        const qint64 expected[] = {240, 480, 960, 1920, 3600, 3600};
        for (qint64 seconds : expected) {
            at = blockEnd(key, at).addSecs(899);
            QVERIFY(at.isValid());
            GH_VERIFY_OK(fail(key, at));
            QCOMPARE(blockEnd(key, at), at.addSecs(seconds));
        }
        QCOMPARE(row(key)->failures, 27);
    }

    void failureDuringBlockNeverShortensIt()
    {
        m_throttle = LoginThrottle({3, 900, 600, 600});
        const QString key = LoginThrottle::keyFor(u"203.0.113.9");
        const QDateTime last = failMany(key, kT0, 3);
        QCOMPARE(blockEnd(key, last), last.addSecs(600));
        // A later, milder policy gives a shorter block from now; the running one stands.
        m_throttle = LoginThrottle({3, 900, 60, 60});
        GH_VERIFY_OK(fail(key, last.addSecs(1)));
        QCOMPARE(blockEnd(key, last.addSecs(1)), last.addSecs(600));
        QCOMPARE(row(key)->failures, 4);
    }

    void windowResetsAfterQuietSpell()
    {
        const QString key = LoginThrottle::keyFor(u"203.0.113.9");
        QDateTime last = failMany(key, kT0, 19);
        // 899 s later the run still counts: this one reaches the limit.
        GH_VERIFY_OK(fail(key, last.addSecs(899)));
        QVERIFY(blockEnd(key, last.addSecs(899)).isValid());

        const QString other = LoginThrottle::keyFor(u"198.51.100.7");
        last = failMany(other, kT0, 19);
        GH_VERIFY_OK(fail(other, last.addSecs(900)));
        QCOMPARE(row(other)->failures, 1);
        QVERIFY(!blockEnd(other, last.addSecs(900)).isValid());

        // A block's end also starts a quiet spell: a full window after it, a fresh run.
        const QDateTime end = blockEnd(key, last.addSecs(899));
        GH_VERIFY_OK(fail(key, end.addSecs(900)));
        const std::optional<Row> fresh = row(key);
        QCOMPARE(fresh->failures, 1);
        QVERIFY(fresh->blockedUntil.isNull());
    }

    void successClears()
    {
        const QString key = LoginThrottle::keyFor(u"203.0.113.9");
        const QDateTime last = failMany(key, kT0, 20);
        QVERIFY(blockEnd(key, last).isValid());
        GH_VERIFY_OK(succeed(key));
        QVERIFY(!row(key));
        QVERIFY(!blockEnd(key, last).isValid());
        GH_VERIFY_OK(succeed(key)); // nothing to clear is fine
        GH_VERIFY_OK(fail(key, last));
        QCOMPARE(row(key)->failures, 1);
    }

    void addressesAreIndependent()
    {
        const QString a = LoginThrottle::keyFor(u"203.0.113.9");
        const QString b = LoginThrottle::keyFor(u"203.0.113.10");
        const QDateTime last = failMany(a, kT0, 20);
        QVERIFY(blockEnd(a, last).isValid());
        QVERIFY(!blockEnd(b, last).isValid());
        GH_VERIFY_OK(fail(b, last));
        QCOMPARE(row(b)->failures, 1);
        QVERIFY(!blockEnd(b, last).isValid());
        GH_VERIFY_OK(succeed(b));
        QVERIFY(blockEnd(a, last).isValid());
    }

    void keyFor_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("key");
        const auto add = [](const char *input, const char *key) {
            QTest::newRow(input) << QString::fromUtf8(input) << QString::fromUtf8(key);
        };
        add("203.0.113.9", "ip:203.0.113.9");
        add("::ffff:203.0.113.9", "ip:203.0.113.9");
        add("2001:db8:1:2::1", "ip:2001:db8:1:2::/64");
        add("2001:db8:1:2:ffff::9", "ip:2001:db8:1:2::/64");
        add("2001:DB8:0001:0002:0:0:0:1", "ip:2001:db8:1:2::/64");
        add("2001:db8:1:3::1", "ip:2001:db8:1:3::/64");
        add("fe80::1%eth0", "ip:fe80::/64");
        add("::1", "ip:::/64");
        add("", "ip:unknown");
        add("garbage", "ip:unknown");
        add("999.1.1.1", "ip:unknown");
        add("1.2.3.4\nx", "ip:unknown");
        add("1.2.3.4'; DROP TABLE login_throttle;--", "ip:unknown");
        add("203.0.113.9:443", "ip:unknown");
        add("2001:db8::/32", "ip:unknown");
    }

    void keyFor()
    {
        QFETCH(QString, input);
        QFETCH(QString, key);
        QCOMPARE(LoginThrottle::keyFor(input), key);
    }

    void onlyNormalisedKeysAreStored()
    {
        const QString hostile[] = {QStringLiteral("1.2.3.4\nx"),
                                   QStringLiteral("1.2.3.4'; DROP TABLE login_throttle;--"),
                                   QStringLiteral("<script>"), QString()};
        for (const QString &input : hostile)
            GH_VERIFY_OK(fail(LoginThrottle::keyFor(input), kT0));
        GH_VERIFY_OK(fail(LoginThrottle::keyFor(u"2001:db8:1:2:dead:beef::1"), kT0));
        QCOMPARE(
            storedKeys(),
            QStringList({QStringLiteral("ip:2001:db8:1:2::/64"), QStringLiteral("ip:unknown")}));
        QCOMPARE(row(QStringLiteral("ip:unknown"))->failures, 4);
    }

    void timesAreStoredAsUtc()
    {
        const QString key = LoginThrottle::keyFor(u"203.0.113.9");
        const QDateTime local = kT0.toOffsetFromUtc(2 * 3600);
        GH_VERIFY_OK(fail(key, local));
        QCOMPARE(row(key)->windowStartedAt, QStringLiteral("2026-06-01T09:00:00.000Z"));
    }

    void purgeRemovesOnlyFinishedRows()
    {
        const QDateTime now = kT0.addSecs(10'000);
        const QString finished = LoginThrottle::keyFor(u"192.0.2.1");
        const QString inWindow = LoginThrottle::keyFor(u"192.0.2.2");
        const QString stillBlocked = LoginThrottle::keyFor(u"192.0.2.3");
        const QString recentlyUnblocked = LoginThrottle::keyFor(u"192.0.2.4");
        const QString blockLongOver = LoginThrottle::keyFor(u"192.0.2.5");

        GH_VERIFY_OK(fail(finished, now.addSecs(-900)));
        GH_VERIFY_OK(fail(inWindow, now.addSecs(-899)));
        // Last failure long ago, but its 1 h block is still running.
        QVERIFY(failMany(stillBlocked, now.addSecs(-3000), 26).isValid());
        QVERIFY(blockEnd(stillBlocked, now).isValid());
        // The block ended 100 s ago: its run lasts a window beyond that.
        QVERIFY(failMany(recentlyUnblocked, now.addSecs(-179), 20).isValid());
        QVERIFY(!blockEnd(recentlyUnblocked, now).isValid());
        QVERIFY(failMany(blockLongOver, now.addSecs(-979), 20).isValid());
        QCOMPARE(row(blockLongOver)->blockedUntil.toString(), UserRows::isoUtc(now.addSecs(-900)));

        Result<int> purged = purge(now);
        GH_VERIFY_OK(purged);
        QCOMPARE(*purged, 2);
        QCOMPARE(storedKeys(), QStringList({inWindow, stillBlocked, recentlyUnblocked}));
        QCOMPARE(row(recentlyUnblocked)->failures, 20);

        Result<int> again = purge(now);
        GH_VERIFY_OK(again);
        QCOMPARE(*again, 0);
    }

    void clockGoingBackKeepsBlockAndStartsFreshRun()
    {
        const QString key = LoginThrottle::keyFor(u"203.0.113.9");
        const QDateTime last = failMany(key, kT0, 20);
        const QDateTime end = last.addSecs(60);
        QCOMPARE(blockEnd(key, last), end);

        // An hour back: the block holds until its stored end, not for 60 s from "now".
        const QDateTime earlier = kT0.addSecs(-3600);
        QCOMPARE(blockEnd(key, earlier), end);
        GH_VERIFY_OK(fail(key, earlier));
        const std::optional<Row> stored = row(key);
        QCOMPARE(stored->failures, 1);
        QCOMPARE(stored->windowStartedAt, UserRows::isoUtc(earlier));
        QCOMPARE(stored->blockedUntil.toString(), UserRows::isoUtc(end));
        QCOMPARE(blockEnd(key, end.addMSecs(-1)), end);
        QVERIFY(!blockEnd(key, end).isValid());

        // Not purged while its block runs, whatever the clock says.
        Result<int> purged = purge(earlier);
        GH_VERIFY_OK(purged);
        QCOMPARE(*purged, 0);

        // Without a block: the run restarts, nothing breaks.
        const QString other = LoginThrottle::keyFor(u"198.51.100.7");
        QVERIFY(failMany(other, kT0, 10).isValid());
        GH_VERIFY_OK(fail(other, kT0.addSecs(-100)));
        QCOMPARE(row(other)->failures, 1);
        QVERIFY(!blockEnd(other, kT0.addSecs(-100)).isValid());
    }

    void nonsensicalPolicyIsRaised()
    {
        const LoginThrottle throttle({0, -5, 0, -1});
        QCOMPARE(throttle.policy().maxFailuresPerWindow, 1);
        QCOMPARE(throttle.policy().windowSeconds, qint64(1));
        QCOMPARE(throttle.policy().baseBlockSeconds, qint64(1));
        QCOMPARE(throttle.policy().maxBlockSeconds, qint64(1));
    }
};

QTEST_GUILESS_MAIN(TestLoginThrottle)
#include "TestLoginThrottle.moc"
