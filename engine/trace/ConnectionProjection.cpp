#include "engine/trace/ConnectionProjection.h"

namespace txs {

ConnectionRecord& ConnectionProjection::ensure(std::uint32_t id, std::int64_t timeNs)
{
    if (const std::size_t held = index_.find(id); held != DenseIdIndex::npos) return connections_[held];
    index_.tryEmplace(id, connections_.size());
    connections_.push_back({id, "#" + std::to_string(id), timeNs, kNever});
    byTime_.add(timeNs);
    return connections_.back();
}

void ConnectionProjection::apply(const Event& event)
{
    if (event.connection == 0) return;
    ConnectionRecord& c = ensure(event.connection, event.timeNs);
    if (event.kind == EventKind::ConnectionOpen && !event.text.empty())
        c.name = event.text;
    else if (event.kind == EventKind::ConnectionClose)
        c.closeNs = event.timeNs;
}

const ConnectionRecord* ConnectionProjection::find(std::uint32_t id) const
{
    const std::size_t index = index_.find(id);
    return index == DenseIdIndex::npos ? nullptr : &connections_[index];
}

std::string ConnectionProjection::name(std::uint32_t id) const
{
    if (id == 0) return "engine";
    const ConnectionRecord* c = find(id);
    return c ? c->name : "#" + std::to_string(id);
}

} // namespace txs
