// The checkpoint: the newest committed version (as of a snapshot s) of every row changed since
// the last checkpoint goes into the SQLite file, with the checkpointed timestamp s-1; then the
// log loses the frames below s. What changed is what the log holds: its frames are exactly the
// commits since the last checkpoint, so finding them costs the commit path nothing and the
// checkpoint's cost follows the changed rows, not the table.
//
// Incremental, in bounded batches: the log is read through a fixed window, the changed keys
// are gathered up to `batchRows_` at a time, and each batch is its own SQLite transaction.
// Only the last one also records the checkpointed timestamp, and only then is the log cut. A
// crash between batches leaves x.db with some rows newer than its checkpointed timestamp, all
// of them rows the log still holds: recovery replays every frame above the recorded timestamp,
// and per key the last frame replayed is the newest (log order is commit order), so each such
// row ends as it was committed. A DDL op drops the keys of its table gathered before it (they
// belong to the table it drops), so rows always go into the table their frames were written for.
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

#include "engine/api/AsciiText.h"
#include "engine/api/SqlLexer.h"
#include "engine/mvcc/FileDurability.h"
#include "engine/mvcc/LogFormat.h"
#include "engine/mvcc/MvccStore.h"
#include "engine/sqlutil/SqliteValues.h"
#include "engine/sqlutil/StatementHandle.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <sqlite3.h>
#include <vector>

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

// The lower-case name a CREATE INDEX statement gives its index ("" when it cannot be read): the
// first name after CREATE [UNIQUE] INDEX [IF NOT EXISTS], without its schema and quotes.
std::string createdIndexName(std::string_view sql)
{
    std::size_t pos = 0;
    for (int guard = 0; guard < 16; ++guard) {
        const SqlToken t = nextSqlToken(sql, pos);
        if (t.kind == SqlToken::Kind::End) return {};
        pos = t.end();
        std::string text(t.text(sql));
        if (t.kind == SqlToken::Kind::Word) {
            const std::string word = toLower(text);
            if (word == "create" || word == "unique" || word == "index" || word == "if" || word == "not" ||
                word == "exists")
                continue;
        } else if (t.kind == SqlToken::Kind::QuotedName && text.size() >= 2) {
            const char close = text.back();
            text = text.substr(1, text.size() - 2);
            if (close != ']') // a doubled quote is the quote itself
                for (std::size_t at = text.find(std::string(2, close)); at != std::string::npos;
                     at = text.find(std::string(2, close), at + 1))
                    text.erase(at, 1);
        } else {
            return {};
        }
        // schema.name: the name is after the dot.
        const SqlToken dot = nextSqlToken(sql, pos);
        if (dot.kind == SqlToken::Kind::Punct && dot.text(sql) == ".") {
            pos = dot.end();
            continue;
        }
        return toLower(text);
    }
    return {};
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

// The seq of `table` in the file's sqlite_sequence, 0 when it has none (or there is no such table).
std::int64_t FileDurability::sequenceOf(const std::string& table)
{
    sqlutil::StatementHandle s;
    if (sqlutil::prepare(db_, "SELECT max(seq) FROM main.sqlite_sequence WHERE name = ?1", s) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(s.get(), 1, table.c_str(), -1, SQLITE_TRANSIENT);
    return sqlite3_step(s.get()) == SQLITE_ROW ? sqlite3_column_int64(s.get(), 0) : 0;
}

// Raises the seq of `table` (an AUTOINCREMENT table in the file, so sqlite_sequence exists) to
// `seq` when it is lower, as SQLite's own insert of rowid `seq` would.
bool FileDurability::raiseSequence(const std::string& table, std::int64_t seq)
{
    for (const char* sql : {"UPDATE main.sqlite_sequence SET seq = ?2 WHERE name = ?1 AND seq < ?2",
                            "INSERT INTO main.sqlite_sequence(name, seq) SELECT ?1, ?2 WHERE NOT EXISTS "
                            "(SELECT 1 FROM main.sqlite_sequence WHERE name = ?1)"}) {
        sqlutil::StatementHandle s;
        if (sqlutil::prepare(db_, sql, s) != SQLITE_OK) return false;
        sqlite3_bind_text(s.get(), 1, table.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(s.get(), 2, seq);
        if (sqlite3_step(s.get()) != SQLITE_DONE) return false;
    }
    return true;
}

std::optional<Error> FileDurability::runCheckpoint(CheckpointResult& result)
{
    auto reader = store_.begin(TxMode::None, 0, false);
    const std::uint64_t s = reader->beginTs;
    store_.waitForPreparingBelow(s);
    // Read before logEnd: every DROP INDEX counted here has its frame below logEnd.
    const std::uint64_t indexDrops = indexDropsLogged_.load(std::memory_order_acquire);
    const std::uint64_t logEnd = log_->fileEnd();
    result.logBytesBefore = logEnd;

    std::map<std::string, Statements> statements;
    bool inTransaction = false;
    auto abandon = [&] {
        statements.clear(); // finalizes them
        if (inTransaction) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        store_.rollback(*reader, RollbackReason::User, false);
    };
    auto fail = [&](const std::string& what) {
        Error e = sqliteError(db_, path_, what);
        abandon();
        return e;
    };
    auto begin = [&] {
        inTransaction = run(db_, "BEGIN IMMEDIATE");
        return inTransaction;
    };

    // Keys changed below s not yet written, by table name as logged; at most batchRows_ of them.
    std::map<std::string, std::vector<std::int64_t>> pending;
    std::size_t pendingRows = 0;
    const std::size_t batchRows = std::max<std::size_t>(1, batchRows_.load(std::memory_order_relaxed));
    std::optional<Error> error;
    auto writeRows = [&](const std::string& name, std::vector<std::int64_t>& keys) -> bool {
        const auto table = store_.table(name);
        // Dropped, or dropped and created again, at or after s: the kept frames redo it.
        if (!table || table->createdTs() >= s) return true;
        auto found = statements.find(name);
        if (found == statements.end()) {
            Statements st;
            const auto& schema = table->schema();
            std::string columns = "rowid", values = "?1";
            for (std::size_t i = 0; i < schema.columns.size(); ++i) {
                columns += ", " + sqlutil::quoteIdentifier(schema.columns[i].name);
                values += ", ?" + std::to_string(i + 2);
            }
            const std::string quoted = "main." + sqlutil::quoteIdentifier(schema.name);
            if (sqlutil::prepare(
                    db_, "INSERT OR REPLACE INTO " + quoted + "(" + columns + ") VALUES (" + values + ")",
                    st.upsert) != SQLITE_OK ||
                sqlutil::prepare(db_, "DELETE FROM " + quoted + " WHERE rowid = ?1", st.remove) !=
                    SQLITE_OK) {
                error = fail("prepare " + schema.name);
                return false;
            }
            found = statements.emplace(name, std::move(st)).first;
        }
        Statements& st = found->second;
        // In key order: SQLite's b-tree pages are then visited once each, in order.
        std::sort(keys.begin(), keys.end());
        keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
        for (const std::int64_t key : keys) {
            VersionChain* chain = table->find(key);
            // The version's record, bound value by value as it lies (no Row decoded: a shared_ptr,
            // a vector and a string per long text or blob). It outlives the step, the reset and
            // the clearing of the bindings below. A record has the table's width: ALTER TABLE
            // rebuilds every version (MvccAlter.cpp).
            const RowRecord row = chain ? store_.readRecord(*chain, *reader) : RowRecord{};
            sqlite3_stmt* stmt = row ? st.upsert.get() : st.remove.get();
            sqlite3_bind_int64(stmt, 1, key);
            if (row) {
                RowRecord::Columns columns(row);
                ValueView value;
                for (int at = 2; columns.next(value); ++at)
                    sqlutil::bindView(stmt, at, value);
            }
            const int rc = sqlite3_step(stmt);
            sqlite3_reset(stmt);
            sqlite3_clear_bindings(stmt);
            if (rc != SQLITE_DONE) {
                error = fail("write " + table->schema().name);
                return false;
            }
            ++result.rowsWritten;
        }
        // AUTOINCREMENT: the keys are every row written below s since the last checkpoint, a row
        // deleted since among them; SQLite's sqlite_sequence holds the largest rowid ever inserted.
        if (table->schema().autoincrement && !keys.empty() && !raiseSequence(table->name(), keys.back())) {
            error = fail("sqlite_sequence of " + table->name());
            return false;
        }
        return true;
    };
    // Writes the pending keys into the open SQLite transaction.
    auto flush = [&]() -> bool {
        for (auto& [name, keys] : pending)
            if (!writeRows(name, keys)) return false;
        pending.clear();
        pendingRows = 0;
        return true;
    };
    // A batch is full: commit it and start the next (the checkpointed timestamp is unchanged).
    auto commitBatch = [&]() -> bool {
        if (!flush()) return false;
        statements.clear(); // finalized before COMMIT; prepared again by the next batch
        if (!run(db_, "COMMIT")) {
            error = fail("COMMIT");
            return false;
        }
        inTransaction = false;
        ++result.batches;
        if (batchCommitted_) batchCommitted_(result.batches);
        if (stopping_.load(std::memory_order_acquire)) {
            error = Error::fromSqlite(rc::Interrupt, "checkpoint of " + path_ +
                                                         " stopped: the database is closing; nothing was "
                                                         "lost, the log still holds every commit");
            abandon();
            return false;
        }
        if (!begin()) {
            error = fail("BEGIN");
            return false;
        }
        return true;
    };
    // The sqlite_sequence of each table dropped, by the commit that dropped it and its name.
    std::map<std::pair<std::uint64_t, std::string>, std::int64_t> droppedSequences;
    // DDL below s, in log order. Keys of the table gathered before it were the dropped table's
    // (a CREATE follows a DROP): they are not written anywhere.
    auto applyDdl = [&](std::uint64_t ddlTs, const LogOp& op) -> bool {
        if (auto it = pending.find(op.table); it != pending.end()) {
            pendingRows -= it->second.size();
            pending.erase(it);
        }
        statements.erase(op.table); // a table dropped or created again needs new statements
        const std::string name = sqlutil::quoteIdentifier(op.table);
        // Never drop what the engine did not create: an object of that name that
        // __txscope_mvcc_meta does not record is someone else's (written to the file behind our
        // back: the open refuses files that have one). The log keeps every commit.
        if (!ownsOrAbsent(db_, op.table)) {
            error = Error::fromSqlite(rc::CantOpen,
                                      "checkpoint of " + path_ + " stopped: the file holds an object named " +
                                          op.table +
                                          " that the MVCC engine did not create, and it is left "
                                          "alone; nothing was lost, the log still holds every commit");
            abandon();
            return false;
        }
        // The table's indexes go with it (SQLite drops them with the table); so do their records.
        if (!forgetIndexesOf(op.table)) {
            error = fail("__txscope_mvcc_meta");
            return false;
        }
        // SQLite's DROP TABLE forgets the table's sqlite_sequence row. A DROP and CREATE of one
        // name in one commit is how an ALTER inside BEGIN is logged (MvccTxRebuild.cpp): the table
        // goes on, and so does its sequence (a user's own DROP and CREATE in one transaction keeps it
        // too: no rowid is reused either way).
        if (op.kind == LogOp::Kind::DropTable) {
            if (const std::int64_t seq = sequenceOf(op.table))
                droppedSequences[{ddlTs, toLower(op.table)}] = seq;
        }
        if (!run(db_, "DROP TABLE IF EXISTS main." + name)) {
            error = fail("DROP TABLE " + op.table);
            return false;
        }
        std::string createSql;
        if (op.kind == LogOp::Kind::CreateTable) {
            std::string why;
            auto rebuilt = rebuiltCreate(op.createSql, why);
            if (!rebuilt) {
                error = fail("CREATE TABLE " + op.table + " in the log is refused: " + why);
                return false;
            }
            createSql = std::move(*rebuilt);
            if (!run(db_, createSql)) {
                error = fail(createSql);
                return false;
            }
            const auto dropped = droppedSequences.find({ddlTs, toLower(op.table)});
            if (dropped != droppedSequences.end() && !raiseSequence(op.table, dropped->second)) {
                error = fail("sqlite_sequence of " + op.table);
                return false;
            }
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
        if (sqlite3_step(meta) != SQLITE_DONE) {
            error = fail("__txscope_mvcc_meta");
            return false;
        }
        return true;
    };

    // CREATE INDEX below s, applied after the last rows are written: only then does the file hold
    // one snapshot (s) of every row, which a UNIQUE index must accept; between batches it holds
    // some rows as of s and others as of the last checkpoint. DROP INDEX is applied in log order,
    // before later rows are written: a unique index still in the file would make a row that is a
    // duplicate since the drop REPLACE (delete) an unchanged one.
    std::vector<std::pair<std::uint64_t, LogOp>> createdIndexes;
    if (!begin()) return fail("BEGIN");
    // Every DROP INDEX below s first, before any row: rows are written as of s whatever batch
    // they are in, so a row written while a unique index it no longer obeys is still in the file
    // would REPLACE (delete) an unchanged row that nothing writes back. Dropping early is safe:
    // a drop removes no row. Only when a drop was logged since the last checkpoint that looked
    // (the first checkpoint after opening always looks: the log may hold older drops); the main
    // pass below then only forgets the CREATE INDEX a drop undoes.
    bool dropsKept = false; // a DROP INDEX at or above s stays in the log: look again next time
    if (indexDrops != indexDropsCheckpointed_) {
        LogWindow dropsPass = log_->window(logEnd);
        const LogScan scanned = scanLog(dropsPass, [&](LogFrame& frame, std::string_view, std::uint64_t) {
            if (error || frame.commitTs <= checkpointTs_) return;
            for (const auto& op : frame.ops) {
                if (op.kind != LogOp::Kind::DropIndex) continue;
                if (frame.commitTs >= s) {
                    dropsKept = true;
                } else if (auto why = checkpointIndexOp(op, frame.commitTs)) {
                    error = fail(*why);
                    return;
                }
            }
        });
        if (error) return *error;
        if (!scanned.readError.empty()) {
            abandon();
            return Error{ErrorKind::Io, rc::IoErr, rc::IoErr,
                         "checkpoint of " + path_ + " could not read the log (" + scanned.readError +
                             "); nothing was lost, the log still holds every commit"};
        }
    }
    // Split the log, a window at a time: what is below s goes to the file, frames at or above
    // s stay (they are few: those committed while the checkpoint waited for s).
    std::string kept;
    std::shared_ptr<Table> gatherTable; // the table of the op gathered last
    LogWindow log = log_->window(logEnd);
    const LogScan scan = scanLog(log, [&](LogFrame& frame, std::string_view raw, std::uint64_t) {
        if (error) return;
        if (frame.commitTs <= checkpointTs_) return; // in the file already (a swap that did not happen)
        if (frame.commitTs >= s) {
            kept.append(raw);
            return;
        }
        for (const auto& op : frame.ops) {
            if (op.kind == LogOp::Kind::CreateIndex) {
                createdIndexes.emplace_back(frame.commitTs, op);
                continue;
            }
            if (op.kind == LogOp::Kind::DropIndex) {
                // Created and dropped within this checkpoint: it never reaches the file. (A
                // recorded index it drops was dropped from the file above, before any row.)
                std::erase_if(createdIndexes, [&](const auto& created) {
                    return createdIndexName(created.second.createSql) == toLower(op.index);
                });
                continue;
            }
            if (op.kind == LogOp::Kind::CreateView || op.kind == LogOp::Kind::DropView) {
                // In log order: a view holds no rows, so any batch may carry it.
                if (auto why = checkpointViewOp(op, frame.commitTs)) error = fail(*why);
                continue;
            }
            if (op.kind == LogOp::Kind::CreateTrigger || op.kind == LogOp::Kind::DropTrigger) {
                if (auto why = checkpointTriggerOp(op, frame.commitTs)) error = fail(*why);
                continue;
            }
            if (op.kind == LogOp::Kind::CreateTable || op.kind == LogOp::Kind::DropTable) {
                // An index created on the table before it was dropped (or replaced) went with it.
                std::erase_if(createdIndexes, [&](const auto& created) {
                    return toLower(created.second.table) == toLower(op.table);
                });
                if (!applyDdl(frame.commitTs, op)) return;
                continue;
            }
            // A row of an older table of the same name (dropped, created again) goes nowhere.
            if (!gatherTable || gatherTable->name() != op.table) gatherTable = store_.table(op.table);
            if (!gatherTable || gatherTable->createdTs() > frame.commitTs) continue;
            pending[op.table].push_back(op.key);
            if (++pendingRows >= batchRows && !commitBatch()) return;
        }
    });
    if (error) return *error;
    if (!scan.readError.empty()) {
        abandon();
        return Error{ErrorKind::Io, rc::IoErr, rc::IoErr,
                     "checkpoint of " + path_ + " could not read the log (" + scan.readError +
                         "); nothing was lost, the log still holds every commit"};
    }
    if (!flush()) return *error;
    for (const auto& [ts, op] : createdIndexes) {
        // Its table dropped (or dropped and created again) at or after s: the file still holds
        // that table as of the last checkpoint (its rows were not written), and the kept frames
        // drop it; an index over those old rows could fail where the index never did.
        const auto table = store_.table(op.table);
        if (!table || table->createdTs() >= s) continue;
        if (auto why = checkpointIndexOp(op, ts)) return fail(*why);
    }
    statements.clear();
    if (!run(db_,
             "UPDATE __txscope_mvcc_meta SET ts = " + std::to_string(s - 1) + " WHERE key = 'checkpoint'"))
        return fail("__txscope_mvcc_meta");
    if (!run(db_, "COMMIT")) return fail("COMMIT");
    inTransaction = false;
    ++result.batches;
    store_.commit(*reader); // a reader: ends without a timestamp
    checkpointTs_ = s - 1;
    if (!dropsKept) indexDropsCheckpointed_ = indexDrops;
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

// ---------------------------------------------------------------- the checkpointer thread

void FileDurability::afterCommit()
{
    if (!logReady_.load(std::memory_order_acquire) || logBytes() < threshold_.load()) return;
    // One wake-up per checkpoint: the commits that pass the threshold while one is wanted or
    // running only find the flag set.
    if (wanted_.exchange(true, std::memory_order_acq_rel)) return;
    std::lock_guard lock(wakeMutex_);
    if (!checkpointer_.joinable()) checkpointer_ = std::thread([this] { checkpointLoop(); });
    wake_.notify_one();
}

// Automatic checkpoints run here, off the committing threads. After a failure the next try
// waits for the next commit past the threshold (no retry loop against a full disk).
void FileDurability::checkpointLoop()
{
    for (;;) {
        {
            std::unique_lock lock(wakeMutex_);
            wake_.wait(lock, [this] {
                return stopping_.load(std::memory_order_acquire) || wanted_.load(std::memory_order_acquire);
            });
            if (stopping_.load(std::memory_order_acquire)) return;
        }
        std::lock_guard lock(checkpointMutex_);
        wanted_.store(false, std::memory_order_release);
        if (logBytes() < threshold_.load()) continue;
        CheckpointResult result;
        if (auto e = runCheckpoint(result); e && !stopping_.load(std::memory_order_acquire))
            store_.emit(EventKind::Note, 0, 0, 0, 0, 0, 0, "automatic checkpoint failed: " + e->message);
    }
}

void FileDurability::stopCheckpointer()
{
    {
        std::lock_guard lock(wakeMutex_);
        stopping_.store(true, std::memory_order_release);
        wake_.notify_one();
    }
    if (checkpointer_.joinable()) checkpointer_.join();
}

std::optional<Error> FileDurability::checkpoint(CheckpointResult& result)
{
    std::lock_guard lock(checkpointMutex_);
    // Nothing was ever logged: nothing to checkpoint, and x.db stays as it is.
    if (!logReady_.load(std::memory_order_acquire)) return std::nullopt;
    return runCheckpoint(result);
}

} // namespace txs::mvcc
