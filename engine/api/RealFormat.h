#pragma once
// How REAL values are printed everywhere (Value::asText, the result panes, the CLI log).

#include <string>

namespace txs {

// A REAL as SQLite prints it (the shell, CAST(x AS TEXT), group_concat): sqlite3_snprintf's
// "%!.15g", so 1e20 is "1.0e+20" and -0.0 is "0.0". NaN (which SQLite stores as NULL) is "NULL".
std::string formatReal(double v);

} // namespace txs
