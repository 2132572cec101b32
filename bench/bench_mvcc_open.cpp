// Opening an existing SQLite database in MVCC mode: how long it takes and what it costs in memory.
//
// Creates a SQLite file of ROWS rows of a realistic table (an integer key, text, integer and real
// columns, about 70 bytes of data a row) with one secondary index, then opens it in MVCC mode
// through the engine API (Database::open, as `txscope-cli run --db FILE --journal-mode mvcc`
// does) and reports the open time, the RSS and heap growth, RSS / file size, and the bytes the
// store spends per row version and per index entry (heap in use, glibc's mallinfo2, all arenas).
// Index entries are measured by opening a copy of the file without the index the same way.
//
// usage: bench_mvcc_open [ROWS [DIR]]      (defaults: 1000000 rows, /tmp)

#include "engine/api/Database.h"
#include "engine/backend/MvccBackend.h"
#include "engine/mvcc/MvccStore.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <malloc.h>
#include <random>
#include <sqlite3.h>
#include <string>
#include <unistd.h>

using namespace txs;

namespace {

double rssBytes()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::atof(line.c_str() + 6) * 1024.0;
    return 0;
}

double heapBytes()
{
    return static_cast<double>(mallinfo2().uordblks);
}

void check(int rc, sqlite3* db, const char* what)
{
    if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW) return;
    std::fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
    std::exit(1);
}

// The file, written with SQLite itself (not through the engine: a database the engine never saw).
void createFile(const std::string& path, int rows, bool withIndex)
{
    std::filesystem::remove(path);
    sqlite3* db = nullptr;
    check(sqlite3_open(path.c_str(), &db), db, "open");
    check(sqlite3_exec(db,
                       "PRAGMA journal_mode = off; PRAGMA synchronous = off;"
                       "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer INTEGER NOT NULL, status TEXT, "
                       "note TEXT, amount REAL, created TEXT); BEGIN",
                       nullptr, nullptr, nullptr),
          db, "create");
    sqlite3_stmt* insert = nullptr;
    check(sqlite3_prepare_v2(db, "INSERT INTO orders VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, &insert, nullptr),
          db, "prepare");
    const char* statuses[] = {"new", "paid", "shipped", "cancelled"};
    std::mt19937 random(42);
    char note[64], created[32];
    for (int i = 1; i <= rows; ++i) {
        const unsigned r = random();
        std::snprintf(note, sizeof note, "deliver to door %u, call %08u first", r % 1000, r % 100000000u);
        std::snprintf(created, sizeof created, "2026-%02u-%02u %02u:%02u:%02u", 1 + r % 12, 1 + r % 28,
                      r % 24, r % 60, (r / 60) % 60);
        sqlite3_bind_int64(insert, 1, i);
        sqlite3_bind_int64(insert, 2, 1 + random() % 50000);
        sqlite3_bind_text(insert, 3, statuses[r % 4], -1, SQLITE_STATIC);
        sqlite3_bind_text(insert, 4, note, -1, SQLITE_TRANSIENT);
        sqlite3_bind_double(insert, 5, static_cast<double>(random() % 100000) / 100.0);
        sqlite3_bind_text(insert, 6, created, -1, SQLITE_TRANSIENT);
        check(sqlite3_step(insert), db, "insert");
        sqlite3_reset(insert);
    }
    sqlite3_finalize(insert);
    check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db, "commit");
    if (withIndex)
        check(
            sqlite3_exec(db, "CREATE INDEX orders_customer ON orders (customer)", nullptr, nullptr, nullptr),
            db, "index");
    sqlite3_close(db);
}

struct Opened
{
    double seconds = 0, rss = 0, heap = 0;
    std::uint64_t versions = 0;
};

Opened openMvcc(const std::string& path, int rows)
{
    malloc_trim(0);
    const double rss0 = rssBytes(), heap0 = heapBytes();
    const auto t0 = std::chrono::steady_clock::now();
    Error error;
    OpenOptions options;
    options.journalMode = JournalMode::Mvcc;
    auto db = Database::open(path, options, &error);
    if (!db) {
        std::fprintf(stderr, "cannot open %s: %s\n", path.c_str(), error.message.c_str());
        std::exit(1);
    }
    Opened o;
    o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    o.rss = rssBytes() - rss0;
    o.heap = heapBytes() - heap0;
    o.versions = mvccStoreOf(*db)->stats().liveVersions;
    // The rows are there: a count through SQL reads every one.
    auto c = db->connect();
    const auto r = c->execute("SELECT count(*), sum(customer) FROM orders");
    if (!r.ok() || r.rows.empty() || r.rows[0][0].asInt() != rows) {
        std::fprintf(stderr, "the opened database does not hold %d rows\n", rows);
        std::exit(1);
    }
    return o;
}

} // namespace

int main(int argc, char** argv)
{
    const int rows = argc > 1 ? std::atoi(argv[1]) : 1000000;
    const std::string dir = argc > 2 ? argv[2] : "/tmp";
    const std::string stem = dir + "/bench_mvcc_open_" + std::to_string(getpid());
    const std::string withIndex = stem + ".db", withoutIndex = stem + "-noindex.db";
    createFile(withIndex, rows, true);
    createFile(withoutIndex, rows, false);
    const double fileSize = static_cast<double>(std::filesystem::file_size(withIndex));
    const double fileSizeNoIndex = static_cast<double>(std::filesystem::file_size(withoutIndex));
    std::printf("%d rows of orders (id INTEGER PRIMARY KEY, customer INTEGER, status TEXT, note TEXT, amount "
                "REAL, created TEXT)\n",
                rows);
    std::printf(
        "SQLite file: %.1f MB with the index on customer, %.1f MB without (%.0f / %.0f bytes a row)\n",
        fileSize / 1e6, fileSizeNoIndex / 1e6, fileSize / rows, fileSizeNoIndex / rows);

    // Without the index first: the heap it leaves behind is glibc's to reuse for the second open.
    const Opened plain = openMvcc(withoutIndex, rows);
    const Opened indexed = openMvcc(withIndex, rows);
    std::printf("\n%-22s %9s %10s %10s %12s\n", "open in MVCC mode", "seconds", "RSS MB", "heap MB",
                "RSS / file");
    std::printf("%-22s %9.2f %10.1f %10.1f %12.2f\n", "without the index", plain.seconds, plain.rss / 1e6,
                plain.heap / 1e6, plain.rss / fileSizeNoIndex);
    std::printf("%-22s %9.2f %10.1f %10.1f %12.2f\n", "with the index", indexed.seconds, indexed.rss / 1e6,
                indexed.heap / 1e6, indexed.rss / fileSize);
    std::printf("\nbytes per row version (heap, key map and chain included): %.0f\n",
                plain.heap / static_cast<double>(plain.versions));
    std::printf("bytes per index entry (heap):                              %.0f\n",
                (indexed.heap - plain.heap) / static_cast<double>(rows));
    std::filesystem::remove(withIndex);
    std::filesystem::remove(withoutIndex);
    for (const char* suffix : {"-log", "-wal", "-shm", ".lock"}) {
        std::filesystem::remove(withIndex + suffix);
        std::filesystem::remove(withoutIndex + suffix);
    }
    return 0;
}
