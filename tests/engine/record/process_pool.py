# Four forked worker processes each write rows into one WAL database (busy_timeout 10 s).
# Every worker must land in the one recording. Explicit processes, not a Pool: a Pool may hand
# all four tasks to one fast worker, and an idle worker never opens the database, so the number
# of processes the recording sees would depend on scheduling.
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
    fork = multiprocessing.get_context("fork")
    workers = [fork.Process(target=work, args=((db, w),)) for w in range(4)]
    for p in workers:
        p.start()
    for p in workers:
        p.join()
        assert p.exitcode == 0, p.exitcode
    check = sqlite3.connect(db)
    assert check.execute("SELECT count(*) FROM t").fetchone()[0] == 20
