// The window's Stop and Reset against a workload that never ends on its own (docs/security.md):
// Stop ends the run within milliseconds, Reset returns at once without waiting for the old run,
// and nothing of the old run reaches the next one.

#include "engine/trace/TraceLog.h"
#include "widgets/run/RunController.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

namespace {
// What "at once" is told apart from: the old run's endless statement and hour-long sleep.
// Generous, so that a loaded machine delaying the threads cannot fail the test; the times are
// printed.
constexpr qint64 kPromptlyMs = 10'000;
const QString kEndless =
    "journal_mode: wal\nT1: WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
    "SELECT count(*) FROM c;\nT1: sleep 3600s;\n";
} // namespace

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
        QVERIFY(timer.elapsed() < kPromptlyMs);
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
        QVERIFY(took < kPromptlyMs); // it hands the old run to a thread of its own
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

    // Steps run on one long-lived thread: stepping through a script registers no trace buffer per
    // step (each thread that appends keeps one in the log for the log's life).
    void stepsLeaveNoTraceBufferBehind()
    {
        constexpr int kSteps = 40;
        QString text = "journal_mode: mvcc\nsetup:\n  CREATE TABLE t (x INTEGER);\n";
        for (int i = 0; i < kSteps; ++i)
            text += QString("T%1: INSERT INTO t VALUES (%2);\n").arg(i % 2).arg(i);
        RunController controller;
        QVERIFY(controller.load(text, "steps.txs"));
        for (int i = 0; i < kSteps + 1; ++i) { // the setup statement is a step too
            controller.step();
            QTRY_VERIFY_WITH_TIMEOUT(!controller.isBusy(), 20000);
        }
        QVERIFY(controller.trace());
        QCOMPARE(controller.progress().stepsDone, std::size_t(kSteps + 1));
        QVERIFY(controller.trace()->countOf(txs::EventKind::StatementEnd) >= std::size_t(kSteps));
        // The GUI thread (it opens the run) and the one run thread; a thread per step made it 42.
        qInfo("trace buffers after %d steps: %zu", kSteps + 1, controller.trace()->writerCount());
        QVERIFY(controller.trace()->writerCount() <= 2);
    }
};

QTEST_MAIN(TestRunStop)
#include "tst_run_stop.moc"
