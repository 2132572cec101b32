# A writer that holds RESERVED until the test lets it go: BEGIN IMMEDIATE, INSERT, then it reads
# one line from the FIFO argv[2] (a barrier: open() blocks until the test opens it for writing,
# the read until the test writes). Then COMMIT, and it exits 0; "fail" makes it exit 3.
import sqlite3
import sys

db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA journal_mode = DELETE")
db.execute("CREATE TABLE IF NOT EXISTS t(x)")
db.execute("BEGIN IMMEDIATE")
db.execute("INSERT INTO t VALUES (1)")
with open(sys.argv[2]) as barrier:
    word = barrier.readline().strip()
db.execute("COMMIT")
db.close()
sys.exit(3 if word == "fail" else 0)
