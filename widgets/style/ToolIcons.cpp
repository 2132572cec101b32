#include "widgets/style/ToolIcons.h"

#include <QIconEngine>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>

namespace txs::style {

namespace {

double relativeLuminance(const QColor& c)
{
    auto linear = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * linear(c.redF()) + 0.7152 * linear(c.greenF()) + 0.0722 * linear(c.blueF());
}

QColor mix(const QColor& from, const QColor& to, double t)
{
    return QColor::fromRgbF(float(from.redF() + (to.redF() - from.redF()) * t),
                            float(from.greenF() + (to.greenF() - from.greenF()) * t),
                            float(from.blueF() + (to.blueF() - from.blueF()) * t));
}

// Paints the glyph in the colour of its mode; the palette's colours are taken when the icon is made
// (the window makes new icons when the theme changes).
class GlyphEngine : public QIconEngine
{
public:
    GlyphEngine(ToolGlyph glyph, QColor normal, QColor disabled)
        : glyph_(glyph), normal_(normal), disabled_(disabled)
    {}
    QIconEngine* clone() const override { return new GlyphEngine(*this); }
    void paint(QPainter* painter, const QRect& rect, QIcon::Mode mode, QIcon::State) override
    {
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(Qt::NoPen);
        painter->setBrush(mode == QIcon::Disabled ? disabled_ : normal_);
        // A square a little inside the rectangle, as the stock icons leave a margin.
        const qreal side = std::min(rect.width(), rect.height()) * 0.7;
        const QRectF box(rect.center().x() + 0.5 - side / 2, rect.center().y() + 0.5 - side / 2, side, side);
        const qreal bar = side * 0.28;
        switch (glyph_) {
        case ToolGlyph::Run: {
            QPainterPath p;
            p.moveTo(box.left() + side * 0.1, box.top());
            p.lineTo(box.right(), box.center().y());
            p.lineTo(box.left() + side * 0.1, box.bottom());
            p.closeSubpath();
            painter->drawPath(p);
            break;
        }
        case ToolGlyph::Pause:
            painter->drawRect(QRectF(box.left() + side * 0.12, box.top(), bar, side));
            painter->drawRect(QRectF(box.right() - side * 0.12 - bar, box.top(), bar, side));
            break;
        case ToolGlyph::Step: {
            QPainterPath p;
            p.moveTo(box.left(), box.top());
            p.lineTo(box.right() - bar, box.center().y());
            p.lineTo(box.left(), box.bottom());
            p.closeSubpath();
            painter->drawPath(p);
            painter->drawRect(QRectF(box.right() - bar * 0.8, box.top(), bar * 0.8, side));
            break;
        }
        case ToolGlyph::Stop:
            painter->drawRect(box.adjusted(side * 0.08, side * 0.08, -side * 0.08, -side * 0.08));
            break;
        }
        painter->restore();
    }
    QPixmap pixmap(const QSize& size, QIcon::Mode mode, QIcon::State state) override
    {
        QPixmap pm(size);
        pm.fill(Qt::transparent);
        QPainter painter(&pm);
        paint(&painter, QRect(QPoint(0, 0), size), mode, state);
        return pm;
    }

private:
    ToolGlyph glyph_;
    QColor normal_, disabled_;
};

} // namespace

double contrastRatio(const QColor& a, const QColor& b)
{
    const double x = relativeLuminance(a), y = relativeLuminance(b);
    return (std::max(x, y) + 0.05) / (std::min(x, y) + 0.05);
}

QColor disabledGlyphColor(const QPalette& palette)
{
    const QColor window = palette.color(QPalette::Active, QPalette::Window);
    const QColor text = palette.color(QPalette::Active, QPalette::ButtonText);
    // Halfway reads as "disabled" beside the enabled glyph; closer to the text when halfway is too
    // faint (a dark window, where luminance is not linear in the channel values).
    for (double t = 0.5; t < 1.0; t += 0.05) {
        const QColor c = mix(window, text, t);
        if (contrastRatio(c, window) >= kMinimumGlyphContrast) return c;
    }
    return text;
}

QIcon toolIcon(ToolGlyph glyph, const QPalette& palette)
{
    return QIcon(new GlyphEngine(glyph, palette.color(QPalette::Active, QPalette::ButtonText),
                                 disabledGlyphColor(palette)));
}

} // namespace txs::style
