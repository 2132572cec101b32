// Triggers on the MVCC engine: CREATE and DROP TRIGGER against the store (DDL like CREATE VIEW), and
// the PRAGMAs that switch the engine's own enforcement (foreign keys, trigger recursion). How a
// trigger runs: MvccTriggers.h.

#include "engine/api/AsciiText.h"
#include "engine/mvcc/SchemaReader.h"
#include "engine/sql/MvccConnection.h"
#include "engine/sql/MvccForeignKeys.h"
#include "engine/sql/MvccTriggers.h"
#include "engine/sqlutil/SqlScanner.h"

#include <cctype>
#include <sqlite3.h>

namespace txs::sql {

namespace {

// SQLite's reading of a boolean PRAGMA value (sqlite3GetBoolean): a number is true unless 0; on,
// yes, true, full and extra are true; anything else is false.
bool pragmaBoolean(const std::string& value)
{
    if (!value.empty() && (std::isdigit(static_cast<unsigned char>(value[0])) || value[0] == '-'))
        return std::strtoll(value.c_str(), nullptr, 10) != 0;
    for (const char* yes : {"on", "yes", "true", "full", "extra"})
        if (sqlite3_stricmp(value.c_str(), yes) == 0) return true;
    return false;
}

} // namespace

std::optional<Error> MvccConnection::enforcementPragma(const sqlutil::Classified& c, Result& result)
{
    const bool foreignKeys = c.name == "foreign_keys";
    if (!c.pragmaValue.empty()) {
        const bool on = pragmaBoolean(c.pragmaValue);
        if (!foreignKeys)
            triggers_->setRecursive(on);
        else if (!tx_) // a no-op inside a transaction, as in SQLite
            foreignKeys_->setEnabled(on);
        return std::nullopt;
    }
    const bool on = foreignKeys ? foreignKeys_->enabled() : triggers_->recursive();
    result.columns = {c.name};
    result.rows = {{Value(static_cast<std::int64_t>(on))}};
    return std::nullopt;
}

std::optional<Error> MvccConnection::createTrigger(std::string_view statement, const sqlutil::Classified& c,
                                                   const Params& params, Result& result)
{
    // A TEMP trigger is the connection's own: SQLite's answer on the private handle.
    if (c.temp) return runSql(statement, params, result);
    // As for views: DDL runs as its own exclusive transaction, or inside the explicit one with a
    // private catalog until COMMIT (asExclusiveWriter).
    const auto table = store_->table(mvcc::triggerTableName(statement), id());
    Error error;
    auto trigger = mvcc::readTriggerSchema(statement, table ? &table->schema() : nullptr, error);
    if (!trigger) return error;
    if (auto e =
            asExclusiveWriter([&] { return store_->createTrigger(std::move(*trigger), c.ifExists, id()); }))
        return e;
    return syncSchema();
}

std::optional<Error> MvccConnection::dropTrigger(std::string_view statement, const sqlutil::Classified& c,
                                                 const Params& params, Result& result)
{
    // Not a trigger of the store: a TEMP one of this connection, or SQLite's "no such trigger".
    if (c.temp || !store_->hasTrigger(c.name, id())) return runSql(statement, params, result);
    if (auto error = asExclusiveWriter([&] { return store_->dropTrigger(c.name, c.ifExists, id()); }))
        return error;
    return syncSchema();
}

// Called holding the exclusive slot, before the table itself is dropped.
std::optional<Error> MvccConnection::dropTriggersOf(const std::string& table)
{
    for (const auto& trigger : store_->triggers(id()))
        if (toLower(trigger.table) == toLower(table))
            if (auto error = store_->dropTrigger(trigger.name, true, id())) return error;
    return std::nullopt;
}

} // namespace txs::sql
