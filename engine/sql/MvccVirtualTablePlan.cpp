#include "engine/sql/MvccVirtualTablePlan.h"

#include "engine/mvcc/Affinity.h"
#include "engine/mvcc/Index.h"
#include "engine/sql/MvccPlanPartial.h"
#include "engine/sqlutil/SqliteValues.h"

#include <algorithm>
#include <cmath>
#include <sqlite3.h>
#include <string>
#include <vector>

namespace txs::sql {

namespace {

using mvcc::Index;
using mvcc::Table;

bool isKeyColumn(const Table& table, int column)
{
    return column == -1 || column == table.schema().keyColumn;
}

bool isEq(unsigned char op)
{
    return op == SQLITE_INDEX_CONSTRAINT_EQ || op == SQLITE_INDEX_CONSTRAINT_IS;
}
bool isLow(unsigned char op)
{
    return op == SQLITE_INDEX_CONSTRAINT_GT || op == SQLITE_INDEX_CONSTRAINT_GE;
}
bool isHigh(unsigned char op)
{
    return op == SQLITE_INDEX_CONSTRAINT_LT || op == SQLITE_INDEX_CONSTRAINT_LE;
}

struct Plan
{
    double cost = 0, rows = 0;
    int idxNum = 0;
    std::string idxStr;
    std::vector<int> arguments; // constraint numbers, in argv order
    bool orderConsumed = false;
    bool unique = false;
};

// The key's plan: a lookup, a range, or the whole table in key order.
Plan keyPlan(const Table& table, const sqlite3_index_info* info, double rows)
{
    Plan plan;
    int eq = -1, low = -1, high = -1;
    for (int i = 0; i < info->nConstraint; ++i) {
        const auto& c = info->aConstraint[i];
        if (!c.usable || !isKeyColumn(table, c.iColumn)) continue;
        if (isEq(c.op)) eq = i;
        if (isLow(c.op)) low = i;
        if (isHigh(c.op)) high = i;
    }
    if (eq >= 0) {
        plan.idxNum = planEq;
        plan.arguments = {eq};
        plan.cost = plan.rows = 1;
        plan.unique = true;
    } else {
        if (low >= 0) {
            plan.idxNum |= planLow;
            plan.arguments.push_back(low);
        }
        if (high >= 0) {
            plan.idxNum |= planHigh;
            plan.arguments.push_back(high);
        }
        const double fraction = (low >= 0 && high >= 0) ? 0.05 : (low >= 0 || high >= 0) ? 0.3 : 1.0;
        plan.rows = rows * fraction + 1;
        plan.cost = 10 + rows * fraction;
    }
    if (info->nOrderBy == 1 && isKeyColumn(table, info->aOrderBy[0].iColumn)) {
        plan.orderConsumed = true;
        if (info->aOrderBy[0].desc) plan.idxNum |= planDesc;
    }
    return plan;
}

// Whether constraint `i` compares with the collation of index column `position`: only then do
// the index's order and equality match the comparison's (a NOCASE index holds 'a' and 'B' in
// another order than BINARY does, and a BINARY one misses 'ABC' for `= 'abc'` under NOCASE).
// The comparison's collation is SQLite's choice (the column's, or an explicit COLLATE).
bool sameCollation(const Index& index, std::size_t position, sqlite3_index_info* info, int i)
{
    const char* name = sqlite3_vtab_collation(info, i);
    return mvcc::collationNamed(name ? name : "BINARY") == index.schema().collation(position);
}

// Whether SQLite's ORDER BY on index column `position` sorts as the index does. SQLite hands a
// virtual table an ORDER BY term only when it sorts by its column's declared collation (a term
// with another COLLATE is not passed), so the index must use that one.
bool ordersAsColumn(const Table& table, const Index& index, std::size_t position)
{
    const auto& declared =
        table.schema().columns[static_cast<std::size_t>(index.schema().columns[position])].collation;
    return mvcc::collationNamed(declared.empty() ? "BINARY" : declared) == index.schema().collation(position);
}

// The plan of index number `number`: equality on its leading columns, then a range on the next.
std::optional<Plan> indexPlan(const Table& table, const Index& index, int number, sqlite3_index_info* info,
                              double rows)
{
    const auto& columns = index.schema().columns;
    Plan plan;
    int eqCount = 0;
    bool byIs = false; // `u IS NULL` matches every NULL, even in a unique index
    for (int column : columns) {
        int found = -1;
        for (int i = 0; i < info->nConstraint && found < 0; ++i)
            if (info->aConstraint[i].usable && info->aConstraint[i].iColumn == column &&
                isEq(info->aConstraint[i].op) &&
                sameCollation(index, static_cast<std::size_t>(eqCount), info, i))
                found = i;
        if (found < 0 || eqCount == 15) break;
        byIs = byIs || info->aConstraint[found].op == SQLITE_INDEX_CONSTRAINT_IS;
        plan.arguments.push_back(found);
        ++eqCount;
    }
    int low = -1, high = -1;
    if (eqCount < static_cast<int>(columns.size())) {
        for (int i = 0; i < info->nConstraint; ++i) {
            const auto& c = info->aConstraint[i];
            if (!c.usable || c.iColumn != columns[static_cast<std::size_t>(eqCount)] ||
                !sameCollation(index, static_cast<std::size_t>(eqCount), info, i))
                continue;
            if (isLow(c.op)) low = i;
            if (isHigh(c.op)) high = i;
        }
    }
    if (low >= 0) plan.arguments.push_back(low);
    if (high >= 0) plan.arguments.push_back(high);
    // ORDER BY the columns after the equalities, all one way, is the index's order.
    bool ordered = info->nOrderBy > 0 && eqCount + info->nOrderBy <= static_cast<int>(columns.size());
    for (int j = 0; ordered && j < info->nOrderBy; ++j)
        ordered = info->aOrderBy[j].iColumn == columns[static_cast<std::size_t>(eqCount + j)] &&
                  info->aOrderBy[j].desc == info->aOrderBy[0].desc &&
                  ordersAsColumn(table, index, static_cast<std::size_t>(eqCount + j));
    if (eqCount == 0 && low < 0 && high < 0 && !ordered) return std::nullopt;

    double fraction = std::pow(0.1, eqCount);
    if (low >= 0 || high >= 0) fraction *= (low >= 0 && high >= 0) ? 0.05 : 0.3;
    plan.unique = index.unique() && !byIs && eqCount == static_cast<int>(columns.size());
    plan.rows = plan.unique ? 1 : rows * fraction + 1;
    // A row found through an index costs a second lookup (its chain), as in SQLite.
    plan.cost = plan.unique ? 2 : 10 + 1.5 * rows * fraction;
    plan.orderConsumed = ordered;
    plan.idxNum = (number + 1) << 8 | eqCount << 4 | (low >= 0 ? planLow : 0) | (high >= 0 ? planHigh : 0) |
                  (ordered && info->aOrderBy[0].desc ? planDesc : 0);
    plan.idxStr = index.name();
    return plan;
}

// What sorting costs SQLite when a plan does not deliver the ORDER BY: only for choosing among
// our plans (SQLite adds its own estimate to the cost we report).
double withSort(const Plan& plan, const sqlite3_index_info* info)
{
    if (info->nOrderBy == 0 || plan.orderConsumed) return plan.cost;
    return plan.cost + plan.rows * std::log2(plan.rows + 2) * 0.5;
}

// An argument as the index holds values: SQLite gives a literal or parameter compared with a
// column that column's affinity (numeric affinity for INTEGER, REAL and NUMERIC columns). A
// number compared with a TEXT column may instead come from a numeric column of another table, in
// which case SQLite converts the indexed values: nullopt, the bound is not used.
std::optional<Value> asIndexed(sqlite3_value* argument, mvcc::Affinity affinity)
{
    Value v = sqlutil::fromSqliteValue(argument);
    switch (affinity) {
    case mvcc::Affinity::Integer:
    case mvcc::Affinity::Real:
    case mvcc::Affinity::Numeric:
        return mvcc::applyAffinity(std::move(v), mvcc::Affinity::Numeric);
    case mvcc::Affinity::Text:
        if (v.type() == Value::Type::Integer || v.type() == Value::Type::Real) return std::nullopt;
        return v;
    case mvcc::Affinity::Blob:
        return v;
    }
    return v;
}

} // namespace

void choosePlan(const Table& table, sqlite3_index_info* info)
{
    const double rows = static_cast<double>(table.chainCount()) + 1;
    Plan best = keyPlan(table, info, rows);
    const auto indexes = table.indexes();
    for (std::size_t i = 0; i < indexes->size(); ++i) {
        const auto& index = *(*indexes)[i];
        // An index on expressions cannot serve: xBestIndex gets constraints on columns only. A
        // partial index serves only a statement whose constraints imply its WHERE; where that is
        // not proved, a scan is correct where a wrong index is not (docs/engine.md).
        if (!index.ready()) continue;
        const auto* terms = index.servingTerms();
        const auto proof = terms ? impliesPartialWhere(table, *terms, info) : std::nullopt;
        if (!proof) continue;
        auto plan = indexPlan(table, index, static_cast<int>(i), info, rows);
        // The proof's constraints are arguments too, after the bounds (MvccPlanPartial.h).
        for (int constraint : plan ? *proof : std::vector<int>{})
            if (std::find(plan->arguments.begin(), plan->arguments.end(), constraint) ==
                plan->arguments.end())
                plan->arguments.push_back(constraint);
        if (plan && withSort(*plan, info) < withSort(best, info)) best = std::move(*plan);
    }
    int argument = 0;
    for (int constraint : best.arguments)
        info->aConstraintUsage[constraint].argvIndex = ++argument;
    info->idxNum = best.idxNum;
    if (!best.idxStr.empty()) {
        info->idxStr = sqlite3_mprintf("%s", best.idxStr.c_str());
        info->needToFreeIdxStr = 1;
    }
    info->orderByConsumed = best.orderConsumed ? 1 : 0;
    info->estimatedCost = best.cost;
    info->estimatedRows = static_cast<sqlite3_int64>(best.rows);
    if (best.unique) info->idxFlags = SQLITE_INDEX_SCAN_UNIQUE;
}

std::optional<IndexScan> indexScanOf(const Table& table, int idxNum, const char* idxStr, int argc,
                                     sqlite3_value** argv)
{
    IndexScan scan;
    scan.index = idxStr ? table.index(idxStr) : nullptr;
    if (!scan.index) return std::nullopt;
    const auto& schema = table.schema();
    const auto& columns = scan.index->schema().columns;
    const int eqCount = (idxNum >> 4) & 15;
    int argument = 0;
    bool exact = true; // every bound so far could be used: later ones may narrow further
    Row prefix;
    for (int i = 0; i < eqCount && argument < argc; ++i, ++argument) {
        auto value = asIndexed(argv[argument], schema.columns[static_cast<std::size_t>(columns[i])].affinity);
        if (!value) exact = false;
        if (exact) prefix.push_back(std::move(*value));
    }
    scan.low.present = scan.high.present = !prefix.empty();
    scan.low.prefix = scan.high.prefix = prefix;
    const auto rangeAffinity = eqCount < static_cast<int>(columns.size())
                                   ? schema.columns[static_cast<std::size_t>(columns[eqCount])].affinity
                                   : mvcc::Affinity::Blob;
    if ((idxNum & planLow) && argument < argc) {
        auto value = asIndexed(argv[argument++], rangeAffinity);
        if (exact && value) {
            scan.low.present = true;
            scan.low.prefix.push_back(std::move(*value));
        }
    }
    if ((idxNum & planHigh) && argument < argc) {
        auto value = asIndexed(argv[argument++], rangeAffinity);
        if (exact && value) {
            scan.high.present = true;
            scan.high.prefix.push_back(std::move(*value));
        }
    }
    return scan;
}

} // namespace txs::sql
