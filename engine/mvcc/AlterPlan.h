#pragma once
// ALTER TABLE, planned by SQLite itself: the store's schema (every table's CREATE TABLE, every
// CREATE INDEX, every view) is created in a scratch in-memory database, the ALTER TABLE runs
// there, and what SQLite made of the schema is read back. So the rules and messages are SQLite's
// own (ADD COLUMN's restrictions, DROP COLUMN refused on a key, indexed, UNIQUE or CHECKed
// column, RENAME COLUMN rewriting indexes and views, RENAME TO rewriting the views that name the
// table, "error in view v: ..."; the same for triggers: "error in trigger t after drop column: ..."),
// and the plan says how the rows change: which old column each
// new column takes its values from, and the value rows written before an ADD COLUMN read in it.
//
// The statement must be exactly one ALTER TABLE (anything else is refused unrun). The scratch
// holds no rows: the one rule of SQLite that looks at rows (ADD COLUMN with a CHECK or NOT NULL
// constraint over a table that has rows) is the caller's (AlterPlan::addedChecks).

#include "engine/api/Error.h"
#include "engine/api/Value.h"
#include "engine/mvcc/TableSchema.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace txs::mvcc {

// The catalog an ALTER TABLE is planned against.
struct CatalogSchema
{
    struct TableEntry
    {
        TableSchema schema;
        std::vector<IndexSchema> indexes; // its CREATE INDEX indexes (not the constraint ones)
    };
    std::vector<TableEntry> tables;
    std::vector<ViewSchema> views;       // in creation order
    std::vector<TriggerSchema> triggers; // in creation order
};

struct AlterPlan
{
    enum class Kind { RenameTable, RenameColumn, AddColumn, DropColumn };
    Kind kind = Kind::RenameColumn;
    std::string table;  // the table altered, as the catalog names it
    TableSchema schema; // the table afterwards (its createSql canonical, as readTableSchema makes it)
    // For each column of `schema`: the column of the old table it takes its values from, or -1 for
    // the added column, whose value in every existing row is `addedValue` (its DEFAULT with the
    // column's affinity, as SQLite reads a row written before the column was added).
    std::vector<int> sourceColumn;
    Value addedValue;
    // ADD COLUMN with CHECK or NOT NULL over a table that has rows: SQLite checks every existing
    // row (the added column holding addedValue). The CHECK expressions the new column brought.
    std::vector<CheckConstraint> addedChecks;
    std::vector<IndexSchema> indexes; // the table's CREATE INDEX indexes afterwards
    std::vector<ViewSchema> views;    // every view afterwards, in the same order
    // Every trigger afterwards, in the same order, as SQLite rewrote the ones on the table or naming
    // it or its columns (RENAME TO: `table` is the new name for the triggers on it).
    std::vector<TriggerSchema> triggers;
};

// Plans `statement` (one ALTER TABLE of a table in `catalog`); on failure sets `error` (SQLite's
// own message where SQLite refused it).
std::optional<AlterPlan> planAlter(std::string_view statement, const CatalogSchema& catalog, Error& error);

} // namespace txs::mvcc
