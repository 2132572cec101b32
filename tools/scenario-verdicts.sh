#!/usr/bin/env bash
# Runs every built-in scenario N times on each engine it names and checks that its verdict
# (exit code and PASS/FAIL) is the same every time: a demo that passes or fails by chance
# teaches nothing. The engines of a scenario are its journal_mode header (mvcc when absent)
# and every mode its comments suggest with "--journal-mode MODE".
#
#   tools/scenario-verdicts.sh CLI [RUNS] [SCENARIO_DIR]
#
# Prints one line per scenario and engine; exits 1 if any verdict changed between runs or any
# scenario failed on its own (header) engine.
set -uo pipefail

cli=${1:?usage: scenario-verdicts.sh CLI [RUNS] [SCENARIO_DIR]}
runs=${2:-20}
dir=${3:-"$(dirname "$0")/../resources/scenarios"}
status=0

for file in "$dir"/*.txs; do
    name=$(basename "$file")
    header=$(sed -n 's/^journal_mode:[[:space:]]*\([a-z]*\).*/\1/p' "$file" | head -n 1)
    header=${header:-mvcc}
    suggested=$(grep -o -- '--journal-mode [a-z]*' "$file" | awk '{print $2}')
    engines=$(printf '%s\n' "$header" $suggested | awk '!seen[$0]++')
    for engine in $engines; do
        verdicts=""
        for ((i = 1; i <= runs; ++i)); do
            out=$("$cli" run "$file" --journal-mode "$engine" 2>&1)
            code=$?
            verdict=$(printf '%s\n' "$out" | sed -n 's/^result: \([A-Z]*\).*/\1/p' | tail -n 1)
            verdicts+="${code}:${verdict:-none}"$'\n'
        done
        distinct=$(printf '%s' "$verdicts" | sort | uniq -c | sed 's/^ *//' | tr '\n' ' ')
        if [[ $(printf '%s' "$verdicts" | sort -u | wc -l) -ne 1 ]]; then
            echo "UNSTABLE $name on $engine: $distinct"
            status=1
        elif [[ $engine == "$header" && $(printf '%s' "$verdicts" | head -n 1) != "0:PASS" ]]; then
            echo "FAILS    $name on $engine (its own engine): $distinct"
            status=1
        else
            echo "stable   $name on $engine: $distinct(x$runs)"
        fi
    done
done
exit $status
