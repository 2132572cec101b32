#pragma once
// Hand-made event lists for the timeline tests: seq in order of writing, time in microseconds
// for readability.

#include "engine/trace/Event.h"

#include <string>
#include <vector>

namespace txs::testing {

struct EventBuilder
{
    std::vector<Event> list;

    Event& add(EventKind kind, std::uint32_t connection, std::int64_t timeUs, std::uint64_t tx = 0,
               std::int64_t a = 0, std::int64_t b = 0, std::string text = {})
    {
        Event e;
        e.seq = list.size();
        e.timeNs = timeUs * 1000;
        e.connection = connection;
        e.txId = tx;
        e.kind = kind;
        e.a = a;
        e.b = b;
        e.text = std::move(text);
        list.push_back(std::move(e));
        return list.back();
    }
    std::uint64_t lastSeq() const { return list.back().seq; }
};

} // namespace txs::testing
