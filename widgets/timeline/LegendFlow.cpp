#include "widgets/timeline/LegendFlow.h"

namespace txs::timeline {

Flow flowLayout(const std::vector<int>& widths, int available, int spacing)
{
    Flow flow;
    int x = 0, row = 0;
    bool rowEmpty = true;
    for (int w : widths) {
        if (!rowEmpty && x + spacing + w > available) {
            ++row;
            x = 0;
            rowEmpty = true;
        }
        if (!rowEmpty) x += spacing;
        flow.placements.push_back({row, x});
        x += w;
        rowEmpty = false;
    }
    flow.rows = widths.empty() ? 0 : row + 1;
    return flow;
}

} // namespace txs::timeline
