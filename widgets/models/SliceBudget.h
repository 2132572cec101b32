#pragma once
// A drain slice's time budget, read on a clock a test can drive.
//
// The window's drain applies a slice of events and stops once its budget is spent: it asks
// spent() every kCheckEvery events, so a slice ends after the check that crossed the budget,
// whatever an event costs (a slice sized only from the previous slices' cost per event overran
// whenever that cost jumped). The clock is CLOCK_MONOTONIC unless a test sets its own.

#include <cstdint>
#include <functional>

namespace txs::models {

class SliceBudget
{
public:
    using Clock = std::function<std::int64_t()>; // ns, never decreasing
    static std::int64_t steadyNs();

    // null: the steady clock again.
    void setClock(Clock clock) { clock_ = clock ? std::move(clock) : Clock(&steadyNs); }
    // 0 (the default): no budget, spent() is never true.
    void setBudgetNs(std::int64_t ns) { budgetNs_ = ns > 0 ? ns : 0; }
    std::int64_t budgetNs() const { return budgetNs_; }
    bool isSet() const { return budgetNs_ > 0; }

    void start() { startNs_ = clock_(); }
    std::int64_t elapsedNs() const { return clock_() - startNs_; }
    // reserveNs: work still to come in the same turn (the views' handlers on what was applied).
    bool spent(std::int64_t reserveNs = 0) const
    {
        return budgetNs_ > 0 && elapsedNs() + reserveNs >= budgetNs_;
    }

private:
    Clock clock_ = &steadyNs;
    std::int64_t budgetNs_ = 0;
    std::int64_t startNs_ = 0;
};

} // namespace txs::models
