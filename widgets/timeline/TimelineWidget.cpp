#include "widgets/timeline/TimelineWidget.h"

#include "widgets/timeline/HitTest.h"
#include "widgets/timeline/MarkerPlottable.h"
#include "widgets/timeline/PlotViewport.h"
#include "widgets/timeline/RowLabels.h"
#include "widgets/timeline/SpanPlottable.h"
#include "widgets/timeline/TimeWarp.h"
#include "widgets/timeline/TimelineLegend.h"
#include "widgets/timeline/TimelineOverlay.h"
#include "widgets/timeline/TimelineText.h"

#include <QSvgGenerator>
#include <QToolTip>
#include <algorithm>
#include <cmath>

namespace txs {

using namespace timeline;

namespace {

constexpr double kClickSlop = 4;         // pixels a click may wander and still be a click
constexpr double kCursorGrab = 5;        // pixels either side of the cursor line that grab it
constexpr double kMinPixelsPerUnit = 18; // smallest lane unit before lanes scroll instead of shrink
// Few lanes do not become giant slabs: a lane unit is at most 40 px, or a twelfth of the plot's
// height where that is more (a tall plot, 3840 x 2160 at scale 1, left four fifths of it empty
// under a short story's lanes).
constexpr double kMaxPixelsPerUnit = 40;
constexpr double kMaxPlotShare = 1.0 / 12;
constexpr double kMinVisibleMs = 1e-3;   // zoom stops at 1 µs across the view
constexpr double kMargin = 0.02;         // room left and right of the run when showing all of it

QString toHtml(const QString& plain)
{
    // First line bold, the rest as written; long explanations wrap instead of running off-screen.
    const QStringList lines = plain.toHtmlEscaped().split('\n');
    QString html =
        QStringLiteral("<p style='white-space:pre-wrap'><b>") + lines.value(0) + QStringLiteral("</b>");
    for (int i = 1; i < lines.size(); ++i)
        html += QStringLiteral("<br>") + lines[i];
    return html + QStringLiteral("</p>");
}

} // namespace

TimelineWidget::TimelineWidget(QWidget* parent) : QCustomPlot(parent)
{
    setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    setNoAntialiasingOnDrag(true);
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    axisRect()->setRangeDrag(Qt::Horizontal | Qt::Vertical);
    axisRect()->setRangeZoom(Qt::Horizontal);
    axisRect()->setRangeZoomFactor(0.8);

    xAxis->setLabel(tr("time since the run started (ms)"));
    xAxis->grid()->setSubGridVisible(false);
    yAxis->setRangeReversed(true); // lane 0 on top
    laneTicker_.reset(new QCPAxisTickerText);
    yAxis->setTicker(laneTicker_);
    yAxis->setTickLength(0, 0);
    yAxis->setSubTicks(false);
    yAxis->grid()->setVisible(false);
    QFont laneFont = font();
    laneFont.setBold(true);
    yAxis->setTickLabelFont(laneFont);

    // Spans on "main"; markers above them; the cursor and selection alone on a buffered layer
    // so moving them repaints one cheap layer, not the spans.
    addLayer(QStringLiteral("markers"), layer(QStringLiteral("main")), limAbove);
    addLayer(QStringLiteral("cursor"), layer(QStringLiteral("markers")), limAbove);
    cursorLayer_ = layer(QStringLiteral("cursor"));
    cursorLayer_->setMode(QCPLayer::lmBuffered);

    spans_ = new SpanPlottable(xAxis, yAxis, scene_);
    markers_ = new MarkerPlottable(xAxis, yAxis, scene_);
    markers_->setLayer(QStringLiteral("markers"));
    overlay_ = new TimelineOverlay(axisRect(), scene_, QStringLiteral("cursor"));
    rowLabels_ = new RowLabels(axisRect(), scene_, QStringLiteral("axes"));
    legend_ = new TimelineLegend(this, scene_.colors);
    plotLayout()->addElement(1, 0, legend_);
    plotLayout()->setRowStretchFactor(1, 0.001);
    plotLayout()->setRowSpacing(0);
    axisRect()->setMinimumMargins(QMargins(rowLabels_->maximumWidth() + 14, 6, 12, 6));

    xAxis->setRange(0, 1);
    yAxis->setRange(0, 1);
    connect(xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, &TimelineWidget::clampTimeRange);
    connect(yAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, &TimelineWidget::clampLaneRange);
    // The lane range depends on the axis rect's height, known once the layout is done.
    connect(this, &QCustomPlot::afterLayout, this, &TimelineWidget::fitLaneRange);
    // Pacing the live replots (appendEvents): every replot's cost sets when the next live one
    // may come.
    replotClock_.start();
    liveReplot_.setSingleShot(true);
    connect(&liveReplot_, &QTimer::timeout, this, [this] { replot(rpQueuedReplot); });
    connect(this, &QCustomPlot::beforeReplot, this, [this] { replotStartedMs_ = replotClock_.elapsed(); });
    connect(this, &QCustomPlot::afterReplot, this, [this] {
        const qint64 took = replotClock_.elapsed() - replotStartedMs_;
        nextLiveReplotMs_ =
            replotStartedMs_ + std::clamp<qint64>(kLiveShareDivisor * took, kLiveFrameMs, kLiveMaxWaitMs);
        liveReplot_.stop(); // what it was waiting for is drawn
    });
    applyPalette();
}

void TimelineWidget::requestLiveReplot()
{
    const qint64 wait = nextLiveReplotMs_ - replotClock_.elapsed();
    if (wait <= 0) {
        replot(rpQueuedReplot);
        return;
    }
    if (!liveReplot_.isActive()) liveReplot_.start(static_cast<int>(wait));
}

TimelineWidget::~TimelineWidget() = default;

// ---- data -----------------------------------------------------------------------------------

void TimelineWidget::appendEvents(std::span<const Event> events)
{
    if (events.empty()) return;
    const bool wasEmpty = scene_.model.empty();
    scene_.model.append(events);
    const bool renamed = std::any_of(events.begin(), events.end(),
                                     [](const Event& e) { return e.kind == EventKind::ConnectionOpen; });
    if (renamed || scene_.model.lanes().size() != laneCount_ || scene_.model.lockTracksUsed() != lockRows_) {
        laneCount_ = scene_.model.lanes().size();
        lockRows_ = scene_.model.lockTracksUsed();
        scene_.updateGeometry();
        rebuildLaneLabels();
    }
    if (followLive_)
        followLatest();
    else if (wasEmpty)
        zoomToFit();
    requestLiveReplot();
}

void TimelineWidget::clear()
{
    scene_.model.clear();
    scene_.updateGeometry();
    scene_.selection.reset();
    scene_.cursorNs = 0;
    scene_.cursorFollowsNow = true; // a new run: the cursor starts at "now"
    laneCount_ = 0;
    lockRows_ = 0;
    liveShowsAll_ = true;
    rebuildLaneLabels();
    xAxis->setRange(0, 1);
    replot(rpQueuedReplot);
}

void TimelineWidget::setAxisTicks(int steps, const QString& label)
{
    xAxis->setLabel(label);
    if (steps <= 0) {
        if (qSharedPointerDynamicCast<QCPAxisTickerText>(xAxis->ticker()))
            xAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
        replot(rpQueuedReplot);
        return;
    }
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    const double width = static_cast<double>(timeline::TimeWarp::kStepWidthNs) / kNsPerMs;
    for (int i = 0; i < steps; ++i)
        ticker->addTick((i + (1 + timeline::TimeWarp::kGapShare) / 2) * width, QString::number(i + 1));
    xAxis->setTicker(ticker);
    replot(rpQueuedReplot);
}

void TimelineWidget::rebuildLaneLabels()
{
    // The axis' left margin grows to its widest label, so one long lane name (a recorded process:
    // "pid 8207 (python3 webapp.py app.db) connection 1") took half the plot. Names longer than
    // kMaxLaneLabelChars average characters are elided in the middle, keeping both the pid and the
    // connection; the tooltip and the other panels keep the whole name.
    constexpr int kMaxLaneLabelChars = 32;
    const QFontMetrics metrics(yAxis->tickLabelFont());
    const int maxWidth = metrics.averageCharWidth() * kMaxLaneLabelChars;
    QMap<double, QString> ticks;
    for (std::size_t lane = 0; lane < scene_.model.lanes().size(); ++lane)
        ticks.insert(scene_.geometry.band(lane, Track::Transaction)->centre(),
                     metrics.elidedText(QString::fromStdString(scene_.model.lanes()[lane].name),
                                        Qt::ElideMiddle, maxWidth));
    laneTicker_->setTicks(ticks);
    fitLaneRange();
}

// ---- ranges ---------------------------------------------------------------------------------

double TimelineWidget::lanePixelsPerUnit() const
{
    const double height = std::max(1, axisRect()->height());
    const double total = std::max(scene_.geometry.totalHeight(), 1e-9);
    return std::clamp(height / total, kMinPixelsPerUnit, std::max(kMaxPixelsPerUnit, height * kMaxPlotShare));
}

void TimelineWidget::fitLaneRange()
{
    const double size = std::max(1, axisRect()->height()) / lanePixelsPerUnit();
    const QCPRange current = yAxis->range();
    if (std::abs(current.size() - size) > 1e-9) {
        yAxis->setRange(current.lower, current.lower + size); // clampLaneRange keeps it in bounds
        axisRect()->update(QCPLayoutElement::upPreparation);  // ticks for the range just set
    }
}

void TimelineWidget::clampLaneRange(const QCPRange& range)
{
    if (clampingLanes_) return;
    const double size = std::max(1, axisRect()->height()) / lanePixelsPerUnit();
    const double maxLower = std::max(0.0, scene_.geometry.totalHeight() - size);
    const double lower = std::clamp(range.lower, 0.0, maxLower);
    if (std::abs(lower - range.lower) < 1e-12 && std::abs(range.size() - size) < 1e-12) return;
    clampingLanes_ = true;
    yAxis->setRange(lower, lower + size);
    clampingLanes_ = false;
}

void TimelineWidget::clampTimeRange(const QCPRange& range)
{
    if (clampingTime_) return;
    const double dataLo = static_cast<double>(scene_.model.startNs()) / kNsPerMs;
    const double dataHi = static_cast<double>(scene_.model.endNs()) / kNsPerMs;
    const double dataSize = std::max(dataHi - dataLo, kMinVisibleMs);
    const double size = std::clamp(range.size(), kMinVisibleMs, dataSize * (1 + 4 * kMargin) + 1.0);
    double lower = range.center() - size / 2;
    // Keep some of the run in view: never pan off into empty time.
    lower = std::clamp(lower, dataLo - size * 0.9, std::max(dataLo - size * 0.9, dataHi - size * 0.1));
    if (std::abs(lower - range.lower) < 1e-12 && std::abs(size - range.size()) < 1e-12) return;
    clampingTime_ = true;
    xAxis->setRange(lower, lower + size);
    clampingTime_ = false;
}

void TimelineWidget::zoomToFit()
{
    fitWholeRun();
    replot(rpQueuedReplot);
}

void TimelineWidget::fitWholeRun()
{
    liveShowsAll_ = true;
    const double lo = static_cast<double>(scene_.model.startNs()) / kNsPerMs;
    const double hi = static_cast<double>(scene_.model.endNs()) / kNsPerMs;
    const double size = std::max(hi - lo, kMinVisibleMs);
    xAxis->setRange(lo - size * kMargin, hi + size * kMargin);
}

// The range only: the caller replots (appendEvents, paced).
void TimelineWidget::followLatest()
{
    if (liveShowsAll_) {
        fitWholeRun();
        return;
    }
    const double size = xAxis->range().size();
    const double hi = static_cast<double>(scene_.model.endNs()) / kNsPerMs + size * kMargin;
    xAxis->setRange(hi - size, hi);
}

void TimelineWidget::setVisibleTime(qint64 fromNs, qint64 toNs)
{
    xAxis->setRange(static_cast<double>(fromNs) / kNsPerMs, static_cast<double>(toNs) / kNsPerMs);
    liveShowsAll_ = false;
    replot(rpQueuedReplot);
}

std::pair<qint64, qint64> TimelineWidget::visibleTime() const
{
    const QCPRange r = xAxis->range();
    return {std::llround(r.lower * kNsPerMs), std::llround(r.upper * kNsPerMs)};
}

// ---- live, cursor, selection ------------------------------------------------------------------

void TimelineWidget::setFollowLive(bool follow)
{
    if (follow == followLive_) return;
    followLive_ = follow;
    scene_.viewFollowsNow = follow;
    if (!follow && scene_.cursorFollowsNow) scene_.cursorNs = scene_.nowNs(); // stays where "now" was
    scene_.cursorFollowsNow = follow;
    if (follow) {
        followLatest();
        replot(rpQueuedReplot);
    } else {
        repaintOverlay();
    }
    emit followLiveChanged(follow);
}

void TimelineWidget::setCursorTime(qint64 timeNs)
{
    // Only the cursor moves: a live session sets the instant on every tick, and that must not
    // stop the view from following the run.
    if (!scene_.cursorFollowsNow && scene_.cursorNs == timeNs) return;
    scene_.cursorFollowsNow = false;
    scene_.cursorNs = timeNs;
    repaintOverlay();
}

void TimelineWidget::moveCursorToPixel(double x)
{
    if (scene_.model.empty()) return;
    const double ns = std::round(xAxis->pixelToCoord(x) * kNsPerMs);
    const auto t = std::clamp(static_cast<std::int64_t>(std::clamp(ns, -9e18, 9e18)), scene_.model.startNs(),
                              scene_.model.endNs());
    const bool changed = scene_.cursorFollowsNow || t != scene_.cursorNs;
    setFollowLive(false);
    scene_.cursorNs = t;
    repaintOverlay();
    if (changed) emit cursorMoved(t);
}

bool TimelineWidget::nearCursor(QPointF pos) const
{
    if (scene_.model.empty() || !axisRect()->rect().adjusted(0, -2, 0, 2).contains(pos.toPoint()))
        return false;
    return std::abs(pos.x() - overlay_->cursorX()) <= kCursorGrab;
}

void TimelineWidget::repaintOverlay()
{
    cursorLayer_->replot(); // only this layer: the spans stay in their buffer
}

void TimelineWidget::select(const ItemRef& ref)
{
    scene_.selection = ref;
    repaintOverlay();
}

void TimelineWidget::clearSelection()
{
    if (!scene_.selection) return;
    scene_.selection.reset();
    repaintOverlay();
}

bool TimelineWidget::selectEvent(quint64 seq)
{
    const auto ref = scene_.model.findEvent(seq);
    if (!ref) return false;
    scrollTo(*ref);
    select(*ref);
    return true;
}

bool TimelineWidget::selectTransaction(quint64 txId)
{
    const auto ref = scene_.model.findTransaction(txId);
    if (!ref) return false;
    scrollTo(*ref);
    select(*ref);
    return true;
}

void TimelineWidget::scrollTo(const ItemRef& ref)
{
    std::int64_t t0 = scene_.model.timeOf(ref), t1 = t0;
    if (ref.kind == ItemRef::Kind::Span) t1 = scene_.model.span(ref).endOr(scene_.nowNs());
    const QCPRange view = xAxis->range();
    const double a = static_cast<double>(t0) / kNsPerMs, b = static_cast<double>(t1) / kNsPerMs;
    bool moved = false;
    if (a < view.lower || b > view.upper) {
        setFollowLive(false);
        liveShowsAll_ = false;
        const double size = view.size();
        const double lower = b - a < size * 0.8 ? (a + b) / 2 - size / 2 : a - size * 0.1;
        xAxis->setRange(lower, lower + size);
        moved = true;
    }
    const Band lane = scene_.geometry.lane(ref.lane);
    const QCPRange lanes = yAxis->range();
    if (lane.top < lanes.lower || lane.bottom > lanes.upper) {
        yAxis->setRange(lane.top, lane.top + lanes.size()); // clamped to the lanes there are
        moved = true;
    }
    if (moved) replot(rpQueuedReplot);
}

std::optional<ItemRef> TimelineWidget::itemAt(QPointF pos) const
{
    if (!axisRect()->rect().contains(pos.toPoint())) return std::nullopt;
    return hitTest(scene_.model, scene_.geometry, viewportOf(xAxis, yAxis, scene_.nowNs()), pos.x(), pos.y());
}

QString TimelineWidget::toolTipAt(QPointF pos) const
{
    const auto ref = itemAt(pos);
    if (!ref) return {};
    return QString::fromStdString(describe(scene_.model, *ref, scene_.nowNs()));
}

QPointF TimelineWidget::pixelOf(qint64 timeNs, std::size_t lane, Track row) const
{
    const auto band = scene_.geometry.band(lane, row);
    return {xAxis->coordToPixel(static_cast<double>(timeNs) / kNsPerMs),
            band ? yAxis->coordToPixel(band->centre()) : 0.0};
}

QPointF TimelineWidget::centreOf(const ItemRef& ref) const
{
    if (ref.kind == ItemRef::Kind::Marker) {
        const Marker& m = scene_.model.marker(ref);
        return {xAxis->coordToPixel(static_cast<double>(m.timeNs) / kNsPerMs),
                yAxis->coordToPixel(markerCentre(scene_.geometry, ref.lane, m.kind))};
    }
    const Span& s = scene_.model.span(ref);
    return pixelOf((s.startNs + s.endOr(scene_.nowNs())) / 2, ref.lane, ref.track);
}

void TimelineWidget::clickAt(QPointF pos)
{
    if (!axisRect()->rect().contains(pos.toPoint())) return;
    const auto ref = itemAt(pos);
    if (!ref) {
        moveCursorToPixel(pos.x());
        return;
    }
    select(*ref);
    if (ref->kind == ItemRef::Kind::Marker) {
        emit eventSelected(scene_.model.marker(*ref).seq);
        return;
    }
    const Span& s = scene_.model.span(*ref);
    if (ref->track == Track::Transaction || (ref->track == Track::Statement && s.txId != 0))
        emit transactionSelected(s.txId);
    else
        emit eventSelected(s.beginSeq);
}

// Vector output for slides and papers: QCustomPlot draws through a QCPPainter onto the SVG
// generator exactly as it draws on screen.
bool TimelineWidget::saveSvg(const QString& fileName, int width, int height, const QString& title)
{
    QSvgGenerator svg;
    svg.setFileName(fileName);
    svg.setSize(QSize(width, height));
    svg.setViewBox(QRect(0, 0, width, height));
    svg.setTitle(title.isEmpty() ? QStringLiteral("TxScope timeline") : title);
    svg.setDescription(QStringLiteral("Made by TxScope"));
    QCPPainter painter;
    if (!painter.begin(&svg)) return false;
    toPainter(&painter, width, height);
    return painter.end();
}

bool TimelineWidget::exportTo(const QString& fileName, int width, int height, const QString& title)
{
    // A file is read later, without the live cursor: leave the cursor and its "now" out, and put
    // the title (what was run) on top. Both are undone before returning.
    scene_.exporting = true;
    QCPTextElement* heading = nullptr;
    if (!title.isEmpty()) {
        QFont f = font();
        f.setBold(true);
        f.setPointSizeF(f.pointSizeF() * 1.3);
        plotLayout()->insertRow(0);
        plotLayout()->setRowStretchFactor(0, 0.001); // as tall as its text, no more
        heading = new QCPTextElement(this, title, f);
        heading->setTextColor(scene_.colors.text);
        plotLayout()->addElement(0, 0, heading);
    }
    bool ok = false;
    if (fileName.endsWith(QStringLiteral(".pdf"), Qt::CaseInsensitive))
        ok = savePdf(fileName, width, height);
    else if (fileName.endsWith(QStringLiteral(".svg"), Qt::CaseInsensitive))
        ok =
            saveSvg(fileName, width > 0 ? width : this->width(), height > 0 ? height : this->height(), title);
    else
        ok = savePng(fileName, width, height);
    if (heading) {
        plotLayout()->remove(heading);
        plotLayout()->simplify();
    }
    scene_.exporting = false;
    replot(rpQueuedReplot);
    return ok;
}

// ---- events ---------------------------------------------------------------------------------

bool TimelineWidget::event(QEvent* e)
{
    if (e->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(e);
        // A compact legend (short words, maybe a smaller font) says it all in its tooltip.
        const bool overCompactLegend =
            legend_->outerRect().contains(help->pos()) && legend_->compactAt(legend_->outerRect().width());
        const QString text = overCompactLegend ? legend_->fullText() : toolTipAt(help->pos());
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), toHtml(text), this);
        return true;
    }
    return QCustomPlot::event(e);
}

void TimelineWidget::changeEvent(QEvent* e)
{
    QCustomPlot::changeEvent(e);
    if (e->type() == QEvent::PaletteChange || e->type() == QEvent::StyleChange) {
        applyPalette();
        replot(rpQueuedReplot);
    }
}

void TimelineWidget::paintEvent(QPaintEvent* e)
{
    // A window moved to a screen with another scale factor: re-render at its resolution.
    if (!qFuzzyCompare(bufferDevicePixelRatio(), devicePixelRatioF())) {
        setBufferDevicePixelRatio(devicePixelRatioF());
        replot(rpQueuedReplot);
    }
    QCustomPlot::paintEvent(e);
}

void TimelineWidget::applyPalette()
{
    scene_.colors = TimelineColors::fromPalette(palette());
    const TimelineColors& c = scene_.colors;
    setBackground(palette().color(QPalette::Window));
    axisRect()->setBackground(c.background);
    for (QCPAxis* axis : axisRect()->axes()) {
        axis->setBasePen(QPen(c.separator));
        axis->setTickPen(QPen(c.separator));
        axis->setSubTickPen(QPen(c.separator));
        axis->setTickLabelColor(c.text);
        axis->setLabelColor(c.mutedText);
        axis->grid()->setPen(QPen(c.grid, 0, Qt::SolidLine));
        axis->grid()->setZeroLinePen(Qt::NoPen);
    }
}

void TimelineWidget::mousePressEvent(QMouseEvent* e)
{
    pressPos_ = e->position();
    if (e->button() == Qt::LeftButton && nearCursor(e->position())) {
        draggingCursor_ = true;
        moveCursorToPixel(e->position().x());
        e->accept();
        return; // not a pan
    }
    QCustomPlot::mousePressEvent(e);
}

void TimelineWidget::mouseMoveEvent(QMouseEvent* e)
{
    if (draggingCursor_) {
        moveCursorToPixel(e->position().x());
        return;
    }
    if (e->buttons() & Qt::LeftButton) {
        if ((e->position() - pressPos_).manhattanLength() > kClickSlop) setFollowLive(false); // the user pans
    } else {
        const auto shape = nearCursor(e->position()) ? Qt::SplitHCursor : Qt::ArrowCursor;
        if (cursor().shape() != shape) setCursor(shape);
    }
    QCustomPlot::mouseMoveEvent(e);
}

void TimelineWidget::mouseReleaseEvent(QMouseEvent* e)
{
    if (draggingCursor_) {
        draggingCursor_ = false;
        moveCursorToPixel(e->position().x());
        return;
    }
    const bool click =
        e->button() == Qt::LeftButton && (e->position() - pressPos_).manhattanLength() <= kClickSlop;
    QCustomPlot::mouseReleaseEvent(e);
    if (click) clickAt(e->position());
}

void TimelineWidget::wheelEvent(QWheelEvent* e)
{
    if (e->modifiers() & Qt::ShiftModifier) {
        const double steps = e->angleDelta().y() / 120.0;
        yAxis->moveRange(-steps * scene_.geometry.laneHeight());
        replot(rpQueuedReplot);
        e->accept();
        return;
    }
    liveShowsAll_ = false; // the user chose a zoom: live mode keeps it and scrolls
    QCustomPlot::wheelEvent(e);
}

void TimelineWidget::keyPressEvent(QKeyEvent* e)
{
    const QCPRange r = xAxis->range();
    switch (e->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        liveShowsAll_ = false;
        xAxis->scaleRange(0.5, r.center());
        break;
    case Qt::Key_Minus:
        liveShowsAll_ = false;
        xAxis->scaleRange(2.0, r.center());
        break;
    case Qt::Key_Left:
    case Qt::Key_Right:
        setFollowLive(false);
        xAxis->moveRange((e->key() == Qt::Key_Left ? -0.2 : 0.2) * r.size());
        break;
    case Qt::Key_Up:
    case Qt::Key_Down:
        yAxis->moveRange((e->key() == Qt::Key_Up ? -1 : 1) * scene_.geometry.laneHeight());
        break;
    case Qt::Key_Home:
        setFollowLive(false);
        zoomToFit();
        break;
    case Qt::Key_End:
        liveShowsAll_ = true;
        setFollowLive(true);
        break;
    case Qt::Key_Escape:
        clearSelection();
        return;
    default:
        QCustomPlot::keyPressEvent(e);
        return;
    }
    replot(rpQueuedReplot);
}

} // namespace txs
