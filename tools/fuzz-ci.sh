#!/usr/bin/env bash
# CI's fuzz run: the .txs parser fuzzer (clang + libFuzzer + ASan/UBSan, CMake preset `fuzz`) for a fixed,
# cheap budget from the checked-in corpus (docs/security.md: a workload file is untrusted input).
#
# It cannot flake: the mutations are seeded (-seed=1) and bounded by a run count as well as by
# time, so the same commit fuzzes the same inputs; anything it reports — a crash, a leak, a
# sanitizer error, an input slower than -timeout — is a real bug in the parser and fails CI, with
# the reproducer left in build/fuzz/artifacts/ (rerun: build/fuzz/workload_parser_fuzzer FILE).
# New corpus entries go to build/fuzz/corpus, never into the repository.
#
#   tools/fuzz-ci.sh [SECONDS]   (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
budget="${1:-60}"
if ! command -v clang++ >/dev/null; then
    echo "fuzz-ci: clang++ not found; the fuzzer needs clang" >&2
    exit 1
fi
echo "== fuzz: the .txs parser, ${budget} s =="
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$(nproc)"
fuzzer=build/fuzz/fuzz/workload_parser_fuzzer
mkdir -p build/fuzz/corpus build/fuzz/artifacts
"$fuzzer" -dict=fuzz/workload.dict -seed=1 -runs=2000000 -max_total_time="$budget" -timeout=10 \
    -rss_limit_mb=2048 -artifact_prefix=build/fuzz/artifacts/ -print_final_stats=1 \
    build/fuzz/corpus fuzz/corpus/workload
