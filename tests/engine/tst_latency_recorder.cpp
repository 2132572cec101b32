// The runner's fixed-size latency histogram: percentiles within its stated relative error of
// the exact ones (the sorted samples' value at rank round(p * (n - 1))), over values from
// nanoseconds to minutes.

#include "engine/trace/LatencyRecorder.h"

#include <QTest>
#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

using namespace txs;

class TestLatencyRecorder : public QObject
{
    Q_OBJECT

private slots:
    void percentilesWithinTheStatedError()
    {
        std::mt19937_64 rng(42);
        // Log-uniform from 1 ns to about 2 minutes, as latencies of retried transactions spread.
        std::uniform_real_distribution<double> exponent(0, 47);
        for (int round = 0; round < 20; ++round) {
            LatencyRecorder a, b;
            std::vector<std::int64_t> values;
            const int n = 1 + round * 997;
            for (int i = 0; i < n; ++i) {
                const auto v = static_cast<std::int64_t>(std::exp2(exponent(rng)));
                values.push_back(v);
                (i % 2 ? a : b).record(v);
            }
            a.merge(b);
            QCOMPARE(a.count(), static_cast<std::uint64_t>(n));
            std::sort(values.begin(), values.end());
            for (double p : {0.0, 0.5, 0.9, 0.99, 1.0}) {
                const auto rank = static_cast<std::size_t>(p * static_cast<double>(n - 1) + 0.5);
                const double exact = static_cast<double>(values[rank]);
                const double got = a.percentileNs(p);
                QVERIFY2(std::abs(got - exact) <= exact * LatencyRecorder::kMaxRelativeError,
                         qPrintable(QString("p%1 of %2: %3 against %4").arg(p).arg(n).arg(got).arg(exact)));
            }
        }
    }

    void smallValuesAreExactAndEmptyIsZero()
    {
        LatencyRecorder r;
        QCOMPARE(r.percentileNs(0.5), 0.0);
        for (int v : {3, 5, 7, 100, 127})
            r.record(v);
        QCOMPARE(r.percentileNs(0.5), 7.0);
        QCOMPARE(r.percentileNs(1.0), 127.0);
        r.record(-5); // a clock step backwards counts as 0, not as a huge value
        QCOMPARE(r.percentileNs(0.0), 0.0);
    }

    void everyBucketIsNarrow()
    {
        for (std::uint64_t v : {128ull, 129ull, 255ull, 256ull, 1000ull, 123456789ull, ~0ull}) {
            const std::size_t bucket = LatencyRecorder::bucketOf(v);
            QVERIFY(bucket < LatencyRecorder::kBuckets);
            const double mid = LatencyRecorder::midpointNs(bucket);
            QVERIFY(std::abs(mid - static_cast<double>(v)) <=
                    static_cast<double>(v) * LatencyRecorder::kMaxRelativeError);
        }
    }
};

QTEST_GUILESS_MAIN(TestLatencyRecorder)
#include "tst_latency_recorder.moc"
