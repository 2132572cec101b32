// ProgressText: what the status bar says about a long run (done of total, elapsed, estimate).

#include "widgets/run/ProgressText.h"

#include <QTest>

using namespace txs;
using namespace txs::run;

class TestProgressText : public QObject
{
    Q_OBJECT

private slots:
    void workersCountTransactions()
    {
        RunProgress p;
        p.phase = RunPhase::Workers;
        p.stepsDone = 3;
        p.stepsTotal = 5;
        p.workerTransactionsDone = 32'000;
        p.workerTransactionsTotal = 128'000;
        const ProgressFraction f = fractionOf(p);
        QVERIFY(f.transactions);
        QCOMPARE(f.done, 32'000u);
        QCOMPARE(f.total, 128'000u);
        // A quarter done in 10 s: 30 s left at the same rate.
        QCOMPARE(describeProgress(p, 10'000),
                 QString("workers: 32,000 of 128,000 transactions (25 %) · 10.0 s · about 30.0 s left"));
    }

    void stepsCountStatements()
    {
        RunProgress p;
        p.phase = RunPhase::Steps;
        p.stepsDone = 4;
        p.stepsTotal = 9;
        QCOMPARE(describeProgress(p, 250), QString("steps: 4 of 9 statements (44 %) · 250 ms"));
    }

    void noEstimateWithoutARate()
    {
        QVERIFY(!estimateRemainingMs(0, 100, 5'000));  // nothing done yet
        QVERIFY(!estimateRemainingMs(1, 1000, 5'000)); // under 2 %: too early to say
        QVERIFY(!estimateRemainingMs(500, 1000, 100)); // under half a second
        QVERIFY(!estimateRemainingMs(10, 0, 5'000));   // nothing to count
        QCOMPARE(*estimateRemainingMs(1000, 1000, 9'000), 0);
        QCOMPARE(*estimateRemainingMs(100, 1000, 1'000), 9'000);
    }

    void elapsedReadsNaturally()
    {
        QCOMPARE(formatElapsed(999), QString("999 ms"));
        QCOMPARE(formatElapsed(12'340), QString("12.3 s"));
        QCOMPARE(formatElapsed(245'000), QString("4 min 05 s"));
    }
};

QTEST_APPLESS_MAIN(TestProgressText)
#include "tst_progress_text.moc"
