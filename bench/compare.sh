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
# benchmark resets it per variant; the CLI's is the process's, from /usr/bin/time). p50 is the
# median transaction latency (capi: BEGIN to COMMIT, retries included; mvcc-cli: the runner's).
# At FULL the disk's own rate is measured before each row (bench_mvcc_vs_sqlite ... fsync: small
# appends each followed by fdatasync, one thread) and "ceil%" is mvcc-cli's tx/s as a share of
# WRITERS x that rate: what group commit could reach if every sync served every writer; "c/s" is
# mvcc-api's commits per fdatasync of its log (how many committers a sync served). The load
# average is printed per row: on a loaded machine the FULL figures are the scheduler's as much as
# the disk's (a thread woken by its fdatasync waits for a core), so judge them on a quiet one.
#
# usage: bench/compare.sh [TOTAL_TRANSACTIONS [DIR]]
#   TOTAL_TRANSACTIONS (default 32000) is split among the writers, so every row costs about the
#   same time whatever the writer count. WRITERS="1 4 16 64" and SYNCS="NORMAL FULL" override the
#   grid (the writer sweep of issue 18: WRITERS="1 2 4 8 16 32 64" SYNCS=FULL); BUILD_DIR
#   overrides build/bench (RelWithDebInfo, built here). At FULL the total is divided by 8:
#   SQLite syncs every commit. REPEATS=3 runs the grid three times (issue 17 judges the min and
#   median of three runs).
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

# bench_mvcc_vs_sqlite's line for one engine: "tx/s p50_us peak_kb commits_per_sync" (the last
# for MVCC at FULL only, else -)
bench() { # ENGINE SYNC WRITERS PER_WRITER
    local case=insert-normal out
    [ "$2" = FULL ] && case=insert-full
    out=$(BENCH_WRITERS=$3 "$BENCH" "$4" "$DIR" "$case" "$1")
    echo "$(echo "$out" | sed -n 's/.* \([0-9.]*\) tx\/s *p50 *\([0-9.]*\) us.*peak RSS *\([0-9]*\) KB.*/\1 \2 \3/p' | head -n 1)" \
        "$(echo "$out" | sed -n 's/.* \([0-9.]*\) commits per sync.*/\1/p' | head -n 1 | grep . || echo -)"
}

# The disk's fdatasync rate now: "syncs/s"
syncrate() { "$BENCH" 1 "$DIR" fsync | sed -n 's/^fdatasync \([0-9.]*\) \/s.*/\1/p'; }

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
    local tps p50 rss
    tps=$(sed -n 's/.*"throughput_tps": \([0-9.]*\).*/\1/p' "$DIR/out.json")
    p50=$(tr -d '\n ' <"$DIR/out.json" | sed -n 's/.*"latency_ms":{"p50":\([0-9.e+-]*\).*/\1/p')
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$DIR/time.txt")
    echo "${tps:-0} $(awk -v m="${p50:-0}" 'BEGIN { printf "%.0f", m * 1000 }') ${rss:-0}"
    rm -f "$DIR/trace.json"
}

date -u '+measured %Y-%m-%d %H:%M UTC'
echo "total $TOTAL transactions per cell (FULL: $((TOTAL / 8))), files in $DIR, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %3s %5s | %7s %6s | %7s %5s | %7s %5s %5s | %7s %5s %6s %5s | %6s %5s | %s\n' sync wrk load \
    "capi" "p50us" "sq-cli" ratio "mv-api" ratio "c/s" "mv-cli" ratio "p50us" "p50x" "fsync" "ceil%" \
    "peak RSS MB capi/sqlite-cli/mvcc-api/mvcc-cli"
for run in $(seq "${REPEATS:-1}"); do
[ "${REPEATS:-1}" -gt 1 ] && echo "run $run of $REPEATS, $(date -u '+%H:%M UTC')"
for sync in $SYNCS; do
    for w in $WRITERS; do
        total=$TOTAL
        [ "$sync" = FULL ] && total=$((TOTAL / 8))
        per=$(((total + w - 1) / w))
        load=$(cut -d' ' -f1 /proc/loadavg)
        rate=0
        [ "$sync" = FULL ] && rate=$(syncrate)
        read -r capi capi_p50 capi_kb _ <<<"$(bench capi "$sync" "$w" "$per")"
        read -r scli _ scli_kb <<<"$(cli wal "$sync" "$w" "$per")"
        read -r mapi _ mapi_kb mapi_cps <<<"$(bench mvcc "$sync" "$w" "$per")"
        read -r mcli mcli_p50 mcli_kb <<<"$(cli mvcc "$sync" "$w" "$per" trace)"
        ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
        ceiling=-
        [ "$sync" = FULL ] && ceiling=$(awk -v a="$mcli" -v r="$rate" -v w="$w" 'BEGIN { if (r > 0) printf "%.0f", 100 * a / (w * r); else print "-" }')
        printf '%-6s %3d %5s | %7.0f %6.0f | %7.0f %5s | %7.0f %5s %5s | %7.0f %5s %6.0f %5s | %6.0f %5s | %d/%d/%d/%d\n' \
            "$sync" "$w" "$load" "$capi" "$capi_p50" "$scli" "$(ratio "$scli" "$capi")" "$mapi" "$(ratio "$mapi" "$capi")" "$mapi_cps" \
            "$mcli" "$(ratio "$mcli" "$capi")" "$mcli_p50" "$(ratio "$mcli_p50" "$capi_p50")" "$rate" "$ceiling" \
            $((capi_kb / 1024)) $((scli_kb / 1024)) $((mapi_kb / 1024)) $((mcli_kb / 1024))
    done
done
done
