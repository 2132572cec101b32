#pragma once
// A partial index's WHERE as the planner can match it: the conjuncts, each `column op constant`,
// `column IS [NOT] NULL`, or nothing at all. The planner may use a partial index only for a query
// whose WHERE implies the index's (otherwise a row the query wants may be missing from the
// index); it proves that term by term, as SQLite does (docs/engine.md, Indexes and the planner).
// A WHERE with any other conjunct (OR, BETWEEN, a function, a COLLATE, two columns, a parameter)
// gives no terms: the index never serves a plan, which costs a scan, never a wrong answer.

#include "engine/api/Value.h"
#include "engine/mvcc/TableSchema.h"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace txs::mvcc {

struct PartialTerm
{
    // As written, with the column on the left (`0 < b` is b Gt 0).
    enum class Op { Eq, Ne, Gt, Ge, Lt, Le, Is, IsNull, IsNotNull };
    int column = 0; // the table's column (its index in TableSchema::columns)
    Op op = Op::Eq;
    Value value; // the constant, as SQLite evaluates it (Eq .. Is); NULL for IsNull, IsNotNull
};

// The conjuncts of `createIndex`'s WHERE (SQLite's text of a partial index on `table`), each
// constant's value given by `evaluate` (its SQL text: a number, a string, NULL, a signed number),
// or nullopt when a conjunct has another form or a constant cannot be evaluated. An index
// without WHERE gives an empty list.
std::optional<std::vector<PartialTerm>>
partialTerms(const std::string& createIndex, const TableSchema& table,
             const std::function<std::optional<Value>(std::string_view constant)>& evaluate);

} // namespace txs::mvcc
