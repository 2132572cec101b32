#include "engine/mvcc/FileDurability.h"

#include "engine/api/Hardening.h"
#include "engine/mvcc/LogFormat.h"
#include "engine/mvcc/MvccStore.h"
#include "engine/sql/SchemaReader.h"
#include "engine/sql/SqliteValues.h"

#include <algorithm>
#include <fstream>
#include <sqlite3.h>

namespace txs::mvcc {

namespace {

// The log file grows by a quarter of the checkpoint threshold at a time (the checkpoint keeps it
// near the threshold), between 256 bytes and 1 MiB.
std::uint64_t growthFor(std::uint64_t threshold)
{
    return std::clamp<std::uint64_t>(threshold / 4, 256, 1u << 20);
}

Error ioError(std::string message)
{
    return Error{ErrorKind::Io, rc::IoErr, rc::IoErr, std::move(message)};
}

// Runs `sql` on our connection; the error names the database file and what SQLite said.
std::optional<std::string> exec(sqlite3* db, const std::string& path, const char* sql)
{
    char* message = nullptr;
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
    if (rc == SQLITE_OK) return std::nullopt;
    std::string text = message ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    if ((rc & 0xFF) == SQLITE_BUSY || (rc & 0xFF) == SQLITE_LOCKED)
        return "MVCC database " + path + " is locked by another connection or process (" + text + ")";
    if ((rc & 0xFF) == SQLITE_NOTADB || (rc & 0xFF) == SQLITE_CORRUPT)
        return "MVCC database " + path + " is not a valid SQLite database (" + text + ")";
    return "MVCC database " + path + ": " + text;
}

} // namespace

FileDurability::FileDurability(std::string path, sqlite3* db, MvccStore& store)
    : path_(std::move(path)), db_(db), store_(store)
{}

FileDurability::~FileDurability()
{
    sqlite3_close_v2(db_);
}

std::unique_ptr<FileDurability> FileDurability::open(const std::string& path, MvccStore& store,
                                                     std::string& error)
{
    sqlite3* db = nullptr;
    const int rc = openHardened(path.c_str(), &db,
                                SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        error = "cannot open MVCC database " + path + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close_v2(db);
        return nullptr;
    }
    std::unique_ptr<FileDurability> self(new FileDurability(path, db, store));
    if (sqlite3_db_readonly(db, "main") == 1) {
        error = "MVCC database " + path + " is read-only: commits could not be kept";
        return nullptr;
    }
    sqlite3_extended_result_codes(db, 1);
    // Fail fast at open when another process holds the file; the checkpoint waits for readers.
    sqlite3_busy_timeout(db, 100);

    // Is it a database we can read at all? Asked before the log is created beside it.
    if (auto e = exec(db, path, "SELECT count(*) FROM sqlite_schema")) {
        error = *e;
        return nullptr;
    }
    // Then the log: its lock keeps a second engine (this process or another) off the pair.
    std::string contents;
    self->log_ = LogFile::open(path + "-log", contents, error);
    if (!self->log_) return nullptr;
    self->log_->setGrowth(growthFor(self->threshold_.load()));
    if (!isLogHeader(contents)) {
        error = "the MVCC log " + path + "-log is not a TxScope log (its header is wrong); " + path +
                " was not opened, and neither file was changed";
        return nullptr;
    }
    if (auto e = self->load(self->checkpointTs_)) {
        error = *e;
        return nullptr;
    }
    sqlite3_busy_timeout(db, 5000);
    if (auto e = self->recover(contents)) {
        error = *e;
        return nullptr;
    }
    self->appendedAtCheckpoint_ = 0;
    return self;
}

// The tables and rows as of the last checkpoint.
std::optional<std::string> FileDurability::load(std::uint64_t& checkpointTs)
{
    if (auto e = exec(db_, path_,
                      "BEGIN IMMEDIATE;"
                      "CREATE TABLE IF NOT EXISTS __txscope_mvcc_meta(key TEXT PRIMARY KEY, sql TEXT, ts "
                      "INTEGER NOT NULL);"
                      "INSERT OR IGNORE INTO __txscope_mvcc_meta VALUES ('checkpoint', NULL, 0);"
                      "COMMIT")) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        return e;
    }
    sqlite3_stmt* meta = nullptr;
    sqlite3_prepare_v2(db_, "SELECT key, sql, ts FROM __txscope_mvcc_meta ORDER BY ts", -1, &meta, nullptr);
    std::vector<std::pair<std::string, std::uint64_t>> tables;
    while (sqlite3_step(meta) == SQLITE_ROW) {
        const std::string key = reinterpret_cast<const char*>(sqlite3_column_text(meta, 0));
        const auto ts = static_cast<std::uint64_t>(sqlite3_column_int64(meta, 2));
        if (key == "checkpoint")
            checkpointTs = ts;
        else if (const auto* sql = sqlite3_column_text(meta, 1))
            tables.emplace_back(reinterpret_cast<const char*>(sql), ts);
    }
    sqlite3_finalize(meta);

    const std::uint64_t rowTs = std::max<std::uint64_t>(checkpointTs, 1);
    for (const auto& [createSql, createdTs] : tables) {
        Error parseError;
        auto schema = sql::readTableSchema(createSql, parseError);
        if (!schema)
            return "MVCC database " + path_ + ": a table recorded in __txscope_mvcc_meta cannot be loaded (" +
                   parseError.message + "): " + createSql;
        std::string select = "SELECT rowid";
        for (const auto& column : schema->columns)
            select += ", " + sql::quoteIdentifier(column.name);
        select += " FROM main." + sql::quoteIdentifier(schema->name);
        auto table = store_.restoreTable(std::move(*schema), createdTs);
        sqlite3_stmt* rows = nullptr;
        if (sqlite3_prepare_v2(db_, select.c_str(), -1, &rows, nullptr) != SQLITE_OK)
            return "MVCC database " + path_ + ": cannot read table " + table->name() + ": " +
                   sqlite3_errmsg(db_);
        int rc;
        while ((rc = sqlite3_step(rows)) == SQLITE_ROW) {
            Row row;
            for (int i = 1, n = sqlite3_column_count(rows); i < n; ++i)
                row.push_back(sql::columnValue(rows, i));
            store_.restoreRow(*table, sqlite3_column_int64(rows, 0),
                              std::make_shared<const Row>(std::move(row)), rowTs);
        }
        sqlite3_finalize(rows);
        if (rc != SQLITE_DONE)
            return "MVCC database " + path_ + ": cannot read table " + table->name() + ": " +
                   sqlite3_errstr(rc);
    }
    store_.restoreClock(checkpointTs);
    return std::nullopt;
}

// Replays the log's frames newer than the checkpoint, in log order. Per key, log order is
// commit order (a later writer of a key can only have seen, or lost to, the earlier commit),
// so the last frame touching a key holds its newest row.
std::optional<std::string> FileDurability::recover(const std::string& contents)
{
    std::uint64_t newest = checkpointTs_;
    std::size_t replayed = 0;
    std::string refused;
    const LogScan scan = scanLog(contents, [&](const LogFrame& frame, std::size_t, std::size_t) {
        if (frame.commitTs <= checkpointTs_) return; // already in the SQLite file
        ++replayed;
        newest = std::max(newest, frame.commitTs);
        for (const auto& op : frame.ops) {
            if (op.kind == LogOp::Kind::CreateTable) {
                Error parseError;
                auto schema = sql::readTableSchema(op.createSql, parseError);
                if (!schema) {
                    // Stored SQL is data: a log whose CREATE TABLE is not one TxScope writes
                    // is refused, not skipped (the checkpoint would later have to write it).
                    refused = "the MVCC log " + path_ +
                              "-log holds a CREATE TABLE that TxScope does not write (" + parseError.message +
                              "); " + path_ + " was not opened";
                    continue;
                }
                store_.restoreDrop(op.table);
                store_.restoreTable(std::move(*schema), frame.commitTs);
                continue;
            }
            auto table = store_.table(op.table);
            // A row of an older table of the same name (dropped and created again) is not ours.
            if (!table || table->createdTs() > frame.commitTs) continue;
            if (op.kind == LogOp::Kind::DropTable)
                store_.restoreDrop(op.table);
            else
                store_.restoreRow(*table, op.key,
                                  op.kind == LogOp::Kind::Upsert ? std::make_shared<const Row>(op.row)
                                                                 : nullptr,
                                  frame.commitTs);
        }
    });
    if (!refused.empty()) return refused;
    store_.restoreClock(newest);
    if (!scan.problem.empty()) {
        // Keep the bytes we do not replay beside the log, then cut them off so new frames
        // follow the last good one (a reader stops at the first bad frame).
        const std::string saved = path_ + "-log.discarded";
        std::ofstream(saved, std::ios::binary | std::ios::trunc)
            .write(contents.data() + scan.validEnd,
                   static_cast<std::streamsize>(contents.size() - scan.validEnd));
        notes_.push_back("recovery of " + path_ + "-log stopped at " + scan.problem + "; " +
                         std::to_string(replayed) + " frame(s) replayed, the " +
                         std::to_string(contents.size() - scan.validEnd) + " byte(s) from offset " +
                         std::to_string(scan.validEnd) + " on were not replayed and are saved in " + saved);
        if (auto e = log_->truncate(scan.validEnd)) return e;
    }
    for (const auto& note : notes_)
        store_.emit(EventKind::Note, 0, 0, 0, 0, 0, 0, note);
    return std::nullopt;
}

std::optional<std::string> FileDurability::rebuiltCreate(const std::string& logged, std::string& why)
{
    Error parseError;
    auto schema = sql::readTableSchema(logged, parseError);
    if (!schema) {
        why = parseError.message;
        return std::nullopt;
    }
    return schema->createSql;
}

std::optional<Error> FileDurability::logCommit(const Transaction& tx, std::uint64_t commitTs, bool& appended)
{
    FrameWriter frame(commitTs);
    for (const auto& record : tx.writes) {
        if (record.op == WriteRecord::Op::Delete)
            frame.remove(record.table->name(), record.key);
        else
            frame.upsert(record.table->name(), record.key, *record.row);
    }
    std::uint64_t position = 0;
    if (auto e = log_->append(frame.finish(), position, tx.synchronous >= 2)) {
        appended = false;
        return ioError("COMMIT of transaction " + std::to_string(tx.id) +
                       " failed, nothing was committed: " + *e);
    }
    appended = true;
    if (tx.synchronous >= 2) {
        if (auto e = log_->syncTo(position))
            return ioError("transaction " + std::to_string(tx.id) +
                           " is committed and in the log, but the log could not be synced, so it may not "
                           "survive a power failure: " +
                           *e);
    }
    return std::nullopt;
}

std::optional<Error> FileDurability::appendDdl(const std::string& frame)
{
    std::uint64_t position = 0;
    if (auto e = log_->append(frame, position)) return ioError(*e);
    if (auto e = log_->syncTo(position)) return ioError(*e);
    return std::nullopt;
}

std::optional<Error> FileDurability::logCreateTable(const std::string& name, const std::string& createSql,
                                                    std::uint64_t ts)
{
    FrameWriter frame(ts);
    frame.createTable(name, createSql);
    return appendDdl(frame.finish());
}

std::optional<Error> FileDurability::logDropTable(const std::string& name, std::uint64_t ts)
{
    FrameWriter frame(ts);
    frame.dropTable(name);
    return appendDdl(frame.finish());
}

void FileDurability::setCheckpointThreshold(std::uint64_t bytes)
{
    threshold_.store(bytes);
    log_->setGrowth(growthFor(bytes));
}

void FileDurability::afterCommit()
{
    if (log_->appended() - appendedAtCheckpoint_.load(std::memory_order_relaxed) < threshold_.load()) return;
    std::unique_lock lock(checkpointMutex_, std::try_to_lock);
    if (!lock.owns_lock()) return; // another committer is checkpointing
    if (log_->appended() - appendedAtCheckpoint_.load(std::memory_order_relaxed) < threshold_.load()) return;
    CheckpointResult result;
    if (auto e = runCheckpoint(result))
        store_.emit(EventKind::Note, 0, 0, 0, 0, 0, 0, "automatic checkpoint failed: " + e->message);
}

std::optional<Error> FileDurability::checkpoint(CheckpointResult& result)
{
    std::lock_guard lock(checkpointMutex_);
    return runCheckpoint(result);
}

} // namespace txs::mvcc
