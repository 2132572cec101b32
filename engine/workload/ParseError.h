#pragma once
// What is wrong with a .txs file, and where.

#include <string>

namespace txs {

struct ParseError
{
    std::string file;
    int line = 0; // 1-based; 0 when the error is about the file as a whole (cannot be read)
    std::string message;

    // "FILE:LINE: message" (or "FILE: message" without a line): the form compilers use, so
    // editors and terminals can jump to the line.
    std::string text() const
    {
        return line > 0 ? file + ":" + std::to_string(line) + ": " + message : file + ": " + message;
    }
};

} // namespace txs
