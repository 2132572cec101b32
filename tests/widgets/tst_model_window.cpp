// The windowed session tables (InstantTableModel): at most windowRows() rows, the latest records
// at the instant, sliding as a run goes on, under QAbstractItemModelTester (fatal) and a Mirror
// that catches an unannounced change; earlier records by moving the instant back; and the views'
// refresh coalesced to one per period (SessionLog::setViewRefreshMs).

#include "engine/trace/TraceLog.h"
#include "tests/widgets/support/ModelMirror.h"
#include "tests/widgets/support/StatementLogs.h"
#include "widgets/models/ModelRoles.h"
#include "widgets/models/SessionLog.h"
#include "widgets/models/StatementLogModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>
#include <memory>

using namespace txs;
using namespace txs::models;

namespace {

// `count` statements (begin and end), over three connections.
std::shared_ptr<TraceLog> statementsLog(int count)
{
    return test::logOfStatements(count, 3);
}

quint64 seqAt(const QAbstractItemModel& m, int row)
{
    return m.data(m.index(row, 0), SeqRole).toULongLong();
}

} // namespace

class TestModelWindow : public QObject
{
    Q_OBJECT

private slots:
    // Live, the window slides: rows leave at the top, new ones come at the bottom, every shown
    // row is the record it says, and a row held by a view keeps its record while it is shown.
    void windowSlidesWithTheRun()
    {
        SessionLog session(statementsLog(700));
        session.setBatchLimit(90); // 45 statements a drain: the window slides by less than its size
        StatementLogModel model(&session);
        model.setWindowRows(100);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        Mirror mirror(&model);
        QSignalSpy windowChanged(&model, &InstantTableModel::windowChanged);
        const auto& statements = session.projection().statements.all();
        QPersistentModelIndex held;
        quint64 heldSeq = 0;
        int slides = 0;
        while (session.drain() > 0) {
            const std::size_t total = statements.size();
            QCOMPARE(model.totalRows(), total);
            QCOMPARE(model.rowCount(), static_cast<int>(std::min<std::size_t>(total, 100)));
            QCOMPARE(model.firstRecord(), total - static_cast<std::size_t>(model.rowCount()));
            QCOMPARE(seqAt(model, 0), statements[model.firstRecord()].seq);
            QCOMPARE(seqAt(model, model.rowCount() - 1), statements.back().seq);
            QCOMPARE(mirror.mismatch(), QString());
            QCOMPARE(model.windowNote().isEmpty(), total <= 100);
            if (held.isValid()) {
                QCOMPARE(held.data(SeqRole).toULongLong(), heldSeq);
                ++slides;
            }
            held = model.index(model.rowCount() - 1, 0);
            heldSeq = held.data(SeqRole).toULongLong();
        }
        QCOMPARE(model.totalRows(), std::size_t(700));
        QCOMPARE(model.rowCount(), 100);
        QVERIFY(slides > 10);
        QVERIFY(windowChanged.count() > 10);
        QVERIFY(model.windowNote().contains("100"));
    }

    // Moving the instant back shows the latest records at that instant; back to live, the end.
    void timeTravelReachesEarlierRecords()
    {
        SessionLog session(statementsLog(500));
        StatementLogModel model(&session);
        model.setWindowRows(50);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        Mirror mirror(&model);
        session.drainAll();
        const auto& statements = session.projection().statements.all();
        for (std::size_t k : {std::size_t(0), std::size_t(20), std::size_t(200), std::size_t(499)}) {
            const std::int64_t t = statements[k].beginNs;
            session.setInstant(t);
            const std::size_t at = session.projection().statements.countAt(t);
            QCOMPARE(model.totalRows(), at);
            QCOMPARE(model.rowCount(), static_cast<int>(std::min<std::size_t>(at, 50)));
            QCOMPARE(seqAt(model, model.rowCount() - 1), statements[at - 1].seq);
            QCOMPARE(seqAt(model, 0), statements[at - static_cast<std::size_t>(model.rowCount())].seq);
            QCOMPARE(mirror.mismatch(), QString());
            QCOMPARE(model.windowNote().isEmpty(), at <= 50);
        }
        session.followLive();
        QCOMPARE(model.totalRows(), std::size_t(500));
        QCOMPARE(seqAt(model, 49), statements.back().seq);
        QCOMPARE(mirror.mismatch(), QString());
    }

    // With a refresh period, drains that come sooner do not refresh the views; the period's end
    // (or flushViews, or drainAll) refreshes them once with everything applied meanwhile.
    void viewsRefreshAtMostOncePerPeriod()
    {
        SessionLog session(statementsLog(300));
        session.setBatchLimit(100);
        session.setViewRefreshMs(60'000);
        StatementLogModel model(&session);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        Mirror mirror(&model);
        QSignalSpy due(&session, &SessionLog::viewsDue);
        QSignalSpy applied(&session, &SessionLog::eventsApplied);
        QCOMPARE(session.drain(), std::size_t(100));
        QCOMPARE(due.count(), 0);     // a turn of its own (a zero timer), not inside the slice
        QTRY_COMPARE(due.count(), 1); // the first refresh is not held back
        QCOMPARE(model.rowCount(), 50);
        QCOMPARE(session.drain(), std::size_t(100));
        QCOMPARE(session.drain(), std::size_t(100));
        QCOMPARE(applied.count(), 3);
        QCOMPARE(due.count(), 1);
        QCOMPARE(model.rowCount(), 50); // still the first refresh's
        QCOMPARE(mirror.mismatch(), QString());
        session.flushViews();
        QCOMPARE(due.count(), 2);
        QCOMPARE(model.rowCount(), 150);
        QCOMPARE(mirror.mismatch(), QString());
        session.flushViews(); // nothing waiting: no signal
        QCOMPARE(due.count(), 2);
        // Without a period every drain refreshes.
        session.setViewRefreshMs(0);
        auto more = statementsLog(10);
        session.setLog(more);
        session.drain();
        QCOMPARE(due.count(), 3);
        QCOMPARE(model.rowCount(), 10);
    }

    // The drain reads a bounded slice of a backlog: what it has not applied stays in the log.
    void drainReadsABoundedSlice()
    {
        auto log = statementsLog(1000); // 2000 events
        SessionLog session(log);
        session.setBatchLimit(300);
        QCOMPARE(session.backlog(), std::size_t(2000));
        QCOMPARE(session.drain(), std::size_t(300));
        QCOMPARE(session.backlog(), std::size_t(1700));
        QCOMPARE(session.projection().nextSeq(), std::uint64_t(300));
        QCOMPARE(session.drain(), std::size_t(300));
        session.drainAll();
        QCOMPARE(session.backlog(), std::size_t(0));
        QCOMPARE(session.projection().eventCount(), std::uint64_t(2000));
    }
};

QTEST_MAIN(TestModelWindow)
#include "tst_model_window.moc"
