// The window's Stop and Reset against a workload that never ends on its own (docs/security.md):
// Stop ends the run within milliseconds, Reset returns at once without waiting for the old run,
// and nothing of the old run reaches the next one.

#include "widgets/run/RunController.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

namespace {
const QString kEndless =
    "journal_mode: wal\nT1: WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
    "SELECT count(*) FROM c;\nT1: sleep 3600s;\n";
}

class TestRunStop : public QObject
{
    Q_OBJECT

private slots:
    void stopEndsEndlessStatement()
    {
        RunController controller;
        QVERIFY(controller.load(kEndless, "endless.txs"));
        controller.run();
        QTRY_VERIFY(controller.isBusy() && controller.progress().stepsDone >= 1);
        QElapsedTimer timer;
        timer.start();
        controller.stop();
        QTRY_COMPARE_WITH_TIMEOUT(controller.state(), RunController::State::Finished, 60000);
        qInfo("Stop to Finished: %lld ms", static_cast<long long>(timer.elapsed()));
        QVERIFY(timer.elapsed() < 1000);
    }

    void resetNeverWaitsForTheOldRun()
    {
        RunController controller;
        QVERIFY(controller.load(kEndless, "endless.txs"));
        controller.run();
        QTRY_VERIFY(controller.isBusy() && controller.progress().stepsDone >= 1);
        QElapsedTimer timer;
        timer.start();
        controller.reset();
        const qint64 took = timer.elapsed();
        qInfo("reset() returned in %lld ms", static_cast<long long>(took));
        QVERIFY(took < 50); // it hands the old run to a thread of its own
        QCOMPARE(controller.state(), RunController::State::Ready);
        QVERIFY(!controller.isBusy());

        // The next run is a run of its own: only its own outcome arrives.
        QSignalSpy outcomes(&controller, &RunController::statementFinished);
        QVERIFY(controller.load("T1: SELECT 1; -- expect: 1\n", "next.txs"));
        controller.run();
        QTRY_COMPARE_WITH_TIMEOUT(controller.state(), RunController::State::Finished, 60000);
        QVERIFY(controller.summary());
        QCOMPARE(controller.summary()->expectationsPassed, 1);
        QCoreApplication::processEvents();
        QCOMPARE(outcomes.count(), 1);
    }
};

QTEST_MAIN(TestRunStop)
#include "tst_run_stop.moc"
