#!/usr/bin/env bash
# Facts travel as typed event fields, never as text read back (DESIGN.md, issue 10): fails when
# code in engine/, widgets/ or app/ decides something from the words of an event's text or an
# error message in one of the ways that were removed. Run by ctest (test no_text_sniffing).
set -uo pipefail
cd "$(dirname "$0")/.."

patterns=(
    '"blocked: '                 # the runner's old blocked note
    '"phase: '                   # the runner's old phase note
    '"give up"'                  # a busy-handler call's old text
    'message\.find\('            # error.message.find("...")
    'message)\.contains\('       # QString::fromStdString(message).contains(...)
    'find\("conflict"\)'         # "conflict" sniffed from any text
    'mentionsConflict'
    '\.text\.rfind\('            # event text prefix tests
    '\.text\.(startsWith|contains)\(' # the same through TextRef (the event's text handle)
    'error\.find\("in use"'      # an error string read back for its code
    'splitExplanation'           # an explanation cut at its "Fix:" (why and fix are fields)
    'find\("Fix:'                # ... or any other reading of that word
)
status=0
for p in "${patterns[@]}"; do
    # Error::fromSqlite types SQLite's own plain SQLITE_ERROR (its parser errors have no code of
    # their own): the one place a message is read, where the typed fact is first made.
    hits=$(grep -rnE --include='*.cpp' --include='*.h' -- "$p" engine widgets app |
        grep -v '^engine/api/Error.cpp:.*message.find("\(syntax error\|no such\|incomplete input\)")')
    if [[ -n $hits ]]; then
        echo "text sniffing ($p):"
        echo "$hits"
        status=1
    fi
done
exit $status
