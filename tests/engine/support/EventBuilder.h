#pragma once
// Hand-made event lists for tests of projections and views: seq in order of writing. add() takes
// the time in microseconds (readable in timeline tests), addNs() in nanoseconds (span tests that
// name exact instants).

#include "engine/trace/Event.h"

#include <string>
#include <vector>

namespace txs::testing {

struct EventBuilder
{
    std::vector<Event> list;

    Event& addNs(EventKind kind, std::uint32_t connection, std::int64_t timeNs, std::uint64_t tx = 0,
                 std::int64_t a = 0, std::int64_t b = 0, const std::string& text = {})
    {
        Event e;
        e.seq = list.size();
        e.timeNs = timeNs;
        e.connection = connection;
        e.txId = tx;
        e.kind = kind;
        e.a = a;
        e.b = b;
        e.text = text;
        list.push_back(e);
        return list.back();
    }
    Event& add(EventKind kind, std::uint32_t connection, std::int64_t timeUs, std::uint64_t tx = 0,
               std::int64_t a = 0, std::int64_t b = 0, const std::string& text = {})
    {
        return addNs(kind, connection, timeUs * 1000, tx, a, b, text);
    }
    std::uint64_t lastSeq() const { return list.back().seq; }
};

} // namespace txs::testing
