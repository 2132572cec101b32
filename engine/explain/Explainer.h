#pragma once
// Explains every SQLITE_BUSY and every MVCC conflict in plain words: which connection held which
// lock, which rule of SQLite (or of the MVCC engine) applied, and what fixes it.

#include "engine/api/Error.h"
#include "engine/api/JournalMode.h"
#include "engine/explain/ExplainContext.h"
#include "engine/explain/ExplainRule.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace txs {

class TraceLog;

struct Explanation
{
    std::string what; // what happened, with names: "A wanted RESERVED while B held RESERVED ..."
    std::string rule; // the rule that applied, and why it exists
    std::string fix;  // what to change: the rule's (explainRuleFix), empty when unexplained

    // Typed, for grouping explanations into causes without reading the text above.
    ExplainRule id = ExplainRule::Unexplained;
    // The first connection whose lock stood in the way, and what it held (when known).
    std::uint32_t holder = 0;
    LockResource heldResource = LockResource::DbFile;
    LockLevel heldLevel = LockLevel::None;

    bool empty() const { return id == ExplainRule::Unexplained; }
    // What happened and the rule, as one paragraph (the Fix is apart, in `fix`); empty when there
    // is no explanation.
    std::string why() const;
};

// An explanation with its paragraph (Explanation::why()) written out: written once and shared by
// every error met in the same situation (sameBusyFacts), so that a run of 100,000 identical
// SQLITE_BUSY errors writes one paragraph, not 100,000.
struct WrittenExplanation
{
    Explanation explanation;
    std::string why; // explanation.why()
};

// Pure: explains `error` that connection `connection` got, from its context.
Explanation explainError(const Error& error, std::uint32_t connection, const ExplainContext& context,
                         JournalMode mode);

// Whether explainError() has something to say about `error` (the others count as unexplained).
bool explainable(const Error& error, JournalMode mode);

// The error a StatementEnd event records, its typed fields only (code and kind; no message: no
// explanation reads it), for explaining it from the log instead of from the thread that got it.
Error errorOfStatementEnd(const Event& statementEnd);

// Follows a trace log and explains errors. Thread-safe; each read takes only the events
// appended since the previous one.
//
// Two ways. Immediate (explain()): the thread that got the error reads the log up to now and
// explains it; the runner puts the explanation right after the statement's end. Deferred
// (deferErrors(), for a workers phase): the threads that get errors only append them (their
// StatementEnd); whoever reads the log next (catchUp(), any thread, or the end of the phase)
// explains each error it meets with the context of the error's own moment, the lock holders
// frozen at its Busy event, and hands it to the sink. Nobody waits for anybody: a thread that
// finds another reading goes on with its work.
class Explainer
{
public:
    // `statementEnd`: the error's StatementEnd event (its seq, connection and time).
    // The error's message is not read from the log: `Error` holds its typed fields only.
    using DeferredSink =
        std::function<void(const WrittenExplanation&, const Error&, const Event& statementEnd)>;

    Explainer(JournalMode mode, std::shared_ptr<TraceLog> trace);
    JournalMode mode() const { return mode_; }

    // From now on, every explainable error recorded at or after `fromSeq` is explained by the
    // reads and given to `sink`. Not while another thread explains or catches up.
    void deferErrors(std::uint64_t fromSeq, DeferredSink sink);
    // Reads what the log has published since the last read, explaining the deferred errors in
    // it. `wait` false: returns at once when another thread is reading.
    void catchUp(bool wait);
    // Reads until every event appended before the call is read, and returns the explanation of
    // `connection`'s latest deferred error: for a thread that needs its own error's at once.
    std::optional<Explanation> catchUpToNow(std::uint32_t connection);
    // Stops deferring, after a last catchUp(true) has read every deferred error.
    void stopDeferring();
    // Whether a catch-up is due: `lagEvents` events appended since the last read, or `lagTime`
    // since it began. Cheap (two atomics), for the threads that defer their errors.
    bool behind(std::uint64_t lagEvents, std::chrono::nanoseconds lagTime) const;

    // `blocked`: the statement is held by the step runner as blocked (see BlockedWait).
    // The paragraph (Explanation::why()); empty when there is nothing to explain.
    std::string explain(const Error& error, std::uint32_t connection, const BlockedWait* blocked = nullptr);
    // The same, with its typed parts.
    Explanation explainTyped(const Error& error, std::uint32_t connection,
                             const BlockedWait* blocked = nullptr);

private:
    // Reads and applies the events published since the last read; explains deferred errors.
    // Under mutex_.
    void readLocked();
    // The explanation of `error` that `connection` got, from context_: the one written for the
    // connection's previous error when its situation is the same (memo_), else written now.
    // Under mutex_.
    std::shared_ptr<const WrittenExplanation> writtenLocked(const Error& error, std::uint32_t connection);

    JournalMode mode_;
    std::shared_ptr<TraceLog> trace_;
    std::mutex mutex_;
    std::uint64_t nextSeq_ = 0;
    ExplainContext context_;
    // The deferred errors of the batch being read, explained, for the sink once the read is over.
    struct PendingExplanation
    {
        std::shared_ptr<const WrittenExplanation> explanation;
        Error error;        // typed fields only
        Event statementEnd; // its typed fields; no text
    };
    std::vector<PendingExplanation> pending_;
    std::uint64_t deferFrom_ = 0;
    DeferredSink deferredSink_; // set while deferring
    // Each connection's latest deferred explanation (catchUpToNow() answers with it).
    std::unordered_map<std::uint32_t, std::shared_ptr<const WrittenExplanation>> lastDeferred_;
    // Each connection's latest Busy explanation and the facts it was written from.
    struct Memo
    {
        ErrorKind kind = ErrorKind::Other;
        int extendedCode = 0;
        ConnectionContext facts;
        std::shared_ptr<const WrittenExplanation> written;
    };
    std::unordered_map<std::uint32_t, Memo> memo_;
    std::atomic<std::uint64_t> readUpTo_{0};  // nextSeq_, for behind() without the lock
    std::atomic<std::int64_t> lastReadNs_{0}; // the trace clock when the last read began
};

} // namespace txs
