#include "support/PlainSqlite.h"

#include <QStringList>
#include <sqlite3.h>

namespace txs::test {

QString plainQuery(sqlite3* db, const char* sql)
{
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK)
        return "error: " + QString::fromUtf8(sqlite3_errmsg(db));
    QStringList rows;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        QStringList columns;
        for (int i = 0; i < sqlite3_column_count(stmt); ++i)
            columns << (sqlite3_column_type(stmt, i) == SQLITE_NULL
                            ? QString("NULL")
                            : QString::fromUtf8(reinterpret_cast<const char*>(sqlite3_column_text(stmt, i))));
        rows << columns.join('|');
    }
    sqlite3_finalize(stmt);
    return rows.join(", ");
}

QString plainSqlite(const QString& path, const char* sql)
{
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        sqlite3_close(db);
        return "cannot open";
    }
    const QString rows = plainQuery(db, sql);
    sqlite3_close(db);
    return rows;
}

QString plainScript(const QString& path, const char* sql)
{
    sqlite3* db = nullptr;
    if (sqlite3_open(path.toUtf8().constData(), &db) != SQLITE_OK) {
        sqlite3_close(db);
        return "error: open";
    }
    QStringList rows;
    char* message = nullptr;
    const int rc = sqlite3_exec(
        db, sql,
        [](void* out, int n, char** values, char**) {
            QStringList row;
            for (int i = 0; i < n; ++i)
                row << (values[i] ? QString::fromUtf8(values[i]) : QString("NULL"));
            static_cast<QStringList*>(out)->append(row.join('|'));
            return 0;
        },
        &rows, &message);
    const QString text = QString::fromUtf8(message ? message : "");
    sqlite3_free(message);
    sqlite3_close(db);
    return rc == SQLITE_OK ? rows.join(", ") : "error: " + text;
}

bool plainExec(const QString& path, const char* sql)
{
    sqlite3* db = nullptr;
    const bool ok = sqlite3_open(path.toUtf8().constData(), &db) == SQLITE_OK &&
                    sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
    sqlite3_close(db);
    return ok;
}

} // namespace txs::test
