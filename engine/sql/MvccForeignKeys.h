#pragma once
// FOREIGN KEY constraints on the MVCC engine, with PRAGMA foreign_keys = ON (per connection, off by
// default as in SQLite). SQLite does not enforce foreign keys on virtual tables, so the connection
// does it at the end of each statement, under the statement's transaction, with SQL on its private
// handle (every read goes through the virtual tables, so it sees exactly the transaction's snapshot,
// and a serializable transaction records it):
//   1. actions: for each row of a referenced (parent) table the statement deleted, or whose parent
//      key it changed, ON DELETE / ON UPDATE CASCADE, SET NULL and SET DEFAULT run as statements on
//      the child table (their own writes are processed the same way, until none is left);
//   2. checks: each child row written (inserted, or its key columns changed) must have a parent
//      row visible to the transaction; each parent key that went away must have no child row left.
//      A violation fails the statement ("FOREIGN KEY constraint failed"), which undoes its writes.
// DEFERRABLE INITIALLY DEFERRED keys are checked (step 2, over the whole transaction) at COMMIT
// instead; a COMMIT they fail leaves the transaction open, as SQLite. RESTRICT is never deferred.
//
// Concurrency: the checks see the snapshot only. A transaction deleting a parent and another
// inserting a child of it concurrently both pass their checks and both commit, leaving an orphan,
// as Turso 0.7.2 does in MVCC mode (docs/engine.md, Foreign keys); under PRAGMA isolation =
// 'serializable' the reads the checks made turn it into a conflict for one of them.

#include "engine/api/Error.h"
#include "engine/mvcc/MvccStore.h"
#include "engine/sqlutil/StatementHandle.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct sqlite3;

namespace txs::sql {

class ForeignKeys
{
public:
    using Tables = std::map<std::uint32_t, std::shared_ptr<mvcc::Table>>; // the declared tables, by id

    // `vtabError`: where the virtual table reports the error behind a failed statement (a conflict).
    ForeignKeys(sqlite3* db, std::optional<Error>& vtabError) : db_(db), vtabError_(vtabError) {}

    bool enabled() const { return enabled_; }
    void setEnabled(bool on) { enabled_ = on; }
    // The catalog changed: prepared statements and the map of references go.
    void reset();
    // The virtual table moved a row of `table` from `oldKey` to `newKey` (an UPDATE of the key):
    // for the parent side that is an update, not a delete.
    void noteKeyMove(const mvcc::Table* table, std::int64_t oldKey, std::int64_t newKey);
    void beginStatement() { keyMoves_.clear(); }

    // After a statement wrote tx.writes[mark, end): the actions, then the immediate checks (and
    // the deferred ones too for an `autocommit` statement, which is its own transaction).
    std::optional<Error> afterStatement(mvcc::MvccStore& store, mvcc::Transaction& tx, std::size_t mark,
                                        const Tables& tables, bool autocommit);
    // Before COMMIT: the deferred keys, over every write of the transaction.
    std::optional<Error> beforeCommit(mvcc::MvccStore& store, mvcc::Transaction& tx, const Tables& tables);

private:
    struct Reference
    {
        std::shared_ptr<mvcc::Table> child;
        std::size_t key;                     // index into child->schema().foreignKeys
        std::shared_ptr<mvcc::Table> parent; // null: no such table
        std::vector<int> parentColumns;      // empty: not a parent key (SQLite's "foreign key mismatch")
    };
    void mapReferences(const Tables& tables);
    std::optional<Error> runActions(mvcc::MvccStore& store, mvcc::Transaction& tx, std::size_t mark);
    std::optional<Error> check(mvcc::MvccStore& store, mvcc::Transaction& tx, std::size_t from,
                               bool deferred);
    std::optional<Error> action(const Reference& ref, bool deleted, const Row& oldValues,
                                const Row& newValues);
    // Whether `table` has a row visible to the statement's transaction with `values` in `columns`.
    std::optional<Error> exists(const mvcc::Table& table, const std::vector<int>& columns, const Row& values,
                                bool& found);
    std::optional<Error> run(const std::string& sql, const Row& params, bool* found = nullptr);
    std::optional<Row> rowAfter(mvcc::MvccStore& store, mvcc::Transaction& tx,
                                const mvcc::WriteRecord& write) const;

    sqlite3* db_;
    std::optional<Error>& vtabError_;
    bool enabled_ = false;
    bool mapped_ = false;
    std::vector<Reference> references_;
    std::multimap<std::uint32_t, std::size_t> byParent_, byChild_; // table id -> references_ index
    std::map<std::pair<const mvcc::Table*, std::int64_t>, std::int64_t> keyMoves_; // this statement's
    std::map<std::string, sqlutil::StatementHandle> statements_;
};

} // namespace txs::sql
