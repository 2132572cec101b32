// The session models, each under QAbstractItemModelTester (fatal), fed by a SessionLog from
// real runs: live appends step by step, time travel back and forth, the reader transaction's
// visible versions, a SQLite deadlock's waits-for, and a log written by worker threads while
// the GUI thread drains it.

#include "engine/backend/MvccBackend.h"
#include "engine/mvcc/MvccStore.h"
#include "engine/trace/TraceLog.h"
#include "engine/workload/Runner.h"
#include "engine/workload/WorkloadParser.h"
#include "tests/engine/support/Workloads.h"
#include "tests/widgets/support/ModelMirror.h"
#include "tests/widgets/support/StatementLogs.h"
#include "widgets/models/ExplanationsModel.h"
#include "widgets/models/LocksModel.h"
#include "widgets/models/MetricsModel.h"
#include "widgets/models/ModelRoles.h"
#include "widgets/models/ModelStyle.h"
#include "widgets/models/SessionLog.h"
#include "widgets/models/StatementLogModel.h"
#include "widgets/models/TransactionsModel.h"
#include "widgets/models/VersionChainModel.h"
#include "widgets/views/ConnectionFilter.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <atomic>
#include <thread>

using namespace txs;
using namespace txs::models;

namespace {

// Every model of a session, each checked from the start by a fatal QAbstractItemModelTester
// and by a Mirror.
struct Models
{
    explicit Models(SessionLog* session)
        : transactions(session), locks(session), versions(session), explanations(session),
          statements(session), metrics(session)
    {
        for (QAbstractItemModel* m : all()) {
            testers.push_back(std::make_unique<QAbstractItemModelTester>(
                m, QAbstractItemModelTester::FailureReportingMode::Fatal));
            mirrors.push_back(std::make_unique<Mirror>(m));
        }
        // The proxies the window puts in front of the Locks panel and the statement log, under
        // the same checks: they drop rows as connections close and as the source changes.
        locksFilter.setHideClosed(true);
        locksFilter.setSourceModel(&locks);
        logFilter.setSourceModel(&statements);
        for (QAbstractItemModel* m :
             {static_cast<QAbstractItemModel*>(&locksFilter), static_cast<QAbstractItemModel*>(&logFilter)})
            testers.push_back(std::make_unique<QAbstractItemModelTester>(
                m, QAbstractItemModelTester::FailureReportingMode::Fatal));
    }
    // The first model whose views would show stale text; empty when all are up to date.
    QString stale() const
    {
        for (const auto& mirror : mirrors)
            if (QString m = mirror->mismatch(); !m.isEmpty()) return m;
        return {};
    }
    std::vector<QAbstractItemModel*> all()
    {
        return {&transactions, &locks, &versions, &explanations, &statements, &metrics};
    }

    TransactionsModel transactions;
    LocksModel locks;
    VersionChainModel versions;
    ExplanationsModel explanations;
    StatementLogModel statements;
    MetricsModel metrics;
    txs::ConnectionFilter locksFilter, logFilter;
    std::vector<std::unique_ptr<QAbstractItemModelTester>> testers;
    std::vector<std::unique_ptr<Mirror>> mirrors;
};

#define QVERIFY_UP_TO_DATE(models)                                                                           \
    do {                                                                                                     \
        const QString stale_ = (models).stale();                                                             \
        QVERIFY2(stale_.isEmpty(), qPrintable(stale_));                                                      \
    } while (0)

QString cell(const QAbstractItemModel& m, int row, int column, const QModelIndex& parent = {})
{
    return m.data(m.index(row, column, parent)).toString();
}

int rowWith(const QAbstractItemModel& m, int column, const QString& text, const QModelIndex& parent = {})
{
    for (int r = 0; r < m.rowCount(parent); ++r)
        if (cell(m, r, column, parent) == text) return r;
    return -1;
}

template <class P> const Event* firstEvent(const std::vector<Event>& events, P pred)
{
    for (const Event& e : events)
        if (pred(e)) return &e;
    return nullptr;
}

// The row of the first transaction of `connection` in the transactions model.
int txRow(const TransactionsModel& m, const QString& connection)
{
    return rowWith(m, TransactionsModel::ConnectionColumn, connection);
}

const char* deadlockScenario = R"(journal_mode: delete
busy_timeout: 1000
setup:
  CREATE TABLE t (id INTEGER PRIMARY KEY, v INT);
  INSERT INTO t VALUES (1, 1);
A: BEGIN;
A: SELECT count(*) FROM t;
B: BEGIN IMMEDIATE;
B: INSERT INTO t VALUES (2, 2);
B: COMMIT;                                      -- expect: blocked
A: INSERT INTO t VALUES (3, 3);                 -- expect: error SQLITE_BUSY
A: ROLLBACK;
)";

// Runs a workload step by step, draining the session after each step (live appends).
struct SteppedRun
{
    explicit SteppedRun(const char* workload) : runner(testing::parseOrFail(workload), {})
    {
        session.setLog(runner.trace());
    }
    // Checks after every drain that the views' mirrors are up to date.
    void run(const Models& models)
    {
        QVERIFY(!runner.open());
        while (runner.step()) {
            session.drain();
            QVERIFY_UP_TO_DATE(models);
        }
        session.drainAll();
        QVERIFY_UP_TO_DATE(models);
        QVERIFY(runner.summary().ok());
    }
    Runner runner;
    SessionLog session;
};

// A log of `count` statements (begin and end) spread over five connections.
std::shared_ptr<TraceLog> logOfStatements(int count)
{
    return test::logOfStatements(count, 5);
}

} // namespace

class TestModels : public QObject
{
    Q_OBJECT

private slots:
    void followsARunLiveStepByStep()
    {
        SteppedRun run(testing::kDesignExample);
        Models models(&run.session);
        QSignalSpy applied(&run.session, &SessionLog::eventsApplied);
        QSignalSpy inserted(&models.transactions, &QAbstractItemModel::rowsInserted);
        QSignalSpy resets(&models.transactions, &QAbstractItemModel::modelReset);
        run.run(models);
        if (QTest::currentTestFailed()) return;
        const SessionProjection& p = run.session.projection();

        QVERIFY(run.session.isLive());
        QCOMPARE(run.session.instant(), p.latestNs());
        QCOMPARE(models.transactions.rowCount(), static_cast<int>(p.transactions.all().size()));
        QCOMPARE(models.statements.rowCount(), static_cast<int>(p.statements.all().size()));
        QCOMPARE(models.locks.rowCount(), static_cast<int>(p.connections.all().size()));
        QCOMPARE(models.explanations.rowCount(), 1);
        QCOMPARE(resets.count(), 0);
        // Appends come in batches: at most one insertion per drain.
        QVERIFY(inserted.count() <= applied.count());

        const int t1 = txRow(models.transactions, "T1"), t2 = txRow(models.transactions, "T2");
        QVERIFY(t1 >= 0 && t2 >= 0);
        QCOMPARE(cell(models.transactions, t1, TransactionsModel::ModeColumn), QString("concurrent"));
        QCOMPARE(cell(models.transactions, t1, TransactionsModel::StateColumn), QString("committed"));
        QCOMPARE(cell(models.transactions, t1, TransactionsModel::RowsColumn), QString("1"));
        QCOMPARE(cell(models.transactions, t2, TransactionsModel::StateColumn), QString("rolled back"));
        const QString t1Id = cell(models.transactions, t1, TransactionsModel::IdColumn);
        QCOMPARE(cell(models.transactions, t2, TransactionsModel::OutcomeColumn),
                 "rolled back (after a conflict), conflict with tx " + t1Id);
        QCOMPARE(models.transactions.data(models.transactions.index(t2, 0), OutcomeRole).toInt(),
                 static_cast<int>(Outcome::Failed));
        const int setup = txRow(models.transactions, "setup");
        QCOMPARE(cell(models.transactions, setup, TransactionsModel::ModeColumn), QString("autocommit"));

        // The tree: test (2 keys) and hits (16 keys); key 1 has the old and the new version.
        QCOMPARE(models.versions.rowCount(), 2);
        const int test = rowWith(models.versions, VersionChainModel::NameColumn, "test");
        const QModelIndex testIndex = models.versions.index(test, 0);
        QCOMPARE(models.versions.rowCount(testIndex), 2);
        QCOMPARE(models.versions.rowCount(models.versions.index(1 - test, 0)), 16);
        const QModelIndex key1 = models.versions.index(0, 0, testIndex);
        QCOMPARE(cell(models.versions, 0, VersionChainModel::NameColumn, testIndex), QString("key 1"));
        QCOMPARE(models.versions.rowCount(key1), 2);
        QCOMPARE(cell(models.versions, 0, VersionChainModel::ValueColumn, key1), QString("1|10"));
        QCOMPARE(cell(models.versions, 1, VersionChainModel::ValueColumn, key1), QString("1|11"));
        QCOMPARE(cell(models.versions, 1, VersionChainModel::EndColumn, key1), QString("∞"));
        QCOMPARE(cell(models.versions, 1, VersionChainModel::WriterColumn, key1), "tx " + t1Id);

        const QModelIndex commits = models.metrics.index(MetricsModel::CommitsRow, MetricsModel::ValueColumn);
        QCOMPARE(models.metrics.data(commits).toULongLong(), 18u);
        QCOMPARE(
            models.metrics.data(models.metrics.index(MetricsModel::ConflictsRow, MetricsModel::ValueColumn))
                .toULongLong(),
            1u);
        // The steps close at the instant, so their area is every commit, the last partial
        // bucket's included (keys in ms, values per second).
        double plotted = 0;
        const Series throughput = models.metrics.throughputSeries();
        QVERIFY(throughput.keys.size() >= 2);
        for (int i = 0; i + 1 < throughput.keys.size(); ++i)
            plotted += throughput.values[i] * (throughput.keys[i + 1] - throughput.keys[i]) / 1000;
        QVERIFY2(qAbs(plotted - 18.0) < 1e-6, qPrintable(QString::number(plotted, 'g', 12)));
        QCOMPARE(throughput.keys.back(), static_cast<double>(run.session.instant() + 1) / 1e6);
        double histogram = 0;
        for (double v : models.metrics.latencySeries().values)
            histogram += v;
        QCOMPARE(histogram, 18.0);
    }

    // Moving the instant back and forth: rows come and go at the end, the rest change data,
    // nothing resets, and every value is the state at the instant.
    void timeTravelChangesDataNotLayout()
    {
        SteppedRun run(testing::kDesignExample);
        Models models(&run.session);
        run.run(models);
        if (QTest::currentTestFailed()) return;
        const auto events = run.runner.trace()->snapshot();
        const SessionProjection& p = run.session.projection();
        const Event* doomed =
            firstEvent(events, [](const Event& e) { return e.kind == EventKind::TxDoomed; });
        QVERIFY(doomed);

        std::vector<std::unique_ptr<QSignalSpy>> resets, layouts;
        for (QAbstractItemModel* m : models.all()) {
            resets.push_back(std::make_unique<QSignalSpy>(m, &QAbstractItemModel::modelReset));
            layouts.push_back(std::make_unique<QSignalSpy>(m, &QAbstractItemModel::layoutChanged));
        }
        QSignalSpy removed(&models.transactions, &QAbstractItemModel::rowsRemoved);
        QSignalSpy changed(&models.transactions, &QAbstractItemModel::dataChanged);
        QSignalSpy live(&run.session, &SessionLog::liveChanged);

        run.session.setInstant(doomed->timeNs);
        QVERIFY_UP_TO_DATE(models);
        QVERIFY(!run.session.isLive());
        QCOMPARE(live.count(), 1);
        QCOMPARE(models.transactions.rowCount(), static_cast<int>(p.transactions.countAt(doomed->timeNs)));
        QCOMPARE(removed.count(), 1);
        QVERIFY(changed.count() >= 1);
        const int t1 = txRow(models.transactions, "T1"), t2 = txRow(models.transactions, "T2");
        QCOMPARE(cell(models.transactions, t1, TransactionsModel::StateColumn), QString("active"));
        QCOMPARE(cell(models.transactions, t2, TransactionsModel::StateColumn), QString("doomed"));
        QCOMPARE(cell(models.transactions, t1, TransactionsModel::CommitTsColumn), QString());
        QCOMPARE(
            models.metrics.data(models.metrics.index(MetricsModel::CommitsRow, MetricsModel::ValueColumn))
                .toULongLong(),
            1u);
        QCOMPARE(models.versions.rowCount(), 2); // hits exists (created in setup), still empty
        const int hits = rowWith(models.versions, VersionChainModel::NameColumn, "hits");
        QCOMPARE(models.versions.rowCount(models.versions.index(hits, 0)), 0);
        // T1's version of key 1 is there, uncommitted.
        const int test = 1 - hits;
        const QModelIndex key1 = models.versions.index(0, 0, models.versions.index(test, 0));
        QCOMPARE(models.versions.rowCount(key1), 2);
        const QString t1Id = cell(models.transactions, t1, TransactionsModel::IdColumn);
        QCOMPARE(cell(models.versions, 1, VersionChainModel::BeginColumn, key1),
                 "tx " + t1Id + " (uncommitted)");
        QCOMPARE(cell(models.versions, 0, VersionChainModel::EndColumn, key1),
                 "tx " + t1Id + " (uncommitted)");
        QCOMPARE(cell(models.versions, 1, VersionChainModel::StatusColumn, key1), QString("uncommitted"));

        // Before anything: every flat model is empty; then back to live: everything again.
        run.session.setInstant(-1);
        QVERIFY_UP_TO_DATE(models);
        QCOMPARE(models.transactions.rowCount(), 0);
        QCOMPARE(models.statements.rowCount(), 0);
        QCOMPARE(models.versions.rowCount(), 0);
        run.session.followLive();
        QVERIFY_UP_TO_DATE(models);
        QVERIFY(run.session.isLive());
        QCOMPARE(models.transactions.rowCount(), static_cast<int>(p.transactions.all().size()));
        QCOMPARE(models.versions.rowCount(models.versions.index(hits, 0)), 16);
        QCOMPARE(cell(models.transactions, t1, TransactionsModel::StateColumn), QString("committed"));
        for (std::size_t i = 0; i < resets.size(); ++i) {
            QCOMPARE(resets[i]->count(), 0);
            QCOMPARE(layouts[i]->count(), 0);
        }
    }

    // The versions a chosen transaction sees are highlighted, at the instant shown.
    void versionsVisibleToTheReaderAreHighlighted()
    {
        SteppedRun run(testing::kDesignExample);
        Models models(&run.session);
        run.run(models);
        if (QTest::currentTestFailed()) return;
        const auto events = run.runner.trace()->snapshot();
        const Event* doomed =
            firstEvent(events, [](const Event& e) { return e.kind == EventKind::TxDoomed; });
        const std::uint64_t t1 =
            models.transactions.data(models.transactions.index(txRow(models.transactions, "T1"), 0), TxIdRole)
                .toULongLong();
        const std::uint64_t t2 = doomed->txId;
        run.session.setInstant(doomed->timeNs);
        QVERIFY_UP_TO_DATE(models);
        const int test = rowWith(models.versions, VersionChainModel::NameColumn, "test");
        const QModelIndex key1 = models.versions.index(0, 0, models.versions.index(test, 0));
        const auto visible = [&](int row) {
            return models.versions.data(models.versions.index(row, 0, key1), VisibleRole).toBool();
        };

        QSignalSpy changed(&models.versions, &QAbstractItemModel::dataChanged);
        models.versions.setReaderTransaction(t2);
        QVERIFY_UP_TO_DATE(models);
        QVERIFY(changed.count() > 0);
        QVERIFY(visible(0) && !visible(1)); // T2 sees the committed 10, not T1's 11
        QCOMPARE(cell(models.versions, 0, VersionChainModel::StatusColumn, key1),
                 "visible to tx " + QString::number(t2));
        QCOMPARE(cell(models.versions, 0, VersionChainModel::ValueColumn, models.versions.index(test, 0)),
                 QString("1|10"));
        QVERIFY(models.versions.data(models.versions.index(0, 0, key1), Qt::BackgroundRole).isValid());
        models.versions.setReaderTransaction(t1);
        QVERIFY_UP_TO_DATE(models);
        QVERIFY(!visible(0) && visible(1)); // T1 sees its own write
        models.versions.setReaderTransaction(0);
        QVERIFY_UP_TO_DATE(models);
        QVERIFY(!visible(0) && !visible(1));
    }

    // Garbage-collected versions stay in the tree, faded, from the instant they were reclaimed.
    void reclaimedVersionsAreFaded()
    {
        auto log = std::make_shared<TraceLog>();
        auto db = Database::open(":memory:", {JournalMode::Mvcc, log});
        SessionLog session(log);
        Models models(&session);
        auto c = db->connect("W");
        QVERIFY(c->execute("CREATE TABLE test (id INTEGER PRIMARY KEY, value INT)").ok());
        QVERIFY(c->execute("INSERT INTO test VALUES (1, 0)").ok());
        for (int i = 1; i <= 3; ++i) {
            QVERIFY(c->execute("UPDATE test SET value = " + std::to_string(i) + " WHERE id = 1").ok());
            session.drain();
            QVERIFY_UP_TO_DATE(models);
        }
        const std::int64_t beforeGc = session.latestTimeNs();
        mvccStoreOf(*db)->collectGarbage();
        session.drainAll();
        QVERIFY_UP_TO_DATE(models);
        const QModelIndex key1 = models.versions.index(0, 0, models.versions.index(0, 0));
        QCOMPARE(models.versions.rowCount(key1), 4);
        const auto reclaimed = [&](int row) {
            return models.versions.data(models.versions.index(row, 0, key1), ReclaimedRole).toBool();
        };
        QVERIFY(reclaimed(0) && reclaimed(1) && reclaimed(2) && !reclaimed(3));
        // Faded, yet readable (4.5:1; Qt::gray was 2.6:1 on white).
        QCOMPARE(models.versions.data(models.versions.index(0, 0, key1), Qt::ForegroundRole).value<QColor>(),
                 txs::models::mutedForeground());
        QVERIFY(cell(models.versions, 0, VersionChainModel::StatusColumn, key1).startsWith("reclaimed at "));
        session.setInstant(beforeGc);
        QVERIFY_UP_TO_DATE(models);
        QVERIFY(!reclaimed(0) && !reclaimed(1) && !reclaimed(2));
        QCOMPARE(cell(models.versions, 0, VersionChainModel::StatusColumn, key1), QString("ended"));
    }

    // Live, keys that appear together come in one beginInsertRows per run of adjacent rows (a
    // run of inserts is one signal pair, not one per key), each with its versions already under it.
    void newKeysAreInsertedInRuns()
    {
        auto log = std::make_shared<TraceLog>();
        auto db = Database::open(":memory:", {JournalMode::Mvcc, log});
        SessionLog session(log);
        Models models(&session);
        auto c = db->connect("W");
        QVERIFY(c->execute("CREATE TABLE test (id INTEGER PRIMARY KEY, value INT)").ok());
        session.drainAll();
        const QModelIndex table = models.versions.index(0, 0);
        QVERIFY(table.isValid());
        QSignalSpy inserted(&models.versions, &QAbstractItemModel::rowsInserted);
        const auto insertsUnder = [&](const QModelIndex& parent) {
            QList<std::pair<int, int>> runs;
            for (const QList<QVariant>& args : inserted)
                if (args.at(0).value<QModelIndex>() == parent)
                    runs.append({args.at(1).toInt(), args.at(2).toInt()});
            return runs;
        };
        QString values;
        for (int id = 2; id <= 40; id += 2)
            values += QString("%1(%2, 0)").arg(values.isEmpty() ? "" : ", ").arg(id);
        QVERIFY(c->execute(("INSERT INTO test VALUES " + values).toStdString()).ok());
        session.drainAll();
        QVERIFY_UP_TO_DATE(models);
        QCOMPARE(models.versions.rowCount(table), 20);
        QCOMPARE(insertsUnder(table), (QList<std::pair<int, int>>{{0, 19}}));
        QCOMPARE(insertsUnder(models.versions.index(0, 0, table)).size(), 0); // versions came with their key
        QCOMPARE(models.versions.rowCount(models.versions.index(0, 0, table)), 1);

        // Before the first key, between two keys, and two after the last: three runs.
        inserted.clear();
        QVERIFY(c->execute("INSERT INTO test VALUES (1, 0), (3, 0), (41, 0), (42, 0)").ok());
        session.drainAll();
        QVERIFY_UP_TO_DATE(models);
        QCOMPARE(models.versions.rowCount(table), 24);
        QCOMPARE(insertsUnder(table).size(), 3);
        QStringList keys, expected;
        for (int row = 0; row < models.versions.rowCount(table); ++row)
            keys << cell(models.versions, row, VersionChainModel::NameColumn, table);
        for (int id :
             {1, 2, 3, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, 36, 38, 40, 41, 42})
            expected << QString("key %1").arg(id);
        QCOMPARE(keys, expected);
    }

    // DOMAIN.md's deferred-upgrade deadlock on real SQLite: the lock panel at the instant B's
    // COMMIT waits, and the explanations panel for A's BUSY.
    void locksAndExplanationsOfTheSqliteDeadlock()
    {
        SteppedRun run(deadlockScenario);
        Models models(&run.session);
        run.run(models);
        if (QTest::currentTestFailed()) return;
        const auto events = run.runner.trace()->snapshot();
        const SessionProjection& p = run.session.projection();
        std::uint32_t a = 0, b = 0;
        for (const auto& c : p.connections.all()) {
            if (c.name == "A") a = c.id;
            if (c.name == "B") b = c.id;
        }
        const Event* busy = firstEvent(
            events, [&](const Event& e) { return e.kind == EventKind::Busy && e.connection == a; });
        QVERIFY(busy);
        const Event* bWait = nullptr;
        for (const Event& e : events)
            if (e.seq < busy->seq && e.kind == EventKind::LockWait && e.connection == b) bWait = &e;
        QVERIFY(bWait);

        run.session.setInstant(bWait->timeNs);
        QVERIFY_UP_TO_DATE(models);
        const int rowB = rowWith(models.locks, LocksModel::ConnectionColumn, "B");
        const int rowA = rowWith(models.locks, LocksModel::ConnectionColumn, "A");
        QVERIFY(rowA >= 0 && rowB >= 0);
        QCOMPARE(cell(models.locks, rowB, LocksModel::DbFileColumn), QString("PENDING"));
        QCOMPARE(cell(models.locks, rowB, LocksModel::WaitingColumn), QString("EXCLUSIVE on db"));
        QCOMPARE(cell(models.locks, rowB, LocksModel::BlockedByColumn), QString("A (SHARED)"));
        QVERIFY(models.locks.data(models.locks.index(rowB, 0), WaitingRole).toBool());
        QCOMPARE(cell(models.locks, rowA, LocksModel::DbFileColumn), QString("SHARED"));
        QVERIFY(!models.locks.data(models.locks.index(rowA, 0), WaitingRole).toBool());

        // A's BUSY at the error's own instant (where a click on its row used to move the
        // cursor): the row is there with its Why and Fix (the explanation belongs to the error,
        // though recorded a moment after it), and the errors after the instant stay listed,
        // marked as later, instead of vanishing.
        run.session.setInstant(busy->timeNs);
        QVERIFY_UP_TO_DATE(models);
        QCOMPARE(models.explanations.rowCount(), static_cast<int>(p.explanations.all().size()));
        int row = -1;
        for (int r = 0; r < models.explanations.rowCount(); ++r)
            if (models.explanations.data(models.explanations.index(r, 0), SeqRole).toULongLong() == busy->seq)
                row = r;
        QVERIFY(row >= 0);
        QCOMPARE(cell(models.explanations, row, ExplanationsModel::ConnectionColumn), QString("A"));
        QCOMPARE(cell(models.explanations, row, ExplanationsModel::CodeColumn), QString("SQLITE_BUSY"));
        QVERIFY(!cell(models.explanations, row, ExplanationsModel::WhyColumn).isEmpty());
        QVERIFY(!cell(models.explanations, row, ExplanationsModel::FixColumn).isEmpty());
        QVERIFY(!models.explanations.data(models.explanations.index(row, 0), AfterInstantRole).toBool());
        const qint64 explainedAt =
            models.explanations.data(models.explanations.index(row, 0), ExplainedTimeRole).toLongLong();
        QVERIFY(explainedAt >= busy->timeNs);
        for (int r = row + 1; r < models.explanations.rowCount(); ++r)
            QCOMPARE(models.explanations.data(models.explanations.index(r, 0), AfterInstantRole).toBool(),
                     p.explanations.all()[static_cast<std::size_t>(r)].timeNs > busy->timeNs);
        run.session.followLive();
        QVERIFY_UP_TO_DATE(models);
        const int aRow = rowWith(models.explanations, ExplanationsModel::ConnectionColumn, "A");
        const ExplainedError& x = p.explanations.all()[static_cast<std::size_t>(aRow)];
        QVERIFY(!x.explanation.empty());
        QCOMPARE(cell(models.explanations, aRow, ExplanationsModel::WhyColumn),
                 QString::fromStdString(x.explanation));
        QCOMPARE(cell(models.explanations, aRow, ExplanationsModel::FixColumn),
                 QString::fromStdString(x.fix));
        QVERIFY(!cell(models.explanations, aRow, ExplanationsModel::FixColumn).isEmpty());
        QVERIFY(!cell(models.explanations, aRow, ExplanationsModel::WhyColumn).isEmpty());

        // What a query read shows in its row: A's SELECT count(*) read 1 (the setup's row).
        const int select = rowWith(models.statements, StatementLogModel::SqlColumn, "SELECT count(*) FROM t");
        QVERIFY(select >= 0);
        QCOMPARE(cell(models.statements, select, StatementLogModel::ResultColumn), QString("read 1"));
        const int insertRow =
            rowWith(models.statements, StatementLogModel::SqlColumn, "INSERT INTO t VALUES (2, 2)");
        QVERIFY(insertRow >= 0);
        QCOMPARE(cell(models.statements, insertRow, StatementLogModel::ResultColumn), QString("ok"));

        // The statement log marks B's first COMMIT try as blocked.
        const int commit = [&] {
            for (int r = 0; r < models.statements.rowCount(); ++r)
                if (cell(models.statements, r, StatementLogModel::ConnectionColumn) == "B" &&
                    cell(models.statements, r, StatementLogModel::SqlColumn) == "COMMIT")
                    return r;
            return -1;
        }();
        QVERIFY(commit >= 0);
        QVERIFY(cell(models.statements, commit, StatementLogModel::ResultColumn).startsWith("blocked"));
        QCOMPARE(models.statements.data(models.statements.index(commit, 0), OutcomeRole).toInt(),
                 static_cast<int>(Outcome::Blocked));
    }

    // 16 worker threads write the log while the GUI thread drains it in bounded batches: every
    // model keeps up, one signal per batch, and ends with exactly what the log holds.
    // The writers back off between tries: without it, 16 threads on one hot row on 2 cores can
    // conflict for minutes (every conflict now explained), which tests nothing more.
    void drainsWhileWorkerThreadsWrite()
    {
        Runner runner(testing::parseOrFail(R"(journal_mode: mvcc
setup:
  CREATE TABLE hits (id INTEGER PRIMARY KEY, val INTEGER);
workers writer x16 repeat 60 retry(conflict, busy; max 2147483647, backoff exponential 1ms..4ms):
  BEGIN CONCURRENT;
  INSERT INTO hits (val) VALUES ($worker);
  UPDATE hits SET val = val + 1 WHERE id = 1;
  COMMIT;
)"),
                      {});
        SessionLog session(runner.trace());
        session.setBatchLimit(500);
        Models models(&session);
        QSignalSpy applied(&session, &SessionLog::eventsApplied);
        QSignalSpy inserted(&models.statements, &QAbstractItemModel::rowsInserted);
        std::atomic<bool> done{false};
        std::thread worker([&] {
            runner.run();
            done = true;
        });
        int drains = 0;
        while (!done) {
            session.drain();
            ++drains;
            std::this_thread::yield();
        }
        worker.join();
        session.drainAll();
        QVERIFY_UP_TO_DATE(models);
        QVERIFY(runner.summary().ok());
        const SessionProjection& p = session.projection();
        // Every stored event applied; a StatementEnd folded into the next StatementBegin
        // (engine/trace/StatementFold.h) is one stored event applied as two.
        QCOMPARE(p.nextSeq(), runner.trace()->appendedCount());
        QVERIFY(p.eventCount() >= runner.trace()->appendedCount());
        QCOMPARE(session.backlog(), std::size_t(0));
        for (const QList<QVariant>& signal : applied)
            QVERIFY(signal[1].toULongLong() - signal[0].toULongLong() <= 500);
        QVERIFY(inserted.count() <= applied.count());

        // The statements outnumber the window: the latest 10,000 are rows, the count is all.
        QCOMPARE(models.statements.totalRows(), p.statements.all().size());
        QCOMPARE(models.statements.rowCount(), std::min(static_cast<int>(p.statements.all().size()),
                                                        InstantTableModel::kDefaultWindowRows));
        QCOMPARE(models.transactions.rowCount(), static_cast<int>(p.transactions.all().size()));
        int committed = 0;
        for (int r = 0; r < models.transactions.rowCount(); ++r)
            committed += cell(models.transactions, r, TransactionsModel::StateColumn) == "committed";
        // 960 worker transactions; the setup's INSERT is not one (CREATE TABLE writes no version).
        QCOMPARE(committed, 16 * 60);
        QCOMPARE(
            models.metrics.data(models.metrics.index(MetricsModel::CommitsRow, MetricsModel::ValueColumn))
                .toULongLong(),
            16u * 60u);
        QCOMPARE(
            models.metrics.data(models.metrics.index(MetricsModel::RetriesRow, MetricsModel::ValueColumn))
                .toULongLong(),
            runner.summary().retries);
        const int hits = rowWith(models.versions, VersionChainModel::NameColumn, "hits");
        QCOMPARE(models.versions.rowCount(models.versions.index(hits, 0)), 16 * 60);
    }

    // A backlog is applied in slices of batchLimit events, one signal each.
    void backlogIsAppliedInSlices()
    {
        auto log = logOfStatements(2500);
        SessionLog session(log);
        session.setBatchLimit(1000);
        Models models(&session);
        QSignalSpy inserted(&models.statements, &QAbstractItemModel::rowsInserted);
        QCOMPARE(session.drain(), std::size_t(1000));
        QCOMPARE(session.backlog(), std::size_t(4000));
        QCOMPARE(models.statements.rowCount(), 500);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(session.drain(), std::size_t(1000));
        QCOMPARE(session.drain(), std::size_t(1000));
        session.drainAll();
        QVERIFY_UP_TO_DATE(models);
        QCOMPARE(session.backlog(), std::size_t(0));
        QCOMPARE(models.statements.rowCount(), 2500);
        QCOMPARE(inserted.count(), 5);
        QCOMPARE(session.drain(), std::size_t(0));
    }

    // Under a time budget, a drain sizes its slice by what the previous one cost per event,
    // handlers included: with a handler that holds the thread ~4 ms per drain and a 2 ms budget,
    // the next slice shrinks to the floor (the ~4 ms / 1000 events measured fits under 500
    // events), and the backlog still drains to the end with every model up to date.
    void timeBudgetBoundsEachSlice()
    {
        auto log = logOfStatements(3000);
        SessionLog session(log);
        session.setBatchLimit(1000);
        QCOMPARE(session.nextSliceLimit(), std::size_t(1000)); // nothing measured yet
        // The clock is the test's: the views' handlers "take" 5 ms a drain, applying nothing.
        std::int64_t now = 0;
        session.setSliceClock([&] { return now; });
        session.setSliceBudgetMs(2);
        Models models(&session);
        connect(&session, &SessionLog::eventsApplied, this, [&] { now += 5'000'000; });
        QCOMPARE(session.drain(), std::size_t(1000));
        QVERIFY(session.nextSliceLimit() < 500); // 5,000 ns per event: 400 fit in 2 ms
        QVERIFY(session.nextSliceLimit() >= SessionLog::kMinSliceEvents);
        const std::size_t second = session.drain();
        QVERIFY(second < 500);
        session.drainAll();
        QVERIFY_UP_TO_DATE(models);
        QCOMPARE(models.statements.rowCount(), 3000);
        // Without a budget the slices are batchLimit again.
        session.setSliceBudgetMs(0);
        QCOMPARE(session.nextSliceLimit(), std::size_t(1000));
    }

    // Starting over on another log resets every model once.
    void anotherLogResetsTheModels()
    {
        SteppedRun run(testing::kDesignExample);
        Models models(&run.session);
        run.run(models);
        if (QTest::currentTestFailed()) return;
        QVERIFY(models.transactions.rowCount() > 0);
        std::vector<std::unique_ptr<QSignalSpy>> resets;
        for (QAbstractItemModel* m : models.all())
            resets.push_back(std::make_unique<QSignalSpy>(m, &QAbstractItemModel::modelReset));
        run.session.setLog(std::make_shared<TraceLog>());
        for (QAbstractItemModel* m : models.all())
            QCOMPARE(m->rowCount(), m == &models.metrics ? static_cast<int>(MetricsModel::RowCount) : 0);
        for (const auto& spy : resets)
            QCOMPARE(spy->count(), 1);
    }
};

QTEST_MAIN(TestModels)
#include "tst_models.moc"
