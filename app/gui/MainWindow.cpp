#include "app/gui/MainWindow.h"

#include "app/gui/DatabaseActions.h"
#include "app/gui/HelpPages.h"
#include "app/gui/MetricsPanel.h"
#include "app/gui/SaveFileDialog.h"
#include "app/gui/ScenarioLibrary.h"
#include "app/gui/TimelineExportDialog.h"
#include "engine/trace/ChromeTrace.h"
#include "engine/trace/SessionFile.h"
#include "engine/trace/StatementFold.h"
#include "engine/trace/TraceLog.h"
#include "engine/workload/RunReport.h"
#include "widgets/database/DatabaseDock.h"
#include "widgets/dependencies/DependenciesPanel.h"
#include "widgets/dependencies/DependencySource.h"
#include "widgets/editor/ScriptEditor.h"
#include "widgets/models/ExplanationsModel.h"
#include "widgets/models/InstantTableModel.h"
#include "widgets/models/LocksModel.h"
#include "widgets/models/ModelRoles.h"
#include "widgets/models/SessionLog.h"
#include "widgets/models/StatementLogModel.h"
#include "widgets/models/TransactionsModel.h"
#include "widgets/models/VersionChainModel.h"
#include "widgets/result/ExplanationPanel.h"
#include "widgets/run/ProgressText.h"
#include "widgets/run/RunController.h"
#include "widgets/timeline/TimelineWidget.h"
#include "widgets/views/ColumnFitter.h"
#include "widgets/views/ConnectionFilter.h"
#include "widgets/views/ElidingLabel.h"
#include "widgets/views/HintedTableView.h"
#include "widgets/views/HintedTreeView.h"
#include "widgets/views/SessionTable.h"
#include "widgets/views/TreeAutoExpander.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSaveFile>
#include <QScrollArea>
#include <QSettings>
#include <QSlider>
#include <QStatusBar>
#include <QTableView>
#include <QTextStream>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>
#include <algorithm>
#include <qcustomplot.h>
#include <sqlite3.h>

using txs::JournalMode;

namespace {

// How long one drain of the session (projections + every panel) may hold the window's thread.
constexpr int kDrainSliceMs = 12;
// The tables and trees refresh at most this often while a run feeds them (a frame of a live
// table; faster only repaints rows nobody can read).
constexpr int kViewRefreshMs = 33;

txs::HintedTableView* makeTable(QAbstractItemModel* model, QWidget* parent, const QString& emptyHint)
{
    auto* view = new txs::HintedTableView(parent);
    view->setEmptyHint(emptyHint);
    view->setModel(model);
    txs::setUpSessionTable(view);
    return view;
}

QString formatNs(qint64 ns)
{
    if (ns < 0) return QStringLiteral("–");
    if (ns < 10'000'000) return QString::number(ns / 1e6, 'f', 3) + " ms";
    return QString::number(ns / 1e6, 'f', 1) + " ms";
}

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), controller_(new RunController(this)), session_(new txs::models::SessionLog(this)),
      timeline_(new txs::TimelineWidget(this)), editor_(new ScriptEditor(this)), metrics_(nullptr),
      statusTimer_(new QTimer(this)), settleTimer_(new QTimer(this))
{
    setWindowTitle("TxScope");
    setWindowIcon(QIcon(":/icons/txscope.svg"));
    setDockNestingEnabled(true);
    setCentralWidget(timeline_);

    transactions_ = new txs::models::TransactionsModel(session_, this);
    locks_ = new txs::models::LocksModel(session_, this);
    versions_ = new txs::models::VersionChainModel(session_, this);
    explanations_ = new txs::models::ExplanationsModel(session_, this);
    statements_ = new txs::models::StatementLogModel(session_, this);
    metrics_ = new MetricsPanel(session_, this);
    database_ = new DatabaseActions(this);

    buildActions();
    buildMenus();
    buildToolBar();
    buildDocks();
    // The long tables keep the latest rows (a windowed model) and say so over the rows.
    const std::pair<txs::models::InstantTableModel*, QAbstractItemView*> windowed[] = {
        {transactions_, transactionsView_}, {statements_, logView_}, {explanations_, explanationsView_}};
    for (const auto& [model, view] : windowed)
        if (auto* table = qobject_cast<txs::HintedTableView*>(view))
            connect(model, &txs::models::InstantTableModel::windowChanged, table,
                    [model = model, table] { table->setWindowNote(model->windowNote()); });

    stateLabel_ = new QLabel(this);
    countersLabel_ = new txs::ElidingLabel(this); // cut, not overlapping, on a narrow window
    instantLabel_ = new QLabel(this);
    statusBar()->addWidget(stateLabel_);
    // The counters are what a run is judged by: three parts of the room to the database's one
    // (split evenly, the counters were cut while the database's name had room to spare).
    statusBar()->addWidget(countersLabel_, 3);
    statusBar()->addPermanentWidget(database_->indicator(), 1);
    statusBar()->addPermanentWidget(instantLabel_);

    connect(editor_, &ScriptEditor::textSettled, this, [this] { applyScript(); });
    // The title's [*] shows unsaved changes.
    connect(editor_->document(), &QTextDocument::modificationChanged, this, &QWidget::setWindowModified);
    connect(controller_, &RunController::parseFailed, editor_, &ScriptEditor::setError);
    connect(controller_, &RunController::stateChanged, this, &MainWindow::onStateChanged);
    connect(controller_, &RunController::traceReplaced, this, &MainWindow::onTraceReplaced);
    connect(controller_, &RunController::runFailed, this,
            [this](const QString& message) { QMessageBox::warning(this, "Cannot run", message); });
    connect(session_, &txs::models::SessionLog::eventsApplied, this, &MainWindow::feedTimeline);
    connect(session_, &txs::models::SessionLog::instantChanged, this, [this](qint64 t) {
        // A replay is not live, whatever its cursor follows; a program being recorded is.
        const bool live = session_->isLive() && (!replaying_ || isRecording());
        instantLabel_->setText(QString("t = %1%2").arg(formatNs(t), live ? " (live)" : ""));
        timeline_->setCursorTime(warp_.toAxis(t));
        refreshStatus(); // the counts are those at the instant shown
    });
    // The timeline draws on its axis (TimeWarp); the session counts trace time.
    connect(timeline_, &txs::TimelineWidget::cursorMoved, this,
            [this](qint64 x) { session_->setInstant(warp_.toTime(x)); });
    connect(timeline_, &txs::TimelineWidget::followLiveChanged, this, [this](bool follow) {
        if (follow) session_->followLive();
    });
    connect(timeline_, &txs::TimelineWidget::transactionSelected, this, [this](quint64 txId) {
        versions_->setReaderTransaction(txId);
        if (const int row = transactions_->rowOf(txId); row >= 0) {
            transactionsView_->selectRow(row);
            transactionsView_->scrollTo(transactions_->index(row, 0));
        }
    });
    linkPanels();
    connect(transactionsView_, &QTableView::clicked, this, [this](const QModelIndex& index) {
        const quint64 txId = index.data(txs::models::TxIdRole).toULongLong();
        versions_->setReaderTransaction(txId);
        timeline_->selectTransaction(txId);
    });
    // A timer, not a posted call: the loop runs it after the posted events, input and due timers
    // pending, so each settle slice is its own turn (as SessionLog's drain slices).
    settleTimer_->setSingleShot(true);
    settleTimer_->setInterval(0);
    connect(settleTimer_, &QTimer::timeout, this, [this] {
        if (controller_->state() == RunController::State::Finished)
            settleAfterRun();
        else
            settling_ = false;
    });
    statusTimer_->setInterval(200);
    connect(statusTimer_, &QTimer::timeout, this, &MainWindow::refreshStatus);
    statusTimer_->start();
    // Slices of ~12 ms (the projections and every panel's handler together): input and paint
    // wait at most about one slice however far the drain is behind a traced run.
    session_->setSliceBudgetMs(kDrainSliceMs);
    session_->setViewRefreshMs(kViewRefreshMs);
    session_->start(50);

    restoreWindowLayout();
    updateRecentMenu();
    onStateChanged();
}

MainWindow::~MainWindow() = default;

// ---------------------------------------------------------------- building

void MainWindow::buildActions()
{
    auto make = [this](const QString& text, QKeySequence key, auto slot) {
        auto* a = new QAction(text, this);
        if (!key.isEmpty()) a->setShortcut(key);
        connect(a, &QAction::triggered, this, slot);
        return a;
    };
    openAction_ = make("&Open Workload…", QKeySequence::Open, &MainWindow::openWorkloadDialog);
    saveAction_ = make("&Save Workload", QKeySequence::Save, [this] {
        if (currentFile_.isEmpty() || currentFile_.startsWith(':'))
            saveWorkloadAs();
        else
            saveWorkloadTo(currentFile_);
    });
    saveAsAction_ = make("Save Workload &As…", QKeySequence(), [this] { saveWorkloadAs(); });
    // Some platforms bind no key to SaveAs; Ctrl+Shift+S works everywhere.
    QList<QKeySequence> saveAsKeys = QKeySequence::keyBindings(QKeySequence::SaveAs);
    if (!saveAsKeys.contains(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S)))
        saveAsKeys.prepend(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    saveAsAction_->setShortcuts(saveAsKeys);
    openDbAction_ = make("Open &Database…", QKeySequence(), &MainWindow::openDatabaseDialog);
    saveSessionAction_ = make("Save Recorded &Session…", QKeySequence(), &MainWindow::saveSessionDialog);
    openSessionAction_ = make("&Replay Recorded Session…", QKeySequence(), &MainWindow::openSessionDialog);
    exportTraceAction_ = make("Export &Chrome Trace (JSON)…", QKeySequence(), &MainWindow::exportChromeTrace);
    exportImageAction_ =
        make("Export Timeline as &PNG/SVG/PDF…", QKeySequence(), &MainWindow::exportTimelineImage);
    exportCsvAction_ =
        make("Export &Transactions as CSV…", QKeySequence(), &MainWindow::exportTransactionsCsv);
    quitAction_ = make("&Quit", QKeySequence::Quit, &QWidget::close);
    aboutAction_ = make("&About TxScope", QKeySequence(), &MainWindow::about);
    buildRecordActions();

    runAction_ = make("Run", QKeySequence(Qt::Key_F5), [this] { controller_->run(); });
    pauseAction_ = make("Pause", QKeySequence(Qt::Key_F6), [this] { controller_->pause(); });
    stepAction_ = make("Step", QKeySequence(Qt::Key_F10), [this] { controller_->step(); });
    stopAction_ = make("Stop", QKeySequence(Qt::SHIFT | Qt::Key_F5), [this] {
        if (isRecording())
            stopRecording();
        else
            controller_->stop();
    });
    resetAction_ = make("Reset", QKeySequence(Qt::CTRL | Qt::Key_R), [this] { controller_->reset(); });
    runAction_->setToolTip("Run the workload to the end (F5)");
    stepAction_->setToolTip("Run the next step: one statement, or the whole workers phase (F10)");
    stepBackAction_ = make("Step Back", QKeySequence(Qt::SHIFT | Qt::Key_F10), &MainWindow::stepBack);
    stepBackAction_->setToolTip("Move the cursor one step back (Shift+F10)");
    pauseAction_->setToolTip("Pause the workers (F6)");
    stopAction_->setToolTip("Stop the run (Shift+F5)");
    resetAction_->setToolTip("Start over with a fresh database (Ctrl+R)");
    const auto style = QApplication::style();
    updateToolIcons();
    resetAction_->setIcon(style->standardIcon(QStyle::SP_BrowserReload));
}

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu("&File");
    file->addAction(openAction_);
    recentMenu_ = file->addMenu("Open &Recent");
    file->addAction(saveAction_);
    file->addAction(saveAsAction_);
    file->addSeparator();
    file->addAction(openDbAction_);
    file->addAction(database_->newAction());
    file->addAction(database_->closeAction());
    file->addSeparator();
    file->addAction(saveSessionAction_);
    file->addAction(openSessionAction_);
    file->addAction(traceAction_);
    file->addSeparator();
    QMenu* exports = file->addMenu("&Export");
    exports->addAction(exportTraceAction_);
    exports->addAction(exportImageAction_);
    exports->addAction(exportCsvAction_);
    file->addSeparator();
    file->addAction(quitAction_);

    QMenu* run = menuBar()->addMenu("&Run");
    buildAxisMenu(run);
    for (QAction* a : {runAction_, pauseAction_, stepAction_, stepBackAction_, stopAction_, resetAction_})
        run->addAction(a);

    // Reset layout, presentation mode and theme, then the docks' toggle actions (buildDocks()).
    buildAppearanceMenu(menuBar()->addMenu("&View"));
    QMenu* help = menuBar()->addMenu("&Help");
    QAction* format = help->addAction("&Workload Format Reference");
    format->setShortcut(QKeySequence::HelpContents);
    connect(format, &QAction::triggered, this, [this] { HelpPages::showWorkloadFormat(this); });
    QAction* scenarios = help->addAction("Built-in &Scenarios");
    connect(scenarios, &QAction::triggered, this, [this] {
        HelpPages::showScenarioList(this, [this](const QString& name) {
            if (maybeSave()) loadScenario(name);
        });
    });
    help->addSeparator();
    help->addAction(aboutAction_);
}

void MainWindow::buildToolBar()
{
    QToolBar* bar = addToolBar("Run");
    bar->setObjectName("runToolBar");
    bar->addWidget(new QLabel(" Engine: ", bar));
    modeCombo_ = new QComboBox(bar);
    modeCombo_->addItem("as in the script", QVariant());
    modeCombo_->addItem("MVCC (BEGIN CONCURRENT)", static_cast<int>(JournalMode::Mvcc));
    modeCombo_->addItem("SQLite WAL", static_cast<int>(JournalMode::Wal));
    modeCombo_->addItem("SQLite rollback journal", static_cast<int>(JournalMode::Delete));
    modeCombo_->setToolTip("Which engine runs the workload: TxScope's MVCC engine or real SQLite");
    connect(modeCombo_, &QComboBox::currentIndexChanged, this, [this] {
        const QVariant v = modeCombo_->currentData();
        controller_->setJournalModeOverride(v.isValid() ? std::optional(static_cast<JournalMode>(v.toInt()))
                                                        : std::nullopt);
    });
    bar->addWidget(modeCombo_);
    bar->addSeparator();
    for (QAction* a : {runAction_, pauseAction_, stepAction_, stopAction_, resetAction_})
        bar->addAction(a);
    bar->addSeparator();
    bar->addWidget(new QLabel(" Slow motion: ", bar));
    speed_ = new QSlider(Qt::Horizontal, bar);
    speed_->setRange(0, 500);
    speed_->setMaximumWidth(140);
    speed_->setToolTip("Pause after each statement, for demonstrations (0 = full speed)");
    connect(speed_, &QSlider::valueChanged, this, [this](int ms) {
        controller_->setStatementDelayMs(ms);
        speed_->setToolTip(QString("%1 ms after each statement").arg(ms));
    });
    bar->addWidget(speed_);
    bar->addSeparator();
    auto* exportButton = new QToolButton(bar);
    exportButton->setText("Export");
    exportButton->setToolTip(
        "Export the run: Chrome trace JSON, the timeline as PNG/SVG/PDF, transactions as CSV");
    exportButton->setPopupMode(QToolButton::InstantPopup);
    auto* exportMenu = new QMenu(exportButton);
    exportMenu->addAction(exportTraceAction_);
    exportMenu->addAction(exportImageAction_);
    exportMenu->addAction(exportCsvAction_);
    exportButton->setMenu(exportMenu);
    bar->addWidget(exportButton);
    bar->addSeparator();
    bar->addWidget(new QLabel(" Scenario: ", bar));
    scenarioPicker_ = new QComboBox(bar);
    scenarioPicker_->setObjectName("scenarioPicker");
    // As wide as a short title, not the longest: on a 1280-pixel screen the box must still fit.
    scenarioPicker_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    scenarioPicker_->setMinimumContentsLength(20);
    scenarioPicker_->addItem("(choose a built-in scenario)");
    ScenarioLibrary::addItems(scenarioPicker_);
    connect(scenarioPicker_, &QComboBox::activated, this, [this](int index) {
        if (index > 0 && maybeSave()) loadScenario(scenarioPicker_->itemData(index).toString());
    });
    bar->addWidget(scenarioPicker_);
}

QDockWidget* MainWindow::addDock(const QString& title, const QString& objectName, QWidget* content,
                                 Qt::DockWidgetArea area)
{
    auto* dock = new QDockWidget(title, this);
    dock->setObjectName(objectName);
    dock->setWidget(content);
    addDockWidget(area, dock);
    for (QAction* a : menuBar()->actions())
        if (a->text() == "&View") a->menu()->addAction(dock->toggleViewAction());
    return dock;
}

void MainWindow::buildDocks()
{
    QDockWidget* script = addDock("Script", "scriptDock", editor_, Qt::LeftDockWidgetArea);
    transactionsView_ = makeTable(
        transactions_, this,
        "No transaction has begun by this instant. Run the workload (F5) or step through it (F10).");
    // Short values (modes, states, outcomes, times): each column whole, the table scrolls
    // sideways (presentation mode's font cut them to "immedi…", "rolled b…").
    transactionsView_->setObjectName("transactionsView");
    new txs::ColumnFitter(transactionsView_, {});
    QDockWidget* tx =
        addDock("Transactions", "transactionsDock", transactionsView_, Qt::BottomDockWidgetArea);
    // Open connections only: a closed one holds nothing and would only push the others down.
    locksFilter_ = new txs::ConnectionFilter(this);
    locksFilter_->setHideClosed(true);
    locksFilter_->setSourceModel(locks_);
    auto* locksView = makeTable(locksFilter_, this, txs::models::LocksModel::EmptyHint);
    // A few rows (the open connections): each column as wide as its header and cells, so no
    // header is cut in presentation mode's larger font; the panel scrolls sideways instead.
    locksView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    locksView->setObjectName("locksView");
    QDockWidget* locks = addDock("Locks", "locksDock", locksView, Qt::RightDockWidgetArea);
    versionsView_ = new txs::HintedTreeView(this);
    versionsView_->setModel(versions_);
    txs::setUpSessionTree(versionsView_);
    versionsView_->setObjectName("versionsView");
    // Tables and keys open as they appear while they are few (a lesson's rows and their chains
    // at a glance); a table that grows large closes again (TreeAutoExpander).
    new txs::TreeAutoExpander(versionsView_);
    // "Versions": a tab beside Locks and Database, whole in presentation mode's font within a
    // quarter of a 1280 px window ("Version chains" needed 345 px).
    QDockWidget* versions = addDock("Versions", "versionsDock", versionsView_, Qt::RightDockWidgetArea);
    // The table of errors beside the selected one's Why and Fix (ExplanationPanel).
    explanationPanel_ = new txs::result::ExplanationPanel(explanations_, this);
    explanationsView_ = explanationPanel_->view();
    static_cast<txs::HintedTableView*>(explanationsView_)
        ->setEmptyHint("No SQLITE_BUSY, conflict or error yet. Each one the run meets is explained here: "
                       "who held what, the rule that applied, and the fix.");
    QDockWidget* explain =
        addDock("Explanations", "explanationsDock", explanationPanel_, Qt::BottomDockWidgetArea);
    QDockWidget* metrics = addDock("Metrics", "metricsDock", metrics_, Qt::RightDockWidgetArea);
    logFilter_ = new txs::ConnectionFilter(this);
    logFilter_->setSourceModel(statements_);
    auto* logView = makeTable(logFilter_, this, "No statement has run by this instant.");
    logView_ = logView;
    logView->setObjectName("statementLogView");
    QDockWidget* log = addDock("Statement log", "logDock", logView, Qt::BottomDockWidgetArea);
    // The Database dock shares the right area with Locks: its form (labels, drop-downs, the
    // console) once set that area's least width, which in presentation mode left the timeline a
    // third of the window. In a scroll area it asks for little and scrolls when squeezed.
    auto* databaseScroll = new QScrollArea;
    databaseScroll->setObjectName("databaseScroll");
    databaseScroll->setWidgetResizable(true);
    databaseScroll->setFrameShape(QFrame::NoFrame);
    databaseScroll->setWidget(database_->dock());
    QDockWidget* database = addDock("Database", "databaseDock", databaseScroll, Qt::RightDockWidgetArea);
    buildResultDock();
    buildDependenciesDock();
    buildRecordDocks();
    // Where they go: arrangeDocks() (MainWindowLayout.cpp), or the layout the user saved.
    Q_UNUSED(script);
    Q_UNUSED(tx);
    Q_UNUSED(locks);
    Q_UNUSED(versions);
    Q_UNUSED(explain);
    Q_UNUSED(metrics);
    Q_UNUSED(log);
    Q_UNUSED(database);
}

// ---------------------------------------------------------------- script and run

void MainWindow::setScript(const QString& text, const QString& fileName)
{
    discardRecording();
    currentFile_ = fileName;
    currentForm_ = {};
    editor_->blockSignals(true);
    editor_->setPlainText(text);
    editor_->blockSignals(false);
    editor_->document()->setModified(false);
    replayFile_.clear();
    updateTitle();
    // The Scenario box names the script shown, or nothing when it is not a built-in one.
    const int scenario = fileName.startsWith(":/scenarios/")
                             ? scenarioPicker_->findData(QFileInfo(fileName).completeBaseName())
                             : -1;
    scenarioPicker_->setCurrentIndex(scenario > 0 ? scenario : 0);
    editor_->markSettled(); // a theme switch's re-highlight must not load it again (and clear a run)
    applyScript();
}

void MainWindow::updateTitle()
{
    QString name = currentFile_.isEmpty() ? QString("untitled.txs") : QFileInfo(currentFile_).fileName();
    if (!replayFile_.isEmpty()) name = QFileInfo(replayFile_).fileName() + " (replay)";
    // [*] is where Qt shows "*" while the document has unsaved changes (setWindowModified).
    setWindowTitle(QString("%1[*] — TxScope").arg(name));
}

void MainWindow::applyScript()
{
    if (replaying_) return;
    editor_->setError(0, {});
    controller_->load(editor_->toPlainText(),
                      currentFile_.isEmpty() ? "untitled.txs" : QFileInfo(currentFile_).fileName());
}

bool MainWindow::openWorkload(const QString& path)
{
    // Refuses a database or any file the editor could not save back unchanged.
    QString text;
    txs::database::TextForm form;
    if (!database_->readWorkload(path, &text, nullptr, false, &form)) return false;
    replaying_ = false;
    setScript(text, path);
    currentForm_ = form;
    addRecentFile(path);
    return true;
}

void MainWindow::loadScenario(const QString& name)
{
    const auto scenario = ScenarioLibrary::find(name);
    if (!scenario) return;
    replaying_ = false;
    setScript(scenario->text, scenario->resourcePath);
}

void MainWindow::setJournalMode(std::optional<JournalMode> mode)
{
    const int index = mode ? modeCombo_->findData(static_cast<int>(*mode)) : 0;
    modeCombo_->setCurrentIndex(index < 0 ? 0 : index);
}

void MainWindow::onTraceReplaced()
{
    timeline_->clear();
    session_->setLog(controller_->trace());
    timeline_->setFollowLive(true);
}

void MainWindow::onStateChanged()
{
    using S = RunController::State;
    const S s = controller_->state();
    const bool ready = s == S::Ready || s == S::Stepping || s == S::Paused;
    runAction_->setEnabled(ready);
    stepAction_->setEnabled(s == S::Ready || s == S::Stepping);
    pauseAction_->setEnabled(s == S::Running);
    stopAction_->setEnabled(s == S::Running || s == S::Paused || s == S::Stepping);
    resetAction_->setEnabled(s != S::Empty && s != S::Invalid && !replaying_);
    modeCombo_->setEnabled(s != S::Running);
    editor_->setReadOnly(s == S::Running || s == S::Stepping || s == S::Paused);
    // An empty Version chains panel must say why: on SQLite there are no chains to show.
    versionsView_->setEmptyHint(
        controller_->journalMode() == JournalMode::Mvcc
            ? QString("No row version exists by this instant. Run the workload (F5) to see each row's "
                      "versions and which transactions can see them.")
            : QString("Version chains are MVCC's. SQLite (%1 mode) keeps one version of each row in the "
                      "database file, so there is no chain to show. Choose MVCC as the engine to see them.")
                  .arg(txs::journalModeName(controller_->journalMode())));
    if (s == S::Finished) settleAfterRun();
    if ((s == S::Ready || s == S::Empty || s == S::Invalid) && !replaying_) clearVerdict();
    updateRecordActions();
    refreshStatus();
}

// The run is over: every panel must show its end. A small backlog is drained at once (the usual
// case, and what tests and --screenshot rely on); a long run's backlog — millions of events —
// is worked off in slices of about kDrainSliceMs (the session sizes each drain to it), each its
// own turn of the event loop (settleTimer_), so the window stays responsive while the panels
// catch up.
// whenFinished() callbacks run at the end.
void MainWindow::settleAfterRun()
{
    QElapsedTimer budget;
    budget.start();
    while (session_->drain() > 0) {
        if (budget.elapsed() >= kDrainSliceMs) {
            settling_ = true;
            settleTimer_->start();
            return;
        }
    }
    settling_ = false;
    session_->flushViews(); // the panels show the end before anything reads them
    showVerdict();
    auto callbacks = std::move(onFinished_);
    onFinished_.clear();
    for (auto& f : callbacks)
        f();
}

void MainWindow::whenFinished(std::function<void()> done)
{
    if (controller_->state() == RunController::State::Finished && !settling_)
        done();
    else
        onFinished_.push_back(std::move(done));
}

void MainWindow::focusOnStory()
{
    const auto& log = session_->log();
    if (!log) return;
    // Read in place: a long run's log holds a million events, and only two times are wanted.
    qint64 from = -1, last = -1;
    log->visitSince(0, [&](const txs::Event& e) {
        last = e.timeNs;
        if (from < 0 && e.kind == txs::EventKind::PhaseBegin &&
            (e.a == static_cast<std::int64_t>(txs::RunPhase::Steps) ||
             e.a == static_cast<std::int64_t>(txs::RunPhase::Workers)))
            from = e.timeNs;
    });
    if (last < 0) return;
    const qint64 to = warp_.toAxis(last);
    if (from >= 0) from = warp_.toAxis(from);
    if (from < 0 || to <= from) {
        timeline_->zoomToFit();
    } else {
        const qint64 margin = std::max<qint64>((to - from) / 20, 1000);
        timeline_->setVisibleTime(from - margin, to + margin);
    }
    if (explanations_->rowCount() > 0) {
        for (QDockWidget* dock : findChildren<QDockWidget*>())
            if (dock->objectName() == "explanationsDock") dock->raise();
        explanationsView_->resizeRowsToContents();
    }
    showDependenciesIfAnomalous(); // an anomaly is the story, before any error it led to
}

void MainWindow::refreshStatus()
{
    using S = RunController::State;
    static const char* names[] = {"No workload", "Script has errors", "Ready", "Running", "Stepping",
                                  "Paused",      "Finished"};
    QString state =
        replaying_ ? QString("Replaying a recorded session") : names[static_cast<int>(controller_->state())];
    if (controller_->state() == S::Invalid && !replaying_) state += ": " + controller_->lastError();
    // A finished run says what it came to, not just that it ended.
    if (controller_->state() == S::Finished && !replaying_ && verdict_.finished())
        state += verdict_.state() == txs::result::RunVerdict::State::Passed ? " — PASS" : " — FAIL";
    if (settling_) state += " (showing the rest…)";
    const auto events = session_->log() ? session_->log()->appendedCount() : 0;
    // The counts are the metrics projection's at the instant shown (CountingRule: the same
    // numbers as the Metrics panel and the CLI), so they follow the cursor through time.
    const auto m = session_->projection().metrics.at(session_->instant());
    // The Explanations panel counts its rows with the same numbers: errors, and waits that are not.
    explanationPanel_->setTally(
        txs::result::errorTally(session_->projection().explanations.all(), session_->instant(), m.errors()));
    if (replaying_) {
        refreshReplayStatus(state);
        return;
    }
    database_->indicator()->show();
    const auto p = controller_->progress();
    // A run under way (or paused) says how far it is, for how long, and what is left.
    if (controller_->state() == S::Running || controller_->state() == S::Paused)
        state += " — " + txs::run::describeProgress(p, controller_->elapsedMs());
    stateLabel_->setText(state);
    editor_->setNextLine(controller_->state() == S::Stepping || controller_->state() == S::Ready ? p.nextLine
                                                                                                 : 0);
    countersLabel_->setText(QString("  %1 · committed %2 · retries %3 · errors %4 · %5 events")
                                .arg(txs::journalModeName(controller_->journalMode()))
                                .arg(m.commits)
                                .arg(m.retries)
                                .arg(m.errors())
                                .arg(events));
}

// ---------------------------------------------------------------- files

bool MainWindow::maybeSave()
{
    if (!editor_->document()->isModified()) return true;
    const auto answer =
        QMessageBox::question(this, "Unsaved changes", "Save the changes to the workload first?",
                              QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
    if (answer == QMessageBox::Cancel) return false;
    if (answer == QMessageBox::Save) return saveWorkloadAs();
    return true;
}

void MainWindow::openWorkloadDialog()
{
    if (!maybeSave()) return;
    const QString path =
        QFileDialog::getOpenFileName(this, "Open workload", QString(), "Workloads (*.txs);;All files (*)");
    if (!path.isEmpty()) openWorkload(path);
}

bool MainWindow::saveWorkloadAs()
{
    // The dialog adds .txs (a workload without it would not show in Open's filter), before it
    // asks whether to replace an existing file.
    const QString path = askSaveFileName(this, {"Save workload", {}, {"Workloads (*.txs)"}, {"txs"}});
    return !path.isEmpty() && saveWorkloadTo(path);
}

bool MainWindow::saveWorkloadTo(const QString& path)
{
    if (!database_->mayOverwrite(path)) return false; // never a script over a database
    QSaveFile file(path);
    // As the file was read (byte order mark, CRLF); no QIODevice::Text, which would add CRs.
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(txs::database::encodeWorkload(editor_->toPlainText(), currentForm_)) < 0 ||
        !file.commit()) {
        QMessageBox::warning(this, "Cannot save", QString("%1: %2").arg(path, file.errorString()));
        return false;
    }
    currentFile_ = path;
    editor_->document()->setModified(false);
    addRecentFile(path);
    updateTitle();
    return true;
}

void MainWindow::openDatabaseDialog()
{
    database_->openDialog();
}

void MainWindow::saveSessionDialog()
{
    if (!session_->log()) return;
    const QString path = askSaveFileName(
        this, {"Save recorded session", {}, {"TxScope sessions (*.txsession)"}, {"txsession"}});
    if (path.isEmpty()) return;
    txs::Session s{currentFile_.toStdString(), editor_->toPlainText().toStdString(),
                   txs::journalModeName(controller_->journalMode()), session_->log()->snapshot()};
    if (auto error = txs::writeSession(s, path.toStdString()))
        QMessageBox::warning(this, "Cannot save the session", QString::fromStdString(*error));
}

// A replay feeds the recorded events into a fresh trace log: every panel projects them exactly
// as it did live.
void MainWindow::openSessionDialog()
{
    if (!maybeSave()) return; // the replay replaces the script in the editor
    const QString path = QFileDialog::getOpenFileName(this, "Replay recorded session", QString(),
                                                      "TxScope sessions (*.txsession);;All files (*)");
    if (path.isEmpty()) return;
    QString error;
    if (!openSession(path, &error)) QMessageBox::warning(this, "Cannot open the session", error);
}

bool MainWindow::openSession(const QString& path, QString* errorOut)
{
    std::string error;
    auto s = txs::readSession(path.toStdString(), error);
    if (!s) {
        if (errorOut) *errorOut = QString::fromStdString(error);
        return false;
    }
    discardRecording();
    controller_->stop();
    replaying_ = true;
    // The script shown is the session's, no file's: Save must not write it over the workload
    // opened before (it asks for a name), and nothing of that workload's run stays.
    currentFile_.clear();
    currentForm_ = {};
    clearVerdict();
    editor_->blockSignals(true);
    editor_->setPlainText(QString::fromStdString(s->workloadText));
    editor_->blockSignals(false);
    editor_->setError(0, {});
    editor_->setNextLine(0);
    editor_->document()->setModified(false);
    scenarioPicker_->setCurrentIndex(0);
    auto log = std::make_shared<txs::TraceLog>();
    // Stored as the run stored them: its seqs, and its event count in the status bar.
    txs::refoldStatementEnds(s->events);
    for (auto& e : s->events)
        log->append(std::move(e));
    timeline_->clear();
    session_->setLog(log);
    session_->drainAll();
    dependencies_->source().setExact(s->journalMode == "mvcc"); // recorded SQLite clients trace no reads
    showDependenciesIfAnomalous();
    timeline_->zoomToFit();
    replayFile_ = path;
    updateTitle();
    showSessionSummary(path);
    onStateChanged();
    return true;
}

void MainWindow::exportChromeTrace()
{
    if (!session_->log()) return;
    const QString path =
        askSaveFileName(this, {"Export Chrome trace", "trace.json", {"JSON (*.json)"}, {"json"}});
    if (path.isEmpty()) return;
    const std::string error = txs::writeChromeTrace(session_->log()->snapshot(), path.toStdString());
    if (!error.empty()) QMessageBox::warning(this, "Cannot export", QString::fromStdString(error));
}

void MainWindow::exportTimelineImage()
{
    const QString name =
        currentFile_.isEmpty() ? QString("untitled.txs") : QFileInfo(currentFile_).fileName();
    const QString title =
        QString("%1 — %2").arg(name, QString::fromLatin1(txs::journalModeName(controller_->journalMode())));
    const auto choice = askTimelineExport(this, title, QSize(1920, 1080));
    if (choice &&
        !timeline_->exportTo(choice->path, choice->size.width(), choice->size.height(), choice->title))
        QMessageBox::warning(this, "Cannot export", "Could not write " + choice->path);
}

void MainWindow::exportTransactionsCsv()
{
    const QString path =
        askSaveFileName(this, {"Export transactions", "transactions.csv", {"CSV (*.csv)"}, {"csv"}});
    if (path.isEmpty()) return;
    QString error;
    if (!exportTransactionsCsvTo(path, &error)) QMessageBox::warning(this, "Cannot export", error);
}

bool MainWindow::exportTransactionsCsvTo(const QString& path, QString* error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) {
        if (error) *error = file.errorString();
        return false;
    }
    // Every transaction of the run, not only those begun by the cursor's instant: the panel is
    // moved to the end for the export and back to the user's instant after.
    const bool wasLive = session_->isLive();
    const qint64 instant = session_->instant();
    if (!wasLive) session_->followLive();
    QTextStream out(&file);
    auto csv = [](QString s) {
        if (s.contains(',') || s.contains('"') || s.contains('\n')) s = '"' + s.replace("\"", "\"\"") + '"';
        return s;
    };
    QStringList header;
    for (int c = 0; c < transactions_->columnCount(); ++c)
        header << csv(transactions_->headerData(c, Qt::Horizontal).toString());
    out << header.join(',') << '\n';
    // Every record, not only the rows the panel's window shows.
    for (std::size_t r = 0; r < transactions_->totalRows(); ++r) {
        QStringList row;
        for (int c = 0; c < transactions_->columnCount(); ++c)
            row << csv(transactions_->cellText(r, c));
        out << row.join(',') << '\n';
    }
    out.flush();
    if (!wasLive) session_->setInstant(instant);
    if (file.commit()) return true;
    if (error) *error = file.errorString();
    return false;
}

void MainWindow::addRecentFile(const QString& path)
{
    QSettings settings;
    QStringList recent = settings.value("recentFiles").toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > 10)
        recent.removeLast();
    settings.setValue("recentFiles", recent);
    updateRecentMenu();
}

void MainWindow::updateRecentMenu()
{
    recentMenu_->clear();
    const QStringList recent = QSettings().value("recentFiles").toStringList();
    for (const QString& path : recent) {
        QAction* a = recentMenu_->addAction(QFileInfo(path).fileName());
        a->setToolTip(path);
        connect(a, &QAction::triggered, this, [this, path] {
            if (maybeSave()) openWorkload(path);
        });
    }
    recentMenu_->setEnabled(!recent.isEmpty());
}

void MainWindow::about()
{
    QMessageBox::about(this, "About TxScope",
                       QString("<h3>TxScope %1</h3><p>A workbench that makes database concurrency visible: "
                               "transactions, MVCC version chains, locks, conflicts and SQLITE_BUSY, each "
                               "explained with its fix.</p><p>Qt %2 · SQLite %3 · QCustomPlot %4</p>")
                           .arg(QCoreApplication::applicationVersion(), qVersion(), sqlite3_libversion(),
                                QCUSTOMPLOT_VERSION_STR));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (!maybeSave()) {
        event->ignore();
        return;
    }
    controller_->stop();
    discardRecording(); // never leaves the recorded program running
    saveWindowLayout();
    event->accept();
}
