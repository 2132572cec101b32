#pragma once
// One connection to real SQLite (system libsqlite3), opened through the tracing VFS.
//
// What it adds to SQLite, all recorded in the trace log:
// - statements: StatementBegin/End around every statement of execute()'s text, Busy for every
//   SQLITE_BUSY* result;
// - transactions: TxBegin/TxCommit/TxRollback, found by comparing sqlite3_get_autocommit before
//   and after each statement (so an implicit rollback after an error counts too);
// - its own busy handler, which records every call and, unless a BusyHandler replaced the
//   policy, sleeps exactly like SQLite's busy-timeout handler. PRAGMA busy_timeout is answered
//   by the connection (SQLite's would replace the handler with its untraced default);
// - BEGIN CONCURRENT, a syntax error in stock SQLite, runs as BEGIN DEFERRED with a Note.

#include "engine/api/Connection.h"
#include "engine/api/Error.h"
#include "engine/sqlite/StatementCache.h"
#include "engine/trace/Event.h"
#include "engine/trace/StatementFold.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

struct sqlite3;

namespace txs::sqlite {

struct SqliteShared;
class LockTracer;

class SqliteConnection final : public Connection
{
public:
    // Opens the connection; a failure is kept and returned by every execute() (see openError()).
    SqliteConnection(std::shared_ptr<SqliteShared> shared, std::uint32_t id, std::string name);
    ~SqliteConnection() override;

    Result execute(std::string_view sql, const Params& params = {}) override;
    TransactionState transaction() const override;
    void setBusyHandler(BusyHandler handler) override;
    void setBusyTimeout(int milliseconds) override;
    int busyTimeout() const override { return busyTimeoutMs_; }
    void setStatementLimits(StatementLimits limits) override { clock_.setLimits(std::move(limits)); }

    const std::optional<Error>& openError() const { return openError_; }
    // Runs `sql` on the raw handle without tracing (the connection's own set-up).
    std::optional<Error> runUntraced(const char* sql);

private:
    static int onBusy(void* self, int count);
    bool busyCalled(int count);

    // Prepares the statement `fresh` describes at the start of `rest` (the text from its first
    // token on) and caches it. Null with `error` set when preparing fails, null without error
    // when there is nothing to run.
    CachedStatement* statementAt(std::string_view rest, CachedStatement& fresh, std::optional<Error>& error);
    // Runs one statement: binds, steps, collects rows into `result`, records tx transitions.
    std::optional<Error> run(CachedStatement& st, const Params& params, Result& result);
    // Records the transaction events for a statement that moved autocommit from `wasAutocommit`.
    void trackTransaction(const StatementInfo& info, bool wasAutocommit, const std::optional<Error>& error);
    Error lastError(int rc) const;
    // After a PRAGMA journal_mode = X that ran: traces a change of the database's mode.
    void noteJournalMode(const Result& answer);

    void emit(EventKind kind, std::int64_t a = 0, std::int64_t b = 0, std::string_view text = {},
              std::uint16_t detail = 0);
    void setCurrentTx(std::uint64_t txId);

    std::shared_ptr<SqliteShared> shared_;
    StatementEvents statementEvents_; // StatementBegin / StatementEnd, with the fold
    sqlite3* db_ = nullptr;
    LockTracer* tracer_ = nullptr; // owned by the VFS file of db_
    std::optional<Error> openError_;
    std::string pendingSetup_; // SQL to run before the first statement (see the constructor)
    StatementCache cache_;

    BusyHandler handler_;
    int busyTimeoutMs_ = 0;
    StatementClock clock_; // Stop and statement_timeout, checked by the progress and busy handlers

    TransactionState tx_;
    std::uint64_t currentTxId_ = 0;   // the transaction events are attributed to right now
    std::int64_t txStartChanges_ = 0; // sqlite3_total_changes64 at TxBegin
};

} // namespace txs::sqlite
