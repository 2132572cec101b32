// What the workload runner costs: 16 workers x 10,000 single-row insert transactions
// (BEGIN CONCURRENT; INSERT; COMMIT) on the MVCC engine, three ways in one run:
//   (a) the engine called directly from 16 threads,
//   (b) the same workload as a .txs workers block through the Runner, tracing off,
//   (c) the same through the Runner, tracing on.
// Prints each throughput and the ratios b/a (the runner's own cost) and c/b (the trace log's).
// The machines are shared and noisy, so each variant runs several rounds, interleaved, and the
// median is reported. c/b is also given as the median of each round's own c/b (a round's (b) and
// (c) run back to back, so a burst of load from elsewhere that lasts a round moves both: the
// steadier figure), and in CPU time (transactions per CPU-second of the process: what the
// tracing costs the machine, whatever else runs on it).
//
// All three run on the same kind of database: in memory by default, which leaves the engine's
// CPU work alone beside the tracing (the harder test of the trace log's cost); BENCH_DB=file
// puts each run on a fresh file in a temporary folder, as the runner does without --db.
//
// usage: bench_runner_overhead [WORKERS [TRANSACTIONS_PER_WORKER [ROUNDS]]]

#include "engine/api/Database.h"
#include "engine/trace/TraceLog.h"
#include "engine/workload/Runner.h"
#include "engine/workload/WorkloadParser.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace txs;

namespace {

struct Config
{
    int workers = 16;
    long transactions = 10000; // per worker
    int rounds = 3;
    bool onFile = false; // BENCH_DB=file
};

[[noreturn]] void fail(const std::string& what)
{
    std::fprintf(stderr, "bench_runner_overhead: %s\n", what.c_str());
    std::exit(1);
}

// The runner binds $worker and $iter as parameters of a statement its connection prepared once
// (engine/workload/BoundVariables.h), so the direct variant runs the same text with the same
// values bound: both pay the same SQLite work, and the ratio isolates the runner.
const char* const kInsert = "INSERT INTO hits VALUES ($worker, $iter)";

// A fresh folder for one run's database file, removed with it.
struct TemporaryFolder
{
    std::filesystem::path path;
    TemporaryFolder()
    {
        std::string pattern = (std::filesystem::temp_directory_path() / "bench-runner-XXXXXX").string();
        if (!mkdtemp(pattern.data())) fail("cannot create a temporary folder");
        path = pattern;
    }
    ~TemporaryFolder()
    {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
};

// One variant's throughput in one round: committed transactions per second of wall time and
// per second of the process's CPU time (every thread's).
struct Rate
{
    double wall = 0;
    double cpu = 0;
};

double processCpuSeconds()
{
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// Times `run`, which commits `transactions`.
template <typename Run> Rate timed(double transactions, Run run)
{
    const double cpuStart = processCpuSeconds();
    const auto start = std::chrono::steady_clock::now();
    run();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return {transactions / seconds, transactions / (processCpuSeconds() - cpuStart)};
}

// (a) Returns committed transactions per second.
Rate runDirect(const Config& c, long& retries)
{
    Error error;
    std::optional<TemporaryFolder> folder;
    if (c.onFile) folder.emplace();
    const std::string path = c.onFile ? (folder->path / "bench.db").string() : ":memory:";
    auto db = Database::open(path, {JournalMode::Mvcc, nullptr}, &error);
    if (!db) fail("cannot open the database: " + error.describe());
    if (auto r = db->connect("setup")->execute("CREATE TABLE hits (worker INT, iter INT)"); !r)
        fail(r.error->describe());

    std::atomic<long> committed{0};
    std::atomic<long> retried{0};
    std::vector<std::thread> threads;
    const Rate rate = timed(static_cast<double>(c.workers) * static_cast<double>(c.transactions), [&] {
        for (int w = 0; w < c.workers; ++w) {
            threads.emplace_back([&, w] {
                auto conn = db->connect("writer-" + std::to_string(w));
                for (long i = 0; i < c.transactions; ++i) {
                    // The seed's loop: retry the whole transaction on a retryable error.
                    for (;;) {
                        Result r = conn->execute("BEGIN CONCURRENT");
                        if (r) r = conn->execute(kInsert, {Value(std::int64_t{w}), Value(std::int64_t{i})});
                        if (r) r = conn->execute("COMMIT");
                        if (r) break;
                        if (conn->transaction().active) conn->execute("ROLLBACK");
                        if (!isRetryable(*r.error)) fail(r.error->describe());
                        retried.fetch_add(1, std::memory_order_relaxed);
                        std::this_thread::yield();
                    }
                    committed.fetch_add(1, std::memory_order_relaxed);
                }
            });
        }
        for (auto& t : threads)
            t.join();
    });
    if (committed.load() != static_cast<long>(c.workers) * c.transactions)
        fail("the direct run lost commits");
    retries = retried.load();
    return rate;
}

// (b), (c) Returns committed transactions per second of the run.
Rate runRunner(const Config& c, bool tracing, std::uint64_t& events, std::uint64_t& retries)
{
    const std::string text = "journal_mode: mvcc\n"
                             "setup:\n"
                             "  CREATE TABLE hits (worker INT, iter INT);\n"
                             "workers writer x" +
                             std::to_string(c.workers) + " repeat " + std::to_string(c.transactions) +
                             " retry(conflict, busy; max 1000):\n"
                             "  BEGIN CONCURRENT;\n"
                             "  INSERT INTO hits VALUES ($worker, $iter);\n"
                             "  COMMIT;\n";
    auto parsed = parseWorkload(text, "bench.txs");
    if (!parsed) fail(parsed.error().text());
    RunOptions options;
    options.tracing = tracing;
    // Like (a): without a path the runner puts the database on a fresh file in a temporary
    // folder (its default), so memory must be asked for.
    if (!c.onFile) options.databasePath = ":memory:";
    Runner runner(std::move(parsed.workload()), options);
    // Timed here, the same way for both: a run's counts come from its trace log (CountingRule.h),
    // so with tracing off the summary counts no commits and has no throughput of its own.
    const RunSummary* summary = nullptr;
    const auto expected = static_cast<std::uint64_t>(c.workers) * static_cast<std::uint64_t>(c.transactions);
    const Rate rate = timed(static_cast<double>(expected), [&] { summary = &runner.run(); });
    const RunSummary& s = *summary;
    if (!s.ok() || s.workersFailed != 0 || (tracing && s.committed != expected))
        fail("the runner committed " + std::to_string(s.committed) + " of " + std::to_string(expected) +
             (s.workerErrors.empty() ? "" : ": " + s.workerErrors.front()));
    events = s.events;
    retries = s.retries;
    return rate;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const std::size_t half = v.size() / 2;
    return v.size() % 2 ? v[half] : (v[half - 1] + v[half]) / 2;
}

} // namespace

int main(int argc, char** argv)
{
    Config c;
    if (argc > 1) c.workers = std::atoi(argv[1]);
    if (argc > 2) c.transactions = std::atol(argv[2]);
    if (argc > 3) c.rounds = std::atoi(argv[3]);
    if (c.workers < 1 || c.transactions < 1 || c.rounds < 1)
        fail("usage: bench_runner_overhead [WORKERS [TRANSACTIONS_PER_WORKER [ROUNDS]]]");

    const char* db = std::getenv("BENCH_DB");
    c.onFile = db && std::string(db) == "file";
    std::printf("%d workers x %ld transactions (BEGIN CONCURRENT; INSERT; COMMIT), MVCC %s, %d rounds, "
                "%u hardware threads\n",
                c.workers, c.transactions, c.onFile ? "on a fresh file" : "in memory", c.rounds,
                std::thread::hardware_concurrency());
    std::vector<Rate> direct, untraced, traced;
    std::uint64_t events = 0, ignored = 0;
    // Retries of (a) and (c) (a run without tracing counts none): the same work only if both are
    // near zero or near each other.
    long directRetries = 0;
    std::uint64_t tracedRetries = 0;
    // BENCH_ONLY=a|b|c runs one variant (for a profiler); the others report 0.
    const char* only = std::getenv("BENCH_ONLY");
    auto wanted = [only](char v) { return !only || *only == v; };
    for (int round = 0; round < c.rounds; ++round) {
        // Interleaved, so a burst of load from elsewhere hits all three alike.
        direct.push_back(wanted('a') ? runDirect(c, directRetries) : Rate{});
        untraced.push_back(wanted('b') ? runRunner(c, false, ignored, ignored) : Rate{});
        traced.push_back(wanted('c') ? runRunner(c, true, events, tracedRetries) : Rate{});
        std::printf("  round %d: direct %.0f tx/s, runner %.0f tx/s, runner+trace %.0f tx/s "
                    "(retries: direct %ld, runner+trace %llu)\n",
                    round + 1, direct.back().wall, untraced.back().wall, traced.back().wall, directRetries,
                    static_cast<unsigned long long>(tracedRetries));
    }
    auto medianOf = [](const std::vector<Rate>& rates, double Rate::*field) {
        std::vector<double> v;
        for (const Rate& r : rates)
            v.push_back(r.*field);
        return median(v);
    };
    // Each round's c/b, its (b) and (c) run back to back.
    auto pairedRatio = [&](double Rate::*field) {
        std::vector<double> v;
        for (std::size_t i = 0; i < traced.size(); ++i)
            v.push_back(traced[i].*field / untraced[i].*field);
        return median(v);
    };
    const double a = medianOf(direct, &Rate::wall), b = medianOf(untraced, &Rate::wall),
                 t = medianOf(traced, &Rate::wall);
    std::printf("(a) engine directly          %10.0f tx/s  %10.0f tx/CPU-s\n", a,
                medianOf(direct, &Rate::cpu));
    std::printf("(b) Runner, tracing off      %10.0f tx/s  %10.0f tx/CPU-s\n", b,
                medianOf(untraced, &Rate::cpu));
    std::printf("(c) Runner, tracing on       %10.0f tx/s  %10.0f tx/CPU-s  (%llu events)\n", t,
                medianOf(traced, &Rate::cpu), static_cast<unsigned long long>(events));
    if (!only) { // a ratio needs both of its variants run
        std::printf("b/a = %.3f   c/b = %.3f\n", b / a, t / b);
        std::printf("c/b of each round, median: wall %.3f, CPU time %.3f\n", pairedRatio(&Rate::wall),
                    pairedRatio(&Rate::cpu));
    }
    return 0;
}
