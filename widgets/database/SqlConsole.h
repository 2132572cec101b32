#pragma once
// The SQL console's connection. It is its own connection, never the browser's.
//
// While a run has the database open, the console is a connection of that run's txs::Database
// ("console"): it goes through the tracing VFS (SQLite) or the MVCC engine like every workload
// connection, so its locks, waits and BUSY errors show on the timeline and in the Locks panel,
// and on an MVCC database it sees what the engine sees (not the last checkpoint).
// With no run open there is no trace log to put events in; the console then opens the file
// itself with the plain SQLite API (hardened, read-only when the database was attached
// read-only) and says that it is untraced. That connection is closed after each batch unless
// the batch left a transaction open, so an idle console holds no lock either.
//
// Statements run on the GUI thread with no busy timeout: a locked database answers SQLITE_BUSY
// at once instead of freezing the window.

#include <QObject>
#include <QStringList>
#include <QVariant>
#include <QVector>
#include <memory>

struct sqlite3;

namespace txs {
class Database;
class Connection;
} // namespace txs

namespace txs::database {

class SqlConsole : public QObject
{
    Q_OBJECT
public:
    static constexpr int MaxRows = 100000; // rows kept of one result; the rest are counted

    struct Outcome
    {
        QStringList columns;
        QVector<QVector<QVariant>> rows;
        qint64 totalRows = 0; // rows the statement returned, kept or not
        qint64 changes = 0;
        QString error;
        bool traced = false; // ran on a connection of the run's traced database
        bool ok() const { return error.isEmpty(); }
    };

    explicit SqlConsole(QObject* parent = nullptr);
    ~SqlConsole() override;

    // The file the console works on when no run is open; readOnly for a read-only attachment.
    void setFile(const QString& path, bool readOnly);
    // The run's database (null when none is open). A different one drops the old connection.
    void setTracedDatabase(txs::Database* database);

    Outcome execute(const QString& sql);
    // The console's connection is inside a transaction (it holds locks until COMMIT/ROLLBACK).
    bool inTransaction() const;
    bool traced() const { return database_ != nullptr; }
    // Closes every connection (a transaction left open is rolled back).
    void close();

signals:
    void transactionChanged(bool open);

private:
    Outcome executePlain(const QString& sql);
    Outcome executeTraced(const QString& sql);

    QString path_;
    bool readOnly_ = true;
    txs::Database* database_ = nullptr;
    std::unique_ptr<txs::Connection> connection_;
    sqlite3* plain_ = nullptr;
};

} // namespace txs::database
