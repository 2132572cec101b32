#pragma once

struct sqlite3;

namespace txs::sql {

class MvccConnection;

// Registers the "txscope_mvcc" virtual table module on a connection's private handle.
// `CREATE VIRTUAL TABLE x USING txscope_mvcc(<table id>)` then exposes the store's table.
int registerMvccModule(sqlite3* db, MvccConnection* connection);

} // namespace txs::sql
