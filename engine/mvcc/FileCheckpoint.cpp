// The checkpoint: the newest committed version of every row changed since the last checkpoint
// goes into the SQLite file in one SQLite transaction, with the checkpointed timestamp; then
// the log loses the frames that transaction covers.
//
// Snapshot s: a read transaction's begin timestamp. Once no commit below s is preparing, every
// frame with a timestamp below s is in the log before offset O1 (taken after that wait), and
// the SQLite state written is exactly "all commits below s": checkpointed timestamp s-1. The
// new log keeps the frames at or above s. What blocks:
//   - readers: nothing (they read memory);
//   - commits: only while the log file is swapped (LogFile::swap holds the append lock while it
//     copies the frames appended since O1 and renames the new file into place);
//   - the checkpoint itself waits for commits below s that are still validating/appending.
// A crash before the SQLite COMMIT leaves the old state; after it and before the swap, the
// old log is replayed from the checkpointed timestamp, skipping what the file already has.

#include "engine/mvcc/FileDurability.h"
#include "engine/mvcc/LogFormat.h"
#include "engine/mvcc/MvccStore.h"
#include "engine/sqlutil/SqliteValues.h"
#include "engine/sqlutil/StatementHandle.h"

#include <cstring>
#include <map>
#include <set>
#include <sqlite3.h>

namespace txs::mvcc {

namespace {

struct Statements
{
    sqlutil::StatementHandle upsert;
    sqlutil::StatementHandle remove;
};

Error sqliteError(sqlite3* db, const std::string& path, const std::string& what)
{
    // "disk I/O error" alone does not say that the disk is full or the file too large. SQLite
    // keeps the errno of the last failed system call on the file (not reset by later successes,
    // hence "last"); sqlite3_system_errno is not set for an error at COMMIT.
    const int code = sqlite3_extended_errcode(db);
    std::string cause = sqlite3_errmsg(db);
    if ((code & 0xFF) == SQLITE_IOERR) {
        int os = sqlite3_system_errno(db);
        if (os != 0)
            cause += std::string(" (") + std::strerror(os) + ")";
        else if (sqlite3_file_control(db, "main", SQLITE_FCNTL_LAST_ERRNO, &os) == SQLITE_OK && os != 0)
            cause += " (last system error on " + path + ": " + std::strerror(os) + ")";
    }
    return Error::fromSqlite(code, "checkpoint of " + path + " failed (" + what + "): " + cause +
                                       "; nothing was lost, the log still holds every commit");
}

bool run(sqlite3* db, const std::string& sql)
{
    return sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
}

// True when no object named `table` exists in the file, or it is a table the engine recorded.
bool ownsOrAbsent(sqlite3* db, const std::string& table)
{
    sqlutil::StatementHandle statement;
    sqlutil::prepare(db,
                     "SELECT count(*) FROM main.sqlite_schema WHERE lower(name) = lower(?1) AND NOT EXISTS "
                     "(SELECT 1 FROM main.__txscope_mvcc_meta WHERE key = 'table:' || lower(?1))",
                     statement);
    sqlite3_stmt* const stmt = statement.get();
    sqlite3_bind_text(stmt, 1, table.c_str(), -1, SQLITE_TRANSIENT);
    return sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_int64(stmt, 0) == 0;
}

} // namespace

std::optional<Error> FileDurability::runCheckpoint(CheckpointResult& result)
{
    auto reader = store_.begin(TxMode::None, 0, false);
    const std::uint64_t s = reader->beginTs;
    store_.waitForPreparingBelow(s);
    const std::uint64_t logEnd = log_->fileEnd();
    result.logBytesBefore = logEnd;

    std::string bytes;
    if (auto e = log_->read(0, logEnd, bytes)) {
        store_.rollback(*reader, RollbackReason::User, false);
        return Error{ErrorKind::Io, rc::IoErr, rc::IoErr, *e};
    }
    // Split the log: DDL and changed keys below s go to the file, frames at or above s stay.
    std::vector<std::pair<std::uint64_t, LogOp>> ddl;      // with the DDL's timestamp
    std::map<std::string, std::set<std::int64_t>> changed; // by table name as logged
    std::string kept;
    scanLog(bytes, [&](const LogFrame& frame, std::size_t begin, std::size_t end) {
        if (frame.commitTs <= checkpointTs_) return; // in the file already (a swap that did not happen)
        if (frame.commitTs >= s) {
            kept.append(bytes, begin, end - begin);
            return;
        }
        for (const auto& op : frame.ops) {
            if (op.isDdl())
                ddl.emplace_back(frame.commitTs, op);
            else
                changed[op.table].insert(op.key);
        }
    });

    std::map<std::string, Statements> statements;
    auto fail = [&](const std::string& what) {
        Error e = sqliteError(db_, path_, what);
        statements.clear(); // finalizes them
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        store_.rollback(*reader, RollbackReason::User, false);
        return e;
    };
    if (!run(db_, "BEGIN IMMEDIATE")) return fail("BEGIN");
    for (const auto& [ddlTs, op] : ddl) {
        if (op.kind == LogOp::Kind::CreateIndex || op.kind == LogOp::Kind::DropIndex) {
            if (auto why = checkpointIndexOp(op, ddlTs)) return fail(*why);
            continue;
        }
        const std::string name = sqlutil::quoteIdentifier(op.table);
        // Never drop what the engine did not create: an object of that name that
        // __txscope_mvcc_meta does not record is someone else's (written to the file behind our
        // back: the open refuses files that have one). The log keeps every commit.
        if (!ownsOrAbsent(db_, op.table)) {
            Error e = Error::fromSqlite(rc::CantOpen,
                                        "checkpoint of " + path_ +
                                            " stopped: the file holds an object named " + op.table +
                                            " that the MVCC engine did not create, and it is left "
                                            "alone; nothing was lost, the log still holds every commit");
            sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
            store_.rollback(*reader, RollbackReason::User, false);
            return e;
        }
        if (!forgetIndexesOf(op.table)) return fail("__txscope_mvcc_meta");
        if (!run(db_, "DROP TABLE IF EXISTS main." + name)) return fail("DROP TABLE " + op.table);
        std::string createSql;
        if (op.kind == LogOp::Kind::CreateTable) {
            std::string why;
            auto rebuilt = rebuiltCreate(op.createSql, why);
            if (!rebuilt) return fail("CREATE TABLE " + op.table + " in the log is refused: " + why);
            createSql = std::move(*rebuilt);
            if (!run(db_, createSql)) return fail(createSql);
        }
        sqlutil::StatementHandle metaStatement;
        sqlutil::prepare(
            db_,
            op.kind == LogOp::Kind::CreateTable
                ? "INSERT OR REPLACE INTO __txscope_mvcc_meta VALUES ('table:' || lower(?1), ?2, ?3)"
                : "DELETE FROM __txscope_mvcc_meta WHERE key = 'table:' || lower(?1)",
            metaStatement);
        sqlite3_stmt* const meta = metaStatement.get();
        sqlite3_bind_text(meta, 1, op.table.c_str(), -1, SQLITE_TRANSIENT);
        if (op.kind == LogOp::Kind::CreateTable) {
            sqlite3_bind_text(meta, 2, createSql.c_str(), -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(meta, 3, static_cast<sqlite3_int64>(ddlTs));
        }
        const int rc = sqlite3_step(meta);
        if (rc != SQLITE_DONE) return fail("__txscope_mvcc_meta");
    }
    for (const auto& [name, keys] : changed) {
        const auto table = store_.table(name);
        // Dropped, or dropped and created again, at or after s: the kept frames redo it.
        if (!table || table->createdTs() >= s) continue;
        Statements& st = statements[name];
        const auto& schema = table->schema();
        std::string columns = "rowid", values = "?1";
        for (std::size_t i = 0; i < schema.columns.size(); ++i) {
            columns += ", " + sqlutil::quoteIdentifier(schema.columns[i].name);
            values += ", ?" + std::to_string(i + 2);
        }
        const std::string quoted = "main." + sqlutil::quoteIdentifier(schema.name);
        if (sqlutil::prepare(db_,
                             "INSERT OR REPLACE INTO " + quoted + "(" + columns + ") VALUES (" + values + ")",
                             st.upsert) != SQLITE_OK ||
            sqlutil::prepare(db_, "DELETE FROM " + quoted + " WHERE rowid = ?1", st.remove) != SQLITE_OK)
            return fail("prepare " + schema.name);
        for (const std::int64_t key : keys) {
            VersionChain* chain = table->find(key);
            const RowPtr row = chain ? store_.read(*chain, *reader) : nullptr;
            sqlite3_stmt* stmt = row ? st.upsert.get() : st.remove.get();
            sqlite3_bind_int64(stmt, 1, key);
            if (row) {
                for (std::size_t i = 0; i < row->size(); ++i) {
                    const Value& v = (*row)[i];
                    const int at = static_cast<int>(i) + 2;
                    switch (v.type()) {
                    case Value::Type::Null:
                        sqlite3_bind_null(stmt, at);
                        break;
                    case Value::Type::Integer:
                        sqlite3_bind_int64(stmt, at, v.integer());
                        break;
                    case Value::Type::Real:
                        sqlite3_bind_double(stmt, at, v.real());
                        break;
                    case Value::Type::Text:
                        sqlite3_bind_text(stmt, at, v.text().data(), static_cast<int>(v.text().size()),
                                          SQLITE_STATIC);
                        break;
                    case Value::Type::Blob:
                        sqlite3_bind_blob(stmt, at, v.blob().bytes.data(),
                                          static_cast<int>(v.blob().bytes.size()), SQLITE_STATIC);
                        break;
                    }
                }
            }
            const int rc = sqlite3_step(stmt);
            sqlite3_reset(stmt);
            sqlite3_clear_bindings(stmt);
            if (rc != SQLITE_DONE) return fail("write " + schema.name);
            ++result.rowsWritten;
        }
    }
    statements.clear(); // finalizes them
    if (!run(db_,
             "UPDATE __txscope_mvcc_meta SET ts = " + std::to_string(s - 1) + " WHERE key = 'checkpoint'"))
        return fail("__txscope_mvcc_meta");
    if (!run(db_, "COMMIT")) return fail("COMMIT");
    store_.commit(*reader); // a reader: ends without a timestamp
    checkpointTs_ = s - 1;
    result.checkpointTs = s - 1;

    if (auto e = log_->swap(kept, logEnd))
        return Error{ErrorKind::Io, rc::IoErr, rc::IoErr,
                     "checkpoint of " + path_ + " wrote the file but could not shorten the log (" + *e +
                         "); nothing was lost, the log is replayed from the checkpoint"};
    result.logBytesAfter = log_->fileEnd();
    appendedAtCheckpoint_.store(log_->appended() - (result.logBytesAfter - logHeaderSize),
                                std::memory_order_relaxed);
    store_.emit(EventKind::Checkpoint, 0, 0, 0, 0, 0, static_cast<std::int64_t>(result.rowsWritten),
                "checkpoint at timestamp " + std::to_string(s - 1));
    return std::nullopt;
}

} // namespace txs::mvcc
