// OpenSpanState (the explainer's lean span state) against SpanProjection: after every event of
// recorded runs (SQLite WAL workers meeting SQLITE_BUSY, rollback-journal locks, MVCC conflicts)
// and of random event sequences, every open-state query answers the same. The comparison is
// shown able to fail: with one transition of each kind left out, it finds the difference.

#include "engine/trace/CommitHold.h"
#include "engine/trace/OpenSpanState.h"
#include "engine/trace/SpanProjection.h"
#include "engine/trace/TraceLog.h"
#include "engine/workload/Runner.h"
#include "support/Workloads.h"

#include <QTest>
#include <algorithm>
#include <array>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <utility>
#include <vector>

using namespace txs;

namespace {

// LockResource::DbFile .. MvccCommit, and a value below and above them (a hostile or newer log).
constexpr std::int64_t kFirstResource = -1;
constexpr std::size_t kResources = 14;
LockResource resourceAt(std::size_t i)
{
    return static_cast<LockResource>(kFirstResource + static_cast<std::int64_t>(i));
}

// What one connection has open, as both types answer it.
struct ConnState
{
    bool tx = false;
    std::uint64_t txId = 0;
    TxMode mode = TxMode::None;
    TxOutcome outcome = TxOutcome::Open;
    bool statement = false;
    bool wait = false;
    LockResource waitResource = LockResource::DbFile;
    LockLevel waitLevel = LockLevel::None;
    std::array<LockLevel, kResources> levels{};

    bool operator==(const ConnState&) const = default;
};

struct State
{
    std::map<std::uint32_t, ConnState> connections;
    // openHoldersOf, each resource: (connection, level) by connection.
    std::array<std::vector<std::pair<std::uint32_t, LockLevel>>, kResources> holders;

    bool operator==(const State&) const = default;
};

template <class Projection, class Tx, class Wait>
void fill(ConnState& s, const Projection& p, std::uint32_t id, const Tx* tx, const Wait* wait)
{
    if (tx) {
        s.tx = true;
        s.txId = tx->txId;
        s.mode = tx->mode;
        s.outcome = tx->outcome;
    }
    if (wait) {
        s.wait = true;
        s.waitResource = wait->resource;
        s.waitLevel = wait->level;
    }
    for (std::size_t r = 0; r < kResources; ++r)
        s.levels[r] = p.levelNow(id, resourceAt(r));
}

template <class Projection> void fillHolders(State& state, const Projection& p)
{
    std::vector<SpanProjection::HeldBy> held;
    for (std::size_t r = 0; r < kResources; ++r) {
        p.openHoldersOf(resourceAt(r), held);
        for (const auto& h : held)
            state.holders[r].emplace_back(h.connection, h.level);
    }
}

State stateOf(const SpanProjection& p, const std::set<std::uint32_t>& ids)
{
    State state;
    for (std::uint32_t id : ids) {
        ConnState& s = state.connections[id];
        fill(s, p, id, p.openTransaction(id), p.openLockWait(id));
        s.statement = p.openStatement(id) != nullptr;
    }
    fillHolders(state, p);
    return state;
}

State stateOf(const OpenSpanState& p, const std::set<std::uint32_t>& ids)
{
    State state;
    for (std::uint32_t id : ids) {
        ConnState& s = state.connections[id];
        fill(s, p, id, p.openTransaction(id), p.openLockWait(id));
        s.statement = p.statementOpen(id);
    }
    fillHolders(state, p);
    return state;
}

std::set<std::uint32_t> connectionsOf(const std::vector<Event>& log)
{
    std::set<std::uint32_t> ids;
    for (const Event& e : log)
        ids.insert(e.connection);
    return ids;
}

// Feeds both every event of `log` (the lean state all but the event at `skip`) and compares
// them after each one: the index of the first event after which they differ, or nullopt.
std::optional<std::size_t> firstDifference(const std::vector<Event>& log,
                                           std::optional<std::size_t> skip = std::nullopt)
{
    const std::set<std::uint32_t> ids = connectionsOf(log);
    SpanProjection full(false);
    OpenSpanState lean;
    for (std::size_t i = 0; i < log.size(); ++i) {
        full.apply(log[i]);
        if (i != skip) lean.apply(log[i]);
        if (!(stateOf(full, ids) == stateOf(lean, ids))) return i;
    }
    return std::nullopt;
}

// The index of the first event of `kind` that changes the full projection's open state.
std::optional<std::size_t> firstTransition(const std::vector<Event>& log, EventKind kind)
{
    const std::set<std::uint32_t> ids = connectionsOf(log);
    SpanProjection full(false);
    State before = stateOf(full, ids);
    for (std::size_t i = 0; i < log.size(); ++i) {
        full.apply(log[i]);
        State after = stateOf(full, ids);
        if (log[i].kind == kind && !(after == before)) return i;
        before = std::move(after);
    }
    return std::nullopt;
}

std::vector<Event> recordedRun(const char* script)
{
    return testing::recordWholeRun(testing::parseOrFail(script));
}

constexpr const char* kMvccConflicts = R"(journal_mode: mvcc
setup:
  CREATE TABLE t (id INTEGER PRIMARY KEY, v INT);
  INSERT INTO t VALUES (1, 0), (2, 0);
workers w x4 repeat 6 retry(conflict, busy; max 100000):
  BEGIN CONCURRENT;
  SELECT v FROM t WHERE id = 1;
  UPDATE t SET v = v + 1 WHERE id = 1;
  sleep 1ms;
  COMMIT;
workers a x2 repeat 10 retry(conflict, busy; max 100000):
  INSERT INTO t (v) VALUES (1);
)";

bool hasKind(const std::vector<Event>& log, EventKind kind)
{
    return std::any_of(log.begin(), log.end(), [&](const Event& e) { return e.kind == kind; });
}

// Random events on connections 0..3, every kind SpanProjection reads, with the fields its
// rules compare (resource, level, transaction id) drawn from small ranges so that same waits,
// mismatched transaction ids, releases of what is not held and the like all happen.
std::vector<Event> randomLog(unsigned seed, std::size_t n)
{
    static constexpr EventKind kinds[] = {EventKind::StatementBegin,   EventKind::StatementEnd,
                                          EventKind::TxBegin,          EventKind::TxCommit,
                                          EventKind::TxRollback,       EventKind::TxDoomed,
                                          EventKind::LockWait,         EventKind::LockAcquire,
                                          EventKind::LockRelease,      EventKind::LockAcquire,
                                          EventKind::LockRelease,      EventKind::BusyHandlerCall,
                                          EventKind::StatementBlocked, EventKind::StatementUnblocked,
                                          EventKind::ConnectionClose,  EventKind::Busy};
    std::mt19937 rng(seed);
    const auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    std::vector<Event> log;
    for (std::size_t i = 0; i < n; ++i) {
        Event e;
        e.seq = i;
        e.timeNs = static_cast<std::int64_t>(i) * 10;
        e.kind = kinds[pick(0, static_cast<int>(std::size(kinds)) - 1)];
        if (e.kind == EventKind::ConnectionClose && pick(0, 3) != 0)
            e.kind = EventKind::StatementEnd; // rarer
        e.connection = static_cast<std::uint32_t>(pick(0, 3));
        e.txId = static_cast<std::uint64_t>(pick(0, 3));
        switch (e.kind) {
        case EventKind::LockWait:
        case EventKind::LockAcquire:
        case EventKind::LockRelease:
            e.a = pick(0, 2) == 0 ? pick(-1, 12) : pick(0, 1); // mostly DbFile and ShmWrite
            e.b = pick(0, 4);
            break;
        case EventKind::TxBegin:
            e.a = pick(0, 4);
            break;
        case EventKind::BusyHandlerCall:
            e.detail = static_cast<std::uint16_t>(pick(0, 1));
            e.b = 100;
            break;
        case EventKind::TxCommit:
            // Half of them carry the MVCC commit lock's hold (CommitHold.h), begun a moment ago.
            if (i % 2 == 0) {
                e.detail = kTxCommitHeldCommitLock;
                e.rowid = e.timeNs - static_cast<std::int64_t>(i % 7) * 3;
            }
            break;
        default:
            break;
        }
        log.push_back(e);
    }
    return log;
}

} // namespace

class TestOpenSpanState : public QObject
{
    Q_OBJECT

private slots:
    void sameOpenStateAsSpanProjection_data()
    {
        QTest::addColumn<QString>("run");
        QTest::newRow("wal workers, busy") << "wal";
        QTest::newRow("rollback journal locks") << "delete";
        QTest::newRow("mvcc conflicts") << "mvcc";
    }
    void sameOpenStateAsSpanProjection()
    {
        QFETCH(QString, run);
        const std::vector<Event> log =
            run == "mvcc" ? recordedRun(kMvccConflicts)
                          : recordedRun(testing::contendedWritersScript(run.toStdString(), 15, 30).c_str());
        QVERIFY(!log.empty());
        QCOMPARE(log.front().seq, std::uint64_t{0});
        // The runs have what the test is about.
        QVERIFY(hasKind(log, EventKind::LockAcquire));
        QVERIFY(hasKind(log, EventKind::TxCommit));
        if (run == "mvcc") {
            QVERIFY2(hasKind(log, EventKind::Conflict), "four writers of one row across a sleep conflict");
        } else {
            QVERIFY2(hasKind(log, EventKind::LockWait), "six writers with busy_timeout 1 wait");
            QVERIFY2(hasKind(log, EventKind::Busy), "six writers with busy_timeout 1 meet SQLITE_BUSY");
        }

        const auto diff = firstDifference(log);
        QVERIFY2(!diff, diff ? qPrintable(QString("they differ after event %1 (kind %2)")
                                              .arg(*diff)
                                              .arg(static_cast<int>(log[*diff].kind)))
                             : "");

        // Each transition left out of the lean state is found, at that event.
        int dropped = 0;
        for (EventKind kind : {EventKind::StatementBegin, EventKind::StatementEnd, EventKind::TxBegin,
                               EventKind::TxCommit, EventKind::TxRollback, EventKind::LockWait,
                               EventKind::LockAcquire, EventKind::LockRelease, EventKind::ConnectionClose}) {
            const auto at = firstTransition(log, kind);
            if (!at) continue;
            ++dropped;
            QCOMPARE(firstDifference(log, *at).value_or(log.size()), *at);
        }
        QVERIFY2(dropped >= 6, "the test can fail: the run has transitions of most kinds");
    }

    void sameOpenStateOnRandomEvents()
    {
        for (unsigned seed = 1; seed <= 40; ++seed) {
            const std::vector<Event> log = randomLog(seed, 600);
            const auto diff = firstDifference(log);
            QVERIFY2(!diff, diff ? qPrintable(QString("seed %1: they differ after event %2 (kind %3)")
                                                  .arg(seed)
                                                  .arg(*diff)
                                                  .arg(static_cast<int>(log[*diff].kind)))
                                 : "");
        }
        // The random events reach every transition kind, and leaving one out is found.
        const std::vector<Event> log = randomLog(7, 600);
        for (EventKind kind : {EventKind::StatementBegin, EventKind::StatementEnd, EventKind::TxBegin,
                               EventKind::TxCommit, EventKind::TxRollback, EventKind::LockWait,
                               EventKind::LockAcquire, EventKind::LockRelease, EventKind::ConnectionClose}) {
            const auto at = firstTransition(log, kind);
            QVERIFY2(at, "every kind of transition happens");
            QCOMPARE(firstDifference(log, *at).value_or(log.size()), *at);
        }
    }

    // A gap (dropped events) cuts every open span; finish() too: nothing stays open in either.
    void gapAndFinishForgetEverything()
    {
        const std::vector<Event> log = randomLog(3, 300);
        const std::set<std::uint32_t> ids = connectionsOf(log);
        SpanProjection full(false);
        OpenSpanState lean;
        for (std::size_t i = 0; i < log.size(); ++i) {
            full.apply(log[i]);
            lean.apply(log[i]);
            if (i == 150) {
                full.gap(0); // nothing dropped: nothing changes
                lean.gap(0);
                QVERIFY(stateOf(full, ids) == stateOf(lean, ids));
                full.gap(5);
                lean.gap(5);
                QVERIFY(stateOf(full, ids) == stateOf(lean, ids));
                QVERIFY(stateOf(lean, ids) == stateOf(SpanProjection(false), ids));
            }
            QVERIFY(stateOf(full, ids) == stateOf(lean, ids));
        }
        full.finish();
        lean.finish();
        QVERIFY(stateOf(lean, ids) == stateOf(OpenSpanState{}, ids));
        QVERIFY(stateOf(full, ids) == stateOf(lean, ids));
    }
};

QTEST_GUILESS_MAIN(TestOpenSpanState)
#include "tst_open_span_state.moc"
