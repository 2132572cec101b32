#pragma once
// The entries of an index on expressions or of a partial index (CREATE INDEX ... WHERE), computed
// by SQLite itself so functions, affinities and collations are SQLite's own: a private in-memory
// connection holds a one-row mirror of the table (its columns, declared types and collations);
// a row's values are written into it and `SELECT <key parts>, <WHERE> FROM mirror` read back.
//
// Why the store may compute an entry again and again (adding, undo and garbage collection's "does
// a version still hold this tuple", the commit-time uniqueness check, rebuilding at open and
// recovery): SQLite allows only deterministic functions in index expressions and in a partial
// index's WHERE ("non-deterministic functions prohibited"), so the same row always gives the same
// tuple and membership. Nothing per version is stored for it.
//
// Why the evaluator is built from the IndexSchema (whose SQL readIndexSchema read with SQLite, as
// every path that makes an index does: CREATE INDEX, the log, the checkpointed file, an existing
// file, ALTER TABLE) rather than registered by the layer above: an index is rebuilt at open and
// recovery before any connection exists, and there is then no moment where an index lacks it.
// The store sees only this interface; it still knows no SQL.
//
// One connection per index: readIndexSchema makes the evaluator (which proves the index's SQL
// works on the mirror) and keeps it in the IndexSchema; every Index built from that schema or a
// copy (a table rebuilt by ALTER, a transaction's catalog) shares it. Safe because an evaluator
// is a pure function of keysSql and mirrorSql (deterministic SQL, a one-row mirror rewritten by
// every call) and the Index checks that its schema still has the SQL the evaluator was made from.
//
// Thread safety: commits, garbage collection and readers evaluate from many threads; one mutex
// serializes the connection (bind, step, reset). It is a leaf lock: nothing is called under it
// that takes another lock, so evaluating under the index's and a chain's lock cannot deadlock.
// partialTerms() is fixed at make() and read without it.

#include "engine/api/Error.h"
#include "engine/api/Value.h"
#include "engine/mvcc/PartialTerms.h"
#include "engine/mvcc/TableSchema.h"

#include <memory>
#include <mutex>
#include <optional>

struct sqlite3;
struct sqlite3_stmt;

namespace txs::mvcc {

class IndexKeys
{
public:
    // The evaluator of `schema` (schema.computed()), or null with `error` naming the index.
    static std::unique_ptr<IndexKeys> make(const IndexSchema& schema, Error& error);
    ~IndexKeys();
    IndexKeys(const IndexKeys&) = delete;
    IndexKeys& operator=(const IndexKeys&) = delete;

    // The index's tuple for a row with these column values, or nullopt when the row is not in
    // the index: a partial index's WHERE is false or NULL. A row whose expression SQLite cannot
    // evaluate (an error such as json_extract of malformed JSON) is not in the index either.
    std::optional<Row> tupleOf(const Row& row) const;

    // A partial index's WHERE as terms the planner can match (PartialTerms.h); nullopt when it
    // has another form (the index then never serves a plan) or the index is not partial.
    const std::optional<std::vector<PartialTerm>>& partialTerms() const { return terms_; }
    // Whether `schema` has the SQL this evaluator was made from.
    bool madeFrom(const IndexSchema& schema) const
    {
        return schema.keysSql == keysSql_ && schema.mirrorSql == mirrorSql_;
    }

private:
    IndexKeys() = default;

    sqlite3* db_ = nullptr;
    sqlite3_stmt* write_ = nullptr; // UPDATE mirror SET c0 = ?1, c1 = ?2 ...
    sqlite3_stmt* read_ = nullptr;  // SELECT <key parts>, <member> FROM mirror
    int columns_ = 0;               // the mirror's columns (parameters of write_)
    int keyParts_ = 0;
    std::string keysSql_, mirrorSql_;
    std::optional<std::vector<PartialTerm>> terms_;
    mutable std::mutex mutex_;
};

// The SELECT of `createIndex` (SQLite's text of an index on `table`): its key parts as written
// (without ASC/DESC) and `CASE WHEN (<WHERE>) THEN 1 ELSE 0 END` (1 when it has none), FROM the
// table; and the mirror's CREATE TABLE. Nullopt when the text cannot be split into `keyParts`
// key parts.
std::optional<std::pair<std::string, std::string>>
indexKeysSql(const std::string& createIndex, const TableSchema& table, std::size_t keyParts);

} // namespace txs::mvcc
