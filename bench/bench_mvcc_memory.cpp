// What MVCC row versions cost in memory, and whether garbage collection keeps it flat.
//
//   1. Bytes per row version: the heap in use (glibc's mallinfo2, all arenas) before and after
//      inserting ROWS rows, divided by the versions created; then the same for one more version
//      of every row (an UPDATE of all rows while an old snapshot keeps the first versions alive).
//   2. A long update-heavy run: 8 writers update random rows of a ROWS-row table for UPDATES
//      transactions in all, sampled every tenth of the run: live versions, heap in use and RSS.
//      Run twice: as is (GC reclaims versions no snapshot can see), and with a reader holding
//      its snapshot from the start (GC may reclaim nothing), which is then released.
//
// usage: bench_mvcc_memory [ROWS [UPDATES]]

#include "engine/api/Database.h"
#include "engine/backend/MvccBackend.h"
#include "engine/mvcc/MvccStore.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <malloc.h>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace txs;

namespace {

constexpr int writers = 8;
const std::string payload(32, 'p'); // a typical small row: id, a counter, 32 bytes of text

double heapMb()
{
    return static_cast<double>(mallinfo2().uordblks) / (1024.0 * 1024.0);
}

double rssMb()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::atof(line.c_str() + 6) / 1024.0;
    return 0;
}

std::shared_ptr<Database> openMemory()
{
    OpenOptions options;
    options.journalMode = JournalMode::Mvcc;
    Error error;
    auto db = Database::open(":memory:", options, &error);
    if (!db) {
        std::fprintf(stderr, "cannot open: %s\n", error.message.c_str());
        std::exit(1);
    }
    return db;
}

void must(Connection& c, const std::string& sql, const Params& params = {})
{
    const auto r = c.execute(sql, params);
    if (!r.ok()) {
        std::fprintf(stderr, "%s: %s\n", sql.c_str(), r.error->message.c_str());
        std::exit(1);
    }
}

void fill(Connection& c, int rows)
{
    must(c, "CREATE TABLE t (id INTEGER PRIMARY KEY, n INT, payload TEXT)");
    for (int i = 1; i <= rows;) {
        must(c, "BEGIN");
        for (int end = std::min(rows, i + 999); i <= end; ++i)
            must(c, "INSERT INTO t VALUES (?1, 0, ?2)", {Value(i), Value(payload)});
        must(c, "COMMIT");
    }
}

void bytesPerVersion(int rows)
{
    std::printf("1. bytes per row version (%d rows of id INTEGER, n INT, payload TEXT of %zu bytes)\n", rows,
                payload.size());
    auto db = openMemory();
    auto c = db->connect();
    auto* store = mvccStoreOf(*db);
    const double before = heapMb();
    const auto created0 = store->stats().versionsCreated;
    fill(*c, rows);
    const double afterInsert = heapMb();
    const auto inserted = store->stats().versionsCreated - created0;
    const double perRow = (afterInsert - before) * 1024 * 1024 / static_cast<double>(inserted);
    std::printf(
        "   first version of a row (row, version, chain, key map): %6.0f bytes  (%llu versions, %.1f MB)\n",
        perRow, static_cast<unsigned long long>(inserted), afterInsert - before);

    auto reader = db->connect(); // keeps the first versions visible, so GC leaves them
    must(*reader, "BEGIN CONCURRENT");
    must(*reader, "SELECT count(*) FROM t");
    const auto created1 = store->stats().versionsCreated;
    must(*c, "UPDATE t SET n = n + 1");
    const double afterUpdate = heapMb();
    const auto updated = store->stats().versionsCreated - created1;
    std::printf(
        "   one more version of a row (row, version):              %6.0f bytes  (%llu versions, %.1f MB)\n",
        (afterUpdate - afterInsert) * 1024 * 1024 / static_cast<double>(updated),
        static_cast<unsigned long long>(updated), afterUpdate - afterInsert);
    must(*reader, "COMMIT");
    store->collectGarbage();
    std::printf("   after the reader ends and GC runs: %.1f MB in use (was %.1f with one version per row)\n",
                heapMb() - before, afterInsert - before);
}

void updateHeavy(int rows, int updates, bool holdSnapshot)
{
    std::printf("\n2%s. %d writers, %d single-row UPDATE transactions on %d rows%s\n",
                holdSnapshot ? "b" : "a", writers, updates, rows,
                holdSnapshot ? ", a reader holding its snapshot throughout" : "");
    auto db = openMemory();
    auto* store = mvccStoreOf(*db);
    {
        auto setup = db->connect();
        fill(*setup, rows);
    }
    store->collectGarbage();
    auto reader = db->connect();
    if (holdSnapshot) {
        must(*reader, "BEGIN CONCURRENT");
        must(*reader, "SELECT count(*) FROM t");
    }
    std::printf("   %8s %14s %14s %10s %10s %10s\n", "commits", "live versions", "reclaimed", "GC passes",
                "heap MB", "RSS MB");
    auto sample = [&](std::uint64_t commits) {
        const auto s = store->stats();
        std::printf("   %8llu %14llu %14llu %10llu %10.1f %10.1f\n", static_cast<unsigned long long>(commits),
                    static_cast<unsigned long long>(s.liveVersions),
                    static_cast<unsigned long long>(s.versionsReclaimed),
                    static_cast<unsigned long long>(s.gcPasses), heapMb(), rssMb());
    };
    sample(0);
    std::atomic<int> done{0};
    const int perWriter = updates / writers;
    std::vector<std::thread> threads;
    for (int w = 0; w < writers; ++w)
        threads.emplace_back([&, w] {
            auto c = db->connect();
            std::mt19937 random(static_cast<unsigned>(w + 1));
            for (int i = 0; i < perWriter; ++i) {
                const Value key(static_cast<std::int64_t>(1 + random() % static_cast<unsigned>(rows)));
                for (;;) {
                    const auto r =
                        c->execute("BEGIN CONCURRENT; UPDATE t SET n = n + 1 WHERE id = ?1; COMMIT", {key});
                    if (r.ok()) break;
                    if (c->transaction().active) c->execute("ROLLBACK");
                    if (!isRetryable(*r.error)) {
                        std::fprintf(stderr, "%s\n", r.error->message.c_str());
                        std::exit(1);
                    }
                }
                done.fetch_add(1, std::memory_order_relaxed);
            }
        });
    const int total = perWriter * writers;
    for (int step = 1; step <= 10; ++step) {
        while (done.load(std::memory_order_relaxed) < total * step / 10)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        sample(static_cast<std::uint64_t>(done.load()));
    }
    for (auto& t : threads)
        t.join();
    if (holdSnapshot) {
        must(*reader, "COMMIT");
        store->collectGarbage();
        std::printf("   reader ended, GC ran:\n");
        sample(static_cast<std::uint64_t>(total));
    }
}

} // namespace

int main(int argc, char** argv)
{
    const int rows = argc > 1 ? std::atoi(argv[1]) : 100000;
    const int updates = argc > 2 ? std::atoi(argv[2]) : 400000;
    bytesPerVersion(rows);
    updateHeavy(rows / 10, updates, false);
    updateHeavy(rows / 10, updates, true);
    return 0;
}
