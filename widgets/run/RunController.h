#pragma once
// Drives the engine's Runner for the GUI: parses the script, runs it on a background thread
// (Run) or one step at a time (Step), pauses, resumes, stops and resets, and hands every
// statement outcome to the GUI thread. The trace log it creates is what every panel projects.

#include "engine/workload/Runner.h"
#include "widgets/run/RunThread.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <atomic>
#include <memory>

namespace txs {
class TraceLog;
}

Q_DECLARE_METATYPE(txs::StatementOutcome)
Q_DECLARE_METATYPE(txs::BlockedNotice)

class RunController : public QObject
{
    Q_OBJECT

public:
    enum class State { Empty, Invalid, Ready, Running, Stepping, Paused, Finished };
    Q_ENUM(State)

    explicit RunController(QObject* parent = nullptr);
    ~RunController() override;

    // Parses `text`; on a parse error the state is Invalid and parseFailed() tells where.
    bool load(const QString& text, const QString& fileName);
    void setJournalModeOverride(std::optional<txs::JournalMode> mode);
    // Slow motion: a pause after each statement (0 = full speed).
    void setStatementDelayMs(int ms);
    // The nice value of the run's worker threads (10 by default: the window's thread first);
    // takes effect at the next run opened. For benches that compare.
    void setWorkerNiceness(int nice) { workerNiceness_ = nice; }
    // The run's worker threads at SCHED_IDLE (RunOptions::workerIdleScheduling); the next run.
    void setWorkerIdleScheduling(bool idle) { workerIdleScheduling_ = idle; }
    bool workerIdleScheduling() const { return workerIdleScheduling_; }
    void setDatabasePath(const QString& path); // empty: a fresh database

    State state() const { return state_; }
    txs::RunProgress progress() const;
    const std::shared_ptr<txs::TraceLog>& trace() const { return trace_; }
    const txs::RunSummary* summary() const;
    txs::JournalMode journalMode() const;
    const txs::Workload* workload() const { return workload_ ? &*workload_ : nullptr; }
    txs::Database* database() const;
    QString lastError() const { return lastError_; }
    // A run or a step is under way on the worker thread (the state alone does not say so:
    // Stepping lasts from the first step to the end). run() is ignored meanwhile; step() is
    // queued, so F10 pressed ahead of a slow step still steps as often as it was pressed.
    bool isBusy() const { return busy_; }
    int queuedSteps() const { return queuedSteps_; }
    // Milliseconds the run has been running, pauses left out: the clock of the progress text.
    qint64 elapsedMs() const;

public slots:
    void run();  // from Ready/Paused/Stepping: run to the end in the background
    void step(); // one unit of work (a statement, or the whole workers phase)
    void pause();
    void stop();
    // Back to Ready with a fresh database and trace. Never waits for the old run: it is
    // stopped (its statements interrupted) and ends on a thread of its own; the next run
    // waits for it only when it starts.
    void reset();

signals:
    void stateChanged(RunController::State state);
    void parseFailed(int line, const QString& message);
    void statementFinished(const txs::StatementOutcome& outcome);
    void statementBlocked(const txs::BlockedNotice& notice);
    void traceReplaced();                   // a new trace log: views must drop what they show
    void runFailed(const QString& message); // the database could not be opened

private:
    class Observer;
    void setState(State state);
    bool ensureOpen();
    void startWorker(bool toTheEnd);
    void retireRun(); // stops the runner and hands it to the run thread, which ends it

    std::optional<txs::Workload> workload_;
    std::optional<txs::JournalMode> modeOverride_;
    QString databasePath_;
    int delayMs_ = 0;
    int workerNiceness_ = 10;
    bool workerIdleScheduling_ = false;
    std::shared_ptr<txs::TraceLog> trace_;
    std::unique_ptr<txs::Runner> runner_;
    std::unique_ptr<Observer> observer_;
    // Bumped by each reset: what an older run's worker or observer posts is dropped.
    std::uint64_t generation_ = 0;
    int queuedSteps_ = 0; // steps asked for while one was running; run, stop and reset drop them
    std::atomic<bool> busy_{false};
    State state_ = State::Empty;
    QString lastError_;
    QElapsedTimer clock_;      // valid while Running or Stepping
    qint64 elapsedBefore_ = 0; // time run before the last pause
    // Last, so that it is destroyed first: its jobs use the runner and observer above.
    RunThread thread_;
};
