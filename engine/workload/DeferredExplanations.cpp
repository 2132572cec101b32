#include "engine/workload/DeferredExplanations.h"

#include "engine/explain/ExplanationEvent.h"
#include "engine/trace/TraceLog.h"

#include <algorithm>
#include <chrono>

namespace txs {

namespace {

// A read is due after this many events or this long: batches big enough that reading costs
// little per error, small enough that the Explanations panel follows a live run and that no
// error's events leave the log's window (a million events by default) before they are read.
constexpr std::uint64_t kReadEvery = 8192;
constexpr auto kReadAtLeastEvery = std::chrono::milliseconds(100);

} // namespace

DeferredExplanations::DeferredExplanations(std::shared_ptr<Explainer> explainer,
                                           std::shared_ptr<TraceLog> trace, CountCause countCause)
    : explainer_(std::move(explainer)), trace_(std::move(trace)), countCause_(std::move(countCause))
{
    if (explainer_) mode_ = explainer_->mode();
}

std::size_t DeferredExplanations::slot(int extendedCode)
{
    return std::clamp<std::size_t>(static_cast<std::size_t>(std::max(extendedCode, 0)), 0, kCodes - 1);
}

void DeferredExplanations::begin()
{
    if (!explainer_ || !trace_) return;
    for (auto& n : deferred_)
        n.store(0);
    for (auto& n : explained_)
        n.store(0);
    explainer_->deferErrors(trace_->appendedCount(),
                            [this](const WrittenExplanation& x, const Error& error,
                                   const Event& statementEnd) { explained(x, error, statementEnd); });
    active_ = true;
}

// Called by the explainer, under its lock, in log order.
// The paragraph is written once for many errors (Explainer's memo): it goes into the log and the
// causes as a view of x.why, never copied into an Event of its own.
void DeferredExplanations::explained(const WrittenExplanation& x, const Error& error,
                                     const Event& statementEnd)
{
    explained_[slot(error.extendedCode)].fetch_add(1, std::memory_order_relaxed);
    Event event =
        explanationEventFields(x.explanation, error, statementEnd.connection, false, statementEnd.seq);
    event.timeNs = statementEnd.timeNs; // the causes' first and last times are the errors'
    countCause_(x.explanation, event, x.why, error);
    if (x.explanation.empty()) return;
    event.timeNs = 0; // the log's clock: now, so the log's times stay in order
    trace_->append(event, x.why);
}

bool DeferredExplanations::defers(const Error& error) const
{
    return active_ && explainable(error, mode_);
}

std::optional<Explanation> DeferredExplanations::defer(const Error& error, std::uint32_t connection,
                                                       bool needed)
{
    deferred_[slot(error.extendedCode)].fetch_add(1, std::memory_order_relaxed);
    if (needed) return explainer_->catchUpToNow(connection);
    if (explainer_->behind(kReadEvery, kReadAtLeastEvery)) explainer_->catchUp(false);
    return std::nullopt;
}

void DeferredExplanations::end()
{
    if (!active_) return;
    // Every worker has ended: the whole log is published. A phase without a deferred error has
    // nothing to explain, and the explainer reads the rest lazily when an error needs it
    // (explainTyped catches up first): reading the whole phase here cost an error-free traced
    // run half of what tracing added (callgrind, bench_runner_overhead 4 500 1: 21M of 43M).
    const bool anyDeferred =
        std::any_of(deferred_.begin(), deferred_.end(), [](const auto& n) { return n.load() != 0; });
    if (anyDeferred) explainer_->catchUp(true);
    explainer_->stopDeferring();
    active_ = false;
    // Errors whose events the log let go before any reader came: counted, unexplained.
    for (std::size_t code = 0; code < kCodes; ++code) {
        const std::uint64_t lost =
            deferred_[code].load() - std::min(deferred_[code].load(), explained_[code].load());
        for (std::uint64_t i = 0; i < lost; ++i) {
            const Error error = Error::fromSqlite(
                static_cast<int>(code), "its events left the trace log's window before they were explained");
            const Event event = explanationEventFields(Explanation{}, error, 0, false);
            countCause_(Explanation{}, event, {}, error);
        }
    }
}

} // namespace txs
