// The live recorder's pacing of rebuilds (RebuildPacer): a cheap rebuild runs at every tick, an
// expensive one leaves the window four times its cost, so rebuilding never takes more than a
// fifth of the window's thread.

#include "widgets/record/RebuildPacer.h"

#include <QTest>

using txs::record_view::RebuildPacer;

class TestRebuildPacer : public QObject
{
    Q_OBJECT

private slots:
    void firstRebuildIsDueAtOnce()
    {
        RebuildPacer pacer;
        QVERIFY(pacer.due(0));
    }

    void cheapRebuildsRunAtEveryTick()
    {
        RebuildPacer pacer;
        for (std::int64_t tick = 0; tick < 1000; tick += 100) {
            QVERIFY(pacer.due(tick));
            pacer.rebuilt(tick, tick + 2); // 2 ms: due again 8 ms later, before the next tick
        }
    }

    // Simulated ticks every 100 ms against a rebuild whose cost grows with the recording: the
    // share of time spent rebuilding stays at or under a fifth.
    void expensiveRebuildsTakeAtMostAFifth()
    {
        RebuildPacer pacer;
        std::int64_t now = 0, busy = 0, cost = 10;
        int rebuilds = 0;
        while (now < 600'000) {
            if (pacer.due(now)) {
                pacer.rebuilt(now, now + cost);
                busy += cost;
                now += cost;
                ++rebuilds;
                cost += 5; // the recording grows
            }
            now += 100;
        }
        QVERIFY2(busy * 5 <= now + cost, qPrintable(QString("busy %1 of %2 ms").arg(busy).arg(now)));
        QVERIFY(rebuilds > 10); // it still updates
    }

    void aNewRecordingStartsOver()
    {
        RebuildPacer pacer;
        pacer.rebuilt(0, 1000);
        QVERIFY(!pacer.due(1500));
        pacer.reset();
        QVERIFY(pacer.due(0));
    }
};

QTEST_GUILESS_MAIN(TestRebuildPacer)
#include "tst_rebuild_pacer.moc"
