#!/usr/bin/env bash
# Builds the libFuzzer target for the .txs parser with clang, straight from the engine sources it
# needs (it is not part of the CMake build: it needs clang's fuzzer runtime, and CI need not build it).
#
#   fuzz/build.sh [OUT_DIR]                     -> OUT_DIR/workload_parser_fuzzer (default build/fuzz)
#   OUT/workload_parser_fuzzer -dict=fuzz/workload.dict -max_total_time=600 CORPUS_DIR fuzz/corpus/workload
#   OUT/workload_parser_fuzzer -merge=1 NEW_DIR CORPUS_DIR    (minimize a corpus into NEW_DIR)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
out="${1:-$root/build/fuzz}"
mkdir -p "$out"
cxx="${CXX_FUZZ:-clang++}"
# The parser's sources: all of engine/api (the ground layer, which needs nothing but sqlite3) and
# engine/workload minus the files that run a workload (they need the whole engine). Listing what to
# leave out rather than what to take keeps a new parser file from breaking this build (CI runs it
# through tools/fuzz-ci.sh; run that before you push a change to the parser).
skip=(Runner.cpp BoundVariables.cpp DeferredExplanations.cpp LatencyRecorder.cpp VirtualBusyWait.cpp)
sources=("$root"/engine/api/*.cpp)
for file in "$root"/engine/workload/*.cpp; do
    name="$(basename "$file")"
    [[ " ${skip[*]} " == *" $name "* ]] || sources+=("$file")
done
"$cxx" -std=c++20 -g -O1 -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$root" \
    "$here/workload_parser_fuzzer.cpp" \
    "${sources[@]}" \
    -lsqlite3 \
    -o "$out/workload_parser_fuzzer"
echo "$out/workload_parser_fuzzer"
