#pragma once
// A VFS that wraps the default one and traces the locks of the main database file and its WAL
// shm, per connection (see LockTracer). Everything else is forwarded untouched; journals, WAL
// files and temporary files are opened directly by the wrapped VFS.
//
// A connection says who it is in its URI: file:PATH?txconn=ID&txlog=KEY, where KEY was given by
// a TraceRegistration. Without a registered txlog the file is opened but not traced.

#include <sqlite3.h>

namespace txs::sqlite {

class LockTracer;

inline constexpr const char* kTracingVfsName = "txscope-trace";

// Registers the VFS (not as the default) over the current default VFS. Call once per process,
// after sqlite3_initialize (see initSqliteOnce). Returns an SQLite result code.
int registerTracingVfs();

// The lock tracer of `db`'s main database file, or null when that file is not traced. The
// tracer belongs to the connection: use it only from the thread using `db`.
LockTracer* lockTracerOf(sqlite3* db);

} // namespace txs::sqlite
