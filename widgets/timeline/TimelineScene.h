#pragma once
// Everything the timeline's layerables draw from, owned by TimelineWidget and read by its
// plottables and overlay during replot: the model, its lane geometry, colours, the selection
// and the time cursor.

#include "widgets/timeline/LaneGeometry.h"
#include "widgets/timeline/TimelineColors.h"
#include "widgets/timeline/TimelineModel.h"

#include <optional>

namespace txs::timeline {

struct TimelineScene
{
    TimelineModel model;
    LaneGeometry geometry;
    TimelineColors colors;
    std::optional<ItemRef> selection;
    std::int64_t cursorNs = 0;
    bool cursorFollowsNow = true; // the cursor sits at the latest event
    bool viewFollowsNow = true;   // the view follows the latest events (TimelineWidget::followLive)
    bool exporting = false;       // drawing into a file: no cursor, no "now" (a live-only aid)

    // Where unfinished spans end.
    std::int64_t nowNs() const { return model.endNs(); }
    std::int64_t cursorTime() const { return cursorFollowsNow ? nowNs() : cursorNs; }
    // Lanes in natural order (writer-2 before writer-10), whatever order the threads started in.
    void updateGeometry()
    {
        std::vector<std::string> names;
        names.reserve(model.lanes().size());
        for (const auto& lane : model.lanes())
            names.push_back(lane.name);
        geometry = LaneGeometry(model.lanes().size(), model.lockTracksUsed(), naturalLaneOrder(names));
    }
};

} // namespace txs::timeline
