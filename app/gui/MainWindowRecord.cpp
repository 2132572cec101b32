// MainWindow: real programs. Recording one live (txscope --record -- COMMAND, File › Trace
// Application…): the program runs under the probe, its events go into the window's trace log
// as they are written, the Processes dock groups the lanes by process and the WAL gauges dock
// plots the WAL; when it ends the status bar says with which exit status, the result pane shows
// the causes of its errors and the window offers to save the session. Replaying a session
// (recorded, or saved from a run) says that it is one: the status bar names the file, the
// script pane shows the recorded command and processes (or the run's own script), the result
// pane the session's causes. Kept apart from MainWindow.cpp, which builds the window.

#include "app/gui/DatabaseActions.h"
#include "app/gui/MainWindow.h"
#include "app/gui/SaveFileDialog.h"
#include "engine/explain/CauseProjection.h"
#include "engine/trace/SessionFile.h"
#include "engine/trace/TraceLog.h"
#include "widgets/editor/ScriptEditor.h"
#include "widgets/models/SessionLog.h"
#include "widgets/record/CommandWords.h"
#include "widgets/record/LiveRecorder.h"
#include "widgets/record/ProcessLanesModel.h"
#include "widgets/record/WalGaugePlot.h"
#include "widgets/result/CauseModel.h"
#include "widgets/result/ResultPane.h"
#include "widgets/run/RunController.h"
#include "widgets/timeline/TimelineWidget.h"
#include "widgets/views/HintedTreeView.h"

#include <QAction>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QStatusBar>
#include <QTimer>

using txs::EventKind;
using txs::result::RunVerdict;

namespace {

// What a session's events say about it, from typed events only.
struct SessionFacts
{
    bool recording = false; // ProcessStart events: a recording of real programs
    std::optional<int> exitStatus;
    std::uint64_t errors = 0; // StatementEnd with an error code
    std::vector<std::pair<int, std::string>> processes;
    std::vector<std::pair<int, std::string>> lanes; // (pid, lane name)
};

SessionFacts factsOf(const std::vector<txs::Event>& events)
{
    SessionFacts f;
    for (const auto& e : events) {
        switch (e.kind) {
        case EventKind::ProcessStart:
            f.recording = true;
            f.processes.emplace_back(static_cast<int>(e.a), e.text);
            break;
        case EventKind::ConnectionOpen:
            if (e.a > 0 && (e.b == 1 || e.b == 2)) f.lanes.emplace_back(static_cast<int>(e.a), e.text);
            break;
        case EventKind::RunEnd:
            if (e.detail == 1) f.exitStatus = static_cast<int>(e.a);
            break;
        case EventKind::StatementEnd:
            if (e.a != 0) ++f.errors;
            break;
        default:
            break;
        }
    }
    return f;
}

QString plural(std::uint64_t n, const char* one, const char* many)
{
    return QString("%1 %2").arg(n).arg(n == 1 ? one : many);
}

} // namespace

// ---------------------------------------------------------------- building

void MainWindow::buildRecordActions()
{
    traceAction_ = new QAction("&Trace Application…", this);
    traceAction_->setToolTip("Run a program under the recorder and watch its SQLite locks and errors live");
    connect(traceAction_, &QAction::triggered, this, &MainWindow::traceApplicationDialog);
}

void MainWindow::buildRecordDocks()
{
    processLanes_ = new txs::record_view::ProcessLanesModel(session_, this);
    auto* view = new txs::HintedTreeView(this);
    view->setObjectName("processLanesView");
    view->setModel(processLanes_);
    view->setAlternatingRowColors(true);
    view->setUniformRowHeights(true);
    view->setEmptyHint("No recorded process. File › Trace Application… (or txscope --record -- COMMAND) "
                       "records a real program: its processes, their connections and the locks they hold.");
    // The lanes' locks must show in a narrow side pane: the name column is elided (its tooltip
    // is whole), the lock columns fit their contents.
    view->header()->setStretchLastSection(true);
    view->header()->setSectionResizeMode(QHeaderView::Interactive);
    view->header()->resizeSection(txs::record_view::ProcessLanesModel::NameColumn, 150);
    for (int c : {txs::record_view::ProcessLanesModel::DatabaseLockColumn,
                  txs::record_view::ProcessLanesModel::WalLocksColumn})
        view->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    // A new process or lane shows at once, unfolded.
    connect(processLanes_, &QAbstractItemModel::rowsInserted, view, [view](const QModelIndex& parent) {
        if (!parent.isValid()) view->expandAll();
    });
    connect(processLanes_, &QAbstractItemModel::modelReset, view, &QTreeView::expandAll);
    addDock("Processes", "processesDock", view, Qt::RightDockWidgetArea);
    walGauges_ = new txs::record_view::WalGaugePlot(session_, this);
    walGauges_->setObjectName("walGauges");
    addDock("WAL gauges", "walGaugesDock", walGauges_, Qt::RightDockWidgetArea);
}

// Processes beside the script (a recording's script pane only lists them), the WAL gauges below
// the timeline beside the transactions (they share its time axis): each comes to the front when
// a recording shows something in it (showRecordDocks).
void MainWindow::arrangeRecordDocks()
{
    QDockWidget* processes = dock("processesDock");
    QDockWidget* gauges = dock("walGaugesDock");
    if (!processes || !gauges) return;
    for (QDockWidget* d : {processes, gauges}) {
        d->setFloating(false);
        removeDockWidget(d);
    }
    addDockWidget(Qt::LeftDockWidgetArea, processes);
    addDockWidget(Qt::BottomDockWidgetArea, gauges);
    tabifyDockWidget(dock("scriptDock"), processes);
    tabifyDockWidget(dock("transactionsDock"), gauges);
    showRecordDocksOnlyForARecording();
}

// Only a recording has processes and sampled WAL gauges: a scenario's run gets no empty tabs,
// whether the docks were just arranged or restored from a layout saved beside a recording
// (View lists both docks; showRecordDocks brings them back, in their places, for a recording).
void MainWindow::showRecordDocksOnlyForARecording()
{
    QDockWidget* processes = dock("processesDock");
    QDockWidget* gauges = dock("walGaugesDock");
    if (!processes || !gauges) return;
    const bool recordingShown = recorder_ || (processLanes_ && processLanes_->rowCount() > 0);
    processes->setVisible(recordingShown);
    gauges->setVisible(recordingShown && walGauges_ && !walGauges_->series().empty());
}

void MainWindow::showRecordDocks()
{
    if (QDockWidget* d = dock("processesDock")) {
        d->show();
        d->raise();
    }
    if (QDockWidget* d = dock("walGaugesDock"); d && !walGauges_->series().empty()) {
        d->show();
        d->raise();
    }
}

// ---------------------------------------------------------------- recording live

bool MainWindow::isRecording() const
{
    return recorder_ && recorder_->isRunning();
}

bool MainWindow::startRecording(const QStringList& command, const QString& workingDirectory, QString* error)
{
    discardRecording();
    controller_->stop();
    recorder_ = new txs::record_view::LiveRecorder(this);
    connect(recorder_, &txs::record_view::LiveRecorder::logReplaced, this,
            [this](std::shared_ptr<txs::TraceLog> log) {
                const bool follow = session_->isLive();
                timeline_->clear();
                session_->setLog(std::move(log));
                session_->drainAll();
                timeline_->setFollowLive(follow);
            });
    connect(recorder_, &txs::record_view::LiveRecorder::updated, this, [this] {
        editor_->blockSignals(true);
        editor_->setPlainText(replayScript());
        editor_->blockSignals(false);
        editor_->document()->setModified(false);
        refreshStatus();
    });
    connect(recorder_, &txs::record_view::LiveRecorder::finished, this, &MainWindow::onRecordingFinished);
    replaying_ = true;
    replayFile_.clear();
    currentFile_.clear();
    currentForm_ = {};
    editor_->blockSignals(true);
    editor_->setPlainText(QString("# Recording: %1\n# starting…\n").arg(command.join(' ')));
    editor_->blockSignals(false);
    editor_->setError(0, {});
    editor_->setNextLine(0);
    editor_->document()->setModified(false);
    clearVerdict();
    if (!recorder_->start(command, workingDirectory, error)) {
        recorder_->deleteLater();
        recorder_ = nullptr;
        replaying_ = false;
        onStateChanged();
        return false;
    }
    resultPane_->setHeadline(RunVerdict::State::Running,
                             QString("Recording %1 (pid %2)…").arg(command.join(' ')).arg(recorder_->pid()));
    setWindowTitle(QString("Recording %1[*] — TxScope").arg(QFileInfo(command.first()).fileName()));
    showRecordDocks();
    if (QDockWidget* d = dock("resultDock")) d->show();
    onStateChanged();
    return true;
}

void MainWindow::stopRecording()
{
    if (isRecording()) recorder_->stop();
}

void MainWindow::whenRecordingFinished(std::function<void()> done)
{
    if (recorder_ && !recorder_->isRunning() && recorder_->exitStatus())
        done();
    else
        onRecordingFinished_.push_back(std::move(done));
}

// Another workload, session or recording replaces this one, or the window closes: the program
// being recorded is killed with everything it started, and reaped.
void MainWindow::discardRecording()
{
    if (!recorder_) return;
    delete recorder_;
    recorder_ = nullptr;
    onRecordingFinished_.clear();
}

void MainWindow::onRecordingFinished(int exitStatus)
{
    session_->drainAll();
    editor_->blockSignals(true);
    editor_->setPlainText(replayScript());
    editor_->blockSignals(false);
    editor_->document()->setModified(false);
    showSessionResult();
    showRecordDocks();
    focusOnStory();
    const QString how = recorder_->stoppedByUser() ? QString(" (stopped from the window)") : QString();
    statusBar()->showMessage(
        QString("%1 exited with status %2%3").arg(recorder_->command()).arg(exitStatus).arg(how));
    onStateChanged();
    offerToSaveRecording();
    auto callbacks = std::move(onRecordingFinished_);
    onRecordingFinished_.clear();
    for (auto& f : callbacks)
        f();
}

// Not modal: the recording stays in view while the user decides.
void MainWindow::offerToSaveRecording()
{
    auto* box = new QMessageBox(QMessageBox::Question, "Save the recording?",
                                QString("%1 has ended. Save its recording as a session to replay it later?")
                                    .arg(recorder_->command()),
                                QMessageBox::Save | QMessageBox::Discard, this);
    box->setObjectName("saveRecordingPrompt");
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this](int result) {
        if (result != QMessageBox::Save) return;
        const QString path = askSaveFileName(
            this,
            {"Save the recording", "recording.txsession", {"TxScope sessions (*.txsession)"}, {"txsession"}});
        if (path.isEmpty()) return;
        QString error;
        if (!saveRecordingTo(path, &error)) QMessageBox::warning(this, "Cannot save the recording", error);
    });
    box->open();
}

bool MainWindow::saveRecordingTo(const QString& path, QString* error)
{
    if (!recorder_ || !database_->mayOverwrite(path)) {
        if (error) *error = QString("%1: not written").arg(path);
        return false;
    }
    if (auto failure = txs::writeSession(recorder_->recording().session, path.toStdString())) {
        if (error) *error = QString::fromStdString(*failure);
        return false;
    }
    return true;
}

void MainWindow::traceApplicationDialog()
{
    QDialog dialog(this);
    dialog.setWindowTitle("Trace Application");
    dialog.setObjectName("traceApplicationDialog");
    auto* form = new QFormLayout(&dialog);
    auto* intro = new QLabel("Runs the program with TxScope's probe preloaded: every SQLite lock it and the "
                             "processes it starts take, every statement and error (where it uses the "
                             "shared libsqlite3), live on the timeline.",
                             &dialog);
    intro->setWordWrap(true);
    form->addRow(intro);
    auto* commandEdit = new QLineEdit(&dialog);
    commandEdit->setObjectName("commandEdit");
    commandEdit->setPlaceholderText("python3 app.py app.db");
    form->addRow("&Command line:", commandEdit);
    auto* directoryEdit = new QLineEdit(QDir::currentPath(), &dialog);
    directoryEdit->setObjectName("directoryEdit");
    auto* browse = new QPushButton("Browse…", &dialog);
    connect(browse, &QPushButton::clicked, &dialog, [&] {
        const QString dir =
            QFileDialog::getExistingDirectory(&dialog, "Working directory", directoryEdit->text());
        if (!dir.isEmpty()) directoryEdit->setText(dir);
    });
    auto* row = new QHBoxLayout;
    row->addWidget(directoryEdit, 1);
    row->addWidget(browse);
    form->addRow("&Working directory:", row);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    buttons->button(QDialogButtonBox::Ok)->setText("Record");
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    form->addRow(buttons);
    dialog.resize(560, dialog.sizeHint().height());
    if (dialog.exec() != QDialog::Accepted) return;
    // Split as a shell would (quotes and backslashes), without running a shell.
    const txs::record_view::CommandWords split = txs::record_view::splitCommandWords(commandEdit->text());
    if (!split.error.isEmpty()) {
        QMessageBox::warning(this, "Cannot record", "The command line cannot be read: " + split.error + ".");
        return;
    }
    const QStringList command = split.words;
    if (command.isEmpty()) return;
    QString error;
    if (!startRecording(command, directoryEdit->text(), &error))
        QMessageBox::warning(this, "Cannot record", error);
}

void MainWindow::updateRecordActions()
{
    if (!replaying_) return;
    // Nothing of a script runs while a recording or a replay is shown.
    const bool recording = isRecording();
    stopAction_->setEnabled(recording);
    stopAction_->setToolTip(recording ? "Stop the recorded program (Shift+F5)" : "Stop the run (Shift+F5)");
    for (QAction* a : {runAction_, stepAction_, pauseAction_})
        a->setEnabled(false);
    if (recorder_) editor_->setReadOnly(true);
}

// ---------------------------------------------------------------- replaying

// The script pane of a recording: the command and its processes (a recording has no script);
// of a saved run: its own script, as the session holds it.
QString MainWindow::replayScript() const
{
    const auto& log = session_->log();
    const SessionFacts f = factsOf(log ? log->snapshot() : std::vector<txs::Event>{});
    const QString command = recorder_ ? recorder_->command() : replayCommand();
    QString text = QString("# Recording of: %1\n").arg(command);
    text += "# (a recording has no script: these are the processes that touched SQLite files)\n";
    if (recorder_ && recorder_->isRunning())
        text += QString("# running, pid %1\n").arg(recorder_->pid());
    else if (f.exitStatus)
        text += QString("# exited with status %1\n").arg(*f.exitStatus);
    text += "#\n";
    for (const auto& [pid, cmd] : f.processes) {
        text += QString("# pid %1  %2\n").arg(pid).arg(QString::fromStdString(cmd));
        for (const auto& [lanePid, lane] : f.lanes)
            if (lanePid == pid) text += QString("#     lane: %1\n").arg(QString::fromStdString(lane));
    }
    if (f.processes.empty()) text += "# no process has touched a SQLite file yet\n";
    return text;
}

// The command a replayed recording recorded: the session's header names it.
QString MainWindow::replayCommand() const
{
    if (replayFile_.isEmpty()) return {};
    std::string error;
    const auto s = txs::readSession(replayFile_.toStdString(), error);
    return s ? QString::fromStdString(s->workloadFile) : QString();
}

void MainWindow::showSessionSummary(const QString& path)
{
    const auto& log = session_->log();
    const SessionFacts f = factsOf(log ? log->snapshot() : std::vector<txs::Event>{});
    if (f.recording) {
        editor_->blockSignals(true);
        editor_->setPlainText(replayScript());
        editor_->blockSignals(false);
        editor_->document()->setModified(false);
        editor_->setReadOnly(true);
        // After the window is shown: a dock raised before it would not stay in front.
        QTimer::singleShot(0, this, &MainWindow::showRecordDocks);
    }
    Q_UNUSED(path);
    showSessionResult();
}

// The result pane of a session: its causes, as the CLI lists them, and a headline that says
// what it is — a recording and how its program ended, or a saved run (whose expectations a
// session does not keep).
void MainWindow::showSessionResult()
{
    const auto& log = session_->log();
    const auto events = log ? log->snapshot() : std::vector<txs::Event>{};
    const SessionFacts f = factsOf(events);
    txs::CauseProjection causes;
    for (const auto& e : events)
        causes.apply(e);
    const auto byCount = causes.byCount();
    resultPane_->clear();
    auto rows = txs::result::causeRows(byCount, log.get(), session_->projection().explanations.all());
    // A developer opens a recording to see who held the lock when it failed: the panels start
    // at the first error of the most frequent cause (once the window is laid out).
    if (!rows.empty() && rows.front().firstSeq != 0)
        QTimer::singleShot(0, this, [this, seq = rows.front().firstSeq, ns = rows.front().explainedNs] {
            if (session_->log() && seq < session_->log()->appendedCount()) goToError(seq, ns);
        });
    resultPane_->setCauses(std::move(rows));
    const QString errors = plural(f.errors, "error", "errors");
    const QString explained =
        byCount.empty() ? QString() : QString(", %1 below").arg(plural(byCount.size(), "cause", "causes"));
    QString headline;
    bool bad = f.errors > 0;
    if (f.recording) {
        // Short: the banner's font is large and the pane narrow; the command is in the Script
        // pane, the status bar and the tooltip.
        const QString command = txs::record_view::ProcessLanesModel::shortCommand(
            recorder_ ? recorder_->command() : replayCommand());
        if (f.exitStatus) {
            headline = QString("Exited with status %1: %2%3.").arg(*f.exitStatus).arg(errors, explained);
            bad = bad || *f.exitStatus != 0;
        } else {
            headline = QString("Recorded: %1%2.").arg(errors, explained);
        }
        resultPane_->setToolTip(QString("Recording of %1").arg(command));
    } else {
        headline = QString("Replay of a saved run: %1%2. A session keeps the run's events, not its "
                           "expectations: open the workload and run it (F5) to check them.")
                       .arg(errors, explained);
    }
    resultPane_->setHeadline(bad ? RunVerdict::State::Failed : RunVerdict::State::Passed, headline);
    if (QDockWidget* d = dock("resultDock")) {
        d->show();
        d->raise();
    }
}

void MainWindow::refreshReplayStatus(const QString&)
{
    editor_->setNextLine(0);
    database_->indicator()->hide(); // no run uses a database here
    const auto& log = session_->log();
    const std::uint64_t total = log ? log->appendedCount() : 0;
    // Shown by the instant: the counts and the events up to it, of how many there are.
    const auto m = session_->projection().metrics.at(session_->instant());
    const std::uint64_t applied = session_->projection().nextSeq();
    QString state;
    if (isRecording())
        state = QString("Recording %1 (pid %2)").arg(recorder_->command()).arg(recorder_->pid());
    else if (recorder_ && recorder_->exitStatus())
        state = QString("Recorded %1: exited with status %2")
                    .arg(recorder_->command())
                    .arg(*recorder_->exitStatus());
    else
        state =
            QString("Replay of %1 (a recorded session: nothing runs)").arg(QFileInfo(replayFile_).fileName());
    stateLabel_->setText(state);
    stateLabel_->setToolTip(replayFile_);
    countersLabel_->setText(
        QString("  committed %1 · retries %2 · errors %3 by t · %4 events")
            .arg(m.commits)
            .arg(m.retries)
            .arg(m.errors())
            .arg(applied == total ? QString::number(total) : QString("%1 of %2").arg(applied).arg(total)));
}
