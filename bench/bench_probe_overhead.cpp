// What the recording probe (libtxscope-probe.so, docs/recording.md) costs a busy program: the same
// 16-thread insert program on one WAL database (BEGIN IMMEDIATE; INSERT; COMMIT per transaction,
// busy_timeout 10 s, synchronous=NORMAL, statements prepared once), run as a child process
// without and with the probe preloaded, alternating, in one run. Prints each run's throughput
// and the ratio of the medians.
//
//   bench_probe_overhead [THREADS [TRANSACTIONS_PER_THREAD [ROUNDS]]]
// The probe is $TXSCOPE_PROBE, else ../app/libtxscope-probe.so from this program's folder.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sqlite3.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

int worker(const std::string& db, int threads, int transactions)
{
    {
        sqlite3* setup = nullptr;
        sqlite3_open(db.c_str(), &setup);
        sqlite3_exec(setup, "PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS hits(w, i);", nullptr,
                     nullptr, nullptr);
        sqlite3_close(setup);
    }
    std::atomic<int> failed{0};
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (int w = 0; w < threads; ++w)
        pool.emplace_back([&, w] {
            sqlite3* c = nullptr;
            sqlite3_open_v2(db.c_str(), &c, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
            sqlite3_busy_timeout(c, 10000);
            sqlite3_exec(c, "PRAGMA synchronous=NORMAL", nullptr, nullptr, nullptr);
            sqlite3_stmt *begin = nullptr, *insert = nullptr, *commit = nullptr;
            sqlite3_prepare_v2(c, "BEGIN IMMEDIATE", -1, &begin, nullptr);
            sqlite3_prepare_v2(c, "INSERT INTO hits VALUES (?, ?)", -1, &insert, nullptr);
            sqlite3_prepare_v2(c, "COMMIT", -1, &commit, nullptr);
            for (int i = 0; i < transactions; ++i) {
                sqlite3_bind_int(insert, 1, w);
                sqlite3_bind_int(insert, 2, i);
                const bool ok = sqlite3_step(begin) == SQLITE_DONE && sqlite3_step(insert) == SQLITE_DONE &&
                                sqlite3_step(commit) == SQLITE_DONE;
                sqlite3_reset(begin);
                sqlite3_reset(insert);
                sqlite3_reset(commit);
                if (!ok) {
                    ++failed;
                    sqlite3_exec(c, "ROLLBACK", nullptr, nullptr, nullptr);
                }
            }
            sqlite3_finalize(begin);
            sqlite3_finalize(insert);
            sqlite3_finalize(commit);
            sqlite3_close(c);
        });
    for (auto& t : pool)
        t.join();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%.0f\n", threads * transactions / seconds);
    return failed ? 1 : 0;
}

// Runs this program as a worker child (with the probe when `probe` is set); its tx/s, 0 on failure.
double runChild(const char* self, const std::string& dir, int round, bool withProbe, const std::string& probe,
                int threads, int transactions)
{
    const std::string db =
        dir + "/bench-" + std::to_string(round) + (withProbe ? "-probe" : "-plain") + ".db";
    const std::string records = dir + "/records-" + std::to_string(round);
    std::filesystem::create_directories(records);
    int out[2];
    if (pipe(out) != 0) return 0;
    const pid_t child = fork();
    if (child == 0) {
        dup2(out[1], 1);
        if (withProbe) {
            setenv("LD_PRELOAD", probe.c_str(), 1);
            setenv("TXSCOPE_RECORD_DIR", records.c_str(), 1);
        }
        const std::string t = std::to_string(threads), n = std::to_string(transactions);
        execl(self, self, "--worker", db.c_str(), t.c_str(), n.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    close(out[1]);
    char buf[64] = {};
    const ssize_t got = read(out[0], buf, sizeof buf - 1);
    close(out[0]);
    int status = 0;
    waitpid(child, &status, 0);
    if (got <= 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return 0;
    std::uintmax_t bytes = 0;
    for (const auto& f : std::filesystem::directory_iterator(records))
        bytes += f.file_size();
    if (withProbe) std::printf("  (probe wrote %ju records)\n", bytes / 512);
    return std::atof(buf);
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

} // namespace

int main(int argc, char** argv)
{
    if (argc == 5 && std::string(argv[1]) == "--worker")
        return worker(argv[2], std::atoi(argv[3]), std::atoi(argv[4]));
    const int threads = argc > 1 ? std::atoi(argv[1]) : 16;
    const int transactions = argc > 2 ? std::atoi(argv[2]) : 2000;
    const int rounds = argc > 3 ? std::atoi(argv[3]) : 3;
    std::string probe = std::getenv("TXSCOPE_PROBE") ? std::getenv("TXSCOPE_PROBE") : "";
    const auto self = std::filesystem::canonical("/proc/self/exe");
    if (probe.empty()) probe = (self.parent_path() / "../app/libtxscope-probe.so").string();
    if (!std::filesystem::exists(probe)) {
        std::fprintf(stderr, "bench_probe_overhead: no probe at %s (set TXSCOPE_PROBE)\n", probe.c_str());
        return 2;
    }
    char dirTemplate[] = "/tmp/txscope-bench-probe-XXXXXX";
    if (!mkdtemp(dirTemplate)) return 2;
    const std::string dir = dirTemplate;
    std::printf("%d threads x %d transactions on WAL, %d rounds\n", threads, transactions, rounds);
    std::vector<double> plain, probed;
    for (int r = 0; r < rounds; ++r) {
        plain.push_back(runChild(self.c_str(), dir, r, false, probe, threads, transactions));
        std::printf("round %d without probe: %.0f tx/s\n", r, plain.back());
        probed.push_back(runChild(self.c_str(), dir, r, true, probe, threads, transactions));
        std::printf("round %d with probe:    %.0f tx/s\n", r, probed.back());
    }
    std::filesystem::remove_all(dir);
    const double a = median(plain), b = median(probed);
    std::printf("median without %.0f tx/s, with probe %.0f tx/s: with/without = %.3f (loss %.1f %%)\n", a, b,
                a > 0 ? b / a : 0, a > 0 ? 100 * (1 - b / a) : 0);
    return a > 0 && b > 0 ? 0 : 1;
}
