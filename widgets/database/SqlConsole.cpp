#include "widgets/database/SqlConsole.h"

#include "engine/api/Database.h"
#include "engine/api/RealFormat.h"
#include "widgets/database/Hardening.h"

#include <sqlite3.h>

namespace txs::database {

namespace {

QVariant toVariant(const txs::Value& v)
{
    switch (v.type()) {
    case txs::Value::Type::Null:
        return {};
    case txs::Value::Type::Integer:
        return QVariant::fromValue<qlonglong>(v.integer());
    case txs::Value::Type::Real:
        return QString::fromStdString(txs::formatReal(v.real()));
    case txs::Value::Type::Text:
        return QString::fromStdString(v.text());
    case txs::Value::Type::Blob: {
        const auto& b = v.blob().bytes;
        return QByteArray(reinterpret_cast<const char*>(b.data()), qsizetype(b.size()));
    }
    }
    return {};
}

QVariant columnValue(sqlite3_stmt* stmt, int i)
{
    switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_INTEGER:
        return QVariant::fromValue<qlonglong>(sqlite3_column_int64(stmt, i));
    case SQLITE_FLOAT: // shown as SQLite prints it (1.0e+20), not as QVariant would (1e+20)
        return QString::fromStdString(txs::formatReal(sqlite3_column_double(stmt, i)));
    case SQLITE_TEXT:
        return QString::fromUtf8(reinterpret_cast<const char*>(sqlite3_column_text(stmt, i)),
                                 sqlite3_column_bytes(stmt, i));
    case SQLITE_BLOB:
        return QByteArray(static_cast<const char*>(sqlite3_column_blob(stmt, i)),
                          sqlite3_column_bytes(stmt, i));
    default:
        return {};
    }
}

} // namespace

SqlConsole::SqlConsole(QObject* parent) : QObject(parent) {}

SqlConsole::~SqlConsole()
{
    close();
}

void SqlConsole::setFile(const QString& path, bool readOnly)
{
    if (path == path_ && readOnly == readOnly_) return;
    close();
    path_ = path;
    readOnly_ = readOnly;
}

void SqlConsole::setTracedDatabase(txs::Database* database)
{
    if (database == database_) return;
    const bool wasOpen = inTransaction();
    connection_.reset();
    database_ = database;
    if (wasOpen) emit transactionChanged(false);
}

void SqlConsole::close()
{
    const bool wasOpen = inTransaction();
    connection_.reset();
    database_ = nullptr;
    if (plain_) sqlite3_close_v2(plain_);
    plain_ = nullptr;
    if (wasOpen) emit transactionChanged(false);
}

bool SqlConsole::inTransaction() const
{
    if (database_) return connection_ && connection_->transaction().active;
    return plain_ && !sqlite3_get_autocommit(plain_);
}

SqlConsole::Outcome SqlConsole::execute(const QString& sql)
{
    const bool before = inTransaction();
    Outcome out = database_ ? executeTraced(sql) : executePlain(sql);
    if (inTransaction() != before) emit transactionChanged(!before);
    return out;
}

SqlConsole::Outcome SqlConsole::executeTraced(const QString& sql)
{
    Outcome out;
    out.traced = true;
    if (!connection_) {
        connection_ = database_->connect("console");
        connection_->setBusyTimeout(0);
    }
    const txs::Result r = connection_->execute(sql.toStdString());
    if (!r.ok()) out.error = QString::fromStdString(r.error->describe());
    for (const auto& c : r.columns)
        out.columns << QString::fromStdString(c);
    out.totalRows = qint64(r.rows.size());
    for (const auto& row : r.rows) {
        if (out.rows.size() >= MaxRows) break;
        QVector<QVariant> values;
        values.reserve(qsizetype(row.size()));
        for (const auto& v : row)
            values.push_back(toVariant(v));
        out.rows.push_back(std::move(values));
    }
    out.changes = r.changes;
    return out;
}

SqlConsole::Outcome SqlConsole::executePlain(const QString& sql)
{
    Outcome out;
    if (path_.isEmpty()) {
        out.error = "No database is attached: open one with File › Open Database… or File › New Database…";
        return out;
    }
    if (!plain_) {
        const int flags = (readOnly_ ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX;
        const int rc = openForBrowsing(path_.toUtf8().constData(), &plain_, flags,
                                       readOnly_ ? Access::ReadOnly : Access::ReadWrite);
        if (rc != SQLITE_OK) {
            out.error = QString::fromUtf8(plain_ ? sqlite3_errmsg(plain_) : sqlite3_errstr(rc));
            sqlite3_close_v2(plain_);
            plain_ = nullptr;
            return out;
        }
    }
    const QByteArray text = sql.toUtf8();
    const char* tail = text.constData();
    const char* end = tail + text.size();
    while (tail < end) {
        sqlite3_stmt* stmt = nullptr;
        int rc = sqlite3_prepare_v2(plain_, tail, int(end - tail), &stmt, &tail);
        if (rc != SQLITE_OK) {
            out.error = QString::fromUtf8(sqlite3_errmsg(plain_));
            break;
        }
        if (!stmt) continue; // whitespace or a comment
        const int n = sqlite3_column_count(stmt);
        if (n > 0) {
            out.columns.clear();
            out.rows.clear();
            out.totalRows = 0;
            for (int i = 0; i < n; ++i)
                out.columns << QString::fromUtf8(sqlite3_column_name(stmt, i));
        }
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            ++out.totalRows;
            if (out.rows.size() >= MaxRows) continue;
            QVector<QVariant> row(n);
            for (int i = 0; i < n; ++i)
                row[i] = columnValue(stmt, i);
            out.rows.push_back(std::move(row));
        }
        if (rc != SQLITE_DONE) out.error = QString::fromUtf8(sqlite3_errmsg(plain_));
        out.changes = sqlite3_changes64(plain_);
        sqlite3_finalize(stmt);
        if (!out.error.isEmpty()) break;
    }
    // An idle console holds nothing: close unless the batch left a transaction open.
    if (sqlite3_get_autocommit(plain_)) {
        sqlite3_close_v2(plain_);
        plain_ = nullptr;
    }
    return out;
}

} // namespace txs::database
