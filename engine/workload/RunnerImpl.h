// Runner's private parts, shared by the files that implement it: Runner.cpp (opening, the
// controls, accounting and the summary), RunnerSteps.cpp (setup, steps and check, one statement
// at a time, with their blocking schedule in virtual time) and RunnerWorkers.cpp (the workers
// phase, one thread a worker). Nothing outside engine/workload includes it.
#pragma once

#include "engine/trace/LatencyRecorder.h"
#include "engine/trace/TraceLog.h"
#include "engine/workload/Runner.h"
#include "engine/workload/VirtualBusyWait.h"

#include <cstdint>
#include <deque>
#include <map>
#include <thread>

namespace txs {

// One unit of step(): a statement of setup, steps or check, or the whole workers phase.
struct Action
{
    RunPhase phase;
    std::string connection;
    const Statement* statement = nullptr; // null for the workers phase
};

// A connection driven step by step. Its busy handler never waits: it notes that SQLite wanted
// to wait and declines, so the runner can show the statement as blocked and retry it later
// in virtual time, for as long as the connection's own busy_timeout allows.
struct StepConnection
{
    std::unique_ptr<Connection> connection;
    bool handlerCalled = false;
    struct Pending
    {
        const Statement* statement;
        RunPhase phase;
        std::int64_t startNs = 0;
        VirtualBusyWait wait;        // the front's wait so far; unused behind it
        std::uint64_t blockedIn = 0; // retry round in which the front blocked (not retried in it)
    };
    // Invariant: when the connection is in blockedOrder, the front is its blocked statement and
    // the rest are its later steps, in file order; otherwise the queue is empty.
    std::deque<Pending> queue;
};

struct Runner::Impl
{
    explicit Impl(Runner& runner) : runner(runner) {}
    Runner& runner;
    std::vector<Action> actions;
    // Written by the thread that steps, read by progress() from any thread.
    std::atomic<std::size_t> next{0};
    bool opened = false;
    std::map<std::string, StepConnection> stepConnections;
    std::vector<std::string> blockedOrder; // connections with a blocked statement, by blocking order
    std::string tempDir;
    std::chrono::steady_clock::time_point start;
    double workersSeconds = 0;

    std::mutex pauseMutex;
    std::condition_variable pauseChanged;
    // Written under pauseMutex; read without it by workers between statements (hence atomic).
    std::atomic<bool> paused{false};
    std::atomic<bool> stopped{false};
    std::atomic<int> held{0}; // threads waiting in waitIfPaused(); changed under pauseMutex
    // RunProgress's request and acknowledgement instants (trace clock, -1 none).
    std::atomic<std::int64_t> pauseRequestedNs{-1}, stopRequestedNs{-1}, workersStoppedNs{-1};
    // Set by stop(); every connection's statements check it (StatementLimits).
    std::shared_ptr<std::atomic<bool>> cancel = std::make_shared<std::atomic<bool>>(false);

    std::atomic<RunPhase> phase{RunPhase::NotStarted};
    // Each worker's transactions done, on a cache line of its own: a worker stores its own count
    // (no read-modify-write of a line every worker shares, once a transaction) and progress()
    // sums them. Made by Runner's constructor, before any thread runs; blockFirstWorker[b] is
    // block b's first slot.
    struct alignas(64) WorkerDone
    {
        std::atomic<std::uint64_t> transactions{0};
    };
    std::unique_ptr<WorkerDone[]> workerDone;
    std::size_t workerSlots = 0;
    std::vector<std::size_t> blockFirstWorker;
    std::uint64_t workerTxTotal = 0;
    std::atomic<int> passed{0}, failed{0}, workersFailed{0}, statementsFailed{0};
    // Every SQL statement run, and those that failed with SQLITE_BUSY or SQLITE_READONLY.
    std::atomic<std::uint64_t> executed{0}, busyOrReadOnly{0};
    // The same, tallied by one worker and added to those above when it ends: a worker's
    // statements share no counter.
    struct Tally
    {
        std::uint64_t executed = 0, busyOrReadOnly = 0;
        void count(const Result& r);
    };
    std::mutex reportMutex; // guards the vectors below
    std::vector<ExpectationFailure> failures;
    std::vector<std::string> workerErrors;
    std::vector<std::string> statementErrors;
    // Every error explained and counted into causes (RunExplanations.h); made by open().
    std::unique_ptr<RunExplanations> explanations;
    // Fixed-size, however many transactions the run commits (a vector of samples grew by 8
    // bytes a transaction: 100 MB for a long run).
    LatencyRecorder latencies;

    // Sleeps for `d` unless stop() comes first: a `sleep 3600s` must not outlast Stop.
    void sleepUnlessStopped(std::chrono::microseconds d)
    {
        // Backoffs of many workers are short: they sleep without taking the shared mutex.
        if (d <= std::chrono::milliseconds(1)) {
            std::this_thread::sleep_for(d);
            return;
        }
        std::unique_lock lock(pauseMutex);
        pauseChanged.wait_for(lock, d, [&] { return stopped.load(); });
    }

    // Blocks on the condition variable (no spinning) while paused; stop() releases it too.
    void waitIfPaused()
    {
        std::unique_lock lock(pauseMutex);
        if (!paused.load() || stopped.load()) return;
        ++held;
        pauseChanged.wait(lock, [&] { return !paused.load() || stopped.load(); });
        --held;
    }

    std::int64_t now() const
    {
        if (runner.trace_) return runner.trace_->now();
        return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start)
            .count();
    }
    void emit(EventKind kind, std::uint32_t connection, std::int64_t a, std::string text);
    // Notes a statement's result for the locked-database verdict (the run's counts come from the
    // log); an error is also explained, once, whatever its phase (returned for the outcome).
    using Explained = RunExplanations::Explained;
    Explained account(const Result& r, std::uint32_t connection, const BlockedWait* blocked = nullptr);
    // A worker's statement: its error is left to the log's readers when it can be (deferred);
    // `needWhy`: its outcome shows the explanation.
    Explained accountWorker(const Result& r, std::uint32_t connection, bool needWhy, Tally& tally);
    // Adds a statement to the run's tally (steps, one thread) or a worker's whole tally (when it ends).
    void countExecuted(const Result& r);
    void addTally(const Tally& tally);
    void nameConnection(const Connection& connection, const std::string& name);
    void report(StatementOutcome outcome);
    Connection& stepConnection(const std::string& name);
    void configure(Connection& connection);
    void runStepStatement(const Action& action);
    bool executeStep(const std::string& name, StepConnection::Pending pending);
    void finishBlocked(const std::string& name, Result result, bool timedOut);
    void drainQueue(const std::string& name);
    bool retryBlocked();
    void failStuck();
    std::uint64_t retryRound = 0; // counts retryBlocked() calls
    // A blocked statement's SQLITE_BUSY is in the trace like any other, and the user wants to
    // know why it waits as much as why a statement failed: it gets its explanation too.
    void explainBlocked(const Error& busy, std::uint32_t connection, const BlockedWait& wait)
    {
        explanations->explain(busy, connection, &wait, true, now());
    }
    void finishSteps();
    void runWorkers();
    void runWorker(const WorkersBlock& block, std::size_t blockIndex, int worker);
    void finish();
};

} // namespace txs
