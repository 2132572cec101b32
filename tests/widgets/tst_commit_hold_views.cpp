// The MVCC commit lock folded into TxCommit (engine/trace/CommitHold.h), as the GUI shows it:
// the timeline's lanes (the MVCC lock row above all) are span for span what they were with the
// LockAcquire / LockRelease pair, on real runs and on a hold folded while the exclusive slot is
// held; the Locks panel (under QAbstractItemModelTester) shows the commit hold at an instant
// inside it and not after.

#include "tests/engine/support/EventBuilder.h"
#include "tests/engine/support/UnfoldCommitHolds.h"
#include "tests/widgets/support/RecordedRun.h"
#include "widgets/models/LocksModel.h"
#include "widgets/models/SessionLog.h"
#include "widgets/timeline/LockGroups.h"
#include "widgets/timeline/TimelineModel.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QTest>
#include <tuple>

using namespace txs;
using namespace txs::timeline;

namespace {

constexpr auto kExclusive = static_cast<std::int64_t>(LockResource::MvccExclusive);
constexpr auto kCommit = static_cast<std::int64_t>(LockResource::MvccCommit);

using SpanKey = std::tuple<std::uint32_t, int, std::int64_t, std::int64_t, std::uint64_t, std::int64_t,
                           std::int64_t, int>;
using MarkerKey = std::tuple<std::uint32_t, std::int64_t, int, std::uint64_t>;

struct Drawn
{
    std::vector<SpanKey> spans;
    std::vector<MarkerKey> markers;
    std::size_t mvccLockSpans = 0;
};

// Everything the timeline draws, less the seqs (the unfolded log has more events).
Drawn drawn(const std::vector<Event>& events)
{
    TimelineModel model;
    model.append(events);
    Drawn out;
    for (const Lane& lane : model.lanes()) {
        for (int k = 0; k < kTrackCount; ++k)
            for (const Span& s : lane.tracks[k])
                out.spans.emplace_back(lane.connection, k, s.startNs, s.endNs, s.txId, s.detail, s.extra,
                                       static_cast<int>(s.state));
        for (const Marker& m : lane.markers)
            out.markers.emplace_back(lane.connection, m.timeNs, static_cast<int>(m.kind), m.txId);
        out.mvccLockSpans += lane.track(Track::LockMvcc).size();
    }
    return out;
}

std::vector<Event> runScenario(const char* name)
{
    QFile f(QString(TXSCOPE_SOURCE_DIR "/resources/scenarios/") + name);
    if (!f.open(QIODevice::ReadOnly)) qFatal("cannot open %s", name);
    return testing::recordRun(f.readAll().constData()).events;
}

QString cell(const QAbstractItemModel& m, int row, int column)
{
    return m.data(m.index(row, column)).toString();
}

int rowOf(const QAbstractItemModel& m, const QString& name)
{
    for (int r = 0; r < m.rowCount(); ++r)
        if (cell(m, r, models::LocksModel::ConnectionColumn) == name) return r;
    return -1;
}

} // namespace

class TestCommitHoldViews : public QObject
{
    Q_OBJECT

private slots:
    void timelineAsWithThePair_data()
    {
        QTest::addColumn<QString>("scenario");
        for (const char* name : {"same-key-insert.txs", "exclusive-vs-concurrent.txs",
                                 "seed-concurrent-writes.txs", "doomed-transaction.txs", "write-skew.txs"})
            QTest::newRow(name) << name;
    }
    void timelineAsWithThePair()
    {
        QFETCH(QString, scenario);
        const std::vector<Event> events = runScenario(scenario.toUtf8().constData());
        QVERIFY2(testing::countFoldedCommits(events) > 0, "the run has commits that fold their hold");
        const Drawn folded = drawn(events);
        const Drawn pairs = drawn(testing::unfoldCommitHolds(events));
        QVERIFY(pairs.mvccLockSpans >= testing::countFoldedCommits(events));
        QCOMPARE(folded.mvccLockSpans, pairs.mvccLockSpans);
        QCOMPARE(folded.spans, pairs.spans);
        QCOMPARE(folded.markers, pairs.markers);
    }

    // A hold folded while the row shows something else (the exclusive slot, held from 10 to 40
    // µs; no engine folds then, but a log may say so): the row is cut at the hold's start and
    // goes on after its end, as with the pair.
    void foldedInsideAnotherHold()
    {
        testing::EventBuilder ev;
        ev.add(EventKind::ConnectionOpen, 1, 1, 0, 0, 0, "A");
        ev.add(EventKind::StatementBegin, 1, 5, 0, 0, 0, "INSERT");
        ev.add(EventKind::LockAcquire, 1, 10, 7, kExclusive, static_cast<std::int64_t>(LockLevel::Exclusive));
        Event& commit = ev.add(EventKind::TxCommit, 1, 30, 7, 3, 1);
        commit.detail = kTxCommitHeldCommitLock;
        commit.rowid = 20'000;
        ev.add(EventKind::LockRelease, 1, 40, 7, kExclusive, 0);
        ev.add(EventKind::StatementEnd, 1, 45, 7, 0, 1);
        const Drawn folded = drawn(ev.list);
        const Drawn pairs = drawn(testing::unfoldCommitHolds(ev.list));
        QCOMPARE(folded.mvccLockSpans, std::size_t{3});
        QCOMPARE(folded.spans, pairs.spans);

        TimelineModel model;
        model.append(ev.list);
        const auto& row = model.lanes().at(0).track(Track::LockMvcc);
        QCOMPARE(row.size(), std::size_t{3});
        QCOMPARE(row[1].startNs, std::int64_t{20'000});
        QCOMPARE(row[1].endNs, std::int64_t{30'000});
        QCOMPARE(unpackLevel(row[1].detail, Track::LockMvcc, LockResource::MvccCommit), LockLevel::Shared);
        QCOMPARE(unpackLevel(row[1].detail, Track::LockMvcc, LockResource::MvccExclusive),
                 LockLevel::Exclusive);
        QCOMPARE(unpackLevel(row[2].detail, Track::LockMvcc, LockResource::MvccCommit), LockLevel::None);
        QCOMPARE(row[2].endNs, std::int64_t{40'000});
    }

    // The Locks panel of a real run (same-key-insert: Alice's concurrent COMMIT folds its hold)
    // at an instant inside Alice's commit, then just after it.
    void locksPanelShowsTheFoldedHold()
    {
        QFile f(TXSCOPE_SOURCE_DIR "/resources/scenarios/same-key-insert.txs");
        QVERIFY(f.open(QIODevice::ReadOnly));
        auto parsed = parseWorkload(f.readAll().toStdString(), "same-key-insert.txs");
        QVERIFY(parsed.ok());
        RunOptions options;
        options.trace = std::make_shared<TraceLog>();
        Runner runner(parsed.workload(), options);
        runner.run();
        const std::vector<Event> events = options.trace->snapshot();

        models::SessionLog session(options.trace);
        models::LocksModel locks(&session);
        QAbstractItemModelTester tester(&locks, QAbstractItemModelTester::FailureReportingMode::Fatal);
        session.drainAll();

        const Event* commit = nullptr;
        for (const Event& e : events)
            if (carriesCommitHold(e) && !commit) commit = &e;
        QVERIFY(commit);
        const std::int64_t start = commitHoldStartNs(*commit);
        QVERIFY(start < commit->timeNs);
        const QString name =
            QString::fromStdString(session.projection().connections.name(commit->connection));
        QCOMPARE(name, QString("Alice"));

        session.setInstant(start);
        int row = rowOf(locks, name);
        QVERIFY(row >= 0);
        QCOMPARE(cell(locks, row, models::LocksModel::MvccColumn), QString("committing"));
        session.setInstant((start + commit->timeNs) / 2);
        row = rowOf(locks, name);
        QVERIFY(row >= 0);
        QCOMPARE(cell(locks, row, models::LocksModel::MvccColumn), QString("committing"));
        session.setInstant(commit->timeNs);
        row = rowOf(locks, name);
        QVERIFY(row >= 0);
        QCOMPARE(cell(locks, row, models::LocksModel::MvccColumn), QString());
        session.followLive();
        row = rowOf(locks, name);
        if (row >= 0) QCOMPARE(cell(locks, row, models::LocksModel::MvccColumn), QString());
    }
};

QTEST_MAIN(TestCommitHoldViews)
#include "tst_commit_hold_views.moc"
