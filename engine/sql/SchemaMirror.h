#pragma once
// The schema an MVCC connection's statements see, as stock SQLite would show it: an in-memory
// database attached to the connection's private handle as kMirrorSchema (SchemaReads.h), holding
// each table's CREATE TABLE (no rows), its CREATE INDEX indexes, the views and the triggers as
// plain SQLite objects, so that sqlite_schema and the schema pragmas read there answer as they
// would on a SQLite file with that schema (statements are pointed at it by SchemaReads.h).
//
// Built in a scratch connection of its own, statement by statement as the catalog keeps them
// (tables in creation order, each followed by its indexes; then views; then triggers), and
// handed to the private handle whole with sqlite3_deserialize: the texts are run unchanged, so
// sqlite_schema.sql is the catalog's own text. Rebuilt by the connection only when the schema
// its statements see has changed and a statement reads it (MvccConnection::readSchemaMirror).
//
// Invariant: called between statements of the private handle (none of them is running).

#include "engine/api/Error.h"
#include "engine/mvcc/Table.h"
#include "engine/mvcc/TableSchema.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

struct sqlite3;

namespace txs::sql {

class SchemaMirror
{
public:
    using Tables = std::map<std::uint32_t, std::shared_ptr<mvcc::Table>>; // by id: creation order

    explicit SchemaMirror(sqlite3* db) : db_(db) {}

    std::optional<Error> rebuild(const Tables& tables, const std::vector<mvcc::ViewSchema>& views,
                                 const std::vector<mvcc::TriggerSchema>& triggers);
    // sqlite_sequence's rows: for each AUTOINCREMENT table that has handed out a rowid, the largest
    // (the store's allocator, which, unlike SQLite's sqlite_sequence, a rollback does not lower).
    std::optional<Error> fillSequence(const Tables& tables);

private:
    sqlite3* db_;
    bool attached_ = false;
};

} // namespace txs::sql
