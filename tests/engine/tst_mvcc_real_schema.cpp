// A real-world schema on the MVCC engine (issue 15, Tests): a shop of ten tables with secondary
// and UNIQUE indexes, UNIQUE constraints, foreign keys (PRAGMA foreign_keys = ON), CHECKs, a
// view, triggers, a composite and a TEXT primary key, created in a plain file by the stock SQLite
// library, then opened in MVCC mode as `txscope-cli run --db app.db --journal-mode mvcc` does
// (Database::open). Four connections, each on its own thread, run a concurrent workload with
// conflicts on unique values and on foreign keys; the same workload runs on a copy of the file in
// WAL mode. The interleaving is fixed: the test thread hands one statement at a time to one
// client thread and waits for it (a step scheduler), so both engines see the same order and
// nothing depends on timing. Both must end with the same rows and the same outcome for every
// transaction; the checkpointed MVCC file must pass the stock library's integrity_check and
// foreign_key_check, keep its sqlite_schema text, and hold the rows the WAL file holds.
//
// The MVCC connections run serializable (`PRAGMA isolation = 'serializable'`; SQLite ignores the
// pragma and is serializable already): under snapshot isolation a parent deleted while a child of
// it is inserted concurrently both commit (Turso does the same; docs/engine.md, Foreign keys),
// which WAL, one writer at a time, cannot do, so the final rows would differ by design.

#include "engine/api/Database.h"
#include "support/PlainSqlite.h"
#include "support/SideBySide.h"
#include "support/TestDb.h"

#include <QFile>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <sqlite3.h>
#include <thread>

using namespace txs;
using test::engineRows;
using test::sqliteRows;

namespace {

using test::schemaQuery;

const char* shopSchema = R"sql(
CREATE TABLE categories (code TEXT PRIMARY KEY, title TEXT NOT NULL UNIQUE);
CREATE TABLE products (
    id INTEGER PRIMARY KEY,
    sku TEXT NOT NULL UNIQUE,
    category TEXT NOT NULL REFERENCES categories(code),
    title TEXT NOT NULL,
    price REAL NOT NULL CHECK (price >= 0));
CREATE INDEX products_by_category ON products(category, price);
CREATE TABLE warehouses (id INTEGER PRIMARY KEY, city TEXT NOT NULL, name TEXT NOT NULL, UNIQUE (city, name));
CREATE TABLE stock (
    warehouse INTEGER NOT NULL REFERENCES warehouses(id),
    product INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    qty INTEGER NOT NULL DEFAULT 0 CHECK (qty >= 0),
    PRIMARY KEY (warehouse, product));
CREATE INDEX stock_by_product ON stock(product);
CREATE TABLE accounts (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
    joined TEXT NOT NULL DEFAULT '2026-01-01');
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    account INTEGER NOT NULL REFERENCES accounts(id),
    status TEXT NOT NULL DEFAULT 'open',
    total REAL NOT NULL DEFAULT 0);
CREATE INDEX orders_by_account ON orders(account, status);
CREATE TABLE order_lines (
    order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    line INTEGER NOT NULL,
    product INTEGER NOT NULL REFERENCES products(id),
    qty INTEGER NOT NULL CHECK (qty > 0),
    PRIMARY KEY (order_id, line));
CREATE INDEX order_lines_by_product ON order_lines(product);
CREATE TABLE coupons (code TEXT PRIMARY KEY, account INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    percent INTEGER NOT NULL);
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    account INTEGER NOT NULL REFERENCES accounts(id),
    product INTEGER NOT NULL REFERENCES products(id),
    stars INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    UNIQUE (account, product));
CREATE UNIQUE INDEX reviews_by_product ON reviews(product, id);
CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT NOT NULL, order_id INTEGER);
CREATE TRIGGER order_lines_total AFTER INSERT ON order_lines BEGIN
    UPDATE orders SET total = total + NEW.qty * (SELECT price FROM products WHERE id = NEW.product)
    WHERE id = NEW.order_id;
END;
CREATE TRIGGER orders_status AFTER UPDATE OF status ON orders BEGIN
    INSERT INTO audit (what, order_id) VALUES ('status ' || NEW.status, NEW.id);
END;
CREATE VIEW order_totals AS
    SELECT o.id, a.email, o.status, o.total, count(l.line) AS lines
    FROM orders o JOIN accounts a ON a.id = o.account LEFT JOIN order_lines l ON l.order_id = o.id
    GROUP BY o.id;

INSERT INTO categories VALUES ('books', 'Books'), ('games', 'Games'), ('tools', 'Tools');
INSERT INTO products VALUES (1, 'B-100', 'books', 'SQL Basics', 20), (2, 'B-200', 'books', 'MVCC Deep Dive', 35.5),
    (3, 'G-100', 'games', 'Chess', 15), (4, 'T-100', 'tools', 'Hammer', 9.75);
INSERT INTO warehouses VALUES (1, 'Berlin', 'Nord'), (2, 'Berlin', 'Sued'), (3, 'Lyon', 'Centre');
INSERT INTO stock VALUES (1, 1, 10), (1, 2, 5), (2, 3, 7), (3, 4, 2);
INSERT INTO accounts (id, email, name) VALUES (1, 'ann@example.org', 'Ann'), (2, 'bob@example.org', 'Bob'),
    (3, 'cy@example.org', 'Cy');
INSERT INTO orders (id, account) VALUES (1, 1);
INSERT INTO order_lines VALUES (1, 1, 1, 2);
INSERT INTO coupons VALUES ('SPRING', 2, 10);
INSERT INTO reviews VALUES (1, 1, 1, 5);
)sql";

// Every table's rows in a fixed order (audit without its rowid: the MVCC engine hands out rowids
// outside transactions and never reuses one a rolled-back insert took; SQLite takes max + 1).
const std::vector<std::string> finalQueries = {
    "SELECT * FROM categories ORDER BY code",
    "SELECT * FROM products ORDER BY id",
    "SELECT * FROM warehouses ORDER BY id",
    "SELECT * FROM stock ORDER BY warehouse, product",
    "SELECT * FROM accounts ORDER BY id",
    "SELECT * FROM orders ORDER BY id",
    "SELECT * FROM order_lines ORDER BY order_id, line",
    "SELECT * FROM coupons ORDER BY code",
    "SELECT * FROM reviews ORDER BY id",
    "SELECT what, order_id FROM audit ORDER BY order_id, what",
    "SELECT * FROM order_totals ORDER BY id",
};

// Runs SQL with the stock SQLite library on a file; "" or the error's message.
QString plainExec(const QString& path, const char* sql)
{
    sqlite3* db = nullptr;
    if (sqlite3_open(path.toUtf8().constData(), &db) != SQLITE_OK) return "cannot open";
    char* message = nullptr;
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
    const QString text = rc == SQLITE_OK ? QString() : QString::fromUtf8(message ? message : "error");
    sqlite3_free(message);
    sqlite3_close(db);
    return text;
}

QString plainRows(const QString& path, const std::string& sql)
{
    sqlite3* db = nullptr;
    if (sqlite3_open(path.toUtf8().constData(), &db) != SQLITE_OK) return "cannot open";
    const QString rows = sqliteRows(db, sql);
    sqlite3_close(db);
    return rows;
}

// One connection on a thread of its own; step() hands it one statement and waits until it has
// run, so the test thread decides the order of every statement of every client.
class ClientThread
{
public:
    explicit ClientThread(std::unique_ptr<Connection> connection)
        : connection_(std::move(connection)), thread_([this] { loop(); })
    {}
    ~ClientThread()
    {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        changed_.notify_all();
        thread_.join();
    }
    Result step(const std::string& sql)
    {
        std::unique_lock lock(mutex_);
        job_ = sql;
        pending_ = true;
        changed_.notify_all();
        changed_.wait(lock, [this] { return !pending_; });
        return std::move(result_);
    }

private:
    void loop()
    {
        std::unique_lock lock(mutex_);
        for (;;) {
            changed_.wait(lock, [this] { return pending_ || stopping_; });
            if (stopping_) return;
            result_ = connection_->execute(job_);
            pending_ = false;
            changed_.notify_all();
        }
    }

    std::unique_ptr<Connection> connection_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::string job_;
    Result result_;
    bool pending_ = false, stopping_ = false;
    std::thread thread_; // last: started once the members it uses exist
};

// A transaction of the workload: its statements between BEGIN CONCURRENT and COMMIT, or one
// autocommit statement. What the application does on an error: a
// retryable one (busy, conflict) rolls back and runs the transaction again from the start at the
// client's next turn; any other one rolls back and gives up, and its message is the outcome.
struct Transaction
{
    std::string name;
    std::vector<std::string> statements;
    bool autocommit = false;
};

// A round: transactions of different clients, run concurrently in `turns` (a client per step,
// e.g. "0101"), then each client's unfinished transaction to its end, clients in turn.
struct Round
{
    std::vector<std::pair<int, Transaction>> transactions; // client, transaction
    std::string turns;
};

class Client
{
public:
    explicit Client(std::unique_ptr<Connection> connection) : thread_(std::move(connection)) {}

    void start(Transaction tx)
    {
        tx_ = std::move(tx);
        next_ = 0;
        done_ = false;
    }
    bool busy() const { return !done_; }
    ClientThread& thread() { return thread_; }

    // Runs one statement of the transaction; records its outcome when it ends.
    void step(QStringList& outcomes)
    {
        if (done_) return;
        const bool autocommit = tx_.autocommit;
        const std::string sql = autocommit                       ? tx_.statements[0]
                                : next_ == 0                     ? std::string("BEGIN CONCURRENT")
                                : next_ <= tx_.statements.size() ? tx_.statements[next_ - 1]
                                                                 : std::string("COMMIT");
        const Result r = thread_.step(sql);
        if (r.ok()) {
            if (autocommit || sql == "COMMIT")
                finish(outcomes, "committed");
            else
                ++next_;
            return;
        }
        if (!autocommit) thread_.step("ROLLBACK");
        if (isRetryable(*r.error)) {
            ++retries_;
            next_ = 0; // again from BEGIN at the next turn
            return;
        }
        finish(outcomes, QString::fromStdString(r.error->message));
    }
    int retries() const { return retries_; }

private:
    void finish(QStringList& outcomes, const QString& how)
    {
        outcomes << QString::fromStdString(tx_.name) + ": " + how;
        done_ = true;
    }

    ClientThread thread_;
    Transaction tx_;
    std::size_t next_ = 0;
    bool done_ = true;
    int retries_ = 0;
};

Transaction tx(std::string name, std::vector<std::string> statements)
{
    return {std::move(name), std::move(statements)};
}

Transaction autocommit(std::string name, std::string statement)
{
    return {std::move(name), {std::move(statement)}, true};
}

// The workload. Each round pits transactions of different clients against each other; the
// comments say what each engine does, and both must end alike.
std::vector<Round> shopWorkload()
{
    return {
        // Two sign-ups for one email (a UNIQUE column) and one for another. MVCC: both inserts
        // run (neither sees the other), the first COMMIT wins, the second fails with a conflict,
        // and its retry sees the email: UNIQUE constraint failed. WAL: the second writer is busy
        // until the first commits, then the same UNIQUE error.
        {{{0, tx("signup dana",
                 {"INSERT INTO accounts (id, email, name) VALUES (10, 'dana@example.org', 'Dana')",
                  "INSERT INTO coupons VALUES ('WELCOME-10', 10, 15)"})},
          {1, tx("signup dana again",
                 {"INSERT INTO accounts (id, email, name) VALUES (11, 'dana@example.org', 'Dana B')",
                  "INSERT INTO coupons VALUES ('WELCOME-11', 11, 15)"})},
          {2, tx("signup eve",
                 {"INSERT INTO accounts (id, email, name) VALUES (12, 'eve@example.org', 'Eve')"})}},
         "012012012011"},
        // A parent deleted while a child of it is inserted (a foreign key's write skew): the child
        // insert is refused at its retry with FOREIGN KEY constraint failed on both engines.
        {{{0, tx("close cy", {"DELETE FROM accounts WHERE id = 3"})},
          {1, tx("order for cy", {"INSERT INTO orders (id, account) VALUES (20, 3)",
                                  "INSERT INTO order_lines VALUES (20, 1, 3, 1)"})}},
         "0101101"},
        // Two orders taking stock of one product (a composite key's row): the second waits or
        // conflicts, and its retry takes from what the first left.
        {{{2, tx("order 30", {"UPDATE stock SET qty = qty - 2 WHERE warehouse = 1 AND product = 1",
                              "INSERT INTO orders (id, account) VALUES (30, 1)",
                              "INSERT INTO order_lines VALUES (30, 1, 1, 2)"})},
          {3, tx("order 31", {"UPDATE stock SET qty = qty - 3 WHERE warehouse = 1 AND product = 1",
                              "INSERT INTO orders (id, account) VALUES (31, 2)",
                              "INSERT INTO order_lines VALUES (31, 1, 1, 3)",
                              "INSERT INTO order_lines VALUES (31, 2, 2, 1)"})}},
         "2323232323"},
        // More than the stock left: CHECK (qty >= 0) refuses it on both.
        {{{0, tx("order 32", {"INSERT INTO orders (id, account) VALUES (32, 12)",
                              "UPDATE stock SET qty = qty - 6 WHERE warehouse = 1 AND product = 1"})}},
         "0"},
        // One order's status set by a transaction and by an autocommit statement in the middle
        // of it (the trigger writes audit rows). MVCC: the transaction's snapshot is older than
        // the autocommit's write, a conflict, and its retry writes last; WAL: the deferred
        // transaction reads only at its UPDATE, after the write. Both end 'shipped', both audited.
        {{{1, tx("ship 30", {"UPDATE orders SET status = 'shipped' WHERE id = 30"})},
          {0, autocommit("pay 30", "UPDATE orders SET status = 'paid' WHERE id = 30")}},
         "10101"},
        // Two reviews of one product by one account (a UNIQUE (account, product) constraint),
        // and a TEXT primary key taken twice.
        {{{2, tx("review 2/3", {"INSERT INTO reviews VALUES (20, 2, 3, 4)"})},
          {3, tx("review 2/3 again", {"INSERT INTO reviews VALUES (21, 2, 3, 2)"})},
          {0, tx("category toys", {"INSERT INTO categories VALUES ('toys', 'Toys')"})},
          {1, tx("category toys again", {"INSERT INTO categories VALUES ('toys', 'Toys and Games')"})}},
         "23012301230123"},
        // A product deleted (its stock goes by ON DELETE CASCADE) while stock of it is added in
        // another warehouse: the addition's retry finds no parent.
        {{{0, tx("drop hammer", {"DELETE FROM products WHERE id = 4"})},
          {1, tx("stock hammer in Sued", {"INSERT INTO stock VALUES (2, 4, 1)"})}},
         "010101"},
        // A SKU renamed to a value a new product takes concurrently (UNIQUE sku).
        {{{2, tx("rename B-200", {"UPDATE products SET sku = 'B-300' WHERE id = 2"})},
          {3, tx("new B-300", {"INSERT INTO products VALUES (5, 'B-300', 'books', 'Isolation', 12)",
                               "INSERT INTO stock VALUES (3, 5, 4)"})}},
         "232323232"},
        // An account deleted: its coupon's owner is set NULL; an account with orders cannot go.
        {{{1, tx("close bob", {"DELETE FROM accounts WHERE id = 2"})},
          {2,
           tx("close eve", {"DELETE FROM coupons WHERE account = 12", "DELETE FROM accounts WHERE id = 12"})},
          {3, tx("close dana",
                 {"DELETE FROM orders WHERE account = 10", "DELETE FROM accounts WHERE id = 10"})}},
         "1231231231"},
    };
}

struct Run
{
    QStringList outcomes;
    QStringList finalRows;
    int retries = 0;
};

// Runs the workload on `db` with four clients; every client has foreign keys on and runs
// serializable (a no-op on SQLite), and never waits for a lock (busy_timeout 0: the turn order,
// not a timer, decides who goes when).
Run runWorkload(Database& db)
{
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < 4; ++i) {
        auto c = db.connect("client" + std::to_string(i));
        c->setBusyTimeout(0);
        clients.push_back(std::make_unique<Client>(std::move(c)));
        for (const char* setup : {"PRAGMA foreign_keys = ON", "PRAGMA isolation = 'serializable'"}) {
            const Result r = clients.back()->thread().step(setup);
            if (!r.ok()) qWarning("%s: %s", setup, r.error->message.c_str());
        }
    }
    Run run;
    for (auto& round : shopWorkload()) {
        for (auto& [client, t] : round.transactions)
            clients[client]->start(t);
        for (const char turn : round.turns)
            clients[turn - '0']->step(run.outcomes);
        // Then every transaction to its end, clients in turn (a loser's retry after the winner).
        for (bool any = true; any;) {
            any = false;
            for (auto& client : clients)
                if (client->busy()) {
                    client->step(run.outcomes);
                    any = true;
                }
        }
    }
    for (const auto& client : clients)
        run.retries += client->retries();
    auto reader = db.connect("reader");
    for (const auto& query : finalQueries)
        run.finalRows << engineRows(*reader, query);
    return run;
}

std::shared_ptr<Database> openAs(const QString& path, JournalMode mode)
{
    OpenOptions options;
    options.journalMode = mode;
    Error error;
    auto db = Database::open(path.toStdString(), options, &error);
    if (!db) qWarning("cannot open %s: %s", qPrintable(path), error.message.c_str());
    return db;
}

} // namespace

class TestMvccRealSchema : public QObject
{
    Q_OBJECT

    QTemporaryDir dir;

private slots:
    void aShopWorkloadEndsAsOnWalAndLeavesASoundFile()
    {
        const QString mvccPath = dir.filePath("shop.db"), walPath = dir.filePath("shop-wal.db");
        // The stock library makes the file, as an application would have.
        QCOMPARE(plainExec(mvccPath, shopSchema), QString());
        QVERIFY(QFile::copy(mvccPath, walPath));
        const QString schemaBefore = plainRows(mvccPath, schemaQuery);
        QVERIFY(schemaBefore.count("CREATE TABLE") == 10);

        Run onWal, onMvcc;
        {
            auto db = openAs(walPath, JournalMode::Wal);
            QVERIFY(db);
            onWal = runWorkload(*db);
        }
        {
            auto db = openAs(mvccPath, JournalMode::Mvcc);
            QVERIFY(db);
            onMvcc = runWorkload(*db);
            auto c = db->connect();
            // The file's indexes serve the workload's lookups (no scan).
            QVERIFY(
                test::queryPlan(*c, "SELECT id FROM orders WHERE account = 1").contains("orders_by_account"));
            QVERIFY(test::queryPlan(*c, "SELECT id FROM accounts WHERE email = 'x'").contains("INDEX"));
            QVERIFY(!c->execute("PRAGMA wal_checkpoint").error);
        }

        // Every transaction ended alike: committed, or refused with the same error (in whatever
        // order: MVCC refuses a loser at its COMMIT, WAL at its first write).
        onMvcc.outcomes.sort();
        onWal.outcomes.sort();
        QCOMPARE(onMvcc.outcomes, onWal.outcomes);
        QCOMPARE(onMvcc.finalRows, onWal.finalRows);
        // The workload did meet what it is about (so the comparison is not of two quiet runs).
        for (const char* expected :
             {"signup dana again: UNIQUE constraint failed: accounts.email",
              "order for cy: FOREIGN KEY constraint failed", "order 32: CHECK constraint failed: qty >= 0",
              "review 2/3 again: UNIQUE constraint failed: reviews.account, reviews.product",
              "category toys again: UNIQUE constraint failed: categories.code",
              "stock hammer in Sued: FOREIGN KEY constraint failed",
              "new B-300: UNIQUE constraint failed: products.sku", "close bob: FOREIGN KEY constraint failed",
              "order 31: committed", "close dana: committed"})
            QVERIFY2(onMvcc.outcomes.contains(expected), qPrintable(onMvcc.outcomes.join("\n")));
        QVERIFY(onMvcc.retries > 0 && onWal.retries > 0);

        // The checkpointed file, read by the stock library: sound, same schema, same rows as WAL's.
        QCOMPARE(plainRows(mvccPath, "PRAGMA integrity_check"), QString("ok"));
        QCOMPARE(plainRows(mvccPath, "PRAGMA foreign_key_check"), QString());
        QCOMPARE(plainRows(mvccPath, schemaQuery), schemaBefore);
        for (const auto& query : finalQueries)
            QCOMPARE(plainRows(mvccPath, query), plainRows(walPath, query));
        // And the stock library enforces the same constraints on it.
        QVERIFY(
            !plainExec(mvccPath, "INSERT INTO accounts (id, email, name) VALUES (99, 'ann@example.org', 'x')")
                 .isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestMvccRealSchema)
#include "tst_mvcc_real_schema.moc"
