#pragma once
// What the engine knows of a table's columns: enough to enforce NOT NULL, the key's
// uniqueness and SQLite's type affinity, and to declare the table to SQLite again.

#include <string>
#include <vector>

namespace txs::mvcc {

enum class Affinity { Integer, Text, Blob, Real, Numeric };

struct ColumnSchema
{
    std::string name;
    std::string declaredType; // as written: "INTEGER", "varchar(20)", ""
    Affinity affinity = Affinity::Blob;
    bool notNull = false;
    std::string defaultSql; // the DEFAULT expression as SQL, empty when none
};

struct TableSchema
{
    std::string name;
    std::vector<ColumnSchema> columns;
    int keyColumn = -1;    // INTEGER PRIMARY KEY / single INT PRIMARY KEY column, -1: hidden rowid
    std::string createSql; // the statement that created it

    int columnIndex(const std::string& column) const;
};

} // namespace txs::mvcc
