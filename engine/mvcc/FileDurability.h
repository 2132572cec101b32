#pragma once
// An MVCC database on a file: x.db is a real SQLite database holding the rows as of the last
// checkpoint (plus __txscope_mvcc_meta: each table's CREATE TABLE and the checkpointed
// timestamp), and x.db-log the logical log of every commit since (LogFormat.h).
//
// Open: refuse a file that is corrupt (quick_check), holds objects the engine cannot take,
// or is already open in another engine (DatabaseLock, by file identity), and a log that does
// not belong to the file (its salt); load the tables and rows from x.db, replay the log's
// frames newer than the checkpoint. A torn tail is cut off (reported in recoveryNotes() and as
// a Note event); a bad frame with valid frames after it is refused unless the caller accepts
// losing them (DamagedLog::Truncate). Nothing is written at open: the meta table, the salt and
// the log are created by the first write, so a read-only workload leaves the files unchanged.
// Commit: one frame per transaction, appended under the log's lock only; group-commit fsync
// under synchronous=FULL. Checkpoint: FileCheckpoint.cpp.

#include "engine/api/Database.h"
#include "engine/mvcc/DatabaseLock.h"
#include "engine/mvcc/Durability.h"
#include "engine/mvcc/LogFile.h"
#include "engine/mvcc/TableSchema.h"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

struct sqlite3;

namespace txs::mvcc {

class MvccStore;
struct LogOp;
class LogWindow;
class Table;

class FileDurability final : public Durability
{
public:
    // Opens or creates `path` and its log, loads everything into `store` (which must be empty).
    // On failure returns null and an error naming the file at fault, with the code that says
    // why (SQLITE_BUSY: in use or locked, SQLITE_READONLY, SQLITE_CORRUPT, else SQLITE_CANTOPEN).
    static std::unique_ptr<FileDurability> open(const std::string& path, MvccStore& store,
                                                DamagedLog damagedLog, Error& error);
    ~FileDurability() override;

    std::optional<Error> logCommit(const Transaction& tx, std::uint64_t commitTs, bool& appended) override;
    // DDL ops (tables, indexes, views, triggers) go into frames through FrameWriter::ddl: alone
    // here, first in a commit frame in logCommit. x.db keeps indexes (FileIndexes.cpp), views
    // (FileViews.cpp) and triggers (FileTriggers.cpp) as real SQLite objects recorded in
    // __txscope_mvcc_meta ('index:<name>', 'view:<name>', 'trigger:<name>').
    std::optional<Error> logDdl(const LogOp& op, std::uint64_t ts) override;
    void writerEntered() override { writersInFlight_.fetch_add(1); }
    void writerLeft() override;
    std::optional<Error> alterTable(std::string_view statement, const AlterPlan& plan,
                                    std::uint64_t createdTs, const std::function<std::uint64_t()>& timestamp,
                                    std::uint64_t& ts) override;
    void afterCommit() override;
    std::optional<Error> checkpoint(CheckpointResult& result) override;
    bool holdsFrames() const override { return logReady_.load(std::memory_order_acquire) && logBytes() > 0; }
    void setCheckpointThreshold(std::uint64_t bytes) override;
    std::uint64_t checkpointThreshold() const override { return threshold_.load(); }
    void setCheckpointBatchRows(std::uint64_t rows) override { batchRows_.store(rows); }
    void setBatchCommittedHook(std::function<void(std::uint64_t)> hook) override
    {
        batchCommitted_ = std::move(hook);
    }
    std::vector<std::string> recoveryNotes() const override { return notes_; }
    std::uint64_t logSyncs() const override { return logReady_.load() ? log_->syncs() : 0; }
    SyncCounts syncCounts() const override { return logReady_.load() ? log_->syncCounts() : SyncCounts{}; }
    void setSyncHook(std::function<int(int fd)> hook) override;

    // Turso's default: 4,120,000 bytes of log.
    static constexpr std::uint64_t defaultThreshold = 4'120'000;
    // Rows per checkpoint batch: bounds the checkpoint's memory (8 bytes a key) and the SQLite
    // transaction's journal, and gives a closing database a point to stop at.
    static constexpr std::uint64_t defaultBatchRows = 65'536;

private:
    FileDurability(std::string path, sqlite3* db, MvccStore& store);
    std::optional<std::string> checkFile();
    std::optional<std::string> readMeta(std::vector<std::pair<std::string, std::uint64_t>>& tables);
    // ExistingFileImport.cpp: the file's objects that __txscope_mvcc_meta does not record (a
    // database the engine did not create, or objects added behind its back) are taken like its
    // own (appended to `tables`, their indexes kept for loadAdoptedIndexes), or the open is
    // refused naming each one it cannot take. Nothing is written at open: the first write records
    // them (recordAdopted, inside writeIdentity's transaction), before a log frame can name them.
    std::optional<std::string> checkOwnership(std::vector<std::pair<std::string, std::uint64_t>>& tables);
    std::optional<std::string> loadAdoptedIndexes();
    std::optional<std::string> recordAdopted();
    std::optional<std::string> openLog(std::uint64_t& logSize);
    std::optional<std::string> load(const std::vector<std::pair<std::string, std::uint64_t>>& tables);
    std::optional<std::string> recover(std::uint64_t logSize, DamagedLog damagedLog);
    // FileIndexes.cpp: the indexes recorded in x.db, loaded after the rows; an index op of the log
    // replayed (empty) or refused (why); one applied to x.db by the checkpoint; the records of a
    // table's indexes forgotten before the table is dropped there.
    std::optional<std::string> loadIndexes();
    std::string replayIndexOp(const LogOp& op);
    std::optional<std::string> checkpointIndexOp(const LogOp& op, std::uint64_t ts);
    bool forgetIndexesOf(const std::string& table);
    std::set<std::string> recordedIndexes() const; // lower-case names
    // FileNamedObjects.cpp: views' and triggers' records ('view' or 'trigger' `kind`): the names,
    // the statements in the order they were made, and a CREATE (`createSql`) or DROP (null) applied
    // to x.db by the checkpoint.
    std::set<std::string> recordedNames(const std::string& kind) const; // lower-case names
    std::optional<std::string> recordedStatements(const std::string& kind,
                                                  std::vector<std::string>& statements) const;
    std::optional<std::string> checkpointNamedOp(const std::string& kind, const std::string& name,
                                                 const std::string* createSql, std::uint64_t ts);
    // FileViews.cpp: the same for views (loaded after the tables, the adopted ones included).
    std::optional<std::string> loadViews();
    std::string replayViewOp(const LogOp& op);
    std::optional<std::string> checkpointViewOp(const LogOp& op, std::uint64_t ts);
    std::set<std::string> recordedViews() const { return recordedNames("view"); }
    // FileTriggers.cpp: the same for triggers (loaded after the views).
    std::optional<std::string> loadTriggers();
    std::string replayTriggerOp(const LogOp& op);
    std::optional<std::string> checkpointTriggerOp(const LogOp& op, std::uint64_t ts);
    std::set<std::string> recordedTriggers() const { return recordedNames("trigger"); }
    std::optional<TriggerSchema> readTrigger(const std::string& sql, Error& error) const;
    std::optional<std::string> saveDiscarded(LogWindow& log, std::uint64_t from, std::string& savedAs);
    std::optional<std::string> writeIdentity();
    std::optional<std::string> upgradeLegacyLog();
    // The first write creates what a read-only run never needs: the meta table and the salt in
    // x.db, then the log with the salt in its header. Cheap once done (an acquire load).
    std::optional<std::string> ensureLog();
    std::optional<Error> appendDdl(const std::string& frame);
    std::optional<Error> runCheckpoint(CheckpointResult& result);
    void checkpointLoop();   // the checkpointer thread
    void stopCheckpointer(); // at close: an automatic checkpoint stops at its next batch
    std::uint64_t logBytes() const;
    // The CREATE TABLE statement to run on x.db for one read from the log: rebuilt from its
    // parsed structure (never the logged text itself), or nullopt with `why` when it is not a
    // statement TxScope writes.
    static std::optional<std::string> rebuiltCreate(const std::string& logged, std::string& why);
    // sqlite_sequence of the file (AUTOINCREMENT tables): read, and raised to a rowid written.
    std::int64_t sequenceOf(const std::string& table);
    bool raiseSequence(const std::string& table, std::int64_t seq);

    const std::string path_;
    std::unique_ptr<DatabaseLock> lock_; // released last: after db_ and the log are closed
    sqlite3* db_; // our own connection to x.db, used at open, by ensureLog and by checkpoint only
    MvccStore& store_;
    std::unique_ptr<LogFile> log_;      // null until the log exists; set before logReady_
    std::atomic<bool> logReady_{false}; // the log exists with its header, the salt is in x.db
    std::mutex initMutex_;              // one ensureLog at a time
    bool hasMeta_ = false;              // x.db has __txscope_mvcc_meta (guarded like db_)
    // Taken from the file, not yet recorded: ('table:<name>' or 'index:<name>', its statement as
    // TxScope writes it); and the indexes to load after the rows (table, CREATE INDEX).
    std::vector<std::pair<std::string, std::string>> adopted_;
    std::vector<std::pair<std::string, std::string>> adoptedIndexes_;
    std::vector<ViewSchema> adoptedViews_;       // taken from the file, loaded by loadViews
    std::vector<TriggerSchema> adoptedTriggers_; // taken from the file, loaded by loadTriggers
    std::optional<std::uint64_t> salt_;          // x.db's identity, once it has one (guarded like db_)
    std::vector<std::string> notes_;
    std::shared_ptr<Table> replayTable_; // recovery: the table of the op replayed last
    int failCode_ = 0;                   // at open: the code of the failure being reported

    std::mutex checkpointMutex_;     // one checkpoint at a time
    std::uint64_t checkpointTs_ = 0; // guarded by checkpointMutex_ (set at open before sharing)
    // DROP INDEX frames logged by this process (counted once durable), and the count the last
    // checkpoint that looked for drops saw (guarded by checkpointMutex_; none yet: look).
    std::atomic<std::uint64_t> indexDropsLogged_{0};
    void countIndexDrops(const std::vector<LogOp>& ops); // after their frame was appended
    std::uint64_t indexDropsCheckpointed_ = UINT64_MAX;
    // The log's frame bytes are log_->appended() - appendedAtCheckpoint_ (mod 2^64): set at
    // open to minus the bytes recovered, so the threshold counts the log's size on disk, not
    // only this process's appends.
    std::atomic<std::uint64_t> appendedAtCheckpoint_{0};
    std::atomic<std::uint64_t> threshold_{defaultThreshold};
    // Write transactions at synchronous=FULL between their first write and COMMIT: the
    // committers a sync leader waits for (LogFile::syncTo).
    std::atomic<int> writersInFlight_{0};
    std::atomic<std::uint64_t> batchRows_{defaultBatchRows};
    std::function<void(std::uint64_t)> batchCommitted_; // set before the first commit (tests)
    std::function<int(int)> syncHook_;                  // the same; given to log_ once it exists

    // The checkpointer: started by the first commit that passes the threshold.
    std::mutex wakeMutex_;
    std::condition_variable wake_;
    std::atomic<bool> wanted_{false};   // a commit passed the threshold since the last run began
    std::atomic<bool> stopping_{false}; // closing
    std::thread checkpointer_;          // guarded by wakeMutex_ (started once)
};

} // namespace txs::mvcc
