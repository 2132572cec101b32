#include "engine/sql/MvccConnection.h"

#include "engine/api/BusySchedule.h"
#include "engine/api/Hardening.h"
#include "engine/api/JournalMode.h"
#include "engine/mvcc/SchemaReader.h"
#include "engine/sql/InsertDefaults.h"
#include "engine/sql/MvccChecks.h"
#include "engine/sql/MvccForeignKeys.h"
#include "engine/sql/MvccTriggers.h"
#include "engine/sql/MvccVirtualTable.h"
#include "engine/sql/Upsert.h"
#include "engine/sqlutil/SqlScanner.h"
#include "engine/sqlutil/SqliteValues.h"

#include <algorithm>
#include <chrono>
#include <sqlite3.h>
#include <thread>

namespace txs::sql {

using mvcc::readTableSchema;
using sqlutil::bindParams;
using sqlutil::Classified;
using sqlutil::columnValue;
using sqlutil::quoteIdentifier;
using sqlutil::StatementKind;

using mvcc::Transaction;
using mvcc::TxState;

namespace {

Result singleValue(const char* column, Value value)
{
    Result r;
    r.columns = {column};
    r.rows = {{std::move(value)}};
    return r;
}

} // namespace

MvccConnection::MvccConnection(std::uint32_t id, std::string name, std::shared_ptr<mvcc::MvccStore> store,
                               TraceLog* trace)
    : Connection(id, std::move(name)), store_(std::move(store)), trace_(trace)
{
    // The private handle runs the workload's SQL: hardened like every other connection (a
    // failure leaves db_ null, and every statement then reports it).
    openHardened(":memory:", &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    sqlite3_extended_result_codes(db_, 1);
    StatementClock::install(db_, &clock_);
    registerMvccModule(db_, this);
    foreignKeys_ = std::make_unique<ForeignKeys>(db_, vtabError_);
    triggers_ = std::make_unique<Triggers>(db_, vtabError_);
    mirror_ = std::make_unique<SchemaMirror>(db_);
    store_->emit(EventKind::ConnectionOpen, this->id(), 0, 0, 0, 0, 0, this->name());
}

MvccConnection::~MvccConnection()
{
    statementEvents_.flush(); // a kept end goes before the close's events
    if (tx_) {
        store_->rollback(*tx_, RollbackReason::Close);
        tx_.reset();
    }
    clearStatements();
    declared_.clear();
    declaredViews_.clear();
    sqlite3_close_v2(db_);
    store_->emit(EventKind::ConnectionClose, id(), 0);
}

std::shared_ptr<mvcc::Table> MvccConnection::declaredTable(std::uint32_t tableId) const
{
    auto it = declared_.find(tableId);
    return it == declared_.end() ? nullptr : it->second;
}

TransactionState MvccConnection::transaction() const
{
    TransactionState s;
    if (!tx_) return s;
    s.active = true;
    s.mode = tx_->mode;
    s.txId = tx_->id;
    s.doomed = tx_->doomedBy.has_value();
    return s;
}

void MvccConnection::emit(EventKind kind, std::uint64_t txId, std::int64_t a, std::int64_t b,
                          std::string_view text, std::uint16_t detail)
{
    store_->emit(kind, id(), txId, 0, 0, a, b, text, detail);
}

Result MvccConnection::execute(std::string_view sql, const Params& params)
{
    Result result;
    const std::shared_ptr<const ParsedText> statements = parsedTexts_.parse(sql);
    for (const ParsedStatement& parsed : *statements) {
        Result one;
        if (auto error = runOne(sql.substr(parsed.offset, parsed.length), parsed.classified, params, one,
                                parsed.schemaRead ? &*parsed.schemaRead : nullptr, parsed.textId)) {
            result.error = std::move(error);
            return result;
        }
        if (!one.columns.empty()) {
            result.columns = std::move(one.columns);
            result.rows = std::move(one.rows);
        }
        result.changes = one.changes;
    }
    return result;
}

namespace {

// Whether the BEGIN `c` leaves its TxBegin to its statement's end (StatementEvents::end's
// `begun`): BEGIN, DEFERRED or CONCURRENT appends nothing after it, so a folding connection
// carries it with the kept end, one event fewer (StatementFold.h). BEGIN IMMEDIATE's lock
// events follow its TxBegin, which is appended at once.
bool leavesTxBeginToEnd(const TraceLog* trace, const Classified& c)
{
    return trace && c.kind == StatementKind::Begin && c.beginMode != TxMode::Immediate &&
           c.beginMode != TxMode::Exclusive && StatementEvents::holdsTxBegins();
}

} // namespace

std::optional<Error> MvccConnection::runOne(std::string_view statement, const Classified& c,
                                            const Params& params, Result& result,
                                            const SchemaRead* schemaRead, std::uint64_t textId)
{
    const std::uint64_t txId = tx_ ? tx_->id : 0;
    txBeginLeftToEnd_ = false; // set by this statement's BEGIN only, even if an earlier one threw
    clock_.begin();
    if (trace_) statementEvents_.begin(*trace_, id(), txId, statement, textId);

    std::optional<Error> error;
    if (tx_ && tx_->doomedBy && c.kind != StatementKind::Rollback) {
        // Say what ended it: a conflict (retry) or a COMMIT whose log write failed (a full disk:
        // not a conflict, and retrying will not help until there is room).
        const Error& cause = *tx_->doomedBy;
        if (cause.kind == ErrorKind::Conflict) {
            error = Error::conflict("transaction " + std::to_string(tx_->id) +
                                    " was doomed by a conflict and only accepts ROLLBACK (" + cause.message +
                                    ")");
        } else {
            error = cause;
            error->message = "transaction " + std::to_string(tx_->id) +
                             " was rolled back by an error and only accepts ROLLBACK (" + cause.message + ")";
        }
    } else if (schemaRead) {
        error = runSql(statement, params, result, schemaRead); // a SELECT or a schema pragma
    } else {
        switch (c.kind) {
        case StatementKind::Begin:
            error = begin(c);
            break;
        case StatementKind::Commit:
            error = commit();
            break;
        case StatementKind::Rollback:
            error = rollback();
            break;
        case StatementKind::Pragma:
            error = pragma(statement, c, params, result);
            break;
        case StatementKind::CreateTable:
            error = createTable(statement, c, params, result);
            break;
        case StatementKind::DropTable:
            error = dropTable(statement, c, params, result);
            break;
        case StatementKind::CreateIndex:
            error = createIndex(statement, c, params, result);
            break;
        case StatementKind::DropIndex:
            error = dropIndex(statement, c, params, result);
            break;
        case StatementKind::CreateView:
            error = createView(statement, c, params, result);
            break;
        case StatementKind::DropView:
            error = dropView(statement, c, params, result);
            break;
        case StatementKind::CreateTrigger:
            error = createTrigger(statement, c, params, result);
            break;
        case StatementKind::DropTrigger:
            error = dropTrigger(statement, c, params, result);
            break;
        case StatementKind::AlterTable:
            error = alterTable(statement, c, params, result);
            break;
        case StatementKind::Savepoint:
            error = savepoint(c);
            break;
        case StatementKind::Release:
            error = release(statement, c);
            break;
        case StatementKind::RollbackTo:
            error = rollbackTo(statement, c);
            break;
        case StatementKind::Unsupported:
            error = Error::notSupported(c.what + " are not supported by the MVCC engine yet");
            break;
        case StatementKind::Other:
            error = runSql(statement, params, result);
            break;
        }
    }
    if (!tx_) savepoints_.clear(); // the transaction ended (COMMIT, ROLLBACK, an error)
    if (trace_) {
        const std::uint64_t endTx = tx_ ? tx_->id : txId;
        // A view of the message, and a preview only for a statement that returned columns: no
        // string copied or made for the usual write (the log copies the text anyway).
        std::optional<std::string> preview;
        if (!error && !result.columns.empty()) preview = result.rowsPreview();
        // The transaction this BEGIN made, whose TxBegin the store left to the end.
        std::optional<BegunTransaction> begun;
        if (txBeginLeftToEnd_) {
            txBeginLeftToEnd_ = false;
            if (tx_) // always: nothing in a BEGIN ends the transaction it made
                begun = BegunTransaction{tx_->id, static_cast<std::int64_t>(tx_->mode),
                                         static_cast<std::int64_t>(tx_->beginTs)};
        }
        statementEvents_.end(*trace_, id(), endTx, error ? error->extendedCode : 0, result.changes,
                             error     ? std::string_view(error->message)
                             : preview ? std::string_view(*preview)
                                       : std::string_view(),
                             error ? kindDetail(*error) : 0, begun ? &*begun : nullptr);
    }
    return error;
}

// ---------------------------------------------------------------- transactions

std::optional<Error> MvccConnection::begin(const Classified& c)
{
    if (tx_) return Error::misuse("cannot start a transaction within a transaction");
    if (auto error = syncSchema()) return error; // the schema the transaction starts with
    const bool leaveTxBegin = leavesTxBeginToEnd(trace_, c);
    tx_ = store_->begin(c.beginMode, id(), true, isolation_ == Isolation::Serializable, !leaveTxBegin);
    txBeginLeftToEnd_ = leaveTxBegin;
    if (c.beginMode == TxMode::Immediate || c.beginMode == TxMode::Exclusive) {
        auto error = store_->acquireExclusive(
            *tx_, [this](int n) { return waitForLock(n); }, true);
        if (error) {
            store_->rollback(*tx_, RollbackReason::Busy);
            tx_.reset();
            return error;
        }
    }
    return std::nullopt;
}

std::optional<Error> MvccConnection::commit()
{
    if (!tx_) return Error::misuse("cannot commit - no transaction is active");
    if (auto error = checkDeferredForeignKeys()) return error; // the transaction stays open
    tx_->synchronous = static_cast<std::uint8_t>(std::stoi(synchronous_));
    // A commit refused by an exclusive transaction waits like SQLite's COMMIT does for its
    // lock: through the busy handler, within busy_timeout. The transaction stays open
    // throughout, so a COMMIT that still fails can be retried.
    for (int count = 0;; ++count) {
        auto error = store_->commit(*tx_);
        if (!error) break;
        // Committed with an error: the log could not be synced; the transaction is over all
        // the same. A conflict or failed log write dooms it.
        if (tx_->loadState() == TxState::Committed) {
            tx_.reset();
            return error;
        }
        if (error->kind != ErrorKind::Busy || tx_->doomedBy || !waitForLock(count)) return error;
    }
    tx_.reset();
    return std::nullopt;
}

std::optional<Error> MvccConnection::rollback()
{
    if (!tx_) return Error::misuse("cannot rollback - no transaction is active");
    if (tx_->loadState() == TxState::Aborted) {
        // Doomed earlier: its writes are already undone; this is where the user ends it.
        emit(EventKind::TxRollback, tx_->id, static_cast<std::int64_t>(RollbackReason::Conflict));
    } else {
        store_->rollback(*tx_, RollbackReason::User);
    }
    tx_.reset();
    return std::nullopt;
}

// SQLite's default busy handler schedule (sqliteDefaultBusyCallback), bounded by busy_timeout.
// Every call is recorded before any sleep, as SqliteConnection does: a = count, b = the
// microseconds it will sleep, detail = 1 when it gives up (the statement then fails with BUSY).
bool MvccConnection::waitForLock(int count)
{
    const std::uint64_t txId = tx_ ? tx_->id : 0;
    const auto giveUp = [&] {
        emit(EventKind::BusyHandlerCall, txId, count, 0, {}, 1);
        return false;
    };
    if (clock_.shouldStop()) return giveUp(); // stopped or out of time: give up the wait
    if (busyHandler_) {
        const bool again = busyHandler_(count);
        emit(EventKind::BusyHandlerCall, txId, count, 0, {}, again ? 0 : 1);
        return again;
    }
    const int delay = busyDelayMs(count, busyTimeoutMs_);
    if (delay <= 0) return giveUp();
    emit(EventKind::BusyHandlerCall, txId, count, static_cast<std::int64_t>(delay) * 1000);
    // In slices, so Stop and statement_timeout end a wait of up to 100 ms within 10 ms.
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(delay);
    while (std::chrono::steady_clock::now() < until) {
        if (clock_.shouldStop()) return false;
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
            std::chrono::milliseconds(10), until - std::chrono::steady_clock::now()));
    }
    return true;
}

// ---------------------------------------------------------------- statements SQLite runs

void MvccConnection::clearStatements()
{
    statements_.clear(); // finalizes each statement and its plan's
    once_ = {};
    onceText_.clear();
    if (foreignKeys_) foreignKeys_->reset();
    if (triggers_) triggers_->clearStatements();
}

namespace {

// Whether `statement` is an INSERT OR ABORT or UPDATE OR ABORT (not behind a WITH clause, where
// the constraints' own clauses then win: docs/engine.md).
bool namesOrAbort(std::string_view statement)
{
    // Three bare words, read without allocating (this runs for every statement not yet prepared).
    std::string_view words[3];
    for (std::size_t i = 0, at = 0; i < 3; ++i) {
        const SqlToken t = nextSqlToken(statement, at);
        if (t.kind != SqlToken::Kind::Word) return false;
        words[i] = t.text(statement);
        at = t.end();
    }
    return (sqlutil::wordIs(words[0], "INSERT") || sqlutil::wordIs(words[0], "UPDATE")) &&
           sqlutil::wordIs(words[1], "OR") && sqlutil::wordIs(words[2], "ABORT");
}

} // namespace

// once_ into statements_.
auto MvccConnection::keepStatement() -> decltype(statements_)::iterator
{
    Prepared kept = std::move(once_);
    std::string text = std::move(onceText_);
    once_ = {};
    onceText_.clear();
    return keep(std::move(text), std::move(kept));
}

// Bounded: scripts with literal values that repeat would otherwise grow the cache without end.
// A sweep keeps what is in use: a loop's texts, run from the cache between two sweeps, stay
// however many literal texts come and go (each kept at its second run, then never run again).
// A running statement is never finalized under its caller (one run from inside another's step).
auto MvccConnection::keep(std::string text, Prepared prepared) -> decltype(statements_)::iterator
{
    if (statements_.size() >= kMaxKept) {
        const auto idle = [](const auto& entry) { return !sqlite3_stmt_busy(entry.second.stmt.get()); };
        std::erase_if(statements_,
                      [&](const auto& entry) { return idle(entry) && !entry.second.usedSinceSweep; });
        if (statements_.size() >= kMaxKept) std::erase_if(statements_, idle);
        for (auto& entry : statements_)
            entry.second.usedSinceSweep = false;
    }
    return statements_.emplace(std::move(text), std::move(prepared)).first;
}

sqlite3_stmt* MvccConnection::prepareCached(std::string_view statement, Error& error, UpsertPlan*& plan,
                                            bool& namesAbort)
{
    auto found = statements_.find(statement);
    if (found == statements_.end() && once_.stmt && onceText_ == statement) {
        // Its second run: kept from now on.
        found = keepStatement();
    }
    if (found != statements_.end()) {
        found->second.usedSinceSweep = true;
        plan = found->second.plan.get();
        namesAbort = found->second.namesAbort;
        return found->second.stmt.get();
    }
    plan = nullptr;
    // The tables as this connection declared them (a transaction keeps the schema it began with).
    auto tableOf = [this](const std::string& name) -> const mvcc::Table* {
        for (const auto& [tableId, table] : declared_)
            if (sqlite3_stricmp(table->name().c_str(), name.c_str()) == 0) return table.get();
        return nullptr;
    };
    auto schemaOf = [&](const std::string& name) -> const mvcc::TableSchema* {
        const mvcc::Table* table = tableOf(name);
        return table ? &table->schema() : nullptr;
    };
    // SQLite refuses ON CONFLICT on virtual tables: the clause comes off here and the virtual
    // table carries it out (Upsert.h). What remains gets its omitted defaults (InsertDefaults.h).
    std::optional<Error> planError;
    auto upsert = planUpsert(statement, schemaOf, planError);
    if (planError) {
        error = *planError;
        return nullptr;
    }
    const std::string_view base = upsert ? std::string_view(upsert->insertSql) : statement;
    const auto rewritten = insertWithDefaults(base, schemaOf);
    const std::string sql = rewritten ? *rewritten : std::string(base);
    sqlutil::StatementHandle stmt;
    const int rc = sqlutil::prepare(db_, sql, stmt, nullptr, SQLITE_PREPARE_PERSISTENT);
    if (rc != SQLITE_OK || !stmt) {
        error = Error::fromSqlite(rc == SQLITE_OK ? SQLITE_MISUSE : sqlite3_extended_errcode(db_),
                                  rc == SQLITE_OK ? "empty statement" : sqlite3_errmsg(db_));
        return nullptr;
    }
    std::unique_ptr<UpsertPlan> ownPlan;
    if (upsert) {
        const mvcc::TableSchema* schema = schemaOf(upsert->table);
        if (!targetsAConstraint(*tableOf(schema->name), upsert->targetColumns)) {
            error = Error::syntax("ON CONFLICT clause does not match any PRIMARY KEY or UNIQUE constraint");
            return nullptr;
        }
        ownPlan = UpsertPlan::prepare(db_, std::move(*upsert), *schema, error);
        if (!ownPlan) return nullptr;
    }
    plan = ownPlan.get();
    sqlite3_stmt* const raw = stmt.get();
    // Read once here, not per run: lexing even three tokens per statement cost a tenth of a
    // runner insert transaction.
    namesAbort = namesOrAbort(statement);
    ++statementsPrepared_;
    Prepared prepared{std::move(stmt), std::move(ownPlan), namesAbort};
    const std::size_t hash = std::hash<std::string_view>{}(statement);
    if (seenOnce_.erase(hash) > 0) { // it ran before and was let go: it comes back, so keep it
        keep(std::string(statement), std::move(prepared));
        return raw;
    }
    if (once_.stmt) {
        // A running statement is never finalized under its caller: one that would be replaced
        // while it runs (a statement run from inside another's step) is kept instead.
        if (sqlite3_stmt_busy(once_.stmt.get())) {
            keepStatement();
        } else {
            if (seenOnce_.size() >= kMaxSeenOnce) seenOnce_.clear();
            seenOnce_.insert(std::hash<std::string_view>{}(onceText_));
        }
    }
    once_ = std::move(prepared);
    onceText_.assign(statement);
    return raw;
}

std::optional<Error> MvccConnection::runSql(std::string_view text, const Params& params, Result& result,
                                            const SchemaRead* schemaRead)
{
    const std::string_view statement = schemaRead ? std::string_view(schemaRead->sql) : text;
    // A transaction keeps the schema it started with, as in Turso: DDL another connection commits
    // meanwhile (an ALTER TABLE, a new table) shows from its next transaction on; the old tables it
    // keeps reading hold its snapshot, and its writes fail at COMMIT with the schema conflict.
    if (!tx_ || tx_->statementsRun == 0)
        if (auto error = syncSchema()) return error;
    if (schemaRead) [[unlikely]]
        if (auto error = readSchemaMirror(*schemaRead)) return error;
    Error prepareError;
    UpsertPlan* plan = nullptr;
    bool namesAbort = false;
    sqlite3_stmt* stmt = prepareCached(statement, prepareError, plan, namesAbort);
    if (!stmt) return prepareError;
    const bool writes = !sqlite3_stmt_readonly(stmt);
    // The mirror's sqlite_sequence is filled from the store's allocator: a write to it would be lost.
    if (schemaRead && writes && schemaRead->sequence) [[unlikely]]
        return Error::notSupported(
            "sqlite_sequence cannot be written on an MVCC connection (the engine keeps "
            "the AUTOINCREMENT counters itself; docs/engine.md)");

    std::unique_ptr<Transaction> implicit;
    Transaction* tx = tx_.get();
    auto wait = [this](int n) { return waitForLock(n); };
    if (tx) {
        // A deferred transaction becomes the exclusive writer at its first write, as a
        // SQLite deferred transaction takes RESERVED at its first write.
        if (writes && tx->mode == TxMode::Deferred && !tx->holdsExclusive) {
            // One that has already read gets BUSY at once, as in SQLite's WAL mode: by the time
            // the holder commits, its snapshot would be stale, so waiting cannot help.
            const bool fresh = tx->statementsRun == 0;
            if (auto error = store_->acquireExclusive(*tx, fresh ? wait : std::function<bool(int)>{}, fresh))
                return error;
        }
    } else {
        implicit = store_->begin(TxMode::None, id(), false, isolation_ == Isolation::Serializable);
        tx = implicit.get();
        if (writes) {
            if (auto error = store_->acquireExclusive(*tx, wait, true)) {
                store_->rollback(*tx, RollbackReason::Busy);
                return error;
            }
        }
    }
    if (tx->statementsRun == 0 && tx->schemaVersion != syncedSchemaVersion_) {
        // DDL committed between the catalog sync and this statement's snapshot: plan against the
        // catalog the snapshot has (a table it would write may have been replaced).
        if (auto error = syncSchema()) {
            if (implicit) store_->rollback(*implicit, RollbackReason::StatementError);
            return error;
        }
        if (schemaRead)
            if (auto error = readSchemaMirror(*schemaRead)) {
                if (implicit) store_->rollback(*implicit, RollbackReason::StatementError);
                return error;
            }
        if (!(stmt = prepareCached(statement, prepareError, plan, namesAbort))) {
            if (implicit) store_->rollback(*implicit, RollbackReason::StatementError);
            return prepareError;
        }
    }
    ++tx->statementsRun;
    const std::size_t mark = tx->writes.size();
    statementTx_ = tx;
    statementPlan_ = plan;
    if (plan) plan->reset();
    vtabError_.reset();
    statementNamesAbort_ = namesAbort;
    failedUnder_ = mvcc::Resolution::Default;
    foreignKeys_->beginStatement();
    triggers_->beginStatement();
    bindParams(stmt, params);
    int rc;
    bool first = true;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (first) {
            result.columns.clear();
            for (int i = 0, n = sqlite3_column_count(stmt); i < n; ++i)
                result.columns.push_back(sqlite3_column_name(stmt, i));
            first = false;
        }
        Row row;
        for (int i = 0, n = sqlite3_column_count(stmt); i < n; ++i)
            row.push_back(columnValue(stmt, i));
        result.rows.push_back(std::move(row));
    }
    if (first && sqlite3_column_count(stmt) > 0) {
        result.columns.clear();
        for (int i = 0, n = sqlite3_column_count(stmt); i < n; ++i)
            result.columns.push_back(sqlite3_column_name(stmt, i));
    }
    std::optional<Error> error;
    if (rc != SQLITE_DONE) {
        const int code = sqlite3_extended_errcode(db_);
        error = vtabError_                          ? *vtabError_
                : (code & 0xff) == SQLITE_INTERRUPT ? Error::fromSqlite(code, clock_.interruptMessage())
                                                    : Error::fromSqlite(code, sqlite3_errmsg(db_));
        result.rows.clear();
    } else if (plan) {
        // SQLite counts every row it handed to the virtual table; the plan knows which were written.
        result.changes = plan->changes();
        if (plan->returns()) {
            result.columns = plan->returningColumns();
            result.rows = std::move(plan->returnedRows());
        }
    } else {
        result.changes = writes ? sqlite3_changes64(db_) : 0;
    }
    if (!error && writes) {
        // Foreign keys at the statement's end (their actions are statements of their own: no
        // upsert plan applies to them).
        statementPlan_ = nullptr;
        error = foreignKeys_->afterStatement(*store_, *tx, mark, declared_, implicit != nullptr);
        if (error) result = Result{};
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    statementTx_ = nullptr;
    statementPlan_ = nullptr;
    vtabError_.reset();

    if (error) {
        // A failed statement leaves no trace of its writes (SQLite's statement rollback);
        // a conflict has already undone the whole transaction. A trigger's RAISE(FAIL) keeps
        // the rows written before it (committed, in autocommit); RAISE(ROLLBACK) ends the
        // transaction. So do a constraint's FAIL and ROLLBACK resolutions (the statement's OR
        // clause or the constraint's own ON CONFLICT).
        const auto raised = triggers_->raised();
        const bool fail = raised == Triggers::Raised::Fail || failedUnder_ == mvcc::Resolution::Fail;
        const bool rollback =
            raised == Triggers::Raised::Rollback || failedUnder_ == mvcc::Resolution::Rollback;
        if (fail && tx->loadState() == TxState::Active) {
            if (implicit) store_->commit(*implicit);
            return error;
        }
        if (tx->loadState() == TxState::Active) store_->undoTo(*tx, mark);
        if (implicit) store_->rollback(*implicit, RollbackReason::StatementError);
        if (rollback && !implicit && tx_) {
            if (tx_->loadState() == TxState::Active) store_->rollback(*tx_, RollbackReason::StatementError);
            tx_.reset();
        }
        return error;
    }
    if (implicit) {
        implicit->synchronous = static_cast<std::uint8_t>(std::stoi(synchronous_));
        if (auto commitError = store_->commit(*implicit)) return commitError;
    }
    return std::nullopt;
}

// ---------------------------------------------------------------- schema

std::optional<Error> MvccConnection::execPrivate(const std::string& sql)
{
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) == SQLITE_OK) return std::nullopt;
    Error e = Error::fromSqlite(sqlite3_extended_errcode(db_), message ? message : "error");
    sqlite3_free(message);
    return e;
}

// Makes the private handle's virtual tables match the store's catalog, which other
// connections may have changed since this connection's last statement.
std::optional<Error> MvccConnection::syncSchema()
{
    // Its own catalog while its transaction has DDL pending, the committed one otherwise.
    const std::uint64_t version = store_->catalogVersion(id());
    if (version == syncedSchemaVersion_) return std::nullopt;
    const auto tables = store_->tables(id());
    // Cached statements were planned with the old indexes (an index may be gone).
    clearStatements();
    std::map<std::uint32_t, std::shared_ptr<mvcc::Table>> current;
    for (const auto& t : tables)
        current[t->id()] = t;
    for (auto it = declared_.begin(); it != declared_.end();) {
        if (current.count(it->first)) {
            ++it;
            continue;
        }
        // Finalize cached statements first: they may hold the table being dropped.
        clearStatements();
        if (auto error = execPrivate("DROP TABLE main." + quoteIdentifier(it->second->name()))) return error;
        if (auto error = dropRowMirror(db_, it->first)) return error;
        it = declared_.erase(it);
    }
    for (const auto& [tableId, table] : current) {
        if (declared_.count(tableId)) continue;
        declared_[tableId] = table;
        if (auto error = execPrivate("CREATE VIRTUAL TABLE main." + quoteIdentifier(table->name()) +
                                     " USING txscope_mvcc(" + std::to_string(tableId) + ")")) {
            declared_.erase(tableId);
            return error;
        }
        if (auto error = createRowMirror(db_, tableId, table->schema())) return error;
    }
    auto views = store_->views(id());
    if (auto error = syncViews(views)) return error;
    auto triggers = store_->triggers(id());
    if (auto error = triggers_->sync(triggers, declared_)) return error;
    syncedViews_ = std::move(views);
    syncedTriggers_ = std::move(triggers);
    syncedSchemaVersion_ = version;
    return std::nullopt;
}

std::optional<Error> MvccConnection::readSchemaMirror(const SchemaRead& read)
{
    if (mirrorVersion_ != syncedSchemaVersion_) {
        if (auto error = mirror_->rebuild(declared_, syncedViews_, syncedTriggers_)) return error;
        mirrorVersion_ = syncedSchemaVersion_;
    }
    return read.sequence ? mirror_->fillSequence(declared_) : std::nullopt;
}

std::optional<Error> MvccConnection::createTable(std::string_view statement, const Classified& c,
                                                 const Params& params, Result& result)
{
    if (c.temp) return runSql(statement, params, result); // connection-private, plain SQLite
    if (c.asSelect) return createTableAsSelect(statement, c, params);
    Error error;
    auto schema = readTableSchema(statement, error);
    if (!schema) return error;
    if (auto e = asExclusiveWriter([&] {
            std::optional<Error> createError;
            store_->createTable(std::move(*schema), c.ifExists, id(), createError);
            return createError;
        }))
        return e;
    return syncSchema();
}

// Runs `ddl` as Turso runs DDL: as a one-statement exclusive transaction, so it waits (busy
// handler) for a BEGIN IMMEDIATE or a preparing commit, and no commit can prepare meanwhile —
// every commit therefore sees a DDL statement entirely before or entirely after itself.
// Inside BEGIN ... COMMIT it makes the transaction the exclusive writer until it ends, with a
// catalog of its own (MvccStore::beginTxDdl): others read the committed one, and their writes
// get BUSY meanwhile, as in Turso.
std::optional<Error> MvccConnection::asExclusiveWriter(const std::function<std::optional<Error>()>& ddl)
{
    if (tx_) {
        if (auto error = enterTransactionDdl()) return error;
        // A statement is atomic: DDL it made before failing (a DROP TABLE's triggers) goes.
        const std::size_t mark = store_->ddlMark(*tx_);
        auto error = ddl();
        if (error) store_->rollbackDdlTo(*tx_, mark);
        return error;
    }
    auto tx = store_->begin(TxMode::None, id(), false);
    tx->ddl = true;
    if (auto error = store_->acquireExclusive(
            *tx, [this](int n) { return waitForLock(n); }, true)) {
        store_->rollback(*tx, RollbackReason::Busy, false);
        return error;
    }
    auto error = ddl();
    store_->commit(*tx); // writes no rows: only gives the slot back
    return error;
}

std::optional<Error> MvccConnection::enterTransactionDdl()
{
    // Turso's refusal, word for word: a concurrent transaction is not the exclusive writer.
    if (tx_->mode == TxMode::Concurrent)
        return Error::misuse("DDL statements require an exclusive transaction (use BEGIN instead of BEGIN "
                             "CONCURRENT)");
    const bool fresh = tx_->statementsRun == 0;
    if (!tx_->holdsExclusive) {
        // As a deferred transaction's first write: one that has already read gets BUSY at once
        // when another commit came since (its snapshot cannot become the writer's).
        if (auto error = store_->acquireExclusive(
                *tx_, fresh ? std::function<bool(int)>([this](int n) { return waitForLock(n); }) : nullptr,
                fresh))
            return error;
    }
    if (fresh) {
        // The snapshot is fixed from here on: declare the catalog it has before changing it.
        if (auto error = syncSchema()) return error;
        ++tx_->statementsRun;
    }
    store_->beginTxDdl(*tx_);
    return std::nullopt;
}

std::optional<Error> MvccConnection::dropTable(std::string_view statement, const Classified& c,
                                               const Params& params, Result& result)
{
    // Not an MVCC table: a temp table of this connection, or SQLite's "no such table".
    if (c.temp || !store_->table(c.name, id())) return runSql(statement, params, result);
    if (auto error = asExclusiveWriter([&] {
            if (auto triggerError = dropTriggersOf(c.name)) return triggerError; // they go with it
            return store_->dropTable(c.name, c.ifExists, id());
        }))
        return error;
    return syncSchema();
}

std::optional<Error> MvccConnection::pragma(std::string_view statement, const Classified& c,
                                            const Params& params, Result& result)
{
    if (c.name == "journal_mode") {
        if (!c.pragmaValue.empty()) {
            auto mode = parseJournalMode(c.pragmaValue);
            if (!mode) return Error::syntax("unknown journal mode: " + c.pragmaValue);
            if (*mode != JournalMode::Mvcc)
                return Error::notSupported(
                    std::string("this database runs on the MVCC engine; switching it to "
                                "journal mode '") +
                    journalModeName(*mode) + "' is not supported (open it in that mode)");
        }
        result = singleValue("journal_mode", Value("mvcc"));
        return std::nullopt;
    }
    if (c.name == "isolation") {
        // TxScope's own pragma (Turso has none): the level of the transactions this connection
        // begins from now on; one already open keeps the level it began with.
        if (!c.pragmaValue.empty()) {
            auto level = parseIsolation(c.pragmaValue);
            if (!level)
                return Error::syntax("unknown isolation level: " + c.pragmaValue +
                                     " (use snapshot or serializable)");
            isolation_ = *level;
        }
        result = singleValue("isolation", Value(isolationName(isolation_)));
        return std::nullopt;
    }
    if (c.name == "foreign_keys" || c.name == "recursive_triggers") return enforcementPragma(c, result);
    if (c.name == "busy_timeout") {
        if (!c.pragmaValue.empty())
            setBusyTimeout(static_cast<int>(std::strtol(c.pragmaValue.c_str(), nullptr, 10)));
        result = singleValue("timeout", Value(static_cast<std::int64_t>(busyTimeoutMs_)));
        return std::nullopt;
    }
    if (auto* durability = store_->durability()) {
        if (c.name == "wal_checkpoint") {
            // The MVCC checkpoint (every mode alike): busy | log bytes before | rows written.
            mvcc::CheckpointResult done;
            if (auto error = durability->checkpoint(done)) return error;
            result.columns = {"busy", "log", "checkpointed"};
            result.rows = {{Value(0), Value(static_cast<std::int64_t>(done.logBytesBefore)),
                            Value(static_cast<std::int64_t>(done.rowsWritten))}};
            return std::nullopt;
        }
        if (c.name == "mvcc_checkpoint_threshold") {
            if (!c.pragmaValue.empty()) {
                const long long bytes = std::strtoll(c.pragmaValue.c_str(), nullptr, 10);
                durability->setCheckpointThreshold(bytes > 0 ? static_cast<std::uint64_t>(bytes) : 0);
            }
            result = singleValue("mvcc_checkpoint_threshold",
                                 Value(static_cast<std::int64_t>(durability->checkpointThreshold())));
            return std::nullopt;
        }
    }
    if (c.name == "synchronous") {
        // Per connection, applied to each commit: FULL/EXTRA sync the log before COMMIT returns
        // (group commit), NORMAL/OFF leave the frame to the OS. In memory nothing is synced.
        if (!c.pragmaValue.empty()) {
            static const std::map<std::string, std::string> names = {
                {"0", "0"},   {"1", "1"},      {"2", "2"},    {"3", "3"},
                {"OFF", "0"}, {"NORMAL", "1"}, {"FULL", "2"}, {"EXTRA", "3"}};
            std::string v;
            for (char ch : c.pragmaValue)
                v += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
            auto it = names.find(v);
            if (it != names.end()) synchronous_ = it->second;
            return std::nullopt;
        }
        result = singleValue("synchronous", Value(static_cast<std::int64_t>(std::stoi(synchronous_))));
        return std::nullopt;
    }
    return runSql(statement, params, result);
}

} // namespace txs::sql
