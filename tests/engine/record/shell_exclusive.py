# The sqlite3 command-line shell holds BEGIN EXCLUSIVE while this process reads: the read fails
# with SQLITE_BUSY (no busy_timeout). The shell says when it holds the lock with .print.
import sqlite3, subprocess, sys
db = sys.argv[1]
setup = sqlite3.connect(db); setup.execute("CREATE TABLE IF NOT EXISTS t(x)"); setup.commit(); setup.close()
shell = subprocess.Popen(["sqlite3", db], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
shell.stdin.write("BEGIN EXCLUSIVE;\nINSERT INTO t VALUES(1);\n.print held\n")
shell.stdin.flush()
assert shell.stdout.readline().strip() == "held"
reader = sqlite3.connect(db, timeout=0, isolation_level=None)
try:
    reader.execute("SELECT count(*) FROM t").fetchall()
    print("reader: no error", file=sys.stderr)
except sqlite3.OperationalError as e:
    print("reader:", e, file=sys.stderr)
reader.close()
shell.stdin.write("COMMIT;\n.quit\n")
shell.stdin.close()
sys.exit(shell.wait())
