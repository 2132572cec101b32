#include "TextFormat.h"

#include "TerminalText.h"

#include <cmath>
#include <cstdio>
#include <vector>

namespace txs::cli {

namespace {
constexpr std::size_t kRowsShown = 10; // a log line, not a result grid
}

std::string resultText(const Result& result)
{
    // Data: a line break in a value must not start a line of the log (escapeControls).
    if (result.error)
        return "error " + result.error->codeName() + ": " + escapeControls(result.error->message, false);
    if (result.rows.empty()) return result.columns.empty() ? "ok" : "empty";
    if (result.rows.size() <= kRowsShown) return escapeControls(result.rowsText(), false);
    Result firstRows;
    firstRows.rows.assign(result.rows.begin(), result.rows.begin() + kRowsShown);
    return escapeControls(firstRows.rowsText(), false) + ", ... (" + std::to_string(result.rows.size()) +
           " rows)";
}

std::string wrap(std::string_view text, std::string_view firstPrefix, std::string_view prefix,
                 std::size_t width)
{
    std::vector<std::string_view> words;
    for (std::size_t i = 0; i < text.size();) {
        while (i < text.size() && (text[i] == ' ' || text[i] == '\n' || text[i] == '\t'))
            ++i;
        const std::size_t start = i;
        while (i < text.size() && text[i] != ' ' && text[i] != '\n' && text[i] != '\t')
            ++i;
        if (i > start) words.push_back(text.substr(start, i - start));
    }
    std::string out(firstPrefix);
    std::size_t column = firstPrefix.size();
    bool lineEmpty = true;
    for (std::string_view word : words) {
        if (!lineEmpty && column + 1 + word.size() > width) {
            out += '\n';
            out += prefix;
            column = prefix.size();
            lineEmpty = true;
        }
        if (!lineEmpty) {
            out += ' ';
            ++column;
        }
        out += word;
        column += word.size();
        lineEmpty = false;
    }
    out += '\n';
    return out;
}

} // namespace txs::cli
