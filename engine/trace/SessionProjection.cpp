#include "engine/trace/SessionProjection.h"

#include <algorithm>

namespace txs {

void SessionProjection::apply(const Event& event)
{
    connections.apply(event);
    transactions.apply(event);
    versions.apply(event);
    locks.apply(event);
    statements.apply(event);
    explanations.apply(event);
    metrics.apply(event);
    nextSeq_ = event.seq + 1;
    ++count_;
    latestNs_ = std::max(latestNs_, event.timeNs);
}

void SessionProjection::apply(const std::vector<Event>& events, std::size_t from, std::size_t to)
{
    to = std::min(to, events.size());
    for (std::size_t i = from; i < to; ++i)
        apply(events[i]);
}

} // namespace txs
