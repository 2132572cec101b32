#include "engine/sql/MvccPlanPartial.h"

#include "engine/mvcc/Index.h"
#include "engine/sqlutil/SqliteValues.h"

#include <sqlite3.h>

namespace txs::sql {

namespace {

using Op = mvcc::PartialTerm::Op;

bool sameColumn(const mvcc::Table& table, int column, int constraintColumn)
{
    if (column == constraintColumn) return true;
    const int key = table.schema().keyColumn;
    return key >= 0 && column == key && constraintColumn == -1; // the rowid is the key
}

int constraintOp(Op op)
{
    switch (op) {
    case Op::Eq:
        return SQLITE_INDEX_CONSTRAINT_EQ;
    case Op::Ne:
        return SQLITE_INDEX_CONSTRAINT_NE;
    case Op::Gt:
        return SQLITE_INDEX_CONSTRAINT_GT;
    case Op::Ge:
        return SQLITE_INDEX_CONSTRAINT_GE;
    case Op::Lt:
        return SQLITE_INDEX_CONSTRAINT_LT;
    case Op::Le:
        return SQLITE_INDEX_CONSTRAINT_LE;
    case Op::Is:
        return SQLITE_INDEX_CONSTRAINT_IS;
    case Op::IsNull:
        return SQLITE_INDEX_CONSTRAINT_ISNULL;
    case Op::IsNotNull:
        return SQLITE_INDEX_CONSTRAINT_ISNOTNULL;
    }
    return -1;
}

// A comparison with any value, NULL included, is never true for a NULL column value. (`!=` is
// one too, but not a proof: below.)
bool rejectsNull(int op)
{
    return op == SQLITE_INDEX_CONSTRAINT_EQ || op == SQLITE_INDEX_CONSTRAINT_GT ||
           op == SQLITE_INDEX_CONSTRAINT_GE || op == SQLITE_INDEX_CONSTRAINT_LT ||
           op == SQLITE_INDEX_CONSTRAINT_LE;
}

// SQLite 3.40.1 protects a plan from an ON term of a LEFT JOIN naming only the left table (the
// plan that uses it needs that table itself and is dropped) for =, <, <=, >, >=, IS and IS NULL,
// but not for `!=` and `IS NOT NULL`, which reach xBestIndex as auxiliary terms without that
// requirement: checked with `t LEFT JOIN u ON t.b IS NOT NULL`, whose plan through an index
// `WHERE b IS NOT NULL` lost t's rows with a NULL b. So neither proves anything here.
bool safeProof(int op)
{
    return op != SQLITE_INDEX_CONSTRAINT_NE && op != SQLITE_INDEX_CONSTRAINT_ISNOTNULL;
}

bool sameConstant(sqlite3_index_info* info, int i, const Value& expected)
{
    sqlite3_value* rhs = nullptr;
    if (sqlite3_vtab_rhs_value(info, i, &rhs) != SQLITE_OK || !rhs) return false;
    const Value actual = sqlutil::fromSqliteValue(rhs);
    return actual.type() == expected.type() && mvcc::compareValues(actual, expected) == 0;
}

// The term's comparison uses its column's collation (the WHERE has no COLLATE: PartialTerms.h).
bool columnCollation(const mvcc::Table& table, int column, sqlite3_index_info* info, int i)
{
    const char* name = sqlite3_vtab_collation(info, i);
    const auto& declared = table.schema().columns[static_cast<std::size_t>(column)].collation;
    return mvcc::collationNamed(name ? name : "BINARY") ==
           mvcc::collationNamed(declared.empty() ? "BINARY" : declared);
}

// A number compared with a TEXT column is converted to text, where 1.0 and 1 differ; SQLite gives
// both as the integer 1 (NUMERIC affinity), so for such a column a number proves nothing.
bool comparableConstant(const mvcc::Table& table, int column, const Value& value)
{
    const bool number = value.type() == Value::Type::Integer || value.type() == Value::Type::Real;
    return !number ||
           table.schema().columns[static_cast<std::size_t>(column)].affinity != mvcc::Affinity::Text;
}

bool matches(const mvcc::Table& table, const mvcc::PartialTerm& term, sqlite3_index_info* info, int i)
{
    const auto& c = info->aConstraint[i];
    if (!c.usable || !safeProof(c.op) || !sameColumn(table, term.column, c.iColumn)) return false;
    switch (term.op) {
    case Op::IsNotNull:
        return rejectsNull(c.op);
    case Op::IsNull:
        return c.op == SQLITE_INDEX_CONSTRAINT_ISNULL;
    default:
        return c.op == constraintOp(term.op) && comparableConstant(table, term.column, term.value) &&
               sameConstant(info, i, term.value) && columnCollation(table, term.column, info, i);
    }
}

} // namespace

std::optional<std::vector<int>> impliesPartialWhere(const mvcc::Table& table,
                                                    const std::vector<mvcc::PartialTerm>& terms,
                                                    sqlite3_index_info* info)
{
    std::vector<int> proof;
    for (const auto& term : terms) {
        if (term.column < 0 || static_cast<std::size_t>(term.column) >= table.schema().columns.size())
            return std::nullopt;
        int found = -1;
        for (int i = 0; i < info->nConstraint && found < 0; ++i)
            if (matches(table, term, info, i) && !sqlite3_vtab_in(info, i, -1)) found = i;
        if (found < 0) return std::nullopt;
        proof.push_back(found);
    }
    return proof;
}

} // namespace txs::sql
