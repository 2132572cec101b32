#!/bin/bash
# The product path against SQLite, in one run: single-row INSERT transactions
# (INSERT INTO t (w, i, payload) VALUES (w, i, 'payload of a typical small row')) by 1, 4, 16
# and 64 writers, at synchronous NORMAL and FULL, four ways:
#   capi      SQLite WAL through its own C API (sqlite3_exec, BEGIN IMMEDIATE, busy_timeout):
#             the baseline every ratio is against (bench_mvcc_vs_sqlite ... capi)
#   sqlite-cli  SQLite WAL through `txscope-cli run` (tracing VFS, the runner, bound $worker/$iter)
#   mvcc-api  the MVCC engine on a file through the engine API (bench_mvcc_vs_sqlite ... mvcc)
#   mvcc-cli  the MVCC engine through `txscope-cli run` with --trace (the Chrome trace written)
# Every database is a fresh file in DIR. Ratios are tx/s over capi's; peak RSS is VmHWM (the
# benchmark resets it per variant; the CLI's is the process's, from /usr/bin/time).
#
# usage: bench/compare.sh [TOTAL_TRANSACTIONS [DIR]]
#   TOTAL_TRANSACTIONS (default 32000) is split among the writers, so every row costs about the
#   same time whatever the writer count. WRITERS="1 4 16 64" and SYNCS="NORMAL FULL" override the
#   grid; BUILD_DIR overrides build/bench (RelWithDebInfo, built here).
#   At FULL the total is divided by 8: SQLite syncs every commit.
set -e
SOURCE_DIR=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$SOURCE_DIR/build/bench}
TOTAL=${1:-32000}
DIR=${2:-$(mktemp -d)}
WRITERS=${WRITERS:-"1 4 16 64"}
SYNCS=${SYNCS:-"NORMAL FULL"}
mkdir -p "$DIR"
cmake -S "$SOURCE_DIR" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTXSCOPE_BUILD_GUI=OFF >/dev/null
cmake --build "$BUILD_DIR" -j2 --target bench_mvcc_vs_sqlite txscope-cli >/dev/null
BENCH=$BUILD_DIR/bench/bench_mvcc_vs_sqlite
CLI=$BUILD_DIR/app/txscope-cli

# bench_mvcc_vs_sqlite's line for one engine: "tx/s peak_kb"
bench() { # ENGINE SYNC WRITERS PER_WRITER
    local case=insert-normal
    [ "$2" = FULL ] && case=insert-full
    BENCH_WRITERS=$3 "$BENCH" "$4" "$DIR" "$case" "$1" |
        sed -n 's/.* \([0-9.]*\) tx\/s .*peak RSS *\([0-9]*\) KB.*/\1 \2/p' | head -n 1
}

# txscope-cli run of the same workload: "tx/s peak_kb"
cli() { # MODE SYNC WRITERS PER_WRITER [--trace]
    local begin="BEGIN IMMEDIATE"
    [ "$1" = mvcc ] && begin="BEGIN CONCURRENT"
    local sync
    sync=$(echo "$2" | tr 'A-Z' 'a-z')
    cat >"$DIR/compare.txs" <<TXS
journal_mode: $1
synchronous: $sync
busy_timeout: 10000
setup:
  CREATE TABLE t (id INTEGER PRIMARY KEY, w INT, i INT, payload TEXT);
workers writer x$3 repeat $4 retry(conflict, busy; max 100000, backoff none):
  $begin;
  INSERT INTO t (w, i, payload) VALUES (\$worker, \$iter, 'payload of a typical small row');
  COMMIT;
TXS
    rm -rf "$DIR/cli.db" "$DIR/cli.db-log" "$DIR/cli.db-wal" "$DIR/cli.db-shm" "$DIR/trace.json"
    local extra=""
    [ -n "$5" ] && extra="--trace $DIR/trace.json"
    /usr/bin/time -v "$CLI" run "$DIR/compare.txs" --json --db "$DIR/cli.db" $extra >"$DIR/out.json" 2>"$DIR/time.txt" || true
    local tps rss
    tps=$(sed -n 's/.*"throughput_tps": \([0-9.]*\).*/\1/p' "$DIR/out.json")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$DIR/time.txt")
    echo "${tps:-0} ${rss:-0}"
    rm -f "$DIR/trace.json"
}

date -u '+measured %Y-%m-%d %H:%M UTC'
echo "total $TOTAL transactions per cell (FULL: $((TOTAL / 8))), files in $DIR, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-7s %4s | %9s | %9s %5s | %9s %5s | %9s %5s | %s\n' sync wrk "capi tx/s" "sqlite-cli" ratio \
    "mvcc-api" ratio "mvcc-cli" ratio "peak RSS MB capi/sqlite-cli/mvcc-api/mvcc-cli"
for sync in $SYNCS; do
    for w in $WRITERS; do
        total=$TOTAL
        [ "$sync" = FULL ] && total=$((TOTAL / 8))
        per=$(((total + w - 1) / w))
        read -r capi capi_kb <<<"$(bench capi "$sync" "$w" "$per")"
        read -r scli scli_kb <<<"$(cli wal "$sync" "$w" "$per")"
        read -r mapi mapi_kb <<<"$(bench mvcc "$sync" "$w" "$per")"
        read -r mcli mcli_kb <<<"$(cli mvcc "$sync" "$w" "$per" trace)"
        ratio() { awk -v a="$1" -v b="$capi" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
        printf '%-7s %4d | %9.0f | %9.0f %5s | %9.0f %5s | %9.0f %5s | %d/%d/%d/%d\n' "$sync" "$w" "$capi" \
            "$scli" "$(ratio "$scli")" "$mapi" "$(ratio "$mapi")" "$mcli" "$(ratio "$mcli")" \
            $((capi_kb / 1024)) $((scli_kb / 1024)) $((mapi_kb / 1024)) $((mcli_kb / 1024))
    done
done
