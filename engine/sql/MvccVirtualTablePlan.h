#pragma once
// The virtual table's planner (xBestIndex) and the bounds of an index scan (xFilter): which of the
// key and the table's secondary indexes answers a statement's constraints and ORDER BY without a
// scan. SQLite checks every constraint again (omit stays 0), so bounds only need to contain
// every row that can match.
//
// idxNum: bits 0-3 the key plan's flags (planEq, planLow, planHigh) and planDesc; bits 4-7 how
// many leading index columns are bound by equality; bits 8 and up, the index number + 1 (0: the
// key). idxStr names the index, so EXPLAIN QUERY PLAN shows `INDEX 273:by_email`.

#include "engine/mvcc/Table.h"

#include <memory>
#include <optional>

struct sqlite3_index_info;
struct sqlite3_value;

namespace txs::sql {

constexpr int planEq = 1, planLow = 2, planHigh = 4, planDesc = 8;

inline bool usesIndex(int idxNum)
{
    return (idxNum >> 8) != 0;
}

// Fills `info` with the cheapest plan.
void choosePlan(const mvcc::Table& table, sqlite3_index_info* info);

struct IndexScan
{
    std::shared_ptr<mvcc::Index> index;
    mvcc::Index::Bound low, high;
};
// The index and bounds of an index plan, from xFilter's arguments. nullopt when the index is
// gone (the statement is re-prepared at the next schema change; a table scan is correct meanwhile).
std::optional<IndexScan> indexScanOf(const mvcc::Table& table, int idxNum, const char* idxStr, int argc,
                                     sqlite3_value** argv);

} // namespace txs::sql
