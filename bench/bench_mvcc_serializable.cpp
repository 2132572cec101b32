// What serializable isolation (PRAGMA isolation = 'serializable', engine/mvcc/SsiTracker.h)
// costs on the MVCC engine, against snapshot isolation, in one run:
//   (1) the seed workload: WORKERS threads x TRANSACTIONS single-row inserts
//       (BEGIN CONCURRENT; INSERT; COMMIT), engine called directly, the seed's retry loop;
//   (2) a read-heavy workload: the same threads, each transaction reads 4 random accounts by
//       key and, one time in 10, moves 1 from the first to the second; reports throughput and
//       the abort rate (write-write conflicts, and refusals by the serializable check).
// Variants run interleaved over ROUNDS; medians and each round's ratio are reported (the
// machines are shared and noisy). BENCH_ONLY=1 or BENCH_ONLY=2 runs one workload only,
// BENCH_VARIANT=snapshot or serializable one isolation level only (for profiling).
//
// usage: bench_mvcc_serializable [WORKERS [TRANSACTIONS_PER_WORKER [ROUNDS]]]

#include "engine/api/Database.h"
#include "engine/backend/MvccBackend.h"
#include "engine/mvcc/MvccStore.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace txs;

namespace {

struct Config
{
    int workers = 16;
    long transactions = 5000; // per worker
    int rounds = 3;
};

constexpr int kAccounts = 1000;

[[noreturn]] void fail(const std::string& what)
{
    std::fprintf(stderr, "bench_mvcc_serializable: %s\n", what.c_str());
    std::exit(1);
}

struct Outcome
{
    double tps = 0;
    std::uint64_t committed = 0, retries = 0, ssiAborts = 0, validationWouldAbort = 0;
};

// Runs `body(conn, worker, iter, rng)` as one transaction per iteration with the seed's retry loop.
template <class Body> Outcome run(const Config& c, bool serializable, const std::string& schema, Body body)
{
    Error error;
    auto db = Database::open(":memory:", {JournalMode::Mvcc, nullptr}, &error);
    if (!db) fail("cannot open the database: " + error.describe());
    {
        auto setup = db->connect("setup");
        for (const auto& sql : {schema})
            if (auto r = setup->execute(sql); !r) fail(r.error->describe());
    }
    std::atomic<std::uint64_t> committed{0}, retries{0};
    std::vector<std::thread> threads;
    const auto start = std::chrono::steady_clock::now();
    for (int w = 0; w < c.workers; ++w) {
        threads.emplace_back([&, w] {
            auto conn = db->connect("worker-" + std::to_string(w));
            if (serializable) conn->execute("PRAGMA isolation = 'serializable'");
            std::mt19937_64 rng(static_cast<std::uint64_t>(w) * 7919 + 1);
            for (long i = 0; i < c.transactions; ++i) {
                for (;;) {
                    Result r = conn->execute("BEGIN CONCURRENT");
                    if (r) r = body(*conn, w, i, rng);
                    if (r) r = conn->execute("COMMIT");
                    if (r) break;
                    if (conn->transaction().active) conn->execute("ROLLBACK");
                    if (!isRetryable(*r.error)) fail(r.error->describe());
                    retries.fetch_add(1, std::memory_order_relaxed);
                    std::this_thread::yield();
                }
                committed.fetch_add(1, std::memory_order_relaxed);
            }
        });
    }
    for (auto& t : threads)
        t.join();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto stats = mvccStoreOf(*db)->stats();
    return {static_cast<double>(committed.load()) / seconds, committed.load(), retries.load(),
            stats.ssiAborts, stats.ssiValidationWouldAbort};
}

Outcome inserts(const Config& c, bool serializable)
{
    return run(c, serializable, "CREATE TABLE hits (worker INT, iter INT)",
               [](Connection& conn, int w, long i, std::mt19937_64&) {
                   return conn.execute("INSERT INTO hits VALUES (" + std::to_string(w) + ", " +
                                       std::to_string(i) + ")");
               });
}

Outcome readHeavy(const Config& c, bool serializable)
{
    std::string schema =
        "CREATE TABLE acct (id INTEGER PRIMARY KEY, balance INTEGER); INSERT INTO acct VALUES ";
    for (int k = 1; k <= kAccounts; ++k)
        schema += (k > 1 ? ", (" : "(") + std::to_string(k) + ", 100)";
    return run(c, serializable, schema, [](Connection& conn, int, long, std::mt19937_64& rng) {
        int keys[4];
        Result r;
        for (int& k : keys) {
            k = static_cast<int>(rng() % kAccounts) + 1;
            r = conn.execute("SELECT balance FROM acct WHERE id = " + std::to_string(k));
            if (!r) return r;
        }
        if (rng() % 10 == 0 && keys[0] != keys[1]) {
            r = conn.execute("UPDATE acct SET balance = balance - 1 WHERE id = " + std::to_string(keys[0]));
            if (r)
                r = conn.execute("UPDATE acct SET balance = balance + 1 WHERE id = " +
                                 std::to_string(keys[1]));
        }
        return r;
    });
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// Per-round ratios, as "0.91, 0.87, 0.95", and their minimum and median.
std::string ratios(const std::vector<double>& num, const std::vector<double>& den, double& min, double& med)
{
    std::vector<double> r;
    std::string text;
    for (std::size_t i = 0; i < num.size(); ++i) {
        r.push_back(num[i] / den[i]);
        char buf[16];
        std::snprintf(buf, sizeof buf, "%s%.2f", i ? ", " : "", r.back());
        text += buf;
    }
    min = *std::min_element(r.begin(), r.end());
    med = median(r);
    return text;
}

} // namespace

int main(int argc, char** argv)
{
    Config c;
    if (argc > 1) c.workers = std::atoi(argv[1]);
    if (argc > 2) c.transactions = std::atol(argv[2]);
    if (argc > 3) c.rounds = std::atoi(argv[3]);
    if (c.workers < 1 || c.transactions < 1 || c.rounds < 1)
        fail("usage: bench_mvcc_serializable [WORKERS [TRANSACTIONS_PER_WORKER [ROUNDS]]]");
    // BENCH_ONLY=1 or 2 runs one of the two workloads; BENCH_VARIANT=snapshot or serializable
    // one of the two isolation levels (for a profiler; the ratios are then meaningless).
    const char* only = std::getenv("BENCH_ONLY");
    const char* variant = std::getenv("BENCH_VARIANT");
    const bool runInserts = !only || std::string(only) == "1", runReads = !only || std::string(only) == "2";
    std::printf("%d workers x %ld transactions, MVCC in memory, %d rounds, %u hardware threads\n", c.workers,
                c.transactions, c.rounds, std::thread::hardware_concurrency());
    std::vector<double> si, ssi, readSi, readSsi;
    Outcome lastSi, lastSsi;
    for (int round = 0; round < c.rounds; ++round) {
        // Each round runs the variants in the order A B B A (A = snapshot on even rounds, serializable
        // on odd ones) and combines each variant's two runs: a drift in the machine's load during
        // the round then favours neither.
        const bool ssiFirst = round % 2 == 1;
        auto abba = [&](auto workload, Outcome& snapshot, Outcome& serializable) {
            Outcome runs[2][2]; // [serializable?][which of its two runs]
            int count[2] = {0, 0};
            for (bool runSsi : {ssiFirst, !ssiFirst, !ssiFirst, ssiFirst})
                if (!variant || (std::string(variant) == "serializable") == runSsi)
                    runs[runSsi][count[runSsi]++] = workload(c, runSsi);
            // The same number of transactions each run: the combined rate is the harmonic mean.
            auto combined = [](const Outcome(&two)[2]) {
                Outcome o = two[1];
                o.tps = 2 / (1 / two[0].tps + 1 / two[1].tps);
                o.committed += two[0].committed;
                o.retries += two[0].retries;
                o.ssiAborts += two[0].ssiAborts;
                o.validationWouldAbort += two[0].validationWouldAbort;
                return o;
            };
            snapshot = combined(runs[0]);
            serializable = combined(runs[1]);
        };
        if (runInserts) {
            Outcome a, b;
            abba(inserts, a, b);
            si.push_back(a.tps);
            ssi.push_back(b.tps);
            std::printf("  round %d: inserts snapshot %.0f, serializable %.0f tx/s (%.2f)\n", round + 1,
                        a.tps, b.tps, b.tps / a.tps);
        }
        if (runReads) {
            abba(readHeavy, lastSi, lastSsi);
            readSi.push_back(lastSi.tps);
            readSsi.push_back(lastSsi.tps);
            std::printf("  round %d: read-heavy snapshot %.0f, serializable %.0f tx/s (%.2f)\n", round + 1,
                        readSi.back(), readSsi.back(), readSsi.back() / readSi.back());
        }
        std::fflush(stdout);
    }
    double min = 0, med = 0;
    if (runInserts) {
        const std::string each = ratios(ssi, si, min, med);
        std::printf(
            "(1) inserts: snapshot %.0f tx/s, serializable %.0f tx/s (medians); serializable/snapshot "
            "per round %s: min %.2f, median %.2f\n",
            median(si), median(ssi), each.c_str(), min, med);
    }
    if (!runReads) return 0;
    const std::string each = ratios(readSsi, readSi, min, med);
    std::printf("(2) read-heavy: snapshot %.0f tx/s, serializable %.0f tx/s (medians); ratio per round %s: "
                "min %.2f, median %.2f\n",
                median(readSi), median(readSsi), each.c_str(), min, med);
    // The abort rates are of the last round's two runs of each variant.
    auto rate = [](std::uint64_t n, std::uint64_t of) {
        return of ? 100.0 * static_cast<double>(n) / of : 0.0;
    };
    std::printf("    last round, snapshot: %llu committed, %llu retries (%.2f %% of commits)\n",
                static_cast<unsigned long long>(lastSi.committed),
                static_cast<unsigned long long>(lastSi.retries), rate(lastSi.retries, lastSi.committed));
    std::printf(
        "    last round, serializable: %llu committed, %llu retries (%.2f %%), of which %llu refused by "
        "the serializable check (%.2f %%); read validation would have refused %llu commits (%.2f %%)\n",
        static_cast<unsigned long long>(lastSsi.committed), static_cast<unsigned long long>(lastSsi.retries),
        rate(lastSsi.retries, lastSsi.committed), static_cast<unsigned long long>(lastSsi.ssiAborts),
        rate(lastSsi.ssiAborts, lastSsi.committed),
        static_cast<unsigned long long>(lastSsi.validationWouldAbort),
        rate(lastSsi.validationWouldAbort, lastSsi.committed));
    return 0;
}
