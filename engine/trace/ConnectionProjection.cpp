#include "engine/trace/ConnectionProjection.h"

namespace txs {

ConnectionRecord& ConnectionProjection::ensure(std::uint32_t id, std::int64_t timeNs)
{
    const auto [it, inserted] = index_.try_emplace(id, connections_.size());
    if (inserted) {
        connections_.push_back({id, "#" + std::to_string(id), timeNs, kNever});
        byTime_.add(timeNs);
    }
    return connections_[it->second];
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
    const auto it = index_.find(id);
    return it == index_.end() ? nullptr : &connections_[it->second];
}

std::string ConnectionProjection::name(std::uint32_t id) const
{
    if (id == 0) return "engine";
    const ConnectionRecord* c = find(id);
    return c ? c->name : "#" + std::to_string(id);
}

} // namespace txs
