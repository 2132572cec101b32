#!/bin/sh
# Builds and runs bench_mvcc_vs_sqlite: the MVCC engine on a file against SQLite WAL.
# usage: bench/compare.sh [TRANSACTIONS_PER_WRITER [DIR]]   (BUILD_DIR overrides build/bench)
set -e
SOURCE_DIR=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$SOURCE_DIR/build/bench}
cmake -S "$SOURCE_DIR" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTXSCOPE_BUILD_GUI=OFF >/dev/null
cmake --build "$BUILD_DIR" -j2 --target bench_mvcc_vs_sqlite
"$BUILD_DIR/bench/bench_mvcc_vs_sqlite" "$@"
