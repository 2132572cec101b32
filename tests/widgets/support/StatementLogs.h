#pragma once
// A trace log of plain statements, for the model tests that only need many rows.

#include "engine/trace/TraceLog.h"

#include <cstdint>
#include <memory>
#include <string>

namespace txs::test {

// `count` statements (a StatementBegin and a StatementEnd each, "SELECT i"), spread round-robin
// over connections 1 .. `connections`.
inline std::shared_ptr<TraceLog> logOfStatements(int count, std::uint32_t connections)
{
    auto log = std::make_shared<TraceLog>();
    for (int i = 0; i < count; ++i) {
        Event e;
        e.kind = EventKind::StatementBegin;
        e.connection = 1 + static_cast<std::uint32_t>(i) % connections;
        e.text = "SELECT " + std::to_string(i);
        log->append(e);
        e.kind = EventKind::StatementEnd;
        log->append(e);
    }
    return log;
}

} // namespace txs::test
