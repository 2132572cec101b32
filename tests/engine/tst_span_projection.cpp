// The one span projection on hand-built event sequences: where each span begins and ends.

#include "engine/trace/SpanProjection.h"
#include "support/EventBuilder.h"

#include <QtTest>

using namespace txs;

namespace {

// Builds a log by hand: each call appends one event at the next seq, at the given time (ns).
struct Log : testing::EventBuilder
{
    Event& add(EventKind kind, std::int64_t t, std::uint32_t conn, std::uint64_t tx = 0, std::int64_t a = 0,
               std::int64_t b = 0, const std::string& text = {})
    {
        return addNs(kind, conn, t, tx, a, b, text);
    }
    SpanProjection project() const
    {
        SpanProjection p;
        for (const Event& e : list)
            p.apply(e);
        return p;
    }
};

std::vector<SpanRecord> ofKind(const SpanProjection& p, SpanKind kind, std::uint32_t conn = 0)
{
    std::vector<SpanRecord> out;
    for (const SpanRecord& s : p.all())
        if (s.kind == kind && (conn == 0 || s.connection == conn)) out.push_back(s);
    std::sort(out.begin(), out.end(), [](const auto& x, const auto& y) { return x.startNs < y.startNs; });
    return out;
}

// One explicit transaction: BEGIN at 10..12 (TxBegin at 11), an UPDATE 20..25, COMMIT at 30..40
// (TxCommit at 38).
void explicitTransaction(Log& log, std::uint32_t c, std::uint64_t tx, std::int64_t base)
{
    log.add(EventKind::StatementBegin, base + 10, c, 0, 0, 0, "BEGIN");
    log.add(EventKind::TxBegin, base + 11, c, tx, static_cast<std::int64_t>(TxMode::Concurrent), 7);
    log.add(EventKind::StatementEnd, base + 12, c, tx);
    log.add(EventKind::StatementBegin, base + 20, c, tx, 0, 0, "UPDATE t SET v = 1");
    log.add(EventKind::StatementEnd, base + 25, c, tx, 0, 1);
    log.add(EventKind::StatementBegin, base + 30, c, tx, 0, 0, "COMMIT");
    log.add(EventKind::TxCommit, base + 38, c, tx, 9, 1);
    log.add(EventKind::StatementEnd, base + 40, c, tx);
}

} // namespace

class TestSpanProjection : public QObject
{
    Q_OBJECT

private slots:
    void transactionCoversBeginAndCommitStatements()
    {
        Log log;
        explicitTransaction(log, 1, 5, 0);
        const auto p = log.project();
        const auto txs = ofKind(p, SpanKind::Transaction);
        QCOMPARE(txs.size(), std::size_t(1));
        const SpanRecord& tx = txs[0];
        QCOMPARE(tx.startNs, std::int64_t(10)); // BEGIN's start
        QCOMPARE(tx.endNs, std::int64_t(40));   // COMMIT's end
        QCOMPARE(tx.txBeginNs, std::int64_t(11));
        QCOMPARE(tx.txEndNs, std::int64_t(38));
        QCOMPARE(tx.beginSeq, std::uint64_t(1)); // TxBegin
        QCOMPARE(tx.endSeq, std::uint64_t(6));   // TxCommit
        QCOMPARE(tx.outcome, TxOutcome::Committed);
        QCOMPARE(tx.commitTs, std::uint64_t(9));
        QCOMPARE(tx.mode, TxMode::Concurrent);
        QVERIFY(!tx.cut);
        const auto stmts = ofKind(p, SpanKind::Statement);
        QCOMPARE(stmts.size(), std::size_t(3));
        for (const auto& s : stmts) // statements nest inside the transaction
            QVERIFY(tx.startNs <= s.startNs && s.endNs <= tx.endNs);
        QCOMPARE(stmts[0].txId, std::uint64_t(5)); // BEGIN learns its transaction at its end
        QCOMPARE(stmts[1].changes, std::int64_t(1));
        // The transaction is open from BEGIN's start, not before; closed at COMMIT's end.
        QVERIFY(p.spansAt(SpanKind::Transaction, 9).empty());
        QCOMPARE(p.spansAt(SpanKind::Transaction, 10).size(), std::size_t(1));
        QCOMPARE(p.spansAt(SpanKind::Transaction, 39).size(), std::size_t(1));
        QVERIFY(p.spansAt(SpanKind::Transaction, 40).empty());
    }

    void rollbackAfterConflictKeepsDoom()
    {
        Log log;
        log.add(EventKind::StatementBegin, 10, 1, 0, 0, 0, "BEGIN CONCURRENT");
        log.add(EventKind::TxBegin, 11, 1, 3, static_cast<std::int64_t>(TxMode::Concurrent));
        log.add(EventKind::StatementEnd, 12, 1, 3);
        log.add(EventKind::StatementBegin, 20, 1, 3, 0, 0, "UPDATE t SET v = 2");
        log.add(EventKind::Conflict, 21, 1, 3, 2);
        log.add(EventKind::TxDoomed, 21, 1, 3, 1, 0, "write-write conflict");
        Event& end = log.add(EventKind::StatementEnd, 22, 1, 3, 1, 0, "conflict");
        end.detail = 3;
        log.add(EventKind::StatementBegin, 30, 1, 3, 0, 0, "ROLLBACK");
        log.add(EventKind::TxRollback, 31, 1, 3, static_cast<std::int64_t>(RollbackReason::User));
        log.add(EventKind::StatementEnd, 32, 1, 3);
        const auto p = log.project();
        const auto txs = ofKind(p, SpanKind::Transaction);
        QCOMPARE(txs.size(), std::size_t(1));
        QVERIFY(txs[0].doomed);
        QCOMPARE(txs[0].doomedNs, std::int64_t(21));
        QCOMPARE(txs[0].outcome, TxOutcome::RolledBack);
        QCOMPARE(txs[0].endNs, std::int64_t(32));
        const auto stmts = ofKind(p, SpanKind::Statement);
        QCOMPARE(stmts[1].code, std::int64_t(1));
        QCOMPARE(stmts[1].errorKind, std::uint16_t(3));
        QCOMPARE(stmts[1].error, std::string("conflict"));
    }

    void savepointsStayInsideOneTransaction()
    {
        // SAVEPOINT / RELEASE open no transaction of their own: the log has one TxBegin at the
        // outermost SAVEPOINT and one TxCommit at the RELEASE that ends it.
        Log log;
        log.add(EventKind::StatementBegin, 10, 1, 0, 0, 0, "SAVEPOINT a");
        log.add(EventKind::TxBegin, 11, 1, 4, static_cast<std::int64_t>(TxMode::Deferred));
        log.add(EventKind::StatementEnd, 12, 1, 4);
        log.add(EventKind::StatementBegin, 20, 1, 4, 0, 0, "SAVEPOINT b");
        log.add(EventKind::StatementEnd, 21, 1, 4);
        log.add(EventKind::StatementBegin, 30, 1, 4, 0, 0, "ROLLBACK TO b");
        log.add(EventKind::StatementEnd, 31, 1, 4);
        log.add(EventKind::StatementBegin, 40, 1, 4, 0, 0, "RELEASE a");
        log.add(EventKind::TxCommit, 41, 1, 4);
        log.add(EventKind::StatementEnd, 42, 1, 4);
        const auto p = log.project();
        const auto txs = ofKind(p, SpanKind::Transaction);
        QCOMPARE(txs.size(), std::size_t(1));
        QCOMPARE(txs[0].startNs, std::int64_t(10));
        QCOMPARE(txs[0].endNs, std::int64_t(42));
        QCOMPARE(ofKind(p, SpanKind::Statement).size(), std::size_t(4));
    }

    void oneStatementEndingAndBeginningMeetsAtTheEngineInstants()
    {
        Log log;
        log.add(EventKind::StatementBegin, 10, 1, 0, 0, 0, "BEGIN");
        log.add(EventKind::TxBegin, 11, 1, 1);
        log.add(EventKind::StatementEnd, 12, 1, 1);
        log.add(EventKind::StatementBegin, 20, 1, 1, 0, 0, "COMMIT; BEGIN");
        log.add(EventKind::TxCommit, 22, 1, 1);
        log.add(EventKind::TxBegin, 24, 1, 2);
        log.add(EventKind::StatementEnd, 26, 1, 2);
        const auto p = log.project();
        const auto txs = ofKind(p, SpanKind::Transaction);
        QCOMPARE(txs.size(), std::size_t(2));
        QCOMPARE(txs[0].endNs, std::int64_t(22));
        QCOMPARE(txs[1].startNs, std::int64_t(24));
        QVERIFY(txs[1].open());
    }

    void autocommitTransactionLiesInsideItsStatement()
    {
        Log log;
        log.add(EventKind::StatementBegin, 10, 1, 0, 0, 0, "INSERT INTO t VALUES (1)");
        log.add(EventKind::TxBegin, 12, 1, 6);
        log.add(EventKind::TxCommit, 14, 1, 6, 3);
        log.add(EventKind::StatementEnd, 16, 1, 6);
        const auto p = log.project();
        const auto txs = ofKind(p, SpanKind::Transaction);
        QCOMPARE(txs.size(), std::size_t(1));
        QCOMPARE(txs[0].startNs, std::int64_t(12));
        QCOMPARE(txs[0].endNs, std::int64_t(14));
        QCOMPARE(txs[0].outcome, TxOutcome::Committed);
    }

    void lockHoldsPerLevelAndHolderQueries()
    {
        Log log;
        const auto db = static_cast<std::int64_t>(LockResource::DbFile);
        log.add(EventKind::LockAcquire, 10, 1, 0, db, static_cast<std::int64_t>(LockLevel::Shared));
        log.add(EventKind::LockAcquire, 20, 1, 0, db, static_cast<std::int64_t>(LockLevel::Reserved));
        log.add(EventKind::LockAcquire, 25, 2, 0, db, static_cast<std::int64_t>(LockLevel::Shared));
        log.add(EventKind::LockRelease, 30, 1, 0, db, static_cast<std::int64_t>(LockLevel::None));
        const auto p = log.project();
        const auto holds = ofKind(p, SpanKind::LockHold, 1);
        QCOMPARE(holds.size(), std::size_t(2));
        QCOMPARE(holds[0].level, LockLevel::Shared);
        QCOMPARE(holds[0].endNs, std::int64_t(20));
        QCOMPARE(holds[1].level, LockLevel::Reserved);
        QCOMPARE(holds[1].endNs, std::int64_t(30));

        const auto at22 = p.holdersAt(LockResource::DbFile, 22);
        QCOMPARE(at22.size(), std::size_t(1));
        QCOMPARE(at22[0].connection, std::uint32_t(1));
        QCOMPARE(at22[0].level, LockLevel::Reserved);
        const auto at27 = p.holdersAt(LockResource::DbFile, 27);
        QCOMPARE(at27.size(), std::size_t(2));
        QCOMPARE(at27[1].connection, std::uint32_t(2));
        QCOMPARE(p.holdersAt(LockResource::DbFile, 35).size(), std::size_t(1)); // 2 still holds
        QVERIFY(p.holdersAt(LockResource::ShmWrite, 22).empty());
        // By position: after event 1 (RESERVED taken) and before event 3 (released).
        const auto bySeq = p.holdersAtSeq(LockResource::DbFile, 1);
        QCOMPARE(bySeq.size(), std::size_t(1));
        QCOMPARE(bySeq[0].level, LockLevel::Reserved);
        QCOMPARE(p.levelNow(2, LockResource::DbFile), LockLevel::Shared);
        QCOMPARE(p.levelNow(1, LockResource::DbFile), LockLevel::None);
    }

    void lockWaitsSleepsAndGivingUp()
    {
        Log log;
        const auto db = static_cast<std::int64_t>(LockResource::DbFile);
        const auto ex = static_cast<std::int64_t>(LockLevel::Exclusive);
        log.add(EventKind::StatementBegin, 10, 1, 0, 0, 0, "COMMIT");
        log.add(EventKind::LockWait, 11, 1, 0, db, ex);
        log.add(EventKind::BusyHandlerCall, 12, 1, 0, 0, 1000);
        log.add(EventKind::LockWait, 15, 1, 0, db, ex); // tried again: the same wait
        Event& giveUp = log.add(EventKind::BusyHandlerCall, 16, 1, 0, 1, 0);
        giveUp.detail = 1;
        log.add(EventKind::Busy, 17, 1, 0, 5);
        log.add(EventKind::StatementEnd, 18, 1, 0, 5);
        const auto p = log.project();
        const auto waits = ofKind(p, SpanKind::Wait);
        QCOMPARE(waits.size(), std::size_t(2));
        const SpanRecord& lock = waits[0].cause == WaitCause::Lock ? waits[0] : waits[1];
        const SpanRecord& sleep = waits[0].cause == WaitCause::Sleep ? waits[0] : waits[1];
        QCOMPARE(lock.startNs, std::int64_t(11));
        QCOMPARE(lock.endNs, std::int64_t(18));
        QVERIFY(lock.gaveUp);
        QCOMPARE(lock.level, LockLevel::Exclusive);
        QCOMPARE(sleep.startNs, std::int64_t(12));
        QCOMPARE(sleep.endNs, std::int64_t(15)); // until the connection's next event
        QCOMPARE(sleep.sleepUs, std::int64_t(1000));
    }

    void acquiringEndsAWait()
    {
        Log log;
        const auto write = static_cast<std::int64_t>(LockResource::ShmWrite);
        log.add(EventKind::StatementBegin, 10, 1, 0, 0, 0, "INSERT");
        log.add(EventKind::LockWait, 11, 1, 0, write, 4);
        log.add(EventKind::LockRelease, 12, 1, 0, static_cast<std::int64_t>(LockResource::ShmRead0), 0);
        log.add(EventKind::LockAcquire, 13, 1, 0, write, 4);
        log.add(EventKind::StatementEnd, 20, 1, 0);
        const auto p = log.project();
        const auto waits = ofKind(p, SpanKind::Wait);
        QCOMPARE(waits.size(), std::size_t(1));
        QCOMPARE(waits[0].endNs, std::int64_t(13)); // a release does not end it, the acquire does
        QCOMPARE(ofKind(p, SpanKind::LockHold).size(), std::size_t(1));
    }

    void blockedStatementWaitsBetweenTries()
    {
        Log log;
        log.add(EventKind::StatementBegin, 10, 1, 0, 0, 0, "INSERT INTO t VALUES (1)");
        log.add(EventKind::StatementEnd, 11, 1, 0, 5);
        log.add(EventKind::StatementBlocked, 11, 1, 0, 7, 0, "INSERT INTO t VALUES (1)");
        log.add(EventKind::StatementBegin, 15, 2, 0, 0, 0, "COMMIT");
        log.add(EventKind::StatementEnd, 16, 2, 0);
        log.add(EventKind::StatementUnblocked, 17, 1, 0, 7);
        log.add(EventKind::StatementBegin, 17, 1, 0, 0, 0, "INSERT INTO t VALUES (1)");
        log.add(EventKind::StatementEnd, 18, 1, 0);
        const auto p = log.project();
        const auto waits = ofKind(p, SpanKind::Wait, 1);
        QCOMPARE(waits.size(), std::size_t(1));
        QCOMPARE(waits[0].cause, WaitCause::Blocked);
        QCOMPARE(waits[0].startNs, std::int64_t(11));
        QCOMPARE(waits[0].endNs, std::int64_t(17));
        QCOMPARE(waits[0].line, std::int64_t(7));
        QCOMPARE(ofKind(p, SpanKind::Statement, 1).size(), std::size_t(2)); // one per try
    }

    void closingRollsBackAndReleases()
    {
        Log log;
        log.add(EventKind::StatementBegin, 10, 1, 0, 0, 0, "BEGIN IMMEDIATE");
        log.add(EventKind::TxBegin, 11, 1, 8, static_cast<std::int64_t>(TxMode::Immediate));
        log.add(EventKind::LockAcquire, 11, 1, 8, 0, 2);
        log.add(EventKind::StatementEnd, 12, 1, 8);
        log.add(EventKind::ConnectionClose, 50, 1);
        const auto p = log.project();
        const auto txs = ofKind(p, SpanKind::Transaction);
        QCOMPARE(txs.size(), std::size_t(1));
        QCOMPARE(txs[0].outcome, TxOutcome::RolledBack);
        QCOMPARE(txs[0].rollbackReason, RollbackReason::Close);
        QCOMPARE(txs[0].endNs, std::int64_t(50));
        QVERIFY(!txs[0].cut);
        const auto holds = ofKind(p, SpanKind::LockHold);
        QCOMPARE(holds.size(), std::size_t(1));
        QCOMPARE(holds[0].endNs, std::int64_t(50));
        QVERIFY(!p.holdsAny(1));
    }

    void droppedPrefixAndGaps()
    {
        // The window starts mid-transaction: the commit's begin is gone, so no span is made up.
        Log log;
        log.add(EventKind::StatementEnd, 5, 1, 3);
        log.add(EventKind::TxCommit, 6, 1, 3);
        log.add(EventKind::LockRelease, 7, 1, 3, 0, 0);
        explicitTransaction(log, 1, 4, 100);
        auto p = log.project();
        QCOMPARE(ofKind(p, SpanKind::Transaction).size(), std::size_t(1));
        QCOMPARE(ofKind(p, SpanKind::Transaction)[0].txId, std::uint64_t(4));
        QCOMPARE(ofKind(p, SpanKind::Statement).size(), std::size_t(3));

        // A gap in the middle cuts what was open, at the latest time seen.
        SpanProjection q;
        for (std::size_t i = 0; i < 6; ++i)
            q.apply(log.list[i + 3]); // BEGIN .. COMMIT's StatementBegin
        q.gap(12);
        for (std::size_t i = 9; i < log.list.size(); ++i)
            q.apply(log.list[i]); // TxCommit, StatementEnd: their begins are forgotten
        const auto txs = ofKind(q, SpanKind::Transaction);
        QCOMPARE(txs.size(), std::size_t(1));
        QVERIFY(txs[0].cut);
        QVERIFY(txs[0].dropped);
        QCOMPARE(txs[0].endNs, std::int64_t(130));
        QCOMPARE(txs[0].outcome, TxOutcome::Open);
    }

    void observerSeesEveryOpenAndClose()
    {
        struct Counter : SpanObserver
        {
            int openCount = 0, closeCount = 0, changeCount = 0;
            void opened(const SpanRecord&) override { ++openCount; }
            void changed(const SpanRecord&) override { ++changeCount; }
            void closed(const SpanRecord&) override { ++closeCount; }
        } counter;
        Log log;
        explicitTransaction(log, 1, 5, 0);
        log.add(EventKind::StatementBegin, 50, 1, 0, 0, 0, "SELECT 1");
        SpanProjection p(false); // streaming: nothing retained
        p.setObserver(&counter);
        for (const Event& e : log.list)
            p.apply(e);
        QCOMPARE(counter.openCount, 5);   // tx + 4 statements
        QCOMPARE(counter.closeCount, 4);  // the SELECT is still running
        QCOMPARE(counter.changeCount, 1); // the commit inside COMMIT
        QVERIFY(p.closed().empty());
        p.finish();
        QCOMPARE(counter.closeCount, 5);
    }
};

QTEST_GUILESS_MAIN(TestSpanProjection)
#include "tst_span_projection.moc"
