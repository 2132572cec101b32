#pragma once
// Typed errors with SQLite-compatible result codes, so the same retry loop works on every
// backend and a user sees the codes they know from SQLite.

#include <cstdint>
#include <string>

namespace txs {

enum class ErrorKind {
    Busy,         // SQLITE_BUSY (5): a lock or the exclusive slot is held by another connection
    BusySnapshot, // SQLITE_BUSY_SNAPSHOT (517): the transaction's snapshot is stale; retry the whole tx
    Conflict,     // MVCC write-write conflict; the transaction is doomed and must be rolled back
    Constraint,   // SQLITE_CONSTRAINT and its extended codes
    Syntax,       // SQLITE_ERROR from the parser
    Misuse,       // COMMIT without BEGIN, nested BEGIN, statement on a doomed transaction ...
    NotSupported, // valid SQL the engine does not support yet; the message names the feature
    Schema,       // the schema changed under the transaction (MVCC: a schema conflict; retry the tx)
    Io,           // SQLITE_IOERR and friends
    Corrupt,      // SQLITE_CORRUPT / SQLITE_NOTADB
    Other,        // anything else SQLite can return
};

// SQLite's primary and extended result codes (sqlite3.h), repeated here so users of the
// engine's API need not include sqlite3.h.
namespace rc {
constexpr int Ok = 0, Error = 1, Busy = 5, Locked = 6, ReadOnly = 8, IoErr = 10, Corrupt = 11, Full = 13,
              CantOpen = 14, Schema = 17, Constraint = 19, Mismatch = 20, Misuse = 21, NotADb = 26;
constexpr int Interrupt = 9, Auth = 23; // Stop / statement_timeout; refused by the hardening authorizer
constexpr int BusyRecovery = Busy | (1 << 8), BusySnapshot = Busy | (2 << 8), BusyTimeout = Busy | (3 << 8);
constexpr int ConstraintNotNull = Constraint | (5 << 8), ConstraintPrimaryKey = Constraint | (6 << 8),
              ConstraintUnique = Constraint | (8 << 8), ConstraintDatatype = Constraint | (12 << 8);
} // namespace rc

struct Error
{
    ErrorKind kind = ErrorKind::Other;
    int code = rc::Error;         // primary result code
    int extendedCode = rc::Error; // extended result code
    std::string message;
    // The operating system's errno behind an open or I/O failure (sqlite3_system_errno), 0 when
    // none: lets a caller tell "out of file descriptors" (EMFILE) from a missing file.
    int systemErrno = 0;

    static Error busy(std::string message);
    static Error busySnapshot(std::string message);
    static Error conflict(std::string message);
    // Turso's SchemaConflict (SQLITE_SCHEMA, 17): DDL committed since the snapshot of a writing
    // transaction; its COMMIT fails and the whole transaction must be retried.
    static Error schemaConflict(std::string message);
    static Error misuse(std::string message);
    static Error notSupported(std::string message);
    static Error constraint(int extendedCode, std::string message);
    static Error syntax(std::string message);
    static Error fromSqlite(int extendedCode, std::string message);
    // With the errno of the failed system call. Out of file descriptors (EMFILE, ENFILE) is said
    // in the message with the limit, since SQLite's own words ("unable to open database file")
    // point at the file instead.
    static Error fromSqlite(int extendedCode, std::string message, int systemErrno);

    // "SQLITE_BUSY_SNAPSHOT", "SQLITE_CONSTRAINT_NOTNULL", "TXSCOPE_CONFLICT" ...
    std::string codeName() const;
    // "Write-write conflict on hits rowid 3 with transaction 7 (SQLITE_ERROR)": message and code.
    std::string describe() const;
};

// The seed example's predicate (busy, busy-snapshot, or a conflict), decided by kind only:
// Conflict and Schema, which Turso reports as messages saying "conflict". The engines type their
// conflicts; no message is read.
bool isRetryable(const Error& error);

// An error's kind as the `detail` field of a StatementEnd or Busy event (trace/Event.h), and back.
inline std::uint16_t kindDetail(const Error& error)
{
    return static_cast<std::uint16_t>(error.kind);
}
inline ErrorKind errorKindOfDetail(std::uint16_t detail)
{
    return detail <= static_cast<std::uint16_t>(ErrorKind::Other) ? static_cast<ErrorKind>(detail)
                                                                  : ErrorKind::Other;
}

const char* errorKindName(ErrorKind kind);

} // namespace txs
