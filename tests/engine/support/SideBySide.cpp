#include "support/SideBySide.h"

#include "support/TestDb.h"

#include <QStringList>
#include <QTest>
#include <sqlite3.h>

namespace txs::test {

QString sqliteOutcome(sqlite3* db, const std::string& sql)
{
    char* message = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) == SQLITE_OK) return "ok";
    QString text = QString::fromUtf8(message ? message : "error");
    sqlite3_free(message);
    return text;
}

QString sqliteRows(sqlite3* db, const std::string& sql)
{
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) return "error";
    QStringList rows;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        QStringList columns;
        for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
            const auto* text = sqlite3_column_text(stmt, i);
            columns << (text ? QString::fromUtf8(reinterpret_cast<const char*>(text)) : QString("NULL"));
        }
        rows << columns.join('|');
    }
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE ? rows.join(", ") : QString("error");
}

QString engineRows(Connection& c, const std::string& sql)
{
    auto r = c.execute(sql);
    if (!r.ok()) return "error";
    QStringList rows;
    for (const auto& row : r.rows) {
        QStringList columns;
        for (const auto& value : row)
            columns << (value.isNull() ? QString("NULL") : QString::fromStdString(value.asText()));
        rows << columns.join('|');
    }
    return rows.join(", ");
}

QString engineOutcome(Connection& c, const std::string& sql)
{
    auto r = c.execute(sql);
    return r.ok() ? QString("ok") : QString::fromStdString(r.error->message);
}

void SideBySide::open()
{
    QCOMPARE(sqlite3_open(":memory:", &reference), SQLITE_OK);
    db = openMvcc();
    QVERIFY(db);
    c = db->connect("a");
}

void SideBySide::close()
{
    c.reset();
    db.reset();
    sqlite3_close(reference);
    reference = nullptr;
}

void SideBySide::both(const std::string& sql)
{
    const QString expected = sqliteOutcome(reference, sql);
    QCOMPARE(engineOutcome(*c, sql), expected);
}

void SideBySide::sameRows(const std::string& sql)
{
    QCOMPARE(engineRows(*c, sql), sqliteRows(reference, sql));
}

} // namespace txs::test
