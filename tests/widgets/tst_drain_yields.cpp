// A backlog is drained in slices that yield to the event loop: what is pending when a slice ends
// (a posted event, a key press, a due timer: the views' refresh, the status bar, a cursor blink)
// runs before the next slice, however large the backlog. Counted in slices, not timed. And the
// first slice of a log under a time budget is small.

#include "tests/widgets/support/StatementLogs.h"
#include "widgets/models/SessionLog.h"

#include <QTest>
#include <QTimer>

using namespace txs;
using namespace txs::models;
using txs::test::logOfStatements;

class TestDrainYields : public QObject
{
    Q_OBJECT

private slots:
    void pendingWorkRunsBetweenTwoSlices()
    {
        // 20,000 statements (40,000 events) in slices of 500: 80 slices of backlog.
        SessionLog session(logOfStatements(20000, 4));
        session.setBatchLimit(500);
        int slices = 0, postedAt = -1, timerAt = -1;
        QTimer due; // a timer due now, as the probe of bench_window_latency or a view's refresh
        due.setSingleShot(true);
        connect(&due, &QTimer::timeout, this, [&] { timerAt = slices; });
        connect(&session, &SessionLog::eventsApplied, this, [&] {
            if (++slices != 1) return;
            QTimer::singleShot(0, this, [&] { postedAt = slices; });
            due.start(0);
        });
        session.start(1);
        QTRY_VERIFY_WITH_TIMEOUT(session.backlog() == 0 && postedAt >= 0 && timerAt >= 0, 60000);
        session.stop();
        QVERIFY2(slices >= 80, qPrintable(QString("%1 slices").arg(slices)));
        // Both ran after the first slice and before the second.
        QCOMPARE(postedAt, 1);
        QCOMPARE(timerAt, 1);
    }

    // Under a time budget, the first slice of a log (nothing measured yet) is small, not
    // batchLimit: 50,000 events at once held the window's loop 100 ms and more at a run's start.
    void theFirstSliceUnderABudgetIsSmall()
    {
        SessionLog session(logOfStatements(20000, 4));
        QCOMPARE(session.nextSliceLimit(), std::size_t(50'000)); // no budget: batchLimit
        session.setSliceBudgetMs(12);
        QCOMPARE(session.nextSliceLimit(), SessionLog::kFirstSliceEvents);
        QCOMPARE(session.drain(), SessionLog::kFirstSliceEvents);
        session.setLog(logOfStatements(20000, 4)); // a new run: nothing measured for it
        QCOMPARE(session.nextSliceLimit(), SessionLog::kFirstSliceEvents);
    }
};

QTEST_MAIN(TestDrainYields)
#include "tst_drain_yields.moc"
