// The window's layout after a run that fails, on a projector's 1280 x 720 (2560 x 1440 at scale
// 2 is the same in device-independent pixels) and on a 3840 x 2160 screen, plain and in
// presentation mode: the script, the timeline and the result pane all stay usable. Before, the
// result pane took two thirds of the script's column at least and the script showed four lines;
// in presentation mode the problems list and the Locks panel cut their headers.
// Each row saves the window as it was checked, test-artifacts/layout-<row>.png in the build
// folder, for a person to look at; tst_layout_scale2 (tests/CMakeLists.txt) runs the 1280 x 720
// rows again at QT_SCALE_FACTOR=2 and saves layout-<row>-scale2.png.
// Offscreen; QTRY_* on what the window shows.

#include "app/gui/MainWindow.h"
#include "engine/trace/SessionProjection.h"
#include "tests/gui/support/WindowTest.h"
#include "widgets/editor/ScriptEditor.h"
#include "widgets/models/ExplanationsModel.h"
#include "widgets/models/SessionLog.h"
#include "widgets/result/ResultPane.h"
#include "widgets/result/VerdictModel.h"
#include "widgets/style/Theme.h"
#include "widgets/timeline/TimelineWidget.h"

#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QHeaderView>
#include <QMainWindow>
#include <QStyle>
#include <QTabBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

namespace {

// The deferred upgrade deadlock with three expectations made wrong: a FAIL with three problems
// and one cause (its Why and Fix) to read.
const char* failingScript = R"(journal_mode: delete
busy_timeout: 1000
setup:
  CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INT);
  INSERT INTO accounts VALUES (1, 100), (2, 100);
A: BEGIN;
A: SELECT balance FROM accounts WHERE id = 1;                  -- expect: 101
B: BEGIN IMMEDIATE;
B: UPDATE accounts SET balance = balance - 10 WHERE id = 2;    -- expect: error SQLITE_BUSY
B: COMMIT;                                                     -- expect: blocked
A: UPDATE accounts SET balance = balance + 10 WHERE id = 1;    -- expect: error SQLITE_BUSY
A: ROLLBACK;
check:
  SELECT id, balance FROM accounts ORDER BY id;                -- expect: 1|100, 2|95
)";

// The header labels of `view` that are drawn narrower than their text, named.
QString cutHeaders(const QTableView& view)
{
    QString cut;
    const QHeaderView* header = view.horizontalHeader();
    for (int c = 0; c < header->count(); ++c) {
        if (header->isSectionHidden(c)) continue;
        const QString label = view.model()->headerData(c, Qt::Horizontal).toString();
        const int needed = header->fontMetrics().horizontalAdvance(label);
        if (header->sectionSize(c) < needed)
            cut += QString(" %1 (%2 < %3)").arg(label).arg(header->sectionSize(c)).arg(needed);
    }
    return cut;
}

// The cells of `view` narrower than their value (drawn elided), named; `skip` are columns
// allowed to elide (a stretch column whose text is whole elsewhere). Each cell's need is the
// view's own size hint for it (the item delegate's, with the style's margins) and the grid's
// pixel, as QTableView::sizeHintForColumn counts them.
QString cutCells(const QTableView& view, const QList<int>& skip = {})
{
    QString cut;
    const QAbstractItemModel* model = view.model();
    const int grid = view.showGrid() ? 1 : 0;
    for (int c = 0; c < model->columnCount(); ++c) {
        if (view.isColumnHidden(c) || skip.contains(c)) continue;
        for (int r = 0; r < model->rowCount(); ++r) {
            const QModelIndex index = model->index(r, c);
            const QString text = index.data().toString();
            const int needed = view.sizeHintForIndex(index).width() + grid;
            if (!text.isEmpty() && view.columnWidth(c) < needed)
                cut += QString(" [%1,%2] %3 (%4 < %5)")
                           .arg(r)
                           .arg(c)
                           .arg(text)
                           .arg(view.columnWidth(c))
                           .arg(needed);
        }
    }
    return cut;
}

// The header labels of `view` narrower than the header itself would draw them (its section size
// hint: label, margins and sort indicator), named: stricter than cutHeaders.
QString cutHeaderSections(const QTableView& view)
{
    QString cut;
    const QHeaderView* header = view.horizontalHeader();
    for (int c = 0; c < header->count(); ++c) {
        if (header->isSectionHidden(c)) continue;
        if (header->sectionSize(c) < header->sectionSizeHint(c))
            cut += QString(" %1 (%2 < %3)")
                       .arg(view.model()->headerData(c, Qt::Horizontal).toString())
                       .arg(header->sectionSize(c))
                       .arg(header->sectionSizeHint(c));
    }
    return cut;
}

// The header sections of `view` not wholly inside its viewport (scrolled out or cut at its right
// edge), named: a panel that must be read at a glance shows every column.
QString headersOutside(const QTableView& view)
{
    QString cut;
    const QHeaderView* header = view.horizontalHeader();
    for (int c = 0; c < header->count(); ++c) {
        if (header->isSectionHidden(c)) continue;
        const int left = header->sectionViewportPosition(c);
        if (left < 0 || left + header->sectionSize(c) > header->viewport()->width())
            cut += QString(" %1 (%2..%3 of %4)")
                       .arg(view.model()->headerData(c, Qt::Horizontal).toString())
                       .arg(left)
                       .arg(left + header->sectionSize(c))
                       .arg(header->viewport()->width());
    }
    return cut;
}

// The tabs of the window's dock areas whose title is elided, named: QTabBar draws the title
// whole when the tab is as long as its text plus the style's tab space (QTabBar::tabSizeHint).
QString elidedTabs(const QMainWindow& window)
{
    QString cut;
    for (const QTabBar* bar : window.findChildren<QTabBar*>()) {
        if (!bar->isVisible()) continue;
        const bool vertical = bar->shape() == QTabBar::RoundedWest || bar->shape() == QTabBar::RoundedEast ||
                              bar->shape() == QTabBar::TriangularWest ||
                              bar->shape() == QTabBar::TriangularEast;
        const int space = bar->style()->pixelMetric(QStyle::PM_TabBarTabHSpace, nullptr, bar);
        for (int i = 0; i < bar->count(); ++i) {
            const int needed = bar->fontMetrics().size(Qt::TextShowMnemonic, bar->tabText(i)).width() + space;
            const QRect tab = bar->tabRect(i);
            const int has = vertical ? tab.height() : tab.width();
            if (has < needed) cut += QString(" %1 (%2 < %3)").arg(bar->tabText(i)).arg(has).arg(needed);
        }
    }
    return cut;
}

} // namespace

class TestLayout : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        txs::test::isolateSettings("tst_layout");
        QVERIFY(dir_.isValid());
        path_ = dir_.filePath("failing.txs");
        QFile file(path_);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(failingScript);
    }
    void cleanup()
    {
        txs::style::apply(*qApp, {txs::style::Theme::System, false});
        window_.reset();
    }

    void scriptTimelineAndResultStayUsable_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::addColumn<bool>("presentation");
        QTest::addColumn<bool>("dark");
        QTest::newRow("1280x720") << QSize(1280, 720) << false << false;
        QTest::newRow("3840x2160") << QSize(3840, 2160) << false << false;
        QTest::newRow("1280x720 presentation") << QSize(1280, 720) << true << false;
        QTest::newRow("3840x2160 presentation") << QSize(3840, 2160) << true << false;
        QTest::newRow("1280x720 dark") << QSize(1280, 720) << false << true;
        QTest::newRow("1280x720 dark presentation") << QSize(1280, 720) << true << true;
    }
    void scriptTimelineAndResultStayUsable()
    {
        QFETCH(QSize, size);
        QFETCH(bool, presentation);
        QFETCH(bool, dark);
        txs::style::apply(*qApp, {dark ? txs::style::Theme::Dark : txs::style::Theme::Light, presentation});
        window_ = txs::test::showMainWindow(size);
        QVERIFY(window_);
        window_->arrangeForSize(size);
        QVERIFY(window_->openWorkload(path_));
        QVERIFY(txs::test::runToTheEnd(*window_));
        QApplication::processEvents();
        txs::result::ResultPane& result = window_->resultPane();
        QCOMPARE(result.verdictModel().rowCount(), 3);

        // The result pane: in front after the run, its three problems whole, headers not cut,
        // and the selected cause's Fix in view.
        QTRY_VERIFY(result.isVisible());
        QTableView* problems = result.verdictView();
        QVERIFY(problems->isVisible());
        int rows = problems->horizontalHeader()->height();
        for (int r = 0; r < 3; ++r)
            rows += problems->rowHeight(r);
        QTRY_VERIFY2(
            problems->viewport()->height() + problems->horizontalHeader()->height() >= rows,
            qPrintable(QString("problems list %1 px for %2 px of rows").arg(problems->height()).arg(rows)));
        QCOMPARE(cutHeaders(*problems), QString());
        // Every column in view, Expected and Actual whole (presentation cut them at the edge).
        QTRY_COMPARE(headersOutside(*problems), QString());
        const QRect fix = result.fixRect();
        QVERIFY(!fix.isEmpty());
        QVERIFY2(result.rect().contains(fix), qPrintable(QString("Fix at y %1..%2 in a pane %3 tall")
                                                             .arg(fix.top())
                                                             .arg(fix.bottom())
                                                             .arg(result.height())));

        // The timeline keeps the middle: a third of the width, half of the height.
        const txs::TimelineWidget& timeline = window_->timeline();
        QVERIFY2(timeline.width() >= size.width() / 3, qPrintable(QString::number(timeline.width())));
        QVERIFY2(timeline.height() >= size.height() / 2 - 60, qPrintable(QString::number(timeline.height())));

        // The script, beside the result pane (plain) or in the tab behind it (presentation): a
        // dozen lines at least. Plain, both show at once.
        ScriptEditor& editor = window_->editor();
        if (presentation) {
            window_->findChild<QDockWidget*>("scriptDock")->raise();
            QTRY_VERIFY(editor.isVisible());
        } else {
            QVERIFY(editor.isVisible());
        }
        const int lines = editor.viewport()->height() / editor.fontMetrics().lineSpacing();
        QVERIFY2(lines >= 12, qPrintable(QString("%1 lines of script").arg(lines)));
        if (!presentation) {
            QVERIFY(result.isVisible());
            QVERIFY2(result.height() >= 250, qPrintable(QString::number(result.height())));
        }

        // The Locks panel: every header whole (presentation cut them to a few letters), and in
        // presentation mode (a tab of the bottom there) every column in view: "Waits for" and
        // "Blocked by" were scrolled out of the right-hand quarter at 1280 px.
        auto* locks = window_->findChild<QTableView*>("locksView");
        QVERIFY(locks);
        QCOMPARE(cutHeaders(*locks), QString());
        if (presentation) {
            window_->findChild<QDockWidget*>("locksDock")->raise();
            QTRY_VERIFY(locks->isVisible());
            QTRY_COMPARE(headersOutside(*locks), QString());
            window_->findChild<QDockWidget*>("explanationsDock")->raise();
        }

        // The Explanations: headers and values whole in every column but the message (short,
        // and whole in the detail beside it); before, "SQLITE_BUSY" showed as "SQ…" and
        // "wait, then ran" as "wait, t…" at 1280 x 720 in presentation mode and at 3840 x 2160.
        auto* explanations = window_->findChild<QTableView*>("explanationsView");
        QVERIFY(explanations);
        QTRY_VERIFY(explanations->isVisible());
        QVERIFY(explanations->model()->rowCount() >= 3);
        QTRY_COMPARE(cutHeaderSections(*explanations), QString());
        QTRY_COMPARE(cutCells(*explanations, {txs::models::ExplanationsModel::MessageColumn}), QString());
        // And every column in view, the detail beside them narrowed first: "Came to" (what each
        // error came to) was scrolled half out of the panel in presentation mode at 1280 px.
        QTRY_COMPARE(headersOutside(*explanations), QString());
        // The transactions beside them, whole too ("immedi…", "rolled b…" in presentation mode).
        auto* transactions = window_->findChild<QTableView*>("transactionsView");
        QVERIFY(transactions);
        QTRY_COMPARE(cutHeaderSections(*transactions), QString());
        QTRY_COMPARE(cutCells(*transactions), QString());

        // No dock's tab elided ("L…", "Version …", "Dat…" on the right in presentation mode).
        QTRY_COMPARE(elidedTabs(*window_), QString());

        // The picture, as checked: in presentation mode with the result in front again (as after
        // a run), its problems list checked once more in that state.
        if (presentation) {
            window_->findChild<QDockWidget*>("resultDock")->raise();
            QTRY_VERIFY(result.isVisible());
            QCOMPARE(cutHeaders(*problems), QString());
        }
        QApplication::processEvents();
        const QImage shot = window_->grab().toImage();
        QCOMPARE(shot.size(), window_->size() * window_->devicePixelRatio());
        const QString artifacts = QStringLiteral(TXSCOPE_BINARY_DIR "/test-artifacts");
        QVERIFY(QDir().mkpath(artifacts));
        QString name = QString::fromLatin1(QTest::currentDataTag()).replace(' ', '-');
        if (window_->devicePixelRatio() != 1.0) name += QString("-scale%1").arg(window_->devicePixelRatio());
        const QString file = artifacts + "/layout-" + name + ".png";
        QVERIFY2(shot.save(file), qPrintable(file));
    }

    // Export › Transactions as CSV writes every transaction of the run, not only those begun by
    // the cursor's instant, and leaves the cursor where the user put it.
    void csvHasEveryTransactionWhateverTheInstant()
    {
        window_ = txs::test::showMainWindow({1280, 720});
        QVERIFY(window_);
        window_->loadScenario("seed-concurrent-writes");
        QVERIFY(txs::test::runToTheEnd(*window_));
        auto& session = window_->session();
        const auto& all = session.projection().transactions.all();
        QVERIFY(all.size() > 2);
        const qint64 early = all[1].beginNs; // the cursor where few have begun
        session.setInstant(early);
        QApplication::processEvents();
        const QString csv = dir_.filePath("transactions.csv");
        QString error;
        QVERIFY2(window_->exportTransactionsCsvTo(csv, &error), qPrintable(error));
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly | QIODevice::Text));
        const QStringList lines = QString::fromUtf8(file.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), static_cast<int>(all.size()) + 1); // the header, then each one
        QVERIFY(lines.first().startsWith("Tx,Connection"));
        QCOMPARE(session.instant(), early);
    }

private:
    QTemporaryDir dir_;
    QString path_;
    std::unique_ptr<MainWindow> window_;
};

QTEST_MAIN(TestLayout)
#include "tst_layout.moc"
