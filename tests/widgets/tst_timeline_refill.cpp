// The timeline redrawn from the log in slices (TimelineRefill): a slice stops after the read that
// spent its budget (on a clock the test drives); a timer and a posted call that come due during a
// slice run before the next slice; and the timeline refilled in slices, with events still being
// applied meanwhile, equals the one filled in one go. Counted in reads and slices, never timed.

#include "engine/trace/TraceLog.h"
#include "widgets/timeline/TimelineRefill.h"
#include "widgets/timeline/TimelineWidget.h"

#include <QTest>
#include <QTimer>
#include <memory>

using namespace txs;
using namespace txs::timeline;

using models::SliceBudget;

namespace {

// `transactions` one-statement transactions spread over 8 connections, 4 events each, 1 µs apart.
std::shared_ptr<TraceLog> logOfTransactions(int transactions)
{
    auto log = std::make_shared<TraceLog>();
    std::int64_t t = 1000;
    for (std::uint32_t c = 1; c <= 8; ++c) {
        Event e;
        e.kind = EventKind::ConnectionOpen;
        e.connection = c;
        e.timeNs = t++;
        e.text = "T" + std::to_string(c);
        log->append(e);
    }
    for (int i = 0; i < transactions; ++i) {
        Event e;
        e.connection = 1 + static_cast<std::uint32_t>(i % 8);
        e.txId = static_cast<std::uint64_t>(i) + 1;
        for (EventKind k :
             {EventKind::TxBegin, EventKind::StatementBegin, EventKind::StatementEnd, EventKind::TxCommit}) {
            e.kind = k;
            e.timeNs = (t += 1000);
            e.text = k == EventKind::StatementBegin ? "INSERT INTO t VALUES (" + std::to_string(i) + ")" : "";
            log->append(e);
        }
    }
    return log;
}

// A clock that moves `stepNs` at every read.
SliceBudget::Clock steppingClock(std::int64_t stepNs)
{
    auto now = std::make_shared<std::int64_t>(0);
    return [now, stepNs] { return *now += stepNs; };
}

// Reads of 100 events, a 12 ms budget, a clock that moves 5 ms a read: three reads a slice.
void readsOf100On5msClock(TimelineRefill& refill)
{
    refill.setReadEvents(100);
    refill.setBudgetNs(12'000'000);
    refill.setClock(steppingClock(5'000'000));
}

bool sameSpans(const SpanList& a, const SpanList& b)
{
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].startNs != b[i].startNs || a[i].endNs != b[i].endNs || a[i].state != b[i].state ||
            a[i].txId != b[i].txId || a[i].beginSeq != b[i].beginSeq || a[i].endSeq != b[i].endSeq)
            return false;
    return true;
}

} // namespace

class TestTimelineRefill : public QObject
{
    Q_OBJECT

private slots:
    // Reads of 100 events, a 12 ms budget, a clock 5 ms a read: the slice stops after the third
    // read (15 ms), the one that spent the budget; the next slice goes on from there.
    void aSliceStopsAfterTheReadThatSpentTheBudget()
    {
        auto log = logOfTransactions(1000); // 4,008 events
        TimelineWidget timeline;
        TimelineRefill refill(&timeline);
        readsOf100On5msClock(refill);
        refill.start(log, TimeWarp{}, [] { return std::uint64_t{4008}; });
        QVERIFY(refill.busy());
        QCOMPARE(refill.slices(), 1);
        QCOMPARE(refill.next(), std::uint64_t{300});
        QCOMPARE(timeline.model().nextSeq(), std::uint64_t{300});
        QTRY_VERIFY(!refill.busy());
        QCOMPARE(refill.slices(), 14); // 4,008 events, 300 a slice
        QCOMPARE(timeline.model().eventCount(), std::uint64_t{4008});
    }

    // What comes due during slice 1 (a timer, as a view's refresh or the probe of
    // bench_window_latency, and a posted call, as a key press) runs before slice 2.
    void pendingWorkRunsBetweenTwoSlices()
    {
        auto log = logOfTransactions(10000); // 40,008 events
        TimelineWidget timeline;
        TimelineRefill refill(&timeline);
        readsOf100On5msClock(refill);
        int timerAt = -1, postedAt = -1;
        QTimer due;
        due.setSingleShot(true);
        connect(&due, &QTimer::timeout, this, [&] { timerAt = refill.slices(); });
        connect(&refill, &TimelineRefill::sliceDone, this, [&] {
            if (refill.slices() != 1) return;
            due.start(0);
            QMetaObject::invokeMethod(
                this, [&] { postedAt = refill.slices(); }, Qt::QueuedConnection);
        });
        refill.start(log, TimeWarp{}, [] { return std::uint64_t{40008}; });
        QTRY_VERIFY_WITH_TIMEOUT(!refill.busy() && timerAt >= 0 && postedAt >= 0, 60000);
        QVERIFY2(refill.slices() >= 100, qPrintable(QString::number(refill.slices())));
        QCOMPARE(timerAt, 1);
        QCOMPARE(postedAt, 1);
    }

    // Refilled in slices on a non-identity axis while the session applies more events between the
    // slices, the timeline equals the one filled in one turn from all of them.
    void slicedEqualsOneGo()
    {
        auto log = logOfTransactions(3000); // 12,008 events
        std::vector<std::pair<std::int64_t, std::int64_t>> busy;
        for (std::int64_t t = 0; t < 13'000'000; t += 40'000)
            busy.emplace_back(t, t + 20'000);
        const TimeWarp warp = TimeWarp::compressedIdle(busy, 5'000);
        QVERIFY(!warp.isIdentity());

        TimelineWidget whole;
        TimelineRefill oneGo(&whole); // no budget: one turn
        oneGo.start(log, warp, [] { return std::uint64_t{12008}; });
        QVERIFY(!oneGo.busy());
        QCOMPARE(oneGo.slices(), 1);

        TimelineWidget sliced;
        TimelineRefill refill(&sliced);
        refill.setReadEvents(64);
        refill.setBudgetNs(12'000'000);
        refill.setClock(steppingClock(5'000'000));
        // The drain goes on while the timeline is redrawn (97 events a slice, the refill reads 192:
        // it reaches the end of the log only after the drain has applied all of it).
        std::uint64_t applied = 9000;
        connect(&refill, &TimelineRefill::sliceDone, this,
                [&] { applied = std::min<std::uint64_t>(applied + 97, 12008); });
        refill.start(log, warp, [&] { return applied; });
        QTRY_VERIFY_WITH_TIMEOUT(!refill.busy(), 60000);
        QVERIFY2(refill.slices() > 20, qPrintable(QString::number(refill.slices())));
        QCOMPARE(sliced.model().eventCount(), whole.model().eventCount());
        QCOMPARE(sliced.model().nextSeq(), whole.model().nextSeq());
        QCOMPARE(sliced.model().startNs(), whole.model().startNs());
        QCOMPARE(sliced.model().endNs(), whole.model().endNs());
        const auto& a = sliced.model().lanes();
        const auto& b = whole.model().lanes();
        QCOMPARE(a.size(), b.size());
        for (std::size_t lane = 0; lane < a.size(); ++lane) {
            QCOMPARE(a[lane].connection, b[lane].connection);
            for (int t = 0; t < kTrackCount; ++t)
                QVERIFY2(sameSpans(a[lane].tracks[t], b[lane].tracks[t]),
                         qPrintable(QString("lane %1 track %2").arg(lane).arg(t)));
            QCOMPARE(a[lane].markers.size(), b[lane].markers.size());
        }
        QVERIFY(whole.model().lanes().size() == 8);
        QVERIFY(whole.model().lanes()[0].track(Track::Transaction).size() == 375);
    }

    // A new start abandons the refill under way; cancel stops it.
    void startOverAndCancel()
    {
        auto log = logOfTransactions(1000);
        TimelineWidget timeline;
        TimelineRefill refill(&timeline);
        readsOf100On5msClock(refill);
        refill.start(log, TimeWarp{}, [] { return std::uint64_t{4008}; });
        QVERIFY(refill.busy());
        refill.cancel();
        QVERIFY(!refill.busy());
        QCoreApplication::processEvents();
        QCOMPARE(refill.next(), std::uint64_t{300});
        refill.start(nullptr, TimeWarp{}, [] { return std::uint64_t{0}; });
        QVERIFY(!refill.busy());
    }
};

QTEST_MAIN(TestTimelineRefill)
#include "tst_timeline_refill.moc"
