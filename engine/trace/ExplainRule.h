#pragma once
// Which rule of SQLite or of the MVCC engine an explanation applies: the typed half of an
// Explanation event (its `a`), so that causes are grouped without reading any text, and the
// fix each rule prescribes, so that no view splits it out of a paragraph.
//
// The numbers are stored in saved sessions: append new rules at the end, never renumber.

#include <cstdint>

namespace txs {

enum class ExplainRule : std::int64_t {
    Unexplained = 0, // not a concurrency error (syntax, constraint...): counted, not explained
    MvccDoomed = 1,
    MvccSameKeyInsert = 2,
    MvccWriteWrite = 3,
    MvccSchemaChanged = 4,
    MvccStaleSnapshot = 5,
    MvccCommitWaitsExclusive = 6,
    MvccExclusiveSlot = 7,
    WalStaleSnapshot = 8,
    WalRecovery = 9,
    LeaveWalLocked = 10,
    JournalModeLocked = 11,
    BusyUnknownHolder = 12,
    DeferredUpgradeDeadlock = 13,
    OneWriterReserved = 14,
    CommitWaitsReaders = 15,
    AutocommitWaitsReaders = 16,
    SpillWaitsReaders = 17,
    WriterRefusesReaders = 18,
    WalReadThenWrite = 19,
    WalOneWriter = 20,
    CheckpointBlocked = 21,
    OtherLock = 22,
    MvccDangerousStructure = 23, // serializable isolation refused a COMMIT (engine/mvcc/SsiTracker.h)
};

constexpr std::int64_t kExplainRuleCount = 24;

// A stable name for JSON and the CLI: "wal-one-writer", "deferred-upgrade-deadlock", ...
// "unknown" for a number this build does not know (a newer session file).
const char* explainRuleName(ExplainRule rule);

// What fixes an error the rule explains: one sentence for people, the same wherever it shows
// (CLI, --json, Chrome trace, the workbench). Empty for Unexplained and unknown numbers.
const char* explainRuleFix(ExplainRule rule);

// The rule an Explanation event's `a` names; Unexplained for a number this build does not know.
constexpr ExplainRule explainRuleOf(std::int64_t a)
{
    return a >= 0 && a < kExplainRuleCount ? static_cast<ExplainRule>(a) : ExplainRule::Unexplained;
}

// Set in an Explanation event's detail when its `table` names the StatementEnd it explains.
constexpr std::uint16_t kExplanationNamesStatementEnd = 0x0080;

// The seq of the StatementEnd an Explanation event explains when it was written later, from
// the log (a workers phase); 0 when it explains the connection's previous event (EventKind's
// Explanation). Its `table` holds the low 32 bits: the nearest such seq before the event.
constexpr std::uint64_t explainedStatementEnd(std::uint64_t explanationSeq, std::uint16_t detail,
                                              std::uint32_t table)
{
    if (!(detail & kExplanationNamesStatementEnd)) return 0;
    const std::uint32_t distance = static_cast<std::uint32_t>(explanationSeq) - table; // modulo 2^32
    return explanationSeq - distance;
}

} // namespace txs
