# A writer waits through its busy_timeout: A holds SHARED in a read transaction; B's COMMIT needs
# EXCLUSIVE, SQLite's busy handler sleeps until B's 300 ms run out, COMMIT fails with BUSY and B's
# transaction stays open; once A has ended its read, B's second COMMIT succeeds.
import os, sqlite3, sys
db = sys.argv[1]
setup = sqlite3.connect(db); setup.execute("CREATE TABLE IF NOT EXISTS t(x)"); setup.commit(); setup.close()
r1, w1 = os.pipe()  # A -> B: A holds SHARED
r2, w2 = os.pipe()  # B -> A: B's COMMIT failed
r3, w3 = os.pipe()  # A -> B: A's read ended
pid = os.fork()
if pid == 0:
    os.read(r1, 1)
    b = sqlite3.connect(db, timeout=0.3, isolation_level=None)
    b.execute("BEGIN IMMEDIATE")
    b.execute("INSERT INTO t VALUES(1)")
    try:
        b.execute("COMMIT")
        print("B: COMMIT did not wait", file=sys.stderr)
    except sqlite3.OperationalError as e:
        print("B:", e, file=sys.stderr)
    os.write(w2, b"x")
    os.read(r3, 1)
    b.execute("COMMIT")
    b.close()
    os._exit(0)
a = sqlite3.connect(db, timeout=5.0, isolation_level=None)
a.execute("BEGIN")
a.execute("SELECT count(*) FROM t").fetchall()
os.write(w1, b"x")
os.read(r2, 1)
a.execute("COMMIT")
os.write(w3, b"x")
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
