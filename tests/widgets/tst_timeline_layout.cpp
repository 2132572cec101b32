// The timeline's plain-C++ layer, without a screen: the model built from events (lanes, spans
// per track, markers, retry links, explanations), the time/lane geometry, merging of spans
// narrower than a pixel, hit testing and tooltip text; on hand-made events and recorded runs.

#include "engine/api/Connection.h"
#include "engine/api/Error.h"
#include "engine/trace/ExplainRule.h"
#include "tests/engine/support/EventBuilder.h"
#include "tests/widgets/support/RecordedRun.h"
#include "widgets/timeline/HitTest.h"
#include "widgets/timeline/LaneGeometry.h"
#include "widgets/timeline/LegendFlow.h"
#include "widgets/timeline/LockGroups.h"
#include "widgets/timeline/SpanRuns.h"
#include "widgets/timeline/TimelineModel.h"
#include "widgets/timeline/TimelineText.h"

#include <QTest>
#include <algorithm>

using namespace txs;
using namespace txs::timeline;

namespace {

using Events = testing::EventBuilder;

constexpr auto kDb = static_cast<std::int64_t>(LockResource::DbFile);
constexpr auto kMvccCommit = static_cast<std::int64_t>(LockResource::MvccCommit);
constexpr auto kMvccExclusive = static_cast<std::int64_t>(LockResource::MvccExclusive);
constexpr auto kShared = static_cast<std::int64_t>(LockLevel::Shared);
constexpr auto kReserved = static_cast<std::int64_t>(LockLevel::Reserved);
constexpr auto kExclusive = static_cast<std::int64_t>(LockLevel::Exclusive);

void addSpan(SpanList& list, std::int64_t start, std::int64_t end, SpanState state)
{
    Span s;
    s.startNs = start;
    s.endNs = end;
    s.state = state;
    list.push_back(s);
}

bool sortedAndDisjoint(const SpanList& spans, std::int64_t nowNs)
{
    for (std::size_t i = 0; i < spans.size(); ++i) {
        if (spans[i].endOr(nowNs) < spans[i].startNs) return false;
        if (i > 0 && spans[i].startNs < spans[i - 1].endOr(nowNs)) return false;
        if (i + 1 < spans.size() && spans[i].open()) return false; // only the last span may be open
    }
    return true;
}

} // namespace

class TestTimelineLayout : public QObject
{
    Q_OBJECT

private slots:
    // Lanes in natural order: writer-2 before writer-10 whatever order the threads started in;
    // groups keep the order they appeared in (setup first, check last); the geometry places
    // each lane at its slot and finds it again there.
    void lanesComeInNaturalOrder()
    {
        using txs::timeline::naturalLaneOrder;
        const std::vector<std::string> names{"setup",    "writer-10", "writer-2", "reader-1",
                                             "writer-0", "reader-0",  "check"};
        const std::vector<std::size_t> expected{0, 4, 2, 1, 5, 3, 6};
        QCOMPARE(naturalLaneOrder(names), expected);
        const LaneGeometry g(names.size(), 0, naturalLaneOrder(names));
        for (std::size_t slot = 0; slot < names.size(); ++slot) {
            const std::size_t lane = g.laneAtSlot(slot);
            QCOMPARE(g.slotOf(lane), slot);
            QCOMPARE(*g.laneAt(g.lane(lane).centre()), lane);
        }
        QCOMPARE(g.lane(4).top, 0.0 + g.laneHeight()); // writer-0 right under setup
    }

    void lanesFollowFirstAppearanceAndCarryNames()
    {
        Events ev;
        ev.add(EventKind::RunBegin, 0, 0);
        ev.add(EventKind::Note, 0, 1, 0, 0, 0, "phase: steps"); // engine notes make no lane
        ev.add(EventKind::ConnectionOpen, 7, 2, 0, 0, 0, "writer");
        ev.add(EventKind::ConnectionOpen, 3, 3, 0, 0, 0, "reader");
        ev.add(EventKind::StatementBegin, 5, 4, 0, 0, 0, "SELECT 1"); // no open event: a default name
        ev.add(EventKind::StatementEnd, 5, 5);
        TimelineModel m;
        m.append(ev.list);
        QCOMPARE(m.lanes().size(), 3u);
        QCOMPARE(m.lanes()[0].name, std::string("writer"));
        QCOMPARE(m.lanes()[1].name, std::string("reader"));
        QCOMPARE(m.lanes()[2].name, std::string("connection 5"));
        QCOMPARE(*m.laneOf(3), 1u);
        QVERIFY(!m.laneOf(0));
        QCOMPARE(m.eventCount(), 6u);
        QCOMPARE(m.nextSeq(), 6u);
        QCOMPARE(m.startNs(), 0);
        QCOMPARE(m.endNs(), 5000);
    }

    void transactionSpansAreColouredByOutcome()
    {
        Events ev;
        ev.add(EventKind::ConnectionOpen, 1, 0, 0, 0, 0, "T1");
        ev.add(EventKind::ConnectionOpen, 2, 0, 0, 0, 0, "T2");
        ev.add(EventKind::TxBegin, 1, 10, 11, 4);
        ev.add(EventKind::TxBegin, 2, 12, 12, 4);
        ev.add(EventKind::Conflict, 2, 20, 12, 11, 0, "Write-write conflict on acct key 1");
        ev.add(EventKind::TxDoomed, 2, 20, 12, 1, 0, "Write-write conflict on acct key 1");
        ev.add(EventKind::TxCommit, 1, 30, 11, 99, 1);
        ev.add(EventKind::TxRollback, 2, 40, 12, 0);
        ev.add(EventKind::TxBegin, 1, 50, 13, 1);
        ev.add(EventKind::TxRollback, 1, 60, 13, 0);
        ev.add(EventKind::TxBegin, 1, 70, 14, 2); // never ends: active
        TimelineModel m;
        m.append(ev.list);
        const auto& t1 = m.lanes()[0].track(Track::Transaction);
        const auto& t2 = m.lanes()[1].track(Track::Transaction);
        QCOMPARE(t1.size(), 3u);
        QCOMPARE(t1[0].state, SpanState::TxCommitted);
        QCOMPARE(t1[0].startNs, 10'000);
        QCOMPARE(t1[0].endNs, 30'000);
        QCOMPARE(t1[0].extra, 99); // commit timestamp
        QCOMPARE(t1[1].state, SpanState::TxRolledBack);
        QCOMPARE(t1[2].state, SpanState::TxActive);
        QVERIFY(t1[2].open());
        QCOMPARE(t1[2].endOr(m.endNs()), 70'000);
        QCOMPARE(t2.size(), 1u);
        QCOMPARE(t2[0].state, SpanState::TxDoomed);
        QCOMPARE(m.text(t2[0].error), std::string("Write-write conflict on acct key 1"));
        QCOMPARE(*m.findTransaction(12), (ItemRef{ItemRef::Kind::Span, Track::Transaction, 1, 0}));
        QVERIFY(!m.findTransaction(77));
    }

    void autocommitStatementsAreStatementSpans()
    {
        Events ev;
        ev.add(EventKind::ConnectionOpen, 1, 0, 0, 0, 0, "setup");
        ev.add(EventKind::StatementBegin, 1, 10, 0, 0, 0, "INSERT INTO t VALUES (1)");
        ev.add(EventKind::LockAcquire, 1, 11, 5, kMvccExclusive, kExclusive);
        ev.add(EventKind::LockRelease, 1, 12, 5, kMvccExclusive, 0);
        ev.add(EventKind::TxCommit, 1, 13, 5, 3, 1);
        ev.add(EventKind::StatementEnd, 1, 14, 0, 0, 1);
        ev.add(EventKind::StatementBegin, 1, 20, 0, 0, 0, "INSERT INTO t VALUES (1)");
        ev.add(EventKind::StatementEnd, 1, 25, 0, 1555, 0, "UNIQUE constraint failed: t.id");
        TimelineModel m;
        m.append(ev.list);
        const Lane& lane = m.lanes()[0];
        QVERIFY(lane.track(Track::Transaction).empty());
        const auto& st = lane.track(Track::Statement);
        QCOMPARE(st.size(), 2u);
        QCOMPARE(st[0].state, SpanState::StmtOk);
        QCOMPARE(st[0].txId, 5u);
        QCOMPARE(st[0].extra, 1); // rows changed
        QCOMPARE(st[1].state, SpanState::StmtError);
        QCOMPARE(m.text(st[1].error), std::string("UNIQUE constraint failed: t.id"));
        // The autocommit transaction is found through its statement.
        QCOMPARE(*m.findTransaction(5), (ItemRef{ItemRef::Kind::Span, Track::Statement, 0, 0}));
        // Both statements share one interned SQL text.
        QCOMPARE(st[0].text, st[1].text);
        const auto text = describe(m, {ItemRef::Kind::Span, Track::Statement, 0, 1}, m.endNs());
        QVERIFY2(text.find("INSERT INTO t VALUES (1)") != std::string::npos, text.c_str());
        QVERIFY2(text.find("SQLITE_CONSTRAINT_PRIMARYKEY (1555)") != std::string::npos, text.c_str());
        QVERIFY2(text.find("(5.00 µs)") != std::string::npos, text.c_str());
    }

    // What a query read is in its tooltip ("T2 read 100"); an error's message is not taken for it.
    void readValuesShowInTheTooltip()
    {
        Events ev;
        ev.add(EventKind::ConnectionOpen, 1, 0, 0, 0, 0, "T2");
        ev.add(EventKind::StatementBegin, 1, 10, 0, 0, 0, "SELECT balance FROM acct");
        ev.add(EventKind::StatementEnd, 1, 14, 0, 0, 0, "100");
        ev.add(EventKind::StatementBegin, 1, 20, 0, 0, 0, "SELECT nope FROM acct");
        ev.add(EventKind::StatementEnd, 1, 25, 0, 1, 0, "no such column: nope");
        TimelineModel m;
        m.append(ev.list);
        const auto& st = m.lanes()[0].track(Track::Statement);
        QCOMPARE(st.size(), 2u);
        QCOMPARE(m.text(st[0].read), std::string("100"));
        QCOMPARE(st[1].read, 0u);
        const auto ok = describe(m, {ItemRef::Kind::Span, Track::Statement, 0, 0}, m.endNs());
        QVERIFY2(ok.find("T2 read 100") != std::string::npos, ok.c_str());
        const auto failed = describe(m, {ItemRef::Kind::Span, Track::Statement, 0, 1}, m.endNs());
        QVERIFY2(failed.find(" read ") == std::string::npos, failed.c_str());
    }

    void lockLevelsBecomeSpansPerRow()
    {
        Events ev;
        ev.add(EventKind::ConnectionOpen, 1, 0, 0, 0, 0, "A");
        ev.add(EventKind::LockAcquire, 1, 10, 0, kDb, kShared);
        ev.add(EventKind::LockAcquire, 1, 20, 0, kDb, kReserved);
        ev.add(EventKind::LockAcquire, 1, 30, 0, kDb, kExclusive);
        ev.add(EventKind::LockRelease, 1, 40, 0, kDb, kShared);
        ev.add(EventKind::LockRelease, 1, 50, 0, kDb, 0);
        ev.add(EventKind::LockAcquire, 1, 60, 0, 1, kExclusive); // WAL WRITE
        ev.add(EventKind::LockAcquire, 1, 61, 0, 5, kShared);    // READ1
        ev.add(EventKind::LockAcquire, 1, 62, 0, 2, kExclusive); // CKPT while holding WRITE
        ev.add(EventKind::LockRelease, 1, 63, 0, 1, 0);
        ev.add(EventKind::LockRelease, 1, 64, 0, 2, 0);
        ev.add(EventKind::LockAcquire, 1, 70, 0, kMvccCommit, kShared); // still held at the end
        TimelineModel m;
        m.append(ev.list);
        const Lane& lane = m.lanes()[0];
        const auto& db = lane.track(Track::LockDb);
        QCOMPARE(db.size(), 4u);
        QCOMPARE(db[0].state, SpanState::LockShared);
        QCOMPARE(db[1].state, SpanState::LockReserved);
        QCOMPARE(db[2].state, SpanState::LockExclusive);
        QCOMPARE(db[3].state, SpanState::LockShared);
        QCOMPARE(db[3].endNs, 50'000);
        QCOMPARE(db[1].startNs, db[0].endNs);
        const auto& wal = lane.track(Track::LockWal);
        QCOMPARE(wal.size(), 3u); // WRITE; WRITE+CKPT; CKPT
        QCOMPARE(describeLocks(wal[1].detail, Track::LockWal),
                 std::string("WRITE EXCLUSIVE, CKPT EXCLUSIVE"));
        QCOMPARE(describeLocks(wal[2].detail, Track::LockWal), std::string("CKPT EXCLUSIVE"));
        QCOMPARE(lane.track(Track::LockRead).size(), 1u);
        QCOMPARE(describeLocks(lane.track(Track::LockRead)[0].detail, Track::LockRead),
                 std::string("READ1 SHARED"));
        QVERIFY(lane.track(Track::LockRead)[0].open());
        QCOMPARE(lane.track(Track::LockMvcc).size(), 1u);
        QCOMPARE(m.lockTracksUsed(), 0b1111u);
        // Closing the connection ends whatever it still held.
        Event close;
        close.seq = 100;
        close.timeNs = 90'000;
        close.connection = 1;
        close.kind = EventKind::ConnectionClose;
        m.append(close);
        QCOMPARE(lane.track(Track::LockMvcc)[0].endNs, 90'000);
        QVERIFY(!lane.track(Track::LockRead)[0].open());
        QVERIFY(lane.closed);
        // A lock event's seq finds its span.
        QCOMPARE(*m.findEvent(3), (ItemRef{ItemRef::Kind::Span, Track::LockDb, 0, 2}));
    }

    // A Begin that carries its transaction's TxBegin (engine/trace/StatementFold.h) is read as
    // TxBegin, StatementEnd, StatementBegin under one seq, which is also the transaction's begin:
    // that seq finds the statement (the statement log and the errors select by it), not the
    // transaction that begins with it.
    void aCarriedTxBeginsSeqFindsItsStatement()
    {
        Events ev;
        ev.add(EventKind::ConnectionOpen, 1, 0, 0, 0, 0, "W");
        ev.add(EventKind::StatementBegin, 1, 10, 0, 0, 0, "BEGIN CONCURRENT");
        ev.add(EventKind::TxBegin, 1, 12, 3, static_cast<std::int64_t>(TxMode::Concurrent), 7);
        const auto seq = ev.lastSeq();
        ev.add(EventKind::StatementEnd, 1, 12, 3).seq = seq;
        ev.add(EventKind::StatementBegin, 1, 20, 3, 0, 0, "UPDATE t SET v = 1").seq = seq;
        ev.add(EventKind::StatementEnd, 1, 25, 3).seq = seq + 1;
        TimelineModel m;
        m.append(ev.list);
        const Lane& lane = m.lanes()[0];
        QCOMPARE(lane.track(Track::Transaction).size(), 1u);
        QCOMPARE(lane.track(Track::Transaction)[0].beginSeq, seq);
        QCOMPARE(lane.track(Track::Statement).size(), 2u);
        QCOMPARE(*m.findEvent(seq), (ItemRef{ItemRef::Kind::Span, Track::Statement, 0, 1}));
        QCOMPARE(*m.findEvent(seq + 1), (ItemRef{ItemRef::Kind::Span, Track::Statement, 0, 1}));
    }

    void waitsLastUntilTheLockIsTaken()
    {
        Events ev;
        ev.add(EventKind::ConnectionOpen, 1, 0, 0, 0, 0, "B");
        ev.add(EventKind::StatementBegin, 1, 10, 0, 0, 0, "BEGIN IMMEDIATE");
        ev.add(EventKind::LockWait, 1, 11, 0, kDb, kReserved);
        ev.add(EventKind::BusyHandlerCall, 1, 11, 0, 0, 1000);
        ev.add(EventKind::LockWait, 1, 13, 0, kDb, kReserved); // the handler tried again: same wait
        ev.add(EventKind::BusyHandlerCall, 1, 13, 0, 1, 2000);
        ev.add(EventKind::LockAcquire, 1, 16, 0, kDb, kReserved);
        ev.add(EventKind::StatementEnd, 1, 17);
        ev.add(EventKind::StatementBegin, 1, 20, 0, 0, 0, "COMMIT");
        ev.add(EventKind::LockWait, 1, 21, 0, kDb, kExclusive);
        ev.add(EventKind::StatementEnd, 1, 25, 0, 5, 0, "database is locked"); // gave up
        TimelineModel m;
        m.append(ev.list);
        const Lane& lane = m.lanes()[0];
        const auto& waits = lane.track(Track::Wait);
        QCOMPARE(waits.size(), 2u);
        QCOMPARE(waits[0].startNs, 11'000);
        QCOMPARE(waits[0].endNs, 16'000);
        QCOMPARE(waitLevel(waits[0].detail), LockLevel::Reserved);
        QCOMPARE(waits[1].endNs, 25'000);
        QCOMPARE(lane.markers.size(), 5u);
        QCOMPARE(lane.markers[1].kind, MarkerKind::BusyHandler);
        const auto text = describe(m, {ItemRef::Kind::Marker, Track::Transaction, 0, 3}, m.endNs());
        QVERIFY2(text.find("Busy handler call 2, slept 2.000 ms") != std::string::npos, text.c_str());
        const auto waitText = describe(m, {ItemRef::Kind::Span, Track::Wait, 0, 0}, m.endNs());
        QVERIFY2(waitText.find("Waiting for RESERVED on db") != std::string::npos, waitText.c_str());
    }

    void markersCarryCodesAndExplanations()
    {
        Events ev;
        ev.add(EventKind::ConnectionOpen, 1, 0, 0, 0, 0, "W");
        ev.add(EventKind::TxBegin, 1, 5, 3, 1);
        ev.add(EventKind::StatementBegin, 1, 10, 3, 0, 0, "UPDATE t SET v = 1");
        ev.add(EventKind::Busy, 1, 12, 3, 517, 0, "database is locked");
        const auto busySeq = ev.lastSeq();
        ev.add(EventKind::StatementEnd, 1, 13, 3, 517, 0, "database is locked");
        ev.add(EventKind::Explanation, 1, 14, 0, 0, 0,
               "Your read snapshot is stale: restart the transaction.");
        const auto explanationSeq = ev.lastSeq();
        TimelineModel m;
        m.append(ev.list);
        const Lane& lane = m.lanes()[0];
        QCOMPARE(lane.markers.size(), 1u);
        const Marker& busy = lane.markers[0];
        QCOMPARE(busy.kind, MarkerKind::Busy);
        QCOMPARE(busy.a, 517);
        QCOMPARE(busy.timeNs, 12'000);
        const ItemRef ref{ItemRef::Kind::Marker, Track::Transaction, 0, 0};
        QCOMPARE(*m.findEvent(busySeq), ref);
        // The explanations panel selects by the Explanation event: it leads to the error it explains.
        QCOMPARE(*m.findEvent(explanationSeq), ref);
        const auto text = describe(m, ref, m.endNs());
        QVERIFY2(text.find("SQLITE_BUSY_SNAPSHOT (517)") != std::string::npos, text.c_str());
        QVERIFY2(text.find("database is locked") != std::string::npos, text.c_str());
        QVERIFY2(text.find("restart the transaction") != std::string::npos, text.c_str());
        QVERIFY2(text.find("transaction 3") != std::string::npos, text.c_str());
        // The statement's end event finds the statement; an unknown seq finds nothing.
        QCOMPARE(*m.findEvent(busySeq + 1), (ItemRef{ItemRef::Kind::Span, Track::Statement, 0, 0}));
        QVERIFY(!m.findEvent(999));
    }

    // A workers phase explains its errors later, from the log: the Explanation names its error's
    // StatementEnd and lands on that error, not on the connection's latest one.
    void lateExplanationFindsItsError()
    {
        Events ev;
        ev.add(EventKind::ConnectionOpen, 1, 0, 0, 0, 0, "W");
        ev.add(EventKind::StatementBegin, 1, 10, 0, 0, 0, "INSERT INTO t VALUES (1)");
        ev.add(EventKind::Busy, 1, 12, 0, 5, 0, "database is locked");
        const auto firstBusy = ev.lastSeq();
        ev.add(EventKind::StatementEnd, 1, 13, 0, 5, 0, "database is locked").detail =
            static_cast<std::uint16_t>(ErrorKind::Busy);
        const auto firstEnd = ev.lastSeq();
        ev.add(EventKind::StatementBegin, 1, 20, 0, 0, 0, "INSERT INTO t VALUES (2)");
        ev.add(EventKind::Busy, 1, 22, 0, 5, 0, "database is locked");
        const auto secondBusy = ev.lastSeq();
        ev.add(EventKind::StatementEnd, 1, 23, 0, 5, 0, "database is locked").detail =
            static_cast<std::uint16_t>(ErrorKind::Busy);
        Event& late = ev.add(EventKind::Explanation, 1, 30, 0, 0, 0, "The first insert waited for W2.");
        late.table = static_cast<std::uint32_t>(firstEnd);
        late.detail = kExplanationNamesStatementEnd;
        const auto lateSeq = ev.lastSeq();
        TimelineModel m;
        m.append(ev.list);
        const auto first = *m.findEvent(firstBusy);
        QCOMPARE(*m.findEvent(lateSeq), first);
        QVERIFY(describe(m, first, m.endNs()).find("first insert waited") != std::string::npos);
        QVERIFY(describe(m, *m.findEvent(secondBusy), m.endNs()).find("first insert") == std::string::npos);
    }

    void abortedAttemptsLinkToTheirRetry()
    {
        Events ev;
        ev.add(EventKind::ConnectionOpen, 1, 0, 0, 0, 0, "w-0");
        // Doomed, rolled back by the retry loop (reason User), retried: linked to the TxRetry.
        ev.add(EventKind::TxBegin, 1, 10, 1, 4);
        ev.add(EventKind::TxDoomed, 1, 15, 1, 1, 0, "conflict");
        ev.add(EventKind::TxRollback, 1, 20, 1, 0);
        ev.add(EventKind::TxRetry, 1, 22, 0, 1, 0, "TXSCOPE_CONFLICT");
        const auto retrySeq = ev.lastSeq();
        ev.add(EventKind::TxBegin, 1, 25, 2, 4);
        // Rolled back for a conflict with no TxRetry event: the next BEGIN is the retry.
        ev.add(EventKind::TxRollback, 1, 30, 2, 1);
        ev.add(EventKind::TxBegin, 1, 35, 3, 4);
        ev.add(EventKind::TxCommit, 1, 40, 3);
        // A user's plain ROLLBACK followed by a new transaction is not a retry.
        ev.add(EventKind::TxBegin, 1, 50, 4, 4);
        ev.add(EventKind::TxRollback, 1, 55, 4, 0);
        ev.add(EventKind::TxBegin, 1, 60, 5, 4);
        ev.add(EventKind::TxCommit, 1, 65, 5);
        // BUSY on an autocommit statement, then a retry.
        ev.add(EventKind::StatementBegin, 1, 70, 0, 0, 0, "INSERT INTO t VALUES (1)");
        ev.add(EventKind::Busy, 1, 71, 0, 5, 0, "database is locked");
        ev.add(EventKind::StatementEnd, 1, 72, 0, 5, 0, "database is locked");
        ev.add(EventKind::TxRetry, 1, 75, 0, 1, 0, "SQLITE_BUSY");
        TimelineModel m;
        m.append(ev.list);
        const auto& links = m.lanes()[0].links;
        QCOMPARE(links.size(), 3u);
        QCOMPARE(links[0].fromNs, 20'000);
        QCOMPARE(links[0].toNs, 22'000);
        QCOMPARE(links[0].fromTx, 1u);
        QCOMPARE(links[0].toSeq, retrySeq);
        QCOMPARE(links[0].attempt, 1);
        QCOMPARE(links[1].fromNs, 30'000);
        QCOMPARE(links[1].toNs, 35'000);
        QCOMPARE(links[1].attempt, 0);
        QCOMPARE(links[2].fromNs, 71'000);
        QCOMPARE(links[2].toNs, 75'000);
        QCOMPARE(m.lanes()[0].track(Track::Transaction)[0].state, SpanState::TxDoomed);
    }

    void timesNeverRunBackwardsWithinALane()
    {
        // Threads' clocks can disagree slightly with seq order: each lane clamps to stay sorted.
        Events ev;
        ev.add(EventKind::ConnectionOpen, 1, 0, 0, 0, 0, "A");
        ev.add(EventKind::TxBegin, 1, 100, 1);
        ev.add(EventKind::TxCommit, 1, 90, 1);
        ev.add(EventKind::TxBegin, 1, 95, 2);
        TimelineModel m;
        m.append(ev.list);
        const auto& txs = m.lanes()[0].track(Track::Transaction);
        QCOMPARE(txs[0].endNs, 100'000);
        QCOMPARE(txs[1].startNs, 100'000);
        QVERIFY(sortedAndDisjoint(txs, m.endNs()));
    }

    void batchesBuildTheSameModelAsOneAppend()
    {
        const auto run = testing::recordRun(testing::mvccConflictScenario, std::chrono::microseconds(300));
        TimelineModel whole;
        whole.append(run.events);
        TimelineModel pieces;
        std::size_t at = 0, step = 1;
        while (at < run.events.size()) { // batch sizes 1, 2, 3, ...: open spans cross batch ends
            const std::size_t n = std::min(step++, run.events.size() - at);
            const auto revision = pieces.revision();
            pieces.append(std::span<const Event>(run.events.data() + at, n));
            QVERIFY(pieces.revision() != revision);
            at += n;
        }
        QCOMPARE(pieces.lanes().size(), whole.lanes().size());
        for (std::size_t l = 0; l < whole.lanes().size(); ++l) {
            const Lane& a = whole.lanes()[l];
            const Lane& b = pieces.lanes()[l];
            QCOMPARE(a.name, b.name);
            for (int k = 0; k < kTrackCount; ++k) {
                QCOMPARE(a.tracks[k].size(), b.tracks[k].size());
                for (std::size_t i = 0; i < a.tracks[k].size(); ++i) {
                    QCOMPARE(a.tracks[k][i].startNs, b.tracks[k][i].startNs);
                    QCOMPARE(a.tracks[k][i].endNs, b.tracks[k][i].endNs);
                    QCOMPARE(a.tracks[k][i].state, b.tracks[k][i].state);
                }
            }
            QCOMPARE(a.markers.size(), b.markers.size());
            QCOMPARE(a.links.size(), b.links.size());
        }
    }

    void recordedMvccRunMatchesTheRunnersCounts()
    {
        const auto run = testing::recordRun(testing::mvccConflictScenario, std::chrono::microseconds(300));
        QVERIFY2(run.summary.ok(), run.summary.workerErrors.empty() ? "expectation failed"
                                                                    : run.summary.workerErrors[0].c_str());
        TimelineModel m;
        m.append(run.events);
        QStringList names;
        for (const auto& lane : m.lanes())
            names << QString::fromStdString(lane.name);
        QCOMPARE(names.mid(0, 5), (QStringList{"setup", "T1", "T2", "T3", "T4"}));
        for (const char* w : {"w-0", "w-1", "w-2", "w-3"})
            QVERIFY2(names.contains(w), qPrintable(names.join(',')));
        QVERIFY(!names.contains("check") || names.indexOf("check") > names.indexOf("T4"));

        std::uint64_t committed = 0, doomed = 0, conflicts = 0, retries = 0, links = 0, autocommitTx = 0;
        for (const auto& lane : m.lanes()) {
            for (int k = 0; k < kTrackCount; ++k)
                QVERIFY(sortedAndDisjoint(lane.tracks[k], m.endNs()));
            for (const auto& s : lane.track(Track::Transaction)) {
                QVERIFY(!s.open()); // the run finished: every transaction ended
                committed += s.state == SpanState::TxCommitted;
                doomed += s.state == SpanState::TxDoomed;
            }
            for (const auto& s : lane.track(Track::Statement))
                autocommitTx += s.txId != 0 && s.state == SpanState::StmtOk;
            for (const auto& mk : lane.markers) {
                conflicts += mk.kind == MarkerKind::Conflict;
                retries += mk.kind == MarkerKind::Retry;
            }
            links += lane.links.size();
        }
        // The summary counts autocommit writes as commits; the timeline shows those on statements.
        QVERIFY(committed >= 2 + 16);
        QVERIFY(committed <= run.summary.committed);
        QVERIFY(autocommitTx >= 1); // the setup INSERT
        QCOMPARE(conflicts, run.summary.conflicts);
        QVERIFY(doomed >= 1); // T2, deterministically
        QCOMPARE(retries, run.summary.retries);
        QCOMPARE(links, retries); // every retry follows an aborted attempt
        // T2's doomed transaction carries the conflict, and the conflict marker names T1's transaction.
        const Lane& t2 = m.lanes()[2];
        QCOMPARE(t2.track(Track::Transaction).size(), 1u);
        QCOMPARE(t2.track(Track::Transaction)[0].state, SpanState::TxDoomed);
        QCOMPARE(t2.markers.size(), 1u);
        QCOMPARE(t2.markers[0].a, static_cast<std::int64_t>(m.lanes()[1].track(Track::Transaction)[0].txId));
        QVERIFY(m.lockTracksUsed() &
                (1u << (static_cast<int>(Track::LockMvcc) - static_cast<int>(Track::LockDb))));
    }

    void recordedSqliteRunShowsBusyAndLockLevels()
    {
        const auto run = testing::recordRun(testing::sqliteBusyScenario);
        QVERIFY(run.summary.ok());
        TimelineModel m;
        m.append(run.events);
        const auto a = m.laneOf(std::find_if(run.events.begin(), run.events.end(), [](const Event& e) {
                                    return e.kind == EventKind::ConnectionOpen && e.text == "A";
                                })->connection);
        const auto b = m.laneOf(std::find_if(run.events.begin(), run.events.end(), [](const Event& e) {
                                    return e.kind == EventKind::ConnectionOpen && e.text == "B";
                                })->connection);
        QVERIFY(a && b);
        const Lane& laneA = m.lanes()[*a];
        const Lane& laneB = m.lanes()[*b];
        // A went up to RESERVED for its INSERT and to EXCLUSIVE to commit.
        const auto& dbA = laneA.track(Track::LockDb);
        QVERIFY(std::any_of(dbA.begin(), dbA.end(),
                            [](const Span& s) { return s.state == SpanState::LockReserved; }));
        QVERIFY(std::any_of(dbA.begin(), dbA.end(),
                            [](const Span& s) { return s.state == SpanState::LockExclusive; }));
        // B got SQLITE_BUSY (5) while A held RESERVED.
        const auto busy = std::find_if(laneB.markers.begin(), laneB.markers.end(),
                                       [](const Marker& mk) { return mk.kind == MarkerKind::Busy; });
        QVERIFY(busy != laneB.markers.end());
        QCOMPARE(busy->a, 5);
        const auto heldAt = [&](std::int64_t t) {
            for (const auto& s : dbA)
                if (s.startNs <= t && t < s.endOr(m.endNs())) return s.state;
            return SpanState::TxActive; // nothing
        };
        QCOMPARE(heldAt(busy->timeNs), SpanState::LockReserved);
        // The failed BEGIN IMMEDIATE shows as a statement error on B.
        const auto& stB = laneB.track(Track::Statement);
        QVERIFY(std::any_of(stB.begin(), stB.end(),
                            [](const Span& s) { return s.state == SpanState::StmtError; }));
    }

    void linearMapsRoundTrip()
    {
        const LinearMap time{1'000, 2'000, 100, 300}; // 1000 ns over 200 px
        QCOMPARE(time.toPixel(1'500), 200.0);
        QCOMPARE(time.toValue(250), 1'750.0);
        QCOMPARE(time.unitsFor(2), 10.0);
        const LinearMap value{0, 10, 500, 0}; // lane units growing downwards on screen... or up
        QCOMPARE(value.toPixel(2.5), 375.0);
        QCOMPARE(value.toValue(value.toPixel(7.25)), 7.25);
        QCOMPARE(value.unitsFor(50), 1.0);
    }

    void laneGeometryStacksRowsThatAreUsed()
    {
        const LaneGeometry mvcc(3, 1u << 3); // MVCC locks only
        QCOMPARE(mvcc.rows(), (std::vector<Track>{Track::Transaction, Track::Statement, Track::LockMvcc}));
        QVERIFY(!mvcc.band(0, Track::LockDb));
        QCOMPARE(mvcc.band(1, Track::Wait)->top, mvcc.band(1, Track::Statement)->top);
        QCOMPARE(mvcc.totalHeight(), 3 * mvcc.laneHeight());
        const LaneGeometry wal(2, 0b0111); // db, WAL, READ
        QCOMPARE(wal.rows().size(), 5u);
        QVERIFY(wal.laneHeight() > mvcc.laneHeight());
        for (std::size_t lane = 0; lane < 2; ++lane) {
            double previousBottom = wal.lane(lane).top;
            for (Track row : wal.rows()) {
                const Band b = *wal.band(lane, row);
                QVERIFY(b.top >= previousBottom); // rows do not overlap, top to bottom
                QVERIFY(b.bottom <= wal.lane(lane).bottom);
                previousBottom = b.bottom;
                const auto hit = wal.rowAt(b.centre());
                QVERIFY(hit);
                QCOMPARE(hit->lane, lane);
                QCOMPARE(hit->row, row);
            }
        }
        QCOMPARE(*wal.band(0, Track::Transaction),
                 (Band{LaneGeometry::kLanePadding, LaneGeometry::kLanePadding + LaneGeometry::kTxHeight}));
        QVERIFY(!wal.rowAt(0.01));                  // padding above the first row
        QCOMPARE(*wal.laneAt(0.01), 0u);            // ... still lane 0
        QVERIFY(!wal.rowAt(wal.totalHeight() + 1)); // below the last lane
        QVERIFY(!wal.laneAt(-0.5));
    }

    void subPixelSpansMergeIntoRuns()
    {
        // 1000 spans of 6 ns every 10 ns over 10 µs, drawn at 1 ns = 0.01 px (10 µs on 100 px):
        // about 10 spans share each pixel. Every 10th one is doomed.
        SpanList spans;
        for (int i = 0; i < 1000; ++i)
            addSpan(spans, i * 10, i * 10 + 6, i % 10 == 3 ? SpanState::TxDoomed : SpanState::TxCommitted);
        const LinearMap time{0, 10'000, 0, 100};
        const auto runs = visibleRuns(spans, time, 0, 100, 10'000, MergePolicy::Majority);
        QVERIFY(runs.size() >= 90 && runs.size() <= 100);
        std::uint32_t total = 0;
        int previousEnd = -1;
        for (const auto& r : runs) {
            QVERIFY(r.x1 - r.x0 >= 1);
            QVERIFY(r.x0 >= previousEnd); // runs do not overlap
            previousEnd = r.x1;
            total += r.count;
            QCOMPARE(r.state, SpanState::TxCommitted); // most time is committed ...
            QVERIFY(r.hasAlarm);                       // ... but the doomed ones stay visible
            QCOMPARE(r.alarm, SpanState::TxDoomed);
        }
        QCOMPARE(total, 1000u);
        // Zoomed in 100x, the spans are 6 px wide and none merge.
        const LinearMap zoomed{0, 100, 0, 100};
        const auto wide = visibleRuns(spans, zoomed, 0, 100, 10'000, MergePolicy::Majority);
        QCOMPARE(wide.size(), 10u);
        for (const auto& r : wide) {
            QCOMPARE(r.count, 1u);
            QCOMPARE(r.x1 - r.x0, 6);
        }
        QCOMPARE(wide[3].state, SpanState::TxDoomed);
        QCOMPARE(wide[3].first, 3u);
    }

    void wideSpansKeepTheirOwnColour()
    {
        // RESERVED then EXCLUSIVE meeting inside a pixel column (at 29.5 px): two runs, no overlap,
        // and the strongest-level policy must not paint the RESERVED part EXCLUSIVE.
        SpanList spans;
        addSpan(spans, 100, 2950, SpanState::LockReserved);
        addSpan(spans, 2950, 9000, SpanState::LockExclusive);
        const LinearMap time{0, 10'000, 0, 100};
        auto runs = visibleRuns(spans, time, 0, 100, 0, MergePolicy::Strongest);
        QCOMPARE(runs.size(), 2u);
        QCOMPARE(runs[0].state, SpanState::LockReserved);
        QCOMPARE(runs[0].x0, 1);
        QCOMPARE(runs[0].x1, 30);
        QCOMPARE(runs[1].state, SpanState::LockExclusive);
        QCOMPARE(runs[1].x0, 30); // the shared column went to the earlier run
        QCOMPARE(runs[1].x1, 90);
        // A sub-pixel error right after a long ok statement stays a separate, one-pixel run.
        SpanList statements;
        addSpan(statements, 0, 4'020, SpanState::StmtOk);
        addSpan(statements, 4'030, 4'060, SpanState::StmtError);
        addSpan(statements, 4'070, 9'000, SpanState::StmtOk);
        runs = visibleRuns(statements, time, 0, 100, 0, MergePolicy::Majority);
        QCOMPARE(runs.size(), 3u);
        QCOMPARE(runs[1].state, SpanState::StmtError);
        QCOMPARE(runs[1].x1 - runs[1].x0, 1);
        QVERIFY(!runs[0].hasAlarm && !runs[2].hasAlarm);
    }

    void visibleRangeSkipsSpansOutsideIt()
    {
        SpanList spans;
        for (int i = 0; i < 100'000; ++i)
            addSpan(spans, i * 100, i * 100 + 50, SpanState::StmtOk);
        QCOMPARE(firstEndingAtOrAfter(spans, 0), 0u);
        QCOMPARE(firstEndingAtOrAfter(spans, 5'000'049), 50'000u);
        QCOMPARE(firstEndingAtOrAfter(spans, 5'000'051), 50'001u);
        // Show [5.0, 5.001] ms: ten spans, starting at index 50'000.
        const LinearMap time{5'000'000, 5'001'000, 0, 1000};
        const auto runs = visibleRuns(spans, time, 0, 1000, 0, MergePolicy::Majority);
        QCOMPARE(runs.size(), 10u); // the one starting at the right edge is beyond the last column
        QCOMPARE(runs.front().first, 50'000u);
        QCOMPARE(runs.front().x0, 0);
        QCOMPARE(runs.front().x1, 50);
    }

    void lockRunsKeepTheStrongestLevel()
    {
        SpanList spans;
        addSpan(spans, 0, 900, SpanState::LockShared);
        addSpan(spans, 900, 905, SpanState::LockExclusive); // 5 ns of EXCLUSIVE inside one pixel
        addSpan(spans, 905, 1000, SpanState::LockShared);
        const LinearMap time{0, 10'000, 0, 10};
        const auto strongest = visibleRuns(spans, time, 0, 10, 0, MergePolicy::Strongest);
        QCOMPARE(strongest.size(), 1u);
        QCOMPARE(strongest[0].state, SpanState::LockExclusive);
        QCOMPARE(strongest[0].count, 3u);
        const auto majority = visibleRuns(spans, time, 0, 10, 0, MergePolicy::Majority);
        QCOMPARE(majority[0].state, SpanState::LockShared);
    }

    void openSpansReachNow()
    {
        SpanList spans;
        addSpan(spans, 100, kOpenEnd, SpanState::TxActive);
        const LinearMap time{0, 1000, 0, 100};
        auto runs = visibleRuns(spans, time, 0, 100, 600, MergePolicy::Majority);
        QCOMPARE(runs.size(), 1u);
        QCOMPARE(runs[0].x0, 10);
        QCOMPARE(runs[0].x1, 60);
        // Huge zoom factors are clipped instead of overflowing.
        const LinearMap deep{599.999, 600.001, 0, 1000};
        runs = visibleRuns(spans, deep, 0, 1000, 1'000'000'000'000, MergePolicy::Majority);
        QCOMPARE(runs.size(), 1u);
        QCOMPARE(runs[0].x0, -2);
        QCOMPARE(runs[0].x1, 1002);
    }

    void hitTestingFindsSpansAndMarkers()
    {
        Events ev;
        ev.add(EventKind::ConnectionOpen, 1, 0, 0, 0, 0, "T1");
        ev.add(EventKind::ConnectionOpen, 2, 0, 0, 0, 0, "T2");
        ev.add(EventKind::TxBegin, 1, 100, 1, 4);
        ev.add(EventKind::StatementBegin, 1, 200, 1, 0, 0, "UPDATE t SET v = 1");
        ev.add(EventKind::LockWait, 1, 300, 1, kMvccExclusive, kExclusive);
        ev.add(EventKind::LockAcquire, 1, 500, 1, kMvccExclusive, kExclusive);
        ev.add(EventKind::StatementEnd, 1, 600, 1);
        ev.add(EventKind::Busy, 1, 700, 1, 5, 0, "database is locked");
        ev.add(EventKind::TxCommit, 1, 900, 1);
        ev.add(EventKind::TxBegin, 2, 400, 2, 4);
        ev.add(EventKind::TxCommit, 2, 400, 2); // zero length: still hittable within tolerance
        TimelineModel m;
        m.append(ev.list);
        const LaneGeometry g(m.lanes().size(), m.lockTracksUsed());
        // 0..1000 µs on 1000 px; lane units at 40 px each, starting at y = 20.
        const Viewport view{LinearMap{0, 1'000'000, 0, 1000}, LinearMap{0, 10, 20, 420}, m.endNs()};
        const auto y = [&](std::size_t lane, Track row) {
            return view.value.toPixel(g.band(lane, row)->centre());
        };
        const auto at = [&](double x, double yy) { return hitTest(m, g, view, x, yy); };

        QCOMPARE(*at(150, y(0, Track::Transaction)),
                 (ItemRef{ItemRef::Kind::Span, Track::Transaction, 0, 0}));
        QCOMPARE(*at(250, y(0, Track::Statement)), (ItemRef{ItemRef::Kind::Span, Track::Statement, 0, 0}));
        // On the statement row a wait is more specific than its statement.
        QCOMPARE(*at(400, y(0, Track::Statement)), (ItemRef{ItemRef::Kind::Span, Track::Wait, 0, 0}));
        QCOMPARE(*at(550, y(0, Track::LockMvcc)), (ItemRef{ItemRef::Kind::Span, Track::LockMvcc, 0, 0}));
        // The BUSY marker sits on the transaction row and wins over the span below it.
        const double busyY = view.value.toPixel(markerCentre(g, 0, MarkerKind::Busy));
        QVERIFY(busyY < y(0, Track::Transaction)); // errors sit high on the row, retries low
        QVERIFY(markerCentre(g, 0, MarkerKind::Retry) > g.band(0, Track::Transaction)->centre());
        QCOMPARE(*at(703, busyY + 2), (ItemRef{ItemRef::Kind::Marker, Track::Transaction, 0, 1}));
        QCOMPARE(*at(300, y(0, Track::Statement)),
                 (ItemRef{ItemRef::Kind::Marker, Track::Transaction, 0, 0}));
        // Away from everything: nothing.
        QVERIFY(!at(950, y(0, Track::Transaction)));
        QVERIFY(!at(150, g.lane(0).top + 0.01)); // lane padding
        QVERIFY(!at(150, 1000));                 // below all lanes
        // A zero-length transaction is hit within the tolerance, not beyond it.
        QCOMPARE(*at(402, y(1, Track::Transaction)),
                 (ItemRef{ItemRef::Kind::Span, Track::Transaction, 1, 0}));
        QVERIFY(!at(405, y(1, Track::Transaction)));
        // Tooltips say what was hit.
        const auto text = describe(m, *at(150, y(0, Track::Transaction)), m.endNs());
        QVERIFY2(text.find("Transaction 1 · T1") != std::string::npos, text.c_str());
        QVERIFY2(text.find("BEGIN concurrent · committed") != std::string::npos, text.c_str());
        QVERIFY2(text.find("(800.0 µs)") != std::string::npos, text.c_str());
        const auto lock = describe(m, *at(550, y(0, Track::LockMvcc)), m.endNs());
        QVERIFY2(lock.find("MVCC lock: mvcc-exclusive EXCLUSIVE") != std::string::npos, lock.c_str());
    }

    void legendGroupsWrapWhole()
    {
        // Widths 100, 80, 120 with 10 between: 300 px holds the first two (190) but not the third.
        Flow flow = flowLayout({100, 80, 120}, 300, 10);
        QCOMPARE(flow.rows, 2);
        QCOMPARE(flow.placements[1].x, 110);
        QCOMPARE(flow.placements[2].row, 1);
        QCOMPARE(flow.placements[2].x, 0);
        flow = flowLayout({100, 80, 120}, 320, 10); // 100 + 10 + 80 + 10 + 120 = 320: one row
        QCOMPARE(flow.rows, 1);
        QCOMPARE(flow.placements[2].x, 200);
        flow = flowLayout({500, 50}, 300, 10); // too wide for any row: a row of its own
        QCOMPARE(flow.rows, 2);
        QCOMPARE(flow.placements[0].x, 0);
        QCOMPARE(flow.placements[1].row, 1);
        QCOMPARE(flowLayout({}, 300, 10).rows, 0);
    }

    void legendPiecesKeepTheirOwnGaps()
    {
        // A group split into pieces: 0 between its pieces, 20 before the next group.
        Flow flow = flowLayout({100, 50, 50, 80}, 200, std::vector<int>{20, 0, 0, 20});
        QCOMPARE(flow.placements[1].x, 100);
        QCOMPARE(flow.placements[2].x, 150); // 100 + 50 + 50 = 200 fits
        QCOMPARE(flow.placements[3].row, 1);
        QCOMPARE(flow.rows, 2);
        flow = flowLayout({100, 50, 50, 80}, 290, std::vector<int>{20, 0, 0, 20});
        QCOMPARE(flow.placements[2].x, 150);
        QCOMPARE(flow.placements[3].row, 1); // 200 + 20 + 80 > 290
    }

    void durationsReadNaturally()
    {
        QCOMPARE(formatDuration(850), std::string("850 ns"));
        QCOMPARE(formatDuration(1'500), std::string("1.50 µs"));
        QCOMPARE(formatDuration(123'456), std::string("123.5 µs"));
        QCOMPARE(formatDuration(1'234'567), std::string("1.235 ms"));
        QCOMPARE(formatDuration(2'500'000'000), std::string("2.50 s"));
        QCOMPARE(formatTime(12'345'678), std::string("12.346 ms"));
        QCOMPARE(resultCodeText(5), std::string("SQLITE_BUSY (5)"));
    }
};

QTEST_APPLESS_MAIN(TestTimelineLayout)
#include "tst_timeline_layout.moc"
