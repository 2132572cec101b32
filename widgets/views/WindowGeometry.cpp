#include "widgets/views/WindowGeometry.h"

#include <algorithm>

namespace {

// The largest size not above `wanted` that fits `available` with the margin left around it.
QSize shrinkToFit(QSize wanted, const QRect& available)
{
    const int roomW = available.width() - static_cast<int>(available.width() * WindowGeometry::kMargin);
    const int roomH = available.height() - static_cast<int>(available.height() * WindowGeometry::kMargin);
    int w = std::min(wanted.width(), roomW);
    int h = std::min(wanted.height(), roomH);
    // Prefer the minimum usable size, but never more than the screen itself.
    w = std::min(std::max(w, WindowGeometry::kMinimum.width()), available.width());
    h = std::min(std::max(h, WindowGeometry::kMinimum.height()), available.height());
    return {std::max(w, 1), std::max(h, 1)};
}

} // namespace

QRect WindowGeometry::initial(const QRect& available, QSize preferred)
{
    if (!available.isValid()) return {QPoint(0, 0), preferred};
    const QSize size = shrinkToFit(preferred, available);
    QRect r(QPoint(0, 0), size);
    r.moveCenter(available.center());
    // moveCenter rounds towards the top-left; keep the rectangle inside on odd sizes too.
    r.moveLeft(std::clamp(r.left(), available.left(), available.right() - size.width() + 1));
    r.moveTop(std::clamp(r.top(), available.top(), available.bottom() - size.height() + 1));
    return r;
}

QRect WindowGeometry::fitted(const QRect& saved, const QRect& available)
{
    if (!available.isValid()) return saved;
    if (!saved.isValid()) return initial(available);
    if (available.contains(saved)) return saved;
    const QSize size = saved.size().boundedTo(available.size());
    QRect r(saved.topLeft(), size);
    // Slide it back onto the screen, keeping as much of the saved place as possible.
    r.moveLeft(std::clamp(r.left(), available.left(), available.right() - size.width() + 1));
    r.moveTop(std::clamp(r.top(), available.top(), available.bottom() - size.height() + 1));
    return r;
}
