// The seed example (Turso's concurrent-writes page) written against TxScope's engine API:
// 16 writers each insert one row into `hits` inside BEGIN CONCURRENT, retrying the whole
// transaction on a retryable error, then the row count is printed.

#include "engine/api/Database.h"
#include "engine/trace/TraceLog.h"

#include <atomic>
#include <cstdio>
#include <random>
#include <thread>
#include <vector>

namespace {

// Runs BEGIN CONCURRENT; INSERT; COMMIT until it commits; returns the retries it needed, or -1
// after a non-retryable error.
int writeWorker(txs::Database& db, int worker, int value)
{
    auto conn = db.connect("writer-" + std::to_string(worker));
    conn->execute("PRAGMA journal_mode = 'mvcc'");
    for (int retries = 0;; ++retries) {
        auto result = conn->execute("BEGIN CONCURRENT");
        if (result) result = conn->execute("INSERT INTO hits VALUES (?)", {value});
        if (result) result = conn->execute("COMMIT");
        if (result) return retries;
        conn->execute("ROLLBACK");
        if (!txs::isRetryable(*result.error)) {
            std::fprintf(stderr, "writer %d: %s\n", worker, result.error->describe().c_str());
            return -1;
        }
        std::this_thread::yield();
    }
}

} // namespace

int main()
{
    txs::Error error;
    auto trace = std::make_shared<txs::TraceLog>();
    auto db = txs::Database::open(":memory:", {txs::JournalMode::Mvcc, trace}, &error);
    if (!db) {
        std::fprintf(stderr, "cannot open the database: %s\n", error.describe().c_str());
        return 2;
    }
    auto setup = db->connect("setup");
    for (const char* sql : {"PRAGMA journal_mode = 'mvcc'", "CREATE TABLE hits (val INTEGER)"}) {
        if (auto r = setup->execute(sql); !r) {
            std::fprintf(stderr, "%s: %s\n", sql, r.error->describe().c_str());
            return 2;
        }
    }

    constexpr int writers = 16;
    std::atomic<int> retries{0}, failures{0};
    std::vector<std::thread> threads;
    std::mt19937 rng(std::random_device{}());
    std::uniform_int_distribution<int> values(1, 100);
    for (int w = 0; w < writers; ++w) {
        threads.emplace_back([&, w, value = values(rng)] {
            const int r = writeWorker(*db, w, value);
            if (r < 0)
                failures.fetch_add(1);
            else
                retries.fetch_add(r);
        });
    }
    for (auto& t : threads)
        t.join();

    auto count = setup->execute("SELECT count(*) FROM hits");
    if (!count) {
        std::fprintf(stderr, "%s\n", count.error->describe().c_str());
        return 1;
    }
    std::printf("rows in hits: %lld\n", static_cast<long long>(count.rows[0][0].integer()));
    std::printf("retries: %d\n", retries.load());
    std::printf("failed writers: %d\n", failures.load());
    std::printf("trace events: %llu\n", static_cast<unsigned long long>(trace->appendedCount()));
    return failures.load() == 0 && count.rows[0][0].integer() == writers ? 0 : 1;
}
