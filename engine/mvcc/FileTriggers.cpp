// Triggers on a database file, as views are (FileViews.cpp): CREATE/DROP TRIGGER are frames of the
// log; the checkpoint makes each a real trigger in x.db (so the stock sqlite3 runs it), recorded in
// __txscope_mvcc_meta as ('trigger:<lower-case name>', its CREATE TRIGGER, the DDL's timestamp). At
// open the recorded triggers are loaded after the views, then the log's trigger frames replayed over
// them. Stored SQL is data: each CREATE TRIGGER read back is checked to be exactly one CREATE TRIGGER
// statement on a table the store has (readTriggerSchema) before the store takes it or the checkpoint
// runs it. The checkpoint's own connection runs with triggers disabled (FileDurability::open), so
// the rows it writes fire nothing.

#include "engine/mvcc/FileDurability.h"
#include "engine/mvcc/LogFormat.h"
#include "engine/mvcc/MvccStore.h"
#include "engine/mvcc/SchemaReader.h"
#include "engine/sqlutil/StatementHandle.h"

#include <sqlite3.h>

namespace txs::mvcc {

// A CREATE TRIGGER read back from the file or the log, checked against the store's table it names.
std::optional<TriggerSchema> FileDurability::readTrigger(const std::string& sql, Error& error) const
{
    const auto table = store_.table(triggerTableName(sql));
    return readTriggerSchema(sql, table ? &table->schema() : nullptr, error);
}

std::optional<std::string> FileDurability::loadTriggers()
{
    std::vector<std::string> statements;
    if (auto error = recordedStatements("trigger", statements)) return error;
    for (const auto& sql : statements) {
        Error parseError;
        auto trigger = readTrigger(sql, parseError);
        if (!trigger)
            return "MVCC database " + path_ +
                   ": a trigger recorded in __txscope_mvcc_meta cannot be loaded (" + parseError.message +
                   "): " + sql;
        store_.restoreTrigger(std::move(*trigger));
    }
    for (auto& trigger : adoptedTriggers_)
        store_.restoreTrigger(std::move(trigger));
    adoptedTriggers_.clear();
    return std::nullopt;
}

std::string FileDurability::replayTriggerOp(const LogOp& op)
{
    if (op.kind == LogOp::Kind::DropTrigger) {
        store_.restoreDropTrigger(op.table);
        return {};
    }
    Error parseError;
    auto trigger = readTrigger(op.createSql, parseError);
    if (!trigger)
        return "the MVCC log " + path_ + "-log holds a CREATE TRIGGER that TxScope does not write (" +
               parseError.message + "); " + path_ + " was not opened";
    store_.restoreTrigger(std::move(*trigger));
    return {};
}

std::optional<std::string> FileDurability::checkpointTriggerOp(const LogOp& op, std::uint64_t ts)
{
    if (op.kind == LogOp::Kind::DropTrigger) return checkpointNamedOp("trigger", op.table, nullptr, ts);
    // Checked against its table as x.db has it now (the store's may be gone since, or newer).
    std::optional<TableSchema> table;
    Error parseError;
    {
        sqlutil::StatementHandle s;
        sqlutil::prepare(
            db_, "SELECT sql FROM main.sqlite_schema WHERE type = 'table' AND name = ?1 COLLATE NOCASE", s);
        const std::string tableName = triggerTableName(op.createSql);
        if (s) sqlite3_bind_text(s.get(), 1, tableName.c_str(), -1, SQLITE_TRANSIENT);
        if (s && sqlite3_step(s.get()) == SQLITE_ROW && sqlite3_column_text(s.get(), 0))
            table = readTableSchema(reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0)), parseError);
    }
    // A table created and dropped since the last checkpoint never reached x.db: nor does its trigger.
    if (!table && parseError.message.empty() && !store_.hasTrigger(op.table)) return std::nullopt;
    auto trigger = readTriggerSchema(op.createSql, table ? &*table : nullptr, parseError);
    if (!trigger) return "CREATE TRIGGER " + op.table + " in the log is refused: " + parseError.message;
    return checkpointNamedOp("trigger", trigger->name, &trigger->createSql, ts);
}

} // namespace txs::mvcc
