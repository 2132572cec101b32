#include "engine/workload/Runner.h"

#include "engine/trace/StatementFold.h"
#include "engine/trace/TraceLog.h"
#include "engine/workload/FinalCheckpoint.h"
#include "engine/workload/RunnerImpl.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <system_error>

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

void Runner::Impl::Tally::count(const Result& r)
{
    ++executed;
    if (busyOrReadOnlyError(r)) ++busyOrReadOnly;
}

void Runner::Impl::addTally(const Tally& tally)
{
    executed += tally.executed;
    if (tally.busyOrReadOnly) busyOrReadOnly += tally.busyOrReadOnly;
}

void Runner::Impl::countExecuted(const Result& r)
{
    Tally one;
    one.count(r);
    addTally(one);
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
