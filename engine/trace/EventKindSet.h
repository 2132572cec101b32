#pragma once
// A set of event kinds, one bit each: what a reader of the log wants handed to it. A reader that
// needs a few kinds (the explainer) names them, and the read skips every other event before
// decoding it (ThreadEventBuffer::readFieldsIfInto).

#include "engine/trace/Event.h"

#include <cstdint>
#include <initializer_list>

namespace txs {

static_assert(kEventKindCount <= 64, "an EventKindSet holds one bit per kind in 64 bits");

class EventKindSet
{
public:
    constexpr EventKindSet() = default;
    constexpr EventKindSet(std::initializer_list<EventKind> kinds)
    {
        for (EventKind k : kinds)
            bits_ |= bit(k);
    }
    static constexpr EventKindSet all()
    {
        EventKindSet s;
        s.bits_ = ~std::uint64_t{0};
        return s;
    }
    constexpr bool contains(EventKind k) const
    {
        const auto n = static_cast<unsigned>(k);
        return n < 64 && ((bits_ >> n) & 1) != 0;
    }

private:
    static constexpr std::uint64_t bit(EventKind k) { return std::uint64_t{1} << static_cast<unsigned>(k); }
    std::uint64_t bits_ = 0;
};

} // namespace txs
