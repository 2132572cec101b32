#pragma once

namespace txs::sqlite {

// Process-wide SQLite set-up, done once however many threads ask at the same time:
// memory statistics off (SQLITE_CONFIG_MEMSTATUS takes one global mutex on every allocation,
// which serializes many connections running in parallel), SQLite initialised, and the tracing
// VFS registered. sqlite3_config only works before SQLite is initialised; if something else in
// the process initialised it first, the statistics stay on and everything still works.
// Returns SQLITE_OK or the error that made the set-up fail (the same on every call).
int initSqliteOnce();

} // namespace txs::sqlite
