// Node with better-sqlite3 (its own SQLite compiled in: the probe sees only lock calls). Two
// connections in two processes, no busy timeout: the parent reads in a deferred transaction
// (SHARED) and, holding it, runs a child (spawnSync: the parent waits, its lock stays) whose
// BEGIN IMMEDIATE; INSERT takes RESERVED and whose COMMIT cannot get EXCLUSIVE: SQLITE_BUSY.
// No timing is involved. (Two connections of one process would conflict inside SQLite without
// a lock call the kernel refuses: POSIX locks are per process.) Output goes to stderr: stdout
// carries record's JSON.
const Database = require("better-sqlite3");
const { spawnSync } = require("child_process");
const path = process.argv[2];
if (process.argv[3] === "child") {
    const b = new Database(path, { timeout: 0 });
    b.exec("BEGIN IMMEDIATE");
    b.exec("INSERT INTO t VALUES (1)");
    try {
        b.exec("COMMIT");
        console.error("B committed: no SQLITE_BUSY");
        process.exit(1);
    } catch (e) {
        console.error("B: " + e.code);
    }
    b.exec("ROLLBACK");
    b.close();
    process.exit(0);
}
const a = new Database(path, { timeout: 0 });
a.pragma("journal_mode = DELETE");
a.exec("CREATE TABLE IF NOT EXISTS t(x)");
a.exec("BEGIN");
a.prepare("SELECT count(*) FROM t").get();
const child = spawnSync(process.execPath, [__filename, path, "child"], { stdio: "inherit" });
a.exec("COMMIT");
a.close();
process.exit(child.status);
