#include "widgets/timeline/LegendFlow.h"

namespace txs::timeline {

Flow flowLayout(const std::vector<int>& widths, int available, int spacing)
{
    return flowLayout(widths, available, std::vector<int>(widths.size(), spacing));
}

Flow flowLayout(const std::vector<int>& widths, int available, const std::vector<int>& gaps)
{
    Flow flow;
    int x = 0, row = 0;
    bool rowEmpty = true;
    for (std::size_t i = 0; i < widths.size(); ++i) {
        const int w = widths[i];
        const int spacing = i < gaps.size() ? gaps[i] : 0;
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
