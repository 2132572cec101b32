#pragma once
// Just enough lexing of SQL text for the SQLite backend to know where a statement ends and
// what it does to the transaction, before SQLite's own parser sees it. Everything else is
// left to SQLite.

#include "engine/api/Connection.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace txs::sqlite {

// What a statement means for transaction tracking and for the backend's own handling.
enum class StatementKind {
    Other,
    Begin,       // BEGIN [DEFERRED|IMMEDIATE|EXCLUSIVE|CONCURRENT] [TRANSACTION ...]
    Commit,      // COMMIT / END
    Rollback,    // ROLLBACK (but not ROLLBACK TO, which keeps the transaction)
    Savepoint,   // SAVEPOINT: opens a transaction when none is open
    Release,     // RELEASE: may end the transaction
    BusyTimeout, // PRAGMA [main.]busy_timeout [= N | (N)]: handled by the engine, see SqliteConnection
};

struct StatementInfo
{
    StatementKind kind = StatementKind::Other;
    TxMode beginMode = TxMode::None; // for Begin: the mode written (Deferred when none)
    // For BEGIN CONCURRENT: offset just past the word CONCURRENT, so the statement can run as
    // "BEGIN DEFERRED" + the rest.
    std::optional<std::size_t> concurrentEnd;
    std::optional<int> busyTimeout; // for BusyTimeout with a value
};

// Offset of the first character that is neither whitespace nor inside a -- or /* */ comment.
std::size_t skipSpaceAndComments(std::string_view sql, std::size_t from = 0);

// Length of the first statement of `sql`: up to and including the ';' after which the text so
// far is a complete SQL statement (sqlite3_complete, which knows CREATE TRIGGER ... END;), or
// the whole text when no such ';' exists.
std::size_t firstStatementLength(std::string_view sql);

StatementInfo classifyStatement(std::string_view statement);

// The statement as it is shown in the trace: without surrounding whitespace and final ';'.
std::string displayText(std::string_view statement);

} // namespace txs::sqlite
