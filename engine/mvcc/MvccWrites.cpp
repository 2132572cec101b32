// Reads and writes of row versions: the eager write-write conflict check of Hekaton/Turso,
// and undo for statement- and transaction-level rollback.

#include "engine/mvcc/MvccStore.h"
#include "engine/mvcc/Visibility.h"

namespace txs::mvcc {

namespace {

template <class F> auto withVisible(const MvccStore& store, VersionChain& chain, const Transaction& tx, F&& f)
{
    for (;;) {
        const std::uint32_t epoch = store.preparingEpoch();
        chain.lock.lock();
        bool mustWait = false;
        const int index = visibleVersion(chain, tx, mustWait);
        if (!mustWait) {
            auto result = f(index);
            chain.lock.unlock();
            return result;
        }
        chain.lock.unlock();
        store.waitPreparingChange(epoch); // a writer is between "preparing" and "committed"
    }
}

} // namespace

// The record is copied under the chain lock; read() decodes it after the lock (RowRecord.h).
RowRecord MvccStore::readRecord(VersionChain& chain, const Transaction& tx)
{
    return withVisible(*this, chain, tx,
                       [&](int index) { return index < 0 ? RowRecord{} : chain.versions[index].row; });
}

RowPtr MvccStore::read(VersionChain& chain, const Transaction& tx)
{
    return readRecord(chain, tx).toRow();
}

RowPtr MvccStore::read(VersionChain& chain, const Transaction& tx, std::uint64_t& versionId)
{
    return withVisible(*this, chain, tx,
                       [&](int index) {
                           versionId = index < 0 ? 0 : chain.versions[index].id;
                           return index < 0 ? RowRecord{} : chain.versions[index].row;
                       })
        .toRow();
}

std::optional<Error> MvccStore::insert(Transaction& tx, const std::shared_ptr<Table>& table, std::int64_t key,
                                       RowPtr row, OnConflict onConflict, bool& ignored)
{
    return insertRecord(tx, table, key, RowRecord(*row), onConflict, ignored);
}

std::optional<Error> MvccStore::insert(Transaction& tx, const std::shared_ptr<Table>& table, std::int64_t key,
                                       RowRecord row, OnConflict onConflict, bool& ignored)
{
    return insertRecord(tx, table, key, std::move(row), onConflict, ignored);
}

// The record is encoded before the chain's lock is taken; the version and the write record
// share it (the log writes it at commit).
std::optional<Error> MvccStore::insertRecord(Transaction& tx, const std::shared_ptr<Table>& table,
                                             std::int64_t key, RowRecord record, OnConflict onConflict,
                                             bool& ignored)
{
    ignored = false;
    // OR IGNORE / OR REPLACE / upsert decide by whether the key exists: a read of it.
    const bool readsKey = tx.ssi && onConflict != OnConflict::Abort;
    if (readsKey) noteScan(tx, *table, key, key);
    VersionChain& chain = table->findOrCreate(key);
    const std::uint64_t id = newVersionId();
    if (tx.ssi) ssi_.beforeWrite(tx.ssi); // readers of the chain must find it by id
    const bool exists = withVisible(*this, chain, tx, [&](int index) {
        if (index >= 0) return true;
        chain.versions.push_back({id, Stamp::of(&tx), Stamp::none(), record, tx.id, 0});
        return false;
    });
    if (exists) {
        if (readsKey) read(*table, key, chain, tx); // records writers of versions it does not see
        if (onConflict == OnConflict::Ignore) {
            ignored = true;
            return std::nullopt;
        }
        if (onConflict == OnConflict::Replace)
            return endVisibleVersion(tx, table, key, std::move(record), WriteRecord::Op::Update);
        const auto& schema = table->schema();
        const std::string column = schema.keyColumn >= 0 ? schema.columns[schema.keyColumn].name : "rowid";
        return Error::constraint(rc::ConstraintPrimaryKey,
                                 "UNIQUE constraint failed: " + table->name() + "." + column);
    }
    table->noteExplicitKey(key);
    tx.writes.push_back({WriteRecord::Op::Insert, table, key, &chain, id, 0, true, std::move(record)});
    enterSyncFlight(tx);
    noteSsiWrite(tx, *table, key);
    versionsCreated_.fetch_add(1, std::memory_order_relaxed);
    if (tracing()) emitVersionCreated(tx, table->id(), key, id, tx.writes.back().row);
    return std::nullopt;
}

std::optional<Error> MvccStore::update(Transaction& tx, const std::shared_ptr<Table>& table, std::int64_t key,
                                       RowPtr row)
{
    RowRecord record(row); // encoded before taking the chain's lock
    return endVisibleVersion(tx, table, key, std::move(record), WriteRecord::Op::Update);
}

std::optional<Error> MvccStore::remove(Transaction& tx, const std::shared_ptr<Table>& table, std::int64_t key)
{
    return endVisibleVersion(tx, table, key, RowRecord(), WriteRecord::Op::Delete);
}

// UPDATE and DELETE end the version the transaction sees. Another writer's claim on it, or a
// newer committed version, is a write-write conflict found at once (not at commit).
std::optional<Error> MvccStore::endVisibleVersion(Transaction& tx, const std::shared_ptr<Table>& table,
                                                  std::int64_t key, RowRecord record, WriteRecord::Op op)
{
    VersionChain* chain = table->find(key);
    if (!chain) return Error::misuse("no row with key " + std::to_string(key) + " in " + table->name());
    const bool writes = static_cast<bool>(record); // a new version (Update), or none (Delete)
    const std::uint64_t newId = writes ? newVersionId() : 0;
    if (tx.ssi) ssi_.beforeWrite(tx.ssi); // readers of the chain must find it by id
    enum class Outcome { Done, Missing, Conflict };
    std::uint64_t oldId = 0, otherTx = 0;
    const Outcome outcome = withVisible(*this, *chain, tx, [&](int index) {
        if (index < 0) return Outcome::Missing;
        Version& visible = chain->versions[index];
        if (!visible.end.isNone()) {
            if (visible.end.tx == nullptr) {
                otherTx = visible.endTxId; // committed after our snapshot
                return Outcome::Conflict;
            }
            if (visible.end.tx->loadState() != TxState::Aborted) {
                otherTx = visible.end.tx->id;
                return Outcome::Conflict;
            }
        }
        visible.end = Stamp::of(&tx);
        visible.endTxId = tx.id;
        oldId = visible.id;
        if (writes) chain->versions.push_back({newId, Stamp::of(&tx), Stamp::none(), record, tx.id, 0});
        return Outcome::Done;
    });
    if (outcome == Outcome::Missing)
        return Error::misuse("no row with key " + std::to_string(key) + " in " + table->name() +
                             " is visible");
    if (outcome == Outcome::Conflict)
        return doom(tx, *table, key, otherTx,
                    op == WriteRecord::Op::Delete ? "changed this row after our snapshot or is changing it"
                                                  : "changed this row after our snapshot or is changing it");
    tx.writes.push_back({op, table, key, chain, newId, oldId, false, std::move(record)});
    enterSyncFlight(tx);
    noteSsiWrite(tx, *table, key);
    if (tracing()) {
        emit(EventKind::VersionEnded, tx.connection, tx.id, table->id(), key,
             static_cast<std::int64_t>(oldId));
        if (writes) emitVersionCreated(tx, table->id(), key, newId, tx.writes.back().row);
    }
    if (writes) versionsCreated_.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
}

void MvccStore::emitVersionCreated(const Transaction& tx, std::uint32_t table, std::int64_t key,
                                   std::uint64_t id, const RowRecord& record) const
{
    const EventFields fields{
        0, tx.connection, table, tx.id, key, static_cast<std::int64_t>(id), 0, EventKind::VersionCreated, 0};
    trace_->appendRow(fields, record.recordBytes()); // rendered when read (a long one now)
}

void MvccStore::undoTo(Transaction& tx, std::size_t mark)
{
    while (tx.writes.size() > mark) {
        undoRecord(tx, tx.writes.back());
        tx.writes.pop_back();
    }
}

void MvccStore::undoRecord(Transaction& tx, const WriteRecord& record)
{
    std::vector<RowRecord> removed; // their index entries go once the chain lock is released
    undoVersions(tx, record, removed);
    record.table->unindexVersions(record.key, *record.chain, removed);
}

void MvccStore::undoVersions(Transaction& tx, const WriteRecord& record, std::vector<RowRecord>& removed)
{
    std::lock_guard lock(record.chain->lock);
    auto& versions = record.chain->versions;
    for (auto it = versions.begin(); it != versions.end(); ++it) {
        if (record.newVersion && it->id == record.newVersion && it->begin.tx == &tx) {
            removed.push_back(std::move(it->row));
            versions.erase(it);
            versionsDiscarded_.fetch_add(1, std::memory_order_relaxed);
            break;
        }
    }
    if (record.oldVersion) {
        for (auto& v : versions) {
            if (v.id == record.oldVersion && v.end.tx == &tx) {
                v.end = Stamp::none();
                v.endTxId = 0;
                break;
            }
        }
    }
}

} // namespace txs::mvcc
