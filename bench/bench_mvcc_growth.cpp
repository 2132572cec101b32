// How the MVCC engine on a file holds up as its table grows, against SQLite in WAL mode, in one
// run (issue 18): for each table size N,
//   load:    N rows of (id, n, payload) in transactions of BENCH_BATCH rows (default 100,000),
//            each one INSERT ... SELECT from a recursive CTE (the same SQL on both engines: what
//            is compared is the per-row cost, not parsing). MVCC: until the last COMMIT returns,
//            and the checkpoint it still owes then (PRAGMA wal_checkpoint) on its own.
//   updates: BENCH_WRITERS (16) writers, each transaction one UPDATE of a random row, for
//            BENCH_SECONDS (3) seconds, synchronous=NORMAL, automatic checkpoint at its default
//            threshold (MVCC: BEGIN CONCURRENT; SQLite: BEGIN IMMEDIATE, busy_timeout 10 s); and
//            MVCC once more with the automatic checkpoint off, to show what the checkpoint costs.
//            Each UPDATE is a new text with its id written in (both engines parse every
//            transaction), and then, on both engines again, the way an application's prepared
//            statement runs it: "UPDATE t SET n = n + 1 WHERE id = ?1" with the id bound (SQLite:
//            BEGIN IMMEDIATE, the UPDATE and COMMIT prepared once per writer, stepped and reset).
//            Each line also gives the CPU per transaction (the writer threads', and the whole
//            process's during the run, MVCC's checkpointer included): on a loaded machine tx/s
//            follow the load, CPU time much less.
//   recovery (MVCC): N rows loaded with the checkpoint disabled, the process killed (SIGKILL), so
//            the whole load is in the log; then a fresh process opens it: time, peak RSS
//            (VmHWM), and the heap in use once open (the live rows), so peak - heap is what
//            recovery needed beyond the rows.
// Each phase runs in a child process of its own (its own peak RSS).
//
// usage: bench_mvcc_growth DIR [ROWS...]     (default ROWS: 100000 1000000 5000000)
//        BENCH_ONLY=load|updates|recovery runs one phase; for a profiler, BENCH_ONLY=load-mvcc or
//        load-wal one engine's load alone, and updates-bound-mvcc the MVCC bound updates alone
//        (on a database an earlier run left in DIR).

#include "engine/api/Database.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <malloc.h>
#include <random>
#include <sqlite3.h>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace txs;
using Clock = std::chrono::steady_clock;

namespace {

int envInt(const char* name, int fallback)
{
    const char* v = std::getenv(name);
    return v ? std::atoi(v) : fallback;
}

const int writers = envInt("BENCH_WRITERS", 16);
const int seconds = envInt("BENCH_SECONDS", 3);
const long batch = envInt("BENCH_BATCH", 100000);

long statusKb(const char* field)
{
    std::ifstream status("/proc/self/status");
    std::string line;
    const std::string prefix = std::string(field) + ":";
    while (std::getline(status, line))
        if (line.rfind(prefix, 0) == 0) return std::atol(line.c_str() + prefix.size());
    return 0;
}

double since(Clock::time_point t0)
{
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Runs `body` in a child process; returns what it wrote (numbers) on its pipe.
std::vector<double> inChild(const std::function<std::vector<double>()>& body)
{
    int fds[2];
    if (::pipe(fds) != 0) std::exit(1);
    std::fflush(stdout);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(fds[0]);
        const auto values = body();
        std::string out;
        for (double v : values)
            out += std::to_string(v) + " ";
        if (::write(fds[1], out.data(), out.size()) < 0) _exit(1);
        _exit(0);
    }
    ::close(fds[1]);
    std::string text;
    char buffer[4096];
    ssize_t n;
    while ((n = ::read(fds[0], buffer, sizeof buffer)) > 0)
        text.append(buffer, static_cast<std::size_t>(n));
    ::close(fds[0]);
    ::waitpid(pid, nullptr, 0);
    std::vector<double> values;
    char* p = text.data();
    while (*p) {
        char* end = nullptr;
        const double v = std::strtod(p, &end);
        if (end == p) break;
        values.push_back(v);
        p = end;
    }
    return values;
}

std::string loadSql(long from, long to)
{
    return "INSERT INTO t SELECT i, i % 1000, printf('payload of row %010d', i) FROM "
           "(WITH RECURSIVE k(i) AS (SELECT " +
           std::to_string(from) + " UNION ALL SELECT i + 1 FROM k WHERE i < " + std::to_string(to) +
           ") SELECT i FROM k)";
}

void removeDb(const std::string& path)
{
    for (const char* suffix : {"", "-log", "-wal", "-shm", "-journal", "-log.discarded"})
        std::filesystem::remove(path + suffix);
}

std::shared_ptr<Database> openMvcc(const std::string& path)
{
    OpenOptions options;
    options.journalMode = JournalMode::Mvcc;
    Error error;
    auto db = Database::open(path, options, &error);
    if (!db) {
        std::fprintf(stderr, "cannot open %s: %s\n", path.c_str(), error.message.c_str());
        std::exit(1);
    }
    return db;
}

sqlite3* openWal(const std::string& path)
{
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    sqlite3_busy_timeout(db, 10000);
    sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL", nullptr, nullptr, nullptr);
    return db;
}

const char* createSql = "CREATE TABLE t (id INTEGER PRIMARY KEY, n INT, payload TEXT)";

// {rows/s until the last COMMIT, seconds of the checkpoint still owed then}
std::vector<double> loadMvcc(const std::string& path, long rows, bool checkpoint)
{
    removeDb(path);
    auto db = openMvcc(path);
    auto c = db->connect();
    c->execute("PRAGMA synchronous = NORMAL");
    if (!checkpoint) c->execute("PRAGMA mvcc_checkpoint_threshold = 1099511627776");
    c->execute(createSql);
    const auto t0 = Clock::now();
    for (long from = 1; from <= rows; from += batch) {
        const auto r =
            c->execute("BEGIN CONCURRENT;" + loadSql(from, std::min(rows, from + batch - 1)) + ";COMMIT");
        if (!r.ok()) {
            std::fprintf(stderr, "load failed: %s\n", r.error->message.c_str());
            std::exit(1);
        }
    }
    const double loaded = since(t0);
    if (!checkpoint) {
        std::fflush(stdout);
        ::kill(::getpid(), SIGKILL); // a crash: the log holds the whole load
    }
    const auto t1 = Clock::now();
    c->execute("PRAGMA wal_checkpoint");
    return {rows / loaded, since(t1)};
}

std::vector<double> loadWal(const std::string& path, long rows)
{
    removeDb(path);
    sqlite3* db = openWal(path);
    sqlite3_exec(db, createSql, nullptr, nullptr, nullptr);
    const auto t0 = Clock::now();
    for (long from = 1; from <= rows; from += batch)
        sqlite3_exec(db, ("BEGIN;" + loadSql(from, std::min(rows, from + batch - 1)) + ";COMMIT").c_str(),
                     nullptr, nullptr, nullptr);
    const double loaded = since(t0);
    sqlite3_close(db);
    return {rows / loaded, 0};
}

enum class UpdateSql { Literal, Bound };

// One SQLite statement prepared once and run to completion per call (the bound-parameter path).
bool stepOnce(sqlite3_stmt* statement)
{
    const int rc = sqlite3_step(statement);
    sqlite3_reset(statement);
    return rc == SQLITE_DONE || rc == SQLITE_ROW;
}

double cpuSeconds(clockid_t clock)
{
    timespec ts{};
    clock_gettime(clock, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double processCpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// {tx/s, failures, writers' CPU µs per transaction, the process's CPU µs per transaction during the
// run (the writers, and MVCC's checkpointer)}: CPU figures do not depend on the machine's load the
// way tx/s does. `checkpoint` false: MVCC with no automatic checkpoint (what it costs).
std::vector<double> updates(const std::string& path, long rows, bool mvcc, bool checkpoint = true,
                            UpdateSql sql = UpdateSql::Literal)
{
    std::shared_ptr<Database> db = mvcc ? openMvcc(path) : nullptr;
    if (mvcc && !checkpoint) db->connect()->execute("PRAGMA mvcc_checkpoint_threshold = 1099511627776");
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> commits{0}, failures{0}, writerCpuNs{0};
    std::vector<std::thread> threads;
    for (int w = 0; w < writers; ++w)
        threads.emplace_back([&, w] {
            std::unique_ptr<Connection> c;
            sqlite3* s = nullptr;
            if (mvcc) {
                c = db->connect();
                c->execute("PRAGMA synchronous = NORMAL");
            } else {
                s = openWal(path);
            }
            std::mt19937_64 random(static_cast<unsigned>(w + 1));
            sqlite3_stmt *begin = nullptr, *update = nullptr, *commit = nullptr;
            if (s && sql == UpdateSql::Bound) {
                sqlite3_prepare_v2(s, "BEGIN IMMEDIATE", -1, &begin, nullptr);
                sqlite3_prepare_v2(s, "UPDATE t SET n = n + 1 WHERE id = ?1", -1, &update, nullptr);
                sqlite3_prepare_v2(s, "COMMIT", -1, &commit, nullptr);
            }
            while (sql == UpdateSql::Bound && !stop.load(std::memory_order_relaxed)) {
                const std::int64_t id = 1 + static_cast<std::int64_t>(random() % rows);
                bool ok;
                if (mvcc) {
                    ok = c->execute("BEGIN CONCURRENT").ok() &&
                         c->execute("UPDATE t SET n = n + 1 WHERE id = ?1", {Value(id)}).ok() &&
                         c->execute("COMMIT").ok();
                    if (!ok && c->transaction().active) c->execute("ROLLBACK");
                } else {
                    sqlite3_bind_int64(update, 1, id);
                    ok = stepOnce(begin) && stepOnce(update) && stepOnce(commit);
                    if (!ok && !sqlite3_get_autocommit(s))
                        sqlite3_exec(s, "ROLLBACK", nullptr, nullptr, nullptr);
                }
                (ok ? commits : failures).fetch_add(1, std::memory_order_relaxed);
            }
            while (sql == UpdateSql::Literal && !stop.load(std::memory_order_relaxed)) {
                const std::string body = "UPDATE t SET n = n + 1 WHERE id = " +
                                         std::to_string(1 + static_cast<long>(random() % rows)) + ";COMMIT";
                bool ok;
                if (mvcc) {
                    const auto r = c->execute("BEGIN CONCURRENT;" + body);
                    ok = r.ok();
                    if (!ok && c->transaction().active) c->execute("ROLLBACK");
                } else {
                    ok = sqlite3_exec(s, ("BEGIN IMMEDIATE;" + body).c_str(), nullptr, nullptr, nullptr) ==
                         SQLITE_OK;
                    if (!ok && !sqlite3_get_autocommit(s))
                        sqlite3_exec(s, "ROLLBACK", nullptr, nullptr, nullptr);
                }
                (ok ? commits : failures).fetch_add(1, std::memory_order_relaxed);
            }
            for (sqlite3_stmt* statement : {begin, update, commit})
                sqlite3_finalize(statement);
            if (s) sqlite3_close(s);
            writerCpuNs.fetch_add(static_cast<std::uint64_t>(cpuSeconds(CLOCK_THREAD_CPUTIME_ID) * 1e9));
        });
    const auto t0 = Clock::now();
    const double cpu0 = processCpuSeconds();
    std::this_thread::sleep_for(std::chrono::seconds(seconds)); // the run's length, not a wait for a result
    stop = true;
    for (auto& t : threads)
        t.join();
    const double elapsed = since(t0);
    const double tx = static_cast<double>(std::max<std::uint64_t>(commits.load(), 1));
    return {commits.load() / elapsed, static_cast<double>(failures.load()),
            static_cast<double>(writerCpuNs.load()) / 1e3 / tx, (processCpuSeconds() - cpu0) * 1e6 / tx};
}

// {seconds to open, peak RSS MB, heap in use MB once open, log MB}
std::vector<double> recover(const std::string& path)
{
    const double logMb = static_cast<double>(std::filesystem::file_size(path + "-log")) / 1e6;
    const auto t0 = Clock::now();
    auto db = openMvcc(path);
    const double opened = since(t0);
    const double heapMb = static_cast<double>(mallinfo2().uordblks) / 1e6;
    return {opened, statusKb("VmHWM") / 1000.0, heapMb, logMb};
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s DIR [ROWS...]\n", argv[0]);
        return 2;
    }
    const std::string dir = argv[1];
    std::vector<long> sizes;
    for (int i = 2; i < argc; ++i)
        sizes.push_back(std::atol(argv[i]));
    if (sizes.empty()) sizes = {100000, 1000000, 5000000};
    const std::string only = std::getenv("BENCH_ONLY") ? std::getenv("BENCH_ONLY") : "";
    const std::string mvccPath = dir + "/growth-mvcc.db", walPath = dir + "/growth-wal.db";
    double load1 = 0;
    {
        std::ifstream l("/proc/loadavg");
        l >> load1;
    }
    std::printf(
        "bench_mvcc_growth: %d writers, %d s of updates, load batches of %ld rows, load average %.2f\n",
        writers, seconds, batch, load1);
    for (long rows : sizes) {
        std::printf("%ld rows\n", rows);
        if (only.empty() || only == "load" || only == "updates") {
            const auto m = inChild([&] { return loadMvcc(mvccPath, rows, true); });
            const auto w = inChild([&] { return loadWal(walPath, rows); });
            if (m.size() == 2 && w.size() == 2)
                std::printf("  load      MVCC %9.0f rows/s (then %.2f s of checkpoint)  WAL %9.0f rows/s  "
                            "MVCC/WAL %.2f\n",
                            m[0], m[1], w[0], m[0] / w[0]);
        }
        if (only == "load-mvcc" || only == "load-wal") { // one engine's load alone, for a profiler
            const auto r = inChild([&] {
                return only == "load-mvcc" ? loadMvcc(mvccPath, rows, true) : loadWal(walPath, rows);
            });
            if (r.size() == 2) std::printf("  load      %s %9.0f rows/s\n", only.c_str() + 5, r[0]);
        }
        if (only == "updates-bound-mvcc") { // one engine's bound updates alone, for a profiler
            const auto mb = inChild([&] { return updates(mvccPath, rows, true, true, UpdateSql::Bound); });
            if (mb.size() == 4)
                std::printf("  updates, id bound (prepared)  MVCC %9.0f tx/s  CPU per transaction: writers "
                            "%.1f us, whole process %.1f us\n",
                            mb[0], mb[2], mb[3]);
        }
        if (only.empty() || only == "updates") {
            const auto m = inChild([&] { return updates(mvccPath, rows, true); });
            const auto w = inChild([&] { return updates(walPath, rows, false); });
            const auto off = inChild([&] { return updates(mvccPath, rows, true, false); });
            if (m.size() == 4 && w.size() == 4 && off.size() == 4)
                std::printf(
                    "  updates   MVCC %9.0f tx/s  WAL %9.0f tx/s  MVCC/WAL %.2f  (failures %.0f / %.0f); "
                    "MVCC without automatic checkpoint %.0f tx/s (%.2f x WAL)\n"
                    "            CPU per transaction: writers MVCC %.1f us, WAL %.1f us; whole process MVCC "
                    "%.1f us, WAL %.1f us\n",
                    m[0], w[0], m[0] / w[0], m[1], w[1], off[0], off[0] / w[0], m[2], w[2], m[3], w[3]);
            const auto mb = inChild([&] { return updates(mvccPath, rows, true, true, UpdateSql::Bound); });
            const auto wb = inChild([&] { return updates(walPath, rows, false, true, UpdateSql::Bound); });
            if (mb.size() == 4 && wb.size() == 4)
                std::printf(
                    "  updates, id bound (prepared)  MVCC %9.0f tx/s  WAL %9.0f tx/s  MVCC/WAL %.2f  "
                    "(failures %.0f / %.0f)\n"
                    "            CPU per transaction: writers MVCC %.1f us, WAL %.1f us; whole process "
                    "MVCC %.1f us, WAL %.1f us\n",
                    mb[0], wb[0], mb[0] / wb[0], mb[1], wb[1], mb[2], wb[2], mb[3], wb[3]);
        }
        if (only.empty() || only == "recovery") {
            inChild([&] { return loadMvcc(mvccPath, rows, false); }); // killed: nothing comes back
            const auto r = inChild([&] { return recover(mvccPath); });
            if (r.size() == 4)
                std::printf("  recovery  log %.0f MB: open %.2f s, peak RSS %.0f MB, heap once open %.0f MB, "
                            "peak - heap %.0f MB\n",
                            r[3], r[0], r[1], r[2], r[1] - r[2]);
        }
        std::fflush(stdout);
    }
    {
        std::ifstream l("/proc/loadavg");
        l >> load1;
    }
    std::printf("load average at the end %.2f\n", load1);
    return 0;
}
