#!/bin/bash
# The seed's workload on real Turso 0.7.2 and on TxScope's MVCC engine, in one run (issue 17:
# ">= 5x real Turso 0.7.2 on the seed workload").
#
# The seed is Turso's BEGIN CONCURRENT example in JavaScript: 16 async workers, each on its own
# connection with PRAGMA journal_mode = 'mvcc', running BEGIN CONCURRENT; INSERT INTO hits
# VALUES (val); COMMIT and retrying on "conflict"/"busy" after ROLLBACK. The seed inserts one
# row per worker; here each worker repeats it PER_WORKER times (the same loop around it).
#   turso     that loop, node + npm @tursodatabase/database@0.7.2 (installed into TURSO_DIR)
#   txscope   the same transactions through `txscope-cli run` (MVCC on a file, bound $worker)
# Both at each engine's default synchronous level unless SYNC is given (TxScope's default is
# FULL, as Turso's); both on a fresh file; tx/s = committed transactions / wall time of the loop.
#
# usage: bench/turso_seed.sh [PER_WORKER [WORKERS]]        (default 2000 16)
#   TURSO_DIR (default /tmp/turso-0.7.2) holds the npm install; BUILD_DIR overrides build/default.
set -e
SOURCE_DIR=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$SOURCE_DIR/build/default}
PER=${1:-2000}
WORKERS=${2:-16}
TURSO_DIR=${TURSO_DIR:-/tmp/turso-0.7.2}
SYNC=${SYNC:-}
CLI=$BUILD_DIR/app/txscope-cli
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT

mkdir -p "$TURSO_DIR"
if [ ! -d "$TURSO_DIR/node_modules/@tursodatabase/database" ]; then
    (cd "$TURSO_DIR" && npm init -y >/dev/null && npm install @tursodatabase/database@0.7.2 >/dev/null)
fi

cat >"$TURSO_DIR/seed_loop.mjs" <<'JS'
// The seed's JavaScript loop, repeated: node seed_loop.mjs DB WORKERS PER_WORKER [SYNC]
import { connect } from "@tursodatabase/database";
const [DB_PATH, WORKERS, PER, SYNC] = [process.argv[2], +process.argv[3], +process.argv[4], process.argv[5]];
function isRetryable(err) {
  const msg = (err?.message ?? "").toLowerCase();
  return msg.includes("conflict") || msg.includes("busy");
}
let retries = 0;
async function writeWorker(w) {
  const val = (w % 100) + 1;
  const db = await connect(DB_PATH);
  try {
    await db.exec("PRAGMA journal_mode = 'mvcc'");
    if (SYNC) await db.exec(`PRAGMA synchronous = ${SYNC}`);
    for (let i = 0; i < PER; ++i) {
      while (true) {
        await db.exec("BEGIN CONCURRENT");
        try {
          await db.exec(`INSERT INTO hits VALUES (${val})`);
          await db.exec("COMMIT");
          break;
        } catch (err) {
          try { await db.exec("ROLLBACK"); } catch (_) {}
          if (!isRetryable(err)) throw err;
          ++retries;
          await new Promise((r) => setImmediate(r));
        }
      }
    }
  } finally {
    await db.close();
  }
}
const setup = await connect(DB_PATH);
await setup.exec("PRAGMA journal_mode = 'mvcc'");
await setup.exec("CREATE TABLE hits (val INTEGER)");
await setup.close();
const start = process.hrtime.bigint();
await Promise.all(Array.from({ length: WORKERS }, (_, w) => writeWorker(w)));
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(`${((WORKERS * PER) / seconds).toFixed(0)} ${retries}`);
JS

cat >"$DIR/seed.txs" <<TXS
journal_mode: mvcc
${SYNC:+synchronous: $(echo "$SYNC" | tr 'A-Z' 'a-z')}
setup:
  CREATE TABLE hits (val INTEGER);
workers writer x$WORKERS repeat $PER retry(conflict, busy; max 100000, backoff none):
  BEGIN CONCURRENT;
  INSERT INTO hits VALUES (\$worker);
  COMMIT;
TXS

echo "$(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg), $WORKERS workers x $PER transactions, synchronous ${SYNC:-default}"
read -r turso retries <<<"$(cd "$TURSO_DIR" && node seed_loop.mjs "$DIR/turso.db" "$WORKERS" "$PER" "$SYNC")"
"$CLI" run "$DIR/seed.txs" --db "$DIR/txscope.db" --json >"$DIR/out.json" 2>/dev/null || true
txscope=$(sed -n 's/.*"throughput_tps": \([0-9.]*\).*/\1/p' "$DIR/out.json")
"$CLI" run "$DIR/seed.txs" --db "$DIR/traced.db" --json --trace "$DIR/trace.json" >"$DIR/out2.json" 2>/dev/null || true
traced=$(sed -n 's/.*"throughput_tps": \([0-9.]*\).*/\1/p' "$DIR/out2.json")
printf 'turso 0.7.2 %.0f tx/s (%s retries) | txscope-cli %.0f tx/s, ratio %s | txscope-cli --trace %.0f tx/s, ratio %s\n' \
    "$turso" "$retries" "${txscope:-0}" "$(awk -v a="${txscope:-0}" -v b="$turso" 'BEGIN { printf "%.2f", a / b }')" \
    "${traced:-0}" "$(awk -v a="${traced:-0}" -v b="$turso" 'BEGIN { printf "%.2f", a / b }')"
