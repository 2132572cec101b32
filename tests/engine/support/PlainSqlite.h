#pragma once
// Reading a database file the way the stock sqlite3 shell would, without TxScope: what the
// MVCC checkpoint and the CLI's --db promise is that plain SQLite sees the committed rows.

#include <QString>

namespace txs::test {

// The rows of one query through the SQLite C API, opened read-only, as "a|b, c|d" (NULL for
// nulls); "cannot open" or "error: MESSAGE" when SQLite refuses.
QString plainSqlite(const QString& path, const char* sql);

} // namespace txs::test
