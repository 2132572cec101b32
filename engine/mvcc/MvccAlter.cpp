// ALTER TABLE in the store. The altered table is replaced in the catalog by a new Table (a new id,
// the plan's schema, the same creation timestamp and rowid allocator) holding a copy of every
// committed version with its timestamps, each row reshaped by the plan (an added column holds the
// value SQLite reads there, a dropped one is gone; a rename shares the record). So:
//   - a transaction that began before the ALTER keeps its connection's catalog (engine/sql does not
//     change a transaction's schema under it, as Turso keeps a transaction's schema): it reads the
//     old Table, untouched since, exactly as at its snapshot; if it wrote, its COMMIT fails with the
//     schema conflict (the schema version moved), as in Turso;
//   - a transaction that begins after reads the new Table, whose copied versions answer every
//     snapshot as the old ones did.
// Versions of transactions still running are not copied: they are doomed (schema conflict) and
// their undo works on the old table, whose chains they point into. The exclusive slot is held, so
// no commit is preparing; a commit still rewriting its stamps (Committed, past Preparing) is read
// through its transaction, which lives as long as its stamps are in a chain.

#include "engine/api/AsciiText.h"
#include "engine/mvcc/MvccStore.h"

#include <limits>
#include <mutex>
#include <shared_mutex>

namespace txs::mvcc {

namespace {

// A stamp as a committed timestamp: 0 when its writer has not committed (a version not begun, or
// not ended, for everyone else).
std::uint64_t committedTs(const Stamp& stamp)
{
    if (!stamp.tx) return stamp.ts;
    return stamp.tx->loadState() == TxState::Committed ? stamp.tx->endTs.load(std::memory_order_acquire) : 0;
}

RowRecord reshape(const RowRecord& row, const AlterPlan& plan)
{
    if (!row || plan.kind == AlterPlan::Kind::RenameTable || plan.kind == AlterPlan::Kind::RenameColumn)
        return row; // same values, same order: the record is shared
    Row out;
    out.reserve(plan.sourceColumn.size());
    for (const int from : plan.sourceColumn)
        out.push_back(from < 0 ? plan.addedValue : row.column(static_cast<std::size_t>(from)));
    return RowRecord(out);
}

} // namespace

CatalogSchema MvccStore::catalogSchema() const
{
    std::shared_lock lock(catalogMutex_);
    CatalogSchema catalog;
    for (const auto& [key, table] : tables_) {
        CatalogSchema::TableEntry entry{table->schema(), {}};
        for (const auto& index : *table->indexes())
            if (!index->schema().createSql.empty()) entry.indexes.push_back(index->schema());
        catalog.tables.push_back(std::move(entry));
    }
    catalog.views = views_;
    catalog.triggers = triggers_;
    return catalog;
}

std::optional<Error> MvccStore::alterTable(const AlterPlan& plan, std::string_view statement,
                                           std::uint32_t connection)
{
    // DDL holds the exclusive slot, and every DDL runs there: the catalog cannot change under us,
    // and the file's checkpoint (which reads the catalog) may run before the catalog lock is taken.
    const std::shared_ptr<Table> old = table(plan.table);
    if (!old) return Error::syntax("no such table: " + plan.table);

    std::uint32_t id;
    {
        std::unique_lock lock(catalogMutex_);
        id = nextTableId_++;
    }
    auto replacement = std::make_shared<Table>(id, plan.schema);
    std::uint64_t copied = 0, dropped = 0;
    {
        std::vector<Table::Entry> batch;
        std::optional<std::int64_t> after;
        constexpr auto lo = std::numeric_limits<std::int64_t>::min(),
                       hi = std::numeric_limits<std::int64_t>::max();
        for (;;) {
            old->collect(lo, hi, after, false, 256, batch);
            if (batch.empty()) break;
            for (const auto& [key, chain] : batch) {
                std::vector<Version> versions;
                {
                    std::lock_guard lock(chain->lock);
                    dropped += chain->versions.size();
                    for (const auto& v : chain->versions) {
                        const std::uint64_t begin = committedTs(v.begin);
                        if (!begin) continue;
                        const std::uint64_t end = v.end.isNone() ? 0 : committedTs(v.end);
                        versions.push_back({v.id, Stamp::at(begin), end ? Stamp::at(end) : Stamp::none(),
                                            v.row, v.beginTxId, end ? v.endTxId : 0});
                    }
                }
                if (versions.empty()) continue;
                for (auto& v : versions)
                    v.row = reshape(v.row, plan);
                VersionChain& into = replacement->findOrCreate(key);
                copied += versions.size();
                into.versions = std::move(versions);
            }
            after = batch.back().key;
        }
    }
    replacement->noteExplicitKey(old->nextKey() - 1);
    replacement->setCreatedTs(old->createdTs());
    // Its CREATE INDEX indexes (the constraint ones came with the schema), then every version's
    // entries: nobody sees the table yet.
    auto list = std::make_shared<Table::IndexList>(*replacement->indexes());
    for (const auto& schema : plan.indexes)
        list->push_back(std::make_shared<Index>(schema));
    replacement->setIndexes(list);
    if (!list->empty()) {
        std::vector<std::pair<std::int64_t, RowRecord>> rows;
        std::vector<Table::Entry> batch;
        std::optional<std::int64_t> after;
        for (;;) {
            replacement->collect(std::numeric_limits<std::int64_t>::min(),
                                 std::numeric_limits<std::int64_t>::max(), after, false, 256, batch);
            if (batch.empty()) break;
            for (const auto& [key, chain] : batch)
                for (const auto& v : chain->versions)
                    if (v.row) rows.emplace_back(key, v.row);
            after = batch.back().key;
        }
        for (const auto& index : *list)
            index->addAll(rows);
    }

    std::uint64_t ts = 0;
    if (durability_) {
        if (auto error = durability_->alterTable(
                statement, plan, old->createdTs(), [this] { return beginDdl(); }, ts)) {
            if (ts) endDdl(ts);
            return error;
        }
    }
    std::unique_lock lock(catalogMutex_);
    const std::shared_ptr<Table>& published = replacement;
    tables_.erase(toLower(old->name()));
    tables_[toLower(published->name())] = published;
    old->markDropped();
    views_ = plan.views;
    triggers_ = plan.triggers;
    schemaVersion_.fetch_add(1, std::memory_order_acq_rel);
    versionsCreated_.fetch_add(copied, std::memory_order_relaxed);
    versionsReclaimed_.fetch_add(dropped, std::memory_order_relaxed);
    ddlCommitted(ts);
    lock.unlock();
    // For the trace's projections (by table id): the old table ends, its replacement begins.
    emit(EventKind::TableDropped, connection, 0, old->id(), 0, 0, 0, old->name());
    emit(EventKind::TableCreated, connection, 0, published->id(), 0, 0, 0, published->name());
    emit(EventKind::Note, connection, 0, published->id(), 0, 0, 0, std::string(statement));
    return std::nullopt;
}

} // namespace txs::mvcc
