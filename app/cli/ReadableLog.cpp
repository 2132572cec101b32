#include "ReadableLog.h"

#include "CauseText.h"
#include "TerminalText.h"
#include "TextFormat.h"

namespace txs::cli {

namespace {

constexpr const char* kIndent = "    ";
constexpr const char* kWhyIndent = "         "; // lines up under the text after "    why: "

std::string statementLine(const std::string& connection, int line, const std::string& sql)
{
    return connection + " (line " + std::to_string(line) + "): " + escapeControls(sql, false) + "\n";
}

std::string plural(std::uint64_t n, const char* one, const char* many)
{
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

} // namespace

ReadableLog::ReadableLog(const Workload& workload, Console& console) : workload_(workload), console_(console)
{}

void ReadableLog::printHeader(const RunSummary& summary)
{
    console_.out("txscope-cli run " + summary.file + " (journal mode " +
                 journalModeName(summary.journalMode) +
                 (summary.isolation == Isolation::Serializable ? ", serializable" : "") + ")\n");
    switch (summary.database) {
    case DatabasePlace::TemporaryFile:
        console_.out("database: " + summary.databasePath + " (temporary file)\n");
        break;
    case DatabasePlace::File:
        console_.out("database: " + summary.databasePath + "\n");
        break;
    case DatabasePlace::Memory:
        console_.out("database: in memory\n");
        break;
    }
}

void ReadableLog::phaseStarted(RunPhase phase)
{
    std::string text = std::string("\n== ") + runPhaseName(phase) + "\n";
    if (phase == RunPhase::Workers) {
        // Successful worker statements are counted, not printed: say what runs.
        for (const auto& block : workload_.workers) {
            text +=
                block.name + " x" + std::to_string(block.count) + " repeat " + std::to_string(block.repeat);
            if (block.retry.enabled()) text += " " + block.retry.describe();
            text += " (line " + std::to_string(block.line) +
                    "): " + std::to_string(static_cast<std::int64_t>(block.count) * block.repeat) +
                    " runs of the body on " +
                    plural(static_cast<std::uint64_t>(block.count), "thread", "threads") + "\n";
        }
    }
    console_.out(text);
}

void ReadableLog::statementBlocked(const BlockedNotice& notice)
{
    bool first = false;
    {
        std::lock_guard lock(mutex_);
        first = notice.attempts <= 1;
        lastBlocked_[notice.connection] = notice;
    }
    // Later tries of the same wait would repeat this after every step; the final result says
    // how long it waited.
    if (!first) return;
    console_.out(statementLine(notice.connection, notice.line, notice.sql) + kIndent +
                 "-> blocked: waiting for a lock; tried again after each later step\n");
}

void ReadableLog::statementFinished(const StatementOutcome& o)
{
    std::string text = statementLine(o.connection, o.line, o.sql);
    std::string result = resultText(o.result);
    if (o.blocked) {
        {
            std::lock_guard lock(mutex_);
            lastBlocked_.erase(o.connection);
        }
        // The outcome's own figures: every busy-handler call, the one that gave up included,
        // so they agree with the explanation's "busy_timeout of N ms ran out".
        result = "was blocked " + plural(static_cast<std::uint64_t>(o.busyHandlerCalls), "time", "times") +
                 " (" + std::to_string(o.virtualWaitMs) + " ms of busy wait, virtual time), then: " + result;
    }
    text += std::string(kIndent) + "-> " + result + "\n";
    if (o.expect) {
        if (o.passed) {
            text += std::string(kIndent) + "expected " + o.expect->describe() + ": passed\n";
        } else {
            const std::string head =
                std::string(kIndent) + "EXPECTATION FAILED (line " + std::to_string(o.line) + "): ";
            text += head + "expected " + o.expect->describe() + "\n";
            text += std::string(head.size(), ' ') + "actual   " + o.actual + "\n";
        }
    }
    if (!o.explanation.empty()) text += wrap(o.explanation, std::string(kIndent) + "why: ", kWhyIndent);
    if (!o.fix.empty()) text += wrap(o.fix, std::string(kIndent) + "fix: ", kWhyIndent);
    console_.out(text);
}

void ReadableLog::printSummary(const RunSummary& s)
{
    std::string text = "\n== summary\n";
    text += "transactions  " + std::to_string(s.committed) + " committed, " + std::to_string(s.rolledBack) +
            " rolled back, " + plural(s.retries, "retry", "retries") + "\n";
    text += "errors        " + std::to_string(s.conflicts) + " conflict, " + std::to_string(s.busy) +
            " busy, " + std::to_string(s.busySnapshot) + " busy_snapshot, " + std::to_string(s.otherErrors) +
            " other\n";
    text += "throughput    " + fixed(s.throughputTps, 1) + " tx/s";
    // Latency is measured per worker transaction; steps alone have none.
    if (!workload_.workers.empty())
        text += "; latency p50 " + fixed(s.latencyP50Ms, 3) + " ms, p99 " + fixed(s.latencyP99Ms, 3) + " ms";
    text += "\n";
    text += "expectations  " + std::to_string(s.expectationsPassed) + " passed, " +
            std::to_string(s.expectationsFailed) + " failed\n";
    text += "events        " + std::to_string(s.events);
    // The counts above are exact either way; only the per-event detail of old events is gone.
    if (s.eventsDropped > 0)
        text += " (the oldest " + std::to_string(s.eventsDropped) +
                " dropped from memory to stay within --keep-events; counts above are exact)";
    text += "\n";
    text += "wall time     " + fixed(s.wallMs, 1) + " ms\n";
    if (!s.failures.empty()) {
        text += "\nexpectation failures:\n";
        for (const auto& f : s.failures)
            text += "  line " + std::to_string(f.line) + " (" + f.connection + "): expected " + f.expected +
                    "; actual " + f.actual + "\n";
        if (s.expectationsFailed > static_cast<int>(s.failures.size()))
            text += "  ... and " +
                    std::to_string(s.expectationsFailed - static_cast<int>(s.failures.size())) + " more\n";
    }
    if (s.workersFailed > 0) {
        text += "\nworker failures: " + std::to_string(s.workersFailed) + "\n";
        for (const auto& e : s.workerErrors)
            text += "  " + e + "\n";
    }
    if (s.statementsFailed > 0) {
        text += "\nstatement failures: " + std::to_string(s.statementsFailed) + "\n";
        for (const auto& e : s.statementErrors)
            text += "  " + e + "\n";
    }
    if (s.ok()) {
        text += "\nresult: PASS\n";
    } else {
        text += "\nresult: FAIL (";
        if (s.expectationsFailed > 0)
            text += plural(static_cast<std::uint64_t>(s.expectationsFailed), "expectation", "expectations") +
                    " failed";
        if (s.expectationsFailed > 0 && s.workersFailed > 0) text += ", ";
        if (s.workersFailed > 0)
            text += plural(static_cast<std::uint64_t>(s.workersFailed), "worker", "workers") + " failed";
        if (s.statementsFailed > 0 && (s.expectationsFailed > 0 || s.workersFailed > 0)) text += ", ";
        if (s.statementsFailed > 0)
            text +=
                plural(static_cast<std::uint64_t>(s.statementsFailed), "statement", "statements") + " failed";
        text += ")\n";
    }
    // Last, where the eye lands when the run is over: what went wrong, grouped.
    text += causesText(s);
    console_.out(text);
}

} // namespace txs::cli
