#include "engine/explain/ExplanationEvent.h"

namespace txs {

namespace {

// detail: bit 15 still blocked; bits 8..14 the held resource + 1 (0: no holder known);
// bits 0..7 the held level.
constexpr std::uint16_t kStillBlocked = 0x8000;

} // namespace

Event explanationEvent(const Explanation& x, const Error& error, std::uint32_t connection, bool stillBlocked)
{
    Event e;
    e.kind = EventKind::Explanation;
    e.connection = connection;
    e.a = static_cast<std::int64_t>(x.id);
    e.b = error.extendedCode;
    e.rowid = x.holder;
    std::uint16_t detail = stillBlocked ? kStillBlocked : 0;
    if (x.holder != 0)
        detail |= static_cast<std::uint16_t>(((static_cast<unsigned>(x.heldResource) + 1) & 0x7F) << 8 |
                                             (static_cast<unsigned>(x.heldLevel) & 0xFF));
    e.detail = detail;
    e.text = x.why(); // the fix is the rule's (explainRuleFix): not repeated in every event
    return e;
}

ExplanationFacts explanationFacts(const Event& e)
{
    ExplanationFacts f;
    // A number this build does not know (a newer session) reads as unexplained.
    f.rule = explainRuleOf(e.a);
    f.code = static_cast<int>(e.b);
    f.stillBlocked = (e.detail & kStillBlocked) != 0;
    const unsigned resourcePlusOne = (e.detail >> 8) & 0x7F;
    if (resourcePlusOne != 0 && e.rowid > 0 && e.rowid <= UINT32_MAX) {
        f.holderKnown = true;
        f.holder = static_cast<std::uint32_t>(e.rowid);
        f.heldResource = static_cast<LockResource>(resourcePlusOne - 1);
        f.heldLevel = static_cast<LockLevel>(e.detail & 0xFF);
    }
    return f;
}

} // namespace txs
