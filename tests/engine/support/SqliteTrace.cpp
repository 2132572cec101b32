#include "support/SqliteTrace.h"

#include <QTest>

namespace txs::test {

std::shared_ptr<Database> openSqlite(const QTemporaryDir& dir, JournalMode mode,
                                     std::shared_ptr<TraceLog> trace, const char* file)
{
    Error error;
    OpenOptions options;
    options.journalMode = mode;
    options.trace = std::move(trace);
    auto db = Database::open(dir.filePath(QString::fromUtf8(file)).toStdString(), options, &error);
    if (!db) QTest::qFail(error.describe().c_str(), __FILE__, __LINE__);
    return db;
}

std::vector<Event> TraceReader::take()
{
    std::vector<Event> out;
    next_ = log_->readSince(next_, out);
    all_.insert(all_.end(), out.begin(), out.end());
    return out;
}

QStringList lockTrail(const std::vector<Event>& events, std::uint32_t connection)
{
    QStringList out;
    for (const Event& e : events) {
        if (e.connection != connection) continue;
        const QString resource = QString::fromUtf8(lockResourceName(static_cast<LockResource>(e.a)));
        const QString level = QString::fromUtf8(lockLevelName(static_cast<LockLevel>(e.b)));
        QString line;
        switch (e.kind) {
        case EventKind::LockAcquire:
            line = "+" + resource + " " + level;
            break;
        case EventKind::LockRelease:
            line = "-" + resource + " " + level;
            break;
        case EventKind::LockWait:
            line = "?" + resource + " " + level;
            break;
        case EventKind::BusyHandlerCall:
            line = QString("handler %1 %2").arg(e.a).arg(e.detail == 1 ? "give up" : "retry");
            break;
        case EventKind::Busy:
            line = QString("BUSY %1").arg(e.a);
            break;
        default:
            continue;
        }
        if (e.kind == EventKind::LockWait && !out.isEmpty() && out.back() == line) continue;
        out << line;
    }
    return out;
}

QStringList txTrail(const std::vector<Event>& events, std::uint32_t connection)
{
    static const char* reasons[] = {"user", "conflict", "statement-error", "busy", "close"};
    QStringList out;
    for (const Event& e : events) {
        if (e.connection != connection) continue;
        switch (e.kind) {
        case EventKind::TxBegin:
            out << QString("begin ") + txModeName(static_cast<TxMode>(e.a));
            break;
        case EventKind::TxCommit:
            out << "commit";
            break;
        case EventKind::TxRollback:
            out << QString("rollback ") + (e.a >= 0 && e.a < 5 ? reasons[e.a] : "?");
            break;
        default:
            break;
        }
    }
    return out;
}

int countEvents(const std::vector<Event>& events, EventKind kind, std::uint32_t connection)
{
    int n = 0;
    for (const Event& e : events)
        if (e.kind == kind && (connection == 0 || e.connection == connection)) ++n;
    return n;
}

} // namespace txs::test
