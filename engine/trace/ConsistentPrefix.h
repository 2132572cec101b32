#pragma once
// How a TraceLog reader turns per-thread buffers back into one total order.

#include "engine/trace/Event.h"
#include "engine/trace/EventKindSet.h"
#include "engine/trace/ThreadEventBuffer.h"

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

namespace txs {

// Appends to `out`, in seq order, the published events with seq in [from, end) and returns end:
// the first seq at or after `from` that no buffer has published. Each buffer is binary-searched
// for `from`, then the buffers are k-way merged, so an incremental read costs
// O(buffers * log(events)) plus the events it returns. Every seq below `from` must already be
// published or dropped (`from` is 0, an end returned before, or the log's drop floor): then the
// result has no hole, and a later read from its end continues it. The caller keeps the buffers'
// chunks alive meanwhile (TraceLog holds its reclaim lock shared); only live slots are read.
// At most `maxEvents` are returned: end is then from + maxEvents, and a read from it continues.
std::uint64_t readConsistentPrefix(std::span<const ThreadEventBuffer* const> buffers, std::uint64_t from,
                                   std::vector<Event>& out, std::uint64_t maxEvents = UINT64_MAX);

// The same events, handed to `visit` in seq order where they lie, without copying them (the
// explainer reads every event of a workers run and keeps almost none: copying each with its
// text cost more than explaining). `visit` runs under the caller's guard of the chunks, so it
// must not append to the log.
std::uint64_t visitConsistentPrefix(std::span<const ThreadEventBuffer* const> buffers, std::uint64_t from,
                                    const std::function<void(const Event&)>& visit);

// A reference to a callable `void(const Event& fields, std::string_view text)` (the caller's,
// which must outlive the call it is passed to): no std::function per read, one indirect call
// per event.
class EventFieldsVisitor
{
public:
    template <class F>
    requires(!std::is_same_v<std::remove_cvref_t<F>, EventFieldsVisitor>)
        EventFieldsVisitor(F&& f) // NOLINT: implicit, like std::function
        : object_(const_cast<void*>(static_cast<const void*>(&f))),
          call_([](void* o, const Event& e, std::string_view text) {
              (*static_cast<std::remove_reference_t<F>*>(o))(e, text);
          })
    {}
    void operator()(const Event& fields, std::string_view text) const { call_(object_, fields, text); }

private:
    void* object_;
    void (*call_)(void*, const Event&, std::string_view);
};

// The same events, as their typed fields (the Event's text left empty) and a view of their text
// where it lies, valid during the call only: for a reader that keeps a few texts of what it
// reads (the explainer keeps a connection's name and its statement, nothing else), so no text
// is copied for the rest. Only events of a kind in `kinds` are visited; the others are passed
// over undecoded (the returned end is the same: they are read, not visited).
std::uint64_t visitConsistentPrefixFields(std::span<const ThreadEventBuffer* const> buffers,
                                          std::uint64_t from, EventFieldsVisitor visit,
                                          EventKindSet kinds = EventKindSet::all());

} // namespace txs
