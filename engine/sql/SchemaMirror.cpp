#include "engine/sql/SchemaMirror.h"

#include "engine/api/Hardening.h"
#include "engine/sql/SchemaReads.h"
#include "engine/sqlutil/StatementHandle.h"

#include <sqlite3.h>

namespace txs::sql {

namespace {

struct CloseDb
{
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};

std::optional<Error> exec(sqlite3* db, const std::string& sql, const std::string& what)
{
    char* message = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) == SQLITE_OK) return std::nullopt;
    Error e = Error::fromSqlite(sqlite3_extended_errcode(db), "the schema mirror cannot take " + what + ": " +
                                                                  (message ? message : "error"));
    sqlite3_free(message);
    return e;
}

} // namespace

std::optional<Error> SchemaMirror::rebuild(const Tables& tables, const std::vector<mvcc::ViewSchema>& views,
                                           const std::vector<mvcc::TriggerSchema>& triggers)
{
    const std::string schema(kMirrorSchema);
    if (!attached_) {
        // ':memory:' is no file: the private handle's hardening lets it be attached.
        if (auto error = exec(db_, "ATTACH ':memory:' AS " + schema, "its database")) return error;
        attached_ = true;
    }
    sqlite3* raw = nullptr;
    const int rc = openHardened(":memory:", &raw,
                                SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    std::unique_ptr<sqlite3, CloseDb> scratch(raw);
    if (rc != SQLITE_OK || !raw)
        return Error::fromSqlite(rc, "the schema mirror cannot open its scratch database");
    // Page 1 written even for an empty schema: sqlite3_serialize hands back no buffer for a
    // database of no pages (after the last table's DROP), and the mirror must still be emptied.
    if (auto error = exec(raw, "PRAGMA user_version = 0", "its first page")) return error;
    // The texts were each checked to be one statement of their kind when the store took them.
    for (const auto& entry : tables) {
        const auto& table = entry.second;
        if (auto error = exec(raw, table->schema().createSql, "table " + table->name())) return error;
        for (const auto& index : *table->indexes())
            if (!index->schema().createSql.empty())
                if (auto error = exec(raw, index->schema().createSql, "index " + index->name())) return error;
    }
    for (const auto& view : views)
        if (auto error = exec(raw, view.createSql, "view " + view.name)) return error;
    for (const auto& trigger : triggers)
        if (auto error = exec(raw, trigger.createSql, "trigger " + trigger.name)) return error;
    sqlite3_int64 size = 0;
    unsigned char* data = sqlite3_serialize(raw, "main", &size, 0);
    if (!data) return Error::fromSqlite(SQLITE_NOMEM, "the schema mirror cannot copy its database");
    // FREEONCLOSE: the private handle owns the copy from here on (and frees it if this fails).
    // sqlite3_deserialize runs "ATTACH x AS <schema>" inside, which the handle's authorizer would
    // refuse as the file 'x' (Hardening.h): it is lifted for that call alone and put back after
    // (which expires the cached statements; they prepare again when next run).
    sqlite3_set_authorizer(db_, nullptr, nullptr);
    const int loaded = sqlite3_deserialize(db_, schema.c_str(), data, size, size,
                                           SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE);
    const std::string message = sqlite3_errmsg(db_);
    if (const int rc = hardenConnection(db_); rc != SQLITE_OK)
        return Error::fromSqlite(rc, "the schema mirror cannot harden the connection again");
    if (loaded != SQLITE_OK)
        return Error::fromSqlite(loaded, "the schema mirror cannot be attached: " + message);
    return std::nullopt;
}

std::optional<Error> SchemaMirror::fillSequence(const Tables& tables)
{
    bool any = false;
    for (const auto& entry : tables)
        any = any || entry.second->schema().autoincrement;
    if (!any || !attached_) return std::nullopt; // no sqlite_sequence, as in SQLite
    const std::string schema(kMirrorSchema);
    if (auto error = exec(db_, "DELETE FROM " + schema + ".sqlite_sequence", "sqlite_sequence")) return error;
    sqlutil::StatementHandle insert;
    if (sqlutil::prepare(db_, "INSERT INTO " + schema + ".sqlite_sequence(name, seq) VALUES (?1, ?2)",
                         insert) != SQLITE_OK)
        return Error::fromSqlite(sqlite3_extended_errcode(db_), sqlite3_errmsg(db_));
    for (const auto& entry : tables) {
        const auto& table = entry.second;
        if (!table->schema().autoincrement || table->nextKey() <= 1) continue;
        sqlite3_bind_text(insert.get(), 1, table->name().c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(insert.get(), 2, table->nextKey() - 1);
        if (sqlite3_step(insert.get()) != SQLITE_DONE)
            return Error::fromSqlite(sqlite3_extended_errcode(db_), sqlite3_errmsg(db_));
        sqlite3_reset(insert.get());
    }
    return std::nullopt;
}

} // namespace txs::sql
