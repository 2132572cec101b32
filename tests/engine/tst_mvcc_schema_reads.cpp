// What the schema reads show on an MVCC connection: the user's schema, as stock SQLite 3.40.1
// shows it (docs/engine.md, "What the schema reads show on an MVCC connection"). Each user table
// is a virtual table of the connection's private handle; sqlite_schema, the schema pragmas and
// their table-valued forms are answered from the connection's schema mirror instead
// (engine/sql/SchemaMirror.h, SchemaReads.h). The same schema is made on both, then each read
// is compared row for row. sqlite_schema.sql of a table and of an index on plain columns is the
// text the engine stores (and the checkpoint writes), not the user's: compared for views,
// triggers and a partial index only.

#include "engine/sql/SchemaReads.h"
#include "support/PlainSqlite.h"
#include "support/SideBySide.h"
#include "support/TestDb.h"

#include <QTemporaryDir>
#include <QTest>
#include <sqlite3.h>

using namespace txs;

namespace {

const char* const schemaScript[] = {
    "CREATE TABLE parent (id INTEGER PRIMARY KEY AUTOINCREMENT, label TEXT UNIQUE)",
    "CREATE TABLE t (a INT, b TEXT NOT NULL DEFAULT 'z', c UNIQUE, d CHECK (d > 0), "
    "e REFERENCES parent(id) ON DELETE CASCADE, PRIMARY KEY (a, b))",
    "CREATE INDEX t_c ON t(c)",
    "CREATE INDEX t_big_d ON t(d) WHERE d > 5",
    "CREATE VIEW t_view AS SELECT a, b FROM t WHERE d > 1",
    "CREATE TRIGGER t_added AFTER INSERT ON t BEGIN INSERT INTO parent(label) VALUES ('from ' || new.a); END",
    "INSERT INTO parent(label) VALUES ('one'), ('two')",
    "INSERT INTO t VALUES (1, 'x', 10, 7, 1)",
};

} // namespace

class TestMvccSchemaReads : public QObject, public test::SideBySide
{
    Q_OBJECT

    void makeSchema()
    {
        for (const char* sql : schemaScript)
            both(sql);
    }

private slots:
    void init() { open(); }
    void cleanup() { close(); }

    void sqliteSchemaListsTheUsersObjects()
    {
        makeSchema();
        sameRows("SELECT type, name, tbl_name FROM sqlite_schema ORDER BY name");
        sameRows("SELECT type, name, tbl_name FROM sqlite_master ORDER BY name");
        sameRows("SELECT type, name, tbl_name FROM main.sqlite_schema ORDER BY name");
        sameRows("SELECT type, name FROM \"sqlite_schema\" WHERE type = 'index' ORDER BY name");
        // SQLite's own text of a view, a trigger and an index on an expression or partial.
        sameRows("SELECT name, sql FROM sqlite_schema WHERE type IN ('view', 'trigger') OR name = 't_big_d' "
                 "ORDER BY name");
        sameRows("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND sql IS NULL");
        // Writes stay refused as SQLite refuses them.
        both("DELETE FROM sqlite_schema WHERE name = 't'");
        both("UPDATE main.sqlite_master SET name = 'u'");
    }

    void schemaPragmasDescribeTheRealTables()
    {
        makeSchema();
        sameRows("PRAGMA table_info(t)");
        sameRows("PRAGMA main.table_info(t)");
        sameRows("PRAGMA table_xinfo(parent)");
        sameRows("PRAGMA index_list(t)");
        sameRows("PRAGMA index_list(parent)");
        sameRows("PRAGMA index_info(t_c)");
        sameRows("PRAGMA index_xinfo(sqlite_autoindex_t_1)");
        sameRows("PRAGMA index_xinfo(t_big_d)");
        sameRows("PRAGMA foreign_key_list(t)");
    }

    void tableValuedPragmasToo()
    {
        makeSchema();
        sameRows("SELECT * FROM pragma_table_info('t')");
        sameRows("SELECT name, pk FROM pragma_table_info('t', 'main') ORDER BY pk, name");
        sameRows("SELECT * FROM pragma_index_list('t')");
        sameRows("SELECT * FROM pragma_index_info('t_c')");
        sameRows("SELECT * FROM pragma_index_xinfo('sqlite_autoindex_parent_1')");
        sameRows("SELECT * FROM pragma_foreign_key_list('t')");
        sameRows("SELECT m.name, p.name, p.\"notnull\", p.pk FROM sqlite_schema AS m "
                 "JOIN pragma_table_info(m.name) AS p WHERE m.type = 'table' ORDER BY 1, 2");
        sameRows("SELECT m.name, i.name, i.origin FROM sqlite_schema m, pragma_index_list(m.name) i "
                 "ORDER BY 1, 2");
    }

    void sqliteSequenceHoldsTheAutoincrementCounters()
    {
        sameRows("SELECT * FROM sqlite_sequence"); // no such table on both
        makeSchema();
        sameRows("SELECT name, seq FROM sqlite_sequence ORDER BY name");
        sameRows("SELECT name, seq FROM main.sqlite_sequence ORDER BY name");
        both("INSERT INTO parent(label) VALUES ('three')");
        both("DELETE FROM parent WHERE label = 'three'");
        sameRows("SELECT name, seq FROM sqlite_sequence ORDER BY name");
        // The engine keeps the counters itself: a write to sqlite_sequence is refused, named.
        const Result r = c->execute("UPDATE sqlite_sequence SET seq = 100");
        QVERIFY(!r.ok());
        QVERIFY(r.error->message.find("sqlite_sequence") != std::string::npos);
    }

    void aStringLiteralIsNotRewritten()
    {
        makeSchema();
        both("CREATE TABLE notes (x TEXT)");
        both(
            "INSERT INTO notes SELECT 'sqlite_schema: ' || count(*) FROM sqlite_schema WHERE type = 'index'");
        both("INSERT INTO notes VALUES ('main.sqlite_master'), ('pragma_table_info(''t'')')");
        sameRows("SELECT x FROM notes ORDER BY x");
        sameRows("SELECT 'sqlite_schema', \"x\" FROM notes WHERE x LIKE 'pragma_%'");
    }

    void theMirrorFollowsDdl()
    {
        makeSchema();
        // Autocommit: CREATE INDEX, ALTER TABLE, DROP.
        both("CREATE UNIQUE INDEX parent_label_id ON parent(label, id)");
        sameRows("PRAGMA index_list(parent)");
        both("ALTER TABLE t ADD COLUMN f TEXT NOT NULL DEFAULT 'new'");
        sameRows("PRAGMA table_info(t)");
        both("ALTER TABLE t RENAME COLUMN c TO c2");
        sameRows("PRAGMA index_info(t_c)");
        both("ALTER TABLE t RENAME TO t2");
        sameRows("SELECT type, name, tbl_name FROM sqlite_schema ORDER BY name");
        sameRows("PRAGMA index_list(t2)");
        both("DROP INDEX t_c");
        both("DROP VIEW t_view");
        sameRows("SELECT type, name, tbl_name FROM sqlite_schema ORDER BY name");
        both("DROP TABLE t2");
        sameRows("SELECT type, name, tbl_name FROM sqlite_schema ORDER BY name");
        sameRows("PRAGMA table_info(t2)");
        both("DROP TABLE parent"); // the last table: the mirror empties too
        // (SQLite keeps sqlite_sequence once made; the mirror has it while an AUTOINCREMENT table does.)
        sameRows("SELECT count(*) FROM sqlite_schema WHERE name <> 'sqlite_sequence'");
    }

    void ddlInsideATransactionShowsToItsConnectionOnly()
    {
        makeSchema();
        auto other = db->connect("b");
        const std::string indexes = "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL "
                                    "ORDER BY name";
        QCOMPARE_ROWS(*other, indexes, "t_big_d, t_c");
        MUST(*c, "BEGIN");
        MUST(*c, "CREATE INDEX t_d ON t(d)");
        MUST(*c, "CREATE TABLE later (k INTEGER PRIMARY KEY, v TEXT NOT NULL)");
        QCOMPARE_ROWS(*c, indexes, "t_big_d, t_c, t_d");
        QCOMPARE_ROWS(*c, "SELECT name, \"notnull\" FROM pragma_table_info('later')", "k|0, v|1");
        QCOMPARE_ROWS(*other, indexes, "t_big_d, t_c");
        QCOMPARE_ROWS(*other, "SELECT count(*) FROM pragma_table_info('later')", "0");
        MUST(*c, "COMMIT");
        QCOMPARE_ROWS(*other, indexes, "t_big_d, t_c, t_d");
        QCOMPARE_ROWS(*other, "SELECT name, \"notnull\" FROM pragma_table_info('later')", "k|0, v|1");

        // A transaction keeps the schema it began with: another connection's DDL shows after it.
        MUST(*other, "BEGIN");
        QCOMPARE_ROWS(*other, "SELECT count(*) FROM parent", "3");
        MUST(*c, "CREATE INDEX later_v ON later(v)");
        QCOMPARE_ROWS(*other, "SELECT count(*) FROM pragma_index_list('later')", "0");
        MUST(*other, "COMMIT");
        QCOMPARE_ROWS(*other, "SELECT name FROM pragma_index_list('later')", "later_v");
    }

    // The rewrite itself (SchemaReads.h): names only, never text inside literals or quoted names.
    void theRewriteTouchesNamesOnly()
    {
        auto rewrite = [](const std::string& sql) {
            const auto read = sql::pointAtSchemaMirror(sql, sqlutil::classify(sql));
            return read ? QString::fromStdString(read->sql) : QString("unchanged");
        };
        QCOMPARE(rewrite("SELECT name FROM sqlite_schema"),
                 QString("SELECT name FROM txscope_schema.sqlite_schema"));
        QCOMPARE(rewrite("SELECT * FROM Main.SQLITE_MASTER m"),
                 QString("SELECT * FROM txscope_schema.SQLITE_MASTER m"));
        QCOMPARE(rewrite("SELECT * FROM temp.sqlite_schema"), QString("unchanged"));
        QCOMPARE(rewrite("INSERT INTO t VALUES ('sqlite_schema', 'pragma_table_info(x)')"),
                 QString("unchanged"));
        QCOMPARE(rewrite("SELECT \"sqlite_schema x\" FROM t"), QString("unchanged"));
        QCOMPARE(rewrite("PRAGMA table_info(t)"), QString("PRAGMA txscope_schema.table_info(t)"));
        QCOMPARE(rewrite("PRAGMA main.index_list('t')"), QString("PRAGMA txscope_schema.index_list('t')"));
        QCOMPARE(rewrite("PRAGMA journal_mode"), QString("unchanged"));
        QCOMPARE(rewrite("SELECT * FROM pragma_table_info('t') JOIN pragma_index_list(lower('T'), 'main')"),
                 QString("SELECT * FROM pragma_table_info('t', 'txscope_schema') JOIN "
                         "pragma_index_list(lower('T'), 'txscope_schema')"));
        QCOMPARE(
            rewrite("SELECT * FROM pragma_table_info((SELECT max(name) FROM sqlite_master))"),
            QString("SELECT * FROM pragma_table_info((SELECT max(name) FROM txscope_schema.sqlite_master), "
                    "'txscope_schema')"));
        QCOMPARE(rewrite("SELECT * FROM sqlite_sequence"), QString("SELECT * FROM sqlite_sequence"));
        QCOMPARE(rewrite("SELECT * FROM t WHERE x = 1"), QString("unchanged"));
    }

    void anExistingFileShowsItsOwnSchema()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("app.db");
        std::string script;
        for (const char* sql : schemaScript)
            script += std::string(sql) + ";";
        QCOMPARE(test::plainScript(path, script), QString());
        const char* queries[] = {
            "SELECT type, name, tbl_name FROM sqlite_schema ORDER BY name",
            "SELECT name, sql FROM sqlite_schema WHERE type IN ('view', 'trigger') ORDER BY name",
            "SELECT * FROM pragma_table_info('t')",
            "SELECT * FROM pragma_index_list('t')",
            "SELECT * FROM pragma_foreign_key_list('t')",
        };
        QStringList expected;
        for (const char* q : queries)
            expected << test::plainSqlite(path, q);
        Error error;
        auto file = test::openFile(path, &error);
        QVERIFY2(file, error.message.c_str());
        auto conn = file->connect("a");
        for (std::size_t i = 0; i < std::size(queries); ++i)
            QCOMPARE(test::engineRows(*conn, queries[i]), expected[static_cast<int>(i)]);
    }
};

QTEST_GUILESS_MAIN(TestMvccSchemaReads)
#include "tst_mvcc_schema_reads.moc"
