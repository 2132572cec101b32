#!/usr/bin/env bash
# Installs what is missing, builds, and opens the workbench on the seed scenario (16 writers
# with BEGIN CONCURRENT on the MVCC engine). Extra arguments go to txscope, e.g. a .txs file.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
tools/build.sh default
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
    # No screen to open a window on: run the same scenario headless and save a picture of it.
    echo "No display: running the seed scenario offscreen and saving the window to txscope-seed.png"
    build/default/examples/concurrent_writes
    QT_QPA_PLATFORM=offscreen build/default/app/txscope --run --window-size 1600x1000 --screenshot txscope-seed.png "$@"
    echo "Saved txscope-seed.png"
    exit 0
fi
exec build/default/app/txscope "$@"
