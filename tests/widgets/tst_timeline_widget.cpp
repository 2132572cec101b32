// TimelineWidget driven like a user would: wheel zoom, drag to pan, clicks that select or move
// the time cursor, cursor drags, keys, tooltips, selection from outside, live appends; and
// screenshots of a recorded run in light and dark palettes, checked for the lane colours and
// saved next to the build for a human to look at.

#include "tests/engine/support/EventBuilder.h"
#include "tests/widgets/support/RecordedRun.h"
#include "widgets/timeline/TimelineLegend.h"
#include "widgets/timeline/TimelineWidget.h"

#include <QSignalSpy>
#include <QTest>
#include <QToolTip>
#include <cstring>

using namespace txs;
using namespace txs::timeline;

namespace {

constexpr auto kMvccCommit = static_cast<std::int64_t>(LockResource::MvccCommit);

// T1 commits transaction 1 over [1, 5] ms; T2's transaction 2 over [2, 4] ms is doomed by a
// conflict at 3 ms; T2 then runs an autocommit SELECT over [6, 7] ms; the run ends at 10 ms.
struct Scenario
{
    testing::EventBuilder ev;
    std::uint64_t conflictSeq = 0, selectSeq = 0;

    Scenario()
    {
        ev.add(EventKind::ConnectionOpen, 1, 0, 0, 0, 0, "T1");
        ev.add(EventKind::ConnectionOpen, 2, 0, 0, 0, 0, "T2");
        ev.add(EventKind::TxBegin, 1, 1000, 1, 4);
        ev.add(EventKind::TxBegin, 2, 2000, 2, 4);
        ev.add(EventKind::StatementBegin, 2, 2500, 2, 0, 0, "UPDATE acct SET balance = 0 WHERE id = 1");
        ev.add(EventKind::Conflict, 2, 3000, 2, 1, 0, "Write-write conflict on acct key 1");
        conflictSeq = ev.lastSeq();
        ev.add(EventKind::TxDoomed, 2, 3000, 2, 1, 0, "Write-write conflict on acct key 1");
        ev.add(EventKind::StatementEnd, 2, 3100, 2, 1, 0, "Write-write conflict on acct key 1");
        ev.add(EventKind::TxRollback, 2, 4000, 2, 0);
        ev.add(EventKind::LockAcquire, 1, 4800, 1, kMvccCommit, 1);
        ev.add(EventKind::LockRelease, 1, 4900, 1, kMvccCommit, 0);
        ev.add(EventKind::TxCommit, 1, 5000, 1, 7, 1);
        ev.add(EventKind::StatementBegin, 2, 6000, 0, 0, 0, "SELECT balance FROM acct");
        selectSeq = ev.lastSeq();
        ev.add(EventKind::StatementEnd, 2, 7000, 0, 0, 0);
        ev.add(EventKind::Note, 0, 10000, 0, 0, 0, "run end");
    }
};

void sendWheel(QWidget* w, QPointF pos, int delta, Qt::KeyboardModifiers modifiers = Qt::NoModifier)
{
    QWheelEvent wheel(pos, w->mapToGlobal(pos), QPoint(), QPoint(0, delta), Qt::NoButton, modifiers,
                      Qt::NoScrollPhase, false);
    QApplication::sendEvent(w, &wheel);
}

// The widget as drawn, one image pixel per widget pixel whatever the screen's scale factor
// (nearest-neighbour, so the colours of spans stay exact).
QImage grabLogical(QWidget& w)
{
    return w.grab()
        .toImage()
        .convertToFormat(QImage::Format_RGB32)
        .scaled(w.size(), Qt::IgnoreAspectRatio, Qt::FastTransformation);
}

// The plot area of a grabbed widget: colour counts must not see the legend's swatches.
QImage plotArea(TimelineWidget& w)
{
    return grabLogical(w).copy(w.axisRect()->rect());
}

// Counts pixels of exactly `colour` (spans are filled without antialiasing).
int countColour(const QImage& image, const QColor& colour)
{
    const QRgb want = colour.rgb();
    int n = 0;
    for (int y = 0; y < image.height(); ++y) {
        const auto* line = reinterpret_cast<const QRgb*>(image.constScanLine(y));
        for (int x = 0; x < image.width(); ++x)
            n += (line[x] & 0xffffff) == (want & 0xffffff);
    }
    return n;
}

QString outputPath(const char* name)
{
    return QStringLiteral(TXSCOPE_BINARY_DIR "/") + QString::fromLatin1(name);
}

} // namespace

class TestTimelineWidget : public QObject
{
    Q_OBJECT

    std::unique_ptr<TimelineWidget> w;
    Scenario s;

    // Time on the key axis at a pixel, from QCustomPlot's own mapping.
    qint64 timeAtX(double x) const { return std::llround(w->xAxis->pixelToCoord(x) * 1e6); }

private slots:
    // Presentation fonts on a narrow timeline (a 1280 px window's timeline is about 620 px): the
    // legend stays on two rows, in short words, and says it all in full where there is room.
    void legendStaysCompactOnANarrowTimeline()
    {
        QCustomPlot plot;
        QFont big = plot.font();
        big.setPixelSize(18); // presentation mode: 1.5 times a 12 px desktop font
        plot.setFont(big);
        const auto colors = txs::timeline::TimelineColors::fromPalette(plot.palette());
        txs::timeline::TimelineLegend legend(&plot, colors);
        using txs::timeline::TimelineLegend;
        QCOMPARE(legend.rowsFor(100'000), 1);
        QVERIFY(!legend.compactAt(100'000));
        for (int width : {900, 620}) {
            QVERIFY2(legend.rowsFor(width) <= TimelineLegend::kMaxRows,
                     qPrintable(QString("%1 rows at %2 px").arg(legend.rowsFor(width)).arg(width)));
            QVERIFY(legend.compactAt(width));
        }
        // Narrower than any compact style fits: more rows (split between swatches), never clipped.
        big.setPixelSize(24);
        plot.setFont(big);
        QVERIFY(legend.rowsFor(330) > TimelineLegend::kMaxRows);
        QVERIFY(legend.heightFor(330) > legend.heightFor(620));
        QVERIFY(legend.fullText().contains("waiting for a lock"));
    }

    void init()
    {
        w = std::make_unique<TimelineWidget>();
        w->resize(1000, 420);
        w->show();
        QVERIFY(QTest::qWaitForWindowExposed(w.get()));
        w->appendEvents(s.ev.list);
        w->replot(QCustomPlot::rpImmediateRefresh);
    }
    void cleanup() { w.reset(); }

    void showsTheWholeRunWithLaneNames()
    {
        const auto [from, to] = w->visibleTime();
        QVERIFY(from <= 0);
        QVERIFY(to >= 10'000'000);
        QCOMPARE(w->model().lanes().size(), 2u);
        const auto ticks = qSharedPointerCast<QCPAxisTickerText>(w->yAxis->ticker())->ticks();
        QCOMPARE(ticks.values(), (QList<QString>{"T1", "T2"}));
        QVERIFY(w->followLive());
    }

    // A recorded process's lane name is long; the axis margin grows to its widest label, so the
    // name is elided in the middle (pid and connection both kept) instead of taking the plot.
    void aLongLaneNameDoesNotTakeThePlot()
    {
        const int marginBefore = w->axisRect()->left();
        testing::EventBuilder ev = s.ev; // seq goes on from the scenario's
        const std::string longName =
            "pid 8207 (python3 webapp.py --workers 4 /srv/app/data/app.db) connection 1";
        ev.add(EventKind::ConnectionOpen, 3, 0, 0, 0, 0, longName);
        ev.add(EventKind::TxBegin, 3, 11000, 3, 4);
        ev.add(EventKind::TxCommit, 3, 12000, 3, 7, 1);
        w->appendEvents(std::span<const Event>(ev.list).subspan(s.ev.list.size()));
        w->replot(QCustomPlot::rpImmediateRefresh);
        const auto ticks = qSharedPointerCast<QCPAxisTickerText>(w->yAxis->ticker())->ticks().values();
        QCOMPARE(ticks.size(), 3);
        const QString shown = ticks.last();
        QVERIFY2(shown.size() < static_cast<int>(longName.size()), qPrintable(shown));
        QVERIFY2(shown.startsWith("pid 8207") && shown.endsWith("connection 1"), qPrintable(shown));
        QVERIFY2(w->axisRect()->left() < marginBefore + w->width() / 4,
                 qPrintable(QString("%1 -> %2").arg(marginBefore).arg(w->axisRect()->left())));
    }

    void wheelZoomsTimeAroundThePointer()
    {
        const QPointF p = w->pixelOf(3'000'000, 0, Track::Transaction);
        const QCPRange before = w->xAxis->range();
        const QCPRange lanes = w->yAxis->range();
        sendWheel(w.get(), p, 120);
        const QCPRange after = w->xAxis->range();
        QVERIFY2(after.size() < before.size() * 0.9, qPrintable(QString::number(after.size())));
        QVERIFY(std::abs(w->xAxis->pixelToCoord(p.x()) - 3.0) < before.size() * 0.01); // 3 ms stays put
        QCOMPARE(w->yAxis->range().lower, lanes.lower);                                // lanes do not zoom
        QCOMPARE(w->yAxis->range().upper, lanes.upper);
        sendWheel(w.get(), p, -240);
        QVERIFY(w->xAxis->range().size() > after.size());
    }

    void dragPansTime()
    {
        QSignalSpy live(w.get(), &TimelineWidget::followLiveChanged);
        w->setVisibleTime(2'000'000, 6'000'000);
        w->replot(QCustomPlot::rpImmediateRefresh);
        const QPointF p = w->pixelOf(4'000'000, 1, Track::Statement) + QPointF(0, 30);
        const double pxPerMs = w->xAxis->coordToPixel(1) - w->xAxis->coordToPixel(0);
        QTest::mousePress(w.get(), Qt::LeftButton, {}, p.toPoint());
        QTest::mouseMove(w.get(), (p + QPointF(50, 0)).toPoint());
        QTest::mouseMove(w.get(), (p + QPointF(100, 0)).toPoint());
        QTest::mouseRelease(w.get(), Qt::LeftButton, {}, (p + QPointF(100, 0)).toPoint());
        const QCPRange r = w->xAxis->range();
        QVERIFY2(std::abs(r.lower - (2.0 - 100 / pxPerMs)) < 0.02, qPrintable(QString::number(r.lower)));
        QVERIFY(std::abs(r.size() - 4.0) < 1e-9);
        QVERIFY(!w->followLive()); // the user took over the view
        QCOMPARE(live.count(), 1);
        QVERIFY(!w->selection()); // a drag is not a click
    }

    void clickingASpanSelectsItsTransaction()
    {
        QSignalSpy tx(w.get(), &TimelineWidget::transactionSelected);
        QSignalSpy event(w.get(), &TimelineWidget::eventSelected);
        QSignalSpy cursor(w.get(), &TimelineWidget::cursorMoved);
        QTest::mouseClick(w.get(), Qt::LeftButton, {},
                          w->pixelOf(2'000'000, 0, Track::Transaction).toPoint());
        QCOMPARE(tx.count(), 1);
        QCOMPARE(tx[0][0].toULongLong(), 1u);
        QCOMPARE(*w->selection(), (ItemRef{ItemRef::Kind::Span, Track::Transaction, 0, 0}));
        // T2's statement belongs to transaction 2.
        QTest::mouseClick(w.get(), Qt::LeftButton, {}, w->pixelOf(2'700'000, 1, Track::Statement).toPoint());
        QCOMPARE(tx.count(), 2);
        QCOMPARE(tx[1][0].toULongLong(), 2u);
        // The conflict marker is an event; so is the autocommit SELECT.
        const ItemRef conflict = *w->model().findEvent(s.conflictSeq);
        QTest::mouseClick(w.get(), Qt::LeftButton, {}, w->centreOf(conflict).toPoint());
        QCOMPARE(event.count(), 1);
        QCOMPARE(event[0][0].toULongLong(), s.conflictSeq);
        QCOMPARE(w->selection()->kind, ItemRef::Kind::Marker);
        QTest::mouseClick(w.get(), Qt::LeftButton, {}, w->pixelOf(6'500'000, 1, Track::Statement).toPoint());
        QCOMPARE(event.count(), 2);
        QCOMPARE(event[1][0].toULongLong(), s.selectSeq);
        QCOMPARE(tx.count(), 2);
        QCOMPARE(cursor.count(), 0); // selecting does not move the cursor
        QTest::keyClick(w.get(), Qt::Key_Escape);
        QVERIFY(!w->selection());
    }

    void clickingEmptyTimeMovesTheCursor()
    {
        QSignalSpy cursor(w.get(), &TimelineWidget::cursorMoved);
        const QPointF p = w->pixelOf(8'000'000, 0, Track::Transaction); // T1 is idle at 8 ms
        QTest::mouseClick(w.get(), Qt::LeftButton, {}, p.toPoint());
        QCOMPARE(cursor.count(), 1);
        const qint64 expected = timeAtX(p.toPoint().x());
        QCOMPARE(cursor[0][0].toLongLong(), expected);
        QVERIFY(std::abs(expected - 8'000'000) < 40'000); // within a pixel or so of 8 ms
        QCOMPARE(w->cursorTime(), expected);
        QVERIFY(!w->followLive());
        QVERIFY(!w->selection());
    }

    void draggingTheCursorMovesIt()
    {
        w->setCursorTime(2'000'000);
        w->replot(QCustomPlot::rpImmediateRefresh);
        const QCPRange view = w->xAxis->range();
        QSignalSpy cursor(w.get(), &TimelineWidget::cursorMoved);
        // Grab the line a couple of pixels off, on a span (the line wins over the span).
        const QPoint grab = (w->pixelOf(2'000'000, 0, Track::Transaction) + QPointF(2, 0)).toPoint();
        const QPoint drop = w->pixelOf(7'000'000, 1, Track::Statement).toPoint();
        QTest::mousePress(w.get(), Qt::LeftButton, {}, grab);
        QTest::mouseMove(w.get(), (grab + drop) / 2);
        QTest::mouseMove(w.get(), drop);
        QTest::mouseRelease(w.get(), Qt::LeftButton, {}, drop);
        QVERIFY(cursor.count() >= 2);
        QCOMPARE(cursor.last()[0].toLongLong(), timeAtX(drop.x()));
        QCOMPARE(w->cursorTime(), timeAtX(drop.x()));
        QCOMPARE(w->xAxis->range().lower, view.lower); // the drag moved the cursor, not the view
        QVERIFY(!w->selection());
    }

    void settingTheCursorFromOutsideMovesOnlyTheCursor()
    {
        // A live session sets the instant on every tick: the view must keep following.
        QSignalSpy cursor(w.get(), &TimelineWidget::cursorMoved);
        QSignalSpy live(w.get(), &TimelineWidget::followLiveChanged);
        w->setCursorTime(4'000'000);
        QCOMPARE(w->cursorTime(), 4'000'000);
        QVERIFY(w->followLive());
        QCOMPARE(cursor.count(), 0);
        QCOMPARE(live.count(), 0);
        testing::EventBuilder more;
        more.add(EventKind::TxBegin, 1, 20'000, 9, 4).seq = 100;
        w->appendEvents(more.list);
        QVERIFY(w->visibleTime().second >= 20'000'000); // still following
        QCOMPARE(w->cursorTime(), 4'000'000);           // the cursor stays at the instant it was given
    }

    void cursorStaysWithinTheRun()
    {
        QSignalSpy cursor(w.get(), &TimelineWidget::cursorMoved);
        const QPointF left = w->pixelOf(-200'000, 0, Track::Transaction); // in the margin before 0 ms
        QTest::mouseClick(w.get(), Qt::LeftButton, {}, left.toPoint());
        QCOMPARE(cursor.count(), 1);
        QCOMPARE(cursor[0][0].toLongLong(), 0);
    }

    void selectEventScrollsToIt()
    {
        w->setVisibleTime(8'000'000, 9'000'000);
        w->replot(QCustomPlot::rpImmediateRefresh);
        QSignalSpy event(w.get(), &TimelineWidget::eventSelected);
        QVERIFY(w->selectEvent(s.conflictSeq));
        const auto [from, to] = w->visibleTime();
        QVERIFY2(from < 3'000'000 && 3'000'000 < to, qPrintable(QString("%1 %2").arg(from).arg(to)));
        QCOMPARE(to - from, 1'000'000); // the zoom is kept
        QCOMPARE(w->selection()->kind, ItemRef::Kind::Marker);
        QCOMPARE(event.count(), 0); // selection from outside is not echoed
        QVERIFY(!w->selectEvent(12345));
        QVERIFY(w->selectTransaction(1));
        QCOMPARE(*w->selection(), (ItemRef{ItemRef::Kind::Span, Track::Transaction, 0, 0}));
        QVERIFY(!w->selectTransaction(99));
    }

    void selectEventScrollsLanesIntoView()
    {
        // 30 lanes do not fit in 420 px: the view scrolls down to the last one.
        TimelineWidget many;
        many.resize(800, 420);
        many.show();
        QVERIFY(QTest::qWaitForWindowExposed(&many));
        testing::EventBuilder ev;
        for (std::uint32_t c = 1; c <= 30; ++c) {
            ev.add(EventKind::TxBegin, c, c * 10, c);
            ev.add(EventKind::Busy, c, c * 10 + 5, c, 5, 0, "database is locked");
            ev.add(EventKind::TxRollback, c, c * 10 + 8, c);
        }
        many.appendEvents(ev.list);
        many.replot(QCustomPlot::rpImmediateRefresh);
        QCOMPARE(many.yAxis->range().lower, 0.0);
        QVERIFY(many.yAxis->range().upper < many.laneGeometry().totalHeight());
        QVERIFY(many.selectEvent(ev.lastSeq() - 1)); // the last lane's BUSY
        const Band last = many.laneGeometry().lane(29);
        QVERIFY(many.yAxis->range().lower <= last.top + 1e-9);
        QVERIFY(many.yAxis->range().upper >= last.bottom - 1e-9);
        // Shift+wheel scrolls lanes back up.
        sendWheel(&many, QPointF(400, 200), 120 * 100, Qt::ShiftModifier);
        QCOMPARE(many.yAxis->range().lower, 0.0);
    }

    void keysZoomPanAndShowAll()
    {
        const double size = w->xAxis->range().size();
        QTest::keyClick(w.get(), Qt::Key_Plus);
        QVERIFY(std::abs(w->xAxis->range().size() - size / 2) < 1e-9);
        const double lower = w->xAxis->range().lower;
        QTest::keyClick(w.get(), Qt::Key_Right);
        QVERIFY(w->xAxis->range().lower > lower);
        QVERIFY(!w->followLive());
        QTest::keyClick(w.get(), Qt::Key_Home);
        QVERIFY(std::abs(w->xAxis->range().size() - size) < 1e-9);
        QTest::keyClick(w.get(), Qt::Key_End);
        QVERIFY(w->followLive());
    }

    void zoomIsBounded()
    {
        for (int i = 0; i < 100; ++i)
            sendWheel(w.get(), QPointF(500, 100), 120);
        QVERIFY(w->xAxis->range().size() >= 1e-3 - 1e-12); // 1 µs
        for (int i = 0; i < 100; ++i)
            sendWheel(w.get(), QPointF(500, 100), -120);
        QVERIFY(w->xAxis->range().size() < 20); // the run is 10 ms: no zooming out into nothing
    }

    void tooltipsSayWhatIsUnderThePointer()
    {
        const QString tx = w->toolTipAt(w->pixelOf(2'000'000, 0, Track::Transaction));
        QVERIFY2(tx.contains("Transaction 1 · T1") && tx.contains("committed") && tx.contains("(4.000 ms)"),
                 qPrintable(tx));
        const QString conflict = w->toolTipAt(w->centreOf(*w->model().findEvent(s.conflictSeq)));
        QVERIFY2(conflict.contains("Conflict with transaction 1"), qPrintable(conflict));
        const QString lock = w->toolTipAt(w->pixelOf(4'850'000, 0, Track::LockMvcc));
        QVERIFY2(lock.contains("mvcc-commit SHARED"), qPrintable(lock));
        QVERIFY(w->toolTipAt(w->pixelOf(8'000'000, 0, Track::Transaction)).isEmpty());
        // The widget shows it on a tooltip event.
        const QPoint p = w->pixelOf(2'000'000, 0, Track::Transaction).toPoint();
        QHelpEvent help(QEvent::ToolTip, p, w->mapToGlobal(p));
        QApplication::sendEvent(w.get(), &help);
        QTRY_VERIFY(QToolTip::isVisible());
        QVERIFY(QToolTip::text().contains("Transaction 1"));
        QToolTip::hideText();
    }

    // Live appends replot paced, never dropped: however the appends fall against the pacing,
    // a replot follows the last one and nothing stays pending.
    void pacedLiveReplotsShowTheLastAppend()
    {
        TimelineWidget live;
        live.resize(800, 300);
        live.show();
        QVERIFY(QTest::qWaitForWindowExposed(&live));
        QSignalSpy replotted(&live, &QCustomPlot::afterReplot);
        for (std::size_t i = 0; i < s.ev.list.size(); i += 3) {
            const std::size_t end = std::min(s.ev.list.size(), i + 3);
            live.appendEvents(std::span<const Event>(s.ev.list).subspan(i, end - i));
        }
        const int atLastAppend = replotted.count();
        QTRY_VERIFY(replotted.count() > atLastAppend);
        QTRY_VERIFY(!live.liveReplotPending());
        QCOMPARE(live.model().eventCount(), s.ev.list.size());
    }

    void liveAppendsExtendTheView()
    {
        TimelineWidget live;
        live.resize(800, 300);
        live.show();
        QVERIFY(QTest::qWaitForWindowExposed(&live));
        const std::vector<Event> first(s.ev.list.begin(), s.ev.list.begin() + 6);
        const std::vector<Event> rest(s.ev.list.begin() + 6, s.ev.list.end());
        live.appendEvents(first);
        QCOMPARE(live.model().eventCount(), 6u);
        QVERIFY(live.model().lanes()[0].track(Track::Transaction)[0].open());
        QVERIFY(live.visibleTime().second >= 3'000'000);
        live.appendEvents(rest);
        QCOMPARE(live.model().eventCount(), s.ev.list.size());
        QVERIFY(!live.model().lanes()[0].track(Track::Transaction)[0].open()); // closed by the later batch
        QVERIFY(live.visibleTime().second >= 10'000'000);
        QCOMPARE(live.cursorTime(), 10'000'000); // live: the cursor is "now"
        live.clear();
        QVERIFY(live.model().empty());
        QVERIFY(live.model().lanes().empty());
    }

    void screenshotOfARecordedMvccRun()
    {
        const auto run = testing::recordRun(testing::mvccConflictScenario, std::chrono::microseconds(300));
        TimelineWidget shot;
        shot.resize(1280, 720);
        shot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&shot));
        shot.appendEvents(run.events);
        shot.setCursorTime((shot.model().startNs() + shot.model().endNs()) / 2);
        shot.replot(QCustomPlot::rpImmediateRefresh);
        QVERIFY(shot.grab().save(outputPath("timeline_mvcc.png")));
        const QImage image = plotArea(shot);
        const auto& c = shot.colors();
        // MVCC locks are held for microseconds: thin, but there on every commit.
        for (SpanState state :
             {SpanState::TxCommitted, SpanState::TxDoomed, SpanState::StmtOk, SpanState::LockShared}) {
            const int n = countColour(image, c.of(state));
            QVERIFY2(n > 20, qPrintable(QString("%1: %2 pixels").arg(static_cast<int>(state)).arg(n)));
        }
        QVERIFY(countColour(image, c.background) > image.width() * image.height() / 10);

        // The same in a dark palette: the background turns dark, the outcome colours follow.
        QPalette dark;
        dark.setColor(QPalette::Window, QColor("#202124"));
        dark.setColor(QPalette::Base, QColor("#17181a"));
        dark.setColor(QPalette::Text, QColor("#e8eaed"));
        dark.setColor(QPalette::WindowText, QColor("#e8eaed"));
        dark.setColor(QPalette::Highlight, QColor("#8ab4f8"));
        shot.setPalette(dark);
        shot.replot(QCustomPlot::rpImmediateRefresh);
        QVERIFY(shot.colors().dark);
        QVERIFY(shot.grab().save(outputPath("timeline_mvcc_dark.png")));
        const QImage darkImage = plotArea(shot);
        QVERIFY(countColour(darkImage, shot.colors().of(SpanState::TxCommitted)) > 20);
        QVERIFY(countColour(darkImage, shot.colors().of(SpanState::TxDoomed)) > 20);
        QVERIFY(countColour(darkImage, QColor("#17181a")) > image.width() * image.height() / 10);
    }

    void screenshotOfASqliteBusyRun()
    {
        const auto run = testing::recordRun(testing::sqliteBusyScenario);
        TimelineWidget shot;
        shot.resize(1280, 560);
        shot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&shot));
        shot.appendEvents(run.events);
        // From A's first lock to B's commit: the RESERVED that B bumps into, and B's BUSY.
        const auto busy = std::find_if(run.events.begin(), run.events.end(),
                                       [](const Event& e) { return e.kind == EventKind::Busy; });
        QVERIFY(busy != run.events.end());
        QVERIFY(shot.selectEvent(busy->seq));
        shot.setCursorTime(busy->timeNs);
        const auto laneA =
            *shot.model().laneOf(std::find_if(run.events.begin(), run.events.end(), [](const Event& e) {
                                     return e.kind == EventKind::ConnectionOpen && e.text == "A";
                                 })->connection);
        const auto& dbA = shot.model().lanes()[laneA].track(Track::LockDb);
        // A's SHARED -> RESERVED while it inserts, B's failed attempt, and the start of A's commit.
        const std::int64_t from = dbA.front().startNs, to = busy->timeNs + (busy->timeNs - from);
        shot.setVisibleTime(from - (to - from) / 20, to);
        shot.replot(QCustomPlot::rpImmediateRefresh);
        QVERIFY(shot.grab().save(outputPath("timeline_sqlite.png")));
        const QImage image = plotArea(shot);
        const auto& c = shot.colors();
        QVERIFY(countColour(image, c.of(MarkerKind::Busy)) > 10);
        QVERIFY(countColour(image, c.of(SpanState::LockReserved)) > 100);
        QVERIFY(countColour(image, c.of(SpanState::TxActive)) +
                    countColour(image, c.of(SpanState::TxCommitted)) >
                100);
        QVERIFY(countColour(image, c.of(SpanState::StmtError)) > 0);
    }

    void denseMarkersDoNotHideTheSpans()
    {
        // 3000 committed transactions, each with a BUSY on the way: at full view a glyph per
        // BUSY would paint over the lane; ticks leave the transactions visible.
        testing::EventBuilder ev;
        for (int i = 0; i < 3000; ++i) {
            ev.add(EventKind::TxBegin, 1, i * 100, i + 1);
            ev.add(EventKind::Busy, 1, i * 100 + 50, i + 1, 5, 0, "database is locked");
            ev.add(EventKind::TxCommit, 1, i * 100 + 90, i + 1);
        }
        TimelineWidget dense;
        dense.resize(900, 300);
        dense.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dense));
        dense.appendEvents(ev.list);
        dense.replot(QCustomPlot::rpImmediateRefresh);
        const QRect plot = dense.axisRect()->rect();
        const Band row = *dense.laneGeometry().band(0, Track::Transaction);
        const int top = static_cast<int>(dense.yAxis->coordToPixel(row.top)) + 1;
        const int bottom = static_cast<int>(dense.yAxis->coordToPixel(row.bottom)) - 1;
        const QRgb busy = dense.colors().of(MarkerKind::Busy).rgb() & 0xffffff;
        // The tallest run of BUSY-coloured pixels in any column of the transaction row.
        const auto tallestBusy = [&](const QImage& image, int fromX, int toX) {
            int tallest = 0;
            for (int x = fromX; x < toX; ++x) {
                int run = 0;
                for (int y = top; y < bottom; ++y) {
                    run = (image.pixel(x, y) & 0xffffff) == busy ? run + 1 : 0;
                    tallest = std::max(tallest, run);
                }
            }
            return tallest;
        };
        const QImage image = grabLogical(dense);
        const QImage txRow = image.copy(QRect(plot.left(), top, plot.width(), bottom - top));
        const int committed = countColour(txRow, dense.colors().of(SpanState::TxCommitted));
        QVERIFY2(committed > txRow.width() * txRow.height() * 3 / 4, qPrintable(QString::number(committed)));
        const int strip = tallestBusy(image, plot.left(), plot.right());
        QVERIFY2(strip > 0 && strip <= 5, qPrintable(QString::number(strip))); // still there, as a thin strip
        // Zoomed to a few transactions, each BUSY is a glyph again: a diamond taller than the strip.
        dense.setVisibleTime(100'000, 600'000);
        dense.replot(QCustomPlot::rpImmediateRefresh);
        const QImage zoomed = grabLogical(dense);
        const int x = static_cast<int>(dense.centreOf(*dense.model().findEvent(ev.list[3 * 2 + 1].seq)).x());
        const int glyph = tallestBusy(zoomed, x - 1, x + 2);
        QVERIFY2(glyph >= 8, qPrintable(QString::number(glyph)));
    }

    void exportsPngAndPdf()
    {
        const QString png = outputPath("timeline_export.png"), pdf = outputPath("timeline_export.pdf");
        QFile::remove(png);
        QFile::remove(pdf);
        QVERIFY(w->exportTo(png, 800, 300));
        QVERIFY(w->exportTo(pdf, 800, 300));
        const QImage image = QImage(png).convertToFormat(QImage::Format_RGB32);
        QCOMPARE(image.size(), QSize(800, 300));
        QVERIFY(countColour(image.copy(w->axisRect()->rect()), w->colors().of(SpanState::TxCommitted)) > 20);
        QFile file(pdf);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.read(5) == "%PDF-");
        // SVG: a vector drawing of the same size, with its title.
        const QString svg = outputPath("timeline_export.svg");
        QFile::remove(svg);
        QVERIFY(w->exportTo(svg, 800, 300, "lost update"));
        QFile svgFile(svg);
        QVERIFY(svgFile.open(QIODevice::ReadOnly));
        const QByteArray drawing = svgFile.readAll();
        QVERIFY(drawing.contains("<svg"));
        QVERIFY(drawing.contains("viewBox=\"0 0 800 300\""));
        QVERIFY(drawing.contains("<title>lost update</title>"));
        QVERIFY(drawing.count("<path") + drawing.count("<rect") + drawing.count("<polyline") > 20);
        // High-DPI export: twice the pixels, same picture.
        QVERIFY(w->savePng(png, 800, 300, 2.0));
        QCOMPARE(QImage(png).size(), QSize(1600, 600));
    }

    // An exported timeline is read later, away from the live cursor: neither the cursor nor its
    // label ("now", or the instant) is drawn into the file, wherever the cursor is; the title is
    // drawn, on top. On screen the cursor is drawn (the check that it would show if exported).
    void exportLeavesOutTheCursorAndDrawsTheTitle()
    {
        auto exported = [&](const char* name, const QString& title) {
            const QString path = outputPath(name);
            QFile::remove(path);
            return w->exportTo(path, 800, 300, title) ? QImage(path).convertToFormat(QImage::Format_RGB32)
                                                      : QImage();
        };
        w->setCursorTime(4'000'000); // mid-run: the instant's label
        w->replot(QCustomPlot::rpImmediateRefresh);
        const QImage liveMid = w->grab().toImage();
        const QImage atMid = exported("timeline_export_cursor_mid.png", {});
        w->setCursorTime(10'000'000); // the run's end, the view following: "now"
        QVERIFY(w->followLive());
        w->replot(QCustomPlot::rpImmediateRefresh);
        const QImage liveNow = w->grab().toImage();
        const QImage atNow = exported("timeline_export_cursor_now.png", {});
        QVERIFY2(liveMid != liveNow, "on screen the cursor moved: the comparison below can see it");
        QVERIFY(!atMid.isNull());
        QCOMPARE(atMid.size(), QSize(800, 300));
        QVERIFY2(atMid == atNow, "the cursor or its label is drawn into the exported file");

        // The title: two titles give two pictures that differ only in a band at the top (the
        // plot below is the same), and that band holds the text's colour.
        const QImage first = exported("timeline_export_title.png", "lost update");
        const QImage second = exported("timeline_export_title2.png", "write skew on wal, 16 writers");
        QCOMPARE(first.size(), QSize(800, 300));
        int lowest = -1;
        for (int y = 0; y < first.height(); ++y)
            if (std::memcmp(first.constScanLine(y), second.constScanLine(y), first.bytesPerLine()) != 0)
                lowest = y;
        QVERIFY2(lowest >= 0, "the title is not drawn");
        QVERIFY2(lowest < first.height() / 5, qPrintable(QString("they differ down to y %1").arg(lowest)));
        QVERIFY(countColour(first.copy(0, 0, first.width(), lowest + 1), w->colors().text) > 10);
        // Untitled, the plot starts higher: the title takes room of its own, not the plot's.
        QVERIFY(first != atNow);

        // SVG: the title drawn as text, besides the drawing's <title>.
        const QString svg = outputPath("timeline_export_title.svg");
        QFile::remove(svg);
        QVERIFY(w->exportTo(svg, 800, 300, "lost update"));
        QFile svgFile(svg);
        QVERIFY(svgFile.open(QIODevice::ReadOnly));
        const QByteArray drawing = svgFile.readAll();
        QVERIFY2(drawing.count("lost update") >= 2, drawing.left(2000).constData());
    }
};

QTEST_MAIN(TestTimelineWidget)
#include "tst_timeline_widget.moc"
