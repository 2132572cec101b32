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
# The parser's own sources, named one by one: engine/workload also holds the runner, which needs
# the whole engine.
parser=(Backoff.cpp Duration.cpp Expectation.cpp HeaderLine.cpp RetryPolicy.cpp StatementScanner.cpp
        Substitution.cpp TextUtil.cpp WorkersLine.cpp Workload.cpp WorkloadParser.cpp)
"$cxx" -std=c++20 -g -O1 -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$root" \
    "$here/workload_parser_fuzzer.cpp" \
    "${parser[@]/#/$root/engine/workload/}" \
    "$root/engine/api/Error.cpp" "$root/engine/api/Result.cpp" "$root/engine/api/Value.cpp" \
    "$root/engine/api/JournalMode.cpp" "$root/engine/api/Hardening.cpp" \
    -lsqlite3 \
    -o "$out/workload_parser_fuzzer"
echo "$out/workload_parser_fuzzer"
