// The one copy of SQLite's busy sleep schedule (sqliteDefaultBusyCallback), and the step
// runner's virtual-time wait built on it.

#include "engine/api/BusySchedule.h"
#include "engine/workload/VirtualBusyWait.h"

#include <QTest>

using namespace txs;

class TestBusySchedule : public QObject
{
    Q_OBJECT

private slots:
    void delaysAreSqlites()
    {
        const int expected[] = {1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100, 100};
        for (int i = 0; i < 13; ++i)
            QCOMPARE(busyDelayMs(i, 100000), expected[i]);
        QCOMPARE(busyDelayMs(-1, 100000), 0);
        QCOMPARE(busyDelayMs(0, 0), 0);
        QCOMPARE(busyDelayMs(11, 328), 100); // 228 slept before: 100 fits exactly
        QCOMPARE(busyDelayMs(12, 328), 0);
        QCOMPARE(busyDelayMs(2, 4), 1); // 3 slept before: cut to the bound
    }

    void sleptBeforeSumsTheDelays()
    {
        std::int64_t sum = 0;
        for (int count = 0; count < 40; ++count) {
            QCOMPARE(busySleptBeforeMs(count), sum);
            sum += busyDelayMs(count, 1'000'000);
        }
        QCOMPARE(busySleptBeforeMs(kBusySteadyFrom), std::int64_t{228});
    }

    // A wait that nothing ends sleeps exactly busy_timeout, in as many calls as the schedule
    // takes plus the one that gives up; runOut's shortcut agrees with calling one by one.
    void virtualWaitRunsOutLikeTheSchedule_data()
    {
        QTest::addColumn<int>("timeoutMs");
        for (int t : {0, 1, 3, 4, 100, 228, 229, 328, 1000, 5001, 123457})
            QTest::addRow("%d ms", t) << t;
    }
    void virtualWaitRunsOutLikeTheSchedule()
    {
        QFETCH(int, timeoutMs);
        VirtualBusyWait stepwise;
        while (stepwise.call(timeoutMs)) {
        }
        VirtualBusyWait shortcut;
        shortcut.runOut(timeoutMs);
        QCOMPARE(stepwise.waitedMs, std::int64_t{timeoutMs});
        QCOMPARE(shortcut.waitedMs, stepwise.waitedMs);
        QCOMPARE(shortcut.calls, stepwise.calls);
    }
};

QTEST_APPLESS_MAIN(TestBusySchedule)
#include "tst_busy_schedule.moc"
