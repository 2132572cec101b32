#include "widgets/database/ShortRead.h"

#include "engine/api/RealFormat.h"
#include "widgets/database/Hardening.h"

#include <QByteArray>
#include <functional>
#include <sqlite3.h>

namespace txs::database {

namespace {

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
    case SQLITE_BLOB: {
        const void* bytes = sqlite3_column_blob(stmt, i);
        return QByteArray(static_cast<const char*>(bytes), sqlite3_column_bytes(stmt, i));
    }
    default:
        return QVariant();
    }
}

int bind(sqlite3_stmt* stmt, int index, const QVariant& value)
{
    switch (value.typeId()) {
    case QMetaType::UnknownType:
        return sqlite3_bind_null(stmt, index);
    case QMetaType::Int:
    case QMetaType::LongLong:
    case QMetaType::UInt:
    case QMetaType::ULongLong:
        return sqlite3_bind_int64(stmt, index, value.toLongLong());
    case QMetaType::Double:
        return sqlite3_bind_double(stmt, index, value.toDouble());
    case QMetaType::QByteArray: {
        const QByteArray b = value.toByteArray();
        return sqlite3_bind_blob(stmt, index, b.constData(), int(b.size()), SQLITE_TRANSIENT);
    }
    default: {
        const QByteArray t = value.toString().toUtf8();
        return sqlite3_bind_text(stmt, index, t.constData(), int(t.size()), SQLITE_TRANSIENT);
    }
    }
}

} // namespace

namespace {

// The one short read: open, prepare, bind, step every row through `onRow`, finalise, close.
ReadResult runShortRead(const QString& path, const QString& sql, const QVariantList& params,
                        const std::function<void(sqlite3_stmt*, int columns)>& onRow)
{
    ReadResult result;
    sqlite3* db = nullptr;
    const QByteArray file = path.toUtf8();
    int rc =
        openForBrowsing(file.constData(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, Access::ReadOnly);
    auto fail = [&](int code) {
        result.code = code;
        result.error = QString::fromUtf8(db ? sqlite3_errmsg(db) : sqlite3_errstr(code));
        if (result.error.isEmpty()) result.error = QString::fromUtf8(sqlite3_errstr(code));
    };
    if (rc == SQLITE_OK) {
        sqlite3_stmt* stmt = nullptr;
        const QByteArray text = sql.toUtf8();
        rc = sqlite3_prepare_v2(db, text.constData(), int(text.size()), &stmt, nullptr);
        if (rc == SQLITE_OK && stmt) {
            for (int i = 0; i < params.size() && rc == SQLITE_OK; ++i)
                rc = bind(stmt, i + 1, params[i]);
            const int n = sqlite3_column_count(stmt);
            for (int i = 0; i < n; ++i)
                result.columns << QString::fromUtf8(sqlite3_column_name(stmt, i));
            while (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
                onRow(stmt, n);
                rc = SQLITE_OK;
            }
            if (rc != SQLITE_DONE) fail(rc);
        } else if (rc != SQLITE_OK) {
            fail(rc);
        }
        sqlite3_finalize(stmt);
    } else {
        fail(rc);
    }
    // Closing ends every lock this read took; nothing is left behind between two reads.
    sqlite3_close_v2(db);
    return result;
}

} // namespace

ReadResult shortRead(const QString& path, const QString& sql, const QVariantList& params)
{
    QVector<QVector<QVariant>> rows;
    ReadResult result = runShortRead(path, sql, params, [&rows](sqlite3_stmt* stmt, int n) {
        QVector<QVariant> row(n);
        for (int i = 0; i < n; ++i)
            row[i] = columnValue(stmt, i);
        rows.push_back(std::move(row));
    });
    result.rows = std::move(rows);
    return result;
}

ReadResult shortReadIntegers(const QString& path, const QString& sql, const QVariantList& params,
                             QVector<qlonglong>& out)
{
    out.clear();
    return runShortRead(path, sql, params,
                        [&out](sqlite3_stmt* stmt, int) { out.push_back(sqlite3_column_int64(stmt, 0)); });
}

QString quoteIdentifier(const QString& name)
{
    QString quoted = name;
    quoted.replace('"', "\"\"");
    return '"' + quoted + '"';
}

} // namespace txs::database
