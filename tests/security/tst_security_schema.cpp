// A database file and its MVCC log are untrusted input: the CREATE TABLE statements stored in
// __txscope_mvcc_meta and in the log's frames are parsed as data and rebuilt, never run as
// given. A crafted file or log is refused with a message that names it; what it asked for
// (a file created elsewhere, a tokenizer pointer) does not happen, and the file is unchanged.

#include "engine/api/Database.h"
#include "engine/mvcc/LogFormat.h"
#include "engine/mvcc/SchemaReader.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>
#include <sqlite3.h>

using namespace txs;

namespace {

QByteArray sha256(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

// An MVCC database file as TxScope writes it, with `storedSql` as a table's recorded schema.
// Built with the plain C API: the attacker's tool, not TxScope.
bool craftMvccFile(const QString& path, const std::string& storedSql)
{
    sqlite3* db = nullptr;
    if (sqlite3_open(path.toUtf8().constData(), &db) != SQLITE_OK) return false;
    sqlite3_stmt* insert = nullptr;
    bool ok =
        sqlite3_exec(db,
                     "CREATE TABLE __txscope_mvcc_meta(key TEXT PRIMARY KEY, sql TEXT, ts INTEGER NOT NULL);"
                     "INSERT INTO __txscope_mvcc_meta VALUES ('checkpoint', NULL, 0);"
                     "CREATE TABLE t(a);",
                     nullptr, nullptr, nullptr) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "INSERT INTO __txscope_mvcc_meta VALUES ('table:t', ?1, 1)", -1, &insert,
                           nullptr) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(insert, 1, storedSql.c_str(), -1, SQLITE_TRANSIENT);
        ok = sqlite3_step(insert) == SQLITE_DONE;
    }
    sqlite3_finalize(insert);
    sqlite3_close(db);
    return ok;
}

// The salt x.db carries once TxScope wrote to it: a log must carry the same to be replayed, so
// the hostile frame below reaches the schema check instead of being refused as a foreign log.
std::uint64_t saltOf(const QString& dbPath)
{
    sqlite3* db = nullptr;
    std::uint64_t salt = 0;
    if (sqlite3_open_v2(dbPath.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db, "SELECT ts FROM __txscope_mvcc_meta WHERE key = 'log-salt'", -1, &st,
                               nullptr) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            salt = static_cast<std::uint64_t>(sqlite3_column_int64(st, 0));
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return salt;
}

// A log whose one frame creates `createSql` as a table (or, `asView`, as a view).
bool writeLog(const QString& dbPath, const std::string& createSql, bool asView = false)
{
    const std::uint64_t salt = saltOf(dbPath);
    if (salt == 0) return false;
    mvcc::FrameWriter frame(1);
    if (asView)
        frame.createView("t", createSql);
    else
        frame.createTable("t", createSql);
    QFile f(dbPath + "-log");
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return false;
    const std::string bytes = mvcc::encodeLogHeader(salt) + frame.finish();
    return f.write(bytes.data(), static_cast<qint64>(bytes.size())) == static_cast<qint64>(bytes.size());
}

} // namespace

class SecuritySchema : public QObject
{
    Q_OBJECT

private slots:
    void hostileStoredSql_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<bool>("makesFile"); // %1 in sql is the path a successful attack creates
        QTest::newRow("second statement attaches") << "CREATE TABLE t(a); ATTACH DATABASE '%1' AS x" << true;
        QTest::newRow("vacuum into") << "VACUUM INTO '%1'" << true;
        QTest::newRow("tokenizer pointer") << "SELECT fts3_tokenizer('evil', x'4141414141414141')" << false;
        QTest::newRow("create then tokenizer")
            << "CREATE TABLE t(a); SELECT fts3_tokenizer('evil', x'4141414141414141')" << false;
        QTest::newRow("virtual table") << "CREATE VIRTUAL TABLE t USING fts3(tokenize=evil)" << false;
        QTest::newRow("trigger") << "CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; END" << false;
        QTest::newRow("temp table") << "CREATE TEMP TABLE t(a)" << false;
        QTest::newRow("not sql") << "\x1b[2J" << false;
    }

    // The reader on its own: refused, and the attack's file is not created.
    void hostileStoredSql()
    {
        QFETCH(QString, sql);
        QFETCH(bool, makesFile);
        QTemporaryDir dir;
        const QString evil = dir.filePath("evil.db");
        Error error;
        QVERIFY(!mvcc::readTableSchema(QString(sql).replace("%1", evil).toStdString(), error));
        QVERIFY(!error.message.empty());
        if (makesFile) QVERIFY(!QFileInfo::exists(evil));
    }

    // Through --db: the meta table of a crafted file.
    void hostileMetaRefused_data() { hostileStoredSql_data(); }
    void hostileMetaRefused()
    {
        QFETCH(QString, sql);
        QTemporaryDir dir;
        const QString path = dir.filePath("crafted.db");
        const QString evil = dir.filePath("evil.db");
        QVERIFY(craftMvccFile(path, QString(sql).replace("%1", evil).toStdString()));
        const QByteArray before = sha256(path);
        Error error;
        auto db = Database::open(path.toStdString(), {JournalMode::Mvcc, nullptr}, &error);
        QVERIFY(!db);
        QVERIFY2(QString::fromStdString(error.message).contains("__txscope_mvcc_meta"),
                 error.message.c_str());
        QVERIFY(!QFileInfo::exists(evil));
        QCOMPARE(sha256(path), before);
    }

    // Through the log: a CREATE TABLE frame that is not one TxScope writes.
    void hostileLogRefused_data() { hostileStoredSql_data(); }
    void hostileLogRefused()
    {
        QFETCH(QString, sql);
        QTemporaryDir dir;
        const QString path = dir.filePath("x.db");
        const QString evil = dir.filePath("evil.db");
        {
            auto db = Database::open(path.toStdString(), {JournalMode::Mvcc, nullptr});
            QVERIFY(db);
            // A first write gives x.db its meta table and salt (a read-only open writes nothing).
            QVERIFY(db->connect("setup")->execute("CREATE TABLE seed(a INTEGER PRIMARY KEY)").ok());
        }
        QVERIFY(writeLog(path, QString(sql).replace("%1", evil).toStdString()));
        Error error;
        auto db = Database::open(path.toStdString(), {JournalMode::Mvcc, nullptr}, &error);
        QVERIFY(!db);
        QVERIFY2(QString::fromStdString(error.message).contains("CREATE TABLE that TxScope does not write"),
                 error.message.c_str());
        QVERIFY(!QFileInfo::exists(evil));
    }

    // A view's stored text must be one CREATE VIEW: the hostile set, and a view with a second
    // statement, are refused by the reader and in a log frame, the attack's file not created.
    void hostileViewSqlRefused_data()
    {
        hostileStoredSql_data();
        QTest::newRow("view then attach") << "CREATE VIEW t AS SELECT 1; ATTACH DATABASE '%1' AS x" << true;
        QTest::newRow("temp view") << "CREATE TEMP VIEW t AS SELECT 1" << false;
        QTest::newRow("a table") << "CREATE TABLE t(a)" << false;
    }
    void hostileViewSqlRefused()
    {
        QFETCH(QString, sql);
        QTemporaryDir dir;
        const QString evil = dir.filePath("evil.db");
        const std::string text = QString(sql).replace("%1", evil).toStdString();
        Error error;
        QVERIFY(!mvcc::readViewSchema(text, error));
        QVERIFY(!error.message.empty());
        const QString path = dir.filePath("x.db");
        {
            auto db = Database::open(path.toStdString(), {JournalMode::Mvcc, nullptr});
            QVERIFY(db);
            QVERIFY(db->connect("setup")->execute("CREATE TABLE seed(a INTEGER PRIMARY KEY)").ok());
        }
        QVERIFY(writeLog(path, text, true));
        auto db = Database::open(path.toStdString(), {JournalMode::Mvcc, nullptr}, &error);
        QVERIFY(!db);
        QVERIFY2(QString::fromStdString(error.message).contains("CREATE VIEW that TxScope does not write"),
                 error.message.c_str());
        QVERIFY(!QFileInfo::exists(evil));
    }

    // What is stored is rebuilt from the parsed structure: names quoted, one statement.
    void rebuiltFromStructure()
    {
        Error error;
        auto schema = mvcc::readTableSchema(
            "create table if not exists Accounts -- a comment\n (id integer primary key, v text not null "
            "default 'x', n INT DEFAULT (1+2))",
            error);
        QVERIFY2(schema, error.message.c_str());
        QCOMPARE(QString::fromStdString(schema->createSql),
                 QString("CREATE TABLE \"Accounts\"(\"id\" INTEGER PRIMARY KEY, \"v\" TEXT NOT NULL DEFAULT "
                         "('x'), \"n\" INT DEFAULT (1+2))"));
        // ... and reads back as the same table.
        auto again = mvcc::readTableSchema(schema->createSql, error);
        QVERIFY(again);
        QCOMPARE(again->createSql, schema->createSql);
    }

    // A log that TxScope itself wrote still opens: the engine's own tables round-trip.
    void ownLogReopens()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("x.db");
        {
            auto db = Database::open(path.toStdString(), {JournalMode::Mvcc, nullptr});
            QVERIFY(db);
            auto c = db->connect("T1");
            QVERIFY(c->execute("CREATE TABLE \"odd name\"(id INTEGER PRIMARY KEY, v TEXT DEFAULT 'a')").ok());
            QVERIFY(c->execute("INSERT INTO \"odd name\"(id) VALUES (1)").ok());
            QVERIFY(c->execute("PRAGMA wal_checkpoint").ok());
            QVERIFY(c->execute("CREATE TABLE t2(x)").ok()); // in the log only
        }
        Error error;
        auto db = Database::open(path.toStdString(), {JournalMode::Mvcc, nullptr}, &error);
        QVERIFY2(db, error.message.c_str());
        auto c = db->connect("T1");
        const auto r = c->execute("SELECT id, v FROM \"odd name\"");
        QVERIFY2(r.ok(), r.ok() ? "" : r.error->describe().c_str());
        QCOMPARE(QString::fromStdString(r.rowsText()), QString("1|a"));
        QVERIFY(c->execute("SELECT count(*) FROM t2").ok());
    }
};

QTEST_GUILESS_MAIN(SecuritySchema)
#include "tst_security_schema.moc"
