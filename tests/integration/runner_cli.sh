#!/usr/bin/env bash
# tests/integration/runner_cli.sh — the job runner's command line: every exit code of
# ux-conventions 4.1 (as listed in --help), -e and -i, the first failing statement stopping a
# script, --validate without touching Kafka, SLUICE_* environment twins (flags win), JSON logs
# when standard error is not a terminal.
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
    timeout -k 5 90 "$SLUICE" "$@" >out.txt 2>err.txt || RC=$?
    OUT=$(cat out.txt)
    ERR=$(cat err.txt)
}

# A port nothing listens on: bind an ephemeral port, then close it.
closed_port() {
    "$SL_PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

cat >ok.sql <<'SQL'
CREATE TABLE p (a INT, b STRING) WITH ('connector' = 'print');
INSERT INTO p VALUES (1, 'one'), (2, 'two');
SQL

# ---- --help lists every exit code -------------------------------------------------------------
run --help
assert_eq 0 "$RC" "--help"
for code in 0 1 2 69 70 74 75 78; do
    grep -Eq "^  $code " out.txt || fail "--help does not list exit code $code"
done
for twin in SLUICE_FILE SLUICE_EXECUTE SLUICE_INIT SLUICE_SECRETS_DIR SLUICE_VALIDATE \
    SLUICE_LOG_LEVEL SLUICE_LOG_FORMAT SLUICE_HTTP SLUICE_SHUTDOWN_TIMEOUT; do
    assert_contains "$OUT" "[$twin" "--help (environment twin $twin)"
done

# ---- 0, 1, 2 ----------------------------------------------------------------------------------
run run ok.sql
assert_eq 0 "$RC" "exit 0: $ERR"
assert_eq "$(printf '+I(1,one)\n+I(2,two)')" "$OUT" "a job's output"

cat >stops.sql <<'SQL'
CREATE TABLE p (a INT) WITH ('connector' = 'print');
INSERT INTO p VALUES (1);
INSERT INTO p VALUES ('not an int');
INSERT INTO p VALUES (3);
SQL
run run stops.sql
assert_eq 1 "$RC" "exit 1 (a statement fails)"
assert_eq "+I(1)" "$OUT" "the script stops at its first failing statement"
assert_contains "$ERR" "stops.sql:3:"

run run --no-such-flag ok.sql
assert_eq 2 "$RC" "exit 2 (unknown flag)"
assert_contains "$ERR" "unknown option '--no-such-flag'"
run run --shutdown-timeout soon ok.sql
assert_eq 2 "$RC" "exit 2 (bad duration)"
run run
assert_eq 2 "$RC" "exit 2 (no script)"

# ---- 78: configuration --------------------------------------------------------------------------
cat >badopt.sql <<'SQL'
CREATE TABLE p (a INT) WITH ('connector' = 'print', 'print-identifer' = 'x');
SQL
run run badopt.sql
assert_eq 78 "$RC" "exit 78 (unknown option)"
assert_contains "$ERR" "badopt.sql:1:53: error: Unsupported option 'print-identifer'"
run run -e "INSERT INTO p VALUES ('\${UNDEFINED_VAR}');"
assert_eq 78 "$RC" "exit 78 (undefined variable)"
assert_contains "$ERR" "variable 'UNDEFINED_VAR' is not defined"
run run missing.sql
assert_eq 78 "$RC" "exit 78 (unreadable job file)"
printf '{"name": "job"}\n' >job.json
run run job.json
assert_eq 78 "$RC" "exit 78 (a JSON config that is not a connector config)"
assert_contains "$ERR" "job.json:1:1: error: The config has no 'config' object"

# ---- 74: local I/O ------------------------------------------------------------------------------
RC=0
"$SLUICE" run ok.sql >/dev/full 2>err.txt || RC=$?
assert_eq 74 "$RC" "exit 74 (standard output full)"
assert_contains "$(cat err.txt)" "No space left on device"

# ---- -e and -i ----------------------------------------------------------------------------------
cat >init.sql <<'SQL'
CREATE TABLE p (a INT, b STRING) WITH ('connector' = 'print', 'print-identifier' = 'init');
SQL
run run -i init.sql -e "INSERT INTO p VALUES (7, 'seven');"
assert_eq 0 "$RC" "-i with -e: $ERR"
assert_eq "init> +I(7,seven)" "$OUT" "-e runs after -i"
run run -i ok.sql -e "SET;"
assert_eq 1 "$RC" "an INSERT in an init script"
assert_contains "$ERR" "ok.sql:2:1: error: an init script may only define tables and settings"
assert_eq "" "$OUT" "nothing runs after a bad init script"
run run -e "SELECT 1;" ok.sql
assert_eq 2 "$RC" "-e and a file"

# ---- --validate: plans everything, connects to nothing -------------------------------------------
port=$(closed_port)
cat >kafka.sql <<SQL
CREATE TABLE src (id INT, v STRING) WITH ('connector' = 'kafka', 'topic' = 'in',
  'properties.bootstrap.servers' = '127.0.0.1:$port', 'properties.group.id' = 'g',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'json');
CREATE TABLE dst (id INT, v STRING) WITH ('connector' = 'kafka', 'topic' = 'out',
  'properties.bootstrap.servers' = '127.0.0.1:$port', 'format' = 'json');
INSERT INTO dst SELECT id, UPPER(v) FROM src WHERE id > 0;
SQL
start=$SECONDS
run run --validate kafka.sql
assert_eq 0 "$RC" "--validate of a Kafka job with an unreachable cluster: $ERR"
assert_eq "kafka.sql: valid (3 statements, 1 job)" "$OUT" "--validate summary"
((SECONDS - start <= 5)) || fail "--validate took $((SECONDS - start)) s: did it connect?"
sed 's/UPPER(v)/v + 1/' kafka.sql >kafka_bad.sql
run run --validate kafka_bad.sql
assert_eq 78 "$RC" "--validate of a job that does not plan"
assert_contains "$ERR" "kafka_bad.sql:6:"
SLUICE_VALIDATE=true run run kafka.sql
assert_eq 0 "$RC" "SLUICE_VALIDATE"
assert_eq "kafka.sql: valid (3 statements, 1 job)" "$OUT" "SLUICE_VALIDATE"
SLUICE_VALIDATE=maybe run run kafka.sql
assert_eq 2 "$RC" "SLUICE_VALIDATE=maybe"
assert_contains "$ERR" "SLUICE_VALIDATE: expected true or false"

# ---- 69: the cluster is unreachable when the job starts (the connect timeout is 30 s) ------------
start=$SECONDS
run run kafka.sql
assert_eq 69 "$RC" "exit 69 (Kafka unreachable): $ERR"
assert_contains "$ERR" "cannot read the metadata of the Kafka cluster at 127.0.0.1:$port"
((SECONDS - start < 60)) || fail "exit 69 took $((SECONDS - start)) s"

# ---- 70: an unrecoverable Kafka client error ---------------------------------------------------
# The broker answers the idempotent producer with OUT_OF_ORDER_SEQUENCE_NUMBER: librdkafka raises
# a fatal error (the producer cannot guarantee idempotence any more) and the job cannot go on.
mock_start --topic out:1
mock_ctl error Produce 5 OUT_OF_ORDER_SEQUENCE_NUMBER
cat >fatal.sql <<SQL
CREATE TABLE o (id INT, v STRING) WITH ('connector' = 'kafka', 'topic' = 'out',
  'properties.bootstrap.servers' = '$BOOTSTRAP', 'format' = 'json');
INSERT INTO o VALUES (1, 'a'), (2, 'b');
SQL
run run fatal.sql
assert_eq 70 "$RC" "exit 70 (librdkafka fatal error): $ERR"
assert_contains "$ERR" "unrecoverable Kafka client error"
mock_stop

# ---- environment twins; flags win ---------------------------------------------------------------
SLUICE_FILE=ok.sql run run
assert_eq 0 "$RC" "SLUICE_FILE: $ERR"
assert_eq "$(printf '+I(1,one)\n+I(2,two)')" "$OUT" "SLUICE_FILE"
SLUICE_FILE=missing.sql run run ok.sql
assert_eq 0 "$RC" "the FILE argument wins over SLUICE_FILE"
SLUICE_EXECUTE="CREATE TABLE p (a INT) WITH ('connector' = 'print'); INSERT INTO p VALUES (5);" \
    run run
assert_eq "+I(5)" "$OUT" "SLUICE_EXECUTE"
SLUICE_INIT=init.sql run run -e "INSERT INTO p VALUES (8, 'eight');"
assert_eq "init> +I(8,eight)" "$OUT" "SLUICE_INIT"
mkdir -p secrets && printf 'from-the-dir\n' >secrets/id
printf "CREATE TABLE p (a INT) WITH ('connector' = 'print', 'print-identifier' = '\${secret_values.id}');\nINSERT INTO p VALUES (1);\n" >sec.sql
SLUICE_SECRETS_DIR=secrets run run sec.sql
assert_eq 0 "$RC" "SLUICE_SECRETS_DIR: $ERR"
SLUICE_SECRETS_DIR=nowhere run run --secrets-dir secrets sec.sql
assert_eq 0 "$RC" "--secrets-dir wins over SLUICE_SECRETS_DIR: $ERR"
SLUICE_SHUTDOWN_TIMEOUT=later run run ok.sql
assert_eq 2 "$RC" "a bad SLUICE_SHUTDOWN_TIMEOUT"
assert_contains "$ERR" "SLUICE_SHUTDOWN_TIMEOUT: invalid duration 'later'"
SLUICE_SHUTDOWN_TIMEOUT=later run run --shutdown-timeout 5s ok.sql
assert_eq 0 "$RC" "--shutdown-timeout wins over SLUICE_SHUTDOWN_TIMEOUT"
SLUICE_LOG_LEVEL=bogus run run ok.sql
assert_eq 2 "$RC" "a bad SLUICE_LOG_LEVEL"

# ---- logs: JSON lines when standard error is not a terminal; --log-format and its twin -----------
check_json_logs() { # FILE: every line is a JSON object with ts, level, component, msg
    "$SL_PYTHON" - "$1" <<'PY'
import json, sys
lines = [l for l in open(sys.argv[1]) if l.strip()]
assert lines, "no log lines"
for l in lines:
    o = json.loads(l)
    for k in ("ts", "level", "component", "msg"):
        assert k in o, (k, l)
    assert o["ts"].endswith("Z") and "T" in o["ts"], l
PY
}
run run --log-level info ok.sql
check_json_logs err.txt || fail "default logs are not JSON lines: $ERR"
assert_contains "$ERR" '"component":"job"'
SLUICE_LOG_FORMAT=text run run --log-level info ok.sql
[[ "$ERR" != \{* ]] || fail "SLUICE_LOG_FORMAT=text gave JSON: $ERR"
assert_contains "$ERR" " info  [job] "
SLUICE_LOG_FORMAT=text run run --log-level info --log-format json ok.sql
check_json_logs err.txt || fail "--log-format json did not win over SLUICE_LOG_FORMAT"
SLUICE_LOG_LEVEL=info SLUICE_LOG_FORMAT=json run run ok.sql
check_json_logs err.txt || fail "SLUICE_LOG_LEVEL/SLUICE_LOG_FORMAT"
sl_log "runner_cli: all checks passed"
