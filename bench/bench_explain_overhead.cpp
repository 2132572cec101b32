// What explaining every error costs a workers run, at the size: 100,000 SQLITE_BUSY errors.
// A step connection takes the WAL write lock (BEGIN IMMEDIATE; INSERT) and keeps it through the
// workers phase, so every worker INSERT fails with SQLITE_BUSY at once (busy_timeout 0), a known
// number of times whatever the timing: the two variants do exactly the same work but for the
// explanations. Each round runs both, interleaved, in one process:
//   (a) not explained: the runner's explainer returns nothing (errors are still counted),
//   (b) explained: the default explainer, every error with its lock holders, in the log and in
//       the causes.
// Each iteration is a read and a failed write, so errors are half the statements: a worse case
// than any real workload, where most statements succeed. Prints the median wall time of each
// variant and the ratio b/a (1.0 = free; the budget is <= 1.10).
//
// usage: bench_explain_overhead [WORKERS [ITERATIONS_PER_WORKER [ROUNDS [only-a|only-b]]]]
// (only-a, only-b: runs one variant alone, for a profiler: callgrind's instruction counts of the
// two, over the errors, give what explaining one costs, steady however busy the machine is.)

#include "engine/workload/Runner.h"
#include "engine/workload/WorkloadParser.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/resource.h>
#include <vector>

using namespace txs;

namespace {

struct Config
{
    int workers = 16;
    long iterations = 6250; // per worker: 16 x 6250 = 100,000 errors
    int rounds = 3;
    int only = 0; // 'a' or 'b': that variant alone
};

struct Sample
{
    double wallMs = 0;
    double cpuMs = 0; // user + system time of the whole process (all threads) during the run
    std::uint64_t errors = 0;
    std::uint64_t causes = 0;
};

double processCpuMs()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    const auto ms = [](const timeval& t) { return t.tv_sec * 1000.0 + t.tv_usec / 1000.0; };
    return ms(u.ru_utime) + ms(u.ru_stime);
}

[[noreturn]] void fail(const std::string& what)
{
    std::fprintf(stderr, "bench_explain_overhead: %s\n", what.c_str());
    std::exit(1);
}

Sample run(const Config& c, bool explained)
{
    const std::string text = "journal_mode: wal\nbusy_timeout: 0\nsynchronous: off\nsetup:\n"
                             "  CREATE TABLE hits (val INTEGER);\n"
                             "holder: BEGIN IMMEDIATE;\n"
                             "holder: INSERT INTO hits VALUES (-1);\n"
                             "workers w x" +
                             std::to_string(c.workers) + " repeat " + std::to_string(c.iterations) +
                             ":\n"
                             "  SELECT count(*) FROM hits;\n"
                             "  INSERT INTO hits VALUES ($worker);   -- expect: error SQLITE_BUSY\n";
    auto parsed = parseWorkload(text, "bench.txs");
    if (!parsed.ok()) fail(parsed.error().text());
    Runner runner(std::move(parsed.workload()), {});
    if (!explained)
        runner.setExplainer([](const Error&, std::uint32_t, const BlockedWait*) { return Explanation{}; });
    const double cpuBefore = processCpuMs();
    const RunSummary& s = runner.run();
    const double cpuMs = processCpuMs() - cpuBefore;
    if (!s.ok()) fail("the run failed");
    Sample out;
    out.wallMs = s.wallMs;
    out.cpuMs = cpuMs;
    out.errors = s.busy + s.busySnapshot + s.conflicts + s.otherErrors;
    for (const auto& cause : s.causes)
        out.causes += cause.count;
    return out;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

} // namespace

int main(int argc, char** argv)
{
    Config c;
    if (argc > 1) c.workers = std::atoi(argv[1]);
    if (argc > 2) c.iterations = std::atol(argv[2]);
    if (argc > 3) c.rounds = std::atoi(argv[3]);
    if (argc > 4)
        c.only = std::string(argv[4]) == "only-a" ? 'a' : std::string(argv[4]) == "only-b" ? 'b' : 0;
    if (c.workers < 1 || c.iterations < 1 || c.rounds < 1)
        fail("usage: bench_explain_overhead [WORKERS [ITERATIONS [ROUNDS [only-a|only-b]]]]");
    std::printf("%d workers x %ld iterations (SELECT; INSERT that fails with SQLITE_BUSY), SQLite WAL, %d "
                "rounds\n",
                c.workers, c.iterations, c.rounds);
    std::vector<double> plain, explained, plainCpu, explainedCpu;
    std::uint64_t errors = 0;
    for (int round = 0; round < c.rounds; ++round) {
        if (c.only) {
            const Sample x = run(c, c.only == 'b');
            std::printf("  round %d: %s %.0f ms (cpu %.0f), %llu errors\n", round + 1,
                        c.only == 'b' ? "explained" : "not explained", x.wallMs, x.cpuMs,
                        static_cast<unsigned long long>(x.errors));
            continue;
        }
        const Sample a = run(c, false);
        const Sample b = run(c, true);
        if (b.causes != b.errors || a.errors != b.errors) fail("the errors or their causes do not add up");
        plain.push_back(a.wallMs);
        explained.push_back(b.wallMs);
        plainCpu.push_back(a.cpuMs);
        explainedCpu.push_back(b.cpuMs);
        errors = b.errors;
        std::printf("  round %d: not explained %.0f ms (cpu %.0f), explained %.0f ms (cpu %.0f)\n", round + 1,
                    a.wallMs, a.cpuMs, b.wallMs, b.cpuMs);
    }
    const double a = median(plain), b = median(explained);
    std::printf("(a) not explained  %8.0f ms\n", a);
    std::printf("(b) explained      %8.0f ms  (%llu errors a run, %.2f us each)\n", b,
                static_cast<unsigned long long>(errors),
                errors ? (b - a) * 1000.0 / static_cast<double>(errors) : 0);
    std::printf("b/a = %.3f\n", a > 0 ? b / a : 0);
    // CPU time counts the work whatever else runs on the machine: the steadier figure when the
    // machine is shared (wall time then depends on what the neighbours do).
    const double ac = median(plainCpu), bc = median(explainedCpu);
    std::printf("cpu b/a = %.3f  (%.0f ms, %.0f ms)\n", ac > 0 ? bc / ac : 0, ac, bc);
    return 0;
}
