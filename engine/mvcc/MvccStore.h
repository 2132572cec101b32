#pragma once
// The MVCC store: tables of version chains, the clock, transactions and their commit
// protocol (Turso's design, see docs/engine.md), and garbage collection.
//
// Thread model: any number of transactions run in parallel, each used by one thread. Shared
// state is the clock (one mutex, held for short critical sections at begin and commit: the
// timestamps, the preparing set, the exclusive slot, and the trace events they record), the
// catalog, the exclusive slot and each chain's spin lock.

#include "engine/api/Connection.h"
#include "engine/api/Error.h"
#include "engine/mvcc/AlterPlan.h"
#include "engine/mvcc/Durability.h"
#include "engine/mvcc/LogFormat.h"
#include "engine/mvcc/SsiTracker.h"
#include "engine/mvcc/Table.h"
#include "engine/mvcc/Transaction.h"
#include "engine/trace/Event.h"
#include "engine/trace/EventFields.h"
#include "engine/trace/TraceLog.h"

#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <vector>

namespace txs {
class TraceLog;
}

namespace txs::mvcc {

struct StoreStats
{
    std::uint64_t versionsCreated = 0;
    std::uint64_t versionsReclaimed = 0;
    std::uint64_t liveVersions = 0;
    std::uint64_t commits = 0;
    std::uint64_t rollbacks = 0;
    std::uint64_t conflicts = 0;
    std::uint64_t gcPasses = 0;
    std::uint64_t lowWaterMark = 0;
    // Serializable isolation (SsiTracker.h): commits refused for closing a dangerous structure,
    // and how many commits commit-time read validation would have refused instead.
    std::uint64_t ssiAborts = 0;
    std::uint64_t ssiValidationWouldAbort = 0;
    std::uint64_t ssiTracked = 0; // transactions whose SIREAD information is kept now
    std::uint64_t ssiRanges = 0;  // SIREAD ranges kept now
};

// A snapshot of one chain for views and tests.
struct VersionInfo
{
    std::uint64_t id;
    std::uint64_t beginTs, endTs;     // 0 = not yet (begin) / none (end)
    std::uint64_t beginTxId, endTxId; // writers, 0 = none
    bool beginCommitted, endCommitted;
    Row row;
};

enum class OnConflict { Abort, Replace, Ignore };

class MvccStore
{
public:
    explicit MvccStore(std::shared_ptr<TraceLog> trace);
    ~MvccStore();

    // ---- catalog. Callers hold the exclusive slot (acquireExclusive) for CREATE and DROP, as
    // Turso runs DDL as an exclusive transaction: no commit is preparing meanwhile.
    std::shared_ptr<Table> createTable(TableSchema schema, bool ifNotExists, std::uint32_t connection,
                                       std::optional<Error>& error);
    std::optional<Error> dropTable(const std::string& name, bool ifExists, std::uint32_t connection);
    // CREATE [UNIQUE] INDEX on `tableName`, its entries built from every version (MvccIndexes.cpp).
    std::optional<Error> createIndex(const std::string& tableName, IndexSchema schema, bool ifNotExists,
                                     std::uint32_t connection);
    std::optional<Error> dropIndex(const std::string& name, bool ifExists, std::uint32_t connection);
    // The table holding the index `name` (case-insensitive), or null.
    //
    // Readers take the connection that asks (`viewer`): while a transaction has DDL of its own not
    // yet committed (beginTxDdl), its connection reads its private catalog and everyone else
    // (viewer 0: the checkpoint, recovery, inspection) the committed one.
    std::shared_ptr<Table> tableOfIndex(const std::string& name, std::uint32_t viewer = 0) const;
    std::shared_ptr<Table> table(const std::string& name, std::uint32_t viewer = 0) const;
    std::vector<std::shared_ptr<Table>> tables(std::uint32_t viewer = 0) const;
    // The committed catalog's version: a transaction that wrote fails its COMMIT when it moved
    // since its snapshot (the schema conflict).
    std::uint64_t schemaVersion() const { return schemaVersion_.load(std::memory_order_acquire); }
    // What `viewer` must compare to know its declared catalog is current: schemaVersion(), or for
    // the connection with DDL pending a number of its own (high bit set, never repeated).
    std::uint64_t catalogVersion(std::uint32_t viewer) const
    {
        if (viewer != 0 && pendingConnection_.load(std::memory_order_acquire) == viewer)
            return pendingVersion_.load(std::memory_order_acquire);
        return schemaVersion();
    }

    // ---- DDL inside an explicit transaction (MvccTxDdl.cpp). `tx` holds the exclusive slot (so
    // no other DDL and no other commit runs until it ends). From beginTxDdl on, the catalog DDL
    // changes is tx's own: its connection reads it, every other viewer the committed copy taken
    // here. Its DDL is not logged on its own but kept in tx.ddlOps and written first in tx's
    // commit frame, so recovery gets all of the transaction or none of it. COMMIT publishes the
    // catalog; ROLLBACK restores the copy; rollbackDdlTo undoes the DDL after a savepoint.
    void beginTxDdl(Transaction& tx);
    std::size_t ddlMark(const Transaction& tx) const { return tx.ddlOps.size(); }
    void rollbackDdlTo(Transaction& tx, std::size_t mark);
    // Views (MvccViews.cpp): SQLite's CREATE VIEW text, declared by every connection on its private
    // handle. DDL like a table's (the exclusive slot held, a log frame on a file, the schema
    // version bumped). Views, tables and indexes share one namespace, as in SQLite.
    std::optional<Error> createView(ViewSchema view, bool ifNotExists, std::uint32_t connection);
    std::optional<Error> dropView(const std::string& name, bool ifExists, std::uint32_t connection);
    // ALTER TABLE (MvccAlter.cpp), planned by planAlter against catalogSchema(): the table is
    // replaced by a new one (new id, the plan's schema) holding a copy of every committed version,
    // rows reshaped, so a transaction that began before keeps reading the old one as it was (its
    // writes fail at COMMIT with the schema conflict). DDL like CREATE TABLE; on a file the ALTER
    // is applied to the SQLite file itself (Durability::alterTable).
    std::optional<Error> alterTable(const AlterPlan& plan, std::string_view statement,
                                    std::uint32_t connection);
    CatalogSchema catalogSchema() const;
    // Inside BEGIN ... COMMIT with DDL pending (MvccTxRebuild.cpp): replaces `table` in tx's private
    // catalog by a table of its own holding the rows tx sees as its inserts, reshaped by `plan`
    // (null: the same schema, for CREATE/DROP INDEX on a table shared with the committed catalog).
    // Logged in tx's commit frame as DropTable, CreateTable, its indexes, rewritten views, its and
    // the rewritten triggers again, then the rows; undone by ROLLBACK and ROLLBACK TO.
    std::optional<Error> rebuildInTx(Transaction& tx, const std::string& table, const AlterPlan* plan,
                                     std::uint32_t connection);
    // `table` is, in `viewer`'s private catalog, still the committed catalog's object.
    bool sharedInTx(const std::string& table, std::uint32_t viewer) const;
    std::vector<ViewSchema> views(std::uint32_t viewer = 0) const; // in the order they were created
    bool hasView(const std::string& name, std::uint32_t viewer = 0) const;
    // Triggers (MvccTriggers.cpp): SQLite's CREATE TRIGGER text, kept, logged and checkpointed like a
    // view's; the SQL front end runs them. Their names are a namespace of their own, as in SQLite.
    std::optional<Error> createTrigger(TriggerSchema trigger, bool ifNotExists, std::uint32_t connection);
    std::optional<Error> dropTrigger(const std::string& name, bool ifExists, std::uint32_t connection);
    std::vector<TriggerSchema> triggers(std::uint32_t viewer = 0) const; // in the order they were created
    bool hasTrigger(const std::string& name, std::uint32_t viewer = 0) const;

    // ---- transactions
    // `serializable`: the transaction is tracked for Serializable Snapshot Isolation (SsiTracker.h).
    // `emitTxBegin` false: the caller appends the explicit transaction's TxBegin itself (a, the
    // mode; b, the transaction's beginTs), as a connection that folds its statements' ends does.
    std::unique_ptr<Transaction> begin(TxMode mode, std::uint32_t connection, bool explicitTx,
                                       bool serializable = false, bool emitTxBegin = true);
    // Takes the exclusive slot (BEGIN IMMEDIATE/EXCLUSIVE, a deferred transaction's first
    // write, an autocommit write). `wait(count)` is asked before each retry; false gives up.
    // `freshSnapshot`: the transaction has read nothing yet, so its snapshot may move forward
    // to the moment it becomes the writer (BEGIN IMMEDIATE, autocommit writes); otherwise a
    // commit since its snapshot makes it fail with BUSY_SNAPSHOT, as in SQLite's WAL mode.
    std::optional<Error> acquireExclusive(Transaction& tx, const std::function<bool(int)>& wait,
                                          bool freshSnapshot);
    // On success the transaction is Committed and may be destroyed. On Busy it stays open and
    // COMMIT may be retried; on a conflict it is aborted and doomed.
    std::optional<Error> commit(Transaction& tx);
    // Undoes every write and ends the transaction; idempotent. `emitEvent` false when the
    // caller reports the end itself (a conflict reports TxDoomed, the user's ROLLBACK later).
    void rollback(Transaction& tx, RollbackReason reason, bool emitEvent = true);

    // ---- reads (the version of `chain` visible to `tx`; waits out preparing writers)
    RowPtr read(VersionChain& chain, const Transaction& tx);
    // The same, and `versionId` gets the id of the version read (0 when none is visible).
    RowPtr read(VersionChain& chain, const Transaction& tx, std::uint64_t& versionId);
    // The same, for a serializable transaction also recording what it read: the writers of
    // newer versions it does not see become its rw anti-dependencies. `versionId`, when given,
    // gets the id of the version read (0 when none is visible).
    RowPtr read(const Table& table, std::int64_t key, VersionChain& chain, const Transaction& tx,
                std::uint64_t* versionId = nullptr);
    // The version of `chain` visible to `tx` as its record, not decoded (null when none is
    // visible): the checkpointer binds the values straight from it, with no Row.
    RowRecord readRecord(VersionChain& chain, const Transaction& tx);
    // A read of keys [lo, hi] of `table` (a scan's bounds, a point lookup's key) that is about to
    // happen: a serializable transaction's SIREAD, so a later write into it is seen. Call before
    // reading the chains.
    void noteScan(const Transaction& tx, const Table& table, std::int64_t lo, std::int64_t hi);

    // ---- writes; errors are constraint violations or conflicts (which doom `tx`)
    // `ignored` is set when OnConflict::Ignore skipped the row.
    std::optional<Error> insert(Transaction& tx, const std::shared_ptr<Table>& table, std::int64_t key,
                                RowPtr row, OnConflict onConflict, bool& ignored);
    // The same with the row already encoded (the virtual table's INSERT encodes it straight from
    // SQLite's values): no Row is made unless the run is traced.
    std::optional<Error> insert(Transaction& tx, const std::shared_ptr<Table>& table, std::int64_t key,
                                RowRecord row, OnConflict onConflict, bool& ignored);
    std::optional<Error> update(Transaction& tx, const std::shared_ptr<Table>& table, std::int64_t key,
                                RowPtr row);
    std::optional<Error> remove(Transaction& tx, const std::shared_ptr<Table>& table, std::int64_t key);
    // Undoes the writes made after `mark` (a size of tx.writes): statement-level atomicity.
    void undoTo(Transaction& tx, std::size_t mark);

    // ---- garbage collection and inspection
    void collectGarbage(); // one full pass now
    StoreStats stats() const;
    std::vector<VersionInfo> versionsOf(const std::string& table, std::int64_t key) const;

    // ---- durability (a database on a file; none in memory)
    // Attached once, before any connection exists.
    void attachDurability(std::unique_ptr<Durability> durability) { durability_ = std::move(durability); }
    Durability* durability() const { return durability_.get(); }
    // Returns once no commit or DDL with a timestamp below `ts` is still preparing: each has
    // either aborted or appended its frame and become Committed. For the checkpoint.
    void waitForPreparingBelow(std::uint64_t ts) const;

    // ---- recovery: loading a database before any connection exists (no logging, no conflicts)
    std::shared_ptr<Table> restoreTable(TableSchema schema, std::uint64_t createdTs);
    void restoreDrop(const std::string& name);
    // An index, its entries built from the rows restored so far (later ones index themselves).
    void restoreIndex(Table& table, IndexSchema schema);
    void restoreDropIndex(const std::string& name);
    void restoreView(ViewSchema view); // replaces a view of the same name
    void restoreDropView(const std::string& name);
    void restoreTrigger(TriggerSchema trigger); // replaces a trigger of the same name
    void restoreDropTrigger(const std::string& name);
    // Makes `row` (null: none) the only version of `key`, committed at `ts`.
    void restoreRow(Table& table, std::int64_t key, RowRecord row, std::uint64_t ts);
    // The clock continues after the newest recovered timestamp.
    void restoreClock(std::uint64_t ts);

    // ---- waiting for a transaction to leave Preparing (PreparingEpoch below)
    // Read the epoch before looking at what may be Preparing, then wait with what was read:
    // a change between the look and the wait is not missed.
    std::uint32_t preparingEpoch() const { return preparingEpoch_.load(std::memory_order_acquire); }
    void waitPreparingChange(std::uint32_t seen) const
    {
        preparingEpoch_.wait(seen, std::memory_order_acquire);
    }

    // Inline: untraced it is one test; traced, the caller builds the fields where it knows them
    // and calls the log, no out-of-line call of nine arguments between (an MVCC transaction
    // emits three events here; docs/performance.md, bench_runner_overhead).
    void emit(EventKind kind, std::uint32_t connection, std::uint64_t txId, std::uint32_t table = 0,
              std::int64_t rowid = 0, std::int64_t a = 0, std::int64_t b = 0, std::string_view text = {},
              std::uint16_t detail = 0) const
    {
        if (trace_) trace_->append(EventFields{0, connection, table, txId, rowid, a, b, kind, detail}, text);
    }
    // VersionCreated of `record`: the trace keeps the record's bytes and renders its text when
    // read (TraceLog::appendRow). The direct insert has no Row, and decoding one only for the
    // trace's text cost ~500 instructions a version (docs/performance.md, bench_runner_overhead).
    void emitVersionCreated(const Transaction& tx, std::uint32_t table, std::int64_t key, std::uint64_t id,
                            const RowRecord& record) const;
    bool tracing() const { return trace_ != nullptr; }

private:
    struct GcItem
    {
        std::shared_ptr<Table> table;
        std::int64_t key;
        VersionChain* chain;
    };

    std::optional<Error> insertRecord(Transaction& tx, const std::shared_ptr<Table>& table, std::int64_t key,
                                      RowRecord record, OnConflict onConflict, bool& ignored);
    std::optional<Error> endVisibleVersion(Transaction& tx, const std::shared_ptr<Table>& table,
                                           std::int64_t key, RowRecord newRecord, WriteRecord::Op op);
    Error doom(Transaction& tx, const Table& table, std::int64_t key, std::uint64_t otherTx, const char* what,
               bool sameKeyInserted = false);
    std::optional<Error> validate(Transaction& tx);
    Error schemaConflict(Transaction& tx); // dooms `tx`: DDL was committed since its snapshot
    // Dooms `tx`, whose COMMIT would complete `structure` (serializable isolation).
    Error serializationFailure(Transaction& tx, const SsiStructure& structure);
    // The serializable check of a COMMIT; a refusal dooms `tx` (the caller rolls it back).
    // `oldestBegin` from ssiOldestBegin, read in the same critical section as `commitTs`.
    std::optional<Error> ssiCommit(Transaction& tx, bool wrote, std::uint64_t commitTs,
                                   std::uint64_t oldestBegin);
    // Under clockMutex_: the oldest snapshot of a running transaction other than `tx`, or what
    // the next one will get; SsiTracker::commit's `oldestBegin`. Snapshot-isolation transactions
    // count too (they keep the tracker's memory a little longer, as they keep versions from GC):
    // one registry of snapshots, and a serializable BEGIN costs the clock section nothing more.
    std::uint64_t ssiOldestBegin(const Transaction& tx) const;
    void noteSsiWrite(Transaction& tx, const Table& table, std::int64_t key);
    void emitEdges(const std::vector<SsiEdge>& edges) const;
    // Group commit's committers in flight (Durability::writerEntered): counted from the first
    // write of a transaction at synchronous=FULL until its COMMIT starts or it rolls back.
    void enterSyncFlight(Transaction& tx)
    {
        if (tx.syncInFlight || tx.synchronous < 2 || !durability_) return;
        tx.syncInFlight = true;
        durability_->writerEntered();
    }
    void leaveSyncFlight(Transaction& tx)
    {
        if (!tx.syncInFlight) return;
        tx.syncInFlight = false;
        durability_->writerLeft();
    }
    // `holdStartNs`: when the commit lock's hold began, carried by TxCommit (the fold,
    // engine/trace/CommitHold.h), or -1 when the hold was emitted as LockAcquire / LockRelease.
    void finishCommit(Transaction& tx, std::int64_t holdStartNs);
    // A commit whose hold was to be folded into TxCommit did not commit: the explicit pair after
    // all, its LockAcquire stamped with when the hold began.
    void emitRefusedCommitHold(const Transaction& tx, std::int64_t holdStartNs) const;
    void endPreparing(Transaction& tx); // a preparing commit that will not commit
    std::uint64_t beginDdl();           // a DDL timestamp, registered as preparing
    void endDdl(std::uint64_t ts);
    void ddlCommitted(std::uint64_t ts); // endDdl for a DDL that took effect
    void undoRecord(Transaction& tx, const WriteRecord& record);
    void undoVersions(Transaction& tx, const WriteRecord& record, std::vector<RowRecord>& removed);
    void unregister(Transaction& tx);
    void releaseExclusive(Transaction& tx);
    std::uint64_t lowWaterMark() const;
    void maybeCollectGarbage();
    std::size_t collectItems(std::vector<GcItem>& items, std::uint64_t lwm, std::vector<GcItem>& keep);
    std::uint64_t newVersionId() { return nextVersionId_.fetch_add(1, std::memory_order_relaxed); }

    std::shared_ptr<TraceLog> trace_;

    // The clock: begin and commit timestamps come from one counter under one mutex, so a
    // transaction that begins after another started preparing always sees it as Preparing
    // (never as Active with a smaller end timestamp still to come).
    mutable std::mutex clockMutex_;
    std::uint64_t clock_ = 0; // guarded by clockMutex_
    // Snapshots in use: for GC, and (ssiOldestBegin) for what the SsiTracker must keep.
    std::set<std::uint64_t> activeBeginTs_;  // guarded by clockMutex_
    Transaction* exclusiveHolder_ = nullptr; // guarded by clockMutex_
    int preparing_ = 0;                      // guarded by clockMutex_
    std::uint64_t lastCommitTs_ = 0;         // guarded by clockMutex_
    // Commit and DDL timestamps not yet Committed, kept only on a file (for the checkpoint).
    std::multiset<std::uint64_t> preparingTs_; // guarded by clockMutex_
    std::atomic<std::uint64_t> nextTxId_{1};
    // PreparingEpoch: bumped, with every waiter woken, after a transaction leaves Preparing
    // (Committed or Aborted) and after a preparing timestamp is dropped. Who finds a Preparing
    // writer (a reader, a validating inserter, the checkpoint) sleeps on it instead of
    // yield-spinning through the writer's validation and log write (an fdatasync at FULL).
    // Store-wide, never the writer's Transaction: that may be freed while a reader waits.
    // notify_all costs one load when nobody waits.
    mutable std::atomic<std::uint32_t> preparingEpoch_{0};
    void preparingChanged()
    {
        preparingEpoch_.fetch_add(1, std::memory_order_release);
        preparingEpoch_.notify_all();
    }
    std::atomic<std::uint64_t> nextVersionId_{1};

    mutable std::shared_mutex catalogMutex_;
    std::map<std::string, std::shared_ptr<Table>> tables_; // by lower-case name
    std::vector<ViewSchema> views_;                        // in creation order
    // Under catalogMutex_: the view named `name` (case-insensitive), or end.
    std::vector<ViewSchema>::const_iterator findView(const std::string& name) const;
    std::vector<TriggerSchema> triggers_; // in creation order
    std::vector<TriggerSchema>::const_iterator findTrigger(const std::string& name) const;
    // DROP VIEW and DROP TRIGGER (MvccNamedObjects.cpp): `name` out of `list` (views_ or
    // triggers_), logged as `kind`; `what` names the object in the messages.
    template <class Named>
    std::optional<Error> dropNamed(std::vector<Named>& list, LogOp::Kind kind, const char* what,
                                   const std::string& name, bool ifExists, std::uint32_t connection);
    std::uint32_t nextTableId_ = 1; // guarded by catalogMutex_
    std::atomic<std::uint64_t> schemaVersion_{1};

    // A transaction's private catalog (MvccTxDdl.cpp). tables_, views_ and triggers_ are always
    // the catalog DDL changes; while pending_ is set they are its transaction's, and pending_
    // holds the committed catalog everyone else reads. Index lists are captured with it, as
    // CREATE/DROP INDEX change a table object in place (only on tables the transaction created).
    struct CatalogState
    {
        std::map<std::string, std::shared_ptr<Table>> tables;
        std::vector<ViewSchema> views;
        std::vector<TriggerSchema> triggers;
        std::vector<std::pair<std::shared_ptr<Table>, std::shared_ptr<const Table::IndexList>>> indexLists;
    };
    struct PendingCatalog
    {
        Transaction* tx = nullptr;
        CatalogState committed;
        std::vector<CatalogState> before; // the catalog before each of tx.ddlOps
    };
    std::unique_ptr<PendingCatalog> pending_; // guarded by catalogMutex_
    std::atomic<std::uint32_t> pendingConnection_{0};
    std::atomic<std::uint64_t> pendingVersion_{0};
    std::uint64_t pendingSerial_ = 0;    // guarded by catalogMutex_
    CatalogState captureCatalog() const; // under catalogMutex_
    CatalogState beforeDdl() const { return pending_ ? captureCatalog() : CatalogState{}; }
    // Under catalogMutex_: `table` is one of the committed catalog's while a transaction's is
    // private (CREATE/DROP INDEX would change it in place, for every reader: refused).
    bool sharedWithCommitted(const Table& table) const;
    void restoreCatalog(const CatalogState& state);
    // Under catalogMutex_ (unique): the catalog `viewer` reads is the committed copy.
    bool seesCommitted(std::uint32_t viewer) const { return pending_ && pending_->tx->connection != viewer; }
    // Under catalogMutex_ (unique), in a DDL function after its checks: an autocommit DDL gets its
    // timestamp and its own log frame (`ts`); a transaction's DDL is kept in tx.ddlOps with the
    // catalog as it was (`before`). On an error nothing was logged or kept.
    std::optional<Error> logDdl(LogOp op, std::uint64_t& ts, CatalogState before);
    // After the catalog changed: the committed version (autocommit DDL, ddlCommitted) or the
    // private one's.
    void catalogChanged(std::uint64_t ts);
    // Called by commit() and rollback() for the transaction with DDL pending.
    void publishTxDdl(Transaction& tx, std::uint64_t commitTs);
    void discardTxDdl(Transaction& tx);

    std::mutex gcQueueMutex_;
    std::deque<GcItem> gcQueue_; // oldest first: those are the likeliest to be reclaimable
    std::mutex gcRunMutex_;
    std::atomic<std::uint64_t> commitsSinceGc_{0};
    std::atomic<std::uint64_t> cachedLwm_{0};

    std::atomic<std::uint64_t> versionsCreated_{0}, versionsReclaimed_{0}, versionsDiscarded_{0};
    std::atomic<std::uint64_t> commits_{0}, rollbacks_{0}, conflicts_{0}, gcPasses_{0};
    std::atomic<std::uint64_t> ssiAborts_{0}, ssiValidationWouldAbort_{0};

    SsiTracker ssi_;

    // Last: destroyed first, while the tables it may still reference are alive.
    std::unique_ptr<Durability> durability_;
};

} // namespace txs::mvcc
