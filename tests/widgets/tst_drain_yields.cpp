// A backlog is drained in slices that yield to the event loop: what is pending when a slice ends
// (a posted event, a key press, a due timer: the views' refresh, the status bar, a cursor blink)
// runs before the next slice, however large the backlog. Counted in slices, not timed. And the
// first slice of a log under a time budget is small; a slice stops after the clock check that
// spent its budget (on a clock the test drives), the handlers' measured share counted in; the
// views refresh in a turn of their own.

#include "engine/api/Connection.h"
#include "engine/trace/StatementFold.h"
#include "engine/trace/TraceLog.h"
#include "tests/widgets/support/StatementLogs.h"
#include "widgets/models/SessionLog.h"

#include <QTest>
#include <QTimer>

using namespace txs;
using namespace txs::models;
using txs::test::logOfStatements;

class TestDrainYields : public QObject
{
    Q_OBJECT

private slots:
    void pendingWorkRunsBetweenTwoSlices()
    {
        // 20,000 statements (40,000 events) in slices of 500: 80 slices of backlog.
        SessionLog session(logOfStatements(20000, 4));
        session.setBatchLimit(500);
        int slices = 0, postedAt = -1, timerAt = -1;
        QTimer due; // a timer due now, as the probe of bench_window_latency or a view's refresh
        due.setSingleShot(true);
        connect(&due, &QTimer::timeout, this, [&] { timerAt = slices; });
        connect(&session, &SessionLog::eventsApplied, this, [&] {
            if (++slices != 1) return;
            QTimer::singleShot(0, this, [&] { postedAt = slices; });
            due.start(0);
        });
        session.start(1);
        QTRY_VERIFY_WITH_TIMEOUT(session.backlog() == 0 && postedAt >= 0 && timerAt >= 0, 60000);
        session.stop();
        QVERIFY2(slices >= 80, qPrintable(QString("%1 slices").arg(slices)));
        // Both ran after the first slice and before the second.
        QCOMPARE(postedAt, 1);
        QCOMPARE(timerAt, 1);
    }

    // Under a time budget, the first slice of a log (nothing measured yet) is small, not
    // batchLimit: 50,000 events at once held the window's loop 100 ms and more at a run's start.
    void theFirstSliceUnderABudgetIsSmall()
    {
        SessionLog session(logOfStatements(20000, 4));
        session.setSliceClock([] { return std::int64_t{0}; });   // the budget is never spent
        QCOMPARE(session.nextSliceLimit(), std::size_t(50'000)); // no budget: batchLimit
        session.setSliceBudgetMs(12);
        QCOMPARE(session.nextSliceLimit(), SessionLog::kFirstSliceEvents);
        QCOMPARE(session.drain(), SessionLog::kFirstSliceEvents);
        session.setLog(logOfStatements(20000, 4)); // a new run: nothing measured for it
        QCOMPARE(session.nextSliceLimit(), SessionLog::kFirstSliceEvents);
    }

    // The clock is read every kBudgetCheckEvents events applied; the slice stops after the check
    // that found the budget spent, and the next slice goes on from the first event not applied:
    // sliced, the projections end as they end in one go.
    void aSliceStopsAfterTheCheckThatSpentTheBudget()
    {
        auto log = logOfStatements(5000, 4); // 10,000 events and more
        SessionLog session(log);
        std::int64_t reads = 0;
        // Each read of the clock is 2 ms later: start at 0, then 2, 4, ... after each step.
        session.setSliceClock([&] { return 2'000'000 * reads++; });
        session.setSliceBudgetMs(11);
        const std::size_t step = SessionLog::kBudgetCheckEvents;
        QVERIFY(SessionLog::kFirstSliceEvents > 6 * step);
        const std::size_t total = session.backlog();
        QVERIFY(total >= 10000);
        // 1,024 events read; the 6th check reads 12 ms >= 11: 6 steps applied, the rest waits.
        QCOMPARE(session.drain(), 6 * step);
        QCOMPARE(session.projection().eventCount(), 6 * step);
        QCOMPARE(session.backlog(), total - 6 * step);
        // Without a budget, the same log in one go.
        SessionLog oneGo(log);
        oneGo.setBatchLimit(1'000'000);
        QCOMPARE(oneGo.drain(), total);
        std::size_t slices = 1;
        while (session.drain() > 0)
            ++slices;
        QVERIFY(slices > 2);
        QCOMPARE(session.projection().nextSeq(), oneGo.projection().nextSeq());
        QCOMPARE(session.projection().eventCount(), oneGo.projection().eventCount());
        const auto& a = session.projection().statements.all();
        const auto& b = oneGo.projection().statements.all();
        QCOMPARE(a.size(), b.size());
        for (std::size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(a[i].seq, b[i].seq);
            QCOMPARE(a[i].endNs, b[i].endNs);
        }
    }

    // A Begin that carries its transaction's TxBegin is read as three events under one seq
    // (engine/trace/StatementFold.h). A slice whose budget is spent on the TxBegin applies the
    // other two before it stops, or the next slice would read the group from its seq again and
    // apply the TxBegin and the End twice (a second span for the transaction).
    void aSliceNeverStopsInsideAFoldedGroup()
    {
        const std::size_t step = SessionLog::kBudgetCheckEvents;
        auto log = std::make_shared<TraceLog>();
        std::int64_t t = 1000;
        auto add = [&](EventKind kind, std::uint64_t tx = 0, std::int64_t a = 0, std::int64_t b = 0,
                       const char* text = "") {
            Event e;
            e.kind = kind;
            e.connection = 1;
            e.txId = tx;
            e.a = a;
            e.b = b;
            e.text = text;
            e.timeNs = t += 10;
            return e;
        };
        log->append(add(EventKind::ConnectionOpen, 0, 0, 0, "w"));
        log->append(add(EventKind::StatementBegin, 0, 0, 0, "BEGIN CONCURRENT"));
        for (std::size_t i = 2; i < step - 1; ++i) { // read positions 2 .. step - 2
            Event note = add(EventKind::Note, 0, 0, 0, "filler");
            note.connection = 0;
            log->append(note);
        }
        // Read as positions step - 1 (the TxBegin: the last of the first step), step, step + 1.
        Event carrier = add(EventKind::StatementBegin, 0, 7, 5, "INSERT INTO t VALUES (1)");
        carrier.detail =
            kStatementBeginEndsPrevious | kStatementBeginCarriesTxBegin |
            static_cast<std::uint16_t>(static_cast<int>(TxMode::Concurrent) << kCarriedTxModeShift);
        carrier.rowid = carrier.timeNs - 5;
        carrier.txId = 7;
        log->append(carrier);
        log->append(add(EventKind::StatementEnd, 7, 0, 1));
        log->append(add(EventKind::StatementBegin, 7, 0, 0, "COMMIT"));
        log->append(add(EventKind::TxCommit, 7, 9, 1));
        log->append(add(EventKind::StatementEnd, 7));

        SessionLog session(log);
        std::int64_t reads = 0;
        session.setSliceClock([&] { return reads++ == 0 ? std::int64_t{0} : std::int64_t{12'000'000}; });
        session.setSliceBudgetMs(11);
        QCOMPARE(session.drain(), step + 2); // the first step, and the rest of its group
        std::size_t slices = 1;
        while (session.drain() > 0)
            ++slices;
        QCOMPARE(slices, std::size_t{2});
        SessionLog oneGo(log);
        oneGo.drain();
        QCOMPARE(session.projection().eventCount(), oneGo.projection().eventCount());
        QCOMPARE(session.projection().eventCount(), log->snapshot().size());
        QCOMPARE(session.projection().transactions.all().size(), std::size_t{1});
        QCOMPARE(session.projection().transactions.all().size(),
                 oneGo.projection().transactions.all().size());
    }

    // The views' eventsApplied handlers run in the slice's turn on everything it applied: each
    // check counts their measured cost per event for the events applied so far, so a slice whose
    // apply got slower stops before the apply and the handlers together overrun the budget.
    void theHandlersCostIsReservedInTheBudget()
    {
        SessionLog session(logOfStatements(5000, 4));
        std::int64_t now = 0, perRead = 0, handlerNsPerEvent = 20'000;
        session.setSliceClock([&] {
            const std::int64_t t = now;
            now += perRead;
            return t;
        });
        connect(&session, &SessionLog::eventsApplied, this,
                [&] { now += handlerNsPerEvent * static_cast<std::int64_t>(session.lastBatch().size()); });
        session.setSliceBudgetMs(11);
        // Slice 1: the apply takes no time on this clock, the handlers 20 us an event.
        QCOMPARE(session.drain(), SessionLog::kFirstSliceEvents);
        QCOMPARE(session.nextSliceLimit(), std::size_t(550)); // 11 ms / 20 us
        // Slice 2: the handlers are measured at 20 us an event; the apply now takes 2 ms a step
        // of 128. After 3 steps: 6 ms + 384 x 20 us = 13.7 ms >= 11: stop. Without the reserve
        // the 550 events read would all be applied (10 ms), then their handlers (11 ms more).
        perRead = 2'000'000;
        handlerNsPerEvent = 0;
        QCOMPARE(session.drain(), 3 * SessionLog::kBudgetCheckEvents);
    }

    // Under a refresh period the views' refresh is never inside a slice: a zero timer, so what is
    // pending (input, a probe) runs first and the slice's budget is the slice's own work.
    void theViewsRefreshInATurnOfTheirOwn()
    {
        SessionLog session(logOfStatements(300, 4));
        session.setBatchLimit(100);
        session.setViewRefreshMs(33);
        int due = 0;
        connect(&session, &SessionLog::viewsDue, this, [&] { ++due; });
        QCOMPARE(session.drain(), std::size_t(100));
        QCOMPARE(due, 0);
        QTRY_COMPARE(due, 1);
    }
};

QTEST_MAIN(TestDrainYields)
#include "tst_drain_yields.moc"
