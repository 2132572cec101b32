#include "engine/mvcc/FileDurability.h"

#include "engine/api/AsciiText.h"
#include "engine/api/Hardening.h"
#include "engine/mvcc/LogFormat.h"
#include "engine/mvcc/MvccStore.h"
#include "engine/mvcc/SchemaReader.h"
#include "engine/sqlutil/SqliteValues.h"
#include "engine/sqlutil/StatementHandle.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <random>
#include <set>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

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

// Runs `sql` on our connection; the error names the database file and what SQLite said, and
// `code` gets SQLite's result code.
std::optional<std::string> exec(sqlite3* db, const std::string& path, const char* sql, int* code = nullptr)
{
    char* message = nullptr;
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
    if (rc == SQLITE_OK) return std::nullopt;
    if (code) *code = rc;
    std::string text = message ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    if ((rc & 0xFF) == SQLITE_BUSY || (rc & 0xFF) == SQLITE_LOCKED)
        return "MVCC database " + path + " is locked by another connection or process (" + text + ")";
    if ((rc & 0xFF) == SQLITE_NOTADB || (rc & 0xFF) == SQLITE_CORRUPT)
        return "MVCC database " + path + " is not a valid SQLite database (" + text + ")";
    return "MVCC database " + path + ": " + text;
}

bool exists(const std::string& path)
{
    struct stat st
    {};
    return ::lstat(path.c_str(), &st) == 0;
}

std::string text(sqlite3_stmt* stmt, int column)
{
    const auto* t = sqlite3_column_text(stmt, column);
    return t ? reinterpret_cast<const char*>(t) : "";
}

std::uint64_t randomSalt()
{
    std::random_device device;
    std::uint64_t salt = 0;
    while (salt == 0) // 0 means "no salt" in a legacy header
        salt = (static_cast<std::uint64_t>(device()) << 32) ^ device();
    return salt;
}

constexpr const char* metaTable = "__txscope_mvcc_meta";

} // namespace

FileDurability::FileDurability(std::string path, sqlite3* db, MvccStore& store)
    : path_(std::move(path)), db_(db), store_(store)
{}

FileDurability::~FileDurability()
{
    stopCheckpointer(); // before db_ and the log go
    sqlite3_close_v2(db_);
}

std::unique_ptr<FileDurability> FileDurability::open(const std::string& path, MvccStore& store,
                                                     DamagedLog damagedLog, Error& error)
{
    const auto fail = [&](int code, std::string message) -> std::unique_ptr<FileDurability> {
        error = Error::fromSqlite(code, std::move(message));
        if (code == rc::Busy) error.kind = ErrorKind::Busy;
        return nullptr;
    };
    const std::string logPath = path + "-log";
    // A log without its database: the database was deleted (or moved). Replaying the log into a
    // new, empty file would bring back old rows as if nothing had happened.
    if (!exists(path) && exists(logPath))
        return fail(rc::CantOpen, "MVCC database " + path + " does not exist, but its log " + logPath +
                                      " does (was the database deleted or moved?); the log was not replayed "
                                      "into a new database and nothing was created. Move the log away to "
                                      "start afresh.");
    // Through a symlink, the file and its log are those of the target (SQLite resolves the
    // database's own journal and WAL names the same way).
    std::string resolved = path;
    struct stat link
    {};
    if (::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
        if (char* real = ::realpath(path.c_str(), nullptr)) {
            resolved = real;
            std::free(real);
        }
    }
    sqlite3* db = nullptr;
    const int rc = openHardened(path.c_str(), &db,
                                SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        std::string message =
            "cannot open MVCC database " + path + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close_v2(db);
        return fail(rc, std::move(message));
    }
    std::unique_ptr<FileDurability> self(new FileDurability(resolved, db, store));
    if (sqlite3_db_readonly(db, "main") == 1)
        return fail(rc::ReadOnly, "MVCC database " + path + " is read-only: commits could not be kept");
    std::string why;
    self->lock_ = DatabaseLock::acquire(path, why);
    if (!self->lock_) return fail(rc::Busy, why + " (its log: " + self->path_ + "-log)");
    sqlite3_extended_result_codes(db, 1);
    // The checkpoint writes rows the engine's triggers already acted on: x.db's triggers (the engine's,
    // or an existing file's) must not fire on this connection. (Foreign keys are off on it.)
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, nullptr);
    // Fail fast at open when another process holds the file; the checkpoint waits for readers.
    sqlite3_busy_timeout(db, 100);

    // Is it a database we can read at all, whole, and one we may run on? Asked before anything
    // is created beside it or written to it.
    if (auto e = self->checkFile()) return fail(self->failCode_ ? self->failCode_ : rc::CantOpen, *e);
    std::vector<std::pair<std::string, std::uint64_t>> tables;
    if (auto e = self->readMeta(tables)) return fail(self->failCode_ ? self->failCode_ : rc::CantOpen, *e);
    if (auto e = self->checkOwnership(tables)) return fail(rc::CantOpen, *e);
    std::uint64_t logSize = 0;
    if (auto e = self->openLog(logSize)) return fail(self->failCode_ ? self->failCode_ : rc::CantOpen, *e);
    // Objects another program added to a database that already has its log are recorded now:
    // the one case an open writes (the log's commits may name them, and the checkpoint can run
    // before any write of this process). A file without a log records them at its first write.
    if (!self->adopted_.empty() && self->logReady_.load())
        if (auto e = self->writeIdentity()) return fail(rc::CantOpen, *e);
    if (auto e = self->load(tables)) return fail(rc::CantOpen, *e);
    if (auto e = self->loadIndexes()) return fail(rc::CantOpen, *e);
    if (auto e = self->loadAdoptedIndexes()) return fail(rc::CantOpen, *e);
    if (auto e = self->loadViews()) return fail(rc::CantOpen, *e);
    if (auto e = self->loadTriggers()) return fail(rc::CantOpen, *e);
    sqlite3_busy_timeout(db, 5000);
    if (auto e = self->recover(logSize, damagedLog))
        return fail(self->failCode_ ? self->failCode_ : rc::CantOpen, *e);
    return self;
}

// Readable, not locked by another process, and whole (quick_check: the b-trees and their
// pages, without the cost of checking every index against its table).
std::optional<std::string> FileDurability::checkFile()
{
    if (auto e = exec(db_, path_, "SELECT count(*) FROM sqlite_schema", &failCode_)) return e;
    sqlutil::StatementHandle check;
    if (sqlutil::prepare(db_, "PRAGMA quick_check(5)", check) != SQLITE_OK) {
        failCode_ = sqlite3_extended_errcode(db_);
        return "MVCC database " + path_ + " cannot be checked: " + sqlite3_errmsg(db_);
    }
    std::string problems;
    int rc;
    while ((rc = sqlite3_step(check.get())) == SQLITE_ROW) {
        const std::string line = text(check.get(), 0);
        if (line != "ok") problems += (problems.empty() ? "" : "; ") + line;
    }
    if (rc != SQLITE_DONE) {
        failCode_ = sqlite3_extended_errcode(db_);
        problems += (problems.empty() ? "" : "; ") + std::string(sqlite3_errmsg(db_));
    }
    if (problems.empty()) return std::nullopt;
    if ((failCode_ & 0xFF) == SQLITE_BUSY)
        return "MVCC database " + path_ + " is locked by another connection or process (" + problems + ")";
    failCode_ = rc::Corrupt;
    return "MVCC database " + path_ + " is corrupt (PRAGMA quick_check: " + problems +
           "); it was not opened and nothing was changed";
}

// The checkpointed timestamp, the salt and the tables recorded in __txscope_mvcc_meta, when
// the file has it (a file the engine never wrote to has not).
std::optional<std::string>
FileDurability::readMeta(std::vector<std::pair<std::string, std::uint64_t>>& tables)
{
    {
        sqlutil::StatementHandle probe;
        sqlutil::prepare(db_, "SELECT 1 FROM main.sqlite_schema WHERE type = 'table' AND name = ?1", probe);
        sqlite3_bind_text(probe.get(), 1, metaTable, -1, SQLITE_STATIC);
        hasMeta_ = sqlite3_step(probe.get()) == SQLITE_ROW;
    }
    if (!hasMeta_) return std::nullopt;

    sqlutil::StatementHandle metaRows;
    if (sqlutil::prepare(db_, "SELECT key, sql, ts FROM main.__txscope_mvcc_meta ORDER BY ts", metaRows) !=
        SQLITE_OK) {
        failCode_ = sqlite3_extended_errcode(db_);
        return "MVCC database " + path_ + ": " + metaTable + " cannot be read: " + sqlite3_errmsg(db_);
    }
    sqlite3_stmt* const meta = metaRows.get();
    int rc;
    while ((rc = sqlite3_step(meta)) == SQLITE_ROW) {
        const std::string key = text(meta, 0);
        const auto ts = static_cast<std::uint64_t>(sqlite3_column_int64(meta, 2));
        if (key == "checkpoint")
            checkpointTs_ = ts;
        else if (key == "log-salt")
            salt_ = ts;
        else if (key.starts_with("table:") && sqlite3_column_type(meta, 1) == SQLITE_TEXT)
            tables.emplace_back(text(meta, 1), ts);
    }
    if (rc != SQLITE_DONE) {
        failCode_ = sqlite3_extended_errcode(db_);
        return "MVCC database " + path_ + ": " + metaTable + " cannot be read: " + sqlite3_errmsg(db_);
    }
    return std::nullopt;
}

// The log beside the file, when there is one; its header must be ours and carry the file's
// salt. A missing or empty log is created by the first write (ensureLog).
std::optional<std::string> FileDurability::openLog(std::uint64_t& logSize)
{
    const std::string logPath = path_ + "-log";
    if (!exists(logPath)) return std::nullopt;
    std::string error;
    bool inUse = false;
    LogFile::Found found;
    log_ = LogFile::open(logPath, false, found, error, &inUse);
    const std::string& contents = found.head;
    if (!log_) {
        failCode_ = inUse ? rc::Busy : rc::CantOpen;
        return error;
    }
    // Empty, or part of our own header (a crash while the log was being created): no frames.
    if (contents.empty() || (salt_ && contents.size() < logHeaderSize &&
                             encodeLogHeader(*salt_).compare(0, contents.size(), contents) == 0)) {
        return std::nullopt;
    }
    const auto header = parseLogHeader(contents);
    const std::string unchanged = "; " + path_ + " was not opened, and neither file was changed";
    if (!header) return "the MVCC log " + logPath + " is not a TxScope log (its header is wrong)" + unchanged;
    if (header->version >= 2 && (!salt_ || *salt_ != header->salt))
        return "the MVCC log " + logPath + " does not belong to " + path_ +
               (salt_ ? " (its salt is another database's: was the log copied or moved from elsewhere?)"
                      : " (the database has no salt: was it deleted and created again, or replaced?)") +
               "; replaying it would mix another database's rows into this one" + unchanged +
               ". Move the log away to open the database as it is.";
    log_->setHeader(contents.substr(0, header->size));
    if (header->version >= 2) logReady_ = true;
    // The log's frames count toward the checkpoint threshold (unsigned arithmetic: minus them).
    appendedAtCheckpoint_ = std::uint64_t{0} - (found.size - header->size);
    logSize = found.size;
    return std::nullopt;
}

// The tables and rows as of the last checkpoint.
std::optional<std::string>
FileDurability::load(const std::vector<std::pair<std::string, std::uint64_t>>& tables)
{
    const std::uint64_t rowTs = std::max<std::uint64_t>(checkpointTs_, 1);
    for (const auto& [createSql, createdTs] : tables) {
        Error parseError;
        auto schema = readTableSchema(createSql, parseError);
        if (!schema)
            return "MVCC database " + path_ + ": a table recorded in __txscope_mvcc_meta cannot be loaded (" +
                   parseError.message + "): " + createSql;
        std::string select = "SELECT rowid";
        for (const auto& column : schema->columns)
            select += ", " + sqlutil::quoteIdentifier(column.name);
        select += " FROM main." + sqlutil::quoteIdentifier(schema->name);
        auto table = store_.restoreTable(std::move(*schema), createdTs);
        sqlutil::StatementHandle statement;
        if (sqlutil::prepare(db_, select, statement) != SQLITE_OK)
            return "MVCC database " + path_ + ": cannot read table " + table->name() + ": " +
                   sqlite3_errmsg(db_);
        sqlite3_stmt* const rows = statement.get();
        int rc;
        while ((rc = sqlite3_step(rows)) == SQLITE_ROW) {
            Row row;
            for (int i = 1, n = sqlite3_column_count(rows); i < n; ++i)
                row.push_back(sqlutil::columnValue(rows, i));
            store_.restoreRow(*table, sqlite3_column_int64(rows, 0), RowRecord(row), rowTs);
        }
        if (rc != SQLITE_DONE)
            return "MVCC database " + path_ + ": cannot read table " + table->name() + ": " +
                   sqlite3_errstr(rc);
        // AUTOINCREMENT: the largest rowid ever handed out may be a row deleted since; the file's
        // sqlite_sequence keeps it (SQLite's, or the checkpoint's), and no rowid up to it is reused.
        if (table->schema().autoincrement) {
            sqlutil::StatementHandle seq;
            if (sqlutil::prepare(db_, "SELECT max(seq) FROM main.sqlite_sequence WHERE name = ?1", seq) ==
                SQLITE_OK) {
                sqlite3_bind_text(seq.get(), 1, table->name().c_str(), -1, SQLITE_TRANSIENT);
                if (sqlite3_step(seq.get()) == SQLITE_ROW &&
                    sqlite3_column_type(seq.get(), 0) == SQLITE_INTEGER)
                    table->noteExplicitKey(sqlite3_column_int64(seq.get(), 0));
            }
        }
    }
    // A file whose tables were taken may have no checkpointed timestamp (0): its rows, restored
    // at 1, must be below every snapshot from now on.
    store_.restoreClock(adopted_.empty() ? checkpointTs_ : rowTs);
    // The checkpoint writes changed rows at random places in large tables: keep the b-trees'
    // interior pages cached (SQLite's default is 2 MB). Set after the load, whose scan would fill it.
    exec(db_, path_, "PRAGMA cache_size = -16384");
    return std::nullopt;
}

// Creates __txscope_mvcc_meta when missing and gives x.db its salt, in one SQLite transaction.
std::optional<std::string> FileDurability::writeIdentity()
{
    if (hasMeta_ && salt_ && adopted_.empty()) return std::nullopt;
    const std::uint64_t salt = salt_.value_or(randomSalt());
    const std::string sql =
        "BEGIN IMMEDIATE;"
        "CREATE TABLE IF NOT EXISTS main.__txscope_mvcc_meta(key TEXT PRIMARY KEY, sql TEXT, "
        "ts INTEGER NOT NULL);"
        "INSERT OR IGNORE INTO main.__txscope_mvcc_meta VALUES ('checkpoint', NULL, 0);"
        "INSERT OR REPLACE INTO main.__txscope_mvcc_meta VALUES ('log-salt', NULL, " +
        std::to_string(static_cast<std::int64_t>(salt)) + ")";
    // The tables and indexes taken from the file are recorded in the same transaction, before
    // any log frame can name them (ExistingFileImport.cpp).
    std::optional<std::string> e = exec(db_, path_, sql.c_str());
    if (!e) e = recordAdopted();
    if (!e) e = exec(db_, path_, "COMMIT");
    if (e) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        return e;
    }
    adopted_.clear();
    hasMeta_ = true;
    salt_ = salt;
    return std::nullopt;
}

// A version-1 log (written before logs had a salt) was replayed as it is, trusted the way it
// was when written; now x.db gets a salt and the log is rewritten, frames unchanged, with it.
std::optional<std::string> FileDurability::upgradeLegacyLog()
{
    if (!log_) return std::nullopt; // no log: ensureLog creates one at the first write
    if (auto e = writeIdentity()) return e;
    const std::uint64_t end = log_->fileEnd();
    std::string frames;
    if (auto e = log_->read(legacyLogHeaderSize, end, frames)) return e;
    log_->setHeader(encodeLogHeader(*salt_));
    if (auto e = log_->swap(frames, end)) return e;
    notes_.push_back("the MVCC log " + path_ +
                     "-log was written by an older TxScope (no database identity); "
                     "it was replayed and rewritten with the identity now stored in " +
                     path_);
    store_.emit(EventKind::Note, 0, 0, 0, 0, 0, 0, notes_.back());
    logReady_ = true;
    return std::nullopt;
}

std::optional<std::string> FileDurability::ensureLog()
{
    if (logReady_.load(std::memory_order_acquire)) return std::nullopt;
    std::lock_guard lock(initMutex_);
    if (logReady_.load(std::memory_order_relaxed)) return std::nullopt;
    // The salt reaches x.db (synced by SQLite's commit) before the log that carries it exists:
    // a log whose salt x.db lacks is never ours.
    if (auto e = writeIdentity()) return e;
    if (!log_) {
        std::string error;
        LogFile::Found found;
        log_ = LogFile::open(path_ + "-log", true, found, error);
        if (!log_) return error;
        log_->setSyncHook(syncHook_);
    }
    if (auto e = log_->writeHeader(encodeLogHeader(*salt_))) return e;
    log_->setGrowth(growthFor(threshold_.load()));
    logReady_.store(true, std::memory_order_release);
    return std::nullopt;
}

std::optional<std::string> FileDurability::rebuiltCreate(const std::string& logged, std::string& why)
{
    Error parseError;
    auto schema = readTableSchema(logged, parseError);
    if (!schema) {
        why = parseError.message;
        return std::nullopt;
    }
    return schema->createSql;
}

std::optional<Error> FileDurability::logCommit(const Transaction& tx, std::uint64_t commitTs, bool& appended)
{
    FrameWriter frame(commitTs);
    // DDL made inside the transaction (MvccTxDdl.cpp) comes first: replayed in order, it leaves
    // the catalog the rows below were written for.
    for (const auto& op : tx.ddlOps)
        frame.ddl(op);
    // Rows of a table the transaction then dropped (or dropped and created again) went with it:
    // only rows of the tables its catalog ends with are logged.
    std::map<const Table*, bool> live;
    auto kept = [&](const std::shared_ptr<Table>& table) {
        auto [it, fresh] = live.emplace(table.get(), true);
        if (fresh) it->second = store_.table(table->name(), tx.connection) == table;
        return it->second;
    };
    for (const auto& record : tx.writes) {
        if (!tx.ddlOps.empty() && !kept(record.table)) continue;
        if (record.op == WriteRecord::Op::Delete)
            frame.remove(record.table->name(), record.key);
        else
            frame.upsert(record.table->name(), record.key, record.row);
    }
    if (auto e = ensureLog()) {
        appended = false;
        return ioError("COMMIT of transaction " + std::to_string(tx.id) +
                       " failed, nothing was committed: " + *e);
    }
    std::uint64_t position = 0;
    if (auto e = log_->append(frame.finish(), position, tx.synchronous >= 2)) {
        appended = false;
        return ioError("COMMIT of transaction " + std::to_string(tx.id) +
                       " failed, nothing was committed: " + *e);
    }
    appended = true;
    countIndexDrops(tx.ddlOps);
    if (tx.synchronous >= 2) {
        if (auto e = log_->syncTo(position, &writersInFlight_))
            return ioError("transaction " + std::to_string(tx.id) +
                           " is committed and in the log, but the log could not be synced, so it may not "
                           "survive a power failure: " +
                           *e);
    }
    return std::nullopt;
}

void FileDurability::writerLeft()
{
    writersInFlight_.fetch_sub(1); // seq_cst, against LogFile's leaderWaiting_
    if (logReady_.load(std::memory_order_acquire)) log_->committerArrived();
}

std::optional<Error> FileDurability::appendDdl(const std::string& frame)
{
    if (auto e = ensureLog()) return ioError(*e);
    std::uint64_t position = 0;
    if (auto e = log_->append(frame, position, true)) return ioError(*e);
    if (auto e = log_->syncTo(position)) return ioError(*e);
    return std::nullopt;
}

std::optional<Error> FileDurability::logDdl(const LogOp& op, std::uint64_t ts)
{
    FrameWriter frame(ts);
    frame.ddl(op);
    auto error = appendDdl(frame.finish());
    countIndexDrops({op});
    return error;
}

void FileDurability::countIndexDrops(const std::vector<LogOp>& ops)
{
    // After the append: a checkpoint that counts a drop finds its frame below its logEnd (and
    // looks for drops in the log at all: a transaction's commit frame may hold them too).
    for (const auto& op : ops)
        if (op.kind == LogOp::Kind::DropIndex) indexDropsLogged_.fetch_add(1, std::memory_order_release);
}

void FileDurability::setSyncHook(std::function<int(int fd)> hook)
{
    std::lock_guard lock(initMutex_); // log_ may be being created
    syncHook_ = std::move(hook);
    if (log_) log_->setSyncHook(syncHook_);
}

void FileDurability::setCheckpointThreshold(std::uint64_t bytes)
{
    std::lock_guard lock(initMutex_); // log_ may be being created
    threshold_.store(bytes);
    if (log_) log_->setGrowth(growthFor(bytes));
}

std::uint64_t FileDurability::logBytes() const
{
    return log_->appended() - appendedAtCheckpoint_.load(std::memory_order_relaxed);
}

} // namespace txs::mvcc
