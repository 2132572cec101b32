// The same workloads on TxScope's MVCC engine (a file: SQLite file + logical log) and on real
// SQLite in WAL mode, in one run, through the same Connection API:
//   insert-normal / insert-full: 16 writers, single-row INSERT transactions, synchronous NORMAL
//     or FULL (MVCC: BEGIN CONCURRENT; SQLite: BEGIN IMMEDIATE with busy_timeout);
//   mixed: 16 workers, each transaction reads two rows and writes one of its own, and one in ten
//     also updates one of 4 shared rows (conflicts / lock waits), synchronous NORMAL.
// Every failed attempt that is retryable (busy, busy-snapshot, conflict) is rolled back and
// retried; latency is from the first BEGIN to the successful COMMIT.
//
// usage: bench_mvcc_vs_sqlite [TRANSACTIONS_PER_WRITER [DIR [CASE [ENGINE]]]]
//   CASE: insert-normal | insert-full | mixed (default: all), or fsync: the disk's own rate of
//     small appends each followed by fdatasync (one thread, what a per-commit sync costs at
//     least), the ceiling group commit is judged against ("fdatasync N /s  p50 N us");
//   ENGINE: mvcc | wal | capi (default: all three; capi is SQLite WAL through its own C API).
//   BENCH_WRITERS in the environment overrides the 16 writers.
//   One case on one engine is what a profiler wants to see.

#include "engine/api/Database.h"
#include "engine/backend/MvccBackend.h"
#include "engine/mvcc/MvccStore.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <random>
#include <sqlite3.h>
#include <string>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace txs;
using Clock = std::chrono::steady_clock;

namespace {

const int writers = getenv("BENCH_WRITERS") ? std::atoi(getenv("BENCH_WRITERS")) : 16;

struct Outcome
{
    double seconds = 0;
    std::uint64_t commits = 0, retries = 0, failures = 0;
    double p50us = 0, p99us = 0;
    long peakKb = 0;
    std::uint64_t syncs = 0; // MVCC: fdatasyncs of the log (group commit shares them)
    mvcc::SyncCounts counts; // MVCC: what the group commit did during the run (SyncCounts.h)
    // The whole process's CPU (user + system, every thread) and context switches during the run:
    // counts that a loaded machine moves little, unlike wall time.
    double cpuSeconds = 0;
    long voluntarySwitches = 0, involuntarySwitches = 0;
    double throughput() const { return commits / seconds; }
};

long peakRssKb()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
    return 0;
}

void resetPeakRss()
{
    std::ofstream("/proc/self/clear_refs") << "5"; // resets VmHWM to the current RSS
}

enum class Workload { Insert, Mixed };
enum class Engine { Mvcc, Wal, WalCApi };

const char* engineName(Engine e)
{
    return e == Engine::Mvcc ? "MVCC (file + log)" : e == Engine::Wal ? "SQLite WAL" : "SQLite WAL, C API";
}

// One writer's way to run a transaction's SQL: true when it committed; `retryable` says whether
// a failure may be retried (busy, busy-snapshot, conflict), after the transaction was rolled back.
struct Writer
{
    virtual ~Writer() = default;
    virtual bool runTransaction(const std::string& sql, bool& retryable) = 0;
};

struct ConnectionWriter : Writer
{
    std::unique_ptr<Connection> c;
    bool runTransaction(const std::string& sql, bool& retryable) override
    {
        const auto r = c->execute(sql);
        if (r.ok()) return true;
        if (c->transaction().active) c->execute("ROLLBACK");
        retryable = isRetryable(*r.error);
        return false;
    }
};

// What an application gets from SQLite itself: sqlite3_exec of the same text, busy_timeout,
// no TxScope code in the way (no tracing VFS, no statement classification).
struct CApiWriter : Writer
{
    sqlite3* db = nullptr;
    ~CApiWriter() override { sqlite3_close_v2(db); }
    bool runTransaction(const std::string& sql, bool& retryable) override
    {
        const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
        if (rc == SQLITE_OK) return true;
        if (!sqlite3_get_autocommit(db)) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        retryable = (rc & 0xFF) == SQLITE_BUSY;
        return false;
    }
};

Outcome run(Engine engine, const std::string& sync, Workload workload, int perWriter, const std::string& dir)
{
    const JournalMode mode = engine == Engine::Mvcc ? JournalMode::Mvcc : JournalMode::Wal;
    const std::string path = dir + "/bench-" + (mode == JournalMode::Mvcc ? "mvcc" : "wal") + ".db";
    for (const char* suffix : {"", "-log", "-wal", "-shm", "-log.discarded"})
        std::filesystem::remove(path + suffix);
    OpenOptions options;
    options.journalMode = mode;
    Error error;
    auto db = Database::open(path, options, &error);
    if (!db) {
        std::fprintf(stderr, "cannot open %s: %s\n", path.c_str(), error.message.c_str());
        std::exit(1);
    }
    {
        auto setup = db->connect();
        setup->setBusyTimeout(10000);
        setup->execute("CREATE TABLE t (id INTEGER PRIMARY KEY, w INT, i INT, payload TEXT)");
        setup->execute("CREATE TABLE hot (id INTEGER PRIMARY KEY, n INT)");
        setup->execute("INSERT INTO hot VALUES (1, 0), (2, 0), (3, 0), (4, 0)");
        setup->execute("INSERT INTO t (w, i, payload) VALUES (-1, 0, 'seed'), (-1, 1, 'seed')");
    }
    if (engine == Engine::WalCApi) db.reset(); // the file stays, in WAL mode; SQLite alone runs it
    resetPeakRss();
    const std::string begin = mode == JournalMode::Mvcc ? "BEGIN CONCURRENT" : "BEGIN IMMEDIATE";
    std::vector<std::vector<double>> latencies(writers);
    std::atomic<std::uint64_t> retries{0}, failures{0};
    std::vector<std::thread> threads;
    auto* durability = mode == JournalMode::Mvcc ? mvccStoreOf(*db)->durability() : nullptr;
    const std::uint64_t syncsBefore = durability ? durability->logSyncs() : 0;
    const mvcc::SyncCounts countsBefore = durability ? durability->syncCounts() : mvcc::SyncCounts{};
    rusage usageBefore{};
    getrusage(RUSAGE_SELF, &usageBefore);
    const auto start = Clock::now();
    for (int w = 0; w < writers; ++w)
        threads.emplace_back([&, w] {
            std::unique_ptr<Writer> writer;
            if (engine == Engine::WalCApi) {
                auto capi = std::make_unique<CApiWriter>();
                sqlite3_open_v2(path.c_str(), &capi->db, SQLITE_OPEN_READWRITE, nullptr);
                sqlite3_busy_timeout(capi->db, 10000);
                sqlite3_exec(capi->db, ("PRAGMA synchronous = " + sync).c_str(), nullptr, nullptr, nullptr);
                writer = std::move(capi);
            } else {
                auto connection = std::make_unique<ConnectionWriter>();
                connection->c = db->connect();
                connection->c->setBusyTimeout(10000);
                connection->c->execute("PRAGMA synchronous = " + sync);
                writer = std::move(connection);
            }
            std::mt19937 random(static_cast<unsigned>(w + 1));
            latencies[w].reserve(perWriter);
            for (int i = 0; i < perWriter; ++i) {
                std::string body = "INSERT INTO t (w, i, payload) VALUES (" + std::to_string(w) + ", " +
                                   std::to_string(i) + ", 'payload of a typical small row');";
                if (workload == Workload::Mixed) {
                    body = "SELECT payload FROM t WHERE id = 1; SELECT payload FROM t WHERE id = 2;" + body;
                    if (random() % 10 == 0)
                        body +=
                            "UPDATE hot SET n = n + 1 WHERE id = " + std::to_string(1 + random() % 4) + ";";
                }
                const std::string sql = begin + ";" + body + "COMMIT";
                const auto t0 = Clock::now();
                for (int attempt = 0;; ++attempt) {
                    bool retryable = false;
                    if (writer->runTransaction(sql, retryable)) break;
                    if (!retryable || attempt > 1000) {
                        ++failures;
                        break;
                    }
                    ++retries;
                }
                latencies[w].push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
            }
        });
    for (auto& t : threads)
        t.join();
    Outcome o;
    o.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    o.peakKb = peakRssKb();
    if (durability) o.syncs = durability->logSyncs() - syncsBefore;
    if (durability) {
        const mvcc::SyncCounts after = durability->syncCounts();
        o.counts = {after.syncs - countsBefore.syncs,   after.frames - countsBefore.frames,
                    after.syncNs - countsBefore.syncNs, after.waitNs - countsBefore.waitNs,
                    after.waits - countsBefore.waits,   after.timeouts - countsBefore.timeouts,
                    after.gapNs - countsBefore.gapNs};
    }
    rusage usageAfter{};
    getrusage(RUSAGE_SELF, &usageAfter);
    const auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
    o.cpuSeconds = seconds(usageAfter.ru_utime) - seconds(usageBefore.ru_utime) +
                   seconds(usageAfter.ru_stime) - seconds(usageBefore.ru_stime);
    o.voluntarySwitches = usageAfter.ru_nvcsw - usageBefore.ru_nvcsw;
    o.involuntarySwitches = usageAfter.ru_nivcsw - usageBefore.ru_nivcsw;
    std::vector<double> all;
    for (auto& l : latencies)
        all.insert(all.end(), l.begin(), l.end());
    std::sort(all.begin(), all.end());
    o.commits = all.size() - failures.load();
    o.retries = retries.load();
    o.failures = failures.load();
    o.p50us = all[all.size() / 2];
    o.p99us = all[all.size() * 99 / 100];
    return o;
}

void print(const char* name, const Outcome& o)
{
    std::printf(
        "  %-22s %9.0f tx/s  p50 %8.0f us  p99 %8.0f us  retries %7llu  failures %llu  peak RSS %6ld KB\n",
        name, o.throughput(), o.p50us, o.p99us, static_cast<unsigned long long>(o.retries),
        static_cast<unsigned long long>(o.failures), o.peakKb);
    if (o.syncs > 0) {
        std::printf("  %-22s %9llu fdatasyncs, %.1f commits per sync\n", "",
                    static_cast<unsigned long long>(o.syncs),
                    static_cast<double>(o.commits) / static_cast<double>(o.syncs));
        const auto& c = o.counts;
        const double per = static_cast<double>(std::max<std::uint64_t>(c.syncs, 1));
        std::printf(
            "  %-22s %9.0f syncs per run-second; per sync: fdatasync %.0f us, gap to the next %.0f us "
            "(leader's wait %.0f us, in %.0f %% of syncs, %.0f %% of them to the bound)\n",
            "", c.syncs / o.seconds, c.syncNs / per / 1e3, c.gapNs / per / 1e3, c.waitNs / per / 1e3,
            100.0 * c.waits / per, c.waits ? 100.0 * c.timeouts / c.waits : 0.0);
    }
    std::printf("  %-22s %9.1f us CPU per transaction (user + sys, all threads), context switches per "
                "transaction %.2f voluntary, %.2f involuntary\n",
                "", 1e6 * o.cpuSeconds / std::max<std::uint64_t>(o.commits, 1),
                static_cast<double>(o.voluntarySwitches) / std::max<std::uint64_t>(o.commits, 1),
                static_cast<double>(o.involuntarySwitches) / std::max<std::uint64_t>(o.commits, 1));
}

// The disk's sync rate in this run: 128-byte appends to a preallocated file in DIR, each
// followed by fdatasync (as a commit at synchronous=FULL does), for about 2 s.
void measureSyncRate(const std::string& dir)
{
    const std::string path = dir + "/bench-fsync.bin";
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        std::perror(path.c_str());
        std::exit(1);
    }
    const std::string zeros(1 << 20, '\0'), frame(128, 'x');
    if (::pwrite(fd, zeros.data(), zeros.size(), 0) != static_cast<ssize_t>(zeros.size()) ||
        ::fdatasync(fd)) {
        std::perror(path.c_str());
        std::exit(1);
    }
    std::vector<double> latencies;
    const auto start = Clock::now();
    std::size_t at = 0;
    while (Clock::now() - start < std::chrono::seconds(2) && at + frame.size() <= zeros.size()) {
        const auto t0 = Clock::now();
        if (::pwrite(fd, frame.data(), frame.size(), static_cast<off_t>(at)) < 0 || ::fdatasync(fd)) break;
        latencies.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
        at += frame.size();
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    ::close(fd);
    std::filesystem::remove(path);
    std::sort(latencies.begin(), latencies.end());
    std::printf("fdatasync %.0f /s  p50 %.0f us  (%zu syncs)\n", latencies.size() / seconds,
                latencies.empty() ? 0.0 : latencies[latencies.size() / 2], latencies.size());
}

} // namespace

int main(int argc, char** argv)
{
    const int perWriter = argc > 1 ? std::atoi(argv[1]) : 500;
    const std::string dir = argc > 2 ? argv[2] : std::filesystem::temp_directory_path().string();
    const std::string onlyCase = argc > 3 ? argv[3] : "";
    const std::string onlyEngine = argc > 4 ? argv[4] : "";
    if (onlyCase == "fsync") {
        measureSyncRate(dir);
        return 0;
    }
    std::printf("%d writers x %d transactions each, files in %s\n", writers, perWriter, dir.c_str());
    struct Case
    {
        const char* key;
        const char* name;
        const char* sync;
        Workload workload;
    };
    const Case cases[] = {{"insert-normal", "insert, synchronous=NORMAL", "NORMAL", Workload::Insert},
                          {"insert-full", "insert, synchronous=FULL", "FULL", Workload::Insert},
                          {"mixed", "mixed (10% hot updates), NORMAL", "NORMAL", Workload::Mixed}};
    const std::pair<const char*, Engine> engines[] = {
        {"mvcc", Engine::Mvcc}, {"wal", Engine::Wal}, {"capi", Engine::WalCApi}};
    for (const auto& c : cases) {
        if (!onlyCase.empty() && onlyCase != c.key) continue;
        std::printf("%s\n", c.name);
        std::vector<std::pair<Engine, Outcome>> outcomes;
        for (const auto& [key, engine] : engines)
            if (onlyEngine.empty() || onlyEngine == key)
                outcomes.emplace_back(engine, run(engine, c.sync, c.workload, perWriter, dir));
        for (const auto& [engine, outcome] : outcomes)
            print(engineName(engine), outcome);
        if (outcomes.size() == 3)
            std::printf("  throughput MVCC/WAL = %.2f (C API: %.2f)   p99 WAL/MVCC = %.2f (C API: %.2f)\n",
                        outcomes[0].second.throughput() / outcomes[1].second.throughput(),
                        outcomes[0].second.throughput() / outcomes[2].second.throughput(),
                        outcomes[1].second.p99us / outcomes[0].second.p99us,
                        outcomes[2].second.p99us / outcomes[0].second.p99us);
    }
    return 0;
}
