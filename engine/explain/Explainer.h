#pragma once
// Explains every SQLITE_BUSY and every MVCC conflict in plain words: which connection held which
// lock, which rule of SQLite (or of the MVCC engine) applied, and what fixes it.

#include "engine/api/Error.h"
#include "engine/api/JournalMode.h"
#include "engine/explain/ExplainContext.h"
#include "engine/explain/ExplainRule.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace txs {

class TraceLog;

struct Explanation
{
    std::string what; // what happened, with names: "A wanted RESERVED while B held RESERVED ..."
    std::string rule; // the rule that applied, and why it exists
    std::string fix;  // what to change: the rule's (explainRuleFix), empty when unexplained

    // Typed, for grouping explanations into causes without reading the text above.
    ExplainRule id = ExplainRule::Unexplained;
    // The first connection whose lock stood in the way, and what it held (when known).
    std::uint32_t holder = 0;
    LockResource heldResource = LockResource::DbFile;
    LockLevel heldLevel = LockLevel::None;

    bool empty() const { return id == ExplainRule::Unexplained; }
    // What happened and the rule, as one paragraph (the Fix is apart, in `fix`); empty when there
    // is no explanation.
    std::string why() const;
};

// Pure: explains `error` that connection `connection` got, from its context.
Explanation explainError(const Error& error, std::uint32_t connection, const ExplainContext& context,
                         JournalMode mode);

// Follows a trace log and explains errors as they happen. Thread-safe; each call reads only
// the events appended since the previous one.
class Explainer
{
public:
    Explainer(JournalMode mode, std::shared_ptr<TraceLog> trace);
    // `blocked`: the statement is held by the step runner as blocked (see BlockedWait).
    // The paragraph (Explanation::why()); empty when there is nothing to explain.
    std::string explain(const Error& error, std::uint32_t connection, const BlockedWait* blocked = nullptr);
    // The same, with its typed parts.
    Explanation explainTyped(const Error& error, std::uint32_t connection,
                             const BlockedWait* blocked = nullptr);

private:
    JournalMode mode_;
    std::shared_ptr<TraceLog> trace_;
    std::mutex mutex_;
    std::uint64_t nextSeq_ = 0;
    ExplainContext context_;
    std::vector<Event> events_; // the batch read last
};

} // namespace txs
