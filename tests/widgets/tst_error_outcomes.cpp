// What each SQLITE_BUSY / conflict row came to (ExplanationList's ErrorOutcome) and the
// Explanations panel's count of them (ErrorTally), against real runs: the rows called errors
// are exactly the errors the counting rule counts (status bar, Metrics panel, CLI), and a
// step-mode try that ended blocked is a wait, told apart from the error. The model shows it
// (Came to column, ErrorOutcomeRole, the waiting colour) under QAbstractItemModelTester, and
// the panel's summary line says "1 error · 2 waits".

#include "engine/trace/ExplanationProjection.h"
#include "engine/trace/MetricsProjection.h"
#include "engine/trace/TraceLog.h"
#include "tests/widgets/support/RecordedRun.h"
#include "widgets/models/ExplanationsModel.h"
#include "widgets/models/ModelRoles.h"
#include "widgets/models/ModelStyle.h"
#include "widgets/models/SessionLog.h"
#include "widgets/result/ErrorTally.h"
#include "widgets/result/ExplanationPanel.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QLabel>
#include <QtTest>

using namespace txs;
using txs::models::ExplanationsModel;
using txs::result::ErrorTally;

namespace {

std::string scenario(const char* name)
{
    QFile file(QString(TXSCOPE_SOURCE_DIR) + "/resources/scenarios/" + name + ".txs");
    if (!file.open(QIODevice::ReadOnly)) qFatal("cannot read scenario %s", name);
    return file.readAll().toStdString();
}

struct Applied
{
    ExplanationList list;
    MetricsProjection metrics;
    std::int64_t end = 0;
};

Applied apply(const std::vector<Event>& events)
{
    Applied a;
    for (const Event& e : events) {
        a.list.apply(e);
        a.metrics.apply(e);
        a.end = std::max(a.end, e.timeNs);
    }
    return a;
}

int countOf(const std::vector<ExplainedError>& rows, ErrorOutcome outcome)
{
    return static_cast<int>(
        std::count_if(rows.begin(), rows.end(), [&](const auto& x) { return x.outcome == outcome; }));
}

// Rollback journal, busy_timeout 50 ms: A keeps RESERVED to the end, so B's BEGIN IMMEDIATE
// blocks, is tried again until its busy_timeout runs out, and fails: waits, then one error.
const char* timesOutScript = R"(journal_mode: delete
busy_timeout: 50
setup:
  CREATE TABLE t (id INTEGER PRIMARY KEY, v);
A: BEGIN IMMEDIATE;
A: INSERT INTO t VALUES (1, 'a');
B: BEGIN IMMEDIATE;
B: SELECT 1;
)";

} // namespace

class TestErrorOutcomes : public QObject
{
    Q_OBJECT

private slots:
    // The deferred upgrade deadlock: three SQLITE_BUSY rows; the status bar says "errors 1".
    // A's is the error; B's two are the tries of its COMMIT that ended blocked and were tried
    // again until it ran.
    void deadlockIsOneErrorAndTwoWaitsThatRan()
    {
        const auto run = testing::recordRun(scenario("sqlite-deferred-upgrade-deadlock").c_str());
        const Applied a = apply(run.events);
        const auto& rows = a.list.all();
        QCOMPARE(rows.size(), std::size_t(3));
        QCOMPARE(countOf(rows, ErrorOutcome::Failed), 1);
        QCOMPARE(countOf(rows, ErrorOutcome::WaitedSucceeded), 2);
        const MetricsAt m = a.metrics.at(a.end);
        QCOMPARE(m.errors(), std::uint64_t(1));
        QCOMPARE(m.errors(), run.summary.busy + run.summary.busySnapshot + run.summary.conflicts +
                                 run.summary.otherErrors);
        const ErrorTally tally = result::errorTally(rows, a.end, m.errors());
        QCOMPARE(tally.errors, std::uint64_t(1));
        QCOMPARE(tally.waitedRan, std::uint64_t(2));
        QCOMPARE(tally.waits(), std::uint64_t(2));
        QCOMPARE(tally.otherErrors, std::uint64_t(0));
        // The error is A's; each outcome settled where its statement's fate was known.
        for (const ExplainedError& x : rows) {
            QVERIFY(x.settledNs != kNever);
            QVERIFY(x.settledNs >= x.timeNs);
        }
        // Before A's statement ended, its row is not counted yet, as the status bar does not.
        const auto failed = std::find_if(rows.begin(), rows.end(),
                                         [](const auto& x) { return x.outcome == ErrorOutcome::Failed; });
        const std::int64_t before = failed->settledNs - 1;
        QCOMPARE(result::errorTally(rows, before, a.metrics.at(before).errors()).errors,
                 a.metrics.at(before).errors());
    }

    // A wait that never gets through: each blocked try is a wait, then failed; the last try,
    // when the busy_timeout runs out, is the one error.
    void waitThatTimesOutIsWaitsThenOneError()
    {
        const auto run = testing::recordRun(timesOutScript);
        const Applied a = apply(run.events);
        const auto& rows = a.list.all();
        QVERIFY2(rows.size() >= 2, qPrintable(QString::number(rows.size())));
        QCOMPARE(countOf(rows, ErrorOutcome::Failed), 1);
        QCOMPARE(countOf(rows, ErrorOutcome::WaitedFailed), static_cast<int>(rows.size()) - 1);
        QCOMPARE(rows.back().outcome, ErrorOutcome::Failed);
        const MetricsAt m = a.metrics.at(a.end);
        const ErrorTally tally = result::errorTally(rows, a.end, m.errors());
        QCOMPARE(tally.errors, m.errors());
        QCOMPARE(tally.waitedFailed, static_cast<std::uint64_t>(rows.size() - 1));
        QVERIFY(result::describeTally(tally).contains("1 error"));
        QVERIFY(result::describeTally(tally).contains("then failed"));
    }

    // busy_timeout 0, no step-mode wait: the SQLITE_BUSY is an error at once, no row is a wait.
    void busyWithoutWaitIsAnError()
    {
        const auto run = testing::recordRun(testing::sqliteBusyScenario);
        const Applied a = apply(run.events);
        const auto& rows = a.list.all();
        QCOMPARE(rows.size(), std::size_t(1));
        QCOMPARE(rows[0].outcome, ErrorOutcome::Failed);
        QCOMPARE(result::errorTally(rows, a.end, a.metrics.at(a.end).errors()), (ErrorTally{1, 0, 0, 0, 0}));
    }

    // An error without a Busy or Conflict event (a constraint) has no row: the tally names it
    // apart, so the panel's numbers still add up to the status bar's.
    void errorsWithoutARowAreCountedApart()
    {
        const auto run = testing::recordRun("journal_mode: delete\nsetup:\n"
                                            "  CREATE TABLE t (id INTEGER PRIMARY KEY);\n"
                                            "A: INSERT INTO t VALUES (1);\n"
                                            "A: INSERT INTO t VALUES (1);\n");
        const Applied a = apply(run.events);
        QCOMPARE(a.list.all().size(), std::size_t(0));
        const ErrorTally tally = result::errorTally(a.list.all(), a.end, a.metrics.at(a.end).errors());
        QCOMPARE(tally.otherErrors, std::uint64_t(1));
        QVERIFY(result::describeTally(tally).contains("1 other error"));
    }

    // The model, fed live from the log (QAbstractItemModelTester throughout), and the panel:
    // the Came to column, the role, the error in the error colour and the waits in the waiting
    // one; the summary above the table.
    void modelAndPanelTellErrorsFromWaits()
    {
        const auto run = testing::recordRun(scenario("sqlite-deferred-upgrade-deadlock").c_str());
        auto log = std::make_shared<TraceLog>();
        models::SessionLog session(log);
        ExplanationsModel model(&session);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        result::ExplanationPanel panel(&model);
        for (const Event& e : run.events) {
            log->append(Event(e));
            if (e.seq % 7 == 0) session.drain(); // outcomes settle across drains
        }
        session.drainAll();
        QTRY_COMPARE(model.rowCount(), 3);
        int errors = 0, waits = 0;
        for (int row = 0; row < model.rowCount(); ++row) {
            const auto outcome =
                static_cast<ErrorOutcome>(model.index(row, 0).data(models::ErrorOutcomeRole).toInt());
            const QString cameTo = model.index(row, ExplanationsModel::OutcomeColumn).data().toString();
            QCOMPARE(cameTo, ExplanationsModel::outcomeText(outcome));
            const QVariant colour = model.index(row, ExplanationsModel::CodeColumn).data(Qt::ForegroundRole);
            if (outcome == ErrorOutcome::Failed) {
                ++errors;
                QCOMPARE(cameTo, QString("error"));
                QCOMPARE(colour, models::outcomeForeground(models::Outcome::Failed));
            } else {
                ++waits;
                QCOMPARE(cameTo, QString("wait, then ran"));
                QCOMPARE(colour, models::outcomeForeground(models::Outcome::Blocked));
            }
        }
        QCOMPARE(errors, 1);
        QCOMPARE(waits, 2);

        QVERIFY(panel.summary()->isHidden());
        const MetricsAt m = session.projection().metrics.at(session.instant());
        panel.setTally(
            result::errorTally(session.projection().explanations.all(), session.instant(), m.errors()));
        QVERIFY(!panel.summary()->isHidden());
        const QString summary = panel.summary()->text();
        QVERIFY2(summary.contains("1 error</span>") && summary.contains("2 waits"), qPrintable(summary));
        // The detail names what the shown row came to.
        QVERIFY(
            panel.detailText().contains(model.index(0, ExplanationsModel::OutcomeColumn).data().toString()));
    }
};

QTEST_MAIN(TestErrorOutcomes)
#include "tst_error_outcomes.moc"
