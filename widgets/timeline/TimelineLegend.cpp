#include "widgets/timeline/TimelineLegend.h"

#include "widgets/timeline/LegendFlow.h"
#include "widgets/timeline/MarkerGlyphs.h"
#include "widgets/timeline/TimelineText.h"

namespace txs::timeline {

namespace {

constexpr int kSwatch = 12, kPadding = 4;

// Between items of a group, and before a group that follows another on its row: tighter when
// compact, where every pixel of the row counts.
int itemGap(bool compact)
{
    return compact ? 5 : 10;
}
int swatchGap(bool compact)
{
    return compact ? 3 : 4;
}
int groupGap(bool compact)
{
    return compact ? 12 : 22;
}

} // namespace

TimelineLegend::TimelineLegend(QCustomPlot* plot, const TimelineColors& colors)
    : QCPLayoutElement(plot), colors_(colors)
{
    using K = Item::Kind;
    const auto span = [](SpanState s) {
        return Item{K::Span, static_cast<int>(s), QString::fromUtf8(stateName(s)), {}, false};
    };
    const auto marker = [](MarkerKind m) {
        return Item{K::Marker, static_cast<int>(m), QString::fromUtf8(markerName(m)), {}, false};
    };
    const auto with = [](Item item, const char* shortLabel) {
        item.shortLabel = QString::fromUtf8(shortLabel);
        return item;
    };
    groups_ = {
        {QStringLiteral("Transactions"),
         QStringLiteral("Tx"),
         {with(span(SpanState::TxCommitted), "commit"), span(SpanState::TxActive),
          with(span(SpanState::TxRolledBack), "rollback"),
          with(span(SpanState::TxDoomed), "doomed")}},
        {QStringLiteral("Statements"),
         QStringLiteral("Stmt"),
         {Item{K::Span, static_cast<int>(SpanState::StmtOk), QStringLiteral("ok"), {}, false},
          Item{K::Span, static_cast<int>(SpanState::StmtError), QStringLiteral("error"), {}, false},
          Item{K::Span, static_cast<int>(SpanState::Waiting), QStringLiteral("waiting for a lock"),
               QStringLiteral("waiting"), false}}},
        {QStringLiteral("Locks"),
         QString(), // SHARED … EXCLUSIVE name themselves
         {span(SpanState::LockShared), span(SpanState::LockReserved), span(SpanState::LockPending),
          span(SpanState::LockExclusive)}},
        {QStringLiteral("Markers"),
         QString(), // the glyphs and their words say it
         {marker(MarkerKind::Busy), marker(MarkerKind::Conflict), with(marker(MarkerKind::BusyHandler), "handler"),
          with(marker(MarkerKind::LockWait), "wait"), marker(MarkerKind::Retry),
          // Compact legends leave it out (the tooltip keeps it): the retry marker says most of it.
          Item{K::Link, 0, QStringLiteral("aborted → retry"), {}, true}}},
    };
}

QFont TimelineLegend::font(const Style& style, bool bold) const
{
    QFont f = mParentPlot->font();
    if (style.scale != 1.0) {
        if (f.pixelSize() > 0)
            f.setPixelSize(std::max(1, int(f.pixelSize() * style.scale + 0.5)));
        else
            f.setPointSizeF(f.pointSizeF() * style.scale);
    }
    f.setBold(bold);
    return f;
}

int TimelineLegend::rowHeight(const QFontMetrics& fm) const
{
    return std::max(fm.height(), kSwatch) + 4;
}

int TimelineLegend::titleWidth(const Group& g, const Style& style) const
{
    const QString title = style.compact ? g.shortTitle : g.title;
    if (title.isEmpty()) return 0;
    return QFontMetrics(font(style, true)).horizontalAdvance(title + QStringLiteral(":"));
}

int TimelineLegend::itemWidth(const Item& item, const Style& style) const
{
    const int swatch = item.kind == Item::Kind::Link ? 2 * kSwatch : kSwatch;
    return itemGap(style.compact) + swatch + swatchGap(style.compact) + QFontMetrics(font(style)).horizontalAdvance(item.text(style.compact));
}

std::size_t TimelineLegend::shownItems(const Group& g, const Style& style) const
{
    std::size_t n = g.items.size();
    while (style.compact && n > 0 && g.items[n - 1].fullOnly)
        --n;
    return n;
}

int TimelineLegend::groupWidth(const Group& g, const Style& style) const
{
    int w = titleWidth(g, style);
    for (std::size_t i = 0; i < shownItems(g, style); ++i)
        w += itemWidth(g.items[i], style);
    return w;
}

std::vector<TimelineLegend::Piece> TimelineLegend::pieces(const Style& style, int available) const
{
    std::vector<Piece> out;
    for (std::size_t gi = 0; gi < groups_.size(); ++gi) {
        const Group& g = groups_[gi];
        const int whole = groupWidth(g, style);
        // Compact: a group may break between its swatches anywhere, so both rows fill up.
        const std::size_t shown = shownItems(g, style);
        if ((whole <= available && !style.compact) || shown < 2) {
            out.push_back({gi, 0, shown, true, whole, groupGap(style.compact)});
            continue;
        }
        out.push_back({gi, 0, 1, true, titleWidth(g, style) + itemWidth(g.items[0], style),
                       groupGap(style.compact)});
        for (std::size_t i = 1; i < shown; ++i)
            out.push_back({gi, i, i + 1, false, itemWidth(g.items[i], style), 0}); // its own kItemGap
    }
    return out;
}

int TimelineLegend::rows(const Style& style, int available) const
{
    std::vector<int> widths, gaps;
    for (const Piece& p : pieces(style, available)) {
        widths.push_back(p.width);
        gaps.push_back(p.gap);
    }
    return flowLayout(widths, available, gaps).rows;
}

// The first style, from the full legend down to the smallest compact one, that fits on
// kMaxRows rows; the smallest when none does.
TimelineLegend::Style TimelineLegend::styleFor(int width) const
{
    const int available = std::max(1, width - 2 * kPadding);
    const Style styles[] = {{false, 1.0}, {true, 1.0}, {true, 0.85}, {true, kSmallestScale}};
    for (const Style& s : styles)
        if (rows(s, available) <= kMaxRows) return s;
    return styles[std::size(styles) - 1];
}

int TimelineLegend::rowsFor(int width) const
{
    return rows(styleFor(width), std::max(1, width - 2 * kPadding));
}

QString TimelineLegend::fullText() const
{
    QStringList lines;
    for (const Group& g : groups_) {
        QStringList labels;
        for (const Item& item : g.items)
            labels << item.label;
        lines << g.title + ": " + labels.join(", ");
    }
    return lines.join('\n');
}

int TimelineLegend::availableWidth() const
{
    const int w = mOuterRect.width() > 0 ? mOuterRect.width() : mParentPlot->viewport().width();
    return std::max(1, w - 2 * kPadding - mMargins.left() - mMargins.right());
}

int TimelineLegend::heightFor(int width) const
{
    const Style style = styleFor(width);
    const QFontMetrics fm(font(style));
    return rows(style, std::max(1, width - 2 * kPadding)) * rowHeight(fm) + 2 * kPadding;
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
    const Style style = styleFor(availableWidth() + 2 * kPadding);
    const QFont font = this->font(style), bold = this->font(style, true);
    const QFontMetrics fm(font), fmBold(bold);
    const std::vector<Piece> placed = pieces(style, availableWidth());
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
        const QString groupTitle = style.compact ? g.shortTitle : g.title;
        if (piece.title && !groupTitle.isEmpty()) {
            painter->setFont(bold);
            painter->setPen(colors_.mutedText);
            const QString title = groupTitle + QStringLiteral(":");
            painter->drawText(x, baseline, title);
            x += fmBold.horizontalAdvance(title);
        }
        painter->setFont(font);
        for (std::size_t ii = piece.first; ii < piece.last; ++ii) {
            const Item& item = g.items[ii];
            x += itemGap(style.compact);
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
            x += kSwatch + swatchGap(style.compact);
            painter->setPen(colors_.text);
            painter->drawText(x, baseline, item.text(style.compact));
            x += fm.horizontalAdvance(item.text(style.compact));
        }
    }
}

} // namespace txs::timeline
