#include "SummaryJson.h"

#include "CauseText.h"
#include "Json.h"

namespace txs::cli {

std::string summaryToJson(const RunSummary& s)
{
    auto count = [](auto n) { return std::to_string(n); };
    std::string out;
    out += "{\n";
    out += "  \"file\": " + jsonString(s.file) + ",\n";
    out += "  \"journal_mode\": " + jsonString(journalModeName(s.journalMode)) + ",\n";
    out += "  \"wall_ms\": " + jsonNumber(s.wallMs) + ",\n";
    out += "  \"transactions\": {\"committed\": " + count(s.committed) +
           ", \"rolled_back\": " + count(s.rolledBack) + ", \"retries\": " + count(s.retries) + "},\n";
    out += "  \"errors\": {\"conflict\": " + count(s.conflicts) + ", \"busy\": " + count(s.busy) +
           ", \"busy_snapshot\": " + count(s.busySnapshot) + ", \"other\": " + count(s.otherErrors) + "},\n";
    out += "  \"throughput_tps\": " + jsonNumber(s.throughputTps) + ",\n";
    out += "  \"latency_ms\": {\"p50\": " + jsonNumber(s.latencyP50Ms) +
           ", \"p99\": " + jsonNumber(s.latencyP99Ms) + "},\n";
    out += "  \"expectations\": {\"passed\": " + count(s.expectationsPassed) +
           ", \"failed\": " + count(s.expectationsFailed) + ", \"failures\": [";
    for (std::size_t i = 0; i < s.failures.size(); ++i) {
        const auto& f = s.failures[i];
        out += i ? ",\n    " : "\n    ";
        out += "{\"line\": " + count(f.line) + ", \"expected\": " + jsonString(f.expected) +
               ", \"actual\": " + jsonString(f.actual) + "}";
    }
    out += s.failures.empty() ? "]},\n" : "\n  ]},\n";
    out += "  \"causes\": " + causesJson(s, "  ") + ",\n";
    out += "  \"events\": " + count(s.events) + ",\n";
    out += "  \"events_dropped\": " + count(s.eventsDropped) + "\n";
    out += "}\n";
    return out;
}

} // namespace txs::cli
