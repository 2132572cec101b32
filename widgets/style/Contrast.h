#pragma once
// WCAG 2 contrast between two colours: the relative luminance of each (sRGB, linearised) and
// their ratio, 1:1 to 21:1. Text is readable at 4.5:1 (level AA). Header-only: the colour
// choices (ModelStyle) and the tests that check them use the same arithmetic.

#include <QColor>
#include <algorithm>
#include <cmath>

namespace txs::style {

inline double relativeLuminance(const QColor& c)
{
    auto lin = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * lin(c.redF()) + 0.7152 * lin(c.greenF()) + 0.0722 * lin(c.blueF());
}

inline double contrastRatio(const QColor& a, const QColor& b)
{
    const double la = relativeLuminance(a), lb = relativeLuminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

} // namespace txs::style
