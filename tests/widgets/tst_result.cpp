// The run's verdict where the user looks: the result pane (PASS/FAIL, failed expectations that
// lead to their line, causes with Why and Fix), the editor's ✓/✗ gutter marks, the Explanations
// panel's detail area, the statement-to-line map, and the timeline's step and compressed axes.

#include "engine/explain/ExplanationEvent.h"
#include "engine/trace/TraceLog.h"
#include "engine/workload/Runner.h"
#include "engine/workload/WorkloadParser.h"
#include "tests/engine/support/EventBuilder.h"
#include "widgets/editor/ScriptEditor.h"
#include "widgets/models/ExplanationsModel.h"
#include "widgets/models/ModelRoles.h"
#include "widgets/models/SessionLog.h"
#include "widgets/result/CauseModel.h"
#include "widgets/result/ExplanationPanel.h"
#include "widgets/result/ResultPane.h"
#include "widgets/result/RunVerdict.h"
#include "widgets/result/StatementLines.h"
#include "widgets/result/VerdictModel.h"
#include "widgets/timeline/TimeWarp.h"
#include "widgets/views/HintedTableView.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTableView>
#include <QTextBlock>
#include <QTextBrowser>
#include <QtTest>

using namespace txs;
using namespace txs::result;
using txs::timeline::TimeWarp;

namespace {

StatementOutcome outcome(int line, const std::string& expected, bool passed, const std::string& actual)
{
    StatementOutcome o;
    o.line = line;
    o.connection = "T1";
    std::string why;
    o.expect = parseExpectation(expected, why);
    o.passed = passed;
    o.actual = actual;
    return o;
}

// One BUSY on connection `c` at `us`, explained `text` right after.
void busy(testing::EventBuilder& b, std::uint32_t c, std::int64_t us, int code, const std::string& why,
          ExplainRule rule = ExplainRule::WalOneWriter)
{
    b.add(EventKind::Busy, c, us, 0, code, 0, "database is locked");
    if (why.empty()) return;
    Error error;
    error.extendedCode = code;
    Explanation x;
    x.id = rule;
    Event e = explanationEvent(x, error, c, false);
    e.timeNs = (us + 5) * 1000;
    e.text = why; // as the explainer writes it: the why only, the fix is the rule's
    b.list.push_back(e);
}

} // namespace

class TestResult : public QObject
{
    Q_OBJECT

private slots:
    // Two expectation lines, one failing in one of its two runs; a worker gave up: FAIL, and
    // the headline says why.
    void verdictJudgesTheRun()
    {
        RunVerdict v;
        QCOMPARE(v.state(), RunVerdict::State::NoRun);
        v.add(outcome(4, "ok", true, "ok"));
        v.add(outcome(7, "1|100", true, "1|100"));
        v.add(outcome(7, "1|100", false, "1|90"));
        v.add(outcome(7, "1|100", true, "1|100"));
        QCOMPARE(v.state(), RunVerdict::State::Running);
        QCOMPARE(v.marks().size(), std::size_t(2));
        QVERIFY(v.marks().at(4).passed);
        QVERIFY(!v.marks().at(7).passed);
        QCOMPARE(v.marks().at(7).actual, std::string("1|90")); // the failing run's, not the last
        QCOMPARE(v.marks().at(7).runs, 3);

        RunSummary s;
        s.expectationsPassed = 1;
        s.expectationsFailed = 1;
        s.failures.push_back({7, "1|100", "1|90", "T1"});
        s.workersFailed = 2;
        s.workerErrors = {"writer-1 (line 12): gave up", "writer-2 (line 12): gave up"};
        v.finish(s);
        QCOMPARE(v.state(), RunVerdict::State::Failed);
        QCOMPARE(QString::fromStdString(v.headline()),
                 QString("FAIL — 1 of 2 expectations failed, 2 workers gave up"));

        RunVerdict ok;
        RunSummary good;
        good.expectationsPassed = 3;
        ok.finish(good);
        QCOMPARE(QString::fromStdString(ok.headline()), QString("PASS — 3 expectations held"));
    }

    void verdictModelListsWhatWentWrong()
    {
        RunVerdict v;
        RunSummary s;
        s.expectationsFailed = 1;
        s.failures.push_back({7, "1|100", "1|90", "T2"});
        s.workersFailed = 1;
        s.workerErrors = {"writer-3 (line 12): SQLITE_BUSY"};
        v.finish(s);
        VerdictModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setVerdict(v);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, VerdictModel::LineColumn).data().toInt(), 7);
        QCOMPARE(model.index(0, VerdictModel::ExpectedColumn).data().toString(), QString("1|100"));
        QCOMPARE(model.index(0, VerdictModel::ActualColumn).data().toString(), QString("1|90"));
        QCOMPARE(model.index(0, 0).data(VerdictModel::LineRole).toInt(), 7);
        QCOMPARE(model.index(1, 0).data().toString(), QString("✗ worker gave up"));
        QCOMPARE(model.index(1, VerdictModel::ActualColumn).data().toString(),
                 QString("writer-3 (line 12): SQLITE_BUSY"));
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    // The pane shows the run's causes (RunSummary::causes, the CLI's) row for row: counts that
    // add up to every error, the Why of the first occurrence and the rule's Fix; each row leads
    // to its first error in the log (the Busy event), found by typed key, not by text.
    void causesAreTheRunsCauses()
    {
        testing::EventBuilder b;
        b.add(EventKind::ConnectionOpen, 1, 0, 0, 0, 0, "w1");
        b.add(EventKind::ConnectionOpen, 2, 0, 0, 0, 0, "w2");
        busy(b, 1, 10, 517, "A's snapshot is stale.", ExplainRule::WalStaleSnapshot);
        busy(b, 2, 20, 5, "B held the WAL write lock.");
        busy(b, 1, 30, 5, "A: B held the WAL write lock.");
        busy(b, 2, 40, 5, "B held the WAL write lock again.");
        auto log = std::make_shared<TraceLog>();
        for (Event e : b.list)
            log->append(std::move(e));
        const std::vector<Event> events = log->snapshot();
        ExplanationList list;
        CauseProjection runnersOwn; // what the runner's summary holds
        for (const Event& e : events) {
            list.apply(e);
            runnersOwn.apply(e);
        }
        const auto rows = causeRows(runnersOwn.byCount(), log.get(), list.all());
        QCOMPARE(rows.size(), std::size_t(2));
        QCOMPARE(rows[0].code, QString("SQLITE_BUSY"));
        QCOMPARE(rows[0].count, 3u);
        QCOMPARE(rows[0].why, QString("B held the WAL write lock."));
        QCOMPARE(rows[0].fix, QString(explainRuleFix(ExplainRule::WalOneWriter)));
        QVERIFY(rows[0].rule.startsWith("wal-one-writer"));
        QCOMPARE(rows[0].firstSeq, list.all()[1].seq); // w2's Busy at 20 us
        // Shown at its error's instant (the Explanations panel's Time), reached where its
        // explanation is recorded.
        QCOMPARE(rows[0].firstNs, list.all()[1].timeNs);
        QCOMPARE(rows[0].explainedNs, list.all()[1].explanationNs);
        QCOMPARE(rows[1].code, QString("SQLITE_BUSY_SNAPSHOT"));
        QCOMPARE(rows[1].count, 1u);
        QCOMPARE(rows[1].firstSeq, list.all()[0].seq);

        CauseModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setCauses(rows);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.totalCount(), 4u);
        QCOMPARE(model.index(0, CauseModel::CountColumn).data().toString(), QString("3"));
        QCOMPARE(model.index(0, 0).data(CauseModel::FirstSeqRole).toULongLong(), rows[0].firstSeq);
    }

    // A real workers run on SQLite WAL: the GUI's causes are the CLI's (RunSummary::causes),
    // in the same order with the same code, count, Why and Fix; they add up to the errors; and
    // each explained cause leads to an error of the log.
    // Every worker statement expects BUSY, and none merely reads: a worker that finishes early
    // closes its connection, and SQLite's WAL close tries for EXCLUSIVE on the database file,
    // holding PENDING for a moment; a late worker's read at that moment fails with BUSY too
    // (real SQLite, seen in CI), so a read without an expectation would make the verdict race.
    void guiAndCliShowTheSameCauses()
    {
        const std::string text = "journal_mode: wal\nbusy_timeout: 0\nsetup:\n"
                                 "  CREATE TABLE hits (val INTEGER);\n"
                                 "holder: BEGIN IMMEDIATE;\n"
                                 "holder: INSERT INTO hits VALUES (-1);\n"
                                 "workers w x4 repeat 5:\n"
                                 "  INSERT INTO hits VALUES ($worker);   -- expect: error SQLITE_BUSY\n";
        auto parsed = parseWorkload(text, "causes.txs");
        QVERIFY(parsed.ok());
        Runner runner(std::move(parsed.workload()), {});
        const RunSummary& s = runner.run();
        QVERIFY(s.ok());
        const std::uint64_t errors = s.busy + s.busySnapshot + s.conflicts + s.otherErrors;
        QCOMPARE(errors, 20u);
        QVERIFY(runner.trace());
        const std::vector<Event> events = runner.trace()->snapshot();
        ExplanationList list;
        for (const Event& e : events)
            list.apply(e);
        const auto rows = causeRows(s.causes, runner.trace().get(), list.all());
        QCOMPARE(rows.size(), s.causes.size());
        quint64 total = 0;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const Cause& c = s.causes[i];
            QCOMPARE(rows[i].code, QString::fromStdString(causeCodeName(c)));
            QCOMPARE(rows[i].count, c.count);
            QCOMPARE(rows[i].why, QString::fromStdString(c.why));
            QCOMPARE(rows[i].fix, QString::fromStdString(c.fix));
            QVERIFY(!rows[i].why.isEmpty() && !rows[i].fix.isEmpty());
            QVERIFY(rows[i].firstSeq != 0);
            const auto first =
                std::find_if(list.all().begin(), list.all().end(),
                             [&](const ExplainedError& x) { return x.seq == rows[i].firstSeq; });
            QVERIFY(first != list.all().end());
            QCOMPARE(first->rule, c.rule);
            total += rows[i].count;
        }
        QCOMPARE(total, errors);
    }

    // Presentation mode enlarges the font after the pane was built: its minimum width grows
    // with it, so the dock cannot squeeze the banner and the titles until they clip.
    void resultPaneWidensWithItsFont()
    {
        ResultPane pane;
        const int before = pane.minimumWidth();
        QFont f = pane.font();
        f.setPointSizeF(f.pointSizeF() * 2);
        pane.setFont(f);
        QVERIFY2(pane.minimumWidth() > before * 3 / 2,
                 qPrintable(QString("%1 -> %2").arg(before).arg(pane.minimumWidth())));
    }

    // The pane's banner says FAIL; a click on a failed expectation asks to go to its line; a
    // click on a cause asks for its first occurrence; the cause's Why and Fix show below.
    void resultPaneLeadsToTheLine()
    {
        ResultPane pane;
        pane.resize(500, 600);
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        QVERIFY(pane.headline().startsWith("No run yet"));

        RunVerdict v;
        RunSummary s;
        s.expectationsFailed = 1;
        s.failures.push_back({9, "1|100", "1|90", "T2"});
        v.finish(s);
        pane.setVerdict(v);
        CauseRow cause;
        cause.code = "SQLITE_BUSY";
        cause.count = 12;
        cause.why = "T1 held the RESERVED lock.";
        cause.fix = "Begin with BEGIN IMMEDIATE.";
        cause.firstSeq = 42;
        cause.firstNs = 1234;
        cause.explainedNs = 1240;
        pane.setCauses({cause});
        QVERIFY(pane.headline().startsWith("FAIL"));
        QVERIFY(pane.causeDetail().contains("Why: T1 held the RESERVED lock."));
        QVERIFY(pane.causeDetail().contains("Fix: Begin with BEGIN IMMEDIATE."));

        QSignalSpy lines(&pane, &ResultPane::lineActivated);
        QTableView* view = pane.verdictView();
        QVERIFY(view->isVisible());
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {},
                          view->visualRect(view->model()->index(0, 1)).center());
        QCOMPARE(lines.count(), 1);
        QCOMPARE(lines.first().first().toInt(), 9);

        QSignalSpy causes(&pane, &ResultPane::causeActivated);
        QTableView* cv = pane.causeView();
        QTest::mouseClick(cv->viewport(), Qt::LeftButton, {},
                          cv->visualRect(cv->model()->index(0, 0)).center());
        QCOMPARE(causes.count(), 1);
        QCOMPARE(causes.first().at(0).toULongLong(), 42u);
        QCOMPARE(causes.first().at(1).toLongLong(), 1240); // where its story is whole
        // Back from the timeline: the cause of event 42 is selected.
        cv->clearSelection();
        QVERIFY(pane.selectCauseOf(42));
        QVERIFY(!pane.selectCauseOf(7));

        pane.clear();
        QVERIFY(pane.headline().startsWith("No run yet"));
        QVERIFY(!view->isVisible());
    }

    // ✓ and ✗ in the gutter, with the actual value as tooltip; an edit clears them.
    void gutterMarksExpectations()
    {
        ScriptEditor editor;
        editor.setPlainText("setup:\n  CREATE TABLE t(x);\nstep T1: SELECT 1; -- expect: 1\nstep T1: SELECT "
                            "2; -- expect: 3\n");
        editor.resize(400, 300);
        editor.show();
        QVERIFY(QTest::qWaitForWindowExposed(&editor));
        QMap<int, ScriptEditor::ExpectMark> marks;
        marks.insert(3, {true, "actual: 1"});
        marks.insert(4, {false, "actual: 2"});
        editor.setExpectMarks(marks);
        QCOMPARE(editor.expectMarks().size(), 2);
        // The gutter's tooltip at the middle of line 4 is that line's mark.
        const QTextBlock block4 = editor.document()->findBlockByNumber(3);
        const QRect r = editor.cursorRect(QTextCursor(block4)); // viewport and gutter share y
        QCOMPARE(editor.lineAtGutterY(int(r.center().y())), 4);
        QCOMPARE(editor.gutterToolTip(int(r.center().y())), QString("actual: 2"));
        QVERIFY(editor.gutterWidth() > editor.fontMetrics().horizontalAdvance("99"));
        // Drawn: the gutter has red (✗) pixels beside line 4.
        const QImage shot = editor.grab().toImage();
        bool red = false;
        for (int y = int(r.top()); y < int(r.bottom()) && !red; ++y)
            for (int x = 0; x < editor.gutterWidth() && !red; ++x) {
                const QColor c = shot.pixelColor(x, y);
                red = c.red() > 120 && c.green() < 90 && c.blue() < 90;
            }
        QVERIFY(red);

        // Re-highlighting (a format change) keeps them; typing clears them.
        editor.setError(2, "nothing");
        editor.setError(0, {});
        QCOMPARE(editor.expectMarks().size(), 2);
        editor.moveCursor(QTextCursor::End);
        editor.insertPlainText("-- more\n");
        QCOMPARE(editor.expectMarks().size(), 0);
        QCOMPARE(editor.gutterToolTip(int(r.center().y())), QString());
    }

    // A click on a row of the Explanations panel keeps its Why and Fix on screen: the detail
    // area shows them, and is never blank while there are rows.
    void explanationDetailShowsWhyAndFix()
    {
        testing::EventBuilder b;
        b.add(EventKind::ConnectionOpen, 1, 0, 0, 0, 0, "A");
        busy(b, 1, 10, 5, "A wanted EXCLUSIVE while B held SHARED.", ExplainRule::CommitWaitsReaders);
        busy(b, 1, 50, 5, "Again.");
        auto log = std::make_shared<TraceLog>();
        for (Event e : b.list)
            log->append(std::move(e));
        models::SessionLog session(log);
        session.drainAll();
        models::ExplanationsModel model(&session);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        ExplanationPanel panel(&model);
        panel.resize(900, 300);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QCOMPARE(model.rowCount(), 2);
        // Nothing picked yet: the first row's account is shown.
        QVERIFY2(panel.detailText().contains("Why: A wanted EXCLUSIVE while B held SHARED."),
                 qPrintable(panel.detailText()));
        QVERIFY(
            panel.detailText().contains(QString("Fix: ") + explainRuleFix(ExplainRule::CommitWaitsReaders)));
        QVERIFY(panel.view()->isColumnHidden(models::ExplanationsModel::WhyColumn));

        QSignalSpy picked(&panel, &ExplanationPanel::errorPicked);
        QTableView* view = panel.view();
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(model.index(0, 0)).center());
        QCOMPARE(picked.count(), 1);
        const qint64 explainedNs = picked.first().at(1).toLongLong();
        QCOMPARE(explainedNs, 15'000); // where its explanation is recorded, not the error's 10 µs
        // What the window does with it: the instant moves there. The row keeps its Why, and
        // the later error stays listed (faded).
        session.setInstant(10'000);
        QCOMPARE(model.rowCount(), 2);
        QVERIFY(panel.detailText().contains("Why: A wanted EXCLUSIVE"));
        QVERIFY(model.index(1, 0).data(models::AfterInstantRole).toBool());
        QVERIFY(!model.index(0, 0).data(models::AfterInstantRole).toBool());
        // The way back from the timeline.
        QVERIFY(panel.selectSeq(model.index(1, 0).data(models::SeqRole).toULongLong()));
        QVERIFY(panel.detailText().contains("Why: Again."));
    }

    void statementLinesMapTraceToScript()
    {
        StatementLines lines;
        lines.add("T1", 100, 200, 5);
        lines.add("T2", 150, 300, 6);
        lines.add("T1", 400, 500, 9);
        QCOMPARE(lines.lineAt("T1", 150), 5);
        QCOMPARE(lines.lineAt("T1", 200), 5);
        QCOMPARE(lines.lineAt("T1", 300), 0); // between statements
        QCOMPARE(lines.lineAt("T1", 450), 9);
        QCOMPARE(lines.lineAt("T2", 150), 6);
        QCOMPARE(lines.lineAt("T3", 150), 0);
        QCOMPARE(lines.lineAt("T1", 50), 0);
    }

    // A lesson stepped over two minutes: statements of 1 ms separated by 30 s of talk. On the
    // step axis each statement gets the same wide column; the waits a sliver.
    void stepAxisGivesEachStepAColumn()
    {
        const std::int64_t s = 1'000'000'000, ms = 1'000'000;
        std::vector<std::pair<std::int64_t, std::int64_t>> statements = {
            {30 * s, 30 * s + ms}, {60 * s, 60 * s + 2 * ms}, {90 * s, 90 * s + ms}, {115 * s, 115 * s + ms}};
        const TimeWarp w = TimeWarp::steps(statements);
        QCOMPARE(w.mode(), TimeWarp::Mode::Steps);
        QCOMPARE(w.stepCount(), 4);
        const std::int64_t W = TimeWarp::kStepWidthNs;
        for (int i = 0; i < 4; ++i) {
            const auto [from, to] = statements[static_cast<std::size_t>(i)];
            const std::int64_t width = w.toAxis(to) - w.toAxis(from);
            // Each statement takes the column less the wait's share, whatever its duration.
            QVERIFY2(std::abs(width - std::int64_t((1 - TimeWarp::kGapShare) * W)) < 2,
                     qPrintable(QString::number(width)));
            QCOMPARE(w.stepAt(w.toAxis((from + to) / 2)), i);
            QCOMPARE(w.toAxis(from), TimeWarp::stepStartAxis(i));
        }
        // Monotone and invertible (to the nanosecond, up to rounding of the squeezed waits).
        std::int64_t last = -1;
        for (std::int64_t t = 0; t < 120 * s; t += 7 * s + 12345) {
            const std::int64_t x = w.toAxis(t);
            QVERIFY(x > last);
            last = x;
            QVERIFY(std::abs(w.toTime(x) - t) < 200 * ms / 1000 + 2 * (30 * s) / W + 1);
        }
        // Overlapping statements (a blocked one waiting across a later step) share a column.
        const TimeWarp merged = TimeWarp::steps({{10, 100}, {50, 60}, {200, 300}});
        QCOMPARE(merged.stepCount(), 2);
        // No statement: the identity.
        QVERIFY(TimeWarp::steps({}).isIdentity());
        QCOMPARE(TimeWarp::steps({}).toAxis(12345), 12345);
    }

    // A timed run whose setup's fsync leaves 900 ms idle before 100 ms of work: squeezed, the
    // work takes most of the axis.
    void compressedIdleShortensTheWaits()
    {
        const std::int64_t ms = 1'000'000;
        const TimeWarp w = TimeWarp::compressedIdle({{0, 5 * ms}, {905 * ms, 1005 * ms}}, 10 * ms);
        QCOMPARE(w.mode(), TimeWarp::Mode::CompressedIdle);
        QCOMPARE(w.toAxis(0), 0);
        QCOMPARE(w.toAxis(5 * ms), 5 * ms);
        QCOMPARE(w.toAxis(905 * ms), 15 * ms);   // the 900 ms gap shown 10 ms wide
        QCOMPARE(w.toAxis(1005 * ms), 115 * ms); // the work at its own pace
        QCOMPARE(w.toTime(w.toAxis(950 * ms)), 950 * ms);
        const double workShare = double(w.toAxis(1005 * ms) - w.toAxis(905 * ms)) / w.toAxis(1005 * ms);
        QVERIFY(workShare > 0.8);
        // Gaps shorter than the limit are kept.
        const TimeWarp kept = TimeWarp::compressedIdle({{0, 5 * ms}, {8 * ms, 9 * ms}}, 10 * ms);
        QCOMPARE(kept.toAxis(8 * ms), 8 * ms);
    }

    void stepBackGoesToThePreviousStep()
    {
        const auto instants = timeline::stepInstants({300, 100, 200, 200});
        QCOMPARE(instants, (std::vector<std::int64_t>{100, 200, 300}));
        QCOMPARE(timeline::previousStep(instants, 300), 200);
        QCOMPARE(timeline::previousStep(instants, 250), 200);
        QCOMPARE(timeline::previousStep(instants, 100), 0);
        QCOMPARE(timeline::previousStep(instants, 1000), 300);
    }
};

QTEST_MAIN(TestResult)
#include "tst_result.moc"
