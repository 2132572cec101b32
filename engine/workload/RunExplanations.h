#pragma once
// The explaining half of a run (Runner.h): every error of every phase is explained, put into the
// trace log as an Explanation event, and counted into the run's causes.
//
// Setup, steps and check explain at once, next to the error (the statement's outcome shows the
// why). A workers phase leaves its errors to the log's readers (DeferredExplanations), so that
// no worker waits for the explainer. Every error counted here, explained or not, is one of the
// causes' counts: they are fed here rather than from the log, whose window may have let old
// events go, so that the counts add up to the errors.
//
// Thread-safe: the workers of a phase call explainWorker() at once.

#include "engine/api/Error.h"
#include "engine/api/JournalMode.h"
#include "engine/explain/CauseProjection.h"
#include "engine/explain/Explainer.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace txs {

class TraceLog;
class DeferredExplanations;

// Explains an error that `connection` got; empty() when there is nothing to say. By default the
// runner uses engine/explain's Explainer on its own trace log, for every error of every phase.
// `blocked` is set when the statement is blocked in step mode (waiting in virtual time).
using ErrorExplainer =
    std::function<Explanation(const Error& error, std::uint32_t connection, const BlockedWait* blocked)>;

class RunExplanations
{
public:
    // Why and fix, for a statement's outcome (empty when there is nothing to explain).
    struct Explained
    {
        std::string why, fix;
    };

    // `explainer` null: the default one, engine/explain's Explainer on `trace`, which explains
    // the workers' errors from the log (without a log, each error where it happens).
    RunExplanations(std::shared_ptr<TraceLog> trace, JournalMode mode, ErrorExplainer explainer);
    ~RunExplanations();
    RunExplanations(const RunExplanations&) = delete;
    RunExplanations& operator=(const RunExplanations&) = delete;

    // Explains one error, or one wait of a statement still blocked (`stillBlocked`: no error,
    // not counted), and puts the explanation in the log right after the statement's end, where
    // every view looks for it. An error with nothing to explain still counts in the causes,
    // under its message. `nowNs`: the run's clock, for the causes' times when there is no log.
    Explained explain(const Error& error, std::uint32_t connection, const BlockedWait* blocked,
                      bool stillBlocked, std::int64_t nowNs);
    // Whether a worker's `error` is left to the log's readers (deferred) rather than explained
    // at once: an explainable error during a workers phase, with the default explainer.
    bool defers(const Error& error) const;
    // A worker's deferred error: counted when a reader explains it. `needWhy`: its outcome shows
    // the explanation, so the log is read up to it at once.
    Explained deferWorker(const Error& error, std::uint32_t connection, bool needWhy);

    void nameConnection(std::uint32_t id, const std::string& name);

    // Around a workers phase: before its threads start, after every one has ended.
    void beginWorkers();
    void endWorkers();

    // The causes, most frequent first, and the names of the connections they involve.
    std::vector<Cause> causes(std::map<std::uint32_t, std::string>& connectionNames) const;

private:
    // The runner's own count of every error; `why` is the explanation's text (for a new cause).
    void countCause(const Explanation& x, const Event& explanation, std::string_view why, const Error& error);

    std::shared_ptr<TraceLog> trace_;
    ErrorExplainer explainer_;
    mutable std::mutex causesMutex_; // guards causes_
    CauseProjection causes_;
    // The workers' errors, explained from the log (null with another explainer or no log).
    std::unique_ptr<DeferredExplanations> deferred_;
};

} // namespace txs
