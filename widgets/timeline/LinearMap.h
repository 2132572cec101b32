#pragma once
// A linear mapping between an axis value (nanoseconds, lane units) and pixels. Plain math, so
// drawing, hit testing and the tests all use the same numbers. pxLo may exceed pxHi (a value
// axis that grows downwards).

namespace txs::timeline {

struct LinearMap
{
    double lo = 0, hi = 1;     // values at the two ends
    double pxLo = 0, pxHi = 1; // their pixel positions

    double pixelsPerUnit() const { return (pxHi - pxLo) / (hi - lo); }
    double toPixel(double value) const { return pxLo + (value - lo) * pixelsPerUnit(); }
    double toValue(double pixel) const { return lo + (pixel - pxLo) / pixelsPerUnit(); }
    // Width in units of `pixels` pixels (always positive).
    double unitsFor(double pixels) const
    {
        const double ppu = pixelsPerUnit();
        return pixels / (ppu < 0 ? -ppu : ppu);
    }
};

} // namespace txs::timeline
