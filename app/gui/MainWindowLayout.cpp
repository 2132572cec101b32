// MainWindow: where the window and its docks go, and how they look (theme, presentation mode).
// Kept apart from MainWindow.cpp, which wires the panels to the run.
//
// Layout invariants: the window lies inside the available area of the screen it opens on
// (WindowGeometry); the docks' arrangement is one function, arrangeDocks(), used on first start
// and by View › Reset layout; what the user changed is saved on close and restored on start.

#include "app/gui/MainWindow.h"
#include "widgets/style/Theme.h"
#include "widgets/style/ToolIcons.h"
#include "widgets/timeline/TimelineWidget.h"
#include "widgets/views/ConnectionFilter.h"
#include "widgets/views/DockSizes.h"
#include "widgets/views/ShrinkableDock.h"
#include "widgets/views/WindowGeometry.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QDockWidget>
#include <QMenu>
#include <QMenuBar>
#include <QScreen>
#include <QSettings>
#include <QStyle>
#include <QTabBar>
#include <QTableView>
#include <algorithm>

namespace {

constexpr int kLayoutVersion = 6; // bump when the docks change, so old saved states are not applied

// How wide a dock area must be for the tabs of `docks` (tabified there) to show their titles
// whole: QTabBar::tabSizeHint's text and tab space per tab, and the dock's frame. In
// presentation mode's font the right area's share of a 1280 px window cut "Locks", "Version
// chains" and "Database" to "L…", "Version …", "Dat…".
int tabsWidth(const QList<QDockWidget*>& docks)
{
    QTabBar probe; // the style's metrics and font for a dock's tab bar
    const QFontMetrics metrics(QApplication::font(&probe));
    const int space = probe.style()->pixelMetric(QStyle::PM_TabBarTabHSpace, nullptr, &probe);
    int width = 0;
    for (const QDockWidget* d : docks)
        width += metrics.size(Qt::TextShowMnemonic, d->windowTitle()).width() + space;
    return width + 2 * probe.style()->pixelMetric(QStyle::PM_DockWidgetFrameWidth, nullptr, &probe) + 4;
}

QRect availableArea(const QWidget* window)
{
    const QScreen* screen = window->screen();
    if (!screen) screen = QGuiApplication::primaryScreen();
    return screen ? screen->availableGeometry() : QRect();
}

} // namespace

QDockWidget* MainWindow::dock(const QString& objectName) const
{
    for (QDockWidget* d : findChildren<QDockWidget*>())
        if (d->objectName() == objectName) return d;
    return nullptr;
}

// The default arrangement: the script on the left, the timeline in the middle, transactions,
// statement log and explanations (with the dependency graph) below it, locks, version chains
// and metrics on the right.
// The result pane sits under the script.
// Presentation mode gives the timeline and the explanations the room: the explanations take the
// whole bottom (the transactions, the log and the Locks panel as tabs beside them; Versions
// and Database stay on the right), the metrics are hidden (View
// brings them back).
void MainWindow::arrangeDocks()
{
    QDockWidget* script = dock("scriptDock");
    QDockWidget* tx = dock("transactionsDock");
    QDockWidget* locks = dock("locksDock");
    QDockWidget* versions = dock("versionsDock");
    QDockWidget* explain = dock("explanationsDock");
    QDockWidget* metrics = dock("metricsDock");
    QDockWidget* log = dock("logDock");
    QDockWidget* database = dock("databaseDock");
    QDockWidget* result = dock("resultDock");
    QDockWidget* deps = dock("dependenciesDock");
    for (QDockWidget* d : {script, tx, locks, versions, explain, metrics, log, database, result, deps}) {
        d->setFloating(false); // before removing: a removed dock keeps its floating flag
        removeDockWidget(d);
    }
    addDockWidget(Qt::LeftDockWidgetArea, script);
    const bool presentation = txs::style::current().presentation;
    addDockWidget(Qt::BottomDockWidgetArea, tx);
    // Presentation: the Locks panel is a tab of the bottom, whose width shows its seven columns
    // whole in the larger font; on the right it had a quarter of 1280 px and cut its headers
    // after "Database file" (who waits for whom scrolled out of sight).
    addDockWidget(presentation ? Qt::BottomDockWidgetArea : Qt::RightDockWidgetArea, locks);
    addDockWidget(Qt::RightDockWidgetArea, versions);
    addDockWidget(Qt::BottomDockWidgetArea, explain);
    addDockWidget(Qt::RightDockWidgetArea, metrics);
    addDockWidget(Qt::BottomDockWidgetArea, log);
    // Presentation: the explanations take the whole bottom, the transactions and the log tabs
    // beside them. Split in three, presentation's font left the table of errors a third of the
    // window: "SQLITE_BUSY" scrolled out of sight at 1280 px.
    if (presentation)
        tabifyDockWidget(explain, tx);
    else
        splitDockWidget(tx, explain, Qt::Horizontal);
    tabifyDockWidget(tx, log);
    // The dependency graph wants the width of the explanations' place; a run with an anomaly
    // raises it (MainWindowDependencies.cpp).
    tabifyDockWidget(explain, deps);
    if (presentation)
        tabifyDockWidget(deps, locks);
    else
        tabifyDockWidget(locks, versions);
    addDockWidget(Qt::RightDockWidgetArea, database);
    tabifyDockWidget(versions, database);
    splitDockWidget(presentation ? versions : locks, metrics, Qt::Vertical);
    // The result pane under the script: a failed expectation and its line side by side. In
    // presentation mode the larger font leaves the column room for one of them at a time (split,
    // the script showed 3 lines and the verdict and its Fix were cut at 720 px): they share it as
    // tabs, the result in front after a run, the script when a line is asked for.
    addDockWidget(Qt::LeftDockWidgetArea, result);
    if (presentation)
        tabifyDockWidget(script, result);
    else
        splitDockWidget(script, result, Qt::Vertical);
    for (QDockWidget* d : {script, tx, locks, versions, explain, metrics, log, database, result, deps})
        d->show();
    arrangeRecordDocks();
    tx->raise();
    explain->raise();
    presentation ? versions->raise() : locks->raise();
    // Presentation: the transactions in front of the tabs they share with the explanations; a
    // run with errors brings the explanations forward (focusOnStory).
    if (presentation) tx->raise();

    // Sizes in proportion to the window, so a small screen keeps room for the timeline.
    const QSize room = size();
    if (presentation) metrics->hide();
    // Presentation: side panels narrower, so the timeline is as wide as the larger font allows.
    const DockSizes sizes = DockSizes::forWindow(room, presentation);
    // Presentation: the script and result column as wide as the problems list needs for its
    // four columns' labels and longest words in the larger font (Expected and Actual were cut
    // at a fifth of 1280 px), a little over a third of the window at most.
    const int scriptWidth =
        presentation ? std::max(sizes.script, std::min(room.width() * 36 / 100, 480)) : sizes.script;
    resizeDocks({script}, {scriptWidth}, Qt::Horizontal);
    // The side's share, or what its tabs need to show their titles whole.
    if (presentation)
        resizeDocks({versions}, {std::max(sizes.side, tabsWidth({versions, database}))}, Qt::Horizontal);
    else
        resizeDocks({locks}, {std::max(sizes.side, tabsWidth({locks, versions, database}))}, Qt::Horizontal);
    resizeDocks({tx}, {sizes.bottom}, Qt::Vertical);
    if (!presentation) resizeDocks({tx, explain}, {room.width() / 3, room.width() * 2 / 3}, Qt::Horizontal);
    if (!presentation)
        resizeDocks({script, result}, {room.height() * 55 / 100, room.height() * 45 / 100}, Qt::Vertical);
    else
        script->raise();
}

// Called once the docks exist, before the window is shown: the saved geometry and dock state
// when there are (brought onto the current screen), else the defaults sized to the screen.
void MainWindow::restoreWindowLayout()
{
    // The script and result column runs the window's full height, beside the bottom docks rather
    // than above them: at 1280 x 720 the bottom docks' height under it left the script four lines
    // once the result pane had its share. (Corners are not part of the saved state.)
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    setCorner(Qt::TopLeftCorner, Qt::LeftDockWidgetArea);
    // Every dock's least size a real minimum, so the window fits a 1280 x 720 projector even in
    // presentation mode (ShrinkableDock.h).
    // Not the result pane: it shrinks by itself (its Why scrolls, its Fix stays in view), where
    // a scroll area around it would scroll the Fix below the dock's edge.
    for (QDockWidget* d : findChildren<QDockWidget*>())
        if (d->objectName() != "resultDock") txs::letDockShrink(*d);
    QSettings settings;
    const QRect available = availableArea(this);
    const bool saved = settings.value("window/layoutVersion").toInt() == kLayoutVersion &&
                       restoreGeometry(settings.value("window/geometry").toByteArray());
    if (saved) {
        setGeometry(WindowGeometry::fitted(geometry(), available));
        restoreState(settings.value("window/state").toByteArray(), kLayoutVersion);
        showRecordDocksOnlyForARecording();
    } else {
        setGeometry(WindowGeometry::initial(available));
        arrangeDocks();
    }
}

void MainWindow::saveWindowLayout()
{
    QSettings settings;
    settings.setValue("window/layoutVersion", kLayoutVersion);
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState(kLayoutVersion));
}

void MainWindow::resetLayout()
{
    if (!isMaximized() && !isFullScreen()) setGeometry(WindowGeometry::initial(availableArea(this)));
    arrangeDocks();
    QSettings settings;
    settings.remove("window/geometry");
    settings.remove("window/state");
}

void MainWindow::arrangeForSize(QSize size)
{
    resize(size);
    arrangeDocks();
}

void MainWindow::setAppearance(const txs::style::Appearance& appearance)
{
    const bool presentationChanged = appearance.presentation != txs::style::current().presentation;
    txs::style::apply(*qApp, appearance);
    updateToolIcons();
    if (presentationChanged) arrangeDocks();
    // Rows sized for the old font would clip the new one.
    for (QTableView* view : findChildren<QTableView*>())
        view->resizeRowsToContents();
    if (themeActions_) {
        for (QAction* a : themeActions_->actions())
            a->setChecked(a->data().toString() == txs::style::themeName(appearance.theme));
    }
    if (presentationAction_) presentationAction_->setChecked(appearance.presentation);
    QSettings().setValue("appearance/theme", txs::style::themeName(appearance.theme));
}

// The run buttons' icons, drawn from the palette (ToolIcons.h): the stock ones faded to nothing
// when disabled on a dark window.
void MainWindow::updateToolIcons()
{
    const QPalette palette = QApplication::palette();
    runAction_->setIcon(txs::style::toolIcon(txs::style::ToolGlyph::Run, palette));
    pauseAction_->setIcon(txs::style::toolIcon(txs::style::ToolGlyph::Pause, palette));
    stepAction_->setIcon(txs::style::toolIcon(txs::style::ToolGlyph::Step, palette));
    stopAction_->setIcon(txs::style::toolIcon(txs::style::ToolGlyph::Stop, palette));
}

void MainWindow::setShowInternalConnections(bool show)
{
    locksFilter_->setShowInternal(show);
    logFilter_->setShowInternal(show);
    // The timeline builds lanes as events arrive: rebuild it from the log with the new rule.
    timeline_->setShowInternal(show);
    refeedTimeline();
}

void MainWindow::buildAppearanceMenu(QMenu* view)
{
    auto* reset = view->addAction("&Reset Layout");
    connect(reset, &QAction::triggered, this, &MainWindow::resetLayout);
    presentationAction_ = view->addAction("&Presentation Mode");
    presentationAction_->setCheckable(true);
    presentationAction_->setShortcut(QKeySequence(Qt::Key_F11));
    presentationAction_->setToolTip("Larger fonts and high contrast, for projectors");
    connect(presentationAction_, &QAction::toggled, this, [this](bool on) {
        auto a = txs::style::current();
        if (a.presentation == on) return;
        a.presentation = on;
        setAppearance(a);
    });
    QMenu* theme = view->addMenu("&Theme");
    themeActions_ = new QActionGroup(this);
    for (auto [t, label] :
         {std::pair{txs::style::Theme::System, "&System"}, std::pair{txs::style::Theme::Light, "&Light"},
          std::pair{txs::style::Theme::Dark, "&Dark"}}) {
        QAction* a = theme->addAction(label);
        a->setCheckable(true);
        a->setData(txs::style::themeName(t));
        a->setChecked(t == txs::style::current().theme);
        themeActions_->addAction(a);
        connect(a, &QAction::triggered, this, [this, t] {
            auto appearance = txs::style::current();
            appearance.theme = t;
            setAppearance(appearance);
        });
    }
    presentationAction_->setChecked(txs::style::current().presentation);
    QAction* internal = view->addAction("Show &Internal Connections");
    internal->setCheckable(true);
    internal->setToolTip("The engine's own connection (it opens the database and sets the journal mode)");
    connect(internal, &QAction::toggled, this, &MainWindow::setShowInternalConnections);
    view->addSeparator(); // the docks' toggle actions follow
}
