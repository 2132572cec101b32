#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
# better-sqlite3 compiles for minutes: in the background, while TxScope builds.
mkdir -p build
tools/node-deps.sh >build/node-deps.log 2>&1 &
node_deps=$!
tools/build.sh default
wait "$node_deps" || echo "node-deps failed (the better-sqlite3 test will be skipped): see build/node-deps.log"
cat build/node-deps.log
ctest --preset default -j "$(nproc)"
