#pragma once
// Recognises the statements the MVCC engine handles itself (transactions, DDL, some PRAGMAs)
// before the rest goes to SQLite, from tokens of the engine's one lexer (engine/api/SqlLexer,
// which also splits scripts into statements). SQLite itself parses everything else.

#include "engine/api/Connection.h"
#include "engine/api/SqlLexer.h"

#include <string>
#include <string_view>
#include <vector>

namespace txs::sqlutil {

struct Token
{
    enum class Type { Word, String, Number, Punct } type;
    std::string text; // words upper-cased unless quoted; quoted identifiers unquoted
    bool quoted = false;
    std::size_t offset = 0; // where the token starts in the statement
    std::size_t length = 0; // its length there, quotes included
};

// The first `max` tokens of a statement, skipping blanks and comments.
std::vector<Token> leadingTokens(std::string_view statement, std::size_t max);

// The statement's first token as written if it is a bare word (empty otherwise), and whether a
// word is `upper` (given upper-case) in any case. Allocate nothing: the prepared-statement cache
// asks them of every new statement (is it an INSERT, an UPDATE?) before lexing any further.
std::string_view firstWord(std::string_view statement);
bool wordIs(std::string_view word, std::string_view upper);
inline bool firstWordIs(std::string_view statement, std::string_view upper)
{
    return wordIs(firstWord(statement), upper);
}

enum class StatementKind {
    Begin,
    Commit,
    Rollback,
    Pragma,
    CreateTable,
    CreateIndex, // CREATE [UNIQUE] INDEX: name is the index's
    DropIndex,
    DropTable,
    CreateView, // CREATE [TEMP] VIEW: name is the view's
    DropView,
    CreateTrigger, // CREATE [TEMP] TRIGGER: name is the trigger's
    DropTrigger,
    AlterTable,  // ALTER TABLE [schema.]name ...: name is the table's
    Savepoint,   // SAVEPOINT name
    Release,     // RELEASE [SAVEPOINT] name
    RollbackTo,  // ROLLBACK [TRANSACTION] TO [SAVEPOINT] name
    Unsupported, // valid SQL the MVCC engine does not support yet; `what` names it
    Other,       // everything SQLite runs itself: SELECT, INSERT, UPDATE, DELETE, WITH, ...
};

struct Classified
{
    StatementKind kind = StatementKind::Other;
    TxMode beginMode = TxMode::Deferred;
    bool temp = false;       // CREATE TEMP TABLE / DROP TABLE temp.x
    bool ifExists = false;   // IF NOT EXISTS (create) / IF EXISTS (drop)
    std::string name;        // table, index, view or pragma name
    std::string pragmaValue; // PRAGMA x = value / PRAGMA x(value); empty when reading
    std::string what;        // for Unsupported
    bool asSelect = false;   // CREATE TABLE ... AS SELECT
};

Classified classify(std::string_view statement);

} // namespace txs::sqlutil
