#include "ConnectionSpread.h"

#include "TestSupport.h"

using namespace gatehouse::server;

class TestConnectionSpread : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // The n-th CPU the process may use maps to thread n modulo the threads, whatever the CPUs'
    // numbers (a container may be given CPUs 2 and 5).
    void cpusMapToThreadsByRank()
    {
        const int cpus[] = {2, 5, 6};
        ConnectionSpread spread(2, cpus);
        QCOMPARE(spread.take(2), 0);
        QCOMPARE(spread.take(5), 1);
        QCOMPARE(spread.take(6), 0);
        QCOMPARE(spread.take(5), 1);
        QCOMPARE(spread.open(), (std::vector<int>{2, 2}));
    }

    // With more threads than CPUs, a CPU's connections go to its threads in turn: CPU rank n
    // to threads n, n + CPUs, ...
    void moreThreadsThanCpus()
    {
        const int cpus[] = {0, 1};
        ConnectionSpread spread(5, cpus);
        QCOMPARE(spread.take(0), 0);
        QCOMPARE(spread.take(0), 2);
        QCOMPARE(spread.take(0), 4);
        QCOMPARE(spread.take(0), 0);
        QCOMPARE(spread.take(1), 1);
        QCOMPARE(spread.take(1), 3);
        QCOMPARE(spread.take(1), 1);
        QCOMPARE(spread.open(), (std::vector<int>{2, 2, 1, 1, 1}));
    }

    // Connections keep to their CPU's thread however unequal the counts, up to the slack.
    void aThreadTakesItsCpusConnections()
    {
        const int cpus[] = {0, 1};
        ConnectionSpread spread(2, cpus);
        for (int i = 0; i < 40; ++i)
            QCOMPARE(spread.take(1), 1);
        QCOMPARE(spread.take(0), 0);
        QCOMPARE(spread.open(), (std::vector<int>{1, 40}));
    }

    // An unknown CPU, or one the process may not use, gets the least loaded thread, the first
    // of equals.
    void unknownCpusGoToTheLeastLoaded()
    {
        const int cpus[] = {0, 1, 2};
        ConnectionSpread spread(3, cpus);
        QCOMPARE(spread.take(1), 1);
        QCOMPARE(spread.take(-1), 0);
        QCOMPARE(spread.take(7), 2);
        QCOMPARE(spread.take(1000000), 0);
        QCOMPARE(spread.take(-5), 1);
        QCOMPARE(spread.open(), (std::vector<int>{2, 2, 1}));
    }

    // Every packet on one CPU (a single-queue network card): that CPU's thread takes
    // connections until it holds kSlack more than the others, then they stay within it, so
    // no thread is left idle.
    void oneBusyCpuStillUsesEveryThread()
    {
        const int cpus[] = {0, 1};
        ConnectionSpread spread(2, cpus);
        for (int i = 0; i < 1000; ++i)
            spread.take(0);
        const std::vector<int> open = spread.open();
        QCOMPARE(open[0] + open[1], 1000);
        QVERIFY(open[0] - open[1] <= ConnectionSpread::kSlack);
        QVERIFY(open[0] - open[1] >= ConnectionSpread::kSlack - 1);
    }

    // Closed connections count no more, from whichever thread they are given back.
    void closedConnectionsAreGivenBack()
    {
        const int cpus[] = {0, 1};
        ConnectionSpread spread(2, cpus);
        for (int i = 0; i < ConnectionSpread::kSlack; ++i)
            QCOMPARE(spread.take(0), 0);
        QCOMPARE(spread.take(0), 1); // over the slack
        spread.give(0);
        QCOMPARE(spread.take(0), 0); // within it again
        for (int i = 0; i < ConnectionSpread::kSlack; ++i)
            spread.give(0);
        spread.give(1);
        QCOMPARE(spread.open(), (std::vector<int>{0, 0}));
    }

    // One thread (or none asked for) takes everything; no CPU list at all still spreads.
    void degenerateShapes()
    {
        const int cpus[] = {0, 1, 2, 3};
        ConnectionSpread one(1, cpus);
        QCOMPARE(one.take(3), 0);
        QCOMPARE(one.take(-1), 0);
        ConnectionSpread none(0, cpus);
        QCOMPARE(none.open().size(), size_t(1));
        ConnectionSpread blind(2, {});
        QCOMPARE(blind.take(0), 0);
        QCOMPARE(blind.take(0), 1);
        QCOMPARE(blind.take(1), 0);
    }
};

QTEST_GUILESS_MAIN(TestConnectionSpread)
#include "TestConnectionSpread.moc"
