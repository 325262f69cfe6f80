#!/usr/bin/env bash
# tests/integration/cli_basics.sh — the sluice command: usage, exit codes, ${...} variables.
#
# Checks --help and usage errors (exit 2), variables from --define and the environment with
# defaults, :? messages and $$, secrets from the environment and from --secrets-dir (and their
# masking in error messages), an undefined variable (exit 78, nothing run), and that error
# positions still point into the file as written after substitution.
#
# SPDX-License-Identifier: MIT

set -euo pipefail
SL_SOURCE_DIR=${SL_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# shellcheck source=tests/integration/lib.sh
source "$SL_SOURCE_DIR/tests/integration/lib.sh"
sl_tmpdir
cd "$SL_TMPDIR"

run() { # run ARGS... ; sets OUT, ERR, RC
    RC=0
    "$SLUICE" "$@" >out.txt 2>err.txt || RC=$?
    OUT=$(cat out.txt)
    ERR=$(cat err.txt)
}

# ---- usage -------------------------------------------------------------------------------------
run --help
assert_eq 0 "$RC" "--help exit code"
assert_contains "$OUT" "Exit codes:" "--help"
assert_contains "$OUT" "78" "--help"
run frobnicate x.sql
assert_eq 2 "$RC" "unknown command"
run run
assert_eq 2 "$RC" "run without a file"
run run --no-such-flag x.sql
assert_eq 2 "$RC" "unknown flag"
run run missing.sql
assert_eq 78 "$RC" "missing file (a configuration error)"
assert_contains "$ERR" "cannot read missing.sql"

# ---- variables ---------------------------------------------------------------------------------
cat >vars.sql <<'SQL'
CREATE TABLE p (a STRING, b STRING, c STRING, d STRING)
  WITH ('connector' = 'print', 'print-identifier' = '${ID}');
INSERT INTO p VALUES ('${FROM_DEFINE}', '${FROM_ENV}', '${UNSET_VAR:-fallback}', 'cost: $$5');
-- ${NOT_DEFINED_BUT_IN_A_COMMENT}
SQL
FROM_ENV=env-value ID=envid run run -D FROM_DEFINE=defined --define ID=cli vars.sql
assert_eq 0 "$RC" "variables: $ERR"
assert_eq "cli> +I(defined,env-value,fallback,cost: \$5)" "$OUT" "substituted values"

cat >undefined.sql <<'SQL'
CREATE TABLE p (a STRING) WITH ('connector' = 'print');
INSERT INTO p VALUES ('${NOPE}');
SQL
run run undefined.sql
assert_eq 78 "$RC" "undefined variable exit code"
assert_contains "$ERR" "undefined.sql:2:24: error: variable 'NOPE' is not defined"
assert_eq "" "$OUT" "nothing runs when a variable is undefined"

printf "SET 'pipeline.name' = '\${NAME:?set NAME to the job name}';\n" >required.sql
run run required.sql
assert_eq 78 "$RC" ":? exit code"
assert_contains "$ERR" "NAME: set NAME to the job name"

# ---- secrets -----------------------------------------------------------------------------------
mkdir secrets
printf 's3cret-from-file\n' >secrets/pw
cat >secret.sql <<'SQL'
CREATE TABLE p (a STRING) WITH ('connector' = 'print', 'standard-error' = '${secret_values.pw}');
SQL
run run --secrets-dir secrets secret.sql
assert_eq 78 "$RC" "invalid value from a secret"
assert_contains "$ERR" "Invalid value '******' for option 'standard-error'"
[[ "$ERR" != *s3cret-from-file* ]] || fail "a secret value appeared in an error message"
SLUICE_SECRET_pw=true run run secret.sql
assert_eq 0 "$RC" "secret from the environment: $ERR"
run run secret.sql
assert_eq 78 "$RC" "missing secret"
assert_contains "$ERR" "secret 'pw' is not defined"

# ---- positions after substitution --------------------------------------------------------------
cat >pos.sql <<'SQL'
CREATE TABLE p (a STRING) WITH ('connector' = '${CONN}', 'extra' = 'x');
SQL
run run -D CONN=a-much-longer-value-than-the-variable pos.sql
assert_eq 78 "$RC"
assert_contains "$ERR" "pos.sql:1:47: error: Could not find any factory for identifier"
cat >pos2.sql <<'SQL'
CREATE TABLE p (a STRING) WITH ('connector' = '${CONN}', 'extra' = 'x');
SQL
run run -D CONN=print pos2.sql
assert_contains "$ERR" "pos2.sql:1:58: error: Unsupported option 'extra'"
sl_log "cli_basics: all checks passed"
