#pragma once
// What a line of a .txs file is at the top level, by the parser's own rules: the parser
// dispatches on it, and the editor's highlighter colours with it, so a name is shown as a step
// only when the parser would accept it as one.

#include <cstddef>
#include <string_view>

namespace txs {

struct LineHead
{
    enum class Kind {
        Blank,
        Comment,  // '#' first after indentation
        Indented, // SQL under a block, or the continuation of a step's SQL
        Workers,  // starts with the word `workers`
        Setup,    // setup:
        Check,    // check:
        Header,   // KEY: VALUE with a header key (isHeaderKey)
        Step,     // NAME: SQL with a valid connection name (isValidName)
        BadName,  // WORD: ... where WORD is none of the above
        NoColon,  // none of the above and no ':'
    };
    Kind kind = Kind::Blank;
    std::string_view name; // the word before ':' (trimmed), or "workers"
    std::size_t nameAt = 0;
    std::size_t restAt = 0; // just past the ':' (line size when there is none)
};

LineHead readLineHead(std::string_view line);

// True for a blank line, which only ends nothing: blanks are skipped anywhere.
bool isBlankLine(std::string_view line);
bool isCommentLine(std::string_view line);
bool isIndentedLine(std::string_view line);

} // namespace txs
