#!/usr/bin/env bash
# tests/sql/run-golden.sh SLUICE FILE.sql — run a golden SQL test.
#
# Runs `sluice run` (or `sluice explain` when the file's first line is `-- explain`) on FILE.sql
# from its own directory, so error positions print as FILE.sql:line:col, and compares standard
# output, standard error and the exit code with FILE.out. When the first line is `-- repl`,
# FILE.sql is piped into `sluice repl` instead (results as JSON lines; `-- repl --output csv`
# passes options). SL_UPDATE_GOLDEN=1 rewrites FILE.out.
#
# SPDX-License-Identifier: MIT
set -euo pipefail
sluice=$1
file=$2
dir=$(dirname "$file")
name=$(basename "$file" .sql)
cmd=run
first=$(head -n 1 "$file")
[[ "$first" == "-- explain"* ]] && cmd=explain
if [[ "$first" == "-- repl"* ]]; then
    read -r -a opts <<<"${first#-- repl}"
    actual=$(cd "$dir" && { timeout 60 "$sluice" repl "${opts[@]}" <"$name.sql" 2>&1; echo "-- exit: $?"; })
else
    actual=$(cd "$dir" && { timeout 60 "$sluice" "$cmd" "$name.sql" 2>&1; echo "-- exit: $?"; })
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
