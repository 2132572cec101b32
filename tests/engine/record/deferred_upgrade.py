# Two processes on one rollback-journal database: A reads in a deferred transaction, B (a
# forked child) takes RESERVED with BEGIN IMMEDIATE and writes; A then writes -> SQLITE_BUSY at
# once (deferred upgrade deadlock). Pipes order the steps: no sleeps.
import os, sqlite3, sys
db = sys.argv[1]
setup = sqlite3.connect(db); setup.execute("CREATE TABLE IF NOT EXISTS t(x)"); setup.execute("INSERT INTO t VALUES(1)"); setup.commit(); setup.close()
r1, w1 = os.pipe()  # A -> B: A holds SHARED
r2, w2 = os.pipe()  # B -> A: B holds RESERVED
pid = os.fork()
if pid == 0:
    os.read(r1, 1)
    b = sqlite3.connect(db, timeout=5.0, isolation_level=None)
    b.execute("BEGIN IMMEDIATE")
    b.execute("INSERT INTO t VALUES(2)")
    os.write(w2, b"x")
    b.execute("COMMIT")  # waits for A's SHARED to go
    b.close()
    os._exit(0)
a = sqlite3.connect(db, timeout=5.0, isolation_level=None)
a.execute("BEGIN")
a.execute("SELECT count(*) FROM t").fetchall()
os.write(w1, b"x")
os.read(r2, 1)
try:
    a.execute("INSERT INTO t VALUES(3)")
    print("no error", file=sys.stderr)
except sqlite3.OperationalError as e:
    print("A:", e, file=sys.stderr)
a.execute("ROLLBACK")
a.close()
os.waitpid(pid, 0)
