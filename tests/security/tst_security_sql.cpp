// A workload's SQL is untrusted input (docs/security.md): on every journal mode it may change
// only the run's own database. Each attack of issue 16 is reproduced here and its effect must
// be absent: ATTACH and VACUUM INTO create no file, fts3_tokenizer hands no pointer to FTS3,
// load_extension loads nothing. --allow-attach (OpenOptions::allowAttach) opts back in.

#include "engine/api/Database.h"
#include "engine/api/Error.h"
#include "engine/api/JournalMode.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace txs;

namespace {

std::shared_ptr<Database> openIn(const QTemporaryDir& dir, JournalMode mode, bool allowAttach = false)
{
    Error error;
    auto db = Database::open(dir.filePath("run.db").toStdString(), {mode, nullptr, allowAttach}, &error);
    if (!db) qWarning("open failed: %s", error.describe().c_str());
    return db;
}

} // namespace

class SecuritySql : public QObject
{
    Q_OBJECT

private slots:
    void modes_data()
    {
        QTest::addColumn<QString>("modeName");
        for (const char* name : {"mvcc", "wal", "delete"})
            QTest::newRow(name) << QString(name);
    }

    void attachCreatesNoFile_data() { modes_data(); }
    void attachCreatesNoFile()
    {
        QFETCH(QString, modeName);
        const JournalMode mode = *parseJournalMode(modeName.toStdString());
        QTemporaryDir dir;
        auto db = openIn(dir, mode);
        QVERIFY(db);
        auto c = db->connect("T1");
        const QString target = dir.filePath("attached.db");
        const auto r = c->execute("ATTACH DATABASE '" + target.toStdString() + "' AS x");
        QVERIFY(!r.ok());
        QVERIFY(!QFileInfo::exists(target));
        // A URI spelling is the same file.
        const auto uri = c->execute("ATTACH 'file:" + target.toStdString() + "?mode=rwc' AS y");
        QVERIFY(!uri.ok());
        QVERIFY(!QFileInfo::exists(target));
        if (mode != JournalMode::Mvcc) {
            // The message says what was refused and how to allow it.
            QVERIFY2(QString::fromStdString(r.error->message).contains("--allow-attach"),
                     r.error->message.c_str());
            QCOMPARE(r.error->code, 23); // SQLITE_AUTH
        }
    }

    void vacuumIntoCreatesNoFile_data() { modes_data(); }
    void vacuumIntoCreatesNoFile()
    {
        QFETCH(QString, modeName);
        const JournalMode mode = *parseJournalMode(modeName.toStdString());
        QTemporaryDir dir;
        auto db = openIn(dir, mode);
        QVERIFY(db);
        auto c = db->connect("T1");
        QVERIFY(c->execute("CREATE TABLE t(x)").ok());
        const QString target = dir.filePath("copy.db");
        QVERIFY(!c->execute("VACUUM INTO '" + target.toStdString() + "'").ok());
        QVERIFY(!QFileInfo::exists(target));
        if (mode != JournalMode::Mvcc) QVERIFY(c->execute("VACUUM").ok()); // plain VACUUM still works
    }

    // The crash: fts3_tokenizer('evil', x'41...') registers a pointer FTS3 then calls.
    // Refused before it is stored, in every mode; the table that would use it is refused too.
    void fts3TokenizerPointerRefused_data() { modes_data(); }
    void fts3TokenizerPointerRefused()
    {
        QFETCH(QString, modeName);
        const JournalMode mode = *parseJournalMode(modeName.toStdString());
        QTemporaryDir dir;
        auto db = openIn(dir, mode);
        QVERIFY(db);
        auto c = db->connect("T1");
        const auto set = c->execute("SELECT fts3_tokenizer('evil', x'4141414141414141')");
        QVERIFY(!set.ok());
        QVERIFY(!c->execute("SELECT fts3_tokenizer('simple')").ok()); // reading one leaks an address
        QVERIFY(!c->execute("CREATE VIRTUAL TABLE f USING fts3(tokenize=evil)").ok());
        // Functions reached through a subquery or a default are refused the same way.
        QVERIFY(!c->execute("SELECT (SELECT fts3_tokenizer('evil', x'4141414141414141'))").ok());
        QVERIFY(c->execute("SELECT 1").ok()); // the connection is still usable
    }

    void loadExtensionRefused_data() { modes_data(); }
    void loadExtensionRefused()
    {
        QFETCH(QString, modeName);
        const JournalMode mode = *parseJournalMode(modeName.toStdString());
        QTemporaryDir dir;
        auto db = openIn(dir, mode);
        QVERIFY(db);
        auto c = db->connect("T1");
        QVERIFY(!c->execute("SELECT load_extension('" + dir.filePath("nothing").toStdString() + "')").ok());
    }

    void processWidePragmasRefused()
    {
        QTemporaryDir dir;
        auto db = openIn(dir, JournalMode::Wal);
        QVERIFY(db);
        auto c = db->connect("T1");
        QVERIFY(!c->execute("PRAGMA temp_store_directory = '" + dir.path().toStdString() + "'").ok());
    }

    // Defensive mode: the schema cannot be rewritten by hand.
    void writableSchemaRefused()
    {
        QTemporaryDir dir;
        auto db = openIn(dir, JournalMode::Wal);
        QVERIFY(db);
        auto c = db->connect("T1");
        QVERIFY(c->execute("CREATE TABLE t(x)").ok());
        c->execute("PRAGMA writable_schema = ON");
        QVERIFY(!c->execute("UPDATE sqlite_schema SET sql = 'CREATE TABLE t(y)' WHERE name = 't'").ok());
    }

    // The opt-in: with allowAttach, ATTACH and VACUUM INTO work on the SQLite journal modes.
    void allowAttachOptsIn()
    {
        QTemporaryDir dir;
        auto db = openIn(dir, JournalMode::Wal, true);
        QVERIFY(db);
        auto c = db->connect("T1");
        const QString target = dir.filePath("attached.db");
        const auto r = c->execute("ATTACH DATABASE '" + target.toStdString() + "' AS x");
        QVERIFY2(r.ok(), r.ok() ? "" : r.error->describe().c_str());
        QVERIFY(c->execute("CREATE TABLE x.t(a)").ok());
        QVERIFY(QFileInfo::exists(target));
        QVERIFY(c->execute("DETACH x").ok());
        // fts3_tokenizer stays refused: the opt-in is about files, not pointers.
        QVERIFY(!c->execute("SELECT fts3_tokenizer('evil', x'4141414141414141')").ok());
    }
};

QTEST_GUILESS_MAIN(SecuritySql)
#include "tst_security_sql.moc"
