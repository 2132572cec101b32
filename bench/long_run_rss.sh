#!/bin/bash
# Peak RSS of a long insert run through the product path against the RSS of its live rows alone
# (issue 17: "peak RSS of a 16 x 200,000 run <= 2x the RSS of the live rows alone, with and
# without --trace").
#   1. `txscope-cli run` of WRITERS x PER_WRITER single-row INSERT transactions (the workload of
#      bench/compare.sh, MVCC on a file, synchronous NORMAL), without and with --trace;
#   2. the live rows alone: the finished database opened again by `txscope-cli run` of one
#      SELECT count(*) (every row is loaded into memory at open, nothing else is running).
# Peak RSS is /usr/bin/time's maximum resident set size.
#
# usage: bench/long_run_rss.sh [PER_WRITER [WRITERS [DIR]]]     (default 200000 16 a temp dir)
#   BUILD_DIR overrides build/default. SAMPLER=/tmp/memory_sampler.so (bench/memory_sampler.c,
#   built as its comment says) also prints where the run's memory is at its peak.
set -e
SOURCE_DIR=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$SOURCE_DIR/build/default}
PER=${1:-200000}
WRITERS=${2:-16}
DIR=${3:-$(mktemp -d)}
CLI=$BUILD_DIR/app/txscope-cli
mkdir -p "$DIR"

cat >"$DIR/insert.txs" <<TXS
journal_mode: mvcc
synchronous: normal
setup:
  CREATE TABLE t (id INTEGER PRIMARY KEY, w INT, i INT, payload TEXT);
workers writer x$WRITERS repeat $PER retry(conflict, busy; max 100000, backoff none):
  BEGIN CONCURRENT;
  INSERT INTO t (w, i, payload) VALUES (\$worker, \$iter, 'payload of a typical small row');
  COMMIT;
TXS
cat >"$DIR/count.txs" <<TXS
journal_mode: mvcc
A: SELECT count(*) FROM t;
TXS

peak() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }
seconds() { sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$1"; }

echo "$(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg), $WRITERS x $PER inserts"
for trace in no yes; do
    rm -f "$DIR"/run.db*
    extra=""
    [ $trace = yes ] && extra="--trace $DIR/trace.json"
    /usr/bin/time -v env ${SAMPLER:+LD_PRELOAD=$SAMPLER} "$CLI" run "$DIR/insert.txs" --db "$DIR/run.db" --json $extra \
        >"$DIR/run.json" 2>"$DIR/time.txt" || true
    run_kb=$(peak "$DIR/time.txt")
    run_time=$(seconds "$DIR/time.txt")
    tps=$(sed -n 's/.*"throughput_tps": \([0-9.]*\).*/\1/p' "$DIR/run.json")
    /usr/bin/time -v "$CLI" run "$DIR/count.txs" --db "$DIR/run.db" >"$DIR/count.out" 2>"$DIR/time2.txt" || true
    rows_kb=$(peak "$DIR/time2.txt")
    echo "--trace $trace: peak RSS $((run_kb / 1024)) MB in $run_time (${tps:-?} tx/s); live rows alone $((rows_kb / 1024)) MB;" \
        "ratio $(awk -v a="$run_kb" -v b="$rows_kb" 'BEGIN { printf "%.2f", a / b }')"
    [ -n "$SAMPLER" ] && { grep '^memory at the RSS peak' "$DIR/time.txt" || true; }
    rm -f "$DIR/trace.json"
done
