#include "engine/explain/ExplainRule.h"

namespace txs {

const char* explainRuleName(ExplainRule rule)
{
    switch (rule) {
    case ExplainRule::Unexplained:
        return "unexplained";
    case ExplainRule::MvccDoomed:
        return "mvcc-doomed";
    case ExplainRule::MvccSameKeyInsert:
        return "mvcc-same-key-insert";
    case ExplainRule::MvccWriteWrite:
        return "mvcc-write-write";
    case ExplainRule::MvccSchemaChanged:
        return "mvcc-schema-changed";
    case ExplainRule::MvccStaleSnapshot:
        return "mvcc-stale-snapshot";
    case ExplainRule::MvccCommitWaitsExclusive:
        return "mvcc-commit-waits-exclusive";
    case ExplainRule::MvccExclusiveSlot:
        return "mvcc-exclusive-slot";
    case ExplainRule::WalStaleSnapshot:
        return "wal-stale-snapshot";
    case ExplainRule::WalRecovery:
        return "wal-recovery";
    case ExplainRule::LeaveWalLocked:
        return "leave-wal-locked";
    case ExplainRule::JournalModeLocked:
        return "journal-mode-locked";
    case ExplainRule::BusyUnknownHolder:
        return "busy-unknown-holder";
    case ExplainRule::DeferredUpgradeDeadlock:
        return "deferred-upgrade-deadlock";
    case ExplainRule::OneWriterReserved:
        return "one-writer-reserved";
    case ExplainRule::CommitWaitsReaders:
        return "commit-waits-readers";
    case ExplainRule::AutocommitWaitsReaders:
        return "autocommit-waits-readers";
    case ExplainRule::SpillWaitsReaders:
        return "spill-waits-readers";
    case ExplainRule::WriterRefusesReaders:
        return "writer-refuses-readers";
    case ExplainRule::WalReadThenWrite:
        return "wal-read-then-write";
    case ExplainRule::WalOneWriter:
        return "wal-one-writer";
    case ExplainRule::CheckpointBlocked:
        return "checkpoint-blocked";
    case ExplainRule::OtherLock:
        return "other-lock";
    case ExplainRule::MvccDangerousStructure:
        return "mvcc-dangerous-structure";
    }
    return "unknown";
}

} // namespace txs
