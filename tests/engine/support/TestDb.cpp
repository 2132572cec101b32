#include "support/TestDb.h"

namespace txs::test {

std::shared_ptr<Database> openMvcc(std::shared_ptr<TraceLog> trace)
{
    Error error;
    OpenOptions options;
    options.journalMode = JournalMode::Mvcc;
    options.trace = std::move(trace);
    auto db = Database::open(":memory:", options, &error);
    if (!db) QTest::qFail(error.describe().c_str(), __FILE__, __LINE__);
    return db;
}

std::shared_ptr<Database> openMvccFile(const std::string& path, Error* error)
{
    OpenOptions options;
    options.journalMode = JournalMode::Mvcc;
    Error ignored;
    return Database::open(path, options, error ? error : &ignored);
}

std::shared_ptr<Database> openFile(const QString& path, Error* error, DamagedLog damaged, JournalMode mode,
                                   std::shared_ptr<TraceLog> trace)
{
    OpenOptions options;
    options.journalMode = mode;
    options.damagedLog = damaged;
    options.trace = std::move(trace);
    return Database::open(path.toStdString(), options, error);
}

Result mustRun(Connection& c, const std::string& sql, const char* file, int line)
{
    Result r = c.execute(sql);
    if (!r.ok()) QTest::qFail((sql + " -> " + r.error->describe()).c_str(), file, line);
    return r;
}

QString errorOf(const Result& r)
{
    return r.ok() ? QString() : QString::fromStdString(r.error->message);
}

QString queryPlan(Connection& c, const std::string& sql)
{
    auto r = c.execute("EXPLAIN QUERY PLAN " + sql);
    QString text;
    for (auto& row : r.rows)
        text += QString::fromStdString(row.back().asText()) + ";";
    return text;
}

} // namespace txs::test
