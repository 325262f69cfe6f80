#!/usr/bin/env bash
# tests/sql/run-golden.sh SLUICE FILE.sql|FILE.cmd — run a golden test.
#
# FILE.sql: runs `sluice run` (or `sluice explain` when the file's first line is `-- explain`)
# on FILE.sql from its own directory, so error positions print as FILE.sql:line:col. When the
# first line is `-- repl`, FILE.sql is piped into `sluice repl` instead (results as JSON lines;
# `-- repl --output csv` passes options).
# FILE.cmd (tests/connect): sluice command lines, one a line ('#' lines are comments), written
# with "$SLUICE" for the binary and run in FILE.cmd's directory; each prints "$ <line>", its
# output and "-- exit: N".
# Standard output, standard error and the exit code are compared with FILE.out.
# SL_UPDATE_GOLDEN=1 rewrites FILE.out.
#
# SPDX-License-Identifier: MIT
set -euo pipefail
export SLUICE=$1
file=$2
dir=$(dirname "$file")
base=$(basename "$file")
name=${base%.*}
run_lines() {
    while IFS= read -r line || [[ -n "$line" ]]; do
        [[ -z "$line" || "$line" == \#* ]] && continue
        printf '$ %s\n' "$line"
        timeout 60 bash -c "$line" 2>&1 && rc=0 || rc=$?
        echo "-- exit: $rc"
    done <"$base"
}
first=$(head -n 1 "$file")
if [[ "$base" == *.cmd ]]; then
    actual=$(cd "$dir" && run_lines)
elif [[ "$first" == "-- repl"* ]]; then
    read -r -a opts <<<"${first#-- repl}"
    actual=$(cd "$dir" && { timeout 60 "$SLUICE" repl "${opts[@]}" <"$name.sql" 2>&1; echo "-- exit: $?"; })
else
    cmd=run
    [[ "$first" == "-- explain"* ]] && cmd=explain
    actual=$(cd "$dir" && { timeout 60 "$SLUICE" "$cmd" "$name.sql" 2>&1; echo "-- exit: $?"; })
fi
if [[ "${SL_UPDATE_GOLDEN:-}" == 1 ]]; then
    printf '%s\n' "$actual" >"$dir/$name.out"
    exit 0
fi
expected=$(cat "$dir/$name.out")
if [[ "$actual" != "$expected" ]]; then
    echo "golden test $name: output differs" >&2
    diff <(printf '%s\n' "$expected") <(printf '%s\n' "$actual") >&2 || true
    exit 1
fi
