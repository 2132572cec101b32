// Node with better-sqlite3 (its own SQLite compiled in: the probe sees only lock calls). One
// write transaction on a rollback-journal database goes through every lock level.
const Database = require("better-sqlite3");
const db = new Database(process.argv[2]);
db.pragma("journal_mode = DELETE");
db.exec("CREATE TABLE IF NOT EXISTS t(x)");
db.exec("BEGIN IMMEDIATE; INSERT INTO t VALUES (1); COMMIT;");
db.close();
