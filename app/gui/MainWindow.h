#pragma once
// The workbench window: the timeline in the middle; docks for the script, transactions, locks,
// version chains, explanations, metrics and the statement log; a toolbar to pick the journal
// mode and run, pause, step, stop and reset. Every panel is a projection of the run's trace log
// at the instant of the timeline's cursor.

#include "engine/api/JournalMode.h"
#include "widgets/database/WorkloadFile.h"
#include "widgets/result/RunVerdict.h"
#include "widgets/result/StatementLines.h"
#include "widgets/timeline/TimeWarp.h"

#include <QMainWindow>
#include <functional>
#include <optional>

class QAction;
class QActionGroup;
class QComboBox;
class QLabel;
class QMenu;
class QSlider;
class QTableView;
class QTreeView;
class QDockWidget;
class QTimer;
class RunController;
class ScriptEditor;

namespace txs {
class TimelineWidget;
namespace timeline {
class TimelineRefill;
}
namespace models {
class SessionLog;
class TransactionsModel;
class LocksModel;
class VersionChainModel;
class ExplanationsModel;
class StatementLogModel;
} // namespace models
namespace style {
struct Appearance;
}
namespace result {
class ResultPane;
class ExplanationPanel;
} // namespace result
} // namespace txs
class MetricsPanel;
class DatabaseActions;
namespace txs::dependencies {
class DependenciesPanel;
}
namespace txs::record_view {
class LiveRecorder;
class ProcessLanesModel;
class WalGaugePlot;
} // namespace txs::record_view
namespace txs {
class ConnectionFilter;
class HintedTreeView;
} // namespace txs

class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    bool openWorkload(const QString& path);
    // Every transaction of the run as CSV (whatever the cursor's instant), what Export ›
    // Transactions as CSV writes; false with `error` set when the file cannot be written.
    bool exportTransactionsCsvTo(const QString& path, QString* error = nullptr);
    // Replays a recorded session (a run saved from the window, or `txscope-cli record`'s output);
    // false with the reason in `error` when it cannot be read.
    bool openSession(const QString& path, QString* error = nullptr);
    bool isReplaying() const { return replaying_; }
    // Records COMMAND live under the probe (txscope --record -- COMMAND, File › Trace
    // Application…): MainWindowRecord.cpp. False with the reason in `error` when it cannot start.
    bool startRecording(const QStringList& command, const QString& workingDirectory,
                        QString* error = nullptr);
    bool isRecording() const;
    txs::record_view::LiveRecorder* recorder() const { return recorder_; }
    txs::record_view::ProcessLanesModel& processLanes() { return *processLanes_; }
    txs::record_view::WalGaugePlot& walGauges() { return *walGauges_; }
    // Stops the recorded program (the Stop action while recording).
    void stopRecording();
    // Calls `done` once the recorded program has ended and the window shows all of it.
    void whenRecordingFinished(std::function<void()> done);
    void loadScenario(const QString& name); // a built-in scenario, e.g. "seed-concurrent-writes"
    void setJournalMode(std::optional<txs::JournalMode> mode);
    RunController& controller() { return *controller_; }
    txs::TimelineWidget& timeline() { return *timeline_; }
    txs::models::SessionLog& session() { return *session_; }
    ScriptEditor& editor() { return *editor_; }
    DatabaseActions& databaseActions() { return *database_; }
    txs::result::ResultPane& resultPane() { return *resultPane_; }
    txs::result::ExplanationPanel& explanationPanel() { return *explanationPanel_; }
    txs::dependencies::DependenciesPanel& dependenciesPanel() { return *dependencies_; }
    const txs::result::RunVerdict& verdict() const { return verdict_; }
    // The timeline's horizontal axis (View › Time Axis): Automatic is the step axis while
    // stepping and wall-clock time otherwise.
    enum class AxisChoice { Automatic, WallClock, Steps, CompressedIdle };
    void setTimeAxis(AxisChoice choice);
    AxisChoice timeAxis() const { return axisChoice_; }
    const txs::timeline::TimeWarp& timeWarp() const { return warp_; }
    // Shift+F10: the cursor to the end of the previous step.
    void stepBack();
    // Calls `done` once the current run has finished and every panel shows its end.
    void whenFinished(std::function<void()> done);
    // Frames the part of the run that tells the story: from the first step (or the workers) to
    // the end, skipping setup; shows the explanations when there are any.
    void focusOnStory();

    // Window manners (MainWindowLayout.cpp): View › Reset layout puts the window and its docks
    // back as on first start, sized to the current screen; the appearance is the theme and
    // presentation mode.
    void resetLayout();
    // Sizes the window to `size` and lays the docks out for it as on first start (what
    // `--window-size` asks for: the docks of a window fitted to another screen would keep that
    // screen's proportions).
    void arrangeForSize(QSize size);
    void setAppearance(const txs::style::Appearance& appearance);
    // The engine's internal connection (id 0) in the timeline, Locks and Statement log.
    void setShowInternalConnections(bool show);
    QDockWidget* dock(const QString& objectName) const;
    // The window shows everything the finished run recorded (the end of a run drains the
    // session in bounded slices, so a long run's backlog never freezes the window).
    bool isSettled() const { return onFinished_.empty() && !settling_; }
    // The timeline is being redrawn from the log in slices (its axis or lane rule changed).
    bool isTimelineRedrawing() const;

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildActions();
    void buildMenus();
    void buildToolBar();
    void buildDocks();
    QDockWidget* addDock(const QString& title, const QString& objectName, QWidget* content,
                         Qt::DockWidgetArea area);
    void arrangeDocks();
    void restoreWindowLayout();
    void saveWindowLayout();
    void buildAppearanceMenu(QMenu* view);
    void updateToolIcons();
    void updateTitle();
    void settleAfterRun();
    void applyScript();
    void setScript(const QString& text, const QString& fileName);
    void onStateChanged();
    void refreshStatus();
    void feedTimeline();
    void refeedTimeline();
    void onTraceReplaced();
    // The result pane and the links between panels (MainWindowResult.cpp).
    void buildResultDock();
    void linkPanels();
    void showVerdict();
    void clearVerdict();
    void goToLine(int line);
    void goToError(quint64 seq, qint64 explainedNs);
    void goToStatement(const QModelIndex& logIndex);
    // The Dependencies dock (MainWindowDependencies.cpp).
    void buildDependenciesDock();
    void showDependenciesIfAnomalous();
    void selectStatements(quint64 fromSeq, quint64 toSeq);
    void selectLineStatements(int line);
    void buildAxisMenu(QMenu* view);
    // Recording and replaying real programs (MainWindowRecord.cpp).
    void buildRecordActions();
    void buildRecordDocks();
    void arrangeRecordDocks();
    void showRecordDocksOnlyForARecording();
    void updateRecordActions();
    void traceApplicationDialog();
    void discardRecording();
    void onRecordingFinished(int exitStatus);
    void showSessionSummary(const QString& path);
    void refreshReplayStatus(const QString& state);
    void showSessionResult();
    QString replayScript() const;
    QString replayCommand() const;
    void showRecordDocks();
    void offerToSaveRecording();
    bool saveRecordingTo(const QString& path, QString* error);
    txs::timeline::TimeWarp wantedWarp() const;
    void rebuildTimeline();
    bool saveWorkloadAs();
    bool saveWorkloadTo(const QString& path);
    void openWorkloadDialog();
    void openDatabaseDialog();
    void saveSessionDialog();
    void openSessionDialog();
    void exportChromeTrace();
    void exportTimelineImage();
    void exportTransactionsCsv();
    void addRecentFile(const QString& path);
    void updateRecentMenu();
    void about();
    bool maybeSave();

    RunController* controller_;
    txs::models::SessionLog* session_;
    txs::TimelineWidget* timeline_;
    ScriptEditor* editor_;
    MetricsPanel* metrics_;
    DatabaseActions* database_;
    txs::models::TransactionsModel* transactions_;
    txs::models::LocksModel* locks_;
    txs::models::VersionChainModel* versions_;
    txs::models::ExplanationsModel* explanations_;
    txs::models::StatementLogModel* statements_;
    QTableView* transactionsView_;
    QTableView* explanationsView_;
    txs::HintedTreeView* versionsView_;
    txs::ConnectionFilter* locksFilter_ = nullptr;
    txs::ConnectionFilter* logFilter_ = nullptr;
    QComboBox* scenarioPicker_;
    QComboBox* modeCombo_;
    QSlider* speed_;
    QLabel* stateLabel_;
    QLabel* countersLabel_;
    QLabel* instantLabel_;
    QMenu* recentMenu_;
    QTimer* statusTimer_;
    QTimer* settleTimer_; // the next slice of the end-of-run settle, after pending input and timers
    QAction *runAction_, *pauseAction_, *stepAction_, *stopAction_, *resetAction_;
    QAction* stepBackAction_ = nullptr;
    txs::result::ResultPane* resultPane_ = nullptr;
    txs::result::ExplanationPanel* explanationPanel_ = nullptr;
    txs::dependencies::DependenciesPanel* dependencies_ = nullptr;
    txs::result::RunVerdict verdict_;
    txs::result::StatementLines statementLines_;
    txs::timeline::TimeWarp warp_;
    txs::timeline::TimelineRefill* timelineRefill_ = nullptr; // made at the first redraw
    AxisChoice axisChoice_ = AxisChoice::Automatic;
    bool stepped_ = false; // this run was stepped (F10) at least once: Automatic shows steps
    QActionGroup* axisActions_ = nullptr;
    QTableView* logView_ = nullptr;
    QAction *openAction_, *saveAction_, *saveAsAction_, *openDbAction_, *saveSessionAction_,
        *openSessionAction_;
    QAction *exportTraceAction_, *exportImageAction_, *exportCsvAction_, *quitAction_, *aboutAction_;
    QString currentFile_;
    txs::database::TextForm currentForm_; // how currentFile_ writes its text: Save keeps it
    QString replayFile_;                  // the recorded session shown, while replaying
    QActionGroup* themeActions_ = nullptr;
    QAction* presentationAction_ = nullptr;
    bool settling_ = false; // draining the finished run's backlog in slices
    std::vector<std::function<void()>> onFinished_;
    bool replaying_ = false;
    txs::record_view::LiveRecorder* recorder_ = nullptr;
    txs::record_view::ProcessLanesModel* processLanes_ = nullptr;
    txs::record_view::WalGaugePlot* walGauges_ = nullptr;
    QAction* traceAction_ = nullptr;
    std::vector<std::function<void()>> onRecordingFinished_;
};
