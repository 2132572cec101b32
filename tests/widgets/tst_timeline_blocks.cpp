// Span summaries (SpanBlocks): a zoomed-out track drawn with them gives exactly the runs it gives
// without them (every field of every run), at every zoom and pan tried, for both merge policies,
// with long spans, alarms, a block of mixed states and an open span among them; and a block is
// summarized only once its spans are closed.

#include "widgets/timeline/SpanBlocks.h"
#include "widgets/timeline/SpanRuns.h"

#include <QTest>
#include <random>

using namespace txs::timeline;

namespace {

// `n` spans of 0-100 ns with gaps of 0-50 ns, one in 40 a long one (20 µs), states drawn from
// `states`; span `mixedAt` in `odd` (a state of another group).
SpanList makeSpans(std::size_t n, std::vector<SpanState> states, std::uint32_t seed, std::size_t mixedAt,
                   SpanState odd)
{
    std::mt19937 rng(seed);
    SpanList spans;
    std::int64_t t = 1000;
    for (std::size_t i = 0; i < n; ++i) {
        Span s;
        s.startNs = t + static_cast<std::int64_t>(rng() % 51);
        const std::int64_t dur = rng() % 40 == 0 ? 20'000 : static_cast<std::int64_t>(rng() % 101);
        s.endNs = s.startNs + dur;
        s.state = i == mixedAt ? odd : states[rng() % states.size()];
        s.beginSeq = i;
        spans.push_back(s);
        t = s.endNs;
    }
    return spans;
}

QString describe(const PixelRun& r)
{
    return QString("[%1,%2) state %3 alarm %4/%5 count %6 first %7")
        .arg(r.x0)
        .arg(r.x1)
        .arg(int(r.state))
        .arg(r.hasAlarm)
        .arg(int(r.alarm))
        .arg(r.count)
        .arg(r.first);
}

bool sameRuns(const std::vector<PixelRun>& a, const std::vector<PixelRun>& b, QString* why)
{
    if (a.size() != b.size()) {
        *why = QString("%1 runs with blocks, %2 without").arg(a.size()).arg(b.size());
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i)
        if (describe(a[i]) != describe(b[i])) {
            *why = QString("run %1: %2 with blocks, %3 without").arg(i).arg(describe(a[i]), describe(b[i]));
            return false;
        }
    return true;
}

} // namespace

class TestTimelineBlocks : public QObject
{
    Q_OBJECT

private slots:
    void sameRunsWithAndWithoutBlocks_data()
    {
        QTest::addColumn<int>("policy");
        QTest::addColumn<int>("track");
        QTest::newRow("transactions, majority") << int(MergePolicy::Majority) << 0;
        QTest::newRow("statements, majority") << int(MergePolicy::Majority) << 1;
        QTest::newRow("locks, strongest") << int(MergePolicy::Strongest) << 2;
    }

    void sameRunsWithAndWithoutBlocks()
    {
        QFETCH(int, policy);
        QFETCH(int, track);
        const std::vector<std::vector<SpanState>> groups{
            {SpanState::TxCommitted, SpanState::TxCommitted, SpanState::TxCommitted, SpanState::TxDoomed,
             SpanState::TxRolledBack},
            {SpanState::StmtOk, SpanState::StmtOk, SpanState::StmtError, SpanState::Waiting},
            {SpanState::LockShared, SpanState::LockReserved, SpanState::LockExclusive,
             SpanState::LockPending}};
        auto spans = makeSpans(40'000, groups[std::size_t(track)], 7u + std::uint32_t(track), 1234,
                               track == 0 ? SpanState::StmtOk : SpanState::TxCommitted);
        spans[30'001].endNs = kOpenEnd; // an open span among closed ones (a statement cut off)
        spans.back().endNs = kOpenEnd;  // and the one still running
        SpanBlocks blocks;
        blocks.update(spans);
        const std::int64_t now = spans.back().startNs + 500;
        const double lo = 0, hi = static_cast<double>(now);
        std::mt19937 rng(99);
        int compared = 0, merged = 0;
        for (double zoom : {1.0, 1.7, 3.0, 10.0, 33.0, 100.0, 1000.0})
            for (int pan = 0; pan < 12; ++pan) {
                const double width = (hi - lo) / zoom;
                const double from = lo + (hi - lo - width) * (rng() % 1000) / 999.0;
                for (auto [pxLo, pxHi] : {std::pair{0, 1000}, std::pair{137, 611}}) {
                    const LinearMap time{from, from + width, 0, 1000};
                    const auto without =
                        visibleRuns(spans, time, pxLo, pxHi, now, static_cast<MergePolicy>(policy));
                    const auto with =
                        visibleRuns(spans, time, pxLo, pxHi, now, static_cast<MergePolicy>(policy), &blocks);
                    QString why;
                    QVERIFY2(sameRuns(with, without, &why), qPrintable(QString("zoom %1 pan %2 px %3-%4: %5")
                                                                           .arg(zoom)
                                                                           .arg(pan)
                                                                           .arg(pxLo)
                                                                           .arg(pxHi)
                                                                           .arg(why)));
                    ++compared;
                    for (const auto& r : without)
                        merged += r.count >= 16;
                }
            }
        QCOMPARE(compared, 7 * 12 * 2);
        QVERIFY(merged > 1000); // runs of many spans: the case the blocks are for
    }

    // A block is summarized when its spans are all closed, and the blocks above it when theirs are.
    void onlyClosedSpansAreSummarized()
    {
        auto spans = makeSpans(600, {SpanState::TxCommitted}, 1, 10'000, SpanState::TxCommitted);
        spans[100].endNs = kOpenEnd;
        SpanBlocks blocks;
        blocks.update(spans);
        QVERIFY(blocks.at(0, 88) != nullptr); // spans 88..95
        QVERIFY(blocks.at(0, 96) == nullptr); // 96..103 holds the open span 100
        QVERIFY(blocks.at(1, 0) != nullptr);  // 0..63
        QVERIFY(blocks.at(1, 64) == nullptr); // 64..127: one of its blocks is missing
        QCOMPARE(blocks.at(1, 0)->count, 64u);
        spans[100].endNs = spans[100].startNs + 10; // it closes
        blocks.update(spans);
        QVERIFY(blocks.at(0, 96) != nullptr);
        QVERIFY(blocks.at(0, 592) != nullptr); // 592..599: the last whole block
        QVERIFY(blocks.at(1, 512) != nullptr); // 512..575
        QVERIFY(blocks.at(1, 576) == nullptr); // 576..639 is not complete
        QVERIFY(blocks.at(2, 0) != nullptr);   // 0..511
        std::int64_t total = 0;
        for (std::size_t i = 0; i < 512; ++i)
            total += spans[i].endNs - spans[i].startNs;
        QCOMPARE(blocks.at(2, 0)->weight[1], total); // TxCommitted is state 1 of the group from 0
    }
};

QTEST_MAIN(TestTimelineBlocks)
#include "tst_timeline_blocks.moc"
