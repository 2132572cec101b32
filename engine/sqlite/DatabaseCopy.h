#pragma once
// Copies a database with SQLite's online backup API. Never copy a database file with cp or by
// opening it directly: closing any descriptor on it drops the POSIX locks SQLite holds on it in
// this process, and another connection could then write under a reader's feet.

#include <optional>
#include <string>

namespace txs {

// Copies `source` (which may be in use) to `target` (replaced). On failure returns a message
// naming the file and the cause.
std::optional<std::string> copyDatabase(const std::string& source, const std::string& target);

} // namespace txs
