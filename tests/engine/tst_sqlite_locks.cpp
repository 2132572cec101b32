// DOMAIN.md's teaching scenarios on real SQLite, driven from one thread with several
// connections (connections of one process contend like processes). For each step the test
// asserts what the tracing VFS saw on the acting connection: every lock transition, every
// refused request, every busy-handler call and the error code.
//
// Connections run with busy_timeout 0: the engine's handler is still installed, so a call
// shows where SQLite would wait ("handler 0 give up"), and its absence where SQLite fails at once.

#include "engine/trace/LockState.h"
#include "support/SqliteTrace.h"
#include "support/TestDb.h"

#include <QTest>
#include <algorithm>

using namespace txs;
using namespace txs::test;

namespace {

// A database with table t (three rows) and named connections whose schema is already loaded,
// so the first traced step of each shows only the locks of the step itself.
struct Scene
{
    explicit Scene(JournalMode mode) : reader(log)
    {
        db = openSqlite(dir, mode, log);
        if (!db) return;
        auto setup = db->connect("setup");
        setup->execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v); INSERT INTO t(v) VALUES (1), (2), (3)");
    }

    Connection& open(const std::string& name)
    {
        connections.push_back(db->connect(name));
        connections.back()->execute("SELECT count(*) FROM t");
        return *connections.back();
    }

    // The events of one step, after everything before it was read.
    void mark() { reader.take(); }
    std::vector<Event> step() { return reader.take(); }

    QTemporaryDir dir;
    std::shared_ptr<TraceLog> log = std::make_shared<TraceLog>();
    std::shared_ptr<Database> db;
    TraceReader reader;
    std::vector<std::unique_ptr<Connection>> connections;
};

int rowCount(Connection& c)
{
    const Result r = c.execute("SELECT count(*) FROM t");
    return r.ok() && !r.rows.empty() ? static_cast<int>(r.rows[0][0].asInt()) : -1;
}

// Runs `sql` on `c` and returns the step's lock trail of `c`; `code` gets the extended result code.
QStringList stepTrail(Scene& s, Connection& c, const std::string& sql, int& code)
{
    s.mark();
    const Result r = c.execute(sql);
    code = r.ok() ? 0 : r.error->extendedCode;
    return lockTrail(s.step(), c.id());
}

} // namespace

class TestSqliteLocks : public QObject
{
    Q_OBJECT

private slots:
    // 1. A BEGIN; SELECT holds SHARED. B BEGIN IMMEDIATE; INSERT; COMMIT waits at PENDING for A.
    // A's INSERT wants RESERVED, which B holds: SQLite returns BUSY at once without calling the
    // handler, because waiting could never succeed (B waits for A).
    void deferredUpgradeDeadlock()
    {
        Scene s(JournalMode::Delete);
        QVERIFY(s.db);
        Connection& a = s.open("A");
        Connection& b = s.open("B");
        int code = -1;

        QCOMPARE(stepTrail(s, a, "BEGIN", code), QStringList{});
        QCOMPARE(stepTrail(s, a, "SELECT count(*) FROM t", code), QStringList{"+db SHARED"});
        QCOMPARE(stepTrail(s, b, "BEGIN IMMEDIATE", code), (QStringList{"+db SHARED", "+db RESERVED"}));
        QCOMPARE(stepTrail(s, b, "INSERT INTO t(v) VALUES (4)", code), QStringList{});

        QCOMPARE(stepTrail(s, b, "COMMIT", code),
                 (QStringList{"+db PENDING", "?db EXCLUSIVE", "handler 0 give up", "BUSY 5"}));
        QCOMPARE(code, rc::Busy);
        QVERIFY(b.transaction().active); // a COMMIT refused with BUSY leaves the transaction open

        const auto deadlock = [&] {
            s.mark();
            const Result r = a.execute("INSERT INTO t(v) VALUES (5)");
            return std::make_pair(r, s.step());
        }();
        QVERIFY(!deadlock.first.ok());
        QCOMPARE(deadlock.first.error->extendedCode, rc::Busy);
        QCOMPARE(lockTrail(deadlock.second, a.id()), (QStringList{"?db RESERVED", "BUSY 5"}));
        QCOMPARE(countEvents(deadlock.second, EventKind::BusyHandlerCall), 0);
        // The writer is left at PENDING (what blocks new readers), the reader at SHARED.
        const LockState state = lockStateAt(s.reader.all(), s.reader.all().back().timeNs);
        QCOMPARE(state.level(b.id(), LockResource::DbFile), LockLevel::Pending);
        QCOMPARE(state.level(a.id(), LockResource::DbFile), LockLevel::Shared);

        // The fix is to retry the whole transaction: A rolls back, then B's COMMIT goes through.
        QCOMPARE(stepTrail(s, a, "ROLLBACK", code), QStringList{"-db NONE"});
        QCOMPARE(stepTrail(s, b, "COMMIT", code), (QStringList{"+db EXCLUSIVE", "-db SHARED", "-db NONE"}));
        QCOMPARE(code, 0);
        QCOMPARE(rowCount(a), 4);
        QCOMPARE(txTrail(s.reader.all(), a.id()), (QStringList{"begin deferred", "rollback user"}));
        QCOMPARE(txTrail(s.reader.all(), b.id()), (QStringList{"begin immediate", "commit"}));
    }

    // 2. In WAL, A's read transaction pins a snapshot; B commits; A's first write gets the WRITE
    // lock, sees the snapshot is stale, drops WRITE and fails with BUSY_SNAPSHOT without calling
    // the handler. Retrying the statement can never work; only a new transaction can.
    void staleWalSnapshot()
    {
        Scene s(JournalMode::Wal);
        QVERIFY(s.db);
        Connection& a = s.open("A");
        Connection& b = s.open("B");
        int code = -1;

        // The WAL is empty (the set-up connection checkpointed it when it closed): A reads the
        // database file alone, under READ0.
        MUST(a, "BEGIN");
        QCOMPARE(stepTrail(s, a, "SELECT count(*) FROM t", code), QStringList{"+READ0 SHARED"});
        // B restarts the WAL from the beginning, so it moves from READ0 to a READ slot whose
        // mark it sets (READ1, taken EXCLUSIVE for a moment), before writing its frames.
        QCOMPARE(stepTrail(s, b, "INSERT INTO t(v) VALUES (4)", code),
                 (QStringList{"+READ0 SHARED", "+WRITE EXCLUSIVE", "-READ0 NONE", "+READ1 EXCLUSIVE",
                              "-READ1 NONE", "+READ1 SHARED", "-WRITE NONE", "-READ1 NONE"}));

        for (int attempt = 0; attempt < 3; ++attempt) {
            s.mark();
            const Result r = a.execute("INSERT INTO t(v) VALUES (5)");
            const auto events = s.step();
            QVERIFY(!r.ok());
            QCOMPARE(r.error->extendedCode, rc::BusySnapshot);
            QCOMPARE(r.error->kind, ErrorKind::BusySnapshot);
            QCOMPARE(lockTrail(events, a.id()), (QStringList{"+WRITE EXCLUSIVE", "-WRITE NONE", "BUSY 517"}));
            QCOMPARE(countEvents(events, EventKind::BusyHandlerCall), 0);
        }
        QCOMPARE(stepTrail(s, a, "ROLLBACK", code), QStringList{"-READ0 NONE"});
        MUST(a, "BEGIN IMMEDIATE; INSERT INTO t(v) VALUES (5); COMMIT");
        QCOMPARE(rowCount(a), 5);
    }

    // 3. A long reader keeps SHARED. The writer's COMMIT takes PENDING, is refused EXCLUSIVE
    // (the handler is called: this is a wait that can end) and returns BUSY with the transaction
    // still open. While it sits at PENDING, new readers are refused SHARED. When the reader
    // ends, retrying COMMIT works.
    void readersBlockCommit()
    {
        Scene s(JournalMode::Delete);
        QVERIFY(s.db);
        Connection& reader = s.open("R");
        Connection& writer = s.open("W");
        Connection& late = s.open("N");
        int code = -1;

        QCOMPARE(stepTrail(s, reader, "BEGIN; SELECT count(*) FROM t", code), QStringList{"+db SHARED"});
        QCOMPARE(stepTrail(s, writer, "BEGIN; INSERT INTO t(v) VALUES (4)", code),
                 (QStringList{"+db SHARED", "+db RESERVED"}));
        QCOMPARE(stepTrail(s, writer, "COMMIT", code),
                 (QStringList{"+db PENDING", "?db EXCLUSIVE", "handler 0 give up", "BUSY 5"}));
        QCOMPARE(code, rc::Busy);
        QVERIFY(writer.transaction().active);

        QCOMPARE(stepTrail(s, late, "SELECT count(*) FROM t", code),
                 (QStringList{"?db SHARED", "handler 0 give up", "BUSY 5"}));
        QCOMPARE(code, rc::Busy);

        QCOMPARE(stepTrail(s, reader, "COMMIT", code), QStringList{"-db NONE"});
        QCOMPARE(stepTrail(s, writer, "COMMIT", code),
                 (QStringList{"+db EXCLUSIVE", "-db SHARED", "-db NONE"}));
        QCOMPARE(code, 0);
        QCOMPARE(rowCount(late), 4);
        QCOMPARE(txTrail(s.reader.all(), writer.id()), (QStringList{"begin deferred", "commit"}));
    }

    // 3b. The same refusal on an autocommit INSERT rolls the statement back: nothing is written.
    void readersBlockAutocommitWrite()
    {
        Scene s(JournalMode::Delete);
        QVERIFY(s.db);
        Connection& reader = s.open("R");
        Connection& writer = s.open("W");
        int code = -1;

        MUST(reader, "BEGIN; SELECT count(*) FROM t");
        QCOMPARE(stepTrail(s, writer, "INSERT INTO t(v) VALUES (4)", code),
                 (QStringList{"+db SHARED", "+db RESERVED", "+db PENDING", "?db EXCLUSIVE",
                              "handler 0 give up", "-db SHARED", "-db NONE", "BUSY 5"}));
        QCOMPARE(code, rc::Busy);
        QVERIFY(!writer.transaction().active);
        MUST(reader, "COMMIT");
        QCOMPARE(rowCount(writer), 3);
    }

    // 4. With a 10-page cache, a big INSERT must spill dirty pages mid-statement, which needs
    // EXCLUSIVE. Refused (a reader holds SHARED), the spill is skipped and the statement goes on,
    // but the writer stays at PENDING: new readers are now refused. The handler is called for
    // the first refusal only; later spills of the same statement fail at once.
    void cacheSpillLeavesPending()
    {
        Scene s(JournalMode::Delete);
        QVERIFY(s.db);
        Connection& reader = s.open("R");
        Connection& writer = s.open("W");
        Connection& late = s.open("N");
        int code = -1;

        MUST(reader, "BEGIN; SELECT count(*) FROM t");
        MUST(writer, "PRAGMA cache_size = 10");
        MUST(writer, "BEGIN");
        s.mark();
        const Result big =
            writer.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) "
                           "INSERT INTO t(v) SELECT randomblob(1000) FROM n");
        const auto events = s.step();
        QVERIFY2(big.ok(), big.ok() ? "" : big.error->describe().c_str());
        QCOMPARE(big.changes, 200);
        QCOMPARE(lockTrail(events, writer.id()),
                 (QStringList{"+db SHARED", "+db RESERVED", "+db PENDING", "?db EXCLUSIVE",
                              "handler 0 give up", "?db EXCLUSIVE"}));
        QCOMPARE(countEvents(events, EventKind::BusyHandlerCall), 1);
        QVERIFY(countEvents(events, EventKind::LockWait) > 1); // one per refused spill

        QCOMPARE(stepTrail(s, late, "SELECT count(*) FROM t", code),
                 (QStringList{"?db SHARED", "handler 0 give up", "BUSY 5"}));
        QCOMPARE(code, rc::Busy);

        MUST(reader, "COMMIT");
        QCOMPARE(stepTrail(s, writer, "COMMIT", code),
                 (QStringList{"+db EXCLUSIVE", "-db SHARED", "-db NONE"}));
        QCOMPARE(rowCount(late), 203);
    }

    // 5. A reader's snapshot keeps the WAL from being checkpointed past it. TRUNCATE takes CKPT
    // and WRITE, waits (handler) for the reader's READ slot, backfills what it can and reports
    // busy=1 in its row, the statement itself succeeding. PASSIVE stops at the reader without
    // calling the handler. Once the reader is gone TRUNCATE empties the WAL.
    void checkpointStarvation()
    {
        Scene s(JournalMode::Wal);
        QVERIFY(s.db);
        Connection& reader = s.open("R");
        Connection& writer = s.open("W");
        Connection& checkpointer = s.open("C");

        MUST(reader, "BEGIN; SELECT count(*) FROM t");
        for (int i = 0; i < 3; ++i)
            MUST(writer, "INSERT INTO t(v) VALUES (10)");

        s.mark();
        const Result passive = checkpointer.execute("PRAGMA wal_checkpoint(PASSIVE)");
        const auto passiveEvents = s.step();
        QVERIFY(passive.ok());
        // The reader started on an empty WAL and reads the database file itself under READ0:
        // while it does, no frame can be copied into the file (that needs READ0 EXCLUSIVE).
        QCOMPARE(passive.rows[0][0].asInt(), 0); // PASSIVE does not report the reader as busy
        QCOMPARE(passive.rows[0][1].asInt(), 3); // three frames in the WAL
        QCOMPARE(passive.rows[0][2].asInt(), 0); // none checkpointed
        QCOMPARE(lockTrail(passiveEvents, checkpointer.id()),
                 (QStringList{"+CKPT EXCLUSIVE", "+READ1 EXCLUSIVE", "-READ1 NONE", "?READ0 EXCLUSIVE",
                              "-CKPT NONE"}));
        QCOMPARE(countEvents(passiveEvents, EventKind::BusyHandlerCall), 0);

        s.mark();
        const Result truncate = checkpointer.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        const auto events = s.step();
        QVERIFY(truncate.ok());
        QCOMPARE(truncate.rows[0][0].asInt(), 1); // busy
        QCOMPARE(truncate.rows[0][1].asInt(), 3);
        QCOMPARE(truncate.rows[0][2].asInt(), 0);
        QCOMPARE(lockTrail(events, checkpointer.id()),
                 (QStringList{"+CKPT EXCLUSIVE", "+WRITE EXCLUSIVE", "?READ0 EXCLUSIVE", "handler 0 give up",
                              "-WRITE NONE", "-CKPT NONE"}));

        MUST(reader, "COMMIT");
        QCOMPARE_ROWS(checkpointer, "PRAGMA wal_checkpoint(TRUNCATE)", "0|0|0");
    }

    // 6. Switching to WAL needs EXCLUSIVE for a moment. A second program that starts while the
    // first holds a read lock gets "database is locked" from its PRAGMA journal_mode=WAL, here
    // from Database::open, whose own connection (0) shows where it stopped.
    void concurrentSwitchToWal()
    {
        Scene s(JournalMode::Delete);
        QVERIFY(s.db);
        Connection& other = s.open("other");
        MUST(other, "BEGIN; SELECT count(*) FROM t");
        s.mark();

        Error error;
        OpenOptions options;
        options.journalMode = JournalMode::Wal;
        options.trace = s.log;
        auto wal = Database::open(s.dir.filePath("test.db").toStdString(), options, &error);
        const auto events = s.step();
        QVERIFY(!wal);
        QCOMPARE(error.extendedCode, rc::Busy);
        QCOMPARE(QString::fromStdString(error.message), QString("database is locked"));
        QCOMPARE(lockTrail(events, 0),
                 (QStringList{"+db SHARED", "-db NONE", "+db SHARED", "-db NONE", // SELECT ... sqlite_schema
                              "+db SHARED", "+db RESERVED", "+db PENDING", "?db EXCLUSIVE",
                              "handler 0 give up", "-db SHARED", "-db NONE", "BUSY 5"}));

        MUST(other, "COMMIT");
        auto retried = Database::open(s.dir.filePath("test.db").toStdString(), options, &error);
        QVERIFY2(retried, error.describe().c_str());
    }

    // WAL writers: with the WRITE lock held by an idle writer, an autocommit INSERT waits (the
    // handler is called, BUSY after it gives up), but an INSERT inside a read transaction gets
    // BUSY at once: waiting would leave it with a stale snapshot anyway.
    void walWriterBusyRules()
    {
        Scene s(JournalMode::Wal);
        QVERIFY(s.db);
        Connection& holder = s.open("H");
        Connection& autocommit = s.open("A");
        Connection& inTx = s.open("T");
        int code = -1;

        MUST(holder, "BEGIN IMMEDIATE");
        QCOMPARE(
            stepTrail(s, autocommit, "INSERT INTO t(v) VALUES (4)", code),
            (QStringList{"+READ0 SHARED", "?WRITE EXCLUSIVE", "-READ0 NONE", "handler 0 give up", "BUSY 5"}));
        QCOMPARE(code, rc::Busy);

        MUST(inTx, "BEGIN; SELECT count(*) FROM t");
        QCOMPARE(stepTrail(s, inTx, "INSERT INTO t(v) VALUES (5)", code),
                 (QStringList{"?WRITE EXCLUSIVE", "BUSY 5"}));
        QCOMPARE(code, rc::Busy);

        // Who waits for whom at the instant of T's refused request: T waits for H's WRITE.
        const auto& all = s.reader.all();
        const auto wait = std::find_if(all.rbegin(), all.rend(), [&](const Event& e) {
            return e.kind == EventKind::LockWait && e.connection == inTx.id();
        });
        QVERIFY(wait != all.rend());
        const LockState state = lockStateAt(all, wait->timeNs);
        QCOMPARE(state.blockersOf(inTx.id()),
                 (std::vector<WaitEdge>{{inTx.id(), holder.id(), LockResource::ShmWrite, LockLevel::Exclusive,
                                         LockLevel::Exclusive}}));
        MUST(inTx, "ROLLBACK");
        MUST(holder, "COMMIT");
    }

    // The engine's handler sleeps on SQLite's schedule, bounded by busy_timeout, and records
    // each call with what it slept; a BusyHandler replaces the policy and is recorded too.
    void busyHandlerScheduleAndPolicy()
    {
        Scene s(JournalMode::Delete);
        QVERIFY(s.db);
        Connection& holder = s.open("H");
        Connection& waiter = s.open("W");
        MUST(holder, "BEGIN IMMEDIATE");

        waiter.setBusyTimeout(30); // 1 + 2 + 5 + 10 + 12 ms: the last sleep is cut to the bound
        s.mark();
        QVERIFY(!waiter.execute("INSERT INTO t(v) VALUES (4)").ok());
        std::vector<std::pair<std::int64_t, std::int64_t>> calls;
        for (const Event& e : s.step())
            if (e.kind == EventKind::BusyHandlerCall) calls.emplace_back(e.a, e.b);
        QCOMPARE(calls, (std::vector<std::pair<std::int64_t, std::int64_t>>{
                            {0, 1000}, {1, 2000}, {2, 5000}, {3, 10000}, {4, 12000}, {5, 0}}));

        std::vector<int> seen;
        waiter.setBusyHandler([&seen](int count) {
            seen.push_back(count);
            return count < 2;
        });
        int code = -1;
        QCOMPARE(stepTrail(s, waiter, "INSERT INTO t(v) VALUES (4)", code),
                 (QStringList{"+db SHARED", "?db RESERVED", "-db NONE", "handler 0 retry", "+db SHARED",
                              "?db RESERVED", "-db NONE", "handler 1 retry", "+db SHARED", "?db RESERVED",
                              "-db NONE", "handler 2 give up", "BUSY 5"}));
        QCOMPARE(seen, (std::vector<int>{0, 1, 2}));
        MUST(holder, "COMMIT");
    }
};

QTEST_GUILESS_MAIN(TestSqliteLocks)
#include "tst_sqlite_locks.moc"
