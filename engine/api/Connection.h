#pragma once
// One connection to a Database. A connection is used by one thread at a time (like a SQLite
// connection opened with SQLITE_OPEN_NOMUTEX); different connections run in parallel.

#include "engine/api/Result.h"
#include "engine/api/StatementLimits.h"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace txs {

enum class TxMode { None, Deferred, Immediate, Exclusive, Concurrent };
const char* txModeName(TxMode mode);

struct TransactionState
{
    bool active = false; // inside BEGIN ... COMMIT/ROLLBACK
    TxMode mode = TxMode::None;
    std::uint64_t txId = 0; // 0 when no transaction
    bool doomed = false;    // a conflict happened: only ROLLBACK is accepted
};

// Called when a statement would wait for a lock; `count` is the number of earlier calls for the
// same wait. Return true to wait and try again, false to give up with SQLITE_BUSY. Without a
// handler the connection's busy_timeout decides, with SQLite's own sleeping schedule.
using BusyHandler = std::function<bool(int count)>;

class Connection
{
public:
    virtual ~Connection() = default;

    // Runs every statement of `sql` in order, stopping at the first error. `params` bind to the
    // `?` / `?NNN` parameters of each statement. Rows are those of the last statement that
    // returned rows. Prepared statements are cached per connection, keyed by SQL text.
    virtual Result execute(std::string_view sql, const Params& params = {}) = 0;

    virtual TransactionState transaction() const = 0;
    virtual void setBusyHandler(BusyHandler handler) = 0;
    virtual void setBusyTimeout(int milliseconds) = 0;
    // The connection's own busy_timeout (ms): the last setBusyTimeout or PRAGMA busy_timeout.
    // Kept even while a BusyHandler replaces the waiting, so a caller that drives waits itself
    // (the step runner, in virtual time) waits exactly as long as this connection would.
    virtual int busyTimeout() const = 0;
    // Stop and statement_timeout: see StatementLimits.h. A statement they end fails with
    // SQLITE_INTERRUPT and a message saying which of them it was.
    virtual void setStatementLimits(StatementLimits limits) = 0;

    std::uint32_t id() const { return id_; }
    const std::string& name() const { return name_; }

protected:
    Connection(std::uint32_t id, std::string name) : id_(id), name_(std::move(name)) {}

private:
    std::uint32_t id_;
    std::string name_;
};

} // namespace txs
