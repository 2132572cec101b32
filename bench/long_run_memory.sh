#!/bin/sh
# Peak memory of a long durable run, before and after bounding it: the same workload (8 writers
# of single-row UPDATE transactions on an MVCC database file, --db) through two txscope-cli
# binaries, at growing lengths. A peak that grows with the run's length is a leak for a run of
# any length; a flat one is bounded. Peak RSS from /usr/bin/time -v (VmHWM).
#
# usage: bench/long_run_memory.sh OLD_CLI NEW_CLI [REPEATS...]   (default repeats: 5000 10000 20000)
#   OLD_CLI: e.g. a build of the commit before the trace window; NEW_CLI: this tree's.
#   TRACE=1 also passes --trace (the export: in memory before, streamed after).
set -e
OLD=$1
NEW=$2
shift 2 || { echo "usage: $0 OLD_CLI NEW_CLI [REPEATS...]" >&2; exit 2; }
[ $# -gt 0 ] || set -- 5000 10000 20000
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT

printf '%-8s %-10s %-8s %12s %10s %12s %14s\n' cli per_wrk tx events wall_s peak_rss_mb events_dropped
for repeat in "$@"; do
    cat >"$DIR/long.txs" <<TXS
journal_mode: mvcc
synchronous: normal
setup:
  CREATE TABLE IF NOT EXISTS counters (id INTEGER PRIMARY KEY, n INT);
  INSERT OR IGNORE INTO counters VALUES (0, 0), (1, 0), (2, 0), (3, 0), (4, 0), (5, 0), (6, 0), (7, 0);
workers writer x8 repeat $repeat retry(conflict, busy; max 1000):
  BEGIN CONCURRENT;
  UPDATE counters SET n = n + 1 WHERE id = \$worker;
  COMMIT;
TXS
    for which in old new; do
        [ $which = old ] && cli=$OLD || cli=$NEW
        rm -f "$DIR"/db*
        extra=""
        [ -n "$TRACE" ] && extra="--trace $DIR/trace.json"
        /usr/bin/time -v "$cli" run "$DIR/long.txs" --json --db "$DIR/db" $extra >"$DIR/out.json" 2>"$DIR/time.txt" || true
        rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$DIR/time.txt")
        wall=$(sed -n 's/.*"wall_ms": \([0-9.]*\).*/\1/p' "$DIR/out.json")
        events=$(sed -n 's/.*"events": \([0-9]*\).*/\1/p' "$DIR/out.json")
        dropped=$(sed -n 's/.*"events_dropped": \([0-9]*\).*/\1/p' "$DIR/out.json")
        printf '%-8s %-10s %-8s %12s %10.1f %12d %14s\n' $which $repeat $((repeat * 8)) "${events:-?}" \
            "$(echo "${wall:-0} / 1000" | bc -l)" $((rss / 1024)) "${dropped:--}"
    done
done
