#pragma once
// The checkpoint that ends a run on a user's MVCC file.

#include <string>

namespace txs {

class Database;
class TraceLog;

// Writes the run's commits from the MVCC log into the user's file (`--db`, the GUI's attached
// database), so that programs reading it with stock SQLite see them and a log left behind is
// never replayed over what those programs write next (their commits would be undone). Turso
// marks its MVCC files unreadable to SQLite instead; TxScope keeps them plain SQLite files.
// A log with no frame (a run that only read) writes nothing. A failure is told in a Note event:
// the commits then stay in the log, where TxScope's next open finds them.
void checkpointForPlainReaders(Database& database, TraceLog* trace, const std::string& databasePath);

} // namespace txs
