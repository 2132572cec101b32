// Many threads writing through the SQLite backend at once, each on its own connection with a
// busy_timeout and a retry loop, as a workers block runs them: no row may be lost, the busy
// waits are reported in the trace, and the traced lock story stays consistent (replayed through
// LockState, no two connections ever hold conflicting locks, and nothing is held at the end).
// Run under ThreadSanitizer too: a data race is a bug.

#include "engine/trace/LockState.h"
#include "support/SqliteTrace.h"
#include "support/TestDb.h"

#include <QTest>
#include <atomic>
#include <thread>

using namespace txs;
using namespace txs::test;

namespace {

constexpr int kThreads = 8;
constexpr int kInserts = 200;

// What a holder may hold together with others, per SQLite's locking protocol: at most one
// connection at RESERVED or above on the database file, nobody else at all beside EXCLUSIVE;
// on each shm slot, nobody beside an EXCLUSIVE holder.
QString conflictIn(const LockState& state)
{
    int writers = 0, holders = 0;
    bool exclusive = false;
    for (const auto& [id, c] : state.connections()) {
        if (c.dbFile >= LockLevel::Reserved) ++writers;
        if (c.dbFile != LockLevel::None) ++holders;
        if (c.dbFile == LockLevel::Exclusive) exclusive = true;
    }
    if (writers > 1) return "two connections at RESERVED or above";
    if (exclusive && holders > 1) return "EXCLUSIVE beside another lock";
    for (int slot = 0; slot < ConnectionLocks::kShmSlots; ++slot) {
        const auto resource = static_cast<LockResource>(static_cast<int>(LockResource::ShmWrite) + slot);
        const auto held = state.holders(resource);
        for (const auto& [id, level] : held)
            if (level == LockLevel::Exclusive && held.size() > 1)
                return QString("%1 EXCLUSIVE beside another holder").arg(lockResourceName(resource));
    }
    return {};
}

} // namespace

class TestSqliteWorkers : public QObject
{
    Q_OBJECT

private slots:
    void noLostRows_data()
    {
        QTest::addColumn<int>("mode");
        QTest::newRow("wal") << static_cast<int>(JournalMode::Wal);
        QTest::newRow("delete") << static_cast<int>(JournalMode::Delete);
    }

    void noLostRows()
    {
        QFETCH(int, mode);
        QTemporaryDir dir;
        auto log = std::make_shared<TraceLog>();
        auto db = openSqlite(dir, static_cast<JournalMode>(mode), log);
        QVERIFY(db);
        {
            auto setup = db->connect("setup");
            MUST(*setup, "CREATE TABLE hits(worker INTEGER, i INTEGER, PRIMARY KEY (worker, i))");
        }

        // Contention for certain: a blocker holds the write lock until some worker waits on it.
        auto blocker = db->connect("blocker");
        // Its COMMIT needs EXCLUSIVE, and a waiting writer holds SHARED for the instant of each try
        // (SQLite drops it before calling the busy handler): without a timeout the COMMIT failed
        // whenever it met such an instant (seen under ThreadSanitizer, in rollback mode).
        blocker->setBusyTimeout(5000);
        MUST(*blocker, "BEGIN IMMEDIATE");

        std::atomic<int> busyErrors{0}, otherErrors{0};
        std::vector<std::thread> threads;
        for (int w = 0; w < kThreads; ++w) {
            threads.emplace_back([&, w] {
                auto c = db->connect("writer-" + std::to_string(w));
                c->setBusyTimeout(5000);
                // Durability is not what this test is about: keep the machine's disk out of it.
                if (!c->execute("PRAGMA synchronous = OFF").ok()) ++otherErrors;
                for (int i = 0; i < kInserts; ++i) {
                    for (;;) {
                        const Result r = c->execute("BEGIN; INSERT INTO hits VALUES (?, ?); COMMIT", {w, i});
                        if (r.ok()) break;
                        if (c->transaction().active) c->execute("ROLLBACK");
                        if (!isRetryable(*r.error)) {
                            ++otherErrors;
                            return;
                        }
                        ++busyErrors;
                    }
                }
            });
        }
        const auto someoneWaits = [&] {
            for (const Event& e : log->snapshot())
                if (e.kind == EventKind::BusyHandlerCall) return true;
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(someoneWaits(), 20000);
        MUST(*blocker, "COMMIT");
        blocker.reset();
        for (auto& t : threads)
            t.join();
        QCOMPARE(otherErrors.load(), 0);

        auto check = db->connect("check");
        QCOMPARE_ROWS(
            *check, "SELECT count(*), count(DISTINCT worker), min(i), max(i) FROM hits",
            QString("%1|%2|0|%3").arg(kThreads * kInserts).arg(kThreads).arg(kInserts - 1).toStdString());
        check.reset();
        db.reset();

        const std::vector<Event> events = log->snapshot();
        const int handlerCalls = countEvents(events, EventKind::BusyHandlerCall);
        const int busy = countEvents(events, EventKind::Busy);
        qInfo("%s: %d busy-handler calls, %d BUSY errors retried",
              mode == int(JournalMode::Wal) ? "wal" : "delete", handlerCalls, busyErrors.load());
        QCOMPARE(busy, busyErrors.load()); // every BUSY a worker saw is in the trace, and no other
        QVERIFY(handlerCalls > 0);         // the blocker made them wait
        QVERIFY(handlerCalls >= busy);     // with a timeout, BUSY only comes after waiting
        // A handler call that gave up (typed, detail 1) slept nothing, and its statement ended BUSY.
        for (std::size_t i = 0; i < events.size(); ++i) {
            const Event& e = events[i];
            if (e.kind != EventKind::BusyHandlerCall) continue;
            QCOMPARE(e.b == 0, e.detail == 1);
            if (e.detail != 1) continue;
            bool busyFollows = false;
            for (std::size_t j = i + 1; j < events.size() && !busyFollows; ++j)
                busyFollows = events[j].connection == e.connection && events[j].kind == EventKind::Busy;
            QVERIFY(busyFollows);
        }
        QCOMPARE(countEvents(events, EventKind::TxCommit), kThreads * kInserts + 1); // + the blocker's

        LockState state;
        for (const Event& e : events) {
            state.apply(e);
            const QString conflict = conflictIn(state);
            if (!conflict.isEmpty())
                QFAIL(qPrintable(QString("after event %1 (%2 of connection %3): %4")
                                     .arg(e.seq)
                                     .arg(eventKindName(e.kind))
                                     .arg(e.connection)
                                     .arg(conflict)));
        }
        QVERIFY(state.connections().empty()); // everything closed: nothing held, nobody waiting
    }
};

QTEST_GUILESS_MAIN(TestSqliteWorkers)
#include "tst_sqlite_workers.moc"
