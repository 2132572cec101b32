#include "engine/workload/RunExplanations.h"

#include "engine/explain/ExplanationEvent.h"
#include "engine/trace/TraceLog.h"
#include "engine/workload/DeferredExplanations.h"

namespace txs {

RunExplanations::RunExplanations(std::shared_ptr<TraceLog> trace, JournalMode mode, ErrorExplainer explainer)
    : trace_(std::move(trace)), explainer_(std::move(explainer))
{
    if (explainer_) return;
    auto fromLog = std::make_shared<Explainer>(mode, trace_);
    explainer_ = [fromLog](const Error& error, std::uint32_t connection, const BlockedWait* blocked) {
        return fromLog->explainTyped(error, connection, blocked);
    };
    if (trace_)
        deferred_ = std::make_unique<DeferredExplanations>(
            fromLog, trace_,
            [this](const Explanation& x, const Event& event, std::string_view why, const Error& error) {
                countCause(x, event, why, error);
            });
}

RunExplanations::~RunExplanations() = default;

void RunExplanations::countCause(const Explanation& x, const Event& explanation, std::string_view why,
                                 const Error& error)
{
    std::lock_guard lock(causesMutex_);
    if (x.empty())
        causes_.apply(explanation, error.describe());
    else
        causes_.apply(explanation, why);
}

RunExplanations::Explained RunExplanations::explain(const Error& error, std::uint32_t connection,
                                                    const BlockedWait* blocked, bool stillBlocked,
                                                    std::int64_t nowNs)
{
    const Explanation x = explainer_ ? explainer_(error, connection, blocked) : Explanation{};
    Event event = explanationEvent(x, error, connection, stillBlocked);
    event.timeNs = nowNs;
    if (!stillBlocked) countCause(x, event, event.text, error);
    if (x.empty() || !trace_) return {};
    Explained out{event.text, x.fix};
    trace_->append(std::move(event));
    return out;
}

bool RunExplanations::defers(const Error& error) const
{
    return deferred_ && deferred_->defers(error);
}

RunExplanations::Explained RunExplanations::deferWorker(const Error& error, std::uint32_t connection,
                                                        bool needWhy)
{
    const auto x = deferred_->defer(error, connection, needWhy);
    if (!x || x->empty()) return {};
    return {x->why(), x->fix};
}

void RunExplanations::nameConnection(std::uint32_t id, const std::string& name)
{
    std::lock_guard lock(causesMutex_);
    causes_.nameConnection(id, name);
}

void RunExplanations::beginWorkers()
{
    if (deferred_) deferred_->begin();
}

void RunExplanations::endWorkers()
{
    if (deferred_) deferred_->end(); // the errors no reader has explained yet
}

std::vector<Cause> RunExplanations::causes(std::map<std::uint32_t, std::string>& connectionNames) const
{
    std::lock_guard lock(causesMutex_);
    std::vector<Cause> sorted = causes_.byCount();
    connectionNames.clear();
    for (const auto& cause : sorted)
        for (std::uint32_t id : cause.connections)
            connectionNames.emplace(id, causes_.nameOf(id));
    return sorted;
}

} // namespace txs
