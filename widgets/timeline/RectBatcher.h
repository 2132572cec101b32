#pragma once
// Joins touching rectangles of one colour on one row into a single fillRect. Zoomed out, a row
// is thousands of one-pixel runs mostly of the same colour, and fillRect costs per call, not per
// pixel (a 1 x 20 px fill costs about as much as a 100 x 20 px one).

#include <QColor>
#include <QPainter>
#include <QRect>
#include <utility>
#include <vector>

namespace txs::timeline {

class RectBatcher
{
public:
    using Deferred = std::vector<std::pair<QRect, const QColor*>>;

    // Fills go straight to `painter`; with `deferred`, the rectangles are kept there instead, for
    // drawing on top of another batch later.
    RectBatcher(QPainter* painter, int y, int height, Deferred* deferred = nullptr)
        : painter_(painter), deferred_(deferred), y_(y), height_(height)
    {}
    ~RectBatcher() { flush(); }
    RectBatcher(const RectBatcher&) = delete;
    RectBatcher& operator=(const RectBatcher&) = delete;

    // [x0, x1) in `colour` (compared by address: pass the palette's colours). `joinable` says
    // whether this rectangle may fuse with a touching neighbour of the same colour.
    void add(int x0, int x1, const QColor* colour, bool joinable = true)
    {
        if (colour_ == colour && joinable && joinable_ && x0 <= x1_) {
            if (x1 > x1_) x1_ = x1;
            return;
        }
        flush();
        x0_ = x0;
        x1_ = x1;
        colour_ = colour;
        joinable_ = joinable;
    }

    void flush()
    {
        if (!colour_) return;
        const QRect rect(x0_, y_, x1_ - x0_, height_);
        if (deferred_)
            deferred_->emplace_back(rect, colour_);
        else
            painter_->fillRect(rect, *colour_);
        colour_ = nullptr;
    }

private:
    QPainter* painter_;
    Deferred* deferred_;
    int y_, height_;
    int x0_ = 0, x1_ = 0;
    const QColor* colour_ = nullptr;
    bool joinable_ = false;
};

} // namespace txs::timeline
