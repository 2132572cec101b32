#pragma once
// Cuts the SQL of a block or a step into statements, line by line.
//
// Tokens come from the engine's one SQL lexer (engine/api/SqlLexer), so ';' ends a statement
// only outside 'strings', "identifiers", `identifiers`, [identifiers], -- comments and /* comments
// */, and only where sqlite3_complete() says the statement is whole (inside CREATE TRIGGER only
// after END). Quotes and block comments may span lines. A statement that starts with the word `sleep` is a
// sleep; its ';' is optional. A `-- expect: X` comment belongs to the statement whose ';' is on the same line
// before it.

#include "engine/workload/ParseError.h"
#include "engine/workload/Workload.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace txs {

class StatementScanner
{
public:
    // Scans one line (without its line break); complete statements are appended to `out`.
    std::optional<ParseError> feedLine(std::string_view line, int lineNumber, std::vector<Statement>& out);

    // No statement begun and not inside a quote or a comment.
    bool idle() const { return sql_.empty() && quote_ == 0 && !inBlockComment_; }
    // Inside a quote or a block comment: the next line continues it, whatever its indentation, and
    // a '#' at its start is text, not a comment.
    bool continuesRaw() const { return quote_ != 0 || inBlockComment_; }
    // When not idle: why the input cannot end here, at the line where the open thing began.
    // `where` completes "statement does not end with ';' ..." ("before line 9", "at the end of the file").
    ParseError unfinished(const std::string& where) const;

private:
    void append(std::string_view token);   // after one space when blanks or a comment came before
    void appendRaw(std::string_view text); // inside a quote: as it is
    void finishStatement(std::vector<Statement>& out);
    std::optional<ParseError> scanSleep(std::string_view line, std::size_t& pos, int lineNumber,
                                        std::vector<Statement>& out);
    std::optional<ParseError> scanLineComment(std::string_view comment, int lineNumber,
                                              std::vector<Statement>& out);

    std::string sql_;           // the statement so far, normalized
    int startLine_ = 0;         // line where it began
    bool pendingSpace_ = false; // whitespace or a comment was skipped since the last char of sql_
    char quote_ = 0;            // the closing char of the open quote, 0 when none
    int quoteLine_ = 0;
    bool inBlockComment_ = false;
    int commentLine_ = 0;
    bool passedSemicolon_ = false; // a ';' that did not end the statement (a trigger's body)
    bool completedOnLine_ = false; // a statement ended on the current line (expectations attach to it)
};

} // namespace txs
