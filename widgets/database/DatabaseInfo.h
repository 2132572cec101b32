#pragma once
// What the Database dock shows about a file: its journal mode as stored in the file (only WAL
// is persistent; every rollback mode reads back as "delete"), page size and count, free pages
// and the size of its WAL. Read with one short read (see ShortRead.h) and stat(), so asking
// holds no lock afterwards.

#include <QString>

namespace txs::database {

struct DatabaseInfo
{
    QString journalMode; // "wal", "delete", ... as PRAGMA journal_mode reports it
    bool mvcc = false;   // TxScope's MVCC engine owns it (its log x.db-log is beside it)
    qint64 pageSize = 0;
    qint64 pageCount = 0;
    qint64 freelistCount = 0;
    qint64 walBytes = -1; // -1: no WAL file
    QString error;        // empty when the file was read
    int errorCode = 0;
    bool ok() const { return error.isEmpty(); }
};

DatabaseInfo readDatabaseInfo(const QString& path);

} // namespace txs::database
