#include "widgets/timeline/TimelineLegend.h"

#include "widgets/timeline/LegendFlow.h"
#include "widgets/timeline/MarkerGlyphs.h"
#include "widgets/timeline/TimelineText.h"

namespace txs::timeline {

namespace {

constexpr int kSwatch = 12, kSwatchGap = 4, kItemGap = 10, kGroupGap = 22, kPadding = 4;

} // namespace

TimelineLegend::TimelineLegend(QCustomPlot* plot, const TimelineColors& colors)
    : QCPLayoutElement(plot), colors_(colors)
{
    using K = Item::Kind;
    const auto span = [](SpanState s) {
        return Item{K::Span, static_cast<int>(s), QString::fromUtf8(stateName(s))};
    };
    const auto marker = [](MarkerKind m) {
        return Item{K::Marker, static_cast<int>(m), QString::fromUtf8(markerName(m))};
    };
    groups_ = {
        {QStringLiteral("Transactions"),
         {span(SpanState::TxCommitted), span(SpanState::TxActive), span(SpanState::TxRolledBack),
          span(SpanState::TxDoomed)}},
        {QStringLiteral("Statements"),
         {Item{K::Span, static_cast<int>(SpanState::StmtOk), QStringLiteral("ok")},
          Item{K::Span, static_cast<int>(SpanState::StmtError), QStringLiteral("error")},
          Item{K::Span, static_cast<int>(SpanState::Waiting), QStringLiteral("waiting for a lock")}}},
        {QStringLiteral("Locks"),
         {span(SpanState::LockShared), span(SpanState::LockReserved), span(SpanState::LockPending),
          span(SpanState::LockExclusive)}},
        {QStringLiteral("Markers"),
         {marker(MarkerKind::Busy), marker(MarkerKind::Conflict), marker(MarkerKind::BusyHandler),
          marker(MarkerKind::LockWait), marker(MarkerKind::Retry),
          Item{K::Link, 0, QStringLiteral("aborted → retry")}}},
    };
}

int TimelineLegend::rowHeight(const QFontMetrics& fm) const
{
    return std::max(fm.height(), kSwatch) + 4;
}

int TimelineLegend::groupWidth(const Group& g, const QFontMetrics& fm) const
{
    QFont bold = mParentPlot->font();
    bold.setBold(true);
    int w = QFontMetrics(bold).horizontalAdvance(g.title + QStringLiteral(":"));
    for (const auto& item : g.items) {
        const int swatch = item.kind == Item::Kind::Link ? 2 * kSwatch : kSwatch;
        w += kItemGap + swatch + kSwatchGap + fm.horizontalAdvance(item.label);
    }
    return w;
}

int TimelineLegend::availableWidth() const
{
    const int w = mOuterRect.width() > 0 ? mOuterRect.width() : mParentPlot->viewport().width();
    return std::max(1, w - 2 * kPadding - mMargins.left() - mMargins.right());
}

int TimelineLegend::heightFor(int width) const
{
    const QFontMetrics fm(mParentPlot->font());
    std::vector<int> widths;
    for (const auto& g : groups_)
        widths.push_back(groupWidth(g, fm));
    const Flow flow = flowLayout(widths, std::max(1, width - 2 * kPadding), kGroupGap);
    return flow.rows * rowHeight(fm) + 2 * kPadding;
}

QSize TimelineLegend::minimumOuterSizeHint() const
{
    const int h = heightFor(mParentPlot->viewport().width() - mMargins.left() - mMargins.right());
    return {0, h + mMargins.top() + mMargins.bottom()};
}

QSize TimelineLegend::maximumOuterSizeHint() const
{
    return {QWIDGETSIZE_MAX, minimumOuterSizeHint().height()};
}

void TimelineLegend::draw(QCPPainter* painter)
{
    const QFont font = mParentPlot->font();
    QFont bold = font;
    bold.setBold(true);
    const QFontMetrics fm(font), fmBold(bold);
    std::vector<int> widths;
    for (const auto& g : groups_)
        widths.push_back(groupWidth(g, fm));
    const Flow flow = flowLayout(widths, availableWidth(), kGroupGap);
    const int rh = rowHeight(fm);
    painter->setAntialiasing(true);
    for (std::size_t gi = 0; gi < groups_.size(); ++gi) {
        const Group& g = groups_[gi];
        int x = mRect.left() + kPadding + flow.placements[gi].x;
        const int top = mRect.top() + kPadding + flow.placements[gi].row * rh;
        const double mid = top + rh / 2.0;
        const int baseline = static_cast<int>(mid + fm.ascent() / 2.0 - 1);
        painter->setFont(bold);
        painter->setPen(colors_.mutedText);
        const QString title = g.title + QStringLiteral(":");
        painter->drawText(x, baseline, title);
        x += fmBold.horizontalAdvance(title);
        painter->setFont(font);
        for (const auto& item : g.items) {
            x += kItemGap;
            const QRectF swatch(x, mid - kSwatch / 2.0, kSwatch, kSwatch);
            switch (item.kind) {
            case Item::Kind::Span:
                painter->setPen(Qt::NoPen);
                painter->fillRect(swatch.adjusted(0, 2, 0, -2),
                                  colors_.of(static_cast<SpanState>(item.code)));
                break;
            case Item::Kind::Marker:
                drawMarkerGlyph(painter, static_cast<MarkerKind>(item.code), swatch.center(), kSwatch,
                                colors_);
                break;
            case Item::Kind::Link:
                drawRetryLink(painter, {double(x), mid + 4}, {double(x + 2 * kSwatch), mid + 4}, 8, colors_);
                x += kSwatch;
                break;
            }
            x += kSwatch + kSwatchGap;
            painter->setPen(colors_.text);
            painter->drawText(x, baseline, item.label);
            x += fm.horizontalAdvance(item.label);
        }
    }
}

} // namespace txs::timeline
