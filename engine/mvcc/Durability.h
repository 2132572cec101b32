#pragma once
// What keeps an MVCC database's commits: MvccStore calls it inside the commit protocol (after
// validation, before the transaction becomes Committed) and for DDL. An in-memory database has
// none. The file implementation (FileDurability) writes the logical log beside a SQLite file
// and checkpoints into that file.

#include "engine/api/Error.h"
#include "engine/mvcc/SyncCounts.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace txs::mvcc {

struct AlterPlan;
struct Transaction;
struct LogOp;

struct CheckpointResult
{
    std::uint64_t checkpointTs = 0; // every commit at or below it is now in the SQLite file
    std::uint64_t rowsWritten = 0;
    std::uint64_t batches = 0; // SQLite transactions it took (Durability::setCheckpointBatchRows)
    std::uint64_t logBytesBefore = 0, logBytesAfter = 0;
};

class Durability
{
public:
    virtual ~Durability() = default;

    // Appends the transaction's frame and, under synchronous=FULL, makes it durable. `appended`
    // tells a failed append (nothing logged: the transaction must abort) from a failed sync
    // (logged, so it must commit, but COMMIT reports the error).
    virtual std::optional<Error> logCommit(const Transaction& tx, std::uint64_t commitTs, bool& appended) = 0;
    // Autocommit DDL: a frame of the one op (LogOp::isDdl), always synced.
    virtual std::optional<Error> logDdl(const LogOp& op, std::uint64_t ts) = 0;
    // Group commit's "in flight": a transaction at synchronous=FULL made its first write
    // (entered), then reached COMMIT or rolled back (left). A sync leader waits for these.
    virtual void writerEntered() {}
    virtual void writerLeft() {}
    // ALTER TABLE (FileAlter.cpp): applied to the file itself, after a checkpoint, by SQLite's own
    // ALTER TABLE, with the records of the table, its indexes, the views and the triggers updated, in one
    // SQLite transaction. `timestamp` is called once the file holds every commit, for the DDL's timestamp
    // (registered as preparing), which the file then records as checkpointed; `ts` gets it (0 when
    // it was not called). The caller holds the exclusive slot: no commit runs meanwhile.
    virtual std::optional<Error> alterTable(std::string_view statement, const AlterPlan& plan,
                                            std::uint64_t createdTs,
                                            const std::function<std::uint64_t()>& timestamp,
                                            std::uint64_t& ts) = 0;
    // After a commit has finished (no locks held): when the log passed the threshold, wakes the
    // checkpointer thread (the committing thread does not checkpoint).
    virtual void afterCommit() = 0;

    virtual std::optional<Error> checkpoint(CheckpointResult& result) = 0;
    // The log holds frames the file does not have yet (commits since the last checkpoint,
    // recovered ones included).
    virtual bool holdsFrames() const = 0;
    virtual void setCheckpointThreshold(std::uint64_t bytes) = 0;
    virtual std::uint64_t checkpointThreshold() const = 0;
    // Rows a checkpoint writes per SQLite transaction (its batches; the last one also records
    // the checkpointed timestamp).
    virtual void setCheckpointBatchRows(std::uint64_t rows) = 0;
    // For crash tests: called on the checkpointing thread after each batch but the last has
    // committed (with its number in this checkpoint, from 1), i.e. while the checkpoint is half
    // done. Set before the first commit.
    virtual void setBatchCommittedHook(std::function<void(std::uint64_t batch)> hook) = 0;
    // What recovery found at open (torn or corrupt tail ...), for the caller.
    virtual std::vector<std::string> recoveryNotes() const = 0;
    virtual std::uint64_t logSyncs() const = 0;
    virtual SyncCounts syncCounts() const { return {}; }
    // For tests: the log's group commit calls `hook(fd)` instead of fdatasync(fd) (0, or -1 with
    // errno set). Set before the first commit.
    virtual void setSyncHook(std::function<int(int fd)> hook) { (void)hook; }
};

} // namespace txs::mvcc
