#include "widgets/timeline/PlotViewport.h"

#include <qcustomplot.h>

namespace txs::timeline {

Viewport viewportOf(const QCPAxis* keyAxis, const QCPAxis* valueAxis, std::int64_t nowNs)
{
    Viewport v;
    const QCPRange k = keyAxis->range();
    v.time = {k.lower * kNsPerMs, k.upper * kNsPerMs, keyAxis->coordToPixel(k.lower),
              keyAxis->coordToPixel(k.upper)};
    const QCPRange r = valueAxis->range();
    v.value = {r.lower, r.upper, valueAxis->coordToPixel(r.lower), valueAxis->coordToPixel(r.upper)};
    v.nowNs = nowNs;
    return v;
}

} // namespace txs::timeline
