#pragma once
// UPSERT on MVCC tables. SQLite 3.40.1 refuses an ON CONFLICT clause on a virtual table ("UPSERT
// not implemented for virtual table"), so the MVCC connection takes the clause (and a RETURNING
// clause) off the INSERT before SQLite sees it and carries it out itself, row by row, in the
// virtual table's xUpdate: a row whose key is free is inserted; a row whose key holds a version
// the transaction sees is left alone (DO NOTHING) or updated (DO UPDATE) with the same
// write-write conflict rules as UPDATE. The SET and WHERE expressions, with `excluded.` and the
// existing row bound as parameters, and RETURNING are evaluated by small SELECTs in the same
// SQLite handle.
//
// INSERT OR IGNORE gets a plan too (without a clause): SQLite cannot tell an ignored row of a
// virtual table from an inserted one, so changes() and RETURNING would count it.

#include "engine/api/Error.h"
#include "engine/api/Result.h"
#include "engine/mvcc/TableSchema.h"
#include "engine/sqlutil/StatementHandle.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace txs::sql {

// What the planner found in an INSERT; pure text, testable without SQLite.
struct UpsertText
{
    std::string insertSql;             // the INSERT without its ON CONFLICT and RETURNING clauses
    std::string table;                 // the target table as written (unquoted)
    bool hasClause = false;            // an ON CONFLICT clause was present
    std::vector<int> targetColumns;    // ON CONFLICT (a, b): schema columns (-1: the rowid); empty: any
    bool doNothing = false;            // DO NOTHING (else DO UPDATE when hasClause)
    std::vector<int> setColumns;       // DO UPDATE SET: schema column per assignment (-1: the rowid)
    std::vector<std::string> setExprs; // their expressions, `excluded.c` rewritten to parameters
    std::string whereExpr;             // DO UPDATE ... WHERE, rewritten likewise; empty when none
    std::string returning;             // the RETURNING list as written; empty when none
    std::string alias;                 // how the existing row is named in expressions (table or AS alias)
};

// nullopt when `statement` needs no plan (not an INSERT into an MVCC table, or one without ON
// CONFLICT and without OR IGNORE). `schemaOf` finds an MVCC table's schema by name. A clause the
// engine cannot carry out sets `error` (and returns nullopt).
std::optional<UpsertText>
planUpsert(std::string_view statement,
           const std::function<const mvcc::TableSchema*(const std::string&)>& schemaOf,
           std::optional<Error>& error);

// The prepared form, owned with the statement it belongs to. Parameters of the helper SELECTs:
// ?1..?n the proposed row (`excluded`), ?n+1..?2n the existing row.
class UpsertPlan
{
public:
    // Prepares the helper SELECTs in `db`; on failure returns nullptr with SQLite's error.
    static std::unique_ptr<UpsertPlan> prepare(sqlite3* db, UpsertText text, const mvcc::TableSchema& schema,
                                               Error& error);
    ~UpsertPlan();
    UpsertPlan(const UpsertPlan&) = delete;
    UpsertPlan& operator=(const UpsertPlan&) = delete;

    bool hasClause() const { return text_.hasClause; }
    bool doNothing() const { return text_.doNothing; }
    // The conflict target names exactly `columns` (any order), or there is none.
    bool targets(const std::vector<int>& columns) const;
    const std::vector<int>& targetColumns() const { return text_.targetColumns; }
    const std::vector<int>& setColumns() const { return text_.setColumns; }

    // Per run of the statement.
    void reset();
    // DO UPDATE: the assigned values (one per setColumns()), or nullopt when its WHERE is false
    // or on failure (`error`). Each row is its n columns followed by its rowid.
    std::optional<Row> evaluateUpdate(const Row& proposed, const Row& existing, std::optional<Error>& error);
    // A row was written (inserted or updated): count it and evaluate RETURNING for it (its n
    // columns).
    std::optional<Error> wrote(const Row& row);

    std::int64_t changes() const { return changes_; }
    bool returns() const { return static_cast<bool>(returning_); }
    std::vector<std::string> returningColumns() const;
    std::vector<Row>& returnedRows() { return returned_; }

private:
    UpsertPlan(sqlite3* db, UpsertText text, std::size_t width)
        : db_(db), text_(std::move(text)), width_(width)
    {}

    sqlite3* db_;
    UpsertText text_;
    std::size_t width_;
    sqlutil::StatementHandle update_;    // SELECT set values..., where FROM ...
    sqlutil::StatementHandle returning_; // SELECT returning FROM ...
    std::int64_t changes_ = 0;
    std::vector<Row> returned_;
};

} // namespace txs::sql
