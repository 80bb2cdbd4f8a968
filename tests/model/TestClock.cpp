#include "model/Clock.h"

#include "TestSupport.h"

#include <thread>
#include <vector>

using namespace gatehouse;

class TestClock : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void systemClockIsUtcAndCurrent()
    {
        const QDateTime now = Clock::system()->now();
        QCOMPARE(now.timeSpec(), Qt::UTC);
        QVERIFY(qAbs(now.msecsTo(QDateTime::currentDateTimeUtc())) < 5000);
    }

    void manualClockMovesOnlyWhenTold()
    {
        const QDateTime start(QDate(2038, 1, 19), QTime(3, 14, 7), Qt::UTC);
        ManualClock clock(start);
        QCOMPARE(clock.now(), start);
        QCOMPARE(clock.now().timeSpec(), Qt::UTC);
        clock.advance(1500);
        QCOMPARE(clock.now(), start.addMSecs(1500)); // past the 32-bit time_t limit
        clock.advance(-86400 * 1000LL);
        QCOMPARE(clock.now(), start.addMSecs(1500).addDays(-1));
        const QDateTime local(QDate(2026, 3, 29), QTime(2, 30), Qt::LocalTime);
        clock.set(local);
        QCOMPARE(clock.now(), local.toUTC());
        QCOMPARE(clock.now().timeSpec(), Qt::UTC);
    }

    void manualClockIsThreadSafe()
    {
        ManualClock clock(QDateTime::fromMSecsSinceEpoch(0, Qt::UTC));
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&clock] {
                for (int i = 0; i < 10000; ++i)
                    clock.advance(1);
            });
        for (std::thread &thread : threads)
            thread.join();
        QCOMPARE(clock.now().toMSecsSinceEpoch(), 40000);
    }
};

QTEST_GUILESS_MAIN(TestClock)
#include "TestClock.moc"
