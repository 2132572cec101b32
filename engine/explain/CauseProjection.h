#pragma once
// Causes: identical explanations grouped, so that 9,800 SQLITE_BUSY errors of one kind read as
// one line with a count. A cause is one rule (ExplainRule) met with one error code while the
// same kind of lock stood in the way (resource and level the first holder held); it keeps its
// count, its first and last time, every connection involved (those that got the error and
// those that held the lock), and the Why and Fix of its first occurrence.
//
// Fed incrementally with events in log order (ConnectionOpen, erring StatementEnds and
// Explanations matter), so
// a view keeps it current at the cost of each new event; grouping reads typed fields only
// (explanationFacts), never the text. Explanations of statements still blocked are no errors
// and are not counted.
//
// Plain C++ for every front end: the CLI prints causes(), the GUI wraps it in a Qt model.
// Not thread-safe: one writer, or a lock around it.

#include "engine/explain/ExplainRule.h"
#include "engine/trace/Event.h"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace txs {

struct Cause
{
    int code = 0; // extended result code of the errors
    ExplainRule rule = ExplainRule::Unexplained;
    bool holderKnown = false; // heldResource and heldLevel say what the holders held
    LockResource heldResource = LockResource::DbFile;
    LockLevel heldLevel = LockLevel::None;
    std::uint64_t count = 0;
    std::int64_t firstNs = 0, lastNs = 0;   // its errors' ends, on the trace log's clock
    std::uint64_t firstSeq = 0;             // the first occurrence's Explanation event (0 if not in a log)
    std::vector<std::uint32_t> connections; // ascending ids: those that got the error or held the lock
    std::string why, fix;                   // of the first occurrence (Fix empty when unexplained)
};

// "SQLITE_BUSY", "SQLITE_BUSY_SNAPSHOT", "TXSCOPE_CONFLICT" (the write-write and same-key rules,
// whose errors carry SQLITE_ERROR as Turso's do).
std::string causeCodeName(const Cause& cause);
// "the WAL write lock held at EXCLUSIVE", or "" when no holder is known.
std::string causeHeldLock(const Cause& cause);

class CauseProjection
{
public:
    void apply(const Event& event) { apply(event, event.text); }
    // The same with `text` in place of event.text (an Explanation's why, kept by a new cause):
    // for a feeder that has the text at hand and makes no Event string of it.
    void apply(const Event& event, std::string_view text);
    // For a feeder that has no ConnectionOpen events at hand (the runner's own count).
    void nameConnection(std::uint32_t id, std::string name);

    // In order of first occurrence.
    const std::vector<Cause>& all() const { return causes_; }
    // Most frequent first; ties by first occurrence.
    std::vector<Cause> byCount() const;
    // Every error counted (the sum of the counts).
    std::uint64_t total() const { return total_; }
    // "writer-3"; "connection 7" when its name was never seen.
    std::string nameOf(std::uint32_t id) const;

private:
    // When the error an Explanation explains ended: its StatementEnd's time when it is in the log
    // (named by seq, or the connection's last erring one), else the Explanation's own (a feeder
    // that passes only Explanations, timed at their errors: the runner's).
    std::int64_t errorTime(const Event& explanation, std::uint64_t statementEndSeq);

    using Key = std::tuple<int, std::int64_t, bool, std::int64_t, std::int64_t>;
    std::vector<Cause> causes_;
    std::map<Key, std::size_t> index_; // into causes_
    std::unordered_map<std::uint32_t, std::string> names_;
    std::uint64_t total_ = 0;
    // Erring StatementEnds awaiting their explanation: seq -> time. Explanations come in the
    // order of the errors they name, so one erases those before it too (errors never
    // explained, e.g. constraint failures); bounded for errors of other explainers.
    std::map<std::uint64_t, std::int64_t> errorEnds_;
    std::unordered_map<std::uint32_t, std::int64_t> lastErrorEnd_; // by connection
    static constexpr std::size_t kMaxAwaiting = 1 << 16;
};

} // namespace txs
