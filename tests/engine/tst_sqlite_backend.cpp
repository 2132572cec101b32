// The SQLite backend behind the engine's Connection API: statements, parameters, rows, errors,
// transactions and their events, BEGIN CONCURRENT, busy_timeout, journal modes, and the two
// helpers it is built from (statement splitting/classification and the statement cache).

#include "engine/sqlite/SqlText.h"
#include "engine/sqlite/StatementCache.h"
#include "engine/trace/JournalSetting.h"
#include "support/SqliteTrace.h"
#include "support/TestDb.h"

#include <QTest>
#include <sqlite3.h>

using namespace txs;
using namespace txs::test;

namespace {

std::vector<Event> ofKind(const std::vector<Event>& events, EventKind kind)
{
    std::vector<Event> out;
    for (const Event& e : events)
        if (e.kind == kind) out.push_back(e);
    return out;
}

std::vector<Event> journalChanges(const std::vector<Event>& events)
{
    std::vector<Event> out;
    for (const Event& e : events)
        if (isJournalModeChange(e)) out.push_back(e);
    return out;
}

} // namespace

class TestSqliteBackend : public QObject
{
    Q_OBJECT

private slots:
    void executeRunsEveryStatementAndKeepsTheLastRows()
    {
        QTemporaryDir dir;
        auto db = openSqlite(dir, JournalMode::Delete, std::make_shared<TraceLog>());
        QVERIFY(db);
        auto c = db->connect("c");
        const Result r = c->execute("CREATE TABLE x(a INTEGER, b TEXT);\n"
                                    "INSERT INTO x VALUES (1, 'one'); INSERT INTO x VALUES (2, 'two');\n"
                                    "SELECT a, b FROM x ORDER BY a; -- a comment\n"
                                    "UPDATE x SET b = upper(b);");
        QVERIFY2(r.ok(), r.ok() ? "" : r.error->describe().c_str());
        QCOMPARE(QString::fromStdString(r.rowsText()), QString("1|one, 2|two")); // UPDATE returns no rows
        QCOMPARE(r.columns, (std::vector<std::string>{"a", "b"}));
        QCOMPARE(r.changes, 2); // of the last statement
        QCOMPARE_ROWS(*c, "SELECT b FROM x ORDER BY a", "ONE, TWO");
        // A SELECT after a write reports no changes of its own.
        QCOMPARE(c->execute("SELECT count(*) FROM x").changes, 0);
    }

    // Semicolons inside a trigger body do not end the statement.
    void triggerBodiesStayWhole()
    {
        QTemporaryDir dir;
        auto db = openSqlite(dir, JournalMode::Delete, std::make_shared<TraceLog>());
        QVERIFY(db);
        auto c = db->connect();
        MUST(*c, "CREATE TABLE x(a); CREATE TABLE audit(a);"
                 "CREATE TRIGGER tr AFTER INSERT ON x BEGIN INSERT INTO audit VALUES (new.a); "
                 "INSERT INTO audit VALUES (-new.a); END; INSERT INTO x VALUES (7)");
        QCOMPARE_ROWS(*c, "SELECT a FROM audit ORDER BY a", "-7, 7");
    }

    void parametersBindEveryType()
    {
        QTemporaryDir dir;
        auto db = openSqlite(dir, JournalMode::Wal, std::make_shared<TraceLog>());
        QVERIFY(db);
        auto c = db->connect();
        MUST(*c, "CREATE TABLE x(v)");
        const Params values{Value(nullptr), Value(std::int64_t{1} << 40), Value(2.5),
                            Value("text"),  Value(Blob{{0x0a, 0xff}}),    Value(Blob{})};
        for (const Value& v : values)
            QVERIFY(c->execute("INSERT INTO x VALUES (?)", {v}).ok());
        QCOMPARE_ROWS(*c, "SELECT typeof(v), v FROM x ORDER BY rowid",
                      "null|NULL, integer|1099511627776, real|2.5, text|text, blob|x'0aff', blob|x''");
        // Numbered parameters; missing ones are NULL; the same cached statement rebinds each time.
        QCOMPARE(QString::fromStdString(c->execute("SELECT ?2, ?1, ?3", {1, "b"}).rowsText()),
                 QString("b|1|NULL"));
        QCOMPARE(QString::fromStdString(c->execute("SELECT ?2, ?1, ?3", {3, "d", 5}).rowsText()),
                 QString("d|3|5"));
    }

    void errorsStopTheTextAndKeepExtendedCodes()
    {
        QTemporaryDir dir;
        auto db = openSqlite(dir, JournalMode::Delete, std::make_shared<TraceLog>());
        QVERIFY(db);
        auto c = db->connect();
        MUST(*c, "CREATE TABLE x(id INTEGER PRIMARY KEY, u UNIQUE, n NOT NULL)");

        Result r = c->execute(
            "INSERT INTO x VALUES (1, 1, 1); INSERT INTO x VALUES (1, 2, 2); INSERT INTO x VALUES (3, 3, 3)");
        QVERIFY(!r.ok());
        QCOMPARE(r.error->extendedCode, rc::ConstraintPrimaryKey);
        QCOMPARE(r.error->kind, ErrorKind::Constraint);
        QCOMPARE_ROWS(*c, "SELECT id FROM x", "1"); // the third statement never ran

        r = c->execute("INSERT INTO x VALUES (2, 1, 1)");
        QCOMPARE(r.error->extendedCode, rc::ConstraintUnique);
        r = c->execute("INSERT INTO x VALUES (2, 2, NULL)");
        QCOMPARE(r.error->extendedCode, rc::ConstraintNotNull);
        r = c->execute("SELEC 1");
        QCOMPARE(r.error->kind, ErrorKind::Syntax);
        r = c->execute("SELECT * FROM missing");
        QCOMPARE(r.error->kind, ErrorKind::Syntax);
        QVERIFY(QString::fromStdString(r.error->message).contains("no such table"));
    }

    // Statements and transactions as events: StatementEnd carries the code and the changes,
    // TxBegin the mode, TxCommit the rows written; every event of a transaction its id.
    void statementAndTransactionEvents()
    {
        QTemporaryDir dir;
        auto log = std::make_shared<TraceLog>();
        auto db = openSqlite(dir, JournalMode::Delete, log);
        QVERIFY(db);
        auto c = db->connect("c");
        MUST(*c, "CREATE TABLE x(id INTEGER PRIMARY KEY)");
        TraceReader reader(log);
        reader.take();

        MUST(*c, "BEGIN IMMEDIATE");
        const TransactionState tx = c->transaction();
        QVERIFY(tx.active);
        QCOMPARE(tx.mode, TxMode::Immediate);
        QVERIFY(tx.txId != 0);
        MUST(*c, "INSERT INTO x VALUES (1), (2); INSERT INTO x VALUES (3)");
        QVERIFY(!c->execute("INSERT INTO x VALUES (3)").ok());
        MUST(*c, "COMMIT");
        QVERIFY(!c->transaction().active);
        QCOMPARE(c->transaction().txId, 0u);

        const auto events = reader.take();
        const auto ends = ofKind(events, EventKind::StatementEnd);
        QCOMPARE(ends.size(), 5u);
        QCOMPARE(ends[1].b, 2); // two rows
        QCOMPARE(ends[2].b, 1);
        QCOMPARE(ends[3].a, rc::ConstraintPrimaryKey);
        QVERIFY(QString::fromStdString(ends[3].text).contains("UNIQUE constraint failed"));
        const auto begins = ofKind(events, EventKind::StatementBegin);
        QCOMPARE(QString::fromStdString(begins[1].text), QString("INSERT INTO x VALUES (1), (2)"));
        QCOMPARE(ofKind(events, EventKind::TxBegin).at(0).a, static_cast<std::int64_t>(TxMode::Immediate));
        QCOMPARE(ofKind(events, EventKind::TxCommit).at(0).b, 3); // rows written by the transaction
        for (const Event& e : events)
            if (e.connection == c->id()) QCOMPARE(e.txId, tx.txId);

        // BEGIN EXCLUSIVE, a second transaction with a new id.
        MUST(*c, "BEGIN EXCLUSIVE");
        QCOMPARE(c->transaction().mode, TxMode::Exclusive);
        QVERIFY(c->transaction().txId > tx.txId);
        MUST(*c, "ROLLBACK");
        QCOMPARE(txTrail(reader.take(), c->id()), (QStringList{"begin exclusive", "rollback user"}));
    }

    // An error that makes SQLite roll the transaction back (here ON CONFLICT ROLLBACK) is seen
    // through sqlite3_get_autocommit and recorded as a rollback caused by the statement.
    void implicitRollbackAfterAnError()
    {
        QTemporaryDir dir;
        auto log = std::make_shared<TraceLog>();
        auto db = openSqlite(dir, JournalMode::Wal, log);
        QVERIFY(db);
        auto c = db->connect();
        MUST(*c, "CREATE TABLE x(id INTEGER PRIMARY KEY)");
        TraceReader reader(log);
        reader.take();
        MUST(*c, "BEGIN; INSERT INTO x VALUES (1)");
        const Result r = c->execute("INSERT OR ROLLBACK INTO x VALUES (1)");
        QCOMPARE(r.error->extendedCode, rc::ConstraintPrimaryKey);
        QVERIFY(!c->transaction().active);
        QCOMPARE(txTrail(reader.take(), c->id()),
                 (QStringList{"begin deferred", "rollback statement-error"}));
        QCOMPARE_ROWS(*c, "SELECT count(*) FROM x", "0");

        // SAVEPOINT opens a transaction and RELEASE of it commits.
        MUST(*c, "SAVEPOINT s1; INSERT INTO x VALUES (5)");
        QVERIFY(c->transaction().active);
        MUST(*c, "ROLLBACK TO s1"); // keeps the transaction
        QVERIFY(c->transaction().active);
        MUST(*c, "INSERT INTO x VALUES (6); RELEASE s1");
        QCOMPARE(txTrail(reader.take(), c->id()), (QStringList{"begin deferred", "commit"}));
        QCOMPARE_ROWS(*c, "SELECT id FROM x", "6");
    }

    // Stock SQLite 3.40.1 has no BEGIN CONCURRENT; it runs as BEGIN DEFERRED, with a note.
    void beginConcurrentRunsDeferred()
    {
        QTemporaryDir dir;
        auto log = std::make_shared<TraceLog>();
        auto db = openSqlite(dir, JournalMode::Wal, log);
        QVERIFY(db);
        auto c = db->connect();
        MUST(*c, "CREATE TABLE x(v)");
        TraceReader reader(log);
        reader.take();
        for (const char* begin : {"BEGIN CONCURRENT", "begin  concurrent transaction;"}) {
            MUST(*c, begin);
            QCOMPARE(c->transaction().mode, TxMode::Deferred);
            MUST(*c, "INSERT INTO x VALUES (1); COMMIT");
        }
        const auto events = reader.take();
        const auto notes = ofKind(events, EventKind::Note);
        QCOMPARE(notes.size(), 2u);
        QVERIFY(QString::fromStdString(notes[0].text).contains("BEGIN DEFERRED"));
        QCOMPARE(QString::fromStdString(ofKind(events, EventKind::StatementBegin)[0].text),
                 QString("BEGIN CONCURRENT"));
        QCOMPARE(txTrail(events, c->id()),
                 (QStringList{"begin deferred", "commit", "begin deferred", "commit"}));
        QCOMPARE_ROWS(*c, "SELECT count(*) FROM x", "2");
    }

    // PRAGMA busy_timeout sets and reads the connection's bound as SQLite would, but keeps the
    // engine's recording handler in place (SQLite's pragma would install its own).
    void busyTimeoutPragmaKeepsTheTracedHandler()
    {
        QTemporaryDir dir;
        auto log = std::make_shared<TraceLog>();
        auto db = openSqlite(dir, JournalMode::Delete, log);
        QVERIFY(db);
        auto holder = db->connect("H");
        auto waiter = db->connect("W");
        MUST(*holder, "CREATE TABLE x(v)");
        QCOMPARE_ROWS(*waiter, "PRAGMA busy_timeout", "0");
        QCOMPARE_ROWS(*waiter, "PRAGMA busy_timeout = 25", "25");
        QCOMPARE_ROWS(*waiter, "pragma main.busy_timeout", "25");
        MUST(*holder, "BEGIN IMMEDIATE");
        TraceReader reader(log);
        reader.take();
        QCOMPARE(waiter->execute("INSERT INTO x VALUES (1)").error->extendedCode, rc::Busy);
        std::vector<std::int64_t> slept;
        for (const Event& e : ofKind(reader.take(), EventKind::BusyHandlerCall))
            slept.push_back(e.b);
        QCOMPARE(slept, (std::vector<std::int64_t>{1000, 2000, 5000, 10000, 7000, 0}));
        QCOMPARE_ROWS(*waiter, "PRAGMA busy_timeout(-5)", "0");
        MUST(*holder, "ROLLBACK");
    }

    void journalModes()
    {
        for (JournalMode mode :
             {JournalMode::Delete, JournalMode::Truncate, JournalMode::Persist, JournalMode::Wal}) {
            QTemporaryDir dir;
            auto db = openSqlite(dir, mode, std::make_shared<TraceLog>());
            QVERIFY(db);
            QCOMPARE(db->journalMode(), mode);
            auto a = db->connect();
            auto b = db->connect();
            MUST(*a, "CREATE TABLE x(v); INSERT INTO x VALUES (1)");
            QCOMPARE_ROWS(*b, "SELECT count(*) FROM x", "1");
            QCOMPARE_ROWS(*b, "PRAGMA journal_mode", journalModeName(mode));
        }
        // A database left in WAL mode goes back to a rollback journal when opened so.
        QTemporaryDir dir;
        QVERIFY(openSqlite(dir, JournalMode::Wal, std::make_shared<TraceLog>()));
        auto db = openSqlite(dir, JournalMode::Delete, std::make_shared<TraceLog>());
        QVERIFY(db);
        QCOMPARE_ROWS(*db->connect(), "PRAGMA journal_mode", "delete");
    }

    // A statement that changes the database's journal mode is traced with a typed event (a Note
    // with detail kJournalModeChangedNote) inside its span (from, to, whether the file's own mode changed),
    // so the log can say so; one that changes nothing, or only asks, is not.
    void journalModeChangesAreTraced()
    {
        QTemporaryDir dir;
        auto log = std::make_shared<TraceLog>();
        auto db = openSqlite(dir, JournalMode::Delete, log);
        QVERIFY(db);
        auto c = db->connect("c");
        auto other = db->connect("other");
        MUST(*c, "CREATE TABLE x(v)");
        TraceReader reader(log);
        reader.take();
        QCOMPARE_ROWS(*c, "PRAGMA journal_mode", "delete");
        QCOMPARE_ROWS(*c, "PRAGMA journal_mode = delete", "delete");
        QVERIFY(journalChanges(reader.take()).empty());

        QCOMPARE_ROWS(*c, "PRAGMA journal_mode = WAL", "wal");
        auto events = reader.take();
        auto changes = journalChanges(events);
        QCOMPARE(changes.size(), 1u);
        QCOMPARE(static_cast<JournalSetting>(changes[0].a), JournalSetting::Delete);
        QCOMPARE(static_cast<JournalSetting>(changes[0].b), JournalSetting::Wal);
        QCOMPARE(changes[0].rowid, 1); // the file keeps WAL
        QCOMPARE(changes[0].connection, c->id());
        // Inside the statement's span: after its begin, before its end.
        const auto begins = ofKind(events, EventKind::StatementBegin);
        const auto ends = ofKind(events, EventKind::StatementEnd);
        QCOMPARE(begins.size(), 1u);
        QVERIFY(begins[0].seq < changes[0].seq && changes[0].seq < ends[0].seq);

        // Another connection asking for WAL again changes nothing; leaving WAL is a change of
        // the file; a rollback-journal variant is a connection's, not the file's.
        QCOMPARE_ROWS(*other, "PRAGMA main.journal_mode = wal", "wal");
        QVERIFY(journalChanges(reader.take()).empty());
        QCOMPARE_ROWS(*other, "PRAGMA journal_mode = delete", "delete");
        changes = journalChanges(reader.take());
        QCOMPARE(changes.size(), 1u);
        QCOMPARE(static_cast<JournalSetting>(changes[0].a), JournalSetting::Wal);
        QCOMPARE(static_cast<JournalSetting>(changes[0].b), JournalSetting::Delete);
        QCOMPARE(changes[0].rowid, 1);
        QCOMPARE_ROWS(*other, "PRAGMA journal_mode = truncate", "truncate");
        changes = journalChanges(reader.take());
        QCOMPARE(changes.size(), 1u);
        QCOMPARE(static_cast<JournalSetting>(changes[0].b), JournalSetting::Truncate);
        QCOMPARE(changes[0].rowid, 0);
    }

    void openFailuresAreClear()
    {
        QTemporaryDir dir;
        Error error;
        OpenOptions options;
        options.journalMode = JournalMode::Wal;
        QVERIFY(!Database::open(dir.filePath("missing/test.db").toStdString(), options, &error));
        QCOMPARE(error.code, rc::CantOpen);
        options.journalMode = JournalMode::Wal;
        QVERIFY(!Database::open(":memory:", options, &error)); // WAL needs a file
        QVERIFY(QString::fromStdString(error.message).contains("wal"));
    }

    // ":memory:" is one shared in-memory database per Database (untraced, but locking).
    void inMemoryDatabaseIsShared()
    {
        OpenOptions options;
        options.journalMode = JournalMode::Delete;
        auto db = Database::open(":memory:", options);
        auto other = Database::open(":memory:", options);
        QVERIFY(db && other);
        auto a = db->connect();
        auto b = db->connect();
        MUST(*a, "CREATE TABLE x(v); INSERT INTO x VALUES (1)");
        QCOMPARE_ROWS(*b, "SELECT count(*) FROM x", "1");
        QVERIFY(!other->connect()->execute("SELECT count(*) FROM x").ok());
    }

    // A connection may outlive its Database, and tracing may be off.
    void lifetimesAndNoTrace()
    {
        QTemporaryDir dir;
        std::unique_ptr<Connection> c;
        {
            auto db = openSqlite(dir, JournalMode::Wal, nullptr);
            QVERIFY(db);
            c = db->connect();
        }
        MUST(*c, "CREATE TABLE x(v); INSERT INTO x VALUES (1)");
        QCOMPARE_ROWS(*c, "SELECT count(*) FROM x", "1");
    }

    // The tracing VFS is registered beside the default one, and forwards memory-mapped I/O
    // (xFetch/xUnfetch of io-methods version 3) to the wrapped file.
    void tracingVfsWrapsTheDefault()
    {
        QTemporaryDir dir;
        auto log = std::make_shared<TraceLog>();
        auto db = openSqlite(dir, JournalMode::Wal, log);
        QVERIFY(db);
        QVERIFY(sqlite3_vfs_find("txscope-trace"));
        QVERIFY(QString(sqlite3_vfs_find(nullptr)->zName) != QString("txscope-trace"));

        auto c = db->connect();
        QCOMPARE_ROWS(*c, "PRAGMA mmap_size = 1048576", "1048576");
        MUST(*c, "CREATE TABLE x(v); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i "
                 "< 500) "
                 "INSERT INTO x SELECT randomblob(100) FROM n; PRAGMA wal_checkpoint(TRUNCATE)");
        QCOMPARE_ROWS(*c, "SELECT count(*), sum(length(v)) FROM x", "500|50000");
        // The connection's file was traced all along: its WAL locks are in the log.
        bool sawWrite = false;
        for (const Event& e : log->snapshot())
            sawWrite |= e.connection == c->id() && e.kind == EventKind::LockAcquire &&
                        e.a == static_cast<std::int64_t>(LockResource::ShmWrite);
        QVERIFY(sawWrite);
    }

    // Cached statements survive schema changes: SQLite re-prepares them.
    void cachedStatementsFollowSchemaChanges()
    {
        QTemporaryDir dir;
        auto db = openSqlite(dir, JournalMode::Delete, std::make_shared<TraceLog>());
        QVERIFY(db);
        auto a = db->connect();
        auto b = db->connect();
        MUST(*a, "CREATE TABLE x(v); INSERT INTO x VALUES (1)");
        QCOMPARE_ROWS(*b, "SELECT * FROM x", "1");
        MUST(*a, "ALTER TABLE x ADD COLUMN w DEFAULT 9");
        QCOMPARE_ROWS(*b, "SELECT * FROM x", "1|9");
    }

    void statementSplittingAndKinds()
    {
        using namespace txs::sqlite;
        QCOMPARE(firstStatementLength("SELECT 1; SELECT 2"), std::size_t{9});
        QCOMPARE(firstStatementLength("SELECT ';'; SELECT 2"), std::size_t{11});
        QCOMPARE(firstStatementLength("SELECT 1"), std::size_t{8});
        const std::string trigger = "CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; SELECT 2; END;";
        QCOMPARE(firstStatementLength(trigger + " SELECT 3"), trigger.size());
        QCOMPARE(skipSpaceAndComments("  -- c\n /* d */ SELECT"), std::size_t{16});

        QCOMPARE(classifyStatement("BEGIN").beginMode, TxMode::Deferred);
        QCOMPARE(classifyStatement("begin immediate transaction").beginMode, TxMode::Immediate);
        QCOMPARE(classifyStatement("BEGIN EXCLUSIVE").beginMode, TxMode::Exclusive);
        QCOMPARE(classifyStatement("BEGIN CONCURRENT").concurrentEnd, std::optional<std::size_t>(16));
        QCOMPARE(classifyStatement("END TRANSACTION").kind, StatementKind::Commit);
        QCOMPARE(classifyStatement("ROLLBACK").kind, StatementKind::Rollback);
        QCOMPARE(classifyStatement("ROLLBACK TRANSACTION TO sp").kind, StatementKind::Other);
        QCOMPARE(classifyStatement("ROLLBACK TO sp").kind, StatementKind::Other);
        QCOMPARE(classifyStatement("SAVEPOINT sp").kind, StatementKind::Savepoint);
        QCOMPARE(classifyStatement("PRAGMA busy_timeout").kind, StatementKind::BusyTimeout);
        QCOMPARE(classifyStatement("PRAGMA busy_timeout = '40';").busyTimeout, std::optional<int>(40));
        QCOMPARE(classifyStatement("PRAGMA busy_timeout(-1)").busyTimeout, std::optional<int>(-1));
        QCOMPARE(classifyStatement("PRAGMA busy_timeout = x").kind, StatementKind::Other); // left to SQLite
        QCOMPARE(classifyStatement("PRAGMA journal_mode = wal").kind, StatementKind::JournalMode);
        QCOMPARE(classifyStatement("pragma main.journal_mode('DELETE')").kind, StatementKind::JournalMode);
        QCOMPARE(classifyStatement("PRAGMA journal_mode").kind, StatementKind::Other); // a query
        QCOMPARE(classifyStatement("PRAGMA other.journal_mode = wal").kind, StatementKind::Other);
        QCOMPARE(displayText("  SELECT 1 ;\n"), std::string("SELECT 1"));
    }

    void statementCacheEvictsLeastRecentlyUsed()
    {
        sqlite3* db = nullptr;
        QCOMPARE(sqlite3_open(":memory:", &db), SQLITE_OK);
        {
            sqlite::StatementCache cache(2);
            const auto prepare = [db](const char* sql) {
                sqlite::CachedStatement s;
                sqlutil::prepare(db, sql, s.stmt, nullptr, SQLITE_PREPARE_PERSISTENT);
                return s;
            };
            cache.insert("SELECT 1", prepare("SELECT 1"));
            cache.insert("SELECT 2", prepare("SELECT 2"));
            QVERIFY(cache.find("SELECT 1")); // now the most recently used
            cache.insert("SELECT 3", prepare("SELECT 3"));
            QCOMPARE(cache.size(), std::size_t{2});
            QVERIFY(cache.find("SELECT 1"));
            QVERIFY(!cache.find("SELECT 2"));
            QVERIFY(cache.find("SELECT 3"));
            sqlite3_stmt* stmt = cache.find("SELECT 3")->stmt.get();
            QVERIFY(stmt);
            QCOMPARE(QString(sqlite3_sql(stmt)), QString("SELECT 3"));
            // The evicted statement was finalized: only two remain on the handle.
            int live = 0;
            for (sqlite3_stmt* s = sqlite3_next_stmt(db, nullptr); s; s = sqlite3_next_stmt(db, s))
                ++live;
            QCOMPARE(live, 2);
        }
        QCOMPARE(sqlite3_close(db), SQLITE_OK); // every statement was finalized
    }
};

QTEST_GUILESS_MAIN(TestSqliteBackend)
#include "tst_sqlite_backend.moc"
