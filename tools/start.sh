#!/usr/bin/env bash
# Installs what is missing, builds, and runs the seed example: 16 writers with BEGIN CONCURRENT.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
tools/build.sh default
build/default/examples/concurrent_writes
