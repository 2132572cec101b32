#include "engine/trace/Event.h"

namespace txs {

const char* eventKindName(EventKind kind)
{
    switch (kind) {
    case EventKind::RunBegin:
        return "run-begin";
    case EventKind::RunEnd:
        return "run-end";
    case EventKind::ConnectionOpen:
        return "connection-open";
    case EventKind::ConnectionClose:
        return "connection-close";
    case EventKind::StatementBegin:
        return "statement-begin";
    case EventKind::StatementEnd:
        return "statement-end";
    case EventKind::TxBegin:
        return "tx-begin";
    case EventKind::TxCommit:
        return "tx-commit";
    case EventKind::TxRollback:
        return "tx-rollback";
    case EventKind::TxRetry:
        return "tx-retry";
    case EventKind::TxDoomed:
        return "tx-doomed";
    case EventKind::VersionCreated:
        return "version-created";
    case EventKind::VersionEnded:
        return "version-ended";
    case EventKind::VersionReclaimed:
        return "version-reclaimed";
    case EventKind::Conflict:
        return "conflict";
    case EventKind::LockAcquire:
        return "lock-acquire";
    case EventKind::LockRelease:
        return "lock-release";
    case EventKind::LockWait:
        return "lock-wait";
    case EventKind::BusyHandlerCall:
        return "busy-handler";
    case EventKind::Busy:
        return "busy";
    case EventKind::Checkpoint:
        return "checkpoint";
    case EventKind::TableCreated:
        return "table-created";
    case EventKind::TableDropped:
        return "table-dropped";
    case EventKind::Explanation:
        return "explanation";
    case EventKind::Note:
        return "note";
    case EventKind::StatementBlocked:
        return "statement-blocked";
    case EventKind::RwDependency:
        return "rw-dependency";
    case EventKind::DangerousStructure:
        return "dangerous-structure";
    case EventKind::StatementUnblocked:
        return "statement-unblocked";
    case EventKind::PhaseBegin:
        return "phase-begin";
    case EventKind::VersionRead:
        return "version-read";
    case EventKind::RangeRead:
        return "range-read";
    case EventKind::ProcessStart:
        return "process-start";
    case EventKind::WalGauge:
        return "wal-gauge";
    }
    return "?";
}

const char* lockResourceName(LockResource resource)
{
    switch (resource) {
    case LockResource::DbFile:
        return "db";
    case LockResource::ShmWrite:
        return "WRITE";
    case LockResource::ShmCheckpoint:
        return "CKPT";
    case LockResource::ShmRecover:
        return "RECOVER";
    case LockResource::MvccExclusive:
        return "mvcc-exclusive";
    case LockResource::MvccCommit:
        return "mvcc-commit";
    default:
        break;
    }
    static const char* reads[] = {"READ0", "READ1", "READ2", "READ3", "READ4"};
    const auto i = static_cast<std::int64_t>(resource) - static_cast<std::int64_t>(LockResource::ShmRead0);
    return (i >= 0 && i < 5) ? reads[i] : "?";
}

const char* lockLevelName(LockLevel level)
{
    switch (level) {
    case LockLevel::None:
        return "NONE";
    case LockLevel::Shared:
        return "SHARED";
    case LockLevel::Reserved:
        return "RESERVED";
    case LockLevel::Pending:
        return "PENDING";
    case LockLevel::Exclusive:
        return "EXCLUSIVE";
    }
    return "?";
}

} // namespace txs
