#include "engine/api/Error.h"

#include "engine/api/Hardening.h"

#include <cerrno>
#include <sqlite3.h>
#include <sys/resource.h>

namespace txs {

Error Error::busy(std::string message)
{
    return {ErrorKind::Busy, rc::Busy, rc::Busy, std::move(message)};
}

Error Error::busySnapshot(std::string message)
{
    return {ErrorKind::BusySnapshot, rc::Busy, rc::BusySnapshot, std::move(message)};
}

// Turso reports a write-write conflict as a plain SQLITE_ERROR whose message says "conflict";
// we keep the code so retry loops written for Turso behave the same here.
Error Error::conflict(std::string message)
{
    return {ErrorKind::Conflict, rc::Error, rc::Error, std::move(message)};
}

Error Error::schemaConflict(std::string message)
{
    return {ErrorKind::Schema, rc::Schema, rc::Schema, std::move(message)};
}

Error Error::misuse(std::string message)
{
    return {ErrorKind::Misuse, rc::Error, rc::Error, std::move(message)};
}

Error Error::notSupported(std::string message)
{
    return {ErrorKind::NotSupported, rc::Error, rc::Error, std::move(message)};
}

Error Error::constraint(int extendedCode, std::string message)
{
    return {ErrorKind::Constraint, rc::Constraint, extendedCode, std::move(message)};
}

Error Error::syntax(std::string message)
{
    return {ErrorKind::Syntax, rc::Error, rc::Error, std::move(message)};
}

Error Error::fromSqlite(int extendedCode, std::string message, int systemErrno)
{
    Error error = fromSqlite(extendedCode, std::move(message));
    error.systemErrno = systemErrno;
    if (systemErrno == EMFILE) {
        rlimit limit{};
        const bool known = getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY;
        error.message =
            "out of file descriptors: this process may have " +
            (known ? std::to_string(limit.rlim_cur) : std::string("only so many")) +
            " open files (RLIMIT_NOFILE, `ulimit -n`) and every SQLite connection needs up to "
            "three (the database, its -wal and -shm); run fewer connections or raise the limit (" +
            error.message + ")";
    } else if (systemErrno == ENFILE) {
        error.message = "out of file descriptors: the system's table of open files is full; run fewer "
                        "connections (" +
                        error.message + ")";
    }
    return error;
}

Error Error::fromSqlite(int extendedCode, std::string message)
{
    // Refused by the hardening authorizer (SQLITE_AUTH for ATTACH, SQLITE_ERROR for a function):
    // SQLite says only "not authorized"; the authorizer noted what it refused and why.
    if (!lastRefusal().empty() &&
        ((extendedCode & 0xff) == SQLITE_AUTH || (extendedCode & 0xff) == SQLITE_ERROR))
        message = refusalMessage(message);
    const int primary = extendedCode & 0xff;
    ErrorKind kind = ErrorKind::Other;
    switch (primary) {
    case SQLITE_BUSY:
        kind = extendedCode == SQLITE_BUSY_SNAPSHOT ? ErrorKind::BusySnapshot : ErrorKind::Busy;
        break;
    case SQLITE_CONSTRAINT:
        kind = ErrorKind::Constraint;
        break;
    case SQLITE_MISUSE:
        kind = ErrorKind::Misuse;
        break;
    case SQLITE_SCHEMA:
        kind = ErrorKind::Schema;
        break;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
        kind = ErrorKind::Io;
        break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        kind = ErrorKind::Corrupt;
        break;
    case SQLITE_ERROR:
        // The parser's errors all read "... syntax error" / "no such ..." / "incomplete input".
        kind = (message.find("syntax error") != std::string::npos ||
                message.find("no such") != std::string::npos ||
                message.find("incomplete input") != std::string::npos)
                   ? ErrorKind::Syntax
                   : ErrorKind::Other;
        break;
    default:
        break;
    }
    return {kind, primary, extendedCode, std::move(message)};
}

std::string Error::codeName() const
{
    if (kind == ErrorKind::Conflict) return "TXSCOPE_CONFLICT";
    // sqlite3_errstr gives prose; the symbolic names are what users grep for.
    switch (extendedCode) {
    case rc::Ok:
        return "SQLITE_OK";
    case rc::Error:
        return "SQLITE_ERROR";
    case rc::Busy:
        return "SQLITE_BUSY";
    case rc::BusyRecovery:
        return "SQLITE_BUSY_RECOVERY";
    case rc::BusySnapshot:
        return "SQLITE_BUSY_SNAPSHOT";
    case rc::BusyTimeout:
        return "SQLITE_BUSY_TIMEOUT";
    case rc::Locked:
        return "SQLITE_LOCKED";
    case rc::ReadOnly:
        return "SQLITE_READONLY";
    case rc::IoErr:
        return "SQLITE_IOERR";
    case rc::Corrupt:
        return "SQLITE_CORRUPT";
    case rc::Full:
        return "SQLITE_FULL";
    case rc::CantOpen:
        return "SQLITE_CANTOPEN";
    case rc::Schema:
        return "SQLITE_SCHEMA";
    case rc::Constraint:
        return "SQLITE_CONSTRAINT";
    case rc::ConstraintNotNull:
        return "SQLITE_CONSTRAINT_NOTNULL";
    case rc::ConstraintPrimaryKey:
        return "SQLITE_CONSTRAINT_PRIMARYKEY";
    case rc::ConstraintUnique:
        return "SQLITE_CONSTRAINT_UNIQUE";
    case rc::Mismatch:
        return "SQLITE_MISMATCH";
    case rc::Misuse:
        return "SQLITE_MISUSE";
    case rc::NotADb:
        return "SQLITE_NOTADB";
    case rc::Interrupt:
        return "SQLITE_INTERRUPT";
    case rc::Auth:
        return "SQLITE_AUTH";
    default:
        break;
    }
    switch (code) {
    case rc::Busy:
        return "SQLITE_BUSY";
    case rc::Locked:
        return "SQLITE_LOCKED";
    case rc::IoErr:
        return "SQLITE_IOERR";
    case rc::Constraint:
        return "SQLITE_CONSTRAINT";
    case rc::ReadOnly:
        return "SQLITE_READONLY";
    case rc::Corrupt:
        return "SQLITE_CORRUPT";
    default:
        return "SQLITE_ERROR(" + std::to_string(extendedCode) + ")";
    }
}

std::string Error::describe() const
{
    return message + " (" + codeName() + ")";
}

bool isRetryable(const Error& error)
{
    if (error.kind == ErrorKind::Busy || error.kind == ErrorKind::BusySnapshot) return true;
    // A schema change since the snapshot: rerunning the transaction on the new schema works.
    return error.kind == ErrorKind::Conflict || error.kind == ErrorKind::Schema;
}

const char* errorKindName(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::Busy:
        return "busy";
    case ErrorKind::BusySnapshot:
        return "busy_snapshot";
    case ErrorKind::Conflict:
        return "conflict";
    case ErrorKind::Constraint:
        return "constraint";
    case ErrorKind::Syntax:
        return "syntax";
    case ErrorKind::Misuse:
        return "misuse";
    case ErrorKind::NotSupported:
        return "not_supported";
    case ErrorKind::Schema:
        return "schema";
    case ErrorKind::Io:
        return "io";
    case ErrorKind::Corrupt:
        return "corrupt";
    case ErrorKind::Other:
        return "other";
    }
    return "other";
}

} // namespace txs
