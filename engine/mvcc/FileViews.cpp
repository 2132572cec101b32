// Views on a database file. CREATE/DROP VIEW are frames of the log like CREATE/DROP TABLE; the
// checkpoint makes each a real view in x.db (so the stock sqlite3 reads it), recorded in
// __txscope_mvcc_meta as ('view:<lower-case name>', its CREATE VIEW, the DDL's timestamp). At open
// the recorded views are loaded, then the log's view frames replayed over them. Stored SQL is
// data: each CREATE VIEW read back is checked to be exactly one CREATE VIEW statement
// (readViewSchema) before the store takes it or the checkpoint runs it; a view runs no code when
// it is created (SQLite does not even resolve its tables until it is read).

#include "engine/mvcc/FileDurability.h"
#include "engine/mvcc/LogFormat.h"
#include "engine/mvcc/MvccStore.h"
#include "engine/mvcc/SchemaReader.h"

namespace txs::mvcc {

std::optional<std::string> FileDurability::loadViews()
{
    std::vector<std::string> statements;
    if (auto error = recordedStatements("view", statements)) return error;
    for (const auto& sql : statements) {
        Error parseError;
        auto view = readViewSchema(sql, parseError);
        if (!view)
            return "MVCC database " + path_ + ": a view recorded in __txscope_mvcc_meta cannot be loaded (" +
                   parseError.message + "): " + sql;
        store_.restoreView(std::move(*view));
    }
    for (auto& view : adoptedViews_)
        store_.restoreView(std::move(view));
    adoptedViews_.clear();
    return std::nullopt;
}

std::string FileDurability::replayViewOp(const LogOp& op)
{
    if (op.kind == LogOp::Kind::DropView) {
        store_.restoreDropView(op.table);
        return {};
    }
    Error parseError;
    auto view = readViewSchema(op.createSql, parseError);
    if (!view)
        return "the MVCC log " + path_ + "-log holds a CREATE VIEW that TxScope does not write (" +
               parseError.message + "); " + path_ + " was not opened";
    store_.restoreView(std::move(*view));
    return {};
}

std::optional<std::string> FileDurability::checkpointViewOp(const LogOp& op, std::uint64_t ts)
{
    if (op.kind == LogOp::Kind::DropView) return checkpointNamedOp("view", op.table, nullptr, ts);
    Error parseError;
    auto view = readViewSchema(op.createSql, parseError);
    if (!view) return "CREATE VIEW " + op.table + " in the log is refused: " + parseError.message;
    return checkpointNamedOp("view", view->name, &view->createSql, ts);
}

} // namespace txs::mvcc
