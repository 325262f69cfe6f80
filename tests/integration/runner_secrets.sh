#!/usr/bin/env bash
# tests/integration/runner_secrets.sh — a canary secret never leaves the process: not in
# --validate, explain, SHOW CREATE TABLE, EXPLAIN or SET output, not in JSON or text logs at
# debug level with librdkafka's debug contexts on, not in error messages, not in /metrics labels
# or /readyz. The canary is a ${secret_values.*} used where sluice has no reason to hide it by
# option name: a topic name and the Kafka client id.
#
# SPDX-License-Identifier: MIT

set -euo pipefail
SL_SOURCE_DIR=${SL_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# shellcheck source=tests/integration/lib.sh
source "$SL_SOURCE_DIR/tests/integration/lib.sh"
sl_require curl
sl_tmpdir
canary="CANARY$RANDOM$RANDOM"
mock_start --topic "$canary:2" --topic out:1
mkdir -p "$SL_TMPDIR/secrets"
printf '%s\n' "$canary" >"$SL_TMPDIR/secrets/topic"
printf '%s-client\n' "$canary" >"$SL_TMPDIR/secrets/cid"
cd "$SL_TMPDIR"
printf '{"id":1,"v":"a"}\n{"id":2,"v":"b"}\n' | kafka_produce "$canary"

cat >job.sql <<SQL
CREATE TABLE src (id INT, v STRING) WITH ('connector' = 'kafka',
  'topic' = '\${secret_values.topic}', 'properties.client.id' = '\${secret_values.cid}',
  'properties.bootstrap.servers' = '$BOOTSTRAP', 'scan.startup.mode' = 'earliest-offset',
  'properties.debug' = 'broker,topic,metadata,conf,fetch', 'format' = 'json');
CREATE TABLE dst (id INT, v STRING) WITH ('connector' = 'kafka', 'topic' = 'out',
  'properties.bootstrap.servers' = '$BOOTSTRAP', 'format' = 'json');
SHOW CREATE TABLE src;
DESCRIBE src;
SET;
EXPLAIN INSERT INTO dst SELECT * FROM src;
INSERT INTO dst SELECT * FROM src;
SQL
outputs=()
check() { # check WHAT FILE...: the canary is in none of the files
    if grep -n "$canary" "${@:2}" >&2; then fail "the secret appeared in $1"; fi
    outputs+=("${@:2}")
}

"$SLUICE" run --validate --secrets-dir secrets job.sql >v.out 2>v.err || fail "--validate: $(cat v.err)"
check "--validate" v.out v.err
"$SLUICE" explain --secrets-dir secrets job.sql >x.out 2>x.err || fail "explain: $(cat x.err)"
check "explain" x.out x.err
assert_contains "$(cat x.out)" "******" "explain output (the masked topic)"

sl_bg "$SLUICE" run --secrets-dir secrets --log-level debug --http 127.0.0.1:0 job.sql \
    >run.out 2>run.err
runner=$SL_BG_PID
kafka_wait_records out 2 60
addr=""
for ((i = 0; i < 100; i++)); do
    addr=$(grep -o '"address":"[^"]*"' run.err | head -n 1 | cut -d'"' -f4) || true
    [[ -n "$addr" ]] && break
    sleep 0.1
done
[[ -n "$addr" ]] || fail "no HTTP address logged"
for ((i = 0; i < 100; i++)); do
    curl -s --max-time 5 "http://$addr/metrics" >metrics.txt
    grep -q '^sluice_kafka_consumer_lag{' metrics.txt && break
    sleep 0.2
done
curl -s --max-time 5 "http://$addr/readyz" >readyz.txt
grep -q 'sluice_kafka_consumer_lag{.*topic="\*\*\*\*\*\*"' metrics.txt ||
    fail "no masked topic label in /metrics: $(grep lag metrics.txt)"
sl_stop "$runner" 20 || fail "the job did not drain: $(tail -n 5 run.err)"
check "the job's output, debug logs, /metrics or /readyz" run.out run.err metrics.txt readyz.txt
assert_contains "$(cat run.out)" "'topic' = '******'" "SHOW CREATE TABLE"
[[ $(wc -l <run.err) -gt 20 ]] || fail "expected plenty of debug logs, got $(wc -l <run.err) lines"
grep -q '"facility":' run.err || fail "librdkafka's log lines carry no facility field"

# In text logs, and in an error message: the topic is missing on a second cluster.
printf 'other\n' >secrets/unused
sed "s/'properties.debug' = '[^']*',//" job.sql >err.sql
mock_ctl topic-error "$canary" UNKNOWN_TOPIC_OR_PART >/dev/null || true
rc=0
timeout 60 "$SLUICE" run --secrets-dir secrets --log-format text --log-level debug err.sql \
    >e.out 2>e.err || rc=$?
check "a failing run" e.out e.err
((rc != 0)) || fail "the job over a failing topic succeeded"
assert_contains "$(cat e.err)" "******"
sl_log "runner_secrets: ${#outputs[@]} outputs checked, all checks passed"
