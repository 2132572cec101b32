#!/usr/bin/env bash
# Installs better-sqlite3 12 (Node; it compiles its own SQLite into the addon) into
# build/node/node_modules, where tst_record's Node test finds it (or TXSCOPE_NODE_MODULES).
# Optional: without node/npm it says so and exits 0 (the test is then skipped).
#
# The addon is compiled from source (no prebuilt binary is downloaded here); SQLite's
# amalgamation is most of it. To keep it short: ccache in front of the compilers (a second
# install compiles nothing), JOBS=2 for node-gyp, and the headers of the installed Node
# (npm_config_nodedir) instead of a download. Measured figures: docs/recording.md.
set -euo pipefail
cd "$(dirname "$0")/.."
dest="${1:-build/node}"
if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
    echo "node-deps: node/npm not found; the better-sqlite3 test will be skipped"
    exit 0
fi
if [ -f "$dest/node_modules/better-sqlite3/build/Release/better_sqlite3.node" ]; then
    echo "node-deps: better-sqlite3 already in $dest"
    exit 0
fi
mkdir -p "$dest"
[ -f "$dest/package.json" ] || echo '{"name":"txscope-test-deps","private":true}' >"$dest/package.json"
if command -v ccache >/dev/null; then
    export CC="ccache ${CC:-gcc}" CXX="ccache ${CXX:-g++}"
fi
for headers in /usr/include/node /usr/local/include/node; do
    if [ -f "$headers/node_api.h" ]; then export npm_config_nodedir="${headers%/include/node}"; break; fi
done
export JOBS="${JOBS:-2}" npm_config_build_from_source=true
start=$(date +%s)
(cd "$dest" && npm install better-sqlite3@12 --no-audit --no-fund --loglevel=error)
echo "node-deps: better-sqlite3 installed in $dest in $(( $(date +%s) - start )) s"
