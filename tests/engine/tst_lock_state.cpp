// The lock-state projection: built from hand-made events (every rule of the projection), then
// from a log recorded on real SQLite, read at chosen instants.

#include "engine/trace/LockState.h"
#include "support/SqliteTrace.h"
#include "support/TestDb.h"

#include <QTest>
#include <algorithm>

using namespace txs;
using namespace txs::test;

namespace {

// Hand-made events: one per call, at increasing times (10 ns apart) unless given.
struct Script
{
    std::vector<Event> events;

    Script& add(EventKind kind, std::uint32_t connection, LockResource r = LockResource::DbFile,
                LockLevel l = LockLevel::None, std::int64_t timeNs = -1)
    {
        Event e;
        e.seq = events.size();
        e.timeNs = timeNs >= 0 ? timeNs : static_cast<std::int64_t>(events.size() + 1) * 10;
        e.kind = kind;
        e.connection = connection;
        e.a = static_cast<std::int64_t>(r);
        e.b = static_cast<std::int64_t>(l);
        events.push_back(e);
        return *this;
    }
    Script& acquire(std::uint32_t c, LockResource r, LockLevel l)
    {
        return add(EventKind::LockAcquire, c, r, l);
    }
    Script& release(std::uint32_t c, LockResource r, LockLevel l)
    {
        return add(EventKind::LockRelease, c, r, l);
    }
    Script& wait(std::uint32_t c, LockResource r, LockLevel l) { return add(EventKind::LockWait, c, r, l); }

    LockState state() const
    {
        LockState s;
        for (const Event& e : events)
            s.apply(e);
        return s;
    }
};

constexpr auto Db = LockResource::DbFile;
constexpr auto Write = LockResource::ShmWrite;
constexpr auto Read0 = LockResource::ShmRead0;
constexpr auto Shared = LockLevel::Shared;
constexpr auto Reserved = LockLevel::Reserved;
constexpr auto Pending = LockLevel::Pending;
constexpr auto Exclusive = LockLevel::Exclusive;
constexpr auto None = LockLevel::None;

} // namespace

class TestLockState : public QObject
{
    Q_OBJECT

private slots:
    void conflictRules()
    {
        // Database file, SQLite's rules.
        QVERIFY(!locksConflict(Db, Shared, Shared));
        QVERIFY(!locksConflict(Db, Reserved, Shared)); // readers may start beside a writer
        QVERIFY(locksConflict(Db, Pending, Shared));   // ... but not once it waits to commit
        QVERIFY(locksConflict(Db, Exclusive, Shared));
        QVERIFY(!locksConflict(Db, Shared, Reserved));
        QVERIFY(locksConflict(Db, Reserved, Reserved));
        QVERIFY(locksConflict(Db, Shared, Exclusive));
        QVERIFY(locksConflict(Db, Shared, Pending));
        QVERIFY(!locksConflict(Db, None, Exclusive));
        // shm slots and MVCC locks: reader-writer locks.
        QVERIFY(!locksConflict(Read0, Shared, Shared));
        QVERIFY(locksConflict(Read0, Shared, Exclusive));
        QVERIFY(locksConflict(Write, Exclusive, Exclusive));
        QVERIFY(locksConflict(LockResource::MvccCommit, Exclusive, Exclusive));
    }

    void levelsFollowAcquireAndRelease()
    {
        Script s;
        s.acquire(1, Db, Shared)
            .acquire(1, Db, Reserved)
            .acquire(2, Read0, Shared)
            .acquire(3, Write, Exclusive);
        s.acquire(4, LockResource::MvccExclusive, Exclusive);
        LockState state = s.state();
        QCOMPARE(state.level(1, Db), Reserved);
        QCOMPARE(state.connection(2).shm[3], Shared); // READ0 is slot 3 (xShmLock offset)
        QCOMPARE(state.level(3, Write), Exclusive);
        QCOMPARE(state.connection(4).mvccExclusive, Exclusive);
        QCOMPARE(state.holders(Db), (std::vector<std::pair<std::uint32_t, LockLevel>>{{1, Reserved}}));

        s.release(1, Db, Shared).release(3, Write, None);
        state = s.state();
        QCOMPARE(state.level(1, Db), Shared);
        QVERIFY(!state.connections().contains(3)); // holds and waits for nothing: not listed
        s.add(EventKind::ConnectionClose, 1);
        QVERIFY(!s.state().connections().contains(1)); // closing drops everything
        QCOMPARE(s.state().nextSeq(), s.events.size());
    }

    void waitsAndWhoBlocks()
    {
        Script s;
        s.acquire(1, Db, Shared).acquire(2, Db, Shared).acquire(2, Db, Reserved);
        s.acquire(2, Db, Pending).wait(2, Db, Exclusive); // 2 commits, 1 still reads
        s.wait(3, Db, Shared);                            // a new reader, refused by 2's PENDING
        const LockState state = s.state();
        QCOMPARE(state.connection(2).waiting->wanted, Exclusive);
        QCOMPARE(state.blockersOf(2), (std::vector<WaitEdge>{{2, 1, Db, Exclusive, Shared}}));
        QCOMPARE(state.blockersOf(3), (std::vector<WaitEdge>{{3, 2, Db, Shared, Pending}}));
        QCOMPARE(state.waitsFor(),
                 (std::vector<WaitEdge>{{2, 1, Db, Exclusive, Shared}, {3, 2, Db, Shared, Pending}}));
        QVERIFY(state.blockersOf(1).empty());
    }

    void howWaitsEnd()
    {
        // A retry refused again is the same wait, from its first refusal.
        Script s;
        s.acquire(1, Db, Shared).wait(2, Db, Shared).wait(2, Db, Shared);
        QCOMPARE(s.state().connection(2).waiting->sinceNs, s.events[1].timeNs);
        // A release does not end a wait (a WAL writer drops READ between attempts for WRITE) ...
        Script w;
        w.acquire(1, Write, Exclusive)
            .acquire(2, Read0, Shared)
            .wait(2, Write, Exclusive)
            .release(2, Read0, None);
        QCOMPARE(w.state().connection(2).waiting->resource, Write);
        // ... getting it does, and so does getting anything else (SQLite moved on) ...
        Script g = w;
        g.release(1, Write, None).acquire(2, Write, Exclusive);
        QVERIFY(!g.state().connection(2).waiting);
        Script other = w;
        other.acquire(2, Read0, Shared);
        QVERIFY(!other.state().connection(2).waiting);
        // ... and so do the end of the statement and closing.
        Script end = w;
        end.add(EventKind::StatementEnd, 2);
        QVERIFY(!end.state().connections().contains(2));
        Script closed = w;
        closed.add(EventKind::ConnectionClose, 2);
        QVERIFY(!closed.state().connections().contains(2));
        // Waiting for something else replaces the wait.
        Script replaced = w;
        replaced.wait(2, Db, Exclusive);
        QCOMPARE(replaced.state().connection(2).waiting->resource, Db);
    }

    // lockStateAt takes every event up to t, even when a later-seq event of another thread has
    // an earlier time than one before it.
    void stateAtAnInstant()
    {
        Script s;
        s.add(EventKind::LockAcquire, 1, Db, Shared, 100);
        s.add(EventKind::LockAcquire, 2, Db, Shared, 300);
        s.add(EventKind::LockAcquire, 3, Db, Shared, 200);
        s.add(EventKind::LockRelease, 1, Db, None, 400);
        QCOMPARE(lockStateAt(s.events, 50).connections().size(), 0u);
        QCOMPARE(lockStateAt(s.events, 250).holders(Db),
                 (std::vector<std::pair<std::uint32_t, LockLevel>>{{1, Shared}, {3, Shared}}));
        QCOMPARE(lockStateAt(s.events, 400).holders(Db).size(), 2u);
    }

    // A log recorded on real SQLite (readers block commit, then the deadlock of a deferred
    // upgrade), read at the instants that matter.
    void recordedLog()
    {
        QTemporaryDir dir;
        auto log = std::make_shared<TraceLog>();
        auto db = openSqlite(dir, JournalMode::Delete, log);
        QVERIFY(db);
        auto reader = db->connect("R");
        auto writer = db->connect("W");
        auto late = db->connect("N");
        MUST(*writer, "CREATE TABLE t(v)");
        for (auto* c : {reader.get(), late.get()})
            MUST(*c, "SELECT count(*) FROM t");

        MUST(*reader, "BEGIN; SELECT count(*) FROM t");
        MUST(*writer, "BEGIN; INSERT INTO t VALUES (1)");
        QVERIFY(!writer->execute("COMMIT").ok());
        QVERIFY(!late->execute("SELECT count(*) FROM t").ok());
        QVERIFY(!reader->execute("INSERT INTO t VALUES (2)").ok()); // deadlock: BUSY at once
        MUST(*reader, "ROLLBACK");
        MUST(*writer, "COMMIT");

        const std::vector<Event> events = log->snapshot();
        const auto instantOf = [&](std::uint32_t connection, EventKind kind, int nth = 0) {
            for (const Event& e : events)
                if (e.connection == connection && e.kind == kind && nth-- == 0) return e.timeNs;
            return std::int64_t{-1};
        };
        const std::uint32_t r = reader->id(), w = writer->id(), n = late->id();

        // The writer's COMMIT refused: it is at PENDING, waiting for the reader's SHARED.
        LockState at = lockStateAt(events, instantOf(w, EventKind::LockWait));
        QCOMPARE(at.level(w, Db), Pending);
        QCOMPARE(at.level(r, Db), Shared);
        QCOMPARE(at.waitsFor(), (std::vector<WaitEdge>{{w, r, Db, Exclusive, Shared}}));

        // The new reader refused SHARED: it waits for the writer's PENDING. (The writer's own
        // statement has ended by then: from one thread, nobody sleeps in the handler.)
        at = lockStateAt(events, instantOf(n, EventKind::LockWait));
        QCOMPARE(at.blockersOf(n), (std::vector<WaitEdge>{{n, w, Db, Shared, Pending}}));

        // The reader's upgrade refused: it wants RESERVED, which the writer holds (as PENDING).
        at = lockStateAt(events, instantOf(r, EventKind::LockWait));
        QCOMPARE(at.blockersOf(r), (std::vector<WaitEdge>{{r, w, Db, Reserved, Pending}}));

        // After the retried COMMIT nobody holds anything.
        at = lockStateAt(events, events.back().timeNs);
        QVERIFY(at.holders(Db).empty());
        QVERIFY(at.waitsFor().empty());
    }
};

QTEST_GUILESS_MAIN(TestLockState)
#include "tst_lock_state.moc"
