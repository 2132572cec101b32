#include "engine/sqlutil/StatementHandle.h"

namespace txs::sqlutil {

int prepare(sqlite3* db, std::string_view sql, StatementHandle& out, const char** tail, unsigned flags)
{
    sqlite3_stmt* stmt = nullptr;
    // The length is given, so `sql` needs no terminating NUL; on failure SQLite sets stmt to null.
    const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), flags, &stmt, tail);
    out.reset(stmt);
    return rc;
}

} // namespace txs::sqlutil
