#include "SummaryJson.h"

#include "CauseText.h"
#include "Json.h"

namespace txs::cli {

Json summaryDocument(const RunSummary& s)
{
    Json failures = Json::array();
    for (const auto& f : s.failures)
        failures.push_back(
            {{"line", f.line}, {"expected", jsonText(f.expected)}, {"actual", jsonText(f.actual)}});
    return {
        {"file", jsonText(s.file)},
        {"journal_mode", journalModeName(s.journalMode)},
        {"isolation", isolationName(s.isolation)},
        {"wall_ms", jsonNumber(s.wallMs)},
        {"transactions", {{"committed", s.committed}, {"rolled_back", s.rolledBack}, {"retries", s.retries}}},
        {"errors",
         {{"conflict", s.conflicts},
          {"busy", s.busy},
          {"busy_snapshot", s.busySnapshot},
          {"other", s.otherErrors}}},
        {"throughput_tps", jsonNumber(s.throughputTps)},
        {"latency_ms", {{"p50", jsonNumber(s.latencyP50Ms)}, {"p99", jsonNumber(s.latencyP99Ms)}}},
        {"expectations",
         {{"passed", s.expectationsPassed},
          {"failed", s.expectationsFailed},
          {"failures", std::move(failures)}}},
        {"causes", causesJson(s)},
        {"events", s.events},
        {"events_dropped", s.eventsDropped},
    };
}

std::string summaryToJson(const RunSummary& s)
{
    return dumpJson(summaryDocument(s));
}

} // namespace txs::cli
