#pragma once
// The connections of a session: their names and when they opened and closed. Views name
// connections ("T1", "writer-3") rather than show their ids.

#include "engine/trace/DenseIdIndex.h"
#include "engine/trace/Event.h"
#include "engine/trace/ProjectionTimes.h"

#include <cstdint>
#include <string>
#include <vector>

namespace txs {

struct ConnectionRecord
{
    std::uint32_t id = 0;
    std::string name;
    std::int64_t openNs = 0;
    std::int64_t closeNs = kNever;

    bool openAt(std::int64_t t) const { return openNs <= t && t < closeNs; }
};

class ConnectionProjection
{
public:
    // Events in seq order. A connection first seen in another event than ConnectionOpen (a log
    // read from the middle) is recorded then, named by its id.
    void apply(const Event& event);

    // In order of first appearance.
    const std::vector<ConnectionRecord>& all() const { return connections_; }
    // Connections that had opened by t: a prefix of all().
    std::size_t countAt(std::int64_t t) const { return byTime_.countAt(t); }
    const ConnectionRecord* find(std::uint32_t id) const;
    // "T1", or "#7" for a connection never named; "engine" for connection 0.
    std::string name(std::uint32_t id) const;

private:
    ConnectionRecord& ensure(std::uint32_t id, std::int64_t timeNs);

    std::vector<ConnectionRecord> connections_;
    DenseIdIndex index_; // id -> position in connections_, looked up for every event: no hash
    PrefixByTime byTime_;
};

} // namespace txs
