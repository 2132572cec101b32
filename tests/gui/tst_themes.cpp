// Every table stays readable in every theme: Light, Dark, and System on a DARK desktop palette
// (the complaint: there committed rows were white on light green and errors dark red on
// dark grey), each plain and in presentation mode. After a run with errors and waits (the
// deferred upgrade deadlock), the cursor is put at each instant of the run, so the panels show
// running, waiting, failed, rolled back and not-yet-happened rows in turn, and every cell's text
// is checked against the background it is drawn on: WCAG AA, a contrast ratio of 4.5:1.
//
// The whole process runs on a dark desktop: the palette is set before the first window exists,
// which is when Theme remembers the system's palette (Theme.cpp, apply()).
// Offscreen, no sleeps: QTRY_* on what the window shows.

#include "app/gui/MainWindow.h"
#include "engine/trace/ProjectionTimes.h"
#include "tests/gui/support/WindowTest.h"
#include "widgets/models/ModelRoles.h"
#include "widgets/models/ModelStyle.h"
#include "widgets/models/SessionLog.h"
#include "widgets/run/RunController.h"
#include "widgets/style/Contrast.h"
#include "widgets/style/Theme.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QBrush>
#include <QItemSelectionModel>
#include <QLabel>
#include <QTableView>
#include <QTreeView>
#include <QtTest>
#include <cmath>
#include <memory>
#include <set>

using txs::style::Appearance;
using txs::style::Theme;

Q_DECLARE_METATYPE(txs::style::Theme)

namespace {

// A desktop's dark palette (the colours of a common dark desktop theme), every role set as a
// desktop sets them.
QPalette darkDesktopPalette()
{
    QPalette p;
    const QColor window(0x2a, 0x2e, 0x32), base(0x1b, 0x1e, 0x20), text(0xfc, 0xfc, 0xfc);
    for (auto group : {QPalette::Active, QPalette::Inactive}) {
        p.setColor(group, QPalette::Window, window);
        p.setColor(group, QPalette::WindowText, text);
        p.setColor(group, QPalette::Base, base);
        p.setColor(group, QPalette::AlternateBase, QColor(0x23, 0x26, 0x29));
        p.setColor(group, QPalette::Text, text);
        p.setColor(group, QPalette::Button, QColor(0x31, 0x36, 0x3b));
        p.setColor(group, QPalette::ButtonText, text);
        p.setColor(group, QPalette::Highlight, QColor(0x3d, 0xae, 0xe9));
        p.setColor(group, QPalette::HighlightedText, text);
        p.setColor(group, QPalette::ToolTipBase, window);
        p.setColor(group, QPalette::ToolTipText, text);
        p.setColor(group, QPalette::PlaceholderText, QColor(0xa1, 0xa9, 0xb1));
        p.setColor(group, QPalette::Link, QColor(0x1d, 0x99, 0xf3));
    }
    p.setColor(QPalette::Disabled, QPalette::Window, QColor(0x2f, 0x34, 0x38));
    p.setColor(QPalette::Disabled, QPalette::Base, QColor(0x1e, 0x21, 0x24));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x65, 0x6a, 0x6d));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x6e, 0x71, 0x75));
    return p;
}

QColor colourOf(const QVariant& v)
{
    if (v.canConvert<QBrush>() && v.userType() == QMetaType::QBrush) return v.value<QBrush>().color();
    return v.value<QColor>();
}

// What the checks have seen: the tints of the rows an error and a wait colour, so a run that
// never showed them does not pass by having nothing to check.
struct Seen
{
    std::set<QRgb> backgrounds;
    std::set<QRgb> foregrounds;
    int cells = 0;
};

// The cells of `view` whose text is drawn with less than 4.5:1 against their background, named
// ("<view> row r col c: #text on #back is x:1"). The background is the model's, else the view's
// alternate or plain base; the text the model's, else the view's text colour; a selected row is
// drawn in the highlight colours.
QStringList unreadableCells(const QAbstractItemView& view, const QModelIndex& parent, Seen& seen)
{
    QStringList bad;
    const QAbstractItemModel* model = view.model();
    const QPalette palette = view.palette();
    const auto* table = qobject_cast<const QTableView*>(&view);
    const auto* tree = qobject_cast<const QTreeView*>(&view);
    const int rows = std::min(model->rowCount(parent), 300);
    for (int row = 0; row < rows; ++row) {
        for (int col = 0; col < model->columnCount(parent); ++col) {
            if (table && table->isColumnHidden(col)) continue;
            if (tree && tree->isColumnHidden(col)) continue;
            const QModelIndex index = model->index(row, col, parent);
            if (index.data(Qt::DisplayRole).toString().isEmpty()) continue;
            const QVariant bg = index.data(Qt::BackgroundRole);
            const QVariant fg = index.data(Qt::ForegroundRole);
            QColor back = bg.isValid()
                              ? colourOf(bg)
                              : palette.color(view.alternatingRowColors() && row % 2 ? QPalette::AlternateBase
                                                                                     : QPalette::Base);
            QColor text = fg.isValid() ? colourOf(fg) : palette.color(QPalette::Text);
            if (view.selectionModel() && view.selectionModel()->isSelected(index)) {
                back = palette.color(QPalette::Highlight);
                text = palette.color(QPalette::HighlightedText);
            }
            if (bg.isValid()) seen.backgrounds.insert(colourOf(bg).rgb());
            if (fg.isValid()) seen.foregrounds.insert(colourOf(fg).rgb());
            ++seen.cells;
            const double ratio = txs::style::contrastRatio(text, back);
            if (ratio < 4.5)
                bad << QString("%1 row %2 col %3 (%4): %5 on %6 is %7:1")
                           .arg(view.objectName().isEmpty() ? view.metaObject()->className()
                                                            : view.objectName())
                           .arg(row)
                           .arg(col)
                           .arg(index.data().toString().left(30), text.name(), back.name())
                           .arg(ratio, 0, 'f', 2);
        }
        if (tree) bad << unreadableCells(view, model->index(row, 0, parent), seen);
    }
    return bad;
}

} // namespace

class TestThemes : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        txs::test::isolateSettings("tst_themes");
        // The desktop is dark from the start, as a user's is.
        QApplication::setPalette(darkDesktopPalette());
    }
    void cleanup()
    {
        window_.reset();
        txs::style::apply(*qApp, {Theme::System, false});
    }

    void everyTableIsReadable_data()
    {
        QTest::addColumn<Theme>("theme");
        QTest::addColumn<bool>("presentation");
        for (bool presentation : {false, true}) {
            const char* suffix = presentation ? " presentation" : "";
            QTest::newRow(qPrintable(QString("light%1").arg(suffix))) << Theme::Light << presentation;
            QTest::newRow(qPrintable(QString("dark%1").arg(suffix))) << Theme::Dark << presentation;
            QTest::newRow(qPrintable(QString("system on a dark desktop%1").arg(suffix)))
                << Theme::System << presentation;
        }
    }
    void everyTableIsReadable()
    {
        QFETCH(Theme, theme);
        QFETCH(bool, presentation);
        window_ = txs::test::showMainWindow({1280, 720});
        QVERIFY(window_);
        // The System theme on a dark desktop is dark: the desktop's palette, or (presentation)
        // TxScope's dark one at full contrast.
        if (theme != Theme::Light) QVERIFY(txs::style::isDark(QApplication::palette()));
        if (theme == Theme::System && !presentation)
            QCOMPARE(QApplication::palette().color(QPalette::Base),
                     darkDesktopPalette().color(QPalette::Base));
        window_->loadScenario("sqlite-deferred-upgrade-deadlock");
        QVERIFY(txs::test::runToTheEnd(*window_));
        // The theme chosen with the run's rows on screen: every colour is read when drawn.
        window_->setAppearance({theme, presentation});

        // Every instant of the run, then the end: each panel's rows as they were then.
        auto& session = window_->session();
        QVERIFY(session.log());
        // Two hundred instants across the run (the wait for a lock lasts long enough to be met),
        // and each transaction's begin and end and each error's instant, in the projection's time.
        std::set<qint64> instants;
        session.drainAll(); // every event of the run in the projections, whatever the refresh pace
        // The run's end: its last event, or the end of its last transaction or error if later
        // (latestTimeNs() is the newest event applied, which can be older than a record's end).
        qint64 end = session.latestTimeNs();
        for (const auto& tx : session.projection().transactions.all())
            end = std::max<qint64>({end, tx.beginNs, tx.endNs == txs::kNever ? 0 : tx.endNs});
        for (const auto& x : session.projection().explanations.all())
            end = std::max(end, static_cast<qint64>(x.timeNs));
        end += 1'000'000;
        QVERIFY(end > 1'000'000);
        for (int k = 0; k <= 200; ++k)
            instants.insert(end * k / 200);
        for (const auto& tx : session.projection().transactions.all()) {
            instants.insert(tx.beginNs);
            if (tx.endNs != txs::kNever) instants.insert(tx.endNs);
        }
        for (const auto& x : session.projection().explanations.all())
            instants.insert(x.timeNs);
        Seen seen;
        QStringList bad;
        auto check = [&] {
            QApplication::processEvents();
            for (QAbstractItemView* view : window_->findChildren<QAbstractItemView*>())
                if (view->model() && (qobject_cast<QTableView*>(view) || qobject_cast<QTreeView*>(view)))
                    bad << unreadableCells(*view, {}, seen);
        };
        for (qint64 t : instants) {
            session.setInstant(t);
            check();
            if (bad.size() > 20) break; // enough to say what is wrong
        }
        session.setInstant(end);
        check();
        // The theme switch kept the run: its re-highlight of the script once reloaded it (the
        // same text) a moment later and cleared every panel.
        QCOMPARE(window_->controller().state(), RunController::State::Finished);
        QCOMPARE(session.projection().transactions.all().size(), std::size_t(2));
        bad.removeDuplicates();
        QVERIFY2(bad.isEmpty(), qPrintable(bad.mid(0, 20).join('\n')));

        // The rows the issue named were among those checked: errors (their text and their row
        // tint) and waits (a connection waiting for a lock, a statement that waited).
        using txs::models::Outcome;
        QStringList tints;
        for (QRgb rgb : seen.backgrounds)
            tints << QColor(rgb).name();
        qInfo("%d cells checked; row tints seen: %s", seen.cells, qPrintable(tints.join(' ')));
        QVERIFY(seen.cells > 100);
        QVERIFY2(
            seen.foregrounds.count(txs::models::outcomeForeground(Outcome::Failed).value<QColor>().rgb()),
            "no error text was checked");
        QVERIFY2(
            seen.backgrounds.count(txs::models::outcomeBackground(Outcome::Failed).value<QColor>().rgb()),
            "no failed row was checked");
        QVERIFY2(
            seen.backgrounds.count(txs::models::outcomeBackground(Outcome::Blocked).value<QColor>().rgb()),
            "no waiting row was checked");
        QVERIFY2(seen.backgrounds.count(txs::models::outcomeBackground(Outcome::Ok).value<QColor>().rgb()),
                 "no committed row was checked");
    }

    // The Explanations summary ("2 errors · 1 wait …") writes its colours into its text: a theme
    // switch after the run must write them again in the new theme's colours, as the tables are.
    void theErrorSummaryFollowsTheTheme()
    {
        window_ = txs::test::showMainWindow({1280, 720});
        QVERIFY(window_);
        window_->setAppearance({Theme::Light, false});
        window_->loadScenario("sqlite-deferred-upgrade-deadlock");
        QVERIFY(txs::test::runToTheEnd(*window_));
        auto* summary = window_->findChild<QLabel*>("explanationsSummary");
        QVERIFY(summary);
        using txs::models::Outcome;
        auto failedColour = [] { return txs::models::outcomeForeground(Outcome::Failed).value<QColor>().name(); };
        const QString light = failedColour();
        QTRY_VERIFY(summary->text().contains(light));
        window_->setAppearance({Theme::Dark, false});
        const QString dark = failedColour();
        QVERIFY(dark != light);
        QTRY_VERIFY2(summary->text().contains(dark), qPrintable(summary->text()));
        QVERIFY(!summary->text().contains(light));
        window_->setAppearance({Theme::Light, false});
        QTRY_VERIFY2(summary->text().contains(light), qPrintable(summary->text()));
    }

private:
    std::unique_ptr<MainWindow> window_;
};

QTEST_MAIN(TestThemes)
#include "tst_themes.moc"
