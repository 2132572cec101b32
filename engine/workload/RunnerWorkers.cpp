// The workers phase: one thread a worker, each looping over its block's transaction with the
// block's retry policy. A worker's statements and transactions share no counter with the other
// workers (its tally merges when it ends), and its successful statement ends ride on the next
// begin (StatementFold.h).
#include "engine/trace/StatementFold.h"
#include "engine/workload/BoundVariables.h"
#include "engine/workload/RunnerImpl.h"
#include "engine/workload/Substitution.h"
#include "engine/workload/ThreadPriority.h"

#include <system_error>

namespace txs {

Runner::Impl::Explained Runner::Impl::accountWorker(const Result& r, std::uint32_t connection, bool needWhy,
                                                    Tally& tally)
{
    tally.count(r);
    if (r.ok()) return {};
    if (explanations->defers(*r.error)) return explanations->deferWorker(*r.error, connection, needWhy);
    return explanations->explain(*r.error, connection, nullptr, false, now());
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
        ~MergeTally() { run.addTally(tally); }
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

} // namespace txs
