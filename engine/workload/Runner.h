#pragma once
// Runs a parsed workload: setup, the step lines one at a time (deterministic, with the
// blocking rule of DESIGN.md), all workers blocks at once on real threads with their retry
// loops, then check. One Runner is used by the CLI and by the GUI, which drives it with
// step() from a timer or run() on a background thread, and may pause, resume and stop it
// from any thread.

#include "engine/api/Database.h"
#include "engine/explain/Explainer.h"
#include "engine/trace/TraceLogLimits.h"
#include "engine/workload/RunExplanations.h"
#include "engine/workload/RunReport.h"
#include "engine/workload/Workload.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace txs {

class TraceLog;

struct RunOptions
{
    std::optional<JournalMode> journalMode; // overrides the workload's header
    std::optional<Isolation> isolation;     // overrides the workload's header (--isolation)
    std::string databasePath;               // empty: a fresh database in a temporary folder
    std::optional<std::uint64_t> seed;      // overrides the header's seed
    bool tracing = true;
    std::shared_ptr<TraceLog> trace; // where events go; created when null and tracing
    // An MVCC log damaged in the middle (Database.h).
    DamagedLog damagedLog = DamagedLog::Refuse;
    TraceLogLimits traceLimits; // of the log created when `trace` is null
    bool allowAttach = false;   // --allow-attach; the header's allow_attach: yes also allows it
    // > 0: each worker thread lowers its own scheduling priority by this much (its nice value,
    // at most 19), so that the thread of an interactive window keeps the CPU it needs to stay
    // responsive however many workers run flat out (the workbench sets it). The workers keep
    // the same priority among themselves. 0 (the CLI): left as they are.
    int workerNiceness = 0;
    // Linux: each worker thread moves itself to SCHED_IDLE (allowed unprivileged), so it runs
    // only on CPU time no normal thread wants: the window's thread is never kept waiting for a
    // core by the workers, whatever their number (a nice value only shares the core out by
    // weight). The price: the run also gives way to every other busy program of the machine.
    bool workerIdleScheduling = false;
};

// Called on the thread that produced it; must be thread-safe for worker outcomes.
struct RunObserver
{
    virtual ~RunObserver() = default;
    virtual void statementFinished(const StatementOutcome&) {}
    virtual void statementBlocked(const BlockedNotice&) {}
    virtual void phaseStarted(RunPhase) {}
};

struct RunProgress
{
    RunPhase phase = RunPhase::NotStarted;
    std::size_t stepsDone = 0, stepsTotal = 0;
    std::uint64_t workerTransactionsDone = 0, workerTransactionsTotal = 0;
    std::uint64_t committed = 0, retries = 0, errors = 0;
    int nextLine = 0; // line of the next statement step() runs; 0 when none
    // Threads pause() holds right now (each worker, or run()'s loop between steps); they start
    // no statement until resume() or stop().
    int held = 0;
    // Pause and Stop as the runner saw them, on the trace log's clock (-1: not yet): when the
    // latest pause() and the first stop() were called, and when the workers phase's last thread
    // had ended after a stop (the run's acknowledgement: nothing of the workers runs after it).
    // What a test of "Pause/Stop act within 100 ms" measures, free of the caller's own
    // scheduling (the window's thread delivering the click, and later the Finished state).
    std::int64_t pauseRequestedNs = -1;
    std::int64_t stopRequestedNs = -1;
    std::int64_t workersStoppedNs = -1;
};

class Runner
{
public:
    Runner(Workload workload, RunOptions options);
    ~Runner();
    Runner(const Runner&) = delete;
    Runner& operator=(const Runner&) = delete;

    void setObserver(RunObserver* observer) { observer_ = observer; }
    void setExplainer(ErrorExplainer explainer) { explainer_ = std::move(explainer); }
    // Slow motion for demos: a pause after each statement of steps and workers.
    void setStatementDelay(std::chrono::microseconds delay) { delayUs_.store(delay.count()); }

    // Opens the database. On failure (bad path, locked or corrupt file) returns the error
    // and nothing runs.
    std::optional<Error> open();

    // Runs the next unit of work: one setup/step/check statement (a blocked step counts as
    // done for its line), or the whole workers phase. Returns false when the run is done.
    bool step();
    // Runs to the end (calls open() first if needed); honours pause() and stop().
    const RunSummary& run();

    void pause();
    void resume();
    // Any thread: running statements are interrupted (SQLITE_INTERRUPT, within milliseconds),
    // sleeps and busy waits end, remaining work is skipped.
    void stop();
    // ATTACH / DETACH / VACUUM INTO allowed for this run (--allow-attach or the header).
    bool allowsAttach() const { return options_.allowAttach || workload_.allowAttach; }

    RunProgress progress() const; // thread-safe
    const RunSummary& summary() const { return summary_; }
    const Workload& workload() const { return workload_; }
    const std::shared_ptr<TraceLog>& trace() const { return trace_; }
    Database* database() { return database_.get(); }
    bool finished() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    Workload workload_;
    RunOptions options_;
    std::shared_ptr<TraceLog> trace_;
    std::shared_ptr<Database> database_;
    RunObserver* observer_ = nullptr;
    ErrorExplainer explainer_;
    std::atomic<std::int64_t> delayUs_{0};
    RunSummary summary_;
};

} // namespace txs
