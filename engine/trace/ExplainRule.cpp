#include "engine/trace/ExplainRule.h"

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

const char* explainRuleFix(ExplainRule rule)
{
    switch (rule) {
    case ExplainRule::Unexplained:
        return "";
    case ExplainRule::MvccDoomed:
        return "ROLLBACK, then retry the whole transaction from BEGIN.";
    case ExplainRule::MvccSameKeyInsert:
        return "ROLLBACK and retry the whole transaction (the seed's retry loop does exactly this); keep "
               "transactions short; where the same rows are always contended, serialize those writers "
               "with BEGIN IMMEDIATE.";
    case ExplainRule::MvccWriteWrite:
        return "ROLLBACK and retry the whole transaction (the seed's retry loop does exactly this); keep "
               "transactions short; where the same rows are always contended, serialize those writers "
               "with BEGIN IMMEDIATE.";
    case ExplainRule::MvccSchemaChanged:
        return "ROLLBACK and retry the whole transaction; run DDL when no writers are active (e.g. at "
               "startup).";
    case ExplainRule::MvccStaleSnapshot:
        return "ROLLBACK and retry the whole transaction; start transactions that will write with BEGIN "
               "IMMEDIATE, or use BEGIN CONCURRENT so writers run in parallel.";
    case ExplainRule::MvccCommitWaitsExclusive:
        return "Retry COMMIT once the exclusive transaction ends (set busy_timeout to wait "
               "automatically); avoid mixing exclusive and concurrent writers.";
    case ExplainRule::MvccExclusiveSlot:
        return "Use BEGIN CONCURRENT so writers run in parallel (conflicts only on the same rows); or "
               "set busy_timeout so waiting writers queue instead of failing; keep exclusive "
               "transactions short.";
    case ExplainRule::WalStaleSnapshot:
        return "ROLLBACK and retry the whole transaction; start transactions that will write with BEGIN "
               "IMMEDIATE so they take the write lock before reading.";
    case ExplainRule::WalRecovery:
        return "Set busy_timeout so connections wait out recovery.";
    case ExplainRule::LeaveWalLocked:
        return "Close the other connections before changing the journal mode (or change it before they "
               "open the database); the mode is persistent in the file, so switch it once, not per run.";
    case ExplainRule::JournalModeLocked:
        return "Set busy_timeout first, check the current mode before switching, and switch once at "
               "start-up (the mode is persistent in the file), retrying on BUSY.";
    case ExplainRule::BusyUnknownHolder:
        return "Set busy_timeout; keep transactions short; use WAL; start writing transactions with "
               "BEGIN IMMEDIATE.";
    case ExplainRule::DeferredUpgradeDeadlock:
        return "Start transactions that will write with BEGIN IMMEDIATE (take RESERVED before reading); "
               "on BUSY, ROLLBACK and retry the whole transaction; or use WAL or BEGIN CONCURRENT on the "
               "MVCC engine.";
    case ExplainRule::OneWriterReserved:
        return "Raise busy_timeout; keep write transactions short; or use BEGIN CONCURRENT on the MVCC "
               "engine so writers to different rows run in parallel.";
    case ExplainRule::CommitWaitsReaders:
        return "Retry COMMIT; keep read transactions short; use WAL, where readers never block a writer; "
               "set busy_timeout.";
    case ExplainRule::AutocommitWaitsReaders:
        return "Keep read transactions short; use WAL, where readers never block a writer; set "
               "busy_timeout.";
    case ExplainRule::SpillWaitsReaders:
        return "Keep read transactions short; use WAL, where readers never block a writer; set "
               "busy_timeout; raise cache_size for big transactions.";
    case ExplainRule::WriterRefusesReaders:
        return "Set busy_timeout so readers wait out the commit; use WAL, where readers and the writer "
               "never block each other.";
    case ExplainRule::WalReadThenWrite:
        return "Start writing transactions with BEGIN IMMEDIATE; on BUSY, ROLLBACK and retry the whole "
               "transaction.";
    case ExplainRule::WalOneWriter:
        return "Raise busy_timeout; keep write transactions short; batch writes; or use BEGIN CONCURRENT "
               "on the MVCC engine.";
    case ExplainRule::CheckpointBlocked:
        return "Reset finished statements and end read transactions promptly; checkpoint when the "
               "database is idle; set journal_size_limit.";
    case ExplainRule::OtherLock:
        return "Set busy_timeout; keep transactions short.";
    case ExplainRule::MvccDangerousStructure:
        return "ROLLBACK and retry the whole transaction: it will see the others' commits and decide again "
               "(the seed's retry loop does exactly this). Keep serializable transactions short and their "
               "reads narrow (key lookups rather than whole-table scans) to meet fewer such structures.";
    }
    return "";
}

} // namespace txs
