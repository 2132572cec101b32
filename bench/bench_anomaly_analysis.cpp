// What the anomaly checker costs: a real MVCC run of read-write transactions (each reads one
// account and moves money to another, with retries) traced until the log holds at least EVENTS
// events, then the whole analysis (dependency graph, Tarjan, shortest cycles, stories) of that
// log, timed. The budget: a 1M-event run analysed in under 2 s.
//
// usage: bench_anomaly_analysis [EVENTS [ROUNDS]]

#include "engine/analysis/Anomaly.h"
#include "engine/trace/TraceLog.h"
#include "engine/workload/Runner.h"
#include "engine/workload/WorkloadParser.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <time.h>

using namespace txs;

int main(int argc, char** argv)
{
    const long wanted = argc > 1 ? std::atol(argv[1]) : 1000000;
    const int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
    // About 20 events a transaction; 8 workers.
    const long perWorker = wanted / 20 / 8 + 1;
    const std::string text =
        "journal_mode: mvcc\nseed: 7\n\nsetup:\n"
        "  CREATE TABLE acc (id INTEGER PRIMARY KEY, balance INT);\n"
        "  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)\n"
        "    INSERT INTO acc SELECT i, 100 FROM n;\n\n"
        "workers bank x8 repeat " +
        std::to_string(perWorker) +
        " retry(conflict, busy; max 1000):\n"
        "  BEGIN CONCURRENT;\n"
        "  SELECT balance FROM acc WHERE id = ($worker * 7919 + $iter * 104729) % 1000 + 1;\n"
        "  UPDATE acc SET balance = balance + 1 WHERE id = ($worker * 6007 + $iter * 7727) % 1000 + 1;\n"
        "  COMMIT;\n";
    auto parsed = parseWorkload(text, "bench");
    if (!parsed) {
        std::fprintf(stderr, "%s\n", parsed.error().text().c_str());
        return 1;
    }
    RunOptions options;
    options.traceLimits.maxEvents = static_cast<std::size_t>(wanted) * 2;
    Runner runner(parsed.workload(), options);
    if (runner.open()) return 1;
    const auto& summary = runner.run();
    const auto events = runner.trace()->snapshot();
    std::printf("run: %zu events, %llu committed, %llu retries, %.0f ms\n", events.size(),
                static_cast<unsigned long long>(summary.committed),
                static_cast<unsigned long long>(summary.retries), summary.wallMs);

    // Wall time and this thread's CPU time: on a shared machine the wall clock also counts the
    // time other processes had the core.
    auto cpuMs = [] {
        timespec t{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
        return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
    };
    std::vector<double> ms, cpu;
    analysis::AnomalyReport report;
    for (int r = 0; r < rounds; ++r) {
        const auto start = std::chrono::steady_clock::now();
        const double cpuStart = cpuMs();
        report = analysis::analyzeEvents(events, true);
        cpu.push_back(cpuMs() - cpuStart);
        ms.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(ms.begin(), ms.end());
    std::sort(cpu.begin(), cpu.end());
    std::map<std::string, int> kinds;
    for (const auto& a : report.anomalies)
        ++kinds[analysis::anomalyKindName(a.kind)];
    std::printf("graph: %zu transactions, %zu edges; anomalies:", report.graph.nodes.size(),
                report.graph.edges.size());
    for (const auto& [k, n] : kinds)
        std::printf(" %s x%d", k.c_str(), n);
    const double perMillion = cpu[cpu.size() / 2] * 1e6 / static_cast<double>(events.size());
    std::printf("\nanalysis: median wall %.0f ms, CPU %.0f ms of %d rounds (%.0f ms CPU per 1M events); "
                "budget 2000 ms for 1M events: %s\n",
                ms[ms.size() / 2], cpu[cpu.size() / 2], rounds, perMillion,
                perMillion < 2000 ? "met" : "MISSED");
    return 0;
}
