// Helper of tst_mvcc_crash: concurrent writers on an MVCC database file, killed with SIGKILL by
// the test at a random point. Each writer w commits transactions numbered 1, 2, 3 ... (going on
// from what the database already holds); each transaction inserts two rows into `seq` and sets
// the writer's counter in `counters`, so a partial transaction would show. After COMMIT returns
// (synchronous=FULL: the frame is on disk) the writer prints "w i" on stdout: an acknowledgement
// the test holds the database to.
//
// With BATCH_ROWS and STOP_AT_BATCH, checkpoints write that many rows per SQLite transaction,
// and the first one that gets that far stops for good once its STOP_AT_BATCH-th batch has
// committed, printing "batch" first: the test then kills the process while that checkpoint is
// half done, and writers commit meanwhile. (No checkpoint ever finishes in this mode, so the
// log stays as short as the test's runs: a finished one would race writers that fill the log
// faster than batches of a few rows drain it.)
//
// usage: mvcc_crash_writer DB WRITERS CHECKPOINT_THRESHOLD_BYTES [BATCH_ROWS STOP_AT_BATCH]

#include "engine/api/Database.h"
#include "engine/backend/MvccBackend.h"
#include "engine/mvcc/MvccStore.h"

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace txs;

int main(int argc, char** argv)
{
    if (argc != 4 && argc != 6) {
        std::fprintf(stderr, "usage: %s DB WRITERS CHECKPOINT_THRESHOLD_BYTES [BATCH_ROWS STOP_AT_BATCH]\n",
                     argv[0]);
        return 2;
    }
    const int writers = std::atoi(argv[2]);
    Error error;
    OpenOptions options;
    auto db = Database::open(argv[1], options, &error);
    if (!db) {
        std::fprintf(stderr, "open failed: %s\n", error.message.c_str());
        return 1;
    }
    if (argc == 6) {
        auto* durability = mvccStoreOf(*db)->durability();
        durability->setCheckpointBatchRows(std::strtoull(argv[4], nullptr, 10));
        const std::uint64_t stopAt = std::strtoull(argv[5], nullptr, 10);
        durability->setBatchCommittedHook([stopAt](std::uint64_t batch) {
            if (batch != stopAt) return;
            static const char line[] = "batch\n";
            if (::write(1, line, sizeof line - 1) < 0) return;
            // The checkpoint never goes on: the kill finds it half done, whenever it comes.
            std::mutex m;
            std::condition_variable never;
            std::unique_lock lock(m);
            never.wait(lock, [] { return false; });
        });
    }
    {
        auto setup = db->connect();
        setup->execute(std::string("PRAGMA mvcc_checkpoint_threshold = ") + argv[3]);
        setup->execute("CREATE TABLE IF NOT EXISTS seq (id INTEGER PRIMARY KEY, w INT, i INT, part TEXT)");
        setup->execute("CREATE TABLE IF NOT EXISTS counters (w INTEGER PRIMARY KEY, n INT)");
        // Indexes, so a crash also tests that the recovered entries equal the rows.
        setup->execute("CREATE UNIQUE INDEX IF NOT EXISTS seq_wip ON seq (w, i, part)");
        setup->execute("CREATE INDEX IF NOT EXISTS seq_part ON seq (part)");
        for (int w = 0; w < writers; ++w)
            setup->execute("INSERT OR IGNORE INTO counters VALUES (" + std::to_string(w) + ", 0)");
    }
    std::vector<std::thread> threads;
    for (int w = 0; w < writers; ++w)
        threads.emplace_back([&db, w] {
            auto c = db->connect();
            c->execute("PRAGMA synchronous = FULL");
            const auto start = c->execute("SELECT n FROM counters WHERE w = " + std::to_string(w));
            std::int64_t i = start.ok() && !start.rows.empty() ? start.rows[0][0].asInt() : 0;
            const std::string ws = std::to_string(w);
            for (;;) {
                const std::string is = std::to_string(i + 1);
                const auto r = c->execute("BEGIN CONCURRENT;"
                                          "INSERT INTO seq (w, i, part) VALUES (" +
                                          ws + ", " + is +
                                          ", 'a');"
                                          "INSERT INTO seq (w, i, part) VALUES (" +
                                          ws + ", " + is +
                                          ", 'b');"
                                          "UPDATE counters SET n = " +
                                          is + " WHERE w = " + ws +
                                          ";"
                                          "COMMIT");
                if (!r.ok()) {
                    c->execute("ROLLBACK");
                    continue; // conflicts cannot happen (each writer has its own counter); busy can
                }
                ++i;
                const std::string ack = ws + " " + is + "\n";
                if (::write(1, ack.data(), ack.size()) < 0) return;
            }
        });
    for (auto& t : threads)
        t.join();
    return 0;
}
