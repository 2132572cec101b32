#include "widgets/database/DatabaseInfo.h"

#include "widgets/database/ShortRead.h"

#include <QFileInfo>

namespace txs::database {

DatabaseInfo readDatabaseInfo(const QString& path)
{
    DatabaseInfo info;
    if (!QFileInfo(path).isFile()) {
        info.error = "no such file";
        return info;
    }
    // Reading the schema first proves the file is a database before anything else is trusted.
    const ReadResult r =
        shortRead(path, "SELECT (SELECT count(*) FROM sqlite_schema), * FROM pragma_journal_mode,"
                        " pragma_page_size, pragma_page_count, pragma_freelist_count");
    if (!r.ok() || r.rows.isEmpty()) {
        info.error = r.ok() ? QString("no answer") : r.error;
        info.errorCode = r.code;
        return info;
    }
    const auto& row = r.rows.front();
    info.journalMode = row.value(1).toString();
    info.pageSize = row.value(2).toLongLong();
    info.pageCount = row.value(3).toLongLong();
    info.freelistCount = row.value(4).toLongLong();
    const QFileInfo wal(path + "-wal");
    if (wal.exists()) info.walBytes = wal.size();
    info.mvcc = QFileInfo::exists(path + "-log");
    return info;
}

} // namespace txs::database
