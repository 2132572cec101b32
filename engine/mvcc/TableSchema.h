#pragma once
// What the engine knows of a table's columns: enough to enforce NOT NULL, the key's
// uniqueness, UNIQUE constraints and SQLite's type affinity, and to declare the table to SQLite again.

#include <memory>
#include <string>
#include <vector>

namespace txs::mvcc {

class IndexKeys;

enum class Affinity { Integer, Text, Blob, Real, Numeric };

// The built-in collations an index column can use: how its text values order and compare equal
// (SQLite's BINARY, NOCASE: ASCII letters folded, RTRIM: trailing spaces ignored). Numbers and
// blobs compare the same under each. The store needs no SQL to apply them (Index.cpp).
enum class Collation { Binary, Nocase, Rtrim };

// A constraint's conflict resolution (SQLite's ON CONFLICT clause on NOT NULL, UNIQUE and PRIMARY
// KEY, and a statement's OR clause). Default: none written; a statement's OR clause wins over the
// constraint's, and ABORT applies when neither names one (docs/engine.md).
enum class Resolution : unsigned char { Default, Rollback, Abort, Fail, Ignore, Replace };

struct ColumnSchema
{
    std::string name;
    std::string declaredType; // as written: "INTEGER", "varchar(20)", ""
    Affinity affinity = Affinity::Blob;
    bool notNull = false;
    std::string defaultSql; // the DEFAULT expression as SQL, empty when none
    std::string collation;  // COLLATE of the column (NOCASE, RTRIM); empty for BINARY
    Resolution notNullConflict = Resolution::Default; // NOT NULL ON CONFLICT ...
};

// A CHECK constraint, column or table level (written back where it was declared; SQLite evaluates
// them in declaration order). The SQL front end enforces it (MvccChecks.h).
struct CheckConstraint
{
    std::string name;          // CONSTRAINT name, empty when unnamed
    std::string expressionSql; // the expression as written, without its parentheses
    // The column whose definition holds it, empty for a table constraint: written back there, so
    // SQLite's DROP COLUMN drops it with its column, as it does for the table as created.
    std::string column;
};

// A secondary index: CREATE [UNIQUE] INDEX, a UNIQUE constraint, or the PRIMARY KEY of a table
// whose key is not an integer column (a unique index over the hidden rowid, as SQLite makes one).
// Plain columns only, each compared with its collation (the column's own unless the index names
// another, as in SQLite), ascending order kept (DESC is accepted and only changes the text
// written back).
struct IndexSchema
{
    std::string name; // sqlite_autoindex_<table>_<n> for constraints, as SQLite names them
    bool unique = false;
    bool primaryKey = false; // the table's PRIMARY KEY (SQLITE_CONSTRAINT_PRIMARYKEY when violated)
    Resolution onConflict = Resolution::Default; // a constraint's UNIQUE/PRIMARY KEY ON CONFLICT ...
    std::vector<int> columns;
    std::vector<bool> descending;
    // One per column; missing ones (a schema built without them) are BINARY.
    std::vector<Collation> collations;
    std::string createSql; // CREATE INDEX text (canonical); empty for a constraint's index
    // An index on expressions or a partial one (CREATE INDEX ... WHERE): SQLite computes each
    // row's entry (IndexKeys.h) by `keysSql` (SELECT <key parts>, <WHERE> FROM the table's
    // mirror) over a one-row table made by `mirrorSql` (the table's columns, types and
    // collations). createSql is then SQLite's own text of the statement, unchanged. An
    // expression key part's column is -2 (SQLite's pragma_index_xinfo cid). Empty otherwise.
    std::string keysSql;
    std::string mirrorSql;
    bool onExpressions = false;
    bool partial = false;
    // The evaluator readIndexSchema made (and so proved) from keysSql and mirrorSql: every Index
    // built from this schema or a copy of it shares it rather than opening a connection of its own
    // (IndexKeys.h). Null for an index on columns, or a schema built by hand.
    std::shared_ptr<const IndexKeys> keys;

    bool computed() const { return onExpressions || partial; }

    Collation collation(std::size_t i) const
    {
        return i < collations.size() ? collations[i] : Collation::Binary;
    }
};

// A view: SQLite's own CREATE VIEW text (as sqlite_schema keeps it). The engine stores and logs
// it; each connection declares it on its private handle, where it reads the virtual tables under
// the statement's transaction like any SELECT.
struct ViewSchema
{
    std::string name;
    std::string createSql;
};

// A FOREIGN KEY constraint (column REFERENCES or table FOREIGN KEY), as SQLite's
// pragma_foreign_key_list reads it. The SQL front end enforces it when the connection has
// PRAGMA foreign_keys = ON (engine/sql/MvccForeignKeys.h).
enum class ForeignKeyAction { NoAction, Restrict, SetNull, SetDefault, Cascade };
struct ForeignKey
{
    std::vector<int> columns;               // the child's columns, in the key's order
    std::string parentTable;                // as written
    std::vector<std::string> parentColumns; // as written; empty: the parent's PRIMARY KEY
    ForeignKeyAction onDelete = ForeignKeyAction::NoAction;
    ForeignKeyAction onUpdate = ForeignKeyAction::NoAction;
    bool deferred = false; // DEFERRABLE INITIALLY DEFERRED: checked at COMMIT
};

// A trigger: SQLite's own CREATE TRIGGER text (as sqlite_schema keeps it) and the table it is on.
// The engine stores and logs it; the SQL front end runs it (engine/sql/MvccTriggers.h).
struct TriggerSchema
{
    std::string name;
    std::string table;
    std::string createSql;
};

struct TableSchema
{
    std::string name;
    std::vector<ColumnSchema> columns;
    // The column that is the rowid (SQLite's rowid alias: a single PRIMARY KEY column declared
    // exactly INTEGER, not a column constraint with DESC), -1: hidden rowid. Any other PRIMARY KEY
    // (INT, BIGINT, INTEGER ... DESC, TEXT, composite) is a unique index over the hidden rowid,
    // as in SQLite: its values are not the rowid.
    int keyColumn = -1;
    // INTEGER PRIMARY KEY AUTOINCREMENT: a rowid once handed out is never handed out again, and
    // the file's sqlite_sequence holds the largest one (FileCheckpoint.cpp).
    bool autoincrement = false;
    Resolution keyConflict = Resolution::Default; // the rowid alias's PRIMARY KEY ON CONFLICT ...
    // STRICT: each column's type is INT, INTEGER, REAL, TEXT, BLOB or ANY, and a value that its
    // affinity does not turn into that type is refused (SQLITE_CONSTRAINT_DATATYPE; ANY: BLOB
    // affinity, every value kept as given).
    bool strict = false;
    std::string createSql; // the statement that created it
    // The constraint indexes CREATE TABLE made (UNIQUE, a non-integer or composite PRIMARY KEY).
    std::vector<IndexSchema> constraintIndexes;
    std::vector<CheckConstraint> checks;
    std::vector<ForeignKey> foreignKeys; // in declaration order

    int columnIndex(const std::string& column) const;
};

} // namespace txs::mvcc
