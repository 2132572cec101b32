// CREATE INDEX and DROP INDEX in the store's catalog. Like CREATE TABLE they run with the
// exclusive slot held (no commit is preparing) and count as DDL: a transaction that wrote since
// its snapshot fails its COMMIT with a schema conflict, as in Turso.

#include "engine/api/AsciiText.h"
#include "engine/mvcc/MvccStore.h"

#include <algorithm>
#include <limits>
#include <mutex>
#include <shared_mutex>

namespace txs::mvcc {

namespace {

// The row of the newest committed version of `chain` that no commit has ended, or null. `own`: a
// transaction whose writes count as committed (the one creating the index inside BEGIN ... COMMIT,
// on a table it created: SQLite refuses a UNIQUE index over its own duplicates too).
RowRecord currentCommitted(VersionChain& chain, const Transaction* own)
{
    std::lock_guard lock(chain.lock);
    for (auto it = chain.versions.rbegin(); it != chain.versions.rend(); ++it) {
        const bool begun =
            !it->begin.tx || it->begin.tx == own || it->begin.tx->loadState() == TxState::Committed;
        if (!begun) continue;
        const bool ended = !it->end.isNone() && (!it->end.tx || it->end.tx == own ||
                                                 it->end.tx->loadState() == TxState::Committed);
        return ended ? RowRecord{} : it->row;
    }
    return {};
}

template <class F> void forEachChain(const Table& table, F&& f)
{
    std::vector<Table::Entry> batch;
    std::optional<std::int64_t> after;
    constexpr auto lo = std::numeric_limits<std::int64_t>::min(),
                   hi = std::numeric_limits<std::int64_t>::max();
    for (;;) {
        table.collect(lo, hi, after, false, 256, batch);
        if (batch.empty()) return;
        for (const auto& entry : batch)
            f(entry.key, *entry.chain);
        after = batch.back().key;
    }
}

// Publishes `index` on `table`, then adds an entry for every version (Index.h's invariant: a
// writer that missed the new list put its version in the chain before, so the pass finds it).
// `alone`: nobody else uses the store (opening it), so the entries are gathered first and added
// in one sorted pass (Index::addAll).
void addIndexTo(Table& table, const std::shared_ptr<Index>& index, bool alone = false)
{
    auto list = std::make_shared<Table::IndexList>(*table.indexes());
    list->push_back(index);
    table.setIndexes(list);
    if (alone) {
        std::vector<std::pair<std::int64_t, RowRecord>> rows;
        rows.reserve(table.chainCount());
        forEachChain(table, [&](std::int64_t key, VersionChain& chain) {
            std::lock_guard chainLock(chain.lock);
            for (const auto& v : chain.versions)
                rows.emplace_back(key, v.row);
        });
        index->addAll(rows);
        return;
    }
    forEachChain(table, [&](std::int64_t key, VersionChain& chain) {
        std::vector<RowRecord> rows;
        {
            std::lock_guard chainLock(chain.lock);
            for (const auto& v : chain.versions)
                rows.push_back(v.row);
        }
        for (const auto& row : rows)
            if (row) index->add(row, key);
    });
}

// CREATE/DROP INDEX change the table object in place, and a table the transaction did not create
// is shared with the committed catalog every other connection reads: they would see (and their
// writes maintain) the index before COMMIT. The SQL front end first gives the transaction a copy
// of its own (rebuildInTx); a caller that did not is refused here, before anything changed.
Error indexOnCommittedTable(const char* what, const std::string& table)
{
    return Error::misuse(std::string(what) + " INDEX inside a transaction on table " + table +
                         ", which is shared with the committed catalog: the transaction's own copy "
                         "(MvccStore::rebuildInTx) must replace it first");
}

void removeIndexFrom(Table& table, const std::string& name)
{
    auto list = std::make_shared<Table::IndexList>();
    for (const auto& other : *table.indexes())
        if (other != table.index(name)) list->push_back(other);
    table.setIndexes(std::move(list));
}

} // namespace

void MvccStore::restoreIndex(Table& table, IndexSchema schema)
{
    std::unique_lock lock(catalogMutex_);
    removeIndexFrom(table, schema.name);
    addIndexTo(table, std::make_shared<Index>(std::move(schema)), true);
    schemaVersion_.fetch_add(1, std::memory_order_acq_rel);
}

void MvccStore::restoreDropIndex(const std::string& name)
{
    std::unique_lock lock(catalogMutex_);
    for (const auto& [key, table] : tables_)
        if (table->index(name)) removeIndexFrom(*table, name);
    schemaVersion_.fetch_add(1, std::memory_order_acq_rel);
}

std::shared_ptr<Table> MvccStore::tableOfIndex(const std::string& name, std::uint32_t viewer) const
{
    std::shared_lock lock(catalogMutex_);
    for (const auto& [key, table] : seesCommitted(viewer) ? pending_->committed.tables : tables_)
        if (table->index(name)) return table;
    return nullptr;
}

std::optional<Error> MvccStore::createIndex(const std::string& tableName, IndexSchema schema,
                                            bool ifNotExists, std::uint32_t connection)
{
    std::unique_lock lock(catalogMutex_);
    auto it = tables_.find(toLower(tableName));
    if (it == tables_.end()) return Error::syntax("no such table: main." + tableName);
    for (const auto& [key, table] : tables_)
        if (table->index(schema.name))
            return ifNotExists
                       ? std::nullopt
                       : std::optional<Error>(Error::syntax("index " + schema.name + " already exists"));
    if (tables_.count(toLower(schema.name)) || findView(schema.name) != views_.end())
        return Error::syntax("there is already a table named " + schema.name);
    const std::shared_ptr<Table> table = it->second;
    if (sharedWithCommitted(*table)) return indexOnCommittedTable("CREATE", table->name());
    CatalogState catalogBefore = beforeDdl();

    // Published before it is filled, so a transaction writing meanwhile adds its entries (its
    // COMMIT then fails with the schema conflict all the same); the planner waits for ready.
    auto index = std::make_shared<Index>(std::move(schema));
    index->setReady(false);
    const auto before = table->indexes();
    addIndexTo(*table, index);
    if (index->unique()) {
        // Committed rows must already be unique, as SQLite refuses CREATE UNIQUE INDEX over
        // duplicates.
        std::vector<Row> tuples;
        forEachChain(*table, [&](std::int64_t, VersionChain& chain) {
            const RowRecord row = currentCommitted(chain, pending_ ? pending_->tx : nullptr);
            if (!row) return;
            auto tuple = index->tupleOf(row); // nullopt: outside a partial index, never a duplicate
            if (tuple && !Index::hasNull(*tuple)) tuples.push_back(std::move(*tuple));
        });
        std::sort(tuples.begin(), tuples.end(),
                  [&](const Row& a, const Row& b) { return index->compare(a, b) < 0; });
        for (std::size_t i = 1; i < tuples.size(); ++i)
            if (index->compare(tuples[i - 1], tuples[i]) == 0) {
                table->setIndexes(before);
                return uniqueViolation(*table, *index);
            }
    }
    // On a file the DDL is a frame of the log, written once the index is known to be valid.
    std::uint64_t ts = 0;
    LogOp op;
    op.kind = LogOp::Kind::CreateIndex;
    op.table = table->name();
    op.createSql = index->schema().createSql;
    if (auto logError = logDdl(std::move(op), ts, std::move(catalogBefore))) {
        table->setIndexes(before);
        return logError;
    }
    index->setReady(true);
    catalogChanged(ts);
    lock.unlock();
    emit(EventKind::Note, connection, 0, table->id(), 0, 0, 0, "CREATE INDEX " + index->name());
    return std::nullopt;
}

std::optional<Error> MvccStore::dropIndex(const std::string& name, bool ifExists, std::uint32_t connection)
{
    std::unique_lock lock(catalogMutex_);
    std::shared_ptr<Table> table;
    std::shared_ptr<Index> index;
    for (const auto& [key, t] : tables_)
        if ((index = t->index(name))) {
            table = t;
            break;
        }
    if (!index)
        return ifExists ? std::nullopt : std::optional<Error>(Error::syntax("no such index: " + name));
    if (index->schema().createSql.empty())
        return Error::syntax("index associated with UNIQUE or PRIMARY KEY constraint cannot be dropped");
    if (sharedWithCommitted(*table)) return indexOnCommittedTable("DROP", table->name());
    std::uint64_t ts = 0;
    LogOp op;
    op.kind = LogOp::Kind::DropIndex;
    op.table = table->name();
    op.index = index->name();
    if (auto logError = logDdl(std::move(op), ts, beforeDdl())) return logError;
    removeIndexFrom(*table, index->name());
    catalogChanged(ts);
    lock.unlock();
    emit(EventKind::Note, connection, 0, table->id(), 0, 0, 0, "DROP INDEX " + index->name());
    return std::nullopt;
}

} // namespace txs::mvcc
