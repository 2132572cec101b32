// The workbench recording a real program live (txscope --record): a Python writer that holds
// RESERVED at a barrier (a FIFO: it blocks in open() until the test opens it), so the test sees
// the lock while the program runs, then lets it finish; Stop ends a program that would wait
// forever; closing the window leaves nothing running. Then replays: a recorded session and a
// saved run each say what they are (status bar, script pane, result pane).

#include "app/gui/MainWindow.h"
#include "engine/trace/SessionFile.h"
#include "engine/trace/TraceLog.h"
#include "widgets/editor/ScriptEditor.h"
#include "widgets/models/SessionLog.h"
#include "widgets/models/StatementLogModel.h"
#include "widgets/record/LiveRecorder.h"
#include "widgets/record/ProcessLanesModel.h"
#include "widgets/result/ResultPane.h"
#include "widgets/run/RunController.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QDialog>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTimer>
#include <csignal>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

const QString kWriter = QStringLiteral(TXSCOPE_SOURCE_DIR "/tests/gui/record/held_writer.py");

// The lane of `pid`'s first connection, its database lock as the Processes dock shows it.
QString databaseLockOf(txs::record_view::ProcessLanesModel& model, int pid)
{
    const QModelIndex process = model.processIndex(pid);
    if (!process.isValid() || model.rowCount(process) == 0) return {};
    return model.index(0, txs::record_view::ProcessLanesModel::DatabaseLockColumn, process).data().toString();
}

QString statusText(MainWindow& w)
{
    QStringList texts;
    for (QLabel* l : w.statusBar()->findChildren<QLabel*>())
        if (l->isVisible()) texts << l->text();
    return texts.join(" | ");
}

void closePrompts()
{
    for (QWidget* w : QApplication::topLevelWidgets())
        if (w->objectName() == "saveRecordingPrompt") w->close();
}

// The writer's barrier: a FIFO in `dir` ("" when it cannot be made).
QString barrierIn(const QTemporaryDir& dir)
{
    const QString fifo = dir.filePath("barrier");
    return ::mkfifo(fifo.toLocal8Bit().constData(), 0600) == 0 ? fifo : QString();
}

// Opens the FIFO for writing without blocking the event loop: only once the reader has it open.
bool release(const QString& fifo, const QByteArray& word)
{
    int fd = -1;
    for (int tries = 0; tries < 5000 && fd < 0; ++tries) {
        fd = ::open(fifo.toLocal8Bit().constData(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) QTest::qWait(2); // ENXIO until the reader opens its end
    }
    if (fd < 0) return false;
    const bool ok = ::write(fd, word.constData(), static_cast<size_t>(word.size())) == word.size();
    ::close(fd);
    return ok;
}

} // namespace

class TestRecordWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        if (QStandardPaths::findExecutable("python3").isEmpty()) QFAIL("python3 is needed");
        qputenv("TXSCOPE_PROBE", TXSCOPE_BINARY_DIR "/app/libtxscope-probe.so");
        QVERIFY2(QFile::exists(TXSCOPE_BINARY_DIR "/app/libtxscope-probe.so"), "build txscope-probe");
    }

    // While the writer holds RESERVED at the barrier, the window shows its process, its lane
    // and the lock; when it is let go, the window says it exited and with which status.
    void recordsLiveThenFinishes()
    {
        QTemporaryDir dir;
        const QString fifo = barrierIn(dir);
        QVERIFY(!fifo.isEmpty());
        MainWindow w;
        QAbstractItemModelTester tester(&w.processLanes(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        w.show();
        // Before any recording, the Processes panel is not an empty tab beside the script.
        QVERIFY(w.dock("processesDock")->isHidden());
        QVERIFY(w.dock("walGaugesDock")->isHidden());
        QString error;
        QVERIFY2(w.startRecording({"python3", kWriter, dir.filePath("a.db"), fifo}, dir.path(), &error),
                 qPrintable(error));
        QVERIFY(w.isRecording());
        QVERIFY(!w.dock("processesDock")->isHidden());
        const int pid = w.recorder()->pid();
        QTRY_COMPARE_WITH_TIMEOUT(databaseLockOf(w.processLanes(), pid), QString("RESERVED"), 20000);
        QVERIFY(w.isRecording()); // seen live: the program is still held at the barrier
        QVERIFY(statusText(w).contains(QString("Recording python3")));
        QVERIFY(w.editor().toPlainText().contains(QString("pid %1").arg(pid)));

        bool finished = false;
        w.whenRecordingFinished([&] { finished = true; });
        QVERIFY(release(fifo, "fail\n"));
        QTRY_VERIFY_WITH_TIMEOUT(finished, 20000);
        closePrompts();
        QCOMPARE(*w.recorder()->exitStatus(), 3);
        QVERIFY2(w.resultPane().headline().contains("Exited with status 3"),
                 qPrintable(w.resultPane().headline()));
        QVERIFY(w.statusBar()->currentMessage().contains("exited with status 3"));
        QCOMPARE(databaseLockOf(w.processLanes(), pid), QString("–")); // released at COMMIT
        QVERIFY(!w.isRecording());
        // A RunEnd says how it ended, as a saved recording will.
        bool runEnd = false;
        for (const auto& e : w.session().log()->snapshot())
            runEnd = runEnd || (e.kind == txs::EventKind::RunEnd && e.detail == 1 && e.a == 3);
        QVERIFY(runEnd);

        // Saved and replayed, it says it is a replay of that file, not live.
        const QString saved = dir.filePath("held.txsession");
        QVERIFY(!txs::writeSession(w.recorder()->recording().session, saved.toStdString()));
        MainWindow replay;
        replay.show();
        QVERIFY(replay.openSession(saved, &error));
        QTRY_VERIFY(statusText(replay).contains("Replay of held.txsession"));
        QVERIFY(!statusText(replay).contains("(live)"));
        QVERIFY(!statusText(replay).contains("fresh one"));
        QVERIFY(replay.editor().toPlainText().contains("# Recording of: python3"));
        QVERIFY(replay.editor().toPlainText().contains(QString("pid %1").arg(pid)));
        QVERIFY2(replay.resultPane().headline().contains("Exited with status 3"),
                 qPrintable(replay.resultPane().headline()));
        QVERIFY(replay.resultPane().toolTip().contains("held_writer.py"));
        QVERIFY(replay.processLanes().processIndex(pid).isValid());
        QTRY_VERIFY(!replay.dock("processesDock")->isHidden());
    }

    // Stop ends a program that would wait at its barrier forever; its status says the signal.
    void stopEndsTheProgram()
    {
        QTemporaryDir dir;
        const QString fifo = barrierIn(dir);
        QVERIFY(!fifo.isEmpty());
        MainWindow w;
        w.show();
        QString error;
        QVERIFY2(w.startRecording({"python3", kWriter, dir.filePath("b.db"), fifo}, dir.path(), &error),
                 qPrintable(error));
        const int pid = w.recorder()->pid();
        QTRY_COMPARE_WITH_TIMEOUT(databaseLockOf(w.processLanes(), pid), QString("RESERVED"), 20000);
        bool finished = false;
        w.whenRecordingFinished([&] { finished = true; });
        w.stopRecording();
        QTRY_VERIFY_WITH_TIMEOUT(finished, 20000);
        closePrompts();
        QCOMPARE(*w.recorder()->exitStatus(), 128 + SIGTERM);
        QVERIFY(w.statusBar()->currentMessage().contains("stopped from the window"));
    }

    // Closing the window while a program is recorded kills it (and reaps it): nothing is left.
    void closingLeavesNothingRunning()
    {
        QTemporaryDir dir;
        const QString fifo = barrierIn(dir);
        QVERIFY(!fifo.isEmpty());
        int pid = 0;
        {
            MainWindow w;
            w.show();
            QString error;
            QVERIFY2(w.startRecording({"python3", kWriter, dir.filePath("c.db"), fifo}, dir.path(), &error),
                     qPrintable(error));
            pid = w.recorder()->pid();
            QTRY_COMPARE_WITH_TIMEOUT(databaseLockOf(w.processLanes(), pid), QString("RESERVED"), 20000);
            w.close();
        }
        QVERIFY(pid > 0);
        QCOMPARE(::kill(pid, 0), -1); // gone and reaped: no such process
        QCOMPARE(errno, ESRCH);
    }

    // File › Trace Application…: the command line (split as a shell would, quotes kept) and the
    // working directory start the same recording.
    void traceApplicationDialog()
    {
        QTemporaryDir dir;
        const QString fifo = barrierIn(dir);
        QVERIFY(!fifo.isEmpty());
        MainWindow w;
        w.show();
        QAction* trace = nullptr;
        for (QAction* a : w.findChildren<QAction*>())
            if (a->text() == "&Trace Application…") trace = a;
        QVERIFY(trace);
        bool filled = false;
        QTimer::singleShot(0, &w, [&] {
            auto* dialog = qobject_cast<QDialog*>(QApplication::activeModalWidget());
            if (!dialog) return;
            dialog->findChild<QLineEdit*>("commandEdit")
                ->setText(QString("python3 '%1' \"d.db\" barr\\ier").arg(kWriter));
            dialog->findChild<QLineEdit*>("directoryEdit")->setText(dir.path());
            filled = true;
            dialog->accept();
        });
        trace->trigger();
        QVERIFY(filled);
        QVERIFY(w.isRecording());
        QVERIFY(!w.dock("processesDock")->isHidden());
        const int pid = w.recorder()->pid();
        // Relative paths are the working directory's: the database appears there.
        QTRY_COMPARE_WITH_TIMEOUT(databaseLockOf(w.processLanes(), pid), QString("RESERVED"), 20000);
        QVERIFY(QFile::exists(dir.filePath("d.db")));
        bool finished = false;
        w.whenRecordingFinished([&] { finished = true; });
        QVERIFY(release(fifo, "ok\n"));
        QTRY_VERIFY_WITH_TIMEOUT(finished, 20000);
        closePrompts();
        QCOMPARE(*w.recorder()->exitStatus(), 0);
    }

    // A session saved from a run is a replay too: its own script, with its causes and the counts
    // of the run it recorded; nothing of the run the window showed before stays (no mark of that
    // script's expectations, no statement taken to one of its lines).
    void savedRunReplaysHonestly()
    {
        QTemporaryDir dir;
        MainWindow w;
        w.show();
        w.loadScenario("seed-concurrent-writes");
        bool done = false;
        w.whenFinished([&] { done = true; });
        w.controller().run();
        QTRY_VERIFY_WITH_TIMEOUT(done, 60000);
        w.session().followLive();
        const QStringList runCounts = countsOf(w);
        QVERIFY2(!runCounts.isEmpty(), qPrintable(statusText(w)));
        const QString script = w.editor().toPlainText();
        const QString saved = dir.filePath("run.txsession");
        txs::Session s{"seed.txs", script.toStdString(), "mvcc", w.session().log()->snapshot()};
        QVERIFY(!txs::writeSession(s, saved.toStdString()));

        MainWindow replay;
        replay.show();
        // Another scenario first, run to its end: its verdict marks its expectations' lines.
        replay.loadScenario("sqlite-deferred-upgrade-deadlock");
        done = false;
        replay.whenFinished([&] { done = true; });
        replay.controller().run();
        QTRY_VERIFY_WITH_TIMEOUT(done, 60000);
        QVERIFY(!replay.editor().expectMarks().isEmpty());

        QString error;
        QVERIFY(replay.openSession(saved, &error));
        QCOMPARE(replay.editor().toPlainText(), script);
        QVERIFY2(replay.resultPane().headline().startsWith("Replay of a saved run"),
                 qPrintable(replay.resultPane().headline()));
        QVERIFY(!replay.resultPane().headline().contains("No run yet"));
        QTRY_VERIFY(statusText(replay).contains("Replay of run.txsession"));
        QCOMPARE(replay.processLanes().rowCount(), 0); // a run has no processes
        // Its own script's marks only: a session keeps no expectations, so none.
        QVERIFY(replay.editor().expectMarks().isEmpty());
        // At its end, the counts are the recorded run's.
        replay.session().followLive();
        QTRY_COMPARE(countsOf(replay), runCounts);
        // A statement of the log taken to the script lands on a line that holds it, or nowhere
        // (a session records no lines), never on a line of the other script.
        auto* log = replay.findChild<QTableView*>("statementLogView");
        QVERIFY(log);
        QVERIFY(log->model()->rowCount() > 0);
        for (int row = 0; row < log->model()->rowCount(); ++row) {
            replay.editor().moveCursor(QTextCursor::Start);
            const QModelIndex index = log->model()->index(row, 0);
            emit log->clicked(index);
            const int line = replay.editor().textCursor().blockNumber() + 1;
            if (line == 1) continue; // not moved
            const QString sql =
                index.siblingAtColumn(txs::models::StatementLogModel::SqlColumn).data().toString();
            const QString text = replay.editor().document()->findBlockByNumber(line - 1).text();
            QVERIFY2(
                text.simplified().contains(sql.simplified()),
                qPrintable(QString("row %1 (%2) went to line %3: %4").arg(row).arg(sql).arg(line).arg(text)));
        }
    }

private:
    // The status bar's counts: committed, retries, errors and events.
    static QStringList countsOf(MainWindow& w)
    {
        static const QRegularExpression counts(
            "committed (\\d+) · retries (\\d+) · errors (\\d+)(?: by t)? · (\\d+) events");
        const auto match = counts.match(statusText(w));
        return match.hasMatch() ? match.capturedTexts().mid(1) : QStringList();
    }
};

QTEST_MAIN(TestRecordWindow)
#include "tst_record_window.moc"
