#pragma once
// The engine's one SQL lexer: SQLite's lexical rules for where tokens, strings, quoted names and
// comments begin and end, and statement splitting by sqlite3_complete (which alone knows that a
// CREATE TRIGGER goes on past the ';' of its body until END;). Every part that needs to cut or
// look at SQL text (the MVCC front end, the SQLite backend, the .txs parser, the editor's
// highlighter) uses this, so none of them disagrees with SQLite about where a statement ends.
// SQLite's own parser still decides everything else.

#include <cstddef>
#include <string_view>
#include <vector>

namespace txs {

struct SqlToken
{
    enum class Kind {
        End,        // past the end of the text
        Space,      // blanks
        Comment,    // -- to the end of the line (line break included), or /* */
        String,     // '...' with '' inside
        QuotedName, // "...", `...` (doubled quote inside) or [...]
        Word,       // identifier or keyword: letters, digits, '_', '$', any byte >= 0x80
        Number,     // 12, 1.5, .5, 1e10, 0x1F
        Variable,   // ?, ?1, :name, @name, $name
        Punct,      // any other single character
    };
    Kind kind = Kind::End;
    std::size_t offset = 0;
    std::size_t length = 0;
    bool unterminated = false; // a String, QuotedName or /* Comment that runs to the end of the text

    std::size_t end() const { return offset + length; }
    std::string_view text(std::string_view sql) const { return sql.substr(offset, length); }
    bool isBlank() const { return kind == Kind::Space || kind == Kind::Comment; }
};

// The token that starts at `pos` (kind End when pos >= sql.size()).
SqlToken sqlTokenAt(std::string_view sql, std::size_t pos);

// The next token at or after `pos` that is not blank.
SqlToken nextSqlToken(std::string_view sql, std::size_t pos);

// Offset of the first character at or after `from` that is neither blank nor inside a comment.
std::size_t skipSpaceAndComments(std::string_view sql, std::size_t from = 0);

// Where a quoted run whose closing character is `close` (' " ` or ]) ends when scanning resumes
// at `from` inside it: the offset just past the closing quote, or npos when it is not closed in
// `sql`. A doubled quote ('' "" ``) is the quote itself; brackets have no escape.
std::size_t quotedRunEnd(std::string_view sql, std::size_t from, char close);

// True when `sql` is one or more whole statements ending with ';' (sqlite3_complete).
bool isCompleteSql(std::string_view sql);

// Length of the first statement of `sql`: up to and including the first top-level ';' after
// which the text is complete (sqlite3_complete), or the whole text when there is none.
std::size_t firstStatementLength(std::string_view sql);

// The statements of `sql`, each without its final ';', cut where firstStatementLength cuts;
// pieces holding only blanks and comments are dropped. The last may lack its ';'.
std::vector<std::string_view> splitStatements(std::string_view sql);

// True when `word` is one of SQLite's keywords (sqlite3_keyword_check), in any case.
bool isSqlKeyword(std::string_view word);

} // namespace txs
