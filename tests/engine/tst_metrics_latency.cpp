// The Metrics panel's latency at an instant comes from bucket counts (running counts at the live
// end, checkpoints plus a remainder for time travel), so a refresh costs O(buckets) however long
// the run. Checked here against a brute-force computation over every committed transaction, at
// many instants, going forward and back: the count, the coarse buckets and the max are exact, the
// percentiles within LatencyRecorder::kMaxRelativeError (0.4 %) of the value at rank
// round(p * (n - 1)) of the sorted latencies. Commit times arrive slightly out of seq order (threads
// stamp their own events), as in a real log.

#include "engine/trace/MetricsProjection.h"

#include <QTest>
#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

using namespace txs;

namespace {

struct Commit
{
    std::int64_t endNs, latencyNs;
};

// What latency(t) must say, computed from every commit.
LatencyHistogram bruteForce(const std::vector<Commit>& commits, std::int64_t t)
{
    LatencyHistogram h;
    std::vector<std::int64_t> values;
    for (const Commit& c : commits) {
        if (c.endNs > t) continue;
        values.push_back(c.latencyNs);
        ++h.counts[static_cast<std::size_t>(LatencyHistogram::bucketOf(c.latencyNs))];
        h.maxNs = std::max(h.maxNs, c.latencyNs);
    }
    h.total = values.size();
    std::sort(values.begin(), values.end());
    auto at = [&](double p) {
        return values.empty()
                   ? 0
                   : values[static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5)];
    };
    h.p50Ns = at(0.50);
    h.p99Ns = at(0.99);
    return h;
}

bool within(std::int64_t got, std::int64_t exact)
{
    // The bucket's midpoint, rounded to a whole ns.
    return std::abs(static_cast<double>(got - exact)) <=
           LatencyRecorder::kMaxRelativeError * static_cast<double>(exact) + 1.0;
}

} // namespace

class TestMetricsLatency : public QObject
{
    Q_OBJECT

private slots:
    void bucketsAgreeWithBruteForce_data()
    {
        QTest::addColumn<int>("block");
        QTest::addColumn<int>("transactions");
        QTest::newRow("small blocks") << 7 << 500;
        QTest::newRow("one block") << 100000 << 500;
        QTest::newRow("default blocks") << static_cast<int>(MetricsProjection::kLatencyBlock) << 70000;
    }

    void bucketsAgreeWithBruteForce()
    {
        QFETCH(int, block);
        QFETCH(int, transactions);
        MetricsProjection metrics(100'000'000, static_cast<std::size_t>(block));
        std::mt19937_64 rng(7);
        // Log-uniform latencies from 1 ns to about 10 s, as retried transactions spread.
        std::uniform_real_distribution<double> exponent(0, 33);
        std::uniform_int_distribution<std::int64_t> jitter(0, 3000);
        constexpr std::uint32_t kConnections = 8;
        std::vector<Commit> commits;
        std::uint64_t seq = 0;
        std::int64_t clock = 1'000'000;
        for (int i = 0; i < transactions; ++i) {
            const std::uint32_t connection = 1 + static_cast<std::uint32_t>(i) % kConnections;
            const auto latency = static_cast<std::int64_t>(std::exp2(exponent(rng)));
            clock += 1000;
            // Stamped by its thread a little before or after its neighbours in seq order.
            const std::int64_t end = clock + jitter(rng);
            const std::int64_t begin = end - latency;
            Event b;
            b.seq = seq++;
            b.timeNs = begin;
            b.connection = connection;
            b.txId = static_cast<std::uint64_t>(i) + 1;
            b.kind = EventKind::TxBegin;
            metrics.apply(b);
            Event c = b;
            c.seq = seq++;
            c.timeNs = end;
            c.kind = EventKind::TxCommit;
            metrics.apply(c);
            commits.push_back({end, latency});
        }
        QCOMPARE(metrics.latency(clock + 10'000).total, static_cast<std::uint64_t>(transactions));

        // Forward through the run, then back (time travel), then the live end again.
        std::vector<std::int64_t> instants;
        for (int k = 0; k <= 40; ++k)
            instants.push_back(1'000'000 + (clock - 1'000'000 + 4000) * k / 40);
        for (int k = 40; k >= 0; k -= 3)
            instants.push_back(1'000'000 + (clock - 1'000'000) * k / 40 + 1500);
        instants.push_back(0);
        instants.push_back(clock + 1'000'000);
        for (std::int64_t t : instants) {
            const LatencyHistogram got = metrics.latency(t);
            const LatencyHistogram want = bruteForce(commits, t);
            QCOMPARE(got.total, want.total);
            QCOMPARE(got.counts, want.counts);
            QCOMPARE(got.maxNs, want.maxNs);
            QVERIFY2(within(got.p50Ns, want.p50Ns),
                     qPrintable(QString("p50 at %1: %2, exact %3").arg(t).arg(got.p50Ns).arg(want.p50Ns)));
            QVERIFY2(within(got.p99Ns, want.p99Ns),
                     qPrintable(QString("p99 at %1: %2, exact %3").arg(t).arg(got.p99Ns).arg(want.p99Ns)));
            QVERIFY(got.p50Ns <= got.p99Ns && got.p99Ns <= got.maxNs);
        }
    }

    void emptyBeforeTheFirstCommit()
    {
        MetricsProjection metrics;
        QCOMPARE(metrics.latency(1'000'000).total, 0u);
        QCOMPARE(metrics.latency(1'000'000).p99Ns, 0);
    }
};

QTEST_GUILESS_MAIN(TestMetricsLatency)
#include "tst_metrics_latency.moc"
