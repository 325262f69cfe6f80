#!/usr/bin/env bash
# tests/integration/http_endpoints.sh — the runner's admin endpoint (--http): /healthz, /readyz
# with a JSON entry per connector (503 until every source and sink is connected), /metrics in
# the Prometheus text format with values that move as records flow (records in/out by row kind,
# drops and errors by reason, consumer lag per partition, producer queue, state, checkpoints,
# sink flush latency, build info), read-only methods.
#
# SPDX-License-Identifier: MIT

set -euo pipefail
SL_SOURCE_DIR=${SL_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# shellcheck source=tests/integration/lib.sh
source "$SL_SOURCE_DIR/tests/integration/lib.sh"
sl_require curl kcat
sl_tmpdir
mock_start --topic users:2 --topic users_out:1

# The address the runner logged (it binds port 0: a free port).
http_address() { # LOGFILE
    local i addr
    for ((i = 0; i < 100; i++)); do
        addr=$("$SL_PYTHON" -c '
import json, sys
for line in open(sys.argv[1]):
    try:
        o = json.loads(line)
    except ValueError:
        continue
    if o.get("component") == "http" and "address" in o:
        print(o["address"]); break' "$1")
        [[ -n "$addr" ]] && { printf '%s\n' "$addr"; return 0; }
        sleep 0.1
    done
    fail "no address logged in $1: $(cat "$1")"
}

get() { # get PATH -> body on stdout, HTTP status in $SL_TMPDIR/status
    curl -s -o "$SL_TMPDIR/body" -w '%{http_code}' --max-time 5 "http://$ADDR$1" \
        >"$SL_TMPDIR/status" || true
    cat "$SL_TMPDIR/body"
}
status() { cat "$SL_TMPDIR/status"; }

# metric NAME [LABEL=VALUE...]: the sum of the samples of NAME whose labels include all given.
metric() {
    get /metrics >"$SL_TMPDIR/metrics.txt"
    "$SL_PYTHON" - "$SL_TMPDIR/metrics.txt" "$@" <<'PY'
import re, sys
path, name, want = sys.argv[1], sys.argv[2], sys.argv[3:]
total, found = 0.0, False
for line in open(path):
    m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$', line.strip())
    if not m or m.group(1) != name:
        continue
    labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(3) or ""))
    if all(labels.get(k) == v for k, v in (w.split("=", 1) for w in want)):
        total += float(m.group(4)); found = True
print(("%g" % total) if found else "absent")
PY
}

# wait_metric CMP VALUE NAME [LABELS...]: waits (30 s) until the metric compares true.
wait_metric() {
    local cmp=$1 want=$2 i v
    shift 2
    for ((i = 0; i < 300; i++)); do
        v=$(metric "$@")
        if [[ "$v" != absent ]] && "$SL_PYTHON" -c "import sys; sys.exit(0 if $v $cmp $want else 1)"; then
            return 0
        fi
        sleep 0.1
    done
    fail "metric $* is $v, wanted $cmp $want"
}

produce_users() { # FROM TO NAME-PREFIX
    local i
    for ((i = $1; i <= $2; i++)); do printf 'u%d|{"id":"u%d","name":"%s%d"}\n' "$i" "$i" "$3" "$i"; done |
        kafka_produce users --key-sep '|'
}

cat >"$SL_TMPDIR/job.sql" <<SQL
SET 'pipeline.name' = 'users-job';
SET 'execution.checkpointing.interval' = '500 ms';
CREATE TABLE users (id STRING, name STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = 'users', 'properties.bootstrap.servers' = '$BOOTSTRAP',
  'key.format' = 'raw', 'value.format' = 'json', 'errors.tolerance' = 'all');
CREATE TABLE users_out (id STRING, name STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = 'users_out',
  'properties.bootstrap.servers' = '$BOOTSTRAP', 'key.format' = 'raw', 'value.format' = 'json');
INSERT INTO users_out SELECT id, name FROM users WHERE name <> 'skip';
SQL
USERS=default_catalog.default_database.users
OUT=default_catalog.default_database.users_out

produce_users 1 20 first
sl_bg "$SLUICE" run --http 127.0.0.1:0 --log-level info "$SL_TMPDIR/job.sql" 2>"$SL_TMPDIR/job.err"
runner=$SL_BG_PID
ADDR=$(http_address "$SL_TMPDIR/job.err")

# ---- liveness and readiness -------------------------------------------------------------------
body=$(get /healthz)
assert_eq 200 "$(status)" "/healthz status ($body)"
assert_contains "$body" '"status":"ok"' "/healthz"
for ((i = 0; i < 100; i++)); do
    body=$(get /readyz)
    [[ "$(status)" == 200 ]] && break
    sleep 0.1
done
assert_eq 200 "$(status)" "/readyz once the job runs ($body)"
"$SL_PYTHON" - "$body" "$USERS" "$OUT" <<'PY' || fail "/readyz body: $body"
import json, sys
o = json.loads(sys.argv[1])
assert o["ready"] is True
conns = {(c["table"], c["role"]): c for c in o["connectors"]}
assert conns[(sys.argv[2], "source")]["connector"] == "upsert-kafka"
assert conns[(sys.argv[3], "sink")]["connected"] is True
assert all(c["job"] == "users-job" for c in o["connectors"])
PY

# ---- metrics move as records flow -------------------------------------------------------------
wait_metric '>=' 20 sluice_records_in_total job=users-job table=$USERS
wait_metric '>=' 20 sluice_records_out_total job=users-job table=$OUT op=+I
assert_eq 20 "$(metric sluice_state_keys job=users-job)" "state keys after 20 users"
wait_metric '>' 0 sluice_state_bytes job=users-job
produce_users 1 5 second
printf 'u99|{"id": broken\n' | kafka_produce users --key-sep '|'
wait_metric '>=' 25 sluice_records_in_total job=users-job table=$USERS
wait_metric '>=' 5 sluice_records_out_total job=users-job table=$OUT op=+U
wait_metric '>=' 5 sluice_records_out_total job=users-job table=$OUT op=-U
assert_eq 20 "$(metric sluice_state_keys job=users-job)" "state keys after updates"
wait_metric '>=' 1 sluice_records_dropped_total job=users-job table=$USERS reason=deserialization intentional=false
wait_metric '>=' 1 sluice_errors_total job=users-job stage=receiving error_type=deserialization
assert_eq 0 "$(metric sluice_records_dropped_total job=users-job reason=not_null)" "no NOT NULL drops"
# consumer lag: one gauge per partition of the source, back to 0 once everything is read
for p in 0 1; do
    wait_metric '==' 0 sluice_kafka_consumer_lag job=users-job table=$USERS topic=users partition=$p
done
wait_metric '>=' 0 sluice_kafka_producer_queue_messages job=users-job table=$OUT
wait_metric '>=' 1 sluice_checkpoints_total job=users-job status=completed
wait_metric '>=' 1 sluice_sink_commit_duration_seconds_count job=users-job table=$OUT connector=upsert-kafka
[[ $(metric sluice_last_checkpoint_timestamp_seconds job=users-job) != absent ]] ||
    fail "no sluice_last_checkpoint_timestamp_seconds"
assert_eq 1 "$(metric sluice_build_info version="$("$SLUICE" version | cut -d' ' -f2)")" "build info"
get /metrics >/dev/null
assert_contains "$(cat "$SL_TMPDIR/body")" "# TYPE sluice_records_in_total counter"
assert_contains "$(cat "$SL_TMPDIR/body")" "# TYPE sluice_sink_commit_duration_seconds histogram"
assert_contains "$(cat "$SL_TMPDIR/body")" "le=\"+Inf\""
grep -q 'Content-Type: text/plain; version=0.0.4' < <(curl -sI --max-time 5 "http://$ADDR/metrics") ||
    fail "/metrics content type"

# ---- read-only ----------------------------------------------------------------------------------
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST -d x "http://$ADDR/metrics")
assert_eq 405 "$code" "POST /metrics"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X DELETE "http://$ADDR/readyz")
assert_eq 405 "$code" "DELETE /readyz"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://$ADDR/admin/stop")
assert_eq 404 "$code" "an unknown path"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://$ADDR/$(head -c 20000 /dev/zero | tr '\0' a)")
[[ "$code" == 404 || "$code" == 414 ]] || fail "a 20 kB URL got $code"
kill -0 "$runner" || fail "the runner died while its endpoint was probed"
rc=0
"$SLUICE" run --http "$ADDR" "$SL_TMPDIR/job.sql" >/dev/null 2>"$SL_TMPDIR/busy.err" || rc=$?
assert_eq 78 "$rc" "--http on an address in use"
assert_contains "$(cat "$SL_TMPDIR/busy.err")" "cannot listen there"

rc=0
sl_stop "$runner" 20 || rc=$?
assert_eq 0 "$rc" "exit code after SIGTERM"

# ---- not ready while a source cannot connect (SLUICE_HTTP twin) -------------------------------
port=$("$SL_PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
sed "s/$BOOTSTRAP/127.0.0.1:$port/" "$SL_TMPDIR/job.sql" >"$SL_TMPDIR/down.sql"
SLUICE_HTTP=127.0.0.1:0 SLUICE_LOG_LEVEL=info sl_bg "$SLUICE" run "$SL_TMPDIR/down.sql" \
    2>"$SL_TMPDIR/down.err"
runner=$SL_BG_PID
ADDR=$(http_address "$SL_TMPDIR/down.err")
sleep 1
body=$(get /readyz)
assert_eq 503 "$(status)" "/readyz while the source connects ($body)"
assert_contains "$body" '"role":"source","connected":false'
body=$(get /healthz)
assert_eq 200 "$(status)" "/healthz while connecting"
sl_stop "$runner" 40 || true
sl_log "http_endpoints: all checks passed"
