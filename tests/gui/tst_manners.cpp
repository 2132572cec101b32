// The workbench's manners, driven like a user: the window fits the screen and Reset layout brings
// the docks back; the title shows unsaved changes; Ctrl+Shift+S is Save As; the Scenario box and
// the panels follow the script; the caret stays where the user types; internal connections and
// closed ones stay out of the way; lanes come in natural order; themes keep rows readable; the
// Help pages open. Offscreen, no sleeps to wait for things: QTRY_* on what the window shows.

#include "app/gui/HelpPages.h"
#include "app/gui/MainWindow.h"
#include "widgets/editor/ScriptEditor.h"
#include "widgets/models/ModelRoles.h"
#include "widgets/models/SessionLog.h"
#include "widgets/run/RunController.h"
#include "widgets/style/Theme.h"
#include "widgets/timeline/TimelineModel.h"
#include "widgets/timeline/TimelineWidget.h"
#include "widgets/views/HintedTreeView.h"
#include "tests/gui/support/WindowTest.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QFontMetricsF>
#include <QMenuBar>
#include <QScreen>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTextBlock>
#include <QTextBrowser>
#include <QToolBar>
#include <QtTest>
#include <memory>

namespace {

using txs::test::findAction;

} // namespace

class TestManners : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        txs::test::isolateSettings("tst_manners");
    }
    void init()
    {
        window_ = txs::test::showMainWindow({}, true);
        QVERIFY(window_);
    }
    void cleanup() { window_.reset(); }

    void windowFitsTheScreenAndResetLayoutRestoresDocks()
    {
        // The offscreen screen is smaller than any real one (800 x 600): the window is as large as
        // WindowGeometry says, or as small as its panels allow, and never starts off-screen.
        const QRect available = window_->screen()->availableGeometry();
        const QSize least = window_->minimumSizeHint().expandedTo(window_->minimumSize());
        auto fits = [&] {
            const QRect g = window_->geometry();
            return available.contains(g.topLeft()) &&
                   g.width() <= std::max(available.width(), least.width()) &&
                   g.height() <= std::max(available.height(), least.height());
        };
        QVERIFY2(fits(), "the window is larger than the screen");
        // Hide and float some docks, then View › Reset layout: all back, docked, inside the screen.
        window_->dock("scriptDock")->hide();
        window_->dock("locksDock")->setFloating(true);
        QAction* reset = findAction(window_.get(), "Reset Layout");
        QVERIFY(reset);
        reset->trigger();
        for (const char* name :
             {"scriptDock", "transactionsDock", "locksDock", "explanationsDock", "logDock"}) {
            QDockWidget* d = window_->dock(name);
            QVERIFY(d);
            QVERIFY2(!d->isHidden() && !d->isFloating(), name);
        }
        QVERIFY(fits());
    }

    void scenarioBoxFollowsTheScript()
    {
        auto* picker = window_->findChild<QComboBox*>("scenarioPicker");
        QVERIFY(picker);
        window_->loadScenario("write-skew");
        QCOMPARE(picker->currentData().toString(), QString("write-skew"));
        QTemporaryDir dir;
        const QString path = dir.filePath("other.txs");
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("setup:\n  CREATE TABLE t (x);\n");
        }
        QVERIFY(window_->openWorkload(path));
        QCOMPARE(picker->currentIndex(), 0); // names no scenario
    }

    void malformedScriptClearsThePreviousResults()
    {
        window_->loadScenario("sqlite-deferred-upgrade-deadlock");
        QVERIFY(txs::test::runToTheEnd(*window_));
        QTRY_VERIFY(!window_->timeline().model().lanes().empty());
        QTemporaryDir dir;
        const QString path = dir.filePath("bad.txs");
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("journal_mode: nonsense\n");
        }
        QVERIFY(window_->openWorkload(path));
        QCOMPARE(window_->controller().state(), RunController::State::Invalid);
        QVERIFY(window_->timeline().model().lanes().empty());
        QVERIFY(!window_->session().log());
    }

    // Typing never moves the caret elsewhere, even when a keystroke turns the script from
    // invalid back to valid (the next-step line comes back then).
    void caretStaysWhileTyping()
    {
        window_->loadScenario("sqlite-deferred-upgrade-deadlock");
        ScriptEditor& editor = window_->editor();
        QTRY_VERIFY(editor.nextLine() > 0);
        editor.setFocus();
        QTRY_VERIFY(editor.hasFocus());
        // Line 24 is blank, between the steps and check. "A:" alone does not parse; completed
        // to "A: SELECT 1;" it does, and the next-step line comes back.
        const QTextBlock blank = editor.document()->findBlockByNumber(23);
        QVERIFY(blank.text().trimmed().isEmpty());
        editor.setTextCursor(QTextCursor(blank));
        QTest::keyClicks(&editor, "A:");
        QTRY_COMPARE_WITH_TIMEOUT(window_->controller().state(), RunController::State::Invalid, 5000);
        QTRY_COMPARE(editor.nextLine(), 0);
        QTest::keyClicks(&editor, " SELECT 1;");
        QTRY_COMPARE_WITH_TIMEOUT(window_->controller().state(), RunController::State::Ready, 5000);
        QTRY_VERIFY(editor.nextLine() > 0);
        const int typed = editor.document()->findBlockByNumber(23).position() + int(strlen("A: SELECT 1;"));
        QCOMPARE(editor.textCursor().position(), typed);
        QTest::keyClicks(&editor, "X");
        QCOMPARE(editor.document()->findBlockByNumber(23).text(), QString("A: SELECT 1;X"));
    }

    void internalConnectionsAndClosedOnesStayOutOfTheWay()
    {
        window_->loadScenario("sqlite-deferred-upgrade-deadlock");
        QVERIFY(txs::test::runToTheEnd(*window_));
        for (const auto& lane : window_->timeline().model().lanes())
            QVERIFY2(lane.connection != 0, lane.name.c_str());
        // Locks at the end: every connection has closed, so none is listed.
        QTableView* locks = nullptr;
        for (QTableView* v : window_->findChildren<QTableView*>())
            if (v->parentWidget() && window_->dock("locksDock")->isAncestorOf(v)) locks = v;
        QVERIFY(locks);
        QTRY_COMPARE(locks->model()->rowCount(), 0);
        // The statement log has no row of the internal connection, though it ran statements
        // (the opener's journal-mode PRAGMA): they are in the log's model, not shown.
        auto* log = window_->findChild<QTableView*>("statementLogView");
        QVERIFY(log);
        auto* shown = qobject_cast<QSortFilterProxyModel*>(log->model());
        QVERIFY(shown);
        const auto internalRows = [](const QAbstractItemModel& m) {
            int rows = 0;
            for (int r = 0; r < m.rowCount(); ++r)
                rows += m.index(r, 0).data(txs::models::ConnectionIdRole).toUInt() == 0 ? 1 : 0;
            return rows;
        };
        const int ranInternally = internalRows(*shown->sourceModel());
        QVERIFY2(ranInternally > 0, "the scenario ran nothing on the internal connection: nothing to hide");
        QCOMPARE(internalRows(*shown), 0);
        QVERIFY(shown->rowCount() > 0);
        // Asked for, the internal connection gets its lane and its log rows.
        QAction* internal = findAction(window_.get(), "Show Internal Connections");
        QVERIFY(internal);
        internal->setChecked(true);
        bool found = false;
        for (const auto& lane : window_->timeline().model().lanes())
            found = found || lane.connection == 0;
        QVERIFY(found);
        QCOMPARE(internalRows(*shown), ranInternally);
        internal->setChecked(false);
        QCOMPARE(internalRows(*shown), 0);
    }

    void lanesComeInNaturalOrder()
    {
        window_->loadScenario("seed-concurrent-writes");
        QVERIFY(txs::test::runToTheEnd(*window_));
        const auto& model = window_->timeline().model();
        const auto& geometry = window_->timeline().laneGeometry();
        QStringList shown;
        for (std::size_t slot = 0; slot < geometry.laneCount(); ++slot)
            shown << QString::fromStdString(model.lanes()[geometry.laneAtSlot(slot)].name);
        QStringList writers;
        for (const QString& name : shown)
            if (name.startsWith("writer-")) writers << name;
        QCOMPARE(writers.size(), 16);
        for (int i = 0; i < writers.size(); ++i)
            QCOMPARE(writers[i], QString("writer-%1").arg(i));
        QCOMPARE(shown.first(), QString("setup"));
        QCOMPARE(shown.last(), QString("check"));
    }

    void versionChainsSayWhyTheyAreEmptyOnSqlite()
    {
        window_->loadScenario("sqlite-deferred-upgrade-deadlock");
        auto* view = window_->findChild<txs::HintedTreeView*>();
        QVERIFY(view);
        QVERIFY(view->showsHint());
        QVERIFY2(view->emptyHint().contains("MVCC"), qPrintable(view->emptyHint()));
        QVERIFY(view->emptyHint().contains("SQLite"));
    }

    void darkThemeKeepsCommittedRowsReadable()
    {
        window_->setAppearance({txs::style::Theme::Dark, false});
        window_->loadScenario("seed-concurrent-writes");
        QVERIFY(txs::test::runToTheEnd(*window_));
        QTableView* transactions = nullptr;
        for (QTableView* v : window_->findChildren<QTableView*>())
            if (v->model() && v->model()->inherits("txs::models::TransactionsModel")) transactions = v;
        QVERIFY(transactions);
        QTRY_VERIFY(transactions->model()->rowCount() > 0);
        const QPalette palette = QApplication::palette();
        QVERIFY(txs::style::isDark(palette));
        // Every row's background against the text the view draws on it: WCAG AA, 4.5:1.
        auto luminance = [](QColor c) {
            auto lin = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
            return 0.2126 * lin(c.redF()) + 0.7152 * lin(c.greenF()) + 0.0722 * lin(c.blueF());
        };
        for (int row = 0; row < transactions->model()->rowCount(); ++row) {
            for (int col = 0; col < transactions->model()->columnCount(); ++col) {
                const QModelIndex index = transactions->model()->index(row, col);
                const QVariant bg = index.data(Qt::BackgroundRole);
                const QVariant fg = index.data(Qt::ForegroundRole);
                const QColor back = bg.isValid() ? bg.value<QColor>() : palette.color(QPalette::Base);
                const QColor text = fg.isValid() ? fg.value<QColor>() : palette.color(QPalette::Text);
                const double a = luminance(back), b = luminance(text);
                const double ratio = (std::max(a, b) + 0.05) / (std::min(a, b) + 0.05);
                QVERIFY2(ratio >= 4.5, qPrintable(QString("row %1 col %2: %3 on %4 is %5:1")
                                                      .arg(row)
                                                      .arg(col)
                                                      .arg(text.name(), back.name())
                                                      .arg(ratio)));
            }
        }
        // Presentation mode: a larger font everywhere.
        // Everywhere includes the script, in its own fixed-width font (it once stayed small).
        const qreal normal = QApplication::font().pointSizeF();
        const qreal script = window_->editor().font().pointSizeF();
        window_->setAppearance({txs::style::Theme::Dark, true});
        QVERIFY(QApplication::font().pointSizeF() >= normal * 1.4);
        QVERIFY2(window_->editor().font().pointSizeF() >= script * 1.4,
                 qPrintable(QString::number(window_->editor().font().pointSizeF())));
        // Fixed width where it matters, a script's ASCII: every character as wide as the next.
        // (Not QFontInfo::fixedPitch(): fontconfig calls Noto Sans Mono, Debian's monospace once
        // fonts-noto-mono is installed, "dual" width for its CJK glyphs, and Qt then says no.)
        const QFontMetricsF metrics(window_->editor().font());
        for (const QChar c : QStringLiteral("iW0.m_ "))
            QCOMPARE(metrics.horizontalAdvance(c), metrics.horizontalAdvance(QLatin1Char('x')));
        window_->setAppearance({txs::style::Theme::System, false});
        QCOMPARE(QApplication::font().pointSizeF(), normal);
        QCOMPARE(window_->editor().font().pointSizeF(), script);
    }

    void helpOpensTheReferenceAndTheScenarios()
    {
        QVERIFY(HelpPages::workloadFormatMarkdown().contains("journal_mode"));
        QTextBrowser* reference = HelpPages::showWorkloadFormat(window_.get());
        QVERIFY(reference);
        QVERIFY(reference->toPlainText().contains("workers"));
        QString opened;
        QTextBrowser* list =
            HelpPages::showScenarioList(window_.get(), [&](const QString& n) { opened = n; });
        QVERIFY(list->toHtml().contains("scenario:write-skew"));
        emit list->anchorClicked(QUrl("scenario:write-skew"));
        QCOMPARE(opened, QString("write-skew"));
    }

    void timelineExportHasTheChosenSizeAndNoCursor()
    {
        window_->loadScenario("sqlite-deferred-upgrade-deadlock");
        QVERIFY(txs::test::runToTheEnd(*window_));
        QTemporaryDir dir;
        const QString path = dir.filePath("t.png");
        QVERIFY(window_->timeline().exportTo(path, 1000, 600, "deadlock — delete"));
        const QImage image(path);
        QCOMPARE(image.size(), QSize(1000, 600));
        // The live cursor is back on screen after the export.
        QVERIFY(window_->timeline().grab().toImage().size().isValid());
    }

private:
    std::unique_ptr<MainWindow> window_;
};

QTEST_MAIN(TestManners)
#include "tst_manners.moc"
