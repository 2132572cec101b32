#include "engine/trace/LiveCounts.h"

namespace txs {

LiveCounts::~LiveCounts()
{
    for (auto& page : pages_)
        delete[] page.load(std::memory_order_relaxed);
}

LiveCounts::Slot& LiveCounts::newSlot(std::uint32_t connection)
{
    const std::uint32_t p = connection >> kPageBits;
    if (p >= kPages) {
        std::lock_guard lock(overflowMutex_);
        auto& slot = overflow_[connection];
        if (!slot) slot = std::make_unique<Slot>();
        return *slot;
    }
    Slot* page = pages_[p].load(std::memory_order_acquire);
    if (!page) {
        auto* fresh = new Slot[kPageSize];
        if (pages_[p].compare_exchange_strong(page, fresh, std::memory_order_acq_rel))
            page = fresh;
        else
            delete[] fresh; // another connection's thread made it first; `page` is theirs
        std::uint32_t used = pagesUsed_.load(std::memory_order_relaxed);
        while (used < p + 1 && !pagesUsed_.compare_exchange_weak(used, p + 1, std::memory_order_release))
            ;
    }
    return page[connection & (kPageSize - 1)];
}

MetricsAt LiveCounts::totals() const
{
    MetricsAt m;
    auto add = [&m](const Slot& slot) {
        for (std::size_t k = 0; k < kCountedKinds; ++k)
            addTo(m, static_cast<Counted>(k), slot.settled[k].load(std::memory_order_relaxed));
        if (const std::int8_t p = slot.pending.load(std::memory_order_relaxed); p >= 0)
            addTo(m, static_cast<Counted>(p));
    };
    const std::uint32_t used = pagesUsed_.load(std::memory_order_acquire);
    for (std::uint32_t p = 0; p < used; ++p)
        if (const Slot* page = pages_[p].load(std::memory_order_acquire))
            for (std::uint32_t i = 0; i < kPageSize; ++i)
                add(page[i]);
    std::lock_guard lock(overflowMutex_);
    for (const auto& [id, slot] : overflow_)
        add(*slot);
    return m;
}

} // namespace txs
