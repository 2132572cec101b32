// MainWindow: the run's verdict (result pane, gutter marks), the links between the panels, and
// the timeline's axis (wall clock, steps, compressed idle). Kept apart from MainWindow.cpp,
// which builds the window and wires the run.
//
// Links (each way): a timeline marker selects its explanation row and cause; an explanation row
// or a cause moves the cursor to where the error's explanation is recorded, selects its marker
// and the statement log row of the failing statement; a statement log row selects its statement
// on the timeline and shows its script line; a click on a script line selects the statements it
// ran in the statement log and the first of them on the timeline; a statement log row of a
// failed statement selects its error's explanation row (and cause); a failed expectation shows
// its line.

#include "app/gui/MainWindow.h"
#include "engine/trace/TraceLog.h"
#include "widgets/editor/ScriptEditor.h"
#include "widgets/models/ModelRoles.h"
#include "widgets/models/SessionLog.h"
#include "widgets/result/CauseModel.h"
#include "widgets/result/ExplanationPanel.h"
#include "widgets/result/ResultPane.h"
#include "widgets/run/RunController.h"
#include "widgets/timeline/TimelineRefill.h"
#include "widgets/timeline/TimelineWidget.h"

#include <QAction>
#include <QActionGroup>
#include <QDockWidget>
#include <QItemSelection>
#include <QMenu>
#include <QTableView>
#include <algorithm>

using txs::timeline::TimeWarp;

namespace {
// Past this many events the timeline is not redrawn on another axis: the new axis is computed
// from every statement in one turn (wantedWarp); the wall-clock axis stays. The redraw itself is
// sliced (TimelineRefill).
constexpr std::uint64_t kMaxEventsToRedraw = 300'000;
// A redraw's slices take about what the drain's do (kDrainSliceMs in MainWindow.cpp).
constexpr std::int64_t kRefillSliceNs = 12'000'000;
} // namespace

void MainWindow::buildResultDock()
{
    resultPane_ = new txs::result::ResultPane(this);
    addDock("Result", "resultDock", resultPane_, Qt::LeftDockWidgetArea);
    connect(resultPane_, &txs::result::ResultPane::lineActivated, this, &MainWindow::goToLine);
    connect(resultPane_, &txs::result::ResultPane::causeActivated, this, &MainWindow::goToError);
}

void MainWindow::linkPanels()
{
    connect(explanationPanel_, &txs::result::ExplanationPanel::errorPicked, this, &MainWindow::goToError);
    connect(timeline_, &txs::TimelineWidget::eventSelected, this, [this](quint64 seq) {
        if (explanationPanel_->selectSeq(seq))
            if (QDockWidget* d = dock("explanationsDock")) d->raise();
        resultPane_->selectCauseOf(seq);
    });
    connect(logView_, &QTableView::clicked, this, &MainWindow::goToStatement);
    connect(editor_, &ScriptEditor::lineClicked, this, &MainWindow::selectLineStatements);
    connect(controller_, &RunController::statementFinished, this, [this](const txs::StatementOutcome& o) {
        verdict_.add(o);
        statementLines_.add(o.connection, o.startNs, o.endNs, o.line);
        // Stepping: the marks appear as the expectations are met, one step at a time.
        if (controller_->state() == RunController::State::Stepping && o.expect) {
            QMap<int, ScriptEditor::ExpectMark> marks;
            for (const auto& [line, m] : verdict_.marks())
                marks.insert(line, {m.passed, QString::fromStdString("expected: " + m.expected +
                                                                     "\nactual: " + m.actual)});
            editor_->setExpectMarks(marks);
            resultPane_->setVerdict(verdict_);
        }
    });
    connect(controller_, &RunController::traceReplaced, this, [this] {
        clearVerdict();
        stepped_ = false;
        warp_ = {};
    });
    // A run stepped at least once keeps the step axis (Automatic) to its end.
    connect(controller_, &RunController::stateChanged, this, [this](RunController::State s) {
        if (s == RunController::State::Stepping) stepped_ = true;
    });
}

void MainWindow::clearVerdict()
{
    verdict_.clear();
    statementLines_.clear();
    resultPane_->clear();
    editor_->clearExpectMarks();
}

void MainWindow::showVerdict()
{
    const txs::RunSummary* summary = controller_->summary();
    if (!summary || replaying_) return;
    verdict_.finish(*summary);
    resultPane_->setVerdict(verdict_);
    // The run's own causes (those the CLI prints), located in the log for the links.
    const auto& log = session_->log();
    resultPane_->setCauses(
        txs::result::causeRows(summary->causes, log.get(), session_->projection().explanations.all()));
    QMap<int, ScriptEditor::ExpectMark> marks;
    for (const auto& [line, m] : verdict_.marks())
        marks.insert(line, {m.passed, QString::fromStdString(
                                          std::string(m.passed ? "✓ " : "✗ ") + "expected: " + m.expected +
                                          "\nactual: " + m.actual +
                                          (m.runs > 1 ? "\n(" + std::to_string(m.runs) + " runs)" : ""))});
    editor_->setExpectMarks(marks);
    // After Run, the view frames the story (not setup's fsync); a stepped run keeps its steps.
    if (!stepped_) focusOnStory();
    // Always visible after a run: shown and in front, wherever the user put it.
    if (QDockWidget* d = dock("resultDock")) {
        d->show();
        d->raise();
        // Under the script (the default place): with causes or problems to read (problems alone
        // once kept the split of the last layout, whatever they needed), the verdict gets the
        // height at which the first cause's Why and Fix are read without scrolling, up to eleven
        // twentieths of the column: the script keeps at least 45% (at 1280 x 720 a dozen lines;
        // "at least two thirds" for the result left it four), and all the rest on a tall screen
        // (at least a quarter for the result).
        QDockWidget* script = dock("scriptDock");
        if (script && !d->isFloating() && !script->isFloating() &&
            dockWidgetArea(d) == dockWidgetArea(script) && !tabifiedDockWidgets(d).contains(script) &&
            (resultPane_->causeModel().rowCount() > 0 || resultPane_->verdictModel().rowCount() > 0)) {
            const int column = script->height() + d->height();
            const int chrome = d->height() - resultPane_->height(); // the dock's title bar
            const int wanted = resultPane_->heightToRead() + chrome;
            const int result = std::clamp(wanted, column / 4, column * 11 / 20);
            resizeDocks({script, d}, {column - result, result}, Qt::Vertical);
        }
    }
    refreshStatus();
}

void MainWindow::goToLine(int line)
{
    if (line <= 0) return;
    if (QDockWidget* d = dock("scriptDock")) {
        d->show();
        d->raise();
    }
    editor_->scrollToLine(line);
}

void MainWindow::goToError(quint64 seq, qint64 explainedNs)
{
    timeline_->selectEvent(seq);
    // Where the explanation is recorded (a moment after the error): the row keeps its Why and
    // Fix, and the other panels show who held what when it happened.
    session_->setInstant(explainedNs);
    explanationPanel_->selectSeq(seq);
    // The failing statement in the statement log: the last one its connection began by then.
    const auto& errors = session_->projection().explanations.all();
    const auto it = std::find_if(errors.begin(), errors.end(), [seq](const auto& e) { return e.seq == seq; });
    if (it == errors.end() || !logView_) return;
    QAbstractItemModel* model = logView_->model();
    for (int row = model->rowCount() - 1; row >= 0; --row) {
        const QModelIndex index = model->index(row, 0);
        if (index.data(txs::models::ConnectionIdRole).toUInt() == it->connection &&
            index.data(txs::models::TimeRole).toLongLong() <= it->timeNs) {
            logView_->selectRow(row);
            logView_->scrollTo(index);
            break;
        }
    }
}

void MainWindow::goToStatement(const QModelIndex& logIndex)
{
    const quint64 seq = logIndex.data(txs::models::SeqRole).toULongLong();
    const qint64 begin = logIndex.data(txs::models::TimeRole).toLongLong();
    const auto connection = logIndex.data(txs::models::ConnectionIdRole).toUInt();
    timeline_->selectEvent(seq);
    // Back to the explanation: the statement's first error, in the Explanations panel (and its
    // cause, when it is the cause's first occurrence).
    const auto& statements = session_->projection().statements.all();
    const auto statement =
        std::find_if(statements.begin(), statements.end(), [seq](const auto& s) { return s.seq == seq; });
    if (statement != statements.end() && statement->code != 0)
        for (const auto& e : session_->projection().explanations.all())
            if (e.connection == connection && e.timeNs >= statement->beginNs &&
                e.timeNs <= statement->endNs) {
                if (explanationPanel_->selectSeq(e.seq))
                    if (QDockWidget* d = dock("explanationsDock")) d->raise();
                resultPane_->selectCauseOf(e.seq);
                break;
            }
    const int line = statementLines_.lineAt(session_->projection().connections.name(connection), begin);
    if (line > 0) {
        editor_->ensureLineVisible(line);
        editor_->setNextLine(0);
        goToLine(line);
    }
}

void MainWindow::selectLineStatements(int line)
{
    const auto runs = statementLines_.runsOf(line);
    if (runs.empty() || !logView_) return;
    QAbstractItemModel* model = logView_->model();
    QItemSelection rows;
    quint64 first = 0;
    qint64 firstNs = 0;
    for (int row = 0; row < model->rowCount(); ++row) {
        const QModelIndex index = model->index(row, 0);
        const std::string name =
            session_->projection().connections.name(index.data(txs::models::ConnectionIdRole).toUInt());
        const qint64 begin = index.data(txs::models::TimeRole).toLongLong();
        const bool ran = std::any_of(runs.begin(), runs.end(), [&](const auto& r) {
            return r.connection == name && begin >= r.startNs && begin <= r.endNs;
        });
        if (!ran) continue;
        rows.select(index, model->index(row, model->columnCount() - 1));
        if (first == 0 || begin < firstNs) {
            first = index.data(txs::models::SeqRole).toULongLong();
            firstNs = begin;
        }
    }
    if (rows.isEmpty()) return;
    logView_->selectionModel()->select(rows, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    logView_->scrollTo(rows.first().topLeft());
    timeline_->selectEvent(first);
}

void MainWindow::stepBack()
{
    std::vector<std::int64_t> ends;
    for (const auto& s : session_->projection().statements.all())
        if (s.connection != 0 && s.endNs != txs::kNever) ends.push_back(s.endNs);
    const auto instants = txs::timeline::stepInstants(std::move(ends));
    session_->setInstant(txs::timeline::previousStep(instants, session_->instant()));
}

// ---------------------------------------------------------------- the time axis

void MainWindow::buildAxisMenu(QMenu* menu)
{
    menu->addSeparator();
    QMenu* axis = menu->addMenu("Time &Axis");
    axisActions_ = new QActionGroup(this);
    for (auto [choice, label, tip] :
         {std::tuple{AxisChoice::Automatic, "&Automatic",
                     "Steps while stepping (F10), wall-clock time otherwise"},
          std::tuple{AxisChoice::WallClock, "&Wall Clock", "Time as it passed"},
          std::tuple{AxisChoice::Steps, "&Steps", "One column per step, however long each took"},
          std::tuple{AxisChoice::CompressedIdle, "&Compressed Idle Time",
                     "Time as it passed, with the stretches where nothing ran shortened"}}) {
        QAction* a = axis->addAction(label);
        a->setCheckable(true);
        a->setToolTip(tip);
        a->setChecked(choice == axisChoice_);
        a->setData(static_cast<int>(choice));
        axisActions_->addAction(a);
        connect(a, &QAction::triggered, this, [this, choice] { setTimeAxis(choice); });
    }
    menu->addAction(stepBackAction_);
}

void MainWindow::setTimeAxis(AxisChoice choice)
{
    axisChoice_ = choice;
    if (axisActions_)
        for (QAction* a : axisActions_->actions())
            a->setChecked(a->data().toInt() == static_cast<int>(choice));
    feedTimeline();
}

TimeWarp MainWindow::wantedWarp() const
{
    const auto& log = session_->log();
    AxisChoice choice = axisChoice_;
    if (choice == AxisChoice::Automatic) choice = stepped_ ? AxisChoice::Steps : AxisChoice::WallClock;
    if (choice == AxisChoice::WallClock || !log) return {};
    // While a run runs at full speed the axis stays as it is: redrawing would replay every event.
    if (controller_->state() == RunController::State::Running || log->appendedCount() > kMaxEventsToRedraw)
        return warp_;
    std::vector<std::pair<std::int64_t, std::int64_t>> statements;
    const std::int64_t latest = session_->latestTimeNs();
    for (const auto& s : session_->projection().statements.all())
        if (s.connection != 0) statements.emplace_back(s.beginNs, s.endNs == txs::kNever ? latest : s.endNs);
    if (choice == AxisChoice::Steps) return TimeWarp::steps(std::move(statements));
    // Idle stretches longer than a fortieth of the busy time (at least 0.2 ms) are shown that long.
    std::int64_t busy = 0;
    for (const auto& [from, to] : statements)
        busy += to - from;
    return TimeWarp::compressedIdle(std::move(statements), std::max<std::int64_t>(busy / 40, 200'000));
}

// The timeline is fed from the session's one drain, batch by batch, like every other view; on
// its axis (TimeWarp). A new step (or the end of a run) can change the axis: then it is redrawn.
// While it is redrawn (timelineRefill_ busy) the batches are left to the refill, which reads
// them from the log in order.
void MainWindow::feedTimeline()
{
    if (txs::timeline::TimeWarp wanted = wantedWarp(); !(wanted == warp_)) {
        warp_ = std::move(wanted);
        rebuildTimeline();
        return;
    }
    const auto batch = session_->lastBatch();
    if (batch.empty() || (timelineRefill_ && timelineRefill_->busy())) return;
    if (warp_.isIdentity()) {
        timeline_->appendEvents(batch);
        return;
    }
    std::vector<txs::Event> warped(batch.begin(), batch.end());
    for (auto& e : warped)
        e.timeNs = warp_.toAxis(e.timeNs);
    timeline_->appendEvents(warped);
}

// The timeline starts over (its lane rule or its axis changed).
void MainWindow::refeedTimeline()
{
    rebuildTimeline();
}

bool MainWindow::isTimelineRedrawing() const
{
    return timelineRefill_ && timelineRefill_->busy();
}

// The events the session has applied, replayed onto the new axis in slices of kRefillSliceNs
// (TimelineRefill): the timeline shows the part done; later batches come from the drain.
void MainWindow::rebuildTimeline()
{
    if (!timelineRefill_) {
        timelineRefill_ = new txs::timeline::TimelineRefill(timeline_, this);
        timelineRefill_->setBudgetNs(kRefillSliceNs);
        connect(session_, &txs::models::SessionLog::reset, timelineRefill_,
                &txs::timeline::TimelineRefill::cancel);
        connect(timelineRefill_, &txs::timeline::TimelineRefill::finished, this,
                [this] { timeline_->setCursorTime(warp_.toAxis(session_->instant())); });
    }
    timelineRefill_->cancel();
    timeline_->clear();
    if (warp_.mode() == TimeWarp::Mode::Steps && !warp_.isIdentity())
        timeline_->setAxisTicks(warp_.stepCount(), "steps: one column per statement run (Run › Time Axis)");
    else if (warp_.mode() == TimeWarp::Mode::CompressedIdle && !warp_.isIdentity())
        timeline_->setAxisTicks(0, "time since the run started (ms), idle stretches shortened");
    else
        timeline_->setAxisTicks(0, "time since the run started (ms)");
    timelineRefill_->start(session_->log(), warp_, [this] { return session_->projection().nextSeq(); });
}
