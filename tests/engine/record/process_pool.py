# A process pool: four forked workers each write rows into one WAL database (busy_timeout 10 s).
# Every worker must land in the one recording.
import multiprocessing, sqlite3, sys

def work(args):
    db, worker = args
    c = sqlite3.connect(db, timeout=10.0, isolation_level=None)
    for i in range(5):
        c.execute("BEGIN IMMEDIATE")
        c.execute("INSERT INTO t VALUES(?, ?)", (worker, i))
        c.execute("COMMIT")
    c.close()
    return worker

if __name__ == "__main__":
    db = sys.argv[1]
    setup = sqlite3.connect(db)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE IF NOT EXISTS t(worker, i)")
    setup.commit()
    setup.close()
    with multiprocessing.get_context("fork").Pool(4) as pool:
        assert sorted(pool.map(work, [(db, w) for w in range(4)])) == [0, 1, 2, 3]
    check = sqlite3.connect(db)
    assert check.execute("SELECT count(*) FROM t").fetchone()[0] == 20
