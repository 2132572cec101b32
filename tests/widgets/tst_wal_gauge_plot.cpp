// The WAL gauges plot of a recording: one database's gauges at a time, the first by default; a
// recording with several databases gets a chooser, and choosing one replots its gauges.

#include "engine/record/WalGauges.h"
#include "engine/trace/TraceLog.h"
#include "widgets/models/SessionLog.h"
#include "widgets/record/WalGaugePlot.h"

#include <QComboBox>
#include <QTest>
#include <qcustomplot.h>

using namespace txs;
using namespace txs::record;

namespace {

WalSample sample(const std::string& database, std::int64_t timeNs, std::int64_t frames)
{
    WalSample s;
    s.database = database;
    s.timeNs = timeNs;
    s.values[1] = frames; // committed frames
    s.values[2] = 0;      // backfilled
    return s;
}

} // namespace

class TestWalGaugePlot : public QObject
{
    Q_OBJECT

    // A session whose log holds the WalGauge events of `samples`, drained into the plot.
    struct Fixture
    {
        std::shared_ptr<TraceLog> log = std::make_shared<TraceLog>();
        models::SessionLog session;
        record_view::WalGaugePlot plot{&session};

        explicit Fixture(const std::vector<WalSample>& samples)
        {
            for (Event& e : walGaugeEvents(samples, [](std::int64_t t) { return t; }))
                log->append(std::move(e));
            session.setLog(log);
            session.drainAll();
        }
        QString frameAxisLabel() const { return plot.plot()->yAxis->label(); }
    };

private slots:
    void oneDatabaseNeedsNoChooser()
    {
        Fixture f({sample("/data/app.db", 1'000'000, 3), sample("/data/app.db", 2'000'000, 9)});
        QCOMPARE(f.plot.shownDatabase(), 1u);
        QVERIFY(f.plot.databaseChooser()->parentWidget()->isHidden());
        QVERIFY(f.frameAxisLabel().contains("app.db"));
        QCOMPARE(f.plot.plot()->yAxis->range().upper, 9 * 1.1);
    }

    void everyDatabaseCanBeChosen()
    {
        Fixture f({sample("/data/app.db", 1'000'000, 3), sample("/data/cache.db", 1'500'000, 40),
                   sample("/data/app.db", 2'000'000, 9)});
        QComboBox* chooser = f.plot.databaseChooser();
        QVERIFY(!chooser->parentWidget()->isHidden());
        QCOMPARE(chooser->count(), 2);
        QCOMPARE(chooser->itemText(0), QString("app.db"));
        QCOMPARE(chooser->itemText(1), QString("cache.db"));
        // The first database by default: its frames set the axis, not the other's 40.
        QCOMPARE(f.plot.shownDatabase(), 1u);
        QVERIFY(f.frameAxisLabel().contains("app.db"));
        QCOMPARE(f.plot.plot()->yAxis->range().upper, 9 * 1.1);

        emit chooser->activated(1);
        QCOMPARE(f.plot.shownDatabase(), 2u);
        QVERIFY(f.frameAxisLabel().contains("cache.db"));
        QCOMPARE(f.plot.plot()->yAxis->range().upper, 40 * 1.1);
        QCOMPARE(chooser->currentIndex(), 1);

        // The choice holds while more samples arrive.
        for (Event& e :
             walGaugeEvents({sample("/data/app.db", 3'000'000, 12)}, [](std::int64_t t) { return t; }))
            f.log->append(std::move(e));
        f.session.drainAll();
        QCOMPARE(f.plot.shownDatabase(), 2u);
    }
};

QTEST_MAIN(TestWalGaugePlot)
#include "tst_wal_gauge_plot.moc"
