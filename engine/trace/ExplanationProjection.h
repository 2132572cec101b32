#pragma once
// Every SQLITE_BUSY and conflict of a session with the explanation that follows it: the list
// behind the "why did this fail, and how do I fix it" panel.
//
// The runner emits an Explanation on the failing connection after the statement ended, or, in a
// workers phase, later (explained from the log), naming the statement's StatementEnd. It belongs
// to the Busy and Conflict events of that statement; an error with no Busy or Conflict event (a
// constraint, a syntax error) has no entry, so its explanation is not attached to an earlier one.
// A late explanation counts as recorded at its error's end, as if it had followed it.
//
// Not every entry is an error of the run's counts: a step-mode try that ends blocked is a wait
// (CountingRule.h), and its statement is tried again. Each entry says what it came to
// (ErrorOutcome), decided from the events' kinds and codes alone, by the counting rule's own
// test, so that the entries an Explanations panel calls errors are the errors the status bar,
// the Metrics panel and the CLI count.

#include "engine/trace/Event.h"
#include "engine/trace/ExplainRule.h"
#include "engine/trace/ProjectionTimes.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace txs {

enum class ErrorOutcome : std::uint8_t {
    Open,            // its statement's try has not ended yet
    Failed,          // the try ended with this error: one error of the counts
    Waiting,         // the try ended blocked (step mode): the statement will be tried again
    WaitedSucceeded, // a wait (or an earlier error of a try that later succeeded): it then ran
    WaitedFailed,    // a wait whose statement finally failed (that try's own entry is Failed
                     // when it had a Busy or Conflict event)
};

// A wait: an entry that is not an error of the counts (Open excluded: not known yet).
inline bool isWait(ErrorOutcome o)
{
    return o == ErrorOutcome::Waiting || o == ErrorOutcome::WaitedSucceeded ||
           o == ErrorOutcome::WaitedFailed;
}

struct ExplainedError
{
    std::uint64_t seq = 0; // of the Busy or Conflict event, for selecting it in other views
    std::int64_t timeNs = 0;
    EventKind kind = EventKind::Busy; // Busy or Conflict
    std::uint32_t connection = 0;
    std::uint64_t txId = 0;
    int code = 0;              // Busy: extended result code; Conflict: SQLITE_ERROR (Turso's)
    std::uint64_t otherTx = 0; // Conflict: the transaction it conflicted with
    std::uint32_t table = 0;   // Conflict: where
    std::int64_t rowid = 0;
    std::string message;
    std::string explanation; // why: empty until (and unless) an Explanation follows
    std::string fix;         // the rule's fix (explainRuleFix), with the explanation
    ExplainRule rule = ExplainRule::Unexplained;
    std::int64_t explanationNs = kNever;
    std::uint64_t explanationSeq = 0;
    ErrorOutcome outcome = ErrorOutcome::Open;
    std::int64_t settledNs = kNever; // when the outcome became final (Waiting: not yet)

    bool explainedAt(std::int64_t t) const { return explanationNs <= t; }
};

class ExplanationList
{
public:
    void apply(const Event& event);

    const std::vector<ExplainedError>& all() const { return errors_; }
    // Errors that had happened by t: a prefix of all().
    std::size_t countAt(std::int64_t t) const { return byTime_.countAt(t); }
    // Entries whose explanation arrived or whose outcome changed, for incremental refreshes
    // (see TouchLog).
    const TouchLog& touched() const { return touched_; }

private:
    struct ConnectionState
    {
        std::vector<std::size_t> statementErrors; // entries of its latest statement
        std::vector<std::size_t> waits;           // entries of its blocked statement's tries
        std::uint64_t awaitedEnd = 0;             // its StatementEnd, when in awaiting_
    };
    struct EndedStatement
    {
        std::vector<std::size_t> errors; // entries of a statement whose explanation may come later
        std::int64_t endNs = 0;
    };
    void explain(const std::vector<std::size_t>& errors, const Event& explanation, std::int64_t atNs);
    void endTry(const Event& end, ConnectionState& c);
    void settle(std::size_t index, ErrorOutcome outcome, std::int64_t atNs);
    void settleFailedTry(bool blocked);

    std::vector<ExplainedError> errors_;
    std::unordered_map<std::uint32_t, ConnectionState> connections_;
    // By StatementEnd seq, until a late explanation names it (bounded: kMaxAwaiting).
    std::map<std::uint64_t, EndedStatement> awaiting_;
    static constexpr std::size_t kMaxAwaiting = 1 << 16;
    PrefixByTime byTime_;
    TouchLog touched_;
    // A try that ended with an error: a wait when the next event is its connection's
    // StatementBlocked, else an error (CountingRule's test).
    struct FailedTry
    {
        std::uint32_t connection = 0;
        std::int64_t endNs = 0;
    };
    std::optional<FailedTry> failedTry_;
};

} // namespace txs
