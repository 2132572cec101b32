#include "engine/explain/ExplanationEvent.h"

namespace txs {

namespace {

// detail: bit 15 still blocked; bits 8..14 the held resource + 1 (0: no holder known); bit 7
// set when `table` names the StatementEnd explained; bits 0..6 the held level.
constexpr std::uint16_t kStillBlocked = 0x8000;
constexpr std::uint16_t kNamesStatementEnd = kExplanationNamesStatementEnd;

} // namespace

Event explanationEvent(const Explanation& x, const Error& error, std::uint32_t connection, bool stillBlocked,
                       std::uint64_t statementEndSeq)
{
    Event e = explanationEventFields(x, error, connection, stillBlocked, statementEndSeq);
    e.text = x.why(); // the fix is the rule's (explainRuleFix): not repeated in every event
    return e;
}

Event explanationEventFields(const Explanation& x, const Error& error, std::uint32_t connection,
                             bool stillBlocked, std::uint64_t statementEndSeq)
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
                                             (static_cast<unsigned>(x.heldLevel) & 0x7F));
    if (statementEndSeq != 0) {
        // Its low 32 bits: the StatementEnd is at most a window of events before this one, so
        // the reader recovers the whole seq from the Explanation's own (explanationFacts).
        e.table = static_cast<std::uint32_t>(statementEndSeq);
        detail |= kNamesStatementEnd;
    }
    e.detail = detail;
    return e;
}

ExplanationFacts explanationFacts(const Event& e)
{
    ExplanationFacts f;
    // A number this build does not know (a newer session) reads as unexplained.
    f.rule = explainRuleOf(e.a);
    f.code = static_cast<int>(e.b);
    f.stillBlocked = (e.detail & kStillBlocked) != 0;
    f.statementEndSeq = explainedStatementEnd(e.seq, e.detail, e.table);
    const unsigned resourcePlusOne = (e.detail >> 8) & 0x7F;
    if (resourcePlusOne != 0 && e.rowid > 0 && e.rowid <= UINT32_MAX) {
        f.holderKnown = true;
        f.holder = static_cast<std::uint32_t>(e.rowid);
        f.heldResource = static_cast<LockResource>(resourcePlusOne - 1);
        f.heldLevel = static_cast<LockLevel>(e.detail & 0x7F);
    }
    return f;
}

} // namespace txs
