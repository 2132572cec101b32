#include "engine/sqlite/SqliteConnection.h"

#include "engine/api/BusySchedule.h"
#include "engine/api/Hardening.h"
#include "engine/sqlite/LockTracer.h"
#include "engine/sqlite/SqliteShared.h"
#include "engine/sqlite/TracingVfs.h"
#include "engine/sqlutil/SqliteValues.h"
#include "engine/trace/TraceLog.h"

#include <chrono>
#include <sqlite3.h>
#include <thread>

namespace txs::sqlite {

namespace {

bool isBusy(const std::optional<Error>& error)
{
    return error && (error->extendedCode & 0xff) == SQLITE_BUSY;
}

} // namespace

SqliteConnection::SqliteConnection(std::shared_ptr<SqliteShared> shared, std::uint32_t id, std::string name)
    : Connection(id, std::move(name)), shared_(std::move(shared))
{
    emit(EventKind::ConnectionOpen, 0, 0, this->name());
    const std::string uri = shared_->uriFor(id);
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
    const int rc = openHardened(uri.c_str(), &db_, flags, shared_->vfsName(), shared_->hardening);
    if (rc != SQLITE_OK) {
        openError_ = Error::fromSqlite(db_ ? sqlite3_extended_errcode(db_) : rc,
                                       db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc),
                                       db_ ? sqlite3_system_errno(db_) : 0);
        sqlite3_close_v2(db_);
        db_ = nullptr;
        return;
    }
    sqlite3_extended_result_codes(db_, 1);
    StatementClock::install(db_, &clock_);
    // Installed once and kept: our handler implements both the busy_timeout schedule and a
    // caller's BusyHandler, and records each call.
    sqlite3_busy_handler(db_, &SqliteConnection::onBusy, this);
    tracer_ = lockTracerOf(db_);
    // WAL is stored in the file and DELETE is SQLite's default; TRUNCATE and PERSIST are per
    // connection. The pragma reads the schema (a SHARED lock), so it waits for the connection's
    // first statement, which reads it anyway, and runs inside that statement's span with the
    // busy timeout the caller has set by then.
    if (!shared_->inMemory &&
        (shared_->mode == JournalMode::Truncate || shared_->mode == JournalMode::Persist))
        pendingSetup_ = std::string("PRAGMA journal_mode=") + journalModeName(shared_->mode);
}

SqliteConnection::~SqliteConnection()
{
    statementEvents_.flush(); // a kept end goes before the close's events
    if (db_) {
        // sqlite3_close rolls an open transaction back; record it before the locks go.
        if (!sqlite3_get_autocommit(db_))
            emit(EventKind::TxRollback, static_cast<std::int64_t>(RollbackReason::Close));
        cache_.clear();
        sqlite3_close_v2(db_);
        tracer_ = nullptr; // closed with the file
    }
    currentTxId_ = 0;
    emit(EventKind::ConnectionClose);
}

std::optional<Error> SqliteConnection::runUntraced(const char* sql)
{
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
    std::optional<Error> error;
    if (rc != SQLITE_OK)
        error = Error::fromSqlite(sqlite3_extended_errcode(db_), message ? message : sqlite3_errstr(rc));
    sqlite3_free(message);
    return error;
}

void SqliteConnection::emit(EventKind kind, std::int64_t a, std::int64_t b, std::string_view text,
                            std::uint16_t detail)
{
    if (!shared_->log) return;
    Event e;
    e.kind = kind;
    e.connection = id();
    e.txId = currentTxId_;
    e.a = a;
    e.b = b;
    e.detail = detail;
    shared_->log->append(e, text);
}

void SqliteConnection::setCurrentTx(std::uint64_t txId)
{
    currentTxId_ = txId;
    if (tracer_) tracer_->setTxId(txId);
}

Error SqliteConnection::lastError(int rc) const
{
    const int code =
        (rc & 0xff) == (sqlite3_extended_errcode(db_) & 0xff) ? sqlite3_extended_errcode(db_) : rc;
    if ((code & 0xff) == SQLITE_INTERRUPT) return Error::fromSqlite(code, clock_.interruptMessage());
    // The errno tells "out of file descriptors" from other open and I/O failures.
    const int primary = code & 0xff;
    const bool system = primary == SQLITE_CANTOPEN || primary == SQLITE_IOERR;
    return Error::fromSqlite(code, sqlite3_errmsg(db_), system ? sqlite3_system_errno(db_) : 0);
}

Result SqliteConnection::execute(std::string_view sql, const Params& params)
{
    if (openError_) return Result::failure(*openError_);
    Result result;
    std::size_t pos = 0;
    for (;;) {
        pos = skipSpaceAndComments(sql, pos);
        while (pos < sql.size() && sql[pos] == ';')
            pos = skipSpaceAndComments(sql, pos + 1);
        if (pos >= sql.size()) break;
        const std::string_view rest = sql.substr(pos);
        const bool wasAutocommit = sqlite3_get_autocommit(db_) != 0;
        clock_.begin();

        // Describe the statement before preparing it: preparing may read the schema, so its
        // locks (and a BUSY) belong inside the statement's span.
        CachedStatement* st = cache_.find(rest);
        CachedStatement fresh;
        if (!st) {
            fresh.length = firstStatementLength(rest);
            fresh.text = displayText(rest.substr(0, fresh.length));
            fresh.info = classifyStatement(rest.substr(0, fresh.length));
        }
        const StatementInfo info = st ? st->info : fresh.info;
        if (wasAutocommit && (info.kind == StatementKind::Begin || info.kind == StatementKind::Savepoint))
            setCurrentTx(shared_->nextTxId.fetch_add(1, std::memory_order_relaxed));
        if (shared_->log)
            statementEvents_.begin(*shared_->log, id(), currentTxId_, st ? st->text : fresh.text);
        if (info.concurrentEnd)
            emit(EventKind::Note, 0, 0,
                 "BEGIN CONCURRENT runs as BEGIN DEFERRED: stock SQLite has no concurrent transactions");

        std::optional<Error> error;
        if (!pendingSetup_.empty()) {
            error = runUntraced(pendingSetup_.c_str());
            if (!error) pendingSetup_.clear();
        }
        if (!error && !st) st = statementAt(rest, fresh, error);
        Result one;
        if (!error && st) error = run(*st, params, one);

        if (isBusy(error)) emit(EventKind::Busy, error->extendedCode, 0, error->message, kindDetail(*error));
        if (!error && info.kind == StatementKind::JournalMode) noteJournalMode(one);
        trackTransaction(info, wasAutocommit, error);
        if (shared_->log) {
            const std::string preview = error ? std::string() : one.rowsPreview();
            statementEvents_.end(*shared_->log, id(), currentTxId_, error ? error->extendedCode : 0,
                                 error ? 0 : one.changes, error ? std::string_view(error->message) : preview,
                                 error ? kindDetail(*error) : 0);
        }
        if (!tx_.active) setCurrentTx(0);
        if (error) return Result::failure(std::move(*error));

        if (st && st->stmt && sqlite3_column_count(st->stmt.get()) > 0) {
            result.columns = std::move(one.columns);
            result.rows = std::move(one.rows);
        } else if (st && !st->stmt) {
            result.columns = std::move(one.columns); // busy_timeout answers with a row, as SQLite does
            result.rows = std::move(one.rows);
        }
        result.changes = one.changes;
        pos += st ? st->length : fresh.length;
    }
    return result;
}

// SQLite answers PRAGMA journal_mode = X with the mode now in effect (X, or the old one when it
// could not switch): a mode other than the database's is traced, inside the statement's span,
// so the log says when a workload changed it.
void SqliteConnection::noteJournalMode(const Result& answer)
{
    if (answer.rows.empty() || answer.rows[0].empty()) return;
    const JournalSetting now = parseJournalSetting(answer.rows[0][0].asText());
    if (now == JournalSetting::Unknown) return;
    const JournalSetting before = shared_->journal.exchange(now);
    if (before == now) return;
    const bool fileChanged = (before == JournalSetting::Wal) != (now == JournalSetting::Wal);
    std::string text =
        std::string("journal mode ") + journalSettingName(before) + " -> " + journalSettingName(now);
    if (fileChanged)
        text += now == JournalSetting::Wal ? " (the file stays in WAL mode)" : " (the file leaves WAL mode)";
    if (!shared_->log) return;
    Event e; // the typed Note of engine/trace/JournalSetting.h
    e.kind = EventKind::Note;
    e.detail = kJournalModeChangedNote;
    e.connection = id();
    e.txId = currentTxId_;
    e.a = static_cast<std::int64_t>(before);
    e.b = static_cast<std::int64_t>(now);
    e.rowid = fileChanged ? 1 : 0;
    shared_->log->append(e, text);
}

CachedStatement* SqliteConnection::statementAt(std::string_view rest, CachedStatement& fresh,
                                               std::optional<Error>& error)
{
    if (fresh.info.kind == StatementKind::BusyTimeout)
        return cache_.insert(std::string(rest), std::move(fresh));

    std::string rewritten;
    const char* text = rest.data();
    std::size_t size = fresh.length;
    if (fresh.info.concurrentEnd) {
        const std::size_t after = *fresh.info.concurrentEnd;
        rewritten = "BEGIN DEFERRED" + std::string(rest.substr(after, fresh.length - after));
        text = rewritten.data();
        size = rewritten.size();
    }
    sqlutil::StatementHandle stmt;
    const char* tail = nullptr;
    const int rc =
        sqlutil::prepare(db_, std::string_view(text, size), stmt, &tail, SQLITE_PREPARE_PERSISTENT);
    if (rc != SQLITE_OK) {
        error = lastError(rc);
        return nullptr;
    }
    if (!stmt) return nullptr; // only comments: nothing to run
    // SQLite's parser decides where the statement ends (sqlite3_complete only found the ';').
    if (!fresh.info.concurrentEnd && tail) fresh.length = static_cast<std::size_t>(tail - rest.data());
    fresh.stmt = std::move(stmt);
    return cache_.insert(std::string(rest), std::move(fresh));
}

std::optional<Error> SqliteConnection::run(CachedStatement& st, const Params& params, Result& result)
{
    if (!st.stmt) { // PRAGMA busy_timeout, answered here: see the class comment
        if (st.info.busyTimeout) setBusyTimeout(*st.info.busyTimeout);
        result.columns = {"timeout"};
        result.rows = {Row{Value(static_cast<std::int64_t>(busyTimeoutMs_))}};
        return std::nullopt;
    }
    sqlite3_stmt* stmt = st.stmt.get();
    sqlutil::bindParams(stmt, params);
    const std::int64_t changesBefore = sqlite3_total_changes64(db_);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        // Asked per row, not before the first step: a schema change makes sqlite3_step
        // re-prepare the statement, and "SELECT *" may then have more columns.
        const int columns = sqlite3_column_count(stmt);
        Row row;
        row.reserve(static_cast<std::size_t>(columns));
        for (int i = 0; i < columns; ++i)
            row.push_back(sqlutil::columnValue(stmt, i));
        result.rows.push_back(std::move(row));
    }
    std::optional<Error> error;
    if (rc != SQLITE_DONE) error = lastError(rc);
    for (int i = 0, n = sqlite3_column_count(stmt); i < n; ++i)
        result.columns.emplace_back(sqlite3_column_name(stmt, i));
    // Reset at once: a statement left unfinished would keep its read lock (and its WAL snapshot).
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    // sqlite3_changes64 keeps the count of the last INSERT/UPDATE/DELETE; only report it when
    // this statement changed something.
    result.changes = sqlite3_total_changes64(db_) != changesBefore ? sqlite3_changes64(db_) : 0;
    return error;
}

void SqliteConnection::trackTransaction(const StatementInfo& info, bool wasAutocommit,
                                        const std::optional<Error>& error)
{
    const bool autocommit = sqlite3_get_autocommit(db_) != 0;
    if (wasAutocommit && !autocommit) {
        if (currentTxId_ == 0) setCurrentTx(shared_->nextTxId.fetch_add(1, std::memory_order_relaxed));
        tx_.active = true;
        tx_.mode = info.kind == StatementKind::Begin ? info.beginMode : TxMode::Deferred;
        tx_.txId = currentTxId_;
        txStartChanges_ = sqlite3_total_changes64(db_);
        emit(EventKind::TxBegin, static_cast<std::int64_t>(tx_.mode));
    } else if (!wasAutocommit && autocommit) {
        if (!error && info.kind != StatementKind::Rollback) {
            emit(EventKind::TxCommit, 0, sqlite3_total_changes64(db_) - txStartChanges_);
        } else {
            const RollbackReason reason = !error          ? RollbackReason::User
                                          : isBusy(error) ? RollbackReason::Busy
                                                          : RollbackReason::StatementError;
            emit(EventKind::TxRollback, static_cast<std::int64_t>(reason));
        }
        tx_ = TransactionState{};
    }
}

TransactionState SqliteConnection::transaction() const
{
    return tx_;
}

void SqliteConnection::setBusyHandler(BusyHandler handler)
{
    handler_ = std::move(handler);
}

void SqliteConnection::setBusyTimeout(int milliseconds)
{
    busyTimeoutMs_ = milliseconds > 0 ? milliseconds : 0;
}

int SqliteConnection::onBusy(void* self, int count)
{
    return static_cast<SqliteConnection*>(self)->busyCalled(count);
}

bool SqliteConnection::busyCalled(int count)
{
    bool retry = false;
    int sleepMs = 0;
    if (clock_.shouldStop()) {
        retry = false; // stopped or out of time: no more waiting (the statement ends with BUSY)
    } else if (handler_) {
        try {
            retry = handler_(count);
        } catch (...) {
            retry = false; // an exception must not cross SQLite's C frames
        }
    } else {
        sleepMs = busyDelayMs(count, busyTimeoutMs_);
        retry = sleepMs > 0;
    }
    // Recorded before sleeping, so the event marks when the wait starts.
    emit(EventKind::BusyHandlerCall, count, std::int64_t{sleepMs} * 1000, {}, retry ? 0 : 1);
    // In slices, so Stop and statement_timeout end a wait of up to 100 ms within 10 ms.
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(sleepMs);
    while (sleepMs > 0 && std::chrono::steady_clock::now() < until) {
        if (clock_.shouldStop()) return false;
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
            std::chrono::milliseconds(10), until - std::chrono::steady_clock::now()));
    }
    return retry;
}

} // namespace txs::sqlite
