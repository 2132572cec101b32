#include "engine/workload/Runner.h"

#include "engine/explain/Explainer.h"
#include "engine/sql/SqlScanner.h"
#include "engine/trace/TraceLog.h"
#include "engine/workload/Substitution.h"

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <map>
#include <thread>
#include <unistd.h>

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

// SQLite's default busy-handler schedule (ms), used as the virtual clock of blocked steps.
std::int64_t busyDelayMs(int attempt)
{
    static constexpr int delays[] = {1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100};
    constexpr int n = sizeof delays / sizeof delays[0];
    return delays[std::min(attempt, n - 1)];
}

std::string statementText(const Statement& s)
{
    if (!s.isSleep()) return s.sql;
    return "sleep " + std::to_string(s.sleep.count() / 1000) + "ms";
}

double percentile(std::vector<double>& sorted, double p)
{
    if (sorted.empty()) return 0;
    const auto index = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[std::min(index, sorted.size() - 1)];
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
// in virtual time.
struct StepConnection
{
    std::unique_ptr<Connection> connection;
    bool handlerCalled = false;
    struct Pending
    {
        const Statement* statement;
        RunPhase phase;
        int attempts = 0;
        std::int64_t waitedMs = 0;
        std::int64_t startNs = 0;
    };
    std::deque<Pending> queue; // front is blocked; the rest wait behind it
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

    std::atomic<RunPhase> phase{RunPhase::NotStarted};
    std::atomic<std::uint64_t> committed{0}, rolledBack{0}, retries{0};
    std::atomic<std::uint64_t> conflicts{0}, busy{0}, busySnapshot{0}, other{0};
    std::atomic<std::uint64_t> workerTxDone{0};
    std::uint64_t workerTxTotal = 0;
    std::atomic<int> passed{0}, failed{0}, workersFailed{0};
    std::mutex reportMutex; // guards the vectors below
    std::vector<ExpectationFailure> failures;
    std::vector<std::string> workerErrors;
    std::vector<double> latenciesMs;

    void waitIfPaused()
    {
        std::unique_lock lock(pauseMutex);
        pauseChanged.wait(lock, [&] { return !paused.load() || stopped.load(); });
    }

    // A sleep (backoff, `sleep` statement, slow motion) that stop() cuts short, so Stop acts at
    // once even when workers back off for long.
    void sleepUnlessStopped(std::chrono::microseconds duration)
    {
        std::unique_lock lock(pauseMutex);
        pauseChanged.wait_for(lock, duration, [&] { return stopped.load(); });
    }

    std::int64_t now() const
    {
        if (runner.trace_) return runner.trace_->now();
        return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start)
            .count();
    }
    void emit(EventKind kind, std::uint32_t connection, std::int64_t a, std::string text);
    void account(const std::string& sql, const Result& r, bool inTransactionAfter);
    void report(StatementOutcome outcome, std::uint32_t connection, const BlockedWait* blocked = nullptr);
    Connection& stepConnection(const std::string& name);
    void configure(Connection& connection);
    void runStepStatement(const Action& action);
    bool retryBlocked(bool advanceClock);
    void explainBlocked(const Error& busy, std::uint32_t connection, const BlockedWait& wait);
    void finishSteps();
    void runWorkers();
    void runWorker(const WorkersBlock& block, std::size_t blockIndex, int worker);
    void finish();
};

Runner::Runner(Workload workload, RunOptions options)
    : impl_(std::make_unique<Impl>(*this)), workload_(std::move(workload)), options_(std::move(options))
{
    trace_ = options_.trace;
    if (!trace_ && options_.tracing) trace_ = std::make_shared<TraceLog>();
    summary_.file = workload_.fileName;
    summary_.journalMode = options_.journalMode.value_or(workload_.journalMode);
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
    for (const auto& block : workload_.workers)
        impl_->workerTxTotal +=
            static_cast<std::uint64_t>(block.count) * static_cast<std::uint64_t>(block.repeat);
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
    if (path.empty()) {
        if (summary_.journalMode == JournalMode::Mvcc) {
            path = ":memory:";
        } else {
            auto pattern = (std::filesystem::temp_directory_path() / "txscope-XXXXXX").string();
            if (!mkdtemp(pattern.data()))
                return Error::fromSqlite(rc::CantOpen, "cannot create a temporary folder for the database");
            impl_->tempDir = pattern;
            path = pattern + "/txscope.db";
        }
    }
    Error error;
    database_ = Database::open(path, {summary_.journalMode, trace_}, &error);
    if (!database_) return error;
    impl_->opened = true;
    impl_->start = std::chrono::steady_clock::now();
    if (!explainer_) {
        auto explainer = std::make_shared<Explainer>(summary_.journalMode, trace_);
        explainer_ = [explainer](const Error& error, std::uint32_t connection, const BlockedWait* blocked) {
            return explainer->explain(error, connection, blocked);
        };
    }
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
    impl_->stopped = true;
    resume();
}

RunProgress Runner::progress() const
{
    RunProgress p;
    p.phase = impl_->phase.load();
    p.stepsTotal = impl_->actions.size();
    const std::size_t next = impl_->next.load();
    p.stepsDone = std::min(next, impl_->actions.size());
    p.workerTransactionsDone = impl_->workerTxDone.load();
    p.workerTransactionsTotal = impl_->workerTxTotal;
    p.committed = impl_->committed.load();
    p.retries = impl_->retries.load();
    p.errors =
        impl_->conflicts.load() + impl_->busy.load() + impl_->busySnapshot.load() + impl_->other.load();
    if (next < impl_->actions.size() && impl_->actions[next].statement)
        p.nextLine = impl_->actions[next].statement->line;
    return p;
}

void Runner::Impl::emit(EventKind kind, std::uint32_t connection, std::int64_t a, std::string text)
{
    if (!runner.trace_) return;
    Event e;
    e.kind = kind;
    e.connection = connection;
    e.a = a;
    e.text = std::move(text);
    runner.trace_->append(std::move(e));
}

// Counts a statement's effect the way an application sees it.
void Runner::Impl::account(const std::string& sql, const Result& r, bool inTransactionAfter)
{
    if (!r.ok()) {
        switch (r.error->kind) {
        case ErrorKind::Conflict:
            ++conflicts;
            break;
        case ErrorKind::Busy:
            ++busy;
            break;
        case ErrorKind::BusySnapshot:
            ++busySnapshot;
            break;
        default:
            ++other;
            break;
        }
        return;
    }
    const auto c = sql::classify(sql);
    if (c.kind == sql::StatementKind::Commit)
        ++committed;
    else if (c.kind == sql::StatementKind::Rollback)
        ++rolledBack;
    else if (c.kind == sql::StatementKind::Other && !inTransactionAfter && r.changes > 0)
        ++committed;
}

// A blocked statement's SQLITE_BUSY is in the trace like any other, and the user wants to know
// why it waits as much as why a statement failed: it gets its explanation too.
void Runner::Impl::explainBlocked(const Error& busy, std::uint32_t connection, const BlockedWait& wait)
{
    if (!runner.explainer_) return;
    const std::string explanation = runner.explainer_(busy, connection, &wait);
    if (!explanation.empty()) emit(EventKind::Explanation, connection, 0, explanation);
}

// Checks the expectation, explains an error, and hands the outcome to the observer.
void Runner::Impl::report(StatementOutcome outcome, std::uint32_t connection, const BlockedWait* blocked)
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
    }
    if (!outcome.result.ok() && runner.explainer_) {
        outcome.explanation = runner.explainer_(*outcome.result.error, connection, blocked);
        if (!outcome.explanation.empty()) emit(EventKind::Explanation, connection, 0, outcome.explanation);
    }
    if (runner.observer_) runner.observer_->statementFinished(outcome);
}

void Runner::Impl::configure(Connection& connection)
{
    const auto& w = runner.workload_;
    if (w.busyTimeout) connection.setBusyTimeout(static_cast<int>(w.busyTimeout->count()));
    if (w.synchronous)
        connection.execute(std::string("PRAGMA synchronous = ") + synchronousName(*w.synchronous));
}

Connection& Runner::Impl::stepConnection(const std::string& name)
{
    auto& slot = stepConnections[name];
    if (!slot.connection) {
        slot.connection = runner.database_->connect(name);
        configure(*slot.connection);
        slot.connection->setBusyHandler([&slot](int) {
            slot.handlerCalled = true;
            return false;
        });
    }
    return *slot.connection;
}

// A step: runs now unless its connection is blocked, in which case it queues behind the
// blocked statement. A statement SQLite wanted to wait on (it called the busy handler) with
// a busy timeout becomes blocked; one SQLite refused outright fails at once.
void Runner::Impl::runStepStatement(const Action& action)
{
    Connection& connection = stepConnection(action.connection);
    StepConnection& sc = stepConnections[action.connection];
    const Statement& st = *action.statement;
    if (!sc.queue.empty()) {
        sc.queue.push_back({&st, action.phase, 0, 0, now()});
        return;
    }
    StatementOutcome outcome;
    outcome.phase = action.phase;
    outcome.line = st.line;
    outcome.connection = action.connection;
    outcome.sql = statementText(st);
    outcome.expect = st.expect;
    outcome.startNs = now();
    if (st.isSleep()) {
        std::this_thread::sleep_for(st.sleep);
    } else {
        sc.handlerCalled = false;
        outcome.result = connection.execute(st.sql);
        const bool wantedToWait = !outcome.result.ok() && sc.handlerCalled &&
                                  (outcome.result.error->kind == ErrorKind::Busy) &&
                                  runner.workload_.busyTimeout && runner.workload_.busyTimeout->count() > 0;
        if (wantedToWait) {
            explainBlocked(*outcome.result.error, connection.id(),
                           {1, 0, runner.workload_.busyTimeout->count(), true});
            sc.queue.push_back({&st, action.phase, 1, busyDelayMs(0), outcome.startNs});
            blockedOrder.push_back(action.connection);
            emit(EventKind::Note, connection.id(), st.line, "blocked: " + st.sql);
            if (runner.observer_)
                runner.observer_->statementBlocked({st.line, action.connection, st.sql, 1, busyDelayMs(0)});
            return;
        }
        account(st.sql, outcome.result, connection.transaction().active);
    }
    outcome.endNs = now();
    report(std::move(outcome), connection.id());
}

// Tries each blocked statement again, oldest block first. `advanceClock`: the try costs the
// next busy-handler sleep of virtual time, and a statement past its busy_timeout fails with
// SQLITE_BUSY as SQLite's would. Returns whether any statement got through.
bool Runner::Impl::retryBlocked(bool advanceClock)
{
    bool progress = false;
    const auto order = blockedOrder;
    for (const auto& name : order) {
        StepConnection& sc = stepConnections[name];
        if (sc.queue.empty()) continue;
        auto& pending = sc.queue.front();
        const Statement& st = *pending.statement;
        const std::int64_t timeout = runner.workload_.busyTimeout ? runner.workload_.busyTimeout->count() : 0;
        sc.handlerCalled = false;
        Result result = sc.connection->execute(st.sql);
        ++pending.attempts;
        const bool stillBlocked = !result.ok() && sc.handlerCalled && result.error->kind == ErrorKind::Busy;
        if (stillBlocked) {
            if (advanceClock) pending.waitedMs += busyDelayMs(pending.attempts - 1);
            if (pending.waitedMs < timeout) {
                explainBlocked(*result.error, sc.connection->id(),
                               {pending.attempts, pending.waitedMs, timeout, true});
                if (runner.observer_)
                    runner.observer_->statementBlocked(
                        {st.line, name, st.sql, pending.attempts, pending.waitedMs});
                continue;
            }
        }
        // Done: through, failed for another reason, or out of (virtual) time.
        account(st.sql, result, sc.connection->transaction().active);
        StatementOutcome outcome;
        outcome.phase = pending.phase;
        outcome.line = st.line;
        outcome.connection = name;
        outcome.sql = st.sql;
        outcome.result = std::move(result);
        outcome.blocked = true;
        outcome.expect = st.expect;
        outcome.startNs = pending.startNs;
        outcome.endNs = now();
        const BlockedWait timedOut{pending.attempts, pending.waitedMs, timeout, false};
        sc.queue.pop_front();
        blockedOrder.erase(std::find(blockedOrder.begin(), blockedOrder.end(), name));
        report(std::move(outcome), sc.connection->id(), stillBlocked ? &timedOut : nullptr);
        progress = true;
        // The statements that waited behind it run now, in order, until one blocks again.
        while (!sc.queue.empty() &&
               std::find(blockedOrder.begin(), blockedOrder.end(), name) == blockedOrder.end()) {
            auto queued = sc.queue.front();
            sc.queue.pop_front();
            runStepStatement({queued.phase, name, queued.statement});
        }
    }
    return progress;
}

// After the last step, blocked statements keep being retried in virtual time until each
// gets through or times out. When nothing moves any more, nothing else can release a lock,
// so they all time out.
void Runner::Impl::finishSteps()
{
    while (!blockedOrder.empty() && !stopped) {
        if (retryBlocked(true)) continue;
        bool anyLeft = false;
        for (const auto& name : blockedOrder) {
            auto& sc = stepConnections[name];
            if (!sc.queue.empty() &&
                sc.queue.front().waitedMs <
                    (runner.workload_.busyTimeout ? runner.workload_.busyTimeout->count() : 0))
                anyLeft = true;
        }
        if (!anyLeft) {
            for (const auto& name : blockedOrder)
                stepConnections[name].queue.front().waitedMs = INT64_MAX / 2;
            retryBlocked(false);
        }
    }
}

void Runner::Impl::runWorker(const WorkersBlock& block, std::size_t blockIndex, int worker)
{
    const std::string name = block.name + "-" + std::to_string(worker);
    auto connection = runner.database_->connect(name);
    configure(*connection);
    const std::uint64_t seed = runner.options_.seed.value_or(runner.workload_.seed.value_or(1));
    auto rng = backoffRandom(seed, blockIndex, worker);
    std::vector<double> latencies;
    latencies.reserve(static_cast<std::size_t>(std::min<std::int64_t>(block.repeat, 1 << 20)));
    const std::int64_t delayUs = runner.delayUs_.load();

    for (std::int64_t iter = 0; iter < block.repeat && !stopped; ++iter) {
        const auto started = std::chrono::steady_clock::now();
        bool done = false;
        for (int attempt = 0; !done && !stopped;) {
            std::optional<Error> failure;
            const Statement* failedAt = nullptr;
            for (const auto& st : block.body) {
                if (paused) waitIfPaused();
                if (stopped) break;
                if (delayUs > 0) sleepUnlessStopped(std::chrono::microseconds(delayUs));
                if (st.isSleep()) {
                    sleepUnlessStopped(st.sleep);
                    continue;
                }
                const std::string sql = substituteVariables(st.sql, worker, iter);
                const std::int64_t startNs = st.expect ? now() : 0;
                Result result = connection->execute(sql);
                account(sql, result, connection->transaction().active);
                const bool expectedError = st.expect && st.expect->kind == Expectation::Kind::Error;
                if (st.expect || (!result.ok() && !expectedError && !block.retry.enabled())) {
                    StatementOutcome outcome;
                    outcome.phase = RunPhase::Workers;
                    outcome.line = st.line;
                    outcome.connection = name;
                    outcome.sql = sql;
                    outcome.expect = st.expect;
                    outcome.startNs = startNs;
                    outcome.endNs = now();
                    outcome.result = result;
                    report(std::move(outcome), connection->id());
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
                if (connection->execute("ROLLBACK").ok()) ++rolledBack;
            }
            if (block.retry.enabled() && block.retry.retries(*failure) && attempt < block.retry.maxRetries) {
                ++attempt;
                ++retries;
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
        latencies.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count());
        ++workerTxDone;
    }
    std::lock_guard lock(reportMutex);
    latenciesMs.insert(latenciesMs.end(), latencies.begin(), latencies.end());
}

void Runner::Impl::runWorkers()
{
    const auto started = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    const auto& blocks = runner.workload_.workers;
    for (std::size_t b = 0; b < blocks.size(); ++b)
        for (int w = 0; w < blocks[b].count; ++w)
            threads.emplace_back([this, &blocks, b, w] { runWorker(blocks[b], b, w); });
    for (auto& t : threads)
        t.join();
    workersSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

void Runner::Impl::finish()
{
    phase = RunPhase::Done;
    stepConnections.clear(); // closing them ends any transaction they left open
    auto& s = runner.summary_;
    s.wallMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    s.committed = committed;
    s.rolledBack = rolledBack;
    s.retries = retries;
    s.conflicts = conflicts;
    s.busy = busy;
    s.busySnapshot = busySnapshot;
    s.otherErrors = other;
    const double seconds = workersSeconds > 0 ? workersSeconds : s.wallMs / 1000.0;
    s.throughputTps = seconds > 0 ? static_cast<double>(s.committed) / seconds : 0;
    std::sort(latenciesMs.begin(), latenciesMs.end());
    s.latencyP50Ms = percentile(latenciesMs, 0.50);
    s.latencyP99Ms = percentile(latenciesMs, 0.99);
    s.expectationsPassed = passed;
    s.expectationsFailed = failed;
    s.failures = failures;
    s.workersFailed = workersFailed;
    s.workerErrors = workerErrors;
    emit(EventKind::RunEnd, 0, 0, {});
    s.events = runner.trace_ ? runner.trace_->appendedCount() : 0;
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
        impl.emit(EventKind::Note, 0, 0, std::string("phase: ") + runPhaseName(action.phase));
        if (observer_) observer_->phaseStarted(action.phase);
        if (action.phase != RunPhase::Setup) impl.stepConnections.erase("setup");
    }
    if (action.phase == RunPhase::Workers) {
        impl.runWorkers();
    } else {
        impl.runStepStatement(action);
        impl.retryBlocked(true);
        const std::int64_t delayUs = delayUs_.load();
        if (delayUs > 0) std::this_thread::sleep_for(std::chrono::microseconds(delayUs));
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
