// An MVCC database on a file keeps what it commits: the logical log is replayed at open, DDL
// included; checkpoints move the rows into the SQLite file (readable by plain SQLite) and
// shorten the log; PRAGMA synchronous decides whether COMMIT waits for fdatasync.

#include "engine/backend/MvccBackend.h"
#include "engine/mvcc/MvccStore.h"
#include "support/PlainSqlite.h"
#include "support/TestDb.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <set>
#include <sqlite3.h>
#include <thread>
#include <unistd.h>

using namespace txs;

using txs::test::plainSqlite;

namespace {

using test::openFile;

// Stands in for the log's fdatasync (Durability::setSyncHook): counts the syncs, holds the ones
// numbered in `held` until the test lets them go, and fails those numbered in `failing` (EIO).
// Tests wait on it with barriers, never on time.
struct SyncGate
{
    std::set<int> held, failing;
    std::mutex mutex;
    std::condition_variable changed;
    int calls = 0;
    int released = 0; // syncs up to this number may return

    int sync(int fd)
    {
        std::unique_lock lock(mutex);
        const int n = ++calls;
        changed.notify_all();
        if (held.count(n)) changed.wait(lock, [&] { return released >= n; });
        if (failing.count(n)) {
            errno = EIO;
            return -1;
        }
        return ::fdatasync(fd);
    }
    void waitForCall(int n)
    {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return calls >= n; });
    }
    void release(int n)
    {
        std::lock_guard lock(mutex);
        released = n;
        changed.notify_all();
    }
};

// A file database with a table t, whose log syncs through `gate` from the moment the table
// exists. The gate is the first member, so it outlives the database that calls it.
struct GatedDatabase
{
    SyncGate gate;
    std::shared_ptr<Database> db;
    mvcc::Durability* durability;
    std::unique_ptr<Connection> setup;

    GatedDatabase(const QString& path, std::set<int> held, std::set<int> failing = {})
        : db(openFile(path)), durability(mvccStoreOf(*db)->durability()), setup(db->connect())
    {
        const auto created = setup->execute("CREATE TABLE t (id INTEGER PRIMARY KEY)");
        if (!created.ok()) qFatal("CREATE TABLE t: %s", created.error->message.c_str());
        gate.held = std::move(held);
        gate.failing = std::move(failing);
        durability->setSyncHook([this](int fd) { return gate.sync(fd); });
    }
};

// One INSERT in a BEGIN CONCURRENT transaction (an autocommit write would take the exclusive
// lock) on its own connection and thread; its outcome once joined.
struct Committer
{
    std::optional<Error> error;
    std::thread thread;
    Committer(Database& db, int id)
        : thread([this, &db, id] {
              auto c = db.connect();
              auto r =
                  c->execute("BEGIN CONCURRENT; INSERT INTO t VALUES (" + std::to_string(id) + "); COMMIT");
              if (!r.ok()) error = *r.error;
          })
    {}
    void join() { thread.join(); }
};

} // namespace

class TestMvccDurability : public QObject
{
    Q_OBJECT

    QTemporaryDir dir;
    QString path() const { return dir.filePath("x.db"); }

private slots:
    void init()
    {
        QFile::remove(path());
        QFile::remove(path() + "-log");
    }

    void memoryDatabasesStayInMemory()
    {
        auto db = test::openMvcc();
        QVERIFY(db);
        QVERIFY(mvccStoreOf(*db)->durability() == nullptr);
    }

    void reopenReplaysTheLog()
    {
        {
            auto db = openFile(path());
            QVERIFY(db);
            auto c = db->connect();
            MUST(*c, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL, data BLOB)");
            MUST(*c, "CREATE TABLE h (a, b)"); // hidden rowid
            MUST(*c, "INSERT INTO t VALUES (1, 'one', 1.5, x'00ff'), (2, 'two', NULL, NULL)");
            MUST(*c, "BEGIN CONCURRENT");
            MUST(*c, "INSERT INTO t VALUES (3, 'three', 3.0, NULL)");
            MUST(*c, "UPDATE t SET name = 'ONE' WHERE id = 1");
            MUST(*c, "DELETE FROM t WHERE id = 2");
            MUST(*c, "INSERT INTO h VALUES ('x', 1), ('y', 2)");
            MUST(*c, "COMMIT");
            MUST(*c, "BEGIN");
            MUST(*c, "INSERT INTO t VALUES (9, 'rolled back', 0, NULL)");
            MUST(*c, "ROLLBACK");
        }
        QVERIFY(QFile::exists(path() + "-log"));
        auto db = openFile(path());
        QVERIFY(db);
        QVERIFY(mvccStoreOf(*db)->durability()->recoveryNotes().empty());
        auto c = db->connect();
        QCOMPARE_ROWS(*c, "SELECT id, name, score, hex(data) FROM t ORDER BY id",
                      "1|ONE|1.5|00FF, 3|three|3.0|");
        QCOMPARE_ROWS(*c, "SELECT rowid, a, b FROM h ORDER BY rowid", "1|x|1, 2|y|2");
        // The clock and the rowid allocators continue after what was recovered.
        MUST(*c, "INSERT INTO h VALUES ('z', 3)");
        QCOMPARE_ROWS(*c, "SELECT rowid FROM h WHERE a = 'z'", "3");
        MUST(*c, "INSERT INTO t (name) VALUES ('next')");
        QCOMPARE_ROWS(*c, "SELECT id FROM t WHERE name = 'next'", "4");
    }

    void ddlIsReplayedInOrder()
    {
        {
            auto db = openFile(path());
            auto c = db->connect();
            MUST(*c, "CREATE TABLE t (id INTEGER PRIMARY KEY, v)");
            MUST(*c, "INSERT INTO t VALUES (1, 'old')");
            MUST(*c, "DROP TABLE t");
            MUST(*c, "CREATE TABLE t (id INTEGER PRIMARY KEY, a, b)");
            MUST(*c, "INSERT INTO t VALUES (2, 'new', 'b')");
            MUST(*c, "CREATE TABLE gone (x)");
            MUST(*c, "DROP TABLE gone");
        }
        auto db = openFile(path());
        auto c = db->connect();
        QCOMPARE_ROWS(*c, "SELECT * FROM t", "2|new|b");
        QVERIFY(!c->execute("SELECT * FROM gone").ok());
    }

    void checkpointWritesARealSqliteFile()
    {
        {
            auto db = openFile(path());
            auto c = db->connect();
            MUST(*c, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)");
            MUST(*c, "CREATE TABLE h (a)");
            MUST(*c, "INSERT INTO t VALUES (1, 'one'), (2, 'two'), (3, 'three')");
            MUST(*c, "INSERT INTO h VALUES ('p'), ('q')");
            MUST(*c, "DELETE FROM t WHERE id = 2");
            auto r = c->execute("PRAGMA wal_checkpoint(TRUNCATE)");
            QVERIFY2(r.ok(), r.ok() ? "" : r.error->message.c_str());
            QCOMPARE(r.rows.at(0).at(2).asInt(), 5);         // rows 1, 2 (deleted), 3, and h's two
            QCOMPARE(QFileInfo(path() + "-log").size(), 24); // the header alone
            // Commits after the checkpoint go to the new log.
            MUST(*c, "UPDATE t SET name = 'THREE' WHERE id = 3");
            // Plain SQLite reads the checkpointed rows while the MVCC database is open.
            QCOMPARE(plainSqlite(path(), "SELECT id, name FROM t ORDER BY id"), QString("1|one, 3|three"));
            QCOMPARE(plainSqlite(path(), "SELECT rowid, a FROM h ORDER BY rowid"), QString("1|p, 2|q"));
        }
        auto db = openFile(path());
        auto c = db->connect();
        QCOMPARE_ROWS(*c, "SELECT id, name FROM t ORDER BY id", "1|one, 3|THREE");
        MUST(*c, "PRAGMA wal_checkpoint");
        QCOMPARE(plainSqlite(path(), "SELECT id, name FROM t ORDER BY id"), QString("1|one, 3|THREE"));
    }

    void automaticCheckpointBoundsTheLog()
    {
        auto db = openFile(path());
        auto c = db->connect();
        QCOMPARE_ROWS(*c, "PRAGMA mvcc_checkpoint_threshold", "4120000");
        MUST(*c, "PRAGMA mvcc_checkpoint_threshold = 2000");
        MUST(*c, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
        for (int i = 1; i <= 300; ++i)
            MUST(*c, "INSERT INTO t VALUES (" + std::to_string(i) + ", 'value " + std::to_string(i) + "')");
        // The checkpointer thread keeps up: soon after the last commit the log is short again.
        QTRY_VERIFY(QFileInfo(path() + "-log").size() < 4000);
        // Plain SQLite reads the checkpointed rows. The checkpointer may be writing a batch when it
        // reads ("database is locked": it waits for no lock), so read until it reads; once it has,
        // `seen` holds, as QTRY evaluates its condition a last time after the loop.
        bool seen = false;
        QTRY_VERIFY(seen || (seen = plainSqlite(path(), "SELECT count(*) > 250 FROM t") == "1"));
        c.reset();
        db.reset();
        db = openFile(path());
        c = db->connect();
        QCOMPARE_ROWS(*c, "SELECT count(*), sum(id) FROM t", "300|45150");
    }

    void synchronousFullSyncsBeforeCommitReturns()
    {
        auto db = openFile(path());
        auto* durability = mvccStoreOf(*db)->durability();
        auto c = db->connect();
        QCOMPARE_ROWS(*c, "PRAGMA synchronous", "2");
        MUST(*c, "CREATE TABLE t (id INTEGER PRIMARY KEY)");
        auto before = durability->logSyncs();
        MUST(*c, "INSERT INTO t VALUES (1)");
        QCOMPARE(durability->logSyncs(), before + 1);
        MUST(*c, "PRAGMA synchronous = NORMAL");
        before = durability->logSyncs();
        MUST(*c, "INSERT INTO t VALUES (2)");
        MUST(*c, "PRAGMA synchronous = OFF");
        MUST(*c, "INSERT INTO t VALUES (3)");
        QCOMPARE(durability->logSyncs(), before);
    }

    void groupCommitSharesSyncs()
    {
        constexpr int threads = 8, perThread = 40;
        {
            auto db = openFile(path());
            auto setup = db->connect();
            MUST(*setup, "CREATE TABLE t (id INTEGER PRIMARY KEY, w INT, i INT)");
            auto* durability = mvccStoreOf(*db)->durability();
            const auto before = durability->logSyncs();
            std::vector<std::thread> workers;
            std::atomic<int> failures{0};
            for (int w = 0; w < threads; ++w)
                workers.emplace_back([&, w] {
                    auto c = db->connect();
                    for (int i = 0; i < perThread; ++i) {
                        const auto r = c->execute("BEGIN CONCURRENT; INSERT INTO t (w, i) VALUES (" +
                                                  std::to_string(w) + ", " + std::to_string(i) + "); COMMIT");
                        if (!r.ok()) ++failures;
                    }
                });
            for (auto& t : workers)
                t.join();
            QCOMPARE(failures.load(), 0);
            // Every commit was synced, never more than once each; concurrent ones may share.
            QVERIFY(durability->logSyncs() - before <= threads * perThread);
            QVERIFY(durability->logSyncs() - before >= 1);
        }
        auto db = openFile(path());
        auto c = db->connect();
        QCOMPARE_ROWS(*c, "SELECT count(*), count(DISTINCT id) FROM t", "320|320");
    }

    // A sync leader waits for write transactions in flight, but only as long as a sync takes:
    // one left open (a user's BEGIN in the window) never holds other commits back for good,
    // and each of their commits is still synced before COMMIT returns.
    void groupCommitDoesNotWaitForAnOpenTransaction()
    {
        auto db = openFile(path());
        auto* durability = mvccStoreOf(*db)->durability();
        auto open = db->connect();
        auto c = db->connect();
        MUST(*c, "CREATE TABLE t (id INTEGER PRIMARY KEY, w INT)");
        MUST(*open, "BEGIN CONCURRENT");
        MUST(*open, "INSERT INTO t (w) VALUES (-1)"); // written, never committed: in flight
        const auto before = durability->logSyncs();
        for (int i = 0; i < 20; ++i)
            MUST(*c, "INSERT INTO t (w) VALUES (" + std::to_string(i) + ")");
        QCOMPARE(durability->logSyncs(), before + 20);
        MUST(*open, "ROLLBACK"); // leaves the flight: the next commit has nobody to wait for
        MUST(*c, "INSERT INTO t (w) VALUES (20)");
        QCOMPARE(durability->logSyncs(), before + 21);
        QCOMPARE_ROWS(*c, "SELECT count(*) FROM t", "21");
    }

    // A committer that finds a sync running queues; when it returns, the leader starts the next
    // sync at once for everything queued (one sync for all of them, not one each), and a
    // committer queued during that one is handed the sync after it. Every COMMIT returns only
    // after a sync that covered its frame.
    void queuedCommittersShareTheNextSync()
    {
        GatedDatabase gated(path(), {1, 2});
        auto& [gate, db, durability, setup] = gated;
        const auto before = durability->logSyncs();
        Committer leader(*db, 1);
        gate.waitForCall(1); // the leader's sync is running, held
        Committer a(*db, 2), b(*db, 3);
        QTRY_COMPARE(durability->syncCounts().queued, std::uint64_t{2});
        gate.release(1);     // the first sync returns; the second, for both queued, starts at once
        gate.waitForCall(2); // (run by the leader: its own commit is done, it has not returned)
        QCOMPARE(durability->syncCounts().queued, std::uint64_t{2}); // covered by the running sync
        Committer c(*db, 4), d(*db, 5);
        QTRY_COMPARE(durability->syncCounts().queued, std::uint64_t{4});
        gate.release(2); // covers a and b; c and d queued after it began: the oldest leads the third
        for (auto* w : {&leader, &a, &b, &c, &d}) {
            w->join();
            QVERIFY2(!w->error, w->error ? w->error->message.c_str() : "");
        }
        QCOMPARE(durability->logSyncs(), before + 3);
        QCOMPARE(gate.calls, 3);
        QCOMPARE(durability->syncCounts().queued, std::uint64_t{0});
        QCOMPARE_ROWS(*setup, "SELECT count(*) FROM t", "5");
    }

    // A failed sync fails exactly the commits it covered: the leader's own commit, covered by a
    // sync that succeeded, is acknowledged; each committer that sync did not cover gets the
    // failed one's error (committed and in the log, not durable); and the log then takes no more
    // commits, since a frame lost in the failed sync takes every later one with it at recovery.
    void aFailedSyncFailsExactlyTheCommitsItCovered()
    {
        GatedDatabase gated(path(), {1}, {2});
        auto& [gate, db, durability, setup] = gated;
        Committer leader(*db, 1);
        gate.waitForCall(1);
        Committer a(*db, 2), b(*db, 3);
        QTRY_COMPARE(durability->syncCounts().queued, std::uint64_t{2});
        gate.release(1);
        leader.join();
        a.join();
        b.join();
        QVERIFY2(!leader.error, leader.error ? leader.error->message.c_str() : "");
        for (auto* w : {&a, &b}) {
            QVERIFY(w->error);
            QCOMPARE(w->error->kind, ErrorKind::Io);
        }
        QCOMPARE(gate.calls, 2);
        QCOMPARE_ROWS(*setup, "SELECT count(*) FROM t", "3"); // committed, as COMMIT said
        const auto refused = setup->execute("INSERT INTO t VALUES (4)");
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error->kind, ErrorKind::Io);
        QCOMPARE_ROWS(*setup, "SELECT count(*) FROM t", "3"); // nothing committed
        QCOMPARE(gate.calls, 2);                              // and nothing synced after the failure
    }
};

QTEST_GUILESS_MAIN(TestMvccDurability)
#include "tst_mvcc_durability.moc"
