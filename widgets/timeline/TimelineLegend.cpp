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

int TimelineLegend::titleWidth(const Group& g) const
{
    QFont bold = mParentPlot->font();
    bold.setBold(true);
    return QFontMetrics(bold).horizontalAdvance(g.title + QStringLiteral(":"));
}

int TimelineLegend::itemWidth(const Item& item, const QFontMetrics& fm) const
{
    const int swatch = item.kind == Item::Kind::Link ? 2 * kSwatch : kSwatch;
    return kItemGap + swatch + kSwatchGap + fm.horizontalAdvance(item.label);
}

int TimelineLegend::groupWidth(const Group& g, const QFontMetrics& fm) const
{
    int w = titleWidth(g);
    for (const auto& item : g.items)
        w += itemWidth(item, fm);
    return w;
}

std::vector<TimelineLegend::Piece> TimelineLegend::pieces(const QFontMetrics& fm, int available) const
{
    std::vector<Piece> out;
    for (std::size_t gi = 0; gi < groups_.size(); ++gi) {
        const Group& g = groups_[gi];
        const int whole = groupWidth(g, fm);
        if (whole <= available || g.items.size() < 2) {
            out.push_back({gi, 0, g.items.size(), true, whole, kGroupGap});
            continue;
        }
        out.push_back({gi, 0, 1, true, titleWidth(g) + itemWidth(g.items[0], fm), kGroupGap});
        for (std::size_t i = 1; i < g.items.size(); ++i)
            out.push_back({gi, i, i + 1, false, itemWidth(g.items[i], fm), 0}); // its own kItemGap
    }
    return out;
}

int TimelineLegend::availableWidth() const
{
    const int w = mOuterRect.width() > 0 ? mOuterRect.width() : mParentPlot->viewport().width();
    return std::max(1, w - 2 * kPadding - mMargins.left() - mMargins.right());
}

int TimelineLegend::heightFor(int width) const
{
    const QFontMetrics fm(mParentPlot->font());
    const int available = std::max(1, width - 2 * kPadding);
    std::vector<int> widths, gaps;
    for (const Piece& p : pieces(fm, available)) {
        widths.push_back(p.width);
        gaps.push_back(p.gap);
    }
    const Flow flow = flowLayout(widths, available, gaps);
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
    const std::vector<Piece> placed = pieces(fm, availableWidth());
    std::vector<int> widths, gaps;
    for (const Piece& p : placed) {
        widths.push_back(p.width);
        gaps.push_back(p.gap);
    }
    const Flow flow = flowLayout(widths, availableWidth(), gaps);
    const int rh = rowHeight(fm);
    painter->setAntialiasing(true);
    for (std::size_t pi = 0; pi < placed.size(); ++pi) {
        const Piece& piece = placed[pi];
        const Group& g = groups_[piece.group];
        int x = mRect.left() + kPadding + flow.placements[pi].x;
        const int top = mRect.top() + kPadding + flow.placements[pi].row * rh;
        const double mid = top + rh / 2.0;
        const int baseline = static_cast<int>(mid + fm.ascent() / 2.0 - 1);
        if (piece.title) {
            painter->setFont(bold);
            painter->setPen(colors_.mutedText);
            const QString title = g.title + QStringLiteral(":");
            painter->drawText(x, baseline, title);
            x += fmBold.horizontalAdvance(title);
        }
        painter->setFont(font);
        for (std::size_t ii = piece.first; ii < piece.last; ++ii) {
            const Item& item = g.items[ii];
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
