#pragma once
// What a statement does to the transaction, for the SQLite backend, read from tokens of the
// engine's one lexer (engine/api/SqlLexer, which also says where a statement ends) before
// SQLite's own parser sees it. Everything else is left to SQLite.

#include "engine/api/Connection.h"
#include "engine/api/SqlLexer.h" // skipSpaceAndComments, firstStatementLength

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
    JournalMode, // PRAGMA [main.]journal_mode = X | (X): SQLite runs it; its answer is traced
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

StatementInfo classifyStatement(std::string_view statement);

// The statement as it is shown in the trace: without surrounding whitespace and final ';'.
std::string displayText(std::string_view statement);

} // namespace txs::sqlite
