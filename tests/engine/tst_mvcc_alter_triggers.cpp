// ALTER TABLE of a table a trigger names, on the MVCC engine: SQLite rewrites the triggers in the
// scratch schema where it plans the ALTER (engine/mvcc/AlterPlan.cpp), the store keeps them with the
// table (MvccAlter.cpp, MvccTxRebuild.cpp) and the file's (FileAlter.cpp). Each form runs on the
// engine and on a plain SQLite 3.40.1 handle: the same outcome (SQLite's "error in trigger ... after
// drop column" for a DROP COLUMN a trigger reads), then the same rows written by the triggers
// afterwards. On a file, the checkpointed sqlite_schema holds the trigger text stock SQLite writes
// for the same script in WAL mode, after autocommit ALTERs, ALTERs inside BEGIN, and recovery from
// the log after a crash. Every test here failed before: each of these ALTERs was refused ("... while
// trigger X names the table").

#include "engine/api/Database.h"
#include "support/PlainSqlite.h"
#include "support/SideBySide.h"
#include "support/TestDb.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <sqlite3.h>

using namespace txs;
using test::plainSqlite;

namespace {

// Audit triggers of every timing and event on t, reading its columns (NEW.x, OLD.y, UPDATE OF x,
// WHEN clauses), and a trigger on another table whose body writes t.
const char* const kSchema[] = {
    "CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER, y TEXT, z INTEGER)",
    "CREATE TABLE audit (n INTEGER PRIMARY KEY, what TEXT, v)",
    "CREATE TABLE other (id INTEGER PRIMARY KEY, a)",
    "CREATE TRIGGER t_bi BEFORE INSERT ON t WHEN NEW.x > 0 BEGIN INSERT INTO audit(what, v) VALUES ('bi', "
    "NEW.x); END",
    "CREATE TRIGGER t_ai AFTER INSERT ON t BEGIN INSERT INTO audit(what, v) VALUES ('ai', NEW.y); END",
    "CREATE TRIGGER t_bu BEFORE UPDATE OF x ON t BEGIN INSERT INTO audit(what, v) VALUES ('bu', OLD.x || "
    "'->' || NEW.x); END",
    "CREATE TRIGGER t_au AFTER UPDATE ON t WHEN OLD.y IS NOT NEW.y BEGIN INSERT INTO audit(what, v) VALUES "
    "('au', NEW.y); END",
    "CREATE TRIGGER t_bd BEFORE DELETE ON t BEGIN INSERT INTO audit(what, v) VALUES ('bd', OLD.x); END",
    "CREATE TRIGGER t_ad AFTER DELETE ON t BEGIN INSERT INTO audit(what, v) VALUES ('ad', OLD.id); END",
    "CREATE TRIGGER o_ai AFTER INSERT ON other BEGIN INSERT INTO t(x, y) VALUES (NEW.a, 'from other'); "
    "UPDATE t SET x = x + 1 WHERE x = NEW.a; END",
    "INSERT INTO t (x, y, z) VALUES (1, 'a', 10)",
};

// The names after an ALTER, for the statements that exercise the triggers.
struct Names
{
    std::string t = "t", x = "x", y = "y", other = "other", a = "a", audit = "audit";
};

// Every trigger fires: BEFORE/AFTER INSERT, UPDATE OF x and one that is not (t_bu stays quiet),
// DELETE, and the trigger on `other` writing t (whose own triggers fire in turn). Each statement
// meets a row: the engine runs a trigger's body when a row fires it, so a body that no longer
// compiles fails only then, where SQLite fails the statement at prepare (docs/engine.md).
std::vector<std::string> workload(const Names& n)
{
    return {"INSERT INTO " + n.t + " (" + n.x + ", " + n.y + ") VALUES (5, 'b')",
            "UPDATE " + n.t + " SET " + n.x + " = 7, " + n.y + " = 'c' WHERE id IN (SELECT id FROM " + n.t +
                " LIMIT 2)",
            "UPDATE " + n.t + " SET " + n.y + " = 'd' WHERE id IN (SELECT id FROM " + n.t + " LIMIT 2)",
            "INSERT INTO " + n.other + " (" + n.a + ") VALUES (9)",
            "DELETE FROM " + n.t + " WHERE id = (SELECT min(id) FROM " + n.t + ")"};
}

const char* const kTriggersSql =
    "SELECT name, tbl_name, sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY name";

// Runs `script` on a plain SQLite file in WAL mode: the reference for what the checkpointed file holds.
QString sqliteFile(const QString& path, const std::vector<std::string>& script)
{
    sqlite3* db = nullptr;
    if (sqlite3_open(path.toUtf8().constData(), &db) != SQLITE_OK) {
        sqlite3_close(db);
        return "cannot open";
    }
    QString outcomes;
    sqlite3_exec(db, "PRAGMA journal_mode = WAL", nullptr, nullptr, nullptr);
    for (const auto& sql : script)
        outcomes += test::sqliteOutcome(db, sql) + ";";
    sqlite3_close(db);
    return outcomes;
}

std::vector<std::string> schemaScript()
{
    return {std::begin(kSchema), std::end(kSchema)};
}

// Runs `script` on the MVCC file `path`: a checkpoint after the schema when the script starts with
// it (the triggers are then real triggers in x.db for the ALTERs to rewrite), every statement,
// then a checkpoint; or, with `crashCopy`, no final checkpoint but x.db and its log copied there
// with the handle still open (what a crash leaves). False, with a warning, when a statement fails.
bool runOnFile(const QString& path, const std::vector<std::string>& script, const QString& crashCopy = {})
{
    auto file = test::openMvccFile(path.toStdString());
    if (!file) return false;
    auto f = file->connect("f");
    const bool withSchema = script.size() > std::size(kSchema) && script[0] == kSchema[0];
    for (std::size_t i = 0; i < script.size(); ++i) {
        if (withSchema && i == std::size(kSchema) && !f->execute("PRAGMA wal_checkpoint").ok()) return false;
        auto r = f->execute(script[i]);
        if (!r.ok()) {
            qWarning("%s: %s", script[i].c_str(), r.error->describe().c_str());
            return false;
        }
    }
    if (crashCopy.isEmpty()) return f->execute("PRAGMA wal_checkpoint").ok();
    QFile::remove(crashCopy);
    QFile::remove(crashCopy + "-log");
    return QFile::copy(path, crashCopy) && QFile::copy(path + "-log", crashCopy + "-log");
}

// The same answer from the checkpointed MVCC file and the WAL reference, read by plain SQLite.
#define SAME_IN_FILES(mvcc, wal, sql) QCOMPARE(plainSqlite((mvcc), (sql)), plainSqlite((wal), (sql)))

} // namespace

class TestMvccAlterTriggers : public QObject, public test::SideBySide
{
    Q_OBJECT

    QTemporaryDir dir;

    void forms()
    {
        QTest::addColumn<QString>("alter");
        QTest::addColumn<QStringList>("names"); // t, x, y, other, a, audit afterwards
        const QStringList same{"t", "x", "y", "other", "a", "audit"};
        QTest::newRow("add column") << "ALTER TABLE t ADD COLUMN w TEXT" << same;
        QTest::newRow("rename column x")
            << "ALTER TABLE t RENAME COLUMN x TO xx" << QStringList{"t", "xx", "y", "other", "a", "audit"};
        QTest::newRow("rename column y")
            << "ALTER TABLE t RENAME y TO yy" << QStringList{"t", "x", "yy", "other", "a", "audit"};
        QTest::newRow("rename to") << "ALTER TABLE t RENAME TO t2"
                                   << QStringList{"t2", "x", "y", "other", "a", "audit"};
        // SQLite: "error in trigger t_bi after drop column: no such column: NEW.x".
        QTest::newRow("drop column a trigger reads") << "ALTER TABLE t DROP COLUMN x" << same;
        QTest::newRow("drop column y") << "ALTER TABLE t DROP COLUMN y" << same;
        QTest::newRow("drop column no trigger names") << "ALTER TABLE t DROP COLUMN z" << same;
        // The triggers of t write audit and the trigger of other is on it: theirs are rewritten.
        QTest::newRow("rename audit column") << "ALTER TABLE audit RENAME COLUMN v TO vv" << same;
        QTest::newRow("rename audit")
            << "ALTER TABLE audit RENAME TO audit2" << QStringList{"t", "x", "y", "other", "a", "audit2"};
        QTest::newRow("rename other column") << "ALTER TABLE other RENAME COLUMN a TO aa"
                                             << QStringList{"t", "x", "y", "other", "aa", "audit"};
        QTest::newRow("rename other")
            << "ALTER TABLE other RENAME TO other2" << QStringList{"t", "x", "y", "other2", "a", "audit"};
        // SQLite takes it (no trigger is on audit); the triggers writing audit.v then fail when
        // they fire: "table audit has no column named v", and so does the statement.
        QTest::newRow("drop audit column the triggers write") << "ALTER TABLE audit DROP COLUMN v" << same;
    }

    // As both(), but a statement whose trigger fails: the engine's message names the trigger
    // before SQLite's own ("INSERT of trigger t_bi: table audit has no column named v").
    void bothFiring(const std::string& sql)
    {
        const QString expected = test::sqliteOutcome(reference, sql);
        const QString actual = test::engineOutcome(*c, sql);
        if (expected == "ok" || actual == expected) {
            QCOMPARE(actual, expected);
            return;
        }
        QVERIFY2(actual.contains(" of trigger ") && actual.endsWith(": " + expected),
                 qPrintable(actual + " / " + expected));
    }

    static Names namesOf(const QStringList& l)
    {
        return {l[0].toStdString(), l[1].toStdString(), l[2].toStdString(),
                l[3].toStdString(), l[4].toStdString(), l[5].toStdString()};
    }

private slots:
    void init() { open(); }
    void cleanup() { close(); }

    void eachFormLikeSqlite_data() { forms(); }
    void eachFormLikeSqlite()
    {
        QFETCH(QString, alter);
        QFETCH(QStringList, names);
        for (const char* sql : kSchema)
            both(sql);
        both(alter.toStdString());
        const Names n = namesOf(names);
        for (const auto& sql : workload(n))
            bothFiring(sql);
        sameRows("SELECT * FROM " + n.audit + " ORDER BY n");
        sameRows("SELECT * FROM " + n.t + " ORDER BY id");
    }

    // Inside BEGIN ... COMMIT (the table is rebuilt in the transaction's private catalog): the
    // triggers fire as rewritten within the transaction and after it. ROLLBACK restores them (the
    // rolled-back transaction writes no row: the engine does not hand out a rowid twice, SQLite
    // does).
    void insideATransactionLikeSqlite_data() { forms(); }
    void insideATransactionLikeSqlite()
    {
        QFETCH(QString, alter);
        QFETCH(QStringList, names);
        for (const char* sql : kSchema)
            both(sql);
        const Names n = namesOf(names);
        both("BEGIN");
        both(alter.toStdString());
        sameRows("SELECT * FROM " + n.t + " ORDER BY id");
        both("ROLLBACK");
        for (const auto& sql : workload(Names{}))
            bothFiring(sql);
        both("BEGIN");
        both(alter.toStdString());
        for (const auto& sql : workload(n))
            bothFiring(sql);
        both("COMMIT");
        sameRows("SELECT * FROM " + n.audit + " ORDER BY n");
        for (const auto& sql : workload(n))
            bothFiring(sql);
        sameRows("SELECT * FROM " + n.audit + " ORDER BY n");
        sameRows("SELECT * FROM " + n.t + " ORDER BY id");
    }

    // The checkpointed file's sqlite_schema holds the triggers as stock SQLite rewrites them for the
    // same script (WAL mode), autocommit or inside BEGIN; the file reopens with them working.
    void checkpointedFileHoldsSqlitesTriggerText_data()
    {
        QTest::addColumn<bool>("inTransaction");
        QTest::newRow("autocommit") << false;
        QTest::newRow("inside BEGIN") << true;
    }
    void checkpointedFileHoldsSqlitesTriggerText()
    {
        QFETCH(bool, inTransaction);
        const QString mvccPath = dir.filePath(inTransaction ? "tx.db" : "auto.db");
        const QString walPath = dir.filePath(inTransaction ? "tx-wal.db" : "auto-wal.db");
        // RENAME COLUMN, RENAME TO (of t and of the table the triggers write), ADD and DROP COLUMN.
        std::vector<std::string> alters = {
            "ALTER TABLE t RENAME COLUMN x TO xx", "ALTER TABLE t RENAME TO t2",
            "ALTER TABLE audit RENAME TO log",     "ALTER TABLE t2 ADD COLUMN w",
            "ALTER TABLE t2 DROP COLUMN z",        "ALTER TABLE other RENAME a TO aa"};
        if (inTransaction) {
            alters.insert(alters.begin(), "BEGIN");
            alters.push_back("COMMIT");
        }
        const Names n{"t2", "xx", "y", "other", "aa", "log"};
        std::vector<std::string> script = schemaScript();
        script.insert(script.end(), alters.begin(), alters.end());
        const auto after = workload(n);
        script.insert(script.end(), after.begin(), after.end());
        QString expected;
        for (std::size_t i = 0; i < script.size(); ++i)
            expected += "ok;";
        QCOMPARE(sqliteFile(walPath, script), expected);
        QVERIFY(runOnFile(mvccPath, script));
        QCOMPARE(plainSqlite(mvccPath, "PRAGMA integrity_check"), QString("ok"));
        SAME_IN_FILES(mvccPath, walPath, kTriggersSql);
        SAME_IN_FILES(mvccPath, walPath, "SELECT * FROM log ORDER BY n");
        SAME_IN_FILES(mvccPath, walPath, "SELECT * FROM t2 ORDER BY id");
        // Reopened from the file alone: the triggers fire as rewritten.
        QVERIFY(runOnFile(mvccPath, after));
        QCOMPARE(sqliteFile(walPath, after), QString("ok;ok;ok;ok;ok;"));
        SAME_IN_FILES(mvccPath, walPath, "SELECT * FROM log ORDER BY n");
    }

    // A crash after COMMIT of a transaction that altered the tables (its frame only in the log):
    // recovery replays the rewritten triggers; they fire, and the checkpoint writes SQLite's text.
    void recoveredFromTheLogAfterACrash()
    {
        const QString path = dir.filePath("crash-live.db");
        const QString copy = dir.filePath("crash.db");
        const QString walPath = dir.filePath("crash-wal.db");
        const std::vector<std::string> alters = {"BEGIN", "ALTER TABLE t RENAME COLUMN y TO label",
                                                 "ALTER TABLE other RENAME TO src",
                                                 "ALTER TABLE t RENAME TO items", "COMMIT"};
        const Names n{"items", "x", "label", "src", "a", "audit"};
        std::vector<std::string> script = schemaScript();
        script.insert(script.end(), alters.begin(), alters.end());
        sqliteFile(walPath, script);
        QVERIFY(runOnFile(path, script, copy));
        const auto after = workload(n);
        QVERIFY(runOnFile(copy, after)); // recovered from x.db and the log
        QCOMPARE(sqliteFile(walPath, after), QString("ok;ok;ok;ok;ok;"));
        QCOMPARE(plainSqlite(copy, "PRAGMA integrity_check"), QString("ok"));
        SAME_IN_FILES(copy, walPath, kTriggersSql);
        SAME_IN_FILES(copy, walPath, "SELECT * FROM audit ORDER BY n");
        SAME_IN_FILES(copy, walPath, "SELECT * FROM items ORDER BY id");
    }
};

QTEST_GUILESS_MAIN(TestMvccAlterTriggers)
#include "tst_mvcc_alter_triggers.moc"
