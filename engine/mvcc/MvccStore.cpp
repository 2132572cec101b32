#include "engine/mvcc/MvccStore.h"

#include "engine/api/AsciiText.h"
#include "engine/trace/CommitHold.h"
#include "engine/trace/EventFields.h"
#include "engine/trace/TraceLog.h"

#include <algorithm>
#include <cctype>

namespace txs::mvcc {

MvccStore::MvccStore(std::shared_ptr<TraceLog> trace) : trace_(std::move(trace)) {}

MvccStore::~MvccStore() = default;

// ---------------------------------------------------------------- catalog

std::shared_ptr<Table> MvccStore::createTable(TableSchema schema, bool ifNotExists, std::uint32_t connection,
                                              std::optional<Error>& error)
{
    std::unique_lock lock(catalogMutex_);
    const std::string key = toLower(schema.name);
    if (auto it = tables_.find(key); it != tables_.end()) {
        if (!ifNotExists) error = Error::syntax("table " + schema.name + " already exists");
        return it->second;
    }
    // Tables and indexes share one namespace in SQLite (and in the checkpointed file, where an
    // index and a table of one name could not both be written): refused as SQLite refuses it.
    for (const auto& [name, table] : tables_)
        if (table->index(schema.name)) {
            error = Error::syntax("there is already an index named " + schema.name);
            return nullptr;
        }
    if (findView(schema.name) != views_.end()) {
        error = Error::syntax("view " + schema.name + " already exists");
        return nullptr;
    }
    // On a file the DDL is a frame of the log with its own timestamp, written before the
    // catalog changes (under the catalog lock, so DDL frames are in catalog order); inside a
    // transaction, an op of its commit frame (logDdl).
    std::uint64_t ts = 0;
    LogOp op;
    op.kind = LogOp::Kind::CreateTable;
    op.table = schema.name;
    op.createSql = schema.createSql;
    if (auto logError = logDdl(std::move(op), ts, beforeDdl())) {
        error = logError;
        return nullptr;
    }
    auto table = std::make_shared<Table>(nextTableId_++, std::move(schema));
    table->setCreatedTs(ts);
    tables_[key] = table;
    catalogChanged(ts);
    lock.unlock();
    emit(EventKind::TableCreated, connection, 0, table->id(), 0, 0, 0, table->name());
    return table;
}

std::optional<Error> MvccStore::dropTable(const std::string& name, bool ifExists, std::uint32_t connection)
{
    std::unique_lock lock(catalogMutex_);
    auto it = tables_.find(toLower(name));
    if (it == tables_.end()) {
        if (ifExists) return std::nullopt;
        return Error::syntax("no such table: " + name);
    }
    std::uint64_t ts = 0;
    LogOp op;
    op.kind = LogOp::Kind::DropTable;
    op.table = it->second->name();
    if (auto logError = logDdl(std::move(op), ts, beforeDdl())) return logError;
    auto table = it->second;
    tables_.erase(it);
    // Inside a transaction the committed catalog keeps it until COMMIT (publishTxDdl marks it).
    if (!pending_) table->markDropped();
    catalogChanged(ts);
    lock.unlock();
    emit(EventKind::TableDropped, connection, 0, table->id(), 0, 0, 0, table->name());
    return std::nullopt;
}

std::shared_ptr<Table> MvccStore::table(const std::string& name, std::uint32_t viewer) const
{
    std::shared_lock lock(catalogMutex_);
    const auto& tables = seesCommitted(viewer) ? pending_->committed.tables : tables_;
    auto it = tables.find(toLower(name));
    return it == tables.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<Table>> MvccStore::tables(std::uint32_t viewer) const
{
    std::shared_lock lock(catalogMutex_);
    std::vector<std::shared_ptr<Table>> out;
    for (auto& [name, table] : seesCommitted(viewer) ? pending_->committed.tables : tables_)
        out.push_back(table);
    return out;
}

// ---------------------------------------------------------------- transactions

std::unique_ptr<Transaction> MvccStore::begin(TxMode mode, std::uint32_t connection, bool explicitTx,
                                              bool serializable, bool emitTxBegin)
{
    const std::uint64_t id = nextTxId_.fetch_add(1, std::memory_order_relaxed);
    // Read before the snapshot: a DDL statement racing with this BEGIN then counts as after it
    // (a needless schema conflict at worst, never a missed one).
    const std::uint64_t schema = schemaVersion();
    std::uint64_t ts;
    {
        std::lock_guard lock(clockMutex_);
        ts = ++clock_;
        // From now on no transaction this one overlaps is released (ssiOldestBegin).
        activeBeginTs_.insert(ts);
    }
    auto tx = std::make_unique<Transaction>(id, ts, mode, connection);
    if (serializable) tx->ssi = ssi_.begin(id, connection, ts);
    tx->schemaVersion = schema;
    tx->explicitTx = explicitTx;
    if (explicitTx && emitTxBegin)
        emit(EventKind::TxBegin, connection, id, 0, 0, static_cast<std::int64_t>(mode), ts);
    return tx;
}

std::optional<Error> MvccStore::acquireExclusive(Transaction& tx, const std::function<bool(int)>& wait,
                                                 bool freshSnapshot)
{
    if (tx.holdsExclusive) return std::nullopt;
    for (int count = 0;; ++count) {
        std::string holder;
        bool stale = false;
        {
            std::lock_guard lock(clockMutex_);
            // A deferred transaction upgrading to a writer must still have the newest state:
            // otherwise its reads were of a stale snapshot and no amount of waiting helps.
            stale = !freshSnapshot && lastCommitTs_ > tx.beginTs;
            if (!stale && !exclusiveHolder_ && preparing_ == 0) {
                exclusiveHolder_ = &tx;
                tx.holdsExclusive = true;
                if (freshSnapshot) {
                    // Nothing read yet: start the snapshot now, as the exclusive writer, so
                    // it includes every commit made while we waited.
                    activeBeginTs_.erase(tx.beginTs);
                    tx.schemaVersion = schemaVersion();
                    tx.beginTs = ++clock_;
                    activeBeginTs_.insert(tx.beginTs);
                }
            } else if (exclusiveHolder_) {
                holder = "transaction " + std::to_string(exclusiveHolder_->id) + " holds the exclusive lock";
            } else if (preparing_) {
                holder = std::to_string(preparing_) + " commit(s) are in progress";
            }
        }
        if (tx.holdsExclusive) {
            if (freshSnapshot && tx.ssi) ssi_.setBeginTs(tx.ssi, tx.beginTs); // it has read nothing yet
            emit(EventKind::LockAcquire, tx.connection, tx.traceId(), 0, 0,
                 static_cast<std::int64_t>(LockResource::MvccExclusive),
                 static_cast<std::int64_t>(LockLevel::Exclusive));
            return std::nullopt;
        }
        if (stale) {
            auto e = Error::busySnapshot("database is busy: transaction " + std::to_string(tx.id) +
                                         " read a snapshot that another commit has since replaced, so it "
                                         "cannot become the exclusive writer; roll back and retry");
            emit(EventKind::Busy, tx.connection, tx.traceId(), 0, 0, e.extendedCode, 0, e.message,
                 kindDetail(e));
            return e;
        }
        if (count == 0)
            emit(EventKind::LockWait, tx.connection, tx.traceId(), 0, 0,
                 static_cast<std::int64_t>(LockResource::MvccExclusive),
                 static_cast<std::int64_t>(LockLevel::Exclusive));
        if (!wait || !wait(count)) {
            auto e = Error::busy("database is busy: " + holder);
            emit(EventKind::Busy, tx.connection, tx.traceId(), 0, 0, e.extendedCode, 0, e.message,
                 kindDetail(e));
            return e;
        }
    }
}

void MvccStore::releaseExclusive(Transaction& tx)
{
    if (!tx.holdsExclusive) return;
    {
        std::lock_guard lock(clockMutex_);
        if (exclusiveHolder_ == &tx) exclusiveHolder_ = nullptr;
        tx.holdsExclusive = false;
    }
    emit(EventKind::LockRelease, tx.connection, tx.traceId(), 0, 0,
         static_cast<std::int64_t>(LockResource::MvccExclusive), static_cast<std::int64_t>(LockLevel::None));
}

void MvccStore::unregister(Transaction& tx)
{
    std::lock_guard lock(clockMutex_);
    activeBeginTs_.erase(tx.beginTs);
}

std::uint64_t MvccStore::ssiOldestBegin(const Transaction& tx) const
{
    // Timestamps are unique: skipping tx's own takes at most one step.
    for (std::uint64_t ts : activeBeginTs_)
        if (ts != tx.beginTs) return ts;
    return clock_ + 1;
}

std::optional<Error> MvccStore::commit(Transaction& tx)
{
    leaveSyncFlight(tx); // reaching COMMIT: a sync leader need not wait for this one any more
    if (tx.doomedBy) return *tx.doomedBy;
    if (tx.writes.empty() && tx.ddlOps.empty()) {
        // A reader needs no timestamp of its own and no validation; a serializable one is
        // placed in time by the clock now (what began before overlaps it).
        if (tx.ssi) {
            std::uint64_t now, oldest;
            {
                std::lock_guard lock(clockMutex_);
                now = clock_;
                oldest = ssiOldestBegin(tx);
            }
            if (auto error = ssiCommit(tx, false, now, oldest)) {
                rollback(tx, RollbackReason::Conflict, false);
                return error;
            }
        }
        tx.state.store(TxState::Committed, std::memory_order_release);
        discardTxDdl(tx); // DDL statements that all failed or did nothing: no change to publish
        releaseExclusive(tx);
        unregister(tx);
        if (tx.explicitTx) emit(EventKind::TxCommit, tx.connection, tx.id, 0, 0, 0, 0);
        return std::nullopt;
    }
    std::uint64_t oldestSsiBegin = 0;
    {
        std::lock_guard lock(clockMutex_);
        if (exclusiveHolder_ && exclusiveHolder_ != &tx) {
            // A concurrent commit needs the exclusive slot free: a shared claim on it.
            emit(EventKind::LockWait, tx.connection, tx.id, 0, 0,
                 static_cast<std::int64_t>(LockResource::MvccExclusive),
                 static_cast<std::int64_t>(LockLevel::Shared));
            auto e = Error::busy("database is busy: transaction " + std::to_string(exclusiveHolder_->id) +
                                 " holds the exclusive lock; COMMIT can be retried once it ends");
            emit(EventKind::Busy, tx.connection, tx.id, 0, 0, e.extendedCode, 0, e.message, kindDetail(e));
            return e;
        }
        tx.endTs.store(++clock_, std::memory_order_relaxed);
        tx.state.store(TxState::Preparing, std::memory_order_release);
        ++preparing_;
        if (tx.ssi) oldestSsiBegin = ssiOldestBegin(tx);
        if (durability_) preparingTs_.insert(clock_);
    }
    // The commit lock (MvccCommit, Shared) is held from here to the end of the commit. When
    // nothing else of the connection can be emitted in between (no DDL to publish, no exclusive
    // slot to release before TxCommit), a commit that succeeds carries the hold in its TxCommit
    // (engine/trace/CommitHold.h): two events fewer per commit. The hold's start is read here,
    // on the log's clock, as an append would stamp it.
    const bool foldHold = tracing() && !tx.ddlPending && !tx.holdsExclusive;
    const std::int64_t holdStartNs = foldHold ? trace_->now() : -1;
    if (!foldHold)
        emit(EventKind::LockAcquire, tx.connection, tx.id, 0, 0,
             static_cast<std::int64_t>(LockResource::MvccCommit),
             static_cast<std::int64_t>(LockLevel::Shared));
    std::optional<Error> refused = validate(tx);
    if (!refused && tx.ssi)
        refused = ssiCommit(tx, true, tx.endTs.load(std::memory_order_relaxed), oldestSsiBegin);
    if (auto error = refused) {
        endPreparing(tx);
        if (foldHold) emitRefusedCommitHold(tx, holdStartNs);
        emit(EventKind::LockRelease, tx.connection, tx.id, 0, 0,
             static_cast<std::int64_t>(LockResource::MvccCommit), static_cast<std::int64_t>(LockLevel::None));
        if (!tx.doomedBy) tx.doomedBy = error;
        rollback(tx, RollbackReason::Conflict, false);
        return error;
    }
    // The frame is written after validation (only commits that will succeed are logged) and
    // before Committed (so an acknowledged commit is in the log, and under synchronous=FULL on
    // disk, before anyone can see it).
    std::optional<Error> syncError;
    if (durability_) {
        bool appended = false;
        auto error = durability_->logCommit(tx, tx.endTs.load(std::memory_order_relaxed), appended);
        if (error && !appended) {
            if (tx.ssiCommitted) ssi_.retract(tx.id);
            endPreparing(tx);
            if (foldHold) emitRefusedCommitHold(tx, holdStartNs);
            emit(EventKind::LockRelease, tx.connection, tx.id, 0, 0,
                 static_cast<std::int64_t>(LockResource::MvccCommit),
                 static_cast<std::int64_t>(LockLevel::None));
            tx.doomedBy = error;
            rollback(tx, RollbackReason::StatementError, false);
            return error;
        }
        syncError = std::move(error); // logged but not synced: committed, and COMMIT says so
    }
    // Its DDL becomes the committed catalog while its rows are still Preparing: a reader that
    // finds a new table waits for them like for any preparing writer's.
    if (tx.ddlPending) publishTxDdl(tx, tx.endTs.load(std::memory_order_relaxed));
    finishCommit(tx, holdStartNs);
    if (durability_) durability_->afterCommit();
    return syncError;
}

void MvccStore::emitRefusedCommitHold(const Transaction& tx, std::int64_t holdStartNs) const
{
    // After the refusal's own events (Conflict, TxDoomed, DangerousStructure), which come first
    // in seq; the hold's interval is the same as if the acquire had been emitted at its start.
    Event e;
    e.kind = EventKind::LockAcquire;
    e.connection = tx.connection;
    e.txId = tx.id;
    e.a = static_cast<std::int64_t>(LockResource::MvccCommit);
    e.b = static_cast<std::int64_t>(LockLevel::Shared);
    e.timeNs = std::max<std::int64_t>(holdStartNs, 1); // 0 would mean "stamp it now"
    trace_->append(e, {});
}

void MvccStore::endPreparing(Transaction& tx)
{
    std::lock_guard lock(clockMutex_);
    --preparing_;
    if (durability_) preparingTs_.erase(preparingTs_.find(tx.endTs.load(std::memory_order_relaxed)));
    preparingChanged(); // for the checkpoint; rollback() bumps again once the state is Aborted
}

std::uint64_t MvccStore::beginDdl()
{
    std::lock_guard lock(clockMutex_);
    preparingTs_.insert(++clock_);
    return clock_;
}

void MvccStore::endDdl(std::uint64_t ts)
{
    {
        std::lock_guard lock(clockMutex_);
        preparingTs_.erase(preparingTs_.find(ts));
    }
    preparingChanged();
}

// DDL is a commit like any other: a deferred transaction that read before it can no longer
// become the writer (BUSY_SNAPSHOT), as in Turso. In memory it takes a timestamp only here.
void MvccStore::ddlCommitted(std::uint64_t ts)
{
    {
        std::lock_guard lock(clockMutex_);
        if (durability_) preparingTs_.erase(preparingTs_.find(ts));
        lastCommitTs_ = std::max(lastCommitTs_, ts ? ts : ++clock_);
    }
    if (durability_) preparingChanged();
}

void MvccStore::finishCommit(Transaction& tx, std::int64_t holdStartNs)
{
    const std::uint64_t ts = tx.endTs.load(std::memory_order_relaxed);
    {
        std::lock_guard lock(clockMutex_);
        tx.state.store(TxState::Committed, std::memory_order_release);
        --preparing_;
        if (durability_) preparingTs_.erase(preparingTs_.find(ts));
        lastCommitTs_ = std::max(lastCommitTs_, ts);
    }
    preparingChanged(); // Committed: who waited on our versions may look again
    // Rewrite our TxID stamps to the commit timestamp. Versions we both created and ended
    // (a row written twice by one transaction) were never visible to anyone: drop them.
    std::vector<GcItem> ended;
    std::vector<RowRecord> discarded; // their index entries go once the chain lock is released
    for (const auto& record : tx.writes) {
        discarded.clear();
        std::unique_lock lock(record.chain->lock);
        auto& versions = record.chain->versions;
        for (auto it = versions.begin(); it != versions.end();) {
            const bool mine = it->begin.tx == &tx, endedByMe = it->end.tx == &tx;
            if (mine && endedByMe) {
                if (record.table->hasIndexes()) discarded.push_back(it->row);
                it = versions.erase(it);
                versionsDiscarded_.fetch_add(1, std::memory_order_relaxed);
                continue;
            }
            if (mine) it->begin = Stamp::at(ts);
            if (endedByMe) {
                it->end = Stamp::at(ts);
                if (!record.chain->gcQueued) {
                    record.chain->gcQueued = true;
                    ended.push_back({record.table, record.key, record.chain});
                }
            }
            ++it;
        }
        lock.unlock();
        record.table->unindexVersions(record.key, *record.chain, discarded);
    }
    const bool folded = holdStartNs >= 0;
    if (!folded)
        emit(EventKind::LockRelease, tx.connection, tx.id, 0, 0,
             static_cast<std::int64_t>(LockResource::MvccCommit), static_cast<std::int64_t>(LockLevel::None));
    releaseExclusive(tx);
    unregister(tx);
    commits_.fetch_add(1, std::memory_order_relaxed);
    emit(EventKind::TxCommit, tx.connection, tx.id, 0, folded ? holdStartNs : 0,
         static_cast<std::int64_t>(ts), static_cast<std::int64_t>(tx.writes.size()), {},
         folded ? kTxCommitHeldCommitLock : 0);
    if (!ended.empty()) {
        std::lock_guard lock(gcQueueMutex_);
        gcQueue_.insert(gcQueue_.end(), ended.begin(), ended.end());
    }
    maybeCollectGarbage();
}

void MvccStore::rollback(Transaction& tx, RollbackReason reason, bool emitEvent)
{
    leaveSyncFlight(tx);
    if (tx.ssi) {
        ssi_.abort(tx.ssi);
        tx.ssi = nullptr;
    }
    const TxState before = tx.loadState();
    const bool wasLive = before == TxState::Active || before == TxState::Preparing;
    tx.state.store(TxState::Aborted, std::memory_order_release);
    if (before == TxState::Preparing) preparingChanged();
    if (!wasLive) return;
    undoTo(tx, 0);
    if (tx.ddlPending) discardTxDdl(tx); // before the slot is free for the next DDL
    releaseExclusive(tx);
    unregister(tx);
    rollbacks_.fetch_add(1, std::memory_order_relaxed);
    if (emitEvent && (tx.explicitTx || !tx.writes.empty() || reason != RollbackReason::User))
        emit(EventKind::TxRollback, tx.connection, tx.id, 0, 0, static_cast<std::int64_t>(reason));
}

// First committer wins for keys we inserted where we saw none: anyone else who inserted the
// same key and committed (or will commit before us) makes our commit fail.
std::optional<Error> MvccStore::validate(Transaction& tx)
{
    // Turso's rule: any CREATE or DROP committed since our snapshot, of any table, fails the
    // COMMIT of a transaction that wrote (readers never get here). DDL holds the exclusive slot,
    // so none can run between this check and our commit.
    if (schemaVersion() != tx.schemaVersion) return schemaConflict(tx);
    // A table dropped or replaced (ALTER TABLE) before our snapshot, written through a catalog
    // synced before that DDL: the same conflict, never a write into a table nobody reads.
    for (const auto& record : tx.writes)
        if (record.table->dropped()) return schemaConflict(tx);
    const std::uint64_t myEnd = tx.endTs.load(std::memory_order_relaxed);
    for (const auto& record : tx.writes) {
        if (!record.keyWasFree) continue;
        for (;;) {
            std::uint64_t other = 0;
            bool wait = false;
            const std::uint32_t epoch = preparingEpoch();
            {
                std::lock_guard lock(record.chain->lock);
                for (const auto& v : record.chain->versions) {
                    if (v.begin.tx == &tx) continue;
                    if (!v.begin.tx) {
                        if (v.begin.ts > tx.beginTs) other = v.beginTxId;
                    } else {
                        const Transaction& u = *v.begin.tx;
                        const TxState st = u.loadState();
                        if (st == TxState::Committed)
                            other = u.id;
                        else if (st == TxState::Preparing && u.endTs.load(std::memory_order_relaxed) < myEnd)
                            wait = true;
                    }
                    if (other || wait) break;
                }
            }
            if (other)
                return doom(tx, *record.table, record.key, other, "inserted the same key and committed first",
                            true);
            if (!wait) break;
            waitPreparingChange(epoch); // the earlier inserter is validating or writing its frame
        }
    }
    // The same rule for values of unique indexes (Index.h).
    if (auto clash = uniqueClashAtCommit(tx, *this))
        return doom(tx, *clash->table, clash->key, clash->otherTx,
                    "committed a row with the same unique value first", true);
    return std::nullopt;
}

Error MvccStore::schemaConflict(Transaction& tx)
{
    Error e = Error::schemaConflict("Database schema conflict: another connection created or dropped a table "
                                    "after transaction " +
                                    std::to_string(tx.id) +
                                    " began; its writes may rest on a schema that no longer exists, so it "
                                    "must roll back and retry");
    tx.doomedBy = e;
    conflicts_.fetch_add(1, std::memory_order_relaxed);
    emit(EventKind::TxDoomed, tx.connection, tx.id, 0, 0, e.extendedCode, 0, e.message, kindDetail(e));
    return e;
}

Error MvccStore::doom(Transaction& tx, const Table& table, std::int64_t key, std::uint64_t otherTx,
                      const char* what, bool sameKeyInserted)
{
    Error e = Error::conflict("Write-write conflict on " + table.name() + " key " + std::to_string(key) +
                              ": transaction " + std::to_string(otherTx) + " " + what + "; transaction " +
                              std::to_string(tx.id) + " must roll back and retry");
    tx.doomedBy = e;
    conflicts_.fetch_add(1, std::memory_order_relaxed);
    // b says which rule failed, so no reader has to parse the message (Event.h).
    emit(EventKind::Conflict, tx.connection, tx.id, table.id(), key, static_cast<std::int64_t>(otherTx),
         sameKeyInserted ? 1 : 0, e.message);
    emit(EventKind::TxDoomed, tx.connection, tx.id, table.id(), key, e.extendedCode, 0, e.message,
         kindDetail(e));
    // Give back what the doomed transaction holds now, so it blocks nobody while its owner
    // gets round to ROLLBACK; the connection keeps refusing everything else until then.
    if (tx.loadState() == TxState::Active) rollback(tx, RollbackReason::Conflict, false);
    return e;
}

} // namespace txs::mvcc
