#pragma once
// `txscope-cli matrix DIR [--journal-mode M ...] [--isolation I ...] [--json]`: every .txs file of
// DIR (sorted by name) on every engine and isolation level asked for (all by default), printed as
// the Hermitage table in Markdown, or as JSON. Exit 0 when every cell ran, 1 when a database could
// not be opened, 2 on bad input (usage, DIR, a file that does not parse; nothing runs).

#include <string>
#include <vector>

namespace txs::cli {

// `args` after the word "matrix".
int matrixCommand(const std::vector<std::string>& args);

} // namespace txs::cli
