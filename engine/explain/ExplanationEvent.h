#pragma once
// The Explanation event of the trace log, written and read in one place. Its typed fields (see
// EventKind::Explanation in engine/trace/Event.h) let causes be grouped without reading text.
// Its text is the why only (what happened and the rule, Explanation::why()); the fix is the
// rule's, explainRuleFix(explainRuleOf(a)), so no reader cuts a paragraph at "Fix:".

#include "engine/api/Error.h"
#include "engine/explain/Explainer.h"
#include "engine/trace/Event.h"

#include <cstdint>

namespace txs {

// `stillBlocked`: the explanation is of a statement the step runner holds as blocked (it will be
// tried again): it is no error (yet), and causes do not count it. `statementEndSeq`: the seq of
// the error's StatementEnd when the explanation is written later, from the log (0: it follows
// that StatementEnd as the connection's next event).
Event explanationEvent(const Explanation& explanation, const Error& error, std::uint32_t connection,
                       bool stillBlocked, std::uint64_t statementEndSeq = 0);

// The same without its text (the why): for a writer that has the paragraph written already and
// appends it beside the event (TraceLog::append(event, text)).
Event explanationEventFields(const Explanation& explanation, const Error& error, std::uint32_t connection,
                             bool stillBlocked, std::uint64_t statementEndSeq = 0);

// What an Explanation event says, decoded from its typed fields only.
struct ExplanationFacts
{
    ExplainRule rule = ExplainRule::Unexplained;
    int code = 0; // the error's extended result code
    bool stillBlocked = false;
    bool holderKnown = false; // the three below are set
    std::uint32_t holder = 0;
    LockResource heldResource = LockResource::DbFile;
    LockLevel heldLevel = LockLevel::None;
    // The seq of the StatementEnd it explains; 0: the connection's statement that ended just
    // before it (its previous event).
    std::uint64_t statementEndSeq = 0;
};
ExplanationFacts explanationFacts(const Event& explanationEvent);

} // namespace txs
