// The MVCC engine under real threads: many connections committing at once, with the retry loop
// of the seed example. Each test checks an exact invariant at the end (row counts, sums, no
// lost update, snapshot consistency seen by readers while writers run, GC bounds at quiet
// points), never a timing. Randomness is seeded per worker, so a failure names a seed.
//
// Under ThreadSanitizer the iteration counts are scaled down (every interleaving costs ~10x),
// but the thread counts stay: what TSan needs is many threads in the same code at once.

#include "engine/api/Database.h"
#include "engine/backend/MvccBackend.h"
#include "engine/mvcc/MvccStore.h"
#include "engine/trace/TraceLog.h"
#include "support/TestDb.h"

#include <QTest>
#include <algorithm>
#include <array>
#include <atomic>
#include <barrier>
#include <latch>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#if defined(__SANITIZE_THREAD__)
#define TXS_UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define TXS_UNDER_TSAN 1
#endif
#endif

using namespace txs;

namespace {

#if defined(TXS_UNDER_TSAN)
constexpr int scale = 4; // divide iteration counts by this
#else
constexpr int scale = 1;
#endif

constexpr unsigned baseSeed = 20240611;

// Errors from worker threads, reported by the test thread (QVERIFY only works there).
class Failures
{
public:
    void add(std::string message)
    {
        std::lock_guard lock(mutex_);
        if (messages_.size() < 20) messages_.push_back(std::move(message));
        ++count_;
    }
    int count() const
    {
        std::lock_guard lock(mutex_);
        return count_;
    }
    std::string text() const
    {
        std::lock_guard lock(mutex_);
        std::string s;
        for (const auto& m : messages_)
            s += m + "\n";
        return s;
    }

private:
    mutable std::mutex mutex_;
    std::vector<std::string> messages_;
    int count_ = 0;
};

struct Counters
{
    long commits = 0;
    long conflicts = 0;     // statements or COMMITs that failed with ErrorKind::Conflict
    long busy = 0;          // ErrorKind::Busy (BEGIN, first write, autocommit, COMMIT)
    long busySnapshot = 0;  // ErrorKind::BusySnapshot
    long commitRetries = 0; // COMMITs retried in place after Busy

    void note(const Error& e)
    {
        if (e.kind == ErrorKind::Conflict) ++conflicts;
        if (e.kind == ErrorKind::Busy) ++busy;
        if (e.kind == ErrorKind::BusySnapshot) ++busySnapshot;
    }
    Counters& operator+=(const Counters& o)
    {
        commits += o.commits;
        conflicts += o.conflicts;
        busy += o.busy;
        busySnapshot += o.busySnapshot;
        commitRetries += o.commitRetries;
        return *this;
    }
};

class Totals
{
public:
    void add(const Counters& c)
    {
        std::lock_guard lock(mutex_);
        sum_ += c;
    }
    Counters get() const
    {
        std::lock_guard lock(mutex_);
        return sum_;
    }

private:
    mutable std::mutex mutex_;
    Counters sum_;
};

// One transaction with the seed's retry loop: `begin`, then `body` (returns the first failing
// Result, or an ok one), then COMMIT. A retryable error rolls back and starts over; a Busy
// COMMIT is retried in place when `retryCommit` (the transaction stays open on Busy).
// Returns false after a non-retryable error, which goes to `failures`.
template <class Body>
bool transact(Connection& conn, const char* begin, Body&& body, Counters& counters, Failures& failures,
              bool retryCommit = false)
{
    for (;;) {
        Result r = conn.execute(begin);
        if (r) r = body(conn);
        if (r) {
            r = conn.execute("COMMIT");
            while (!r && retryCommit && r.error->kind == ErrorKind::Busy) {
                ++counters.commitRetries;
                std::this_thread::yield();
                r = conn.execute("COMMIT");
            }
        }
        if (r) {
            ++counters.commits;
            return true;
        }
        counters.note(*r.error);
        if (conn.transaction().active) {
            if (auto rb = conn.execute("ROLLBACK"); !rb) {
                failures.add(conn.name() + ": ROLLBACK failed: " + rb.error->describe());
                return false;
            }
        }
        if (!isRetryable(*r.error)) {
            failures.add(conn.name() + ": " + r.error->describe());
            return false;
        }
        std::this_thread::yield();
    }
}

// An autocommit statement retried until it succeeds.
bool autocommit(Connection& conn, const char* sql, const Params& params, Counters& counters,
                Failures& failures)
{
    for (;;) {
        Result r = conn.execute(sql, params);
        if (r) {
            ++counters.commits;
            return true;
        }
        counters.note(*r.error);
        if (!isRetryable(*r.error)) {
            failures.add(conn.name() + ": " + r.error->describe());
            return false;
        }
        std::this_thread::yield();
    }
}

// One line per test in the log, so a run shows how much contention it really produced.
void report(const char* what, const Counters& c)
{
    qInfo("%s: %ld commits, %ld conflicts, %ld busy, %ld busy_snapshot, %ld COMMITs retried", what, c.commits,
          c.conflicts, c.busy, c.busySnapshot, c.commitRetries);
}

std::int64_t intOf(const Result& r)
{
    return r.ok() && !r.rows.empty() && !r.rows[0].empty() ? r.rows[0][0].asInt() : -1;
}

} // namespace

class TestMvccStress : public QObject
{
    Q_OBJECT

private slots:
    // (a) The seed loop: 16 writers x 1000 transactions, each BEGIN CONCURRENT; INSERT;
    // COMMIT. Inserts without a key never meet, so not a single retry is needed, and every
    // row arrives exactly once.
    void seedLoop()
    {
        constexpr int writers = 16;
        constexpr int perWriter = 1000 / scale;
        auto trace = std::make_shared<TraceLog>(); // traced, as the example runs
        auto db = test::openMvcc(trace);
        QVERIFY(db);
        auto setup = db->connect("setup");
        MUST(*setup, "PRAGMA journal_mode = 'mvcc'");
        MUST(*setup, "CREATE TABLE hits (val INTEGER)");

        Failures failures;
        Totals totals;
        std::latch start(writers);
        std::vector<std::thread> threads;
        for (int w = 0; w < writers; ++w) {
            threads.emplace_back([&, w] {
                auto conn = db->connect("writer-" + std::to_string(w));
                conn->execute("PRAGMA journal_mode = 'mvcc'");
                Counters counters;
                start.arrive_and_wait();
                for (int i = 0; i < perWriter; ++i) {
                    auto insert = [w](Connection& c) {
                        return c.execute("INSERT INTO hits VALUES (?)", {w});
                    };
                    if (!transact(*conn, "BEGIN CONCURRENT", insert, counters, failures)) break;
                }
                totals.add(counters);
            });
        }
        for (auto& t : threads)
            t.join();
        QVERIFY2(failures.count() == 0, failures.text().c_str());

        const Counters c = totals.get();
        report("seed loop", c);
        QCOMPARE(c.commits, long{writers * perWriter});
        QCOMPARE(c.conflicts + c.busy + c.busySnapshot, long{0});
        QCOMPARE(intOf(setup->execute("SELECT count(*) FROM hits")), std::int64_t{writers * perWriter});
        QCOMPARE(intOf(setup->execute("SELECT count(DISTINCT rowid) FROM hits")),
                 std::int64_t{writers * perWriter});
        auto perWorker = setup->execute("SELECT val, count(*) FROM hits GROUP BY val ORDER BY val");
        QVERIFY(perWorker.ok());
        QCOMPARE(perWorker.rows.size(), std::size_t{writers});
        for (int w = 0; w < writers; ++w) {
            QCOMPARE(perWorker.rows[w][0].asInt(), std::int64_t{w});
            QCOMPARE(perWorker.rows[w][1].asInt(), std::int64_t{perWriter});
        }
        mvcc::MvccStore& store = *mvccStoreOf(*db);
        const auto stats = store.stats();
        QCOMPARE(stats.conflicts, std::uint64_t{0});
        QVERIFY(stats.commits >= std::uint64_t{writers * perWriter});
        // Inserts end no version: one version per row, nothing leaked or lost.
        store.collectGarbage();
        QCOMPARE(store.stats().liveVersions, std::uint64_t{writers * perWriter});
    }

    // (b) 16 threads incrementing 4 counters. Half write `n = n + 1`, half read the value and
    // write back read+1 computed in the client: the classic lost-update pattern, which only
    // the engine's first-updater-wins rule prevents. Every successful commit must show up in
    // the sums exactly once, and there must have been conflicts (or nothing was tested).
    void contendedCounters()
    {
        constexpr int threadsN = 16;
        constexpr int perThread = 1000 / scale;
        constexpr int counters = 4;
        auto db = test::openMvcc(nullptr);
        QVERIFY(db);
        auto setup = db->connect("setup");
        MUST(*setup, "CREATE TABLE counters (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)");
        for (int i = 0; i < counters; ++i)
            MUST(*setup, "INSERT INTO counters VALUES (" + std::to_string(i) + ", 0)");

        Failures failures;
        Totals totals;
        std::vector<std::array<long, counters>> committed(threadsN);
        std::latch start(threadsN);
        std::vector<std::thread> threads;
        for (int w = 0; w < threadsN; ++w) {
            threads.emplace_back([&, w] {
                auto conn = db->connect("incr-" + std::to_string(w));
                std::mt19937 rng(baseSeed + w);
                Counters stats;
                committed[w].fill(0);
                const bool readModifyWrite = w % 2 == 1;
                start.arrive_and_wait();
                for (int i = 0; i < perThread; ++i) {
                    const int id = static_cast<int>(rng() % counters);
                    auto body = [&](Connection& c) -> Result {
                        if (!readModifyWrite)
                            return c.execute("UPDATE counters SET n = n + 1 WHERE id = ?", {id});
                        Result read = c.execute("SELECT n FROM counters WHERE id = ?", {id});
                        if (!read) return read;
                        // Widen the window between read and write so other writers get in.
                        std::this_thread::yield();
                        Result write = c.execute("UPDATE counters SET n = ? WHERE id = ?",
                                                 {read.rows.at(0).at(0).asInt() + 1, id});
                        if (write && write.changes != 1)
                            failures.add("UPDATE changed " + std::to_string(write.changes) + " rows");
                        return write;
                    };
                    if (!transact(*conn, "BEGIN CONCURRENT", body, stats, failures)) break;
                    ++committed[w][id];
                }
                totals.add(stats);
            });
        }
        for (auto& t : threads)
            t.join();
        QVERIFY2(failures.count() == 0, failures.text().c_str());

        const Counters c = totals.get();
        report("counters", c);
        QCOMPARE(c.commits, long{threadsN * perThread});
        for (int id = 0; id < counters; ++id) {
            long expected = 0;
            for (int w = 0; w < threadsN; ++w)
                expected += committed[w][id];
            QCOMPARE(intOf(setup->execute("SELECT n FROM counters WHERE id = " + std::to_string(id))),
                     std::int64_t{expected});
        }
        QCOMPARE(intOf(setup->execute("SELECT sum(n) FROM counters")), std::int64_t{threadsN * perThread});
        // Updates conflict eagerly; nothing here can be Busy (no exclusive transaction).
        QVERIFY2(c.conflicts > 0, "no conflicts: the contention this test relies on did not happen");
        QCOMPARE(c.busy + c.busySnapshot, long{0});
        mvcc::MvccStore& store = *mvccStoreOf(*db);
        QCOMPARE(store.stats().conflicts, static_cast<std::uint64_t>(c.conflicts));
        // Every doomed attempt's versions were undone, every superseded one reclaimable.
        store.collectGarbage();
        QCOMPARE(store.stats().liveVersions, std::uint64_t{counters});
    }

    // (c) Bank transfers: money moves between accounts (values computed in the client from
    // the snapshot, so a lost update would change the total) and accounts are sometimes
    // closed and reopened under a new key (so a snapshot missing or doubling a row would
    // change the count). Readers in BEGIN CONCURRENT check, while it all runs, that every
    // snapshot has the same count and total, by aggregate and by reading the rows.
    void bankTransfers()
    {
        constexpr int accounts = 8;
        constexpr int initial = 1000;
        constexpr int transferThreads = 10;
        constexpr int transfersPerThread = 600 / scale;
        constexpr int readerThreads = 6;
        constexpr int minReadsPerReader = 200 / scale;
        auto db = test::openMvcc(nullptr);
        QVERIFY(db);
        auto setup = db->connect("setup");
        MUST(*setup, "CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)");
        for (int i = 0; i < accounts; ++i)
            MUST(*setup, "INSERT INTO accounts (balance) VALUES (" + std::to_string(initial) + ")");
        const std::int64_t total = std::int64_t{accounts} * initial;

        Failures failures;
        Totals totals;
        std::atomic<int> writersLeft{transferThreads};
        std::atomic<long> snapshotsChecked{0};
        std::latch start(transferThreads + readerThreads);
        std::vector<std::thread> threads;
        for (int w = 0; w < transferThreads; ++w) {
            threads.emplace_back([&, w] {
                auto conn = db->connect("transfer-" + std::to_string(w));
                std::mt19937 rng(baseSeed + 100 + w);
                Counters stats;
                start.arrive_and_wait();
                for (int i = 0; i < transfersPerThread; ++i) {
                    const int fromIndex = static_cast<int>(rng() % accounts);
                    const int toIndex = (fromIndex + 1 + static_cast<int>(rng() % (accounts - 1))) % accounts;
                    const std::int64_t amount = rng() % 100 + 1;
                    const bool reopen = rng() % 10 == 0;
                    auto body = [&](Connection& c) -> Result {
                        Result rows = c.execute("SELECT id, balance FROM accounts ORDER BY id");
                        if (!rows) return rows;
                        if (rows.rows.size() != accounts) {
                            failures.add("transfer saw " + std::to_string(rows.rows.size()) + " accounts");
                            return rows;
                        }
                        const auto& from = rows.rows[fromIndex];
                        const std::int64_t fromId = from[0].asInt(), fromBalance = from[1].asInt();
                        if (reopen) {
                            // Close the account and open it again under a new key.
                            Result r = c.execute("DELETE FROM accounts WHERE id = ?", {fromId});
                            if (!r) return r;
                            return c.execute("INSERT INTO accounts (balance) VALUES (?)", {fromBalance});
                        }
                        const auto& to = rows.rows[toIndex];
                        const std::int64_t toId = to[0].asInt(), toBalance = to[1].asInt();
                        Result r = c.execute("UPDATE accounts SET balance = ? WHERE id = ?",
                                             {fromBalance - amount, fromId});
                        if (!r) return r;
                        if (r.changes != 1)
                            failures.add("debit changed " + std::to_string(r.changes) + " rows");
                        r = c.execute("UPDATE accounts SET balance = ? WHERE id = ?",
                                      {toBalance + amount, toId});
                        if (r && r.changes != 1)
                            failures.add("credit changed " + std::to_string(r.changes) + " rows");
                        return r;
                    };
                    if (!transact(*conn, "BEGIN CONCURRENT", body, stats, failures)) break;
                }
                totals.add(stats);
                writersLeft.fetch_sub(1);
            });
        }
        for (int r = 0; r < readerThreads; ++r) {
            threads.emplace_back([&, r] {
                auto conn = db->connect("auditor-" + std::to_string(r));
                start.arrive_and_wait();
                // Keep auditing as long as transfers run, and at least a fixed number of times.
                for (int i = 0; i < minReadsPerReader || writersLeft.load() > 0; ++i) {
                    Result begin = conn->execute("BEGIN CONCURRENT");
                    Result agg = conn->execute("SELECT count(*), sum(balance) FROM accounts");
                    Result rows = conn->execute("SELECT id, balance FROM accounts");
                    Result commit = conn->execute("COMMIT");
                    if (!begin || !agg || !rows || !commit) {
                        for (const Result* x : {&begin, &agg, &rows, &commit})
                            if (!x->ok()) failures.add("auditor: " + x->error->describe());
                        conn->execute("ROLLBACK");
                        return;
                    }
                    std::int64_t sum = 0;
                    for (const auto& row : rows.rows)
                        sum += row[1].asInt();
                    if (agg.rows[0][0].asInt() != accounts || agg.rows[0][1].asInt() != total ||
                        std::int64_t(rows.rows.size()) != accounts || sum != total)
                        failures.add("auditor saw count " + agg.rows[0][0].asText() + ", total " +
                                     agg.rows[0][1].asText() + "; rows " + std::to_string(rows.rows.size()) +
                                     ", summing to " + std::to_string(sum));
                    snapshotsChecked.fetch_add(1);
                }
            });
        }
        for (auto& t : threads)
            t.join();
        QVERIFY2(failures.count() == 0, failures.text().c_str());
        report("transfers", totals.get());
        qInfo("audited snapshots: %ld", snapshotsChecked.load());
        QCOMPARE(totals.get().commits, long{transferThreads * transfersPerThread});
        QVERIFY(snapshotsChecked.load() >= readerThreads * minReadsPerReader);
        QCOMPARE_ROWS(*setup, "SELECT count(*), sum(balance) FROM accounts",
                      std::to_string(accounts) + "|" + std::to_string(total));
        // Closed accounts leave no versions behind once nobody can see them.
        mvcc::MvccStore& store = *mvccStoreOf(*db);
        store.collectGarbage();
        QCOMPARE(store.stats().liveVersions, std::uint64_t{accounts});
    }

    // (d) Every kind of writer at once: BEGIN IMMEDIATE and plain BEGIN (with busy_timeout),
    // autocommit (half with busy_timeout, half retrying by hand) and BEGIN CONCURRENT (COMMIT
    // retried in place while Busy). Each transaction logs one row; all but the autocommit
    // ones also bump a shared total in the same transaction. Counts must be exact.
    void mixedExclusiveAndConcurrentWriters()
    {
        constexpr int perKind = 4;
        constexpr int perThread = 1000 / scale;
        auto db = test::openMvcc(nullptr);
        QVERIFY(db);
        auto setup = db->connect("setup");
        MUST(*setup, "CREATE TABLE log (id INTEGER PRIMARY KEY, worker INTEGER, kind TEXT)");
        MUST(*setup, "CREATE TABLE totals (id INTEGER PRIMARY KEY, n INTEGER)");
        MUST(*setup, "INSERT INTO totals VALUES (1, 0)");

        enum Kind { Immediate, Deferred, Autocommit, Concurrent, kinds };
        static const char* names[] = {"immediate", "deferred", "autocommit", "concurrent"};
        Failures failures;
        std::array<Totals, kinds> totals;
        std::latch start(perKind * kinds);
        std::vector<std::thread> threads;
        for (int w = 0; w < perKind * kinds; ++w) {
            threads.emplace_back([&, w] {
                const Kind kind = static_cast<Kind>(w % kinds);
                auto conn = db->connect(std::string(names[kind]) + "-" + std::to_string(w));
                // Long enough that a wait practically never runs out; if one does, the
                // Busy is retried like any other, so the totals stay exact either way.
                if (kind != Autocommit || (w / kinds) % 2 == 0) conn->execute("PRAGMA busy_timeout = 10000");
                Counters stats;
                start.arrive_and_wait();
                auto logAndCount = [&](Connection& c) {
                    Result r = c.execute("INSERT INTO log (worker, kind) VALUES (?, ?)", {w, names[kind]});
                    if (!r) return r;
                    return c.execute("UPDATE totals SET n = n + 1 WHERE id = 1");
                };
                for (int i = 0; i < perThread; ++i) {
                    bool ok = false;
                    switch (kind) {
                    case Immediate:
                        ok = transact(*conn, "BEGIN IMMEDIATE", logAndCount, stats, failures);
                        break;
                    case Deferred:
                        ok = transact(
                            *conn, "BEGIN",
                            [&](Connection& c) {
                                Result r = c.execute("SELECT n FROM totals WHERE id = 1");
                                return r ? logAndCount(c) : r;
                            },
                            stats, failures);
                        break;
                    case Autocommit:
                        ok = autocommit(*conn, "INSERT INTO log (worker, kind) VALUES (?, ?)",
                                        {w, names[kind]}, stats, failures);
                        break;
                    case Concurrent:
                        ok = transact(*conn, "BEGIN CONCURRENT", logAndCount, stats, failures, true);
                        break;
                    default:
                        break;
                    }
                    if (!ok) break;
                }
                totals[kind].add(stats);
            });
        }
        for (auto& t : threads)
            t.join();
        QVERIFY2(failures.count() == 0, failures.text().c_str());

        for (int k = 0; k < kinds; ++k)
            report(names[k], totals[k].get());
        for (int k = 0; k < kinds; ++k) {
            QCOMPARE(totals[k].get().commits, long{perKind * perThread});
            QCOMPARE(intOf(setup->execute(std::string("SELECT count(*) FROM log WHERE kind = '") + names[k] +
                                          "'")),
                     std::int64_t{perKind * perThread});
        }
        auto perWorker = setup->execute("SELECT worker, count(*) FROM log GROUP BY worker ORDER BY worker");
        QVERIFY(perWorker.ok());
        QCOMPARE(perWorker.rows.size(), std::size_t{perKind * kinds});
        for (const auto& row : perWorker.rows)
            QCOMPARE(row[1].asInt(), std::int64_t{perThread});
        QCOMPARE(intOf(setup->execute("SELECT n FROM totals WHERE id = 1")),
                 std::int64_t{(kinds - 1) * perKind * perThread});
        QCOMPARE(intOf(setup->execute("SELECT count(*) FROM log")),
                 std::int64_t{kinds * perKind * perThread});
        mvcc::MvccStore& store = *mvccStoreOf(*db);
        store.collectGarbage();
        QCOMPARE(store.stats().liveVersions, std::uint64_t{kinds * perKind * perThread + 1});
    }

    // 16 threads allocate ids the naive way: read the largest id in the snapshot, insert
    // that plus one. Everyone races for the same next key; the INSERTs meet only at COMMIT
    // (first committer wins; a later one waits for an earlier-stamped committer still
    // preparing), so this drives the commit-time validation under real races. Each key must
    // be committed by exactly one transaction, and the ids must come out dense.
    void sameKeyInsertRace()
    {
        constexpr int threadsN = 16;
        constexpr int perThread = 500 / scale;
        auto db = test::openMvcc(nullptr);
        QVERIFY(db);
        auto setup = db->connect("setup");
        MUST(*setup, "CREATE TABLE slots (id INTEGER PRIMARY KEY, owner INTEGER)");

        Failures failures;
        Totals totals;
        std::vector<std::vector<std::int64_t>> claimed(threadsN);
        std::latch start(threadsN);
        std::vector<std::thread> threads;
        for (int w = 0; w < threadsN; ++w) {
            threads.emplace_back([&, w] {
                auto conn = db->connect("claimer-" + std::to_string(w));
                Counters stats;
                start.arrive_and_wait();
                for (int i = 0; i < perThread; ++i) {
                    std::int64_t id = -1;
                    auto body = [&](Connection& c) -> Result {
                        Result r = c.execute("SELECT id FROM slots ORDER BY id DESC LIMIT 1");
                        if (!r) return r;
                        id = r.rows.empty() ? 0 : r.rows[0][0].asInt() + 1;
                        std::this_thread::yield(); // let others claim the same id meanwhile
                        return c.execute("INSERT INTO slots VALUES (?, ?)", {id, w});
                    };
                    if (!transact(*conn, "BEGIN CONCURRENT", body, stats, failures)) break;
                    claimed[w].push_back(id);
                }
                totals.add(stats);
            });
        }
        for (auto& t : threads)
            t.join();
        QVERIFY2(failures.count() == 0, failures.text().c_str());
        const Counters c = totals.get();
        report("next-id claims", c);
        constexpr std::int64_t total = threadsN * perThread;
        QCOMPARE(c.commits, long{total});

        // Every id claimed by exactly one committed transaction, and stored with its owner.
        std::map<std::int64_t, int> owner;
        for (int w = 0; w < threadsN; ++w)
            for (std::int64_t id : claimed[w]) {
                const auto [it, fresh] = owner.emplace(id, w);
                QVERIFY2(fresh,
                         qPrintable(
                             QString("id %1 committed by workers %2 and %3").arg(id).arg(it->second).arg(w)));
            }
        QCOMPARE(static_cast<std::int64_t>(owner.size()), total);
        QCOMPARE(owner.begin()->first, std::int64_t{0});
        QCOMPARE(owner.rbegin()->first, total - 1);
        auto rows = setup->execute("SELECT id, owner FROM slots ORDER BY id");
        QVERIFY(rows.ok());
        QCOMPARE(static_cast<std::int64_t>(rows.rows.size()), total);
        for (const auto& row : rows.rows)
            QCOMPARE(row[1].asInt(), std::int64_t{owner.at(row[0].asInt())});
        mvcc::MvccStore& store = *mvccStoreOf(*db);
        store.collectGarbage();
        QCOMPARE(store.stats().liveVersions, static_cast<std::uint64_t>(total));
        // Checked last: without races the checks above prove nothing, but they say more when wrong.
        QVERIFY2(c.conflicts > 0, "no conflicts: the contention this test relies on did not happen");
    }

    // (e) GC under a long update-heavy run, checked at quiet points (a barrier between rounds
    // where no transaction is open): after a full collectGarbage() only the current version of
    // each key is left. During the first half an old snapshot stays open: it pins every
    // version ended since (exactly that many stay), and it still reads its old values.
    void gcBoundsLiveVersions()
    {
        constexpr int keys = 16;
        constexpr int threadsN = 8;
        constexpr int rounds = 8;
        constexpr int perRound = 250 / scale; // updates per thread per round
        auto db = test::openMvcc(nullptr);
        QVERIFY(db);
        mvcc::MvccStore& store = *mvccStoreOf(*db);
        auto setup = db->connect("setup");
        MUST(*setup, "CREATE TABLE kv (id INTEGER PRIMARY KEY, v INTEGER)");
        for (int k = 0; k < keys; ++k)
            MUST(*setup, "INSERT INTO kv VALUES (" + std::to_string(k) + ", 0)");
        store.collectGarbage();
        QCOMPARE(store.stats().liveVersions, std::uint64_t{keys});

        auto old = db->connect("old-snapshot");
        MUST(*old, "BEGIN CONCURRENT");
        QCOMPARE_ROWS(*old, "SELECT count(*), sum(v) FROM kv", std::to_string(keys) + "|0");

        Failures failures;
        Totals totals;
        std::atomic<long> commits{0};
        std::vector<std::string> roundErrors; // written only by the barrier's completion step
        int round = 0;
        auto atQuietPoint = [&]() noexcept {
            ++round;
            store.collectGarbage();
            const auto live = store.stats().liveVersions;
            const long done = commits.load();
            if (round <= rounds / 2) {
                // Every version ended since the old snapshot began is still visible to it.
                if (live != std::uint64_t(keys + done))
                    roundErrors.push_back("round " + std::to_string(round) + ": " + std::to_string(live) +
                                          " live versions with the old snapshot open, expected " +
                                          std::to_string(keys + done));
                Result r = old->execute("SELECT count(*), sum(v) FROM kv");
                if (r.rowsText() != std::to_string(keys) + "|0")
                    roundErrors.push_back("old snapshot reads " +
                                          (r.ok() ? r.rowsText() : r.error->describe()));
                if (round == rounds / 2 && !old->execute("COMMIT"))
                    roundErrors.push_back("old snapshot's COMMIT failed");
            } else if (live != std::uint64_t(keys)) {
                roundErrors.push_back("round " + std::to_string(round) + ": " + std::to_string(live) +
                                      " live versions after a full GC, expected " + std::to_string(keys));
            }
        };
        std::barrier quiet(threadsN, atQuietPoint);
        std::vector<std::thread> threads;
        for (int w = 0; w < threadsN; ++w) {
            threads.emplace_back([&, w] {
                auto conn = db->connect("updater-" + std::to_string(w));
                std::mt19937 rng(baseSeed + 200 + w);
                Counters stats;
                bool ok = true; // after a failure keep arriving at the barrier, or the others hang
                for (int r = 0; r < rounds; ++r) {
                    for (int i = 0; ok && i < perRound; ++i) {
                        const int id = static_cast<int>(rng() % keys);
                        auto body = [id](Connection& c) {
                            return c.execute("UPDATE kv SET v = v + 1 WHERE id = ?", {id});
                        };
                        ok = transact(*conn, "BEGIN CONCURRENT", body, stats, failures);
                        if (ok) commits.fetch_add(1);
                    }
                    quiet.arrive_and_wait();
                }
                totals.add(stats);
            });
        }
        for (auto& t : threads)
            t.join();
        QVERIFY2(failures.count() == 0, failures.text().c_str());
        std::string errors;
        for (const auto& e : roundErrors)
            errors += e + "\n";
        QVERIFY2(roundErrors.empty(), errors.c_str());
        QCOMPARE(round, rounds);

        const auto stats = store.stats();
        const long updates = threadsN * rounds * perRound;
        QCOMPARE(commits.load(), updates);
        QCOMPARE(stats.liveVersions, std::uint64_t{keys});
        QCOMPARE(stats.versionsReclaimed, static_cast<std::uint64_t>(updates));
        QCOMPARE(intOf(setup->execute("SELECT sum(v) FROM kv")), std::int64_t{updates});
        // Chains are back to one version each.
        for (int k = 0; k < keys; ++k)
            QCOMPARE(store.versionsOf("kv", k).size(), std::size_t{1});
    }

    // The inline collector (a small batch at every commit, the low-water mark refreshed every
    // 64 commits, without anyone calling collectGarbage) must keep up with an update-heavy run
    // by itself. While the threads run, a descheduled one may pin versions for any length of
    // time, so the bound is checked after them: 128 more commits from one thread, touching
    // every key, contain at least one refresh of the mark at the 65th commit or later, when
    // nothing else is open. At most the 63 versions ended after it may remain: no garbage from
    // the threaded run survives.
    void gcRunsInline()
    {
        constexpr int keys = 16;
        constexpr int threadsN = 8;
        constexpr int perThread = 1000 / scale;
        constexpr int tail = 128;
        auto db = test::openMvcc(nullptr);
        QVERIFY(db);
        mvcc::MvccStore& store = *mvccStoreOf(*db);
        auto setup = db->connect("setup");
        MUST(*setup, "CREATE TABLE kv (id INTEGER PRIMARY KEY, v INTEGER)");
        for (int k = 0; k < keys; ++k)
            MUST(*setup, "INSERT INTO kv VALUES (" + std::to_string(k) + ", 0)");

        Failures failures;
        std::vector<std::thread> threads;
        for (int w = 0; w < threadsN; ++w) {
            threads.emplace_back([&, w] {
                auto conn = db->connect("updater-" + std::to_string(w));
                std::mt19937 rng(baseSeed + 300 + w);
                Counters stats;
                for (int i = 0; i < perThread; ++i) {
                    const int id = static_cast<int>(rng() % keys);
                    auto body = [id](Connection& c) {
                        return c.execute("UPDATE kv SET v = v + 1 WHERE id = ?", {id});
                    };
                    if (!transact(*conn, "BEGIN CONCURRENT", body, stats, failures)) break;
                }
            });
        }
        for (auto& t : threads)
            t.join();
        QVERIFY2(failures.count() == 0, failures.text().c_str());
        QVERIFY(store.stats().gcPasses > 0);

        for (int i = 0; i < tail; ++i)
            MUST(*setup, "UPDATE kv SET v = v + 1 WHERE id = " + std::to_string(i % keys));
        const auto stats = store.stats();
        const std::uint64_t updates = threadsN * perThread + tail;
        QVERIFY2(stats.liveVersions >= keys && stats.liveVersions < keys + 64,
                 qPrintable(QString("%1 live versions for %2 keys after %3 updates without a full GC")
                                .arg(stats.liveVersions)
                                .arg(keys)
                                .arg(updates)));
        QVERIFY(stats.versionsReclaimed > updates - 64);
        QCOMPARE(intOf(setup->execute("SELECT sum(v) FROM kv")), static_cast<std::int64_t>(updates));
    }

    // An old snapshot pins exactly the versions ended after it began (the low-water mark
    // rule) and still reads its values; a younger snapshot pins only what ended after it;
    // once both end a full GC leaves one version per key. Single-threaded: exact counts.
    void gcOldSnapshotPinsVersions()
    {
        constexpr int keys = 8;
        constexpr int updatesPerHalf = 100;
        auto db = test::openMvcc(nullptr);
        QVERIFY(db);
        mvcc::MvccStore& store = *mvccStoreOf(*db);
        auto writer = db->connect("writer");
        MUST(*writer, "CREATE TABLE kv (id INTEGER PRIMARY KEY, v INTEGER)");
        for (int k = 0; k < keys; ++k)
            MUST(*writer, "INSERT INTO kv VALUES (" + std::to_string(k) + ", " + std::to_string(k) + ")");
        const std::string initialRows = "0|0, 1|1, 2|2, 3|3, 4|4, 5|5, 6|6, 7|7";

        auto old = db->connect("old");
        MUST(*old, "BEGIN CONCURRENT");
        for (int i = 0; i < updatesPerHalf; ++i)
            MUST(*writer, "UPDATE kv SET v = v + 100 WHERE id = " + std::to_string(i % keys));
        store.collectGarbage();
        QCOMPARE(store.stats().liveVersions, std::uint64_t{keys + updatesPerHalf});
        QCOMPARE_ROWS(*old, "SELECT id, v FROM kv ORDER BY id", initialRows);
        QCOMPARE(store.versionsOf("kv", 0).size(), std::size_t{1 + (updatesPerHalf + keys - 1) / keys});

        auto young = db->connect("young");
        MUST(*young, "BEGIN CONCURRENT");
        const auto youngRows = young->execute("SELECT id, v FROM kv ORDER BY id").rowsText();
        for (int i = 0; i < updatesPerHalf; ++i)
            MUST(*writer, "UPDATE kv SET v = v + 1 WHERE id = " + std::to_string(i % 2)); // keys 0 and 1
        store.collectGarbage();
        QCOMPARE(store.stats().liveVersions, std::uint64_t{keys + 2 * updatesPerHalf});
        MUST(*old, "COMMIT");
        store.collectGarbage();
        // Now only the young snapshot holds: versions ended after it began.
        QCOMPARE(store.stats().liveVersions, std::uint64_t{keys + updatesPerHalf});
        QCOMPARE_ROWS(*young, "SELECT id, v FROM kv ORDER BY id", youngRows);
        MUST(*young, "COMMIT");
        store.collectGarbage();
        QCOMPARE(store.stats().liveVersions, std::uint64_t{keys});
        for (int k = 0; k < keys; ++k)
            QCOMPARE(store.versionsOf("kv", k).size(), std::size_t{1});
        QCOMPARE_ROWS(*writer, "SELECT sum(v) FROM kv",
                      std::to_string(28 + 100 * updatesPerHalf + updatesPerHalf));
    }
};

QTEST_GUILESS_MAIN(TestMvccStress)
#include "tst_mvcc_stress.moc"
