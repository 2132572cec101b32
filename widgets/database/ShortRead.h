#pragma once
// Short, self-contained reads of a user's database for the browser. Each read opens its own
// read-only connection, runs one query in autocommit mode and closes the connection before it
// returns, so between two reads TxScope holds no lock on the file at all — not even the SHARED
// lock an idle connection keeps on a WAL database — and the user's own application never gets
// SQLITE_BUSY because TxScope is open beside it.
//
// Why the SQLite C API and not Qt SQL (QSqlQueryModel over libqt6sql6-sqlite): QSqlQueryModel
// keeps its statement open and steps it as the view scrolls, which keeps a read transaction
// (a SHARED lock, or a WAL snapshot) open for as long as the grid shows rows — exactly the lock
// that makes desktop database tools block their users' applications. Here every fetch is one
// statement, run to its LIMIT and finalised, and the connection is closed.

#include <QString>
#include <QVariant>
#include <QVector>
#include <optional>

namespace txs::database {

struct ReadResult
{
    QStringList columns;
    QVector<QVector<QVariant>> rows;
    QString error; // empty on success
    int code = 0;  // SQLite's extended result code of a failure (5 = SQLITE_BUSY ...)
    bool ok() const { return error.isEmpty(); }
};

// Opens `path` read-only (never creating it, never checkpointing on close, hardened as SQLite's
// guide for untrusted files says), runs `sql` with `params` bound in order, and closes it.
// A database that is busy fails at once with SQLITE_BUSY: the GUI thread never waits for a lock.
ReadResult shortRead(const QString& path, const QString& sql, const QVariantList& params = {});

// The same short read for a query of one integer column (rowids): the values go to `out`, with
// none of the per-row allocation of ReadResult::rows (a filter may match a million rows).
ReadResult shortReadIntegers(const QString& path, const QString& sql, const QVariantList& params,
                             QVector<qlonglong>& out);

// Quotes an identifier for SQL ("a""b").
QString quoteIdentifier(const QString& name);

} // namespace txs::database
