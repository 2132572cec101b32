#pragma once
// An MVCC database on a file: x.db is a real SQLite database holding the rows as of the last
// checkpoint (plus __txscope_mvcc_meta: each table's CREATE TABLE and the checkpointed
// timestamp), and x.db-log the logical log of every commit since (LogFormat.h).
//
// Open: load the tables and rows from x.db, replay the log's frames newer than the checkpoint,
// stop at the first torn or corrupt frame (reported in recoveryNotes() and as a Note event).
// Commit: one frame per transaction, appended under the log's lock only; group-commit fsync
// under synchronous=FULL. Checkpoint: FileCheckpoint.cpp.

#include "engine/mvcc/Durability.h"
#include "engine/mvcc/LogFile.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

struct sqlite3;

namespace txs::mvcc {

class MvccStore;

class FileDurability final : public Durability
{
public:
    // Opens or creates `path` and its log, loads everything into `store` (which must be empty).
    // On failure returns null and a message naming the file at fault.
    static std::unique_ptr<FileDurability> open(const std::string& path, MvccStore& store,
                                                std::string& error);
    ~FileDurability() override;

    std::optional<Error> logCommit(const Transaction& tx, std::uint64_t commitTs, bool& appended) override;
    std::optional<Error> logCreateTable(const std::string& name, const std::string& createSql,
                                        std::uint64_t ts) override;
    std::optional<Error> logDropTable(const std::string& name, std::uint64_t ts) override;
    void afterCommit() override;
    std::optional<Error> checkpoint(CheckpointResult& result) override;
    void setCheckpointThreshold(std::uint64_t bytes) override;
    std::uint64_t checkpointThreshold() const override { return threshold_.load(); }
    std::vector<std::string> recoveryNotes() const override { return notes_; }
    std::uint64_t logSyncs() const override { return log_->syncs(); }

    // Turso's default: 4,120,000 bytes of log.
    static constexpr std::uint64_t defaultThreshold = 4'120'000;

private:
    FileDurability(std::string path, sqlite3* db, MvccStore& store);
    std::optional<std::string> load(std::uint64_t& checkpointTs);
    std::optional<std::string> recover(const std::string& contents);
    std::optional<Error> appendDdl(const std::string& frame);
    std::optional<Error> runCheckpoint(CheckpointResult& result);
    // The CREATE TABLE statement to run on x.db for one read from the log: rebuilt from its
    // parsed structure (never the logged text itself), or nullopt with `why` when it is not a
    // statement TxScope writes.
    static std::optional<std::string> rebuiltCreate(const std::string& logged, std::string& why);

    const std::string path_;
    sqlite3* db_; // our own connection to x.db, used by load and checkpoint only
    MvccStore& store_;
    std::unique_ptr<LogFile> log_;
    std::vector<std::string> notes_;

    std::mutex checkpointMutex_;     // one checkpoint at a time
    std::uint64_t checkpointTs_ = 0; // guarded by checkpointMutex_ (set at open before sharing)
    std::atomic<std::uint64_t> appendedAtCheckpoint_{0};
    std::atomic<std::uint64_t> threshold_{defaultThreshold};
};

} // namespace txs::mvcc
