#include "engine/workload/Runner.h"

#include "engine/sqlutil/SqlScanner.h"
#include "engine/trace/LatencyRecorder.h"
#include "engine/trace/StatementFold.h"
#include "engine/trace/TraceLog.h"
#include "engine/workload/BoundVariables.h"
#include "engine/workload/FinalCheckpoint.h"
#include "engine/workload/Substitution.h"
#include "engine/workload/ThreadPriority.h"
#include "engine/workload/VirtualBusyWait.h"

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <map>
#include <system_error>
#include <thread>

namespace txs {

const char* runPhaseName(RunPhase phase)
{
    switch (phase) {
    case RunPhase::NotStarted:
        return "not started";
    case RunPhase::Setup:
        return "setup";
    case RunPhase::Steps:
        return "steps";
    case RunPhase::Workers:
        return "workers";
    case RunPhase::Check:
        return "check";
    case RunPhase::Done:
        return "done";
    }
    return "?";
}

namespace {

std::string statementText(const Statement& s)
{
    if (!s.isSleep()) return s.sql;
    return "sleep " + std::to_string(s.sleep.count() / 1000) + "ms";
}

} // namespace

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
    void countExecuted(const Result& r);
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

Runner::Runner(Workload workload, RunOptions options)
    : impl_(std::make_unique<Impl>(*this)), workload_(std::move(workload)), options_(std::move(options))
{
    trace_ = options_.trace;
    if (!trace_ && options_.tracing) trace_ = std::make_shared<TraceLog>(options_.traceLimits);
    summary_.file = workload_.fileName;
    summary_.journalMode = options_.journalMode.value_or(workload_.journalMode);
    summary_.isolation = options_.isolation.value_or(workload_.isolation.value_or(Isolation::Snapshot));
    auto& actions = impl_->actions;
    if (workload_.setup)
        for (const auto& s : workload_.setup->statements)
            actions.push_back({RunPhase::Setup, "setup", &s});
    for (const auto& step : workload_.steps)
        actions.push_back({RunPhase::Steps, step.connection, &step.statement});
    if (!workload_.workers.empty()) actions.push_back({RunPhase::Workers, {}, nullptr});
    if (workload_.check)
        for (const auto& s : workload_.check->statements)
            actions.push_back({RunPhase::Check, "check", &s});
    for (const auto& block : workload_.workers) {
        impl_->workerTxTotal +=
            static_cast<std::uint64_t>(block.count) * static_cast<std::uint64_t>(block.repeat);
        impl_->blockFirstWorker.push_back(impl_->workerSlots);
        impl_->workerSlots += static_cast<std::size_t>(std::max(block.count, 0));
    }
    impl_->workerDone = std::make_unique<Impl::WorkerDone[]>(impl_->workerSlots);
}

Runner::~Runner()
{
    stop();
    impl_->stepConnections.clear();
    database_.reset();
    if (!impl_->tempDir.empty()) {
        std::error_code ignored;
        std::filesystem::remove_all(impl_->tempDir, ignored);
    }
}

std::optional<Error> Runner::open()
{
    if (impl_->opened) return std::nullopt;
    std::string path = options_.databasePath;
    // Without a path every engine gets a fresh file (MVCC: the file and its log), so runs of
    // different journal modes pay the same file system costs: memory only when asked for.
    if (path.empty()) {
        auto pattern = (std::filesystem::temp_directory_path() / "txscope-XXXXXX").string();
        if (!mkdtemp(pattern.data()))
            return Error::fromSqlite(rc::CantOpen, "cannot create a temporary folder for the database");
        impl_->tempDir = pattern;
        path = pattern + "/txscope.db";
        summary_.database = DatabasePlace::TemporaryFile;
    } else {
        summary_.database = path == ":memory:" ? DatabasePlace::Memory : DatabasePlace::File;
    }
    summary_.databasePath = path;
    Error error;
    OpenOptions openOptions;
    openOptions.journalMode = summary_.journalMode;
    openOptions.damagedLog = options_.damagedLog;
    openOptions.allowAttach = allowsAttach();
    openOptions.trace = trace_;
    database_ = Database::open(path, openOptions, &error);
    if (!database_) return error;
    if (allowsAttach() && trace_) {
        Event e;
        e.kind = EventKind::Note;
        e.text = "WARNING: ATTACH, DETACH and VACUUM INTO are allowed for this run (--allow-attach or "
                 "allow_attach: yes): the workload may create or change files outside its database";
        trace_->append(std::move(e));
    }
    impl_->opened = true;
    impl_->start = std::chrono::steady_clock::now();
    impl_->explanations = std::make_unique<RunExplanations>(trace_, summary_.journalMode, explainer_);
    if (trace_) {
        Event e;
        e.kind = EventKind::RunBegin;
        e.text = workload_.fileName;
        trace_->append(std::move(e));
    }
    return std::nullopt;
}

bool Runner::finished() const
{
    return impl_->next.load() >= impl_->actions.size() && impl_->blockedOrder.empty();
}

void Runner::pause()
{
    std::lock_guard lock(impl_->pauseMutex);
    impl_->paused = true;
    impl_->pauseRequestedNs = impl_->now();
}

void Runner::resume()
{
    {
        std::lock_guard lock(impl_->pauseMutex);
        impl_->paused = false;
    }
    impl_->pauseChanged.notify_all();
}

void Runner::stop()
{
    std::int64_t none = -1;
    impl_->stopRequestedNs.compare_exchange_strong(none, impl_->now());
    impl_->cancel->store(true);
    {
        // Under the mutex, so a sleeper between its check and its wait cannot miss the notify.
        std::lock_guard lock(impl_->pauseMutex);
        impl_->stopped = true;
    }
    resume();
}

RunProgress Runner::progress() const
{
    RunProgress p;
    p.phase = impl_->phase.load();
    p.stepsTotal = impl_->actions.size();
    const std::size_t next = impl_->next.load();
    p.stepsDone = std::min(next, impl_->actions.size());
    for (std::size_t w = 0; w < impl_->workerSlots; ++w)
        p.workerTransactionsDone += impl_->workerDone[w].transactions.load(std::memory_order_relaxed);
    p.workerTransactionsTotal = impl_->workerTxTotal;
    if (trace_) {
        // The log's live counts (one counting rule, CountingRule.h): a pass over the connections.
        const MetricsAt m = trace_->totals();
        p.committed = m.commits;
        p.retries = m.retries;
        p.errors = m.errors();
    }
    p.held = impl_->held.load();
    p.pauseRequestedNs = impl_->pauseRequestedNs.load();
    p.stopRequestedNs = impl_->stopRequestedNs.load();
    p.workersStoppedNs = impl_->workersStoppedNs.load();
    if (next < impl_->actions.size() && impl_->actions[next].statement)
        p.nextLine = impl_->actions[next].statement->line;
    return p;
}

void Runner::Impl::emit(EventKind kind, std::uint32_t connection, std::int64_t a, std::string text)
{
    StatementFoldScope::flush(); // a worker's kept end (StatementFold.h) goes before its TxRetry
    if (!runner.trace_) return;
    Event e;
    e.kind = kind;
    e.connection = connection;
    e.a = a;
    e.text = std::move(text);
    runner.trace_->append(std::move(e));
}

namespace {

// An error no concurrency demo means to show: the statement could not run at all, or the
// database cannot be used. Without an expectation it fails the run.
bool failsTheRun(const Error& e)
{
    switch (e.code & 0xFF) {
    case rc::ReadOnly:
    case rc::Corrupt:
    case rc::NotADb:
    case rc::IoErr:
    case rc::Full:
    case rc::CantOpen:
        return true;
    default:
        return e.kind == ErrorKind::Syntax;
    }
}

bool busyOrReadOnlyError(const Result& r)
{
    return !r.ok() && (r.error->kind == ErrorKind::Busy || r.error->kind == ErrorKind::BusySnapshot ||
                       (r.error->code & 0xFF) == rc::ReadOnly);
}

} // namespace

void Runner::Impl::countExecuted(const Result& r)
{
    ++executed;
    if (busyOrReadOnlyError(r)) ++busyOrReadOnly;
}

void Runner::Impl::Tally::count(const Result& r)
{
    ++executed;
    if (busyOrReadOnlyError(r)) ++busyOrReadOnly;
}

Runner::Impl::Explained Runner::Impl::account(const Result& r, std::uint32_t connection,
                                              const BlockedWait* blocked)
{
    // What the run counts comes from the log (metrics), so that every view counts the same
    // way; here only what the locked-database verdict needs, and the explanation.
    countExecuted(r);
    if (!r.ok()) return explanations->explain(*r.error, connection, blocked, false, now());
    return {};
}

Runner::Impl::Explained Runner::Impl::accountWorker(const Result& r, std::uint32_t connection, bool needWhy,
                                                    Tally& tally)
{
    tally.count(r);
    if (r.ok()) return {};
    if (explanations->defers(*r.error)) return explanations->deferWorker(*r.error, connection, needWhy);
    return explanations->explain(*r.error, connection, nullptr, false, now());
}

void Runner::Impl::nameConnection(const Connection& connection, const std::string& name)
{
    explanations->nameConnection(connection.id(), name);
}

// Checks the expectation and hands the outcome (explained by account()) to the observer.
void Runner::Impl::report(StatementOutcome outcome)
{
    if (outcome.expect) {
        const auto verdict = check(*outcome.expect, outcome.result, outcome.blocked);
        outcome.passed = verdict.passed;
        outcome.actual = verdict.actual;
        if (verdict.passed) {
            ++passed;
        } else {
            ++failed;
            std::lock_guard lock(reportMutex);
            if (failures.size() < 100)
                failures.push_back(
                    {outcome.line, outcome.expect->describe(), verdict.actual, outcome.connection});
        }
    } else {
        outcome.actual = describeOutcome(outcome.result, outcome.blocked);
        if (!outcome.result.ok() && outcome.phase != RunPhase::Workers &&
            failsTheRun(*outcome.result.error)) {
            ++statementsFailed;
            std::lock_guard lock(reportMutex);
            if (statementErrors.size() < 100)
                statementErrors.push_back(outcome.connection + " (line " + std::to_string(outcome.line) +
                                          "): " + outcome.result.error->describe());
        }
    }
    if (runner.observer_) runner.observer_->statementFinished(outcome);
}

void Runner::Impl::configure(Connection& connection)
{
    const auto& w = runner.workload_;
    connection.setStatementLimits({cancel, w.statementTimeout.value_or(std::chrono::microseconds(0))});
    if (w.busyTimeout) connection.setBusyTimeout(static_cast<int>(w.busyTimeout->count()));
    if (w.synchronous)
        connection.execute(std::string("PRAGMA synchronous = ") + synchronousName(*w.synchronous));
    // Only when asked for (header or --isolation): SQLite ignores the pragma (it is serializable
    // already), the MVCC engine sets the level of the connection's transactions.
    if (runner.options_.isolation || w.isolation)
        connection.execute(std::string("PRAGMA isolation = '") + isolationName(runner.summary_.isolation) +
                           "'");
}

Connection& Runner::Impl::stepConnection(const std::string& name)
{
    auto& slot = stepConnections[name];
    if (!slot.connection) {
        slot.connection = runner.database_->connect(name);
        nameConnection(*slot.connection, name);
        configure(*slot.connection);
        slot.connection->setBusyHandler([&slot](int) {
            slot.handlerCalled = true;
            return false;
        });
    }
    return *slot.connection;
}

namespace {

// Whether SQLite wanted to wait: it called the busy handler (the step runner's, which declines),
// and then either returned SQLITE_BUSY or finished the statement without what it waited for.
// Only a checkpoint does the latter (FULL, RESTART and TRUNCATE report busy=1 when their wait
// for readers is declined); running it again later is what waiting for it would have done.
bool wantedToWait(const Result& result, bool handlerCalled)
{
    return handlerCalled && (result.ok() || result.error->kind == ErrorKind::Busy);
}

} // namespace

// A step: runs now unless its connection is blocked, in which case it queues behind the
// blocked statement.
void Runner::Impl::runStepStatement(const Action& action)
{
    stepConnection(action.connection);
    StepConnection& sc = stepConnections[action.connection];
    StepConnection::Pending pending{action.statement, action.phase, now(), {}, 0};
    if (!sc.queue.empty()) {
        sc.queue.push_back(pending);
        return;
    }
    executeStep(action.connection, pending);
}

// Runs one statement of connection `name`, whose queue holds only statements after it. A
// statement SQLite wanted to wait on becomes blocked (front of the queue) if the connection's
// own busy_timeout leaves time for a first wait; otherwise it fails at once, as SQLite's does.
// Returns whether it blocked.
bool Runner::Impl::executeStep(const std::string& name, StepConnection::Pending pending)
{
    Connection& connection = stepConnection(name);
    StepConnection& sc = stepConnections[name];
    const Statement& st = *pending.statement;
    StatementOutcome outcome;
    outcome.phase = pending.phase;
    outcome.line = st.line;
    outcome.connection = name;
    outcome.sql = statementText(st);
    outcome.expect = st.expect;
    outcome.startNs = now();
    if (st.isSleep()) {
        sleepUnlessStopped(st.sleep);
    } else {
        sc.handlerCalled = false;
        outcome.result = connection.execute(st.sql);
        if (wantedToWait(outcome.result, sc.handlerCalled)) {
            const int timeout = connection.busyTimeout();
            StepConnection::Pending blocked{&st, pending.phase, outcome.startNs, {}, retryRound};
            if (blocked.wait.call(timeout)) {
                // Right after the try's StatementEnd: the counting rule takes the try for a wait.
                emit(EventKind::StatementBlocked, connection.id(), st.line, st.sql);
                explainBlocked(outcome.result.ok() ? Error::busy("checkpoint waits for readers")
                                                   : *outcome.result.error,
                               connection.id(), {1, 0, timeout, true});
                sc.queue.push_front(blocked);
                blockedOrder.push_back(name);
                if (runner.observer_)
                    runner.observer_->statementBlocked({st.line, name, st.sql, 1, blocked.wait.waitedMs});
                return true;
            }
            // busy_timeout 0: the handler gives up on its first call, the result stands.
            outcome.busyHandlerCalls = blocked.wait.calls;
        }
        auto [why, fix] = account(outcome.result, connection.id());
        outcome.explanation = std::move(why);
        outcome.fix = std::move(fix);
    }
    outcome.endNs = now();
    report(std::move(outcome));
    return false;
}

// The blocked statement of `name` is done (through, failed otherwise, or out of busy_timeout):
// reports it, then runs the statements that waited behind it.
void Runner::Impl::finishBlocked(const std::string& name, Result result, bool timedOut)
{
    StepConnection& sc = stepConnections[name];
    const StepConnection::Pending pending = sc.queue.front();
    sc.queue.pop_front();
    blockedOrder.erase(std::find(blockedOrder.begin(), blockedOrder.end(), name));
    const Statement& st = *pending.statement;
    const BlockedWait waited{pending.wait.calls, pending.wait.waitedMs, sc.connection->busyTimeout(), false};
    auto [explanation, fix] = account(result, sc.connection->id(), timedOut ? &waited : nullptr);
    StatementOutcome outcome;
    outcome.phase = pending.phase;
    outcome.line = st.line;
    outcome.connection = name;
    outcome.sql = st.sql;
    outcome.result = std::move(result);
    outcome.blocked = true;
    outcome.busyHandlerCalls = pending.wait.calls;
    outcome.virtualWaitMs = pending.wait.waitedMs;
    outcome.expect = st.expect;
    outcome.startNs = pending.startNs;
    outcome.endNs = now();
    outcome.explanation = std::move(explanation);
    outcome.fix = std::move(fix);
    report(std::move(outcome));
    drainQueue(name);
}

// The statements that waited behind a blocked one run now, in file order, as SQLite runs a
// connection's statements one after the other, until one of them blocks in its turn.
void Runner::Impl::drainQueue(const std::string& name)
{
    StepConnection& sc = stepConnections[name];
    while (!sc.queue.empty()) {
        const StepConnection::Pending next = sc.queue.front();
        sc.queue.pop_front();
        if (executeStep(name, next)) return;
    }
}

// Tries each blocked statement again, oldest block first, except those that blocked in this
// very step (nothing has happened since). Each try that still finds the lock taken is one more
// busy-handler call and its sleep in virtual time; past the connection's busy_timeout the
// statement fails with SQLITE_BUSY as SQLite's would. Returns whether any statement finished.
bool Runner::Impl::retryBlocked()
{
    const std::uint64_t round = retryRound;
    bool progress = false;
    const auto order = blockedOrder;
    for (const auto& name : order) {
        StepConnection& sc = stepConnections[name];
        if (sc.queue.empty() || sc.queue.front().blockedIn == round) continue;
        auto& pending = sc.queue.front();
        const Statement& st = *pending.statement;
        const int timeout = sc.connection->busyTimeout();
        sc.handlerCalled = false;
        emit(EventKind::StatementUnblocked, sc.connection->id(), st.line, {});
        Result result = sc.connection->execute(st.sql);
        const bool stillBlocked = wantedToWait(result, sc.handlerCalled);
        if (stillBlocked && pending.wait.call(timeout)) {
            emit(EventKind::StatementBlocked, sc.connection->id(), st.line, st.sql);
            explainBlocked(result.ok() ? Error::busy("checkpoint waits for readers") : *result.error,
                           sc.connection->id(), {pending.wait.calls, pending.wait.waitedMs, timeout, true});
            if (runner.observer_)
                runner.observer_->statementBlocked(
                    {st.line, name, st.sql, pending.wait.calls, pending.wait.waitedMs});
            continue;
        }
        finishBlocked(name, std::move(result), stillBlocked);
        progress = true;
    }
    ++retryRound;
    return progress;
}

// After the last step, blocked statements keep being retried until each gets through or times
// out. When a whole round moves nothing, nothing else can release a lock until a waiter gives
// up: virtual time jumps to the earliest end of a busy_timeout, and that statement fails as
// SQLite's would (which may free what the others wait for). Each pass finishes at least one
// statement, so there are at most as many passes as statements; more means the scheduler is
// stuck, and failStuck() ends it with an error instead of spinning.
void Runner::Impl::finishSteps()
{
    std::size_t passes = 0;
    while (!blockedOrder.empty() && !stopped) {
        if (++passes > actions.size() + 1) return failStuck();
        if (retryBlocked()) continue;
        std::string first;
        std::int64_t least = INT64_MAX;
        for (const auto& name : blockedOrder) {
            const auto& sc = stepConnections[name];
            const std::int64_t left = sc.connection->busyTimeout() - sc.queue.front().wait.waitedMs;
            if (left < least) {
                least = left;
                first = name;
            }
        }
        StepConnection& sc = stepConnections[first];
        auto& pending = sc.queue.front();
        pending.wait.runOut(sc.connection->busyTimeout());
        sc.handlerCalled = false;
        emit(EventKind::StatementUnblocked, sc.connection->id(), pending.statement->line, {});
        Result result = sc.connection->execute(pending.statement->sql); // the try before giving up
        const bool timedOut = wantedToWait(result, sc.handlerCalled);
        finishBlocked(first, std::move(result), timedOut);
    }
}

// The guard against a scheduler that cannot move: every statement still blocked or queued
// fails with an error that names its line, instead of the run spinning for ever.
void Runner::Impl::failStuck()
{
    const auto order = blockedOrder;
    blockedOrder.clear();
    for (const auto& name : order) {
        StepConnection& sc = stepConnections[name];
        const int blockedLine = sc.queue.empty() ? 0 : sc.queue.front().statement->line;
        // The wait ends here, though the statement does not run again.
        if (blockedLine != 0) emit(EventKind::StatementUnblocked, sc.connection->id(), blockedLine, {});
        while (!sc.queue.empty()) {
            const StepConnection::Pending pending = sc.queue.front();
            sc.queue.pop_front();
            const Statement& st = *pending.statement;
            Error error;
            error.kind = ErrorKind::Other;
            error.message = "no progress possible: the step runner could not finish line " +
                            std::to_string(blockedLine) + " (" + name + ")" +
                            (st.line == blockedLine ? "" : ", so this statement never ran");
            Result result = Result::failure(error);
            // The runner's own "no progress possible" failure: not a statement's error, so not
            // counted (CountingRule.h) and not a cause; the verdict reports it.
            ++executed;
            const std::string explanation;
            StatementOutcome outcome;
            outcome.phase = pending.phase;
            outcome.line = st.line;
            outcome.connection = name;
            outcome.sql = statementText(st);
            outcome.result = std::move(result);
            outcome.blocked = st.line == blockedLine;
            outcome.expect = st.expect;
            outcome.startNs = pending.startNs;
            outcome.endNs = now();
            outcome.explanation = std::move(explanation);
            report(std::move(outcome));
        }
    }
}

void Runner::Impl::runWorker(const WorkersBlock& block, std::size_t blockIndex, int worker)
{
    const std::string name = block.name + "-" + std::to_string(worker);
    auto connection = runner.database_->connect(name);
    nameConnection(*connection, name);
    configure(*connection);
    StatementFoldScope fold; // successful ends ride on the next StatementBegin (StatementFold.h)
    const std::uint64_t seed = runner.options_.seed.value_or(runner.workload_.seed.value_or(1));
    auto rng = backoffRandom(seed, blockIndex, worker);
    // On the heap: 59 KiB is a large part of a thread's stack.
    auto latencies = std::make_unique<LatencyRecorder>();
    const std::int64_t delayUs = runner.delayUs_.load();
    // Decided once: which statements bind $worker/$iter (prepared once per connection) and
    // which substitute them as text on every iteration (BoundVariables.h).
    std::vector<WorkerStatement> prepared;
    prepared.reserve(block.body.size());
    for (const auto& st : block.body)
        prepared.push_back(prepareWorkerStatement(st.sql));
    std::atomic<std::uint64_t>& transactionsDone =
        workerDone[blockFirstWorker[blockIndex] + worker].transactions;
    Tally tally;
    // Whichever way the worker ends, its tally joins the run's.
    struct MergeTally
    {
        Impl& run;
        const Tally& tally;
        ~MergeTally()
        {
            run.executed += tally.executed;
            run.busyOrReadOnly += tally.busyOrReadOnly;
        }
    } mergeTally{*this, tally};

    // A transaction's latency runs from the end of the one before (the loop goes straight on):
    // one clock read a transaction.
    auto started = std::chrono::steady_clock::now();
    for (std::int64_t iter = 0; iter < block.repeat && !stopped; ++iter) {
        bool done = false;
        for (int attempt = 0; !done && !stopped;) {
            std::optional<Error> failure;
            const Statement* failedAt = nullptr;
            for (std::size_t k = 0; k < block.body.size(); ++k) {
                const Statement& st = block.body[k];
                // Going quiet: the kept end goes out. The delay precedes the pause check.
                if (delayUs > 0 || paused || st.isSleep()) StatementFoldScope::flush();
                if (delayUs > 0) sleepUnlessStopped(std::chrono::microseconds(delayUs));
                if (paused) waitIfPaused();
                if (stopped) break;
                if (st.isSleep()) {
                    sleepUnlessStopped(st.sleep);
                    continue;
                }
                const WorkerStatement& ws = prepared[k];
                const std::string substituted =
                    ws.bound ? std::string() : substituteVariables(st.sql, worker, iter);
                const std::string& sql = ws.bound ? ws.sql : substituted;
                const std::int64_t startNs = st.expect ? now() : 0;
                Result result =
                    ws.bound ? connection->execute(sql, ws.params(worker, iter)) : connection->execute(sql);
                const bool expectedError = st.expect && st.expect->kind == Expectation::Kind::Error;
                const bool reported = st.expect || (!result.ok() && !expectedError && !block.retry.enabled());
                auto [explanation, fix] =
                    accountWorker(result, connection->id(), reported && !expectedError, tally);
                if (reported) {
                    StatementOutcome outcome;
                    outcome.phase = RunPhase::Workers;
                    outcome.line = st.line;
                    outcome.connection = name;
                    // The log shows the values, as the statement meant them.
                    outcome.sql = ws.bound ? substituteVariables(st.sql, worker, iter) : sql;
                    outcome.expect = st.expect;
                    outcome.startNs = startNs;
                    outcome.endNs = now();
                    outcome.result = result;
                    outcome.explanation = std::move(explanation);
                    outcome.fix = std::move(fix);
                    report(std::move(outcome));
                }
                if (!result.ok() && !expectedError) {
                    failure = result.error;
                    failedAt = &st;
                    break;
                }
            }
            if (stopped) break;
            if (!failure) {
                done = true;
                break;
            }
            if (connection->transaction().active) {
                connection->execute("ROLLBACK");
            }
            if (block.retry.enabled() && block.retry.retries(*failure) && attempt < block.retry.maxRetries) {
                ++attempt;
                emit(EventKind::TxRetry, connection->id(), attempt, failure->codeName());
                const auto wait = block.retry.backoff.delay(attempt, rng);
                if (wait.yield)
                    std::this_thread::yield();
                else if (wait.sleep.count() > 0)
                    sleepUnlessStopped(std::chrono::duration_cast<std::chrono::microseconds>(wait.sleep));
                continue;
            }
            // Not retryable, or out of retries: this worker is done for good.
            ++workersFailed;
            std::lock_guard lock(reportMutex);
            if (workerErrors.size() < 100)
                workerErrors.push_back(name + " (line " + std::to_string(failedAt->line) +
                                       "): " + failure->describe() +
                                       (block.retry.enabled() && block.retry.retries(*failure)
                                            ? " after " + std::to_string(attempt) + " retries"
                                            : ""));
            return;
        }
        if (!done) break;
        const auto finished = std::chrono::steady_clock::now();
        latencies->record(std::chrono::duration_cast<std::chrono::nanoseconds>(finished - started).count());
        started = finished;
        transactionsDone.store(static_cast<std::uint64_t>(iter) + 1, std::memory_order_relaxed);
    }
    std::lock_guard lock(reportMutex);
    this->latencies.merge(*latencies);
}

void Runner::Impl::runWorkers()
{
    const auto started = std::chrono::steady_clock::now();
    explanations->beginWorkers();
    std::vector<std::thread> threads;
    const auto& blocks = runner.workload_.workers;
    for (std::size_t b = 0; b < blocks.size(); ++b)
        for (int w = 0; w < blocks[b].count; ++w) {
            try {
                threads.emplace_back([this, &blocks, b, w] {
                    lowerThisThreadsPriority(runner.options_.workerNiceness);
                    if (runner.options_.workerIdleScheduling) idleThisThread();
                    runWorker(blocks[b], b, w);
                });
            } catch (const std::system_error& e) {
                // Out of threads (RLIMIT_NPROC, memory for stacks): the workers that did start
                // finish; the rest fail, said once, instead of std::terminate.
                const int notStarted = blocks[b].count - w;
                workersFailed += notStarted;
                std::lock_guard lock(reportMutex);
                workerErrors.push_back(blocks[b].name + " (line " + std::to_string(blocks[b].line) + "): " +
                                       std::to_string(notStarted) + " of " + std::to_string(blocks[b].count) +
                                       " workers could not start a thread: " + e.what() +
                                       " (the limit on threads or processes, `ulimit -u`)");
                break;
            }
        }
    for (auto& t : threads)
        t.join();
    if (stopped) workersStoppedNs = now();
    workersSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    explanations->endWorkers(); // the errors no reader has explained yet
}

void Runner::Impl::finish()
{
    phase = RunPhase::Done;
    stepConnections.clear(); // closing them ends any transaction they left open
    auto& s = runner.summary_;
    // A user's MVCC file holds every commit once the run ends (FinalCheckpoint.h says why).
    if (s.journalMode == JournalMode::Mvcc && s.database == DatabasePlace::File && runner.database_)
        checkpointForPlainReaders(*runner.database_, runner.trace_.get(), s.databasePath);
    s.wallMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    // The log's live counts (CountingRule.h): without a log there are none.
    const MetricsAt m = runner.trace_ ? runner.trace_->totals() : MetricsAt{};
    s.committed = m.commits;
    s.rolledBack = m.rollbacks;
    s.retries = m.retries;
    s.conflicts = m.conflicts;
    s.busy = m.busy;
    s.busySnapshot = m.busySnapshot;
    s.otherErrors = m.otherErrors;
    const double seconds = workersSeconds > 0 ? workersSeconds : s.wallMs / 1000.0;
    s.throughputTps = seconds > 0 ? static_cast<double>(s.committed) / seconds : 0;
    s.latencyP50Ms = latencies.percentileNs(0.50) / 1e6;
    s.latencyP99Ms = latencies.percentileNs(0.99) / 1e6;
    s.expectationsPassed = passed;
    s.expectationsFailed = failed;
    s.failures = failures;
    s.workersFailed = workersFailed;
    s.workerErrors = workerErrors;
    s.statementsFailed = statementsFailed;
    s.statementErrors = statementErrors;
    s.causes = explanations->causes(s.causeConnectionNames);
    // Nothing got through and nothing was expected: the run showed nothing but a locked or
    // read-only database, which is not a pass.
    if (executed > 0 && busyOrReadOnly == executed && runner.workload_.expectationCount() == 0 &&
        statementsFailed == 0) {
        ++s.statementsFailed;
        s.statementErrors.push_back(
            "every one of the " + std::to_string(executed.load()) +
            " statement(s) failed with SQLITE_BUSY or SQLITE_READONLY and the workload "
            "expects no error: the database is locked by another connection or "
            "process, or cannot be written");
    }
    emit(EventKind::RunEnd, 0, 0, {});
    s.events = runner.trace_ ? runner.trace_->appendedCount() : 0;
    s.eventsDropped = runner.trace_ ? runner.trace_->droppedCount() : 0;
}

bool Runner::step()
{
    auto& impl = *impl_;
    if (!impl.opened || impl.phase == RunPhase::Done) return false;
    if (impl.stopped) {
        impl.finish();
        return false;
    }
    if (impl.next.load() >= impl.actions.size()) {
        impl.finishSteps();
        impl.finish();
        return false;
    }
    const Action& action = impl.actions[impl.next++];
    if (action.phase != impl.phase.load()) {
        // Entering steps or check settles what is still blocked from the part before.
        if (action.phase == RunPhase::Workers || action.phase == RunPhase::Check) impl.finishSteps();
        impl.phase = action.phase;
        impl.emit(EventKind::PhaseBegin, 0, static_cast<std::int64_t>(action.phase),
                  runPhaseName(action.phase));
        if (observer_) observer_->phaseStarted(action.phase);
        if (action.phase != RunPhase::Setup) impl.stepConnections.erase("setup");
    }
    if (action.phase == RunPhase::Workers) {
        impl.runWorkers();
    } else {
        impl.runStepStatement(action);
        impl.retryBlocked();
        const std::int64_t delayUs = delayUs_.load();
        if (delayUs > 0) impl.sleepUnlessStopped(std::chrono::microseconds(delayUs));
    }
    return true;
}

const RunSummary& Runner::run()
{
    if (auto error = open()) {
        summary_.workerErrors.push_back(error->describe());
        summary_.workersFailed = 1;
        return summary_;
    }
    while (true) {
        impl_->waitIfPaused();
        if (!step()) break;
    }
    return summary_;
}

} // namespace txs
