# A tiny "web app": two worker processes serve "requests" against one SQLite database, the way a
# pre-forking web server does. Each request reads an account and writes it back in one
# transaction that starts with a plain BEGIN (what most ORMs send). Under load some requests
# fail with "database is locked". Run it under the recorder to see why:
#
#     txscope-cli record -o webapp.txsession -- python3 webapp.py app.db
#     python3 webapp.py app.db --immediate       # the fix: BEGIN IMMEDIATE
import multiprocessing, sqlite3, sys

REQUESTS = 200

def serve(db, worker, begin):
    conn = sqlite3.connect(db, timeout=5.0, isolation_level=None)
    failed = 0
    for request in range(REQUESTS):
        account = request % 10
        try:
            conn.execute(begin)
            (balance,) = conn.execute("SELECT balance FROM accounts WHERE id = ?", (account,)).fetchone()
            conn.execute("UPDATE accounts SET balance = ? WHERE id = ?", (balance + 1, account))
            conn.execute("COMMIT")
        except sqlite3.OperationalError as error:
            failed += 1
            print(f"worker {worker}, request {request}: {error}", file=sys.stderr)
            conn.execute("ROLLBACK")
    conn.close()
    return failed

if __name__ == "__main__":
    db = sys.argv[1]
    begin = "BEGIN IMMEDIATE" if "--immediate" in sys.argv else "BEGIN"
    setup = sqlite3.connect(db)
    setup.execute("CREATE TABLE IF NOT EXISTS accounts(id INTEGER PRIMARY KEY, balance INTEGER)")
    setup.executemany("INSERT OR IGNORE INTO accounts VALUES (?, 0)", [(i,) for i in range(10)])
    setup.commit()
    setup.close()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        failures = pool.starmap(serve, [(db, w, begin) for w in range(2)])
    print(f"{sum(failures)} of {2 * REQUESTS} requests failed", file=sys.stderr)
    sys.exit(1 if sum(failures) else 0)
