#!/usr/bin/env bash
# tests/integration/upsert_kafka_print.sh — the core path end to end: upsert-kafka -> print.
#
# 1. The seed's Example 1 (examples/quickstart.sql, bounded) over the seed's three orders
#    prints exactly the seed's four changelog lines.
# 2. A tombstone deletes the key (-D with the full old row); a tombstone for an unknown key and
#    a record with a null key produce nothing.
# 3. A malformed JSON value fails the job: exit 1, an error naming topic, partition and offset.
# 4. An unbounded job (no scan.bounded.mode) keeps running until SIGTERM, then flushes what it
#    read and exits 0.
#
# SPDX-License-Identifier: MIT

set -euo pipefail
SL_SOURCE_DIR=${SL_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# shellcheck source=tests/integration/lib.sh
source "$SL_SOURCE_DIR/tests/integration/lib.sh"
DATA=$SL_SOURCE_DIR/tests/integration/data

sl_tmpdir
mock_start --topic KafkaTopic:1 --topic deletes:1 --topic bad:2 --topic live:3

# ---- 1. the seed's example -------------------------------------------------------------------
kafka_produce KafkaTopic --key-sep '|' <"$DATA/seed_orders.txt"
timeout 60 "$SLUICE" run --define BOOTSTRAP_SERVERS="$BOOTSTRAP" \
    "$SL_SOURCE_DIR/examples/quickstart.sql" >"$SL_TMPDIR/out1" 2>"$SL_TMPDIR/err1" ||
    fail "quickstart failed: $(cat "$SL_TMPDIR/err1")"
assert_eq "$(cat "$DATA/seed_example1.out")" "$(cat "$SL_TMPDIR/out1")" "seed example 1 output"

# ---- 2. deletes --------------------------------------------------------------------------------
cat >"$SL_TMPDIR/deletes.sql" <<SQL
CREATE TABLE src (id INT, name STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = 'deletes',
  'properties.bootstrap.servers' = '\${BS}', 'key.format' = 'json', 'value.format' = 'json',
  'scan.bounded.mode' = 'latest-offset');
CREATE TABLE out (id INT, name STRING) WITH ('connector' = 'print', 'print-identifier' = 'd');
INSERT INTO out SELECT id, name FROM src;
SQL
printf '%s\n' '{"id":1}|{"id":1,"name":"a"}' '{"id":2}|' '{"id":1}|' '{"id":1}|{"id":1,"name":"b"}' \
    '|{"id":9,"name":"no key"}' | kafka_produce deletes --key-sep '|'
timeout 60 "$SLUICE" run -D BS="$BOOTSTRAP" "$SL_TMPDIR/deletes.sql" >"$SL_TMPDIR/out2" ||
    fail "deletes job failed"
assert_eq "$(printf '%s\n' 'd> +I(1,a)' 'd> -D(1,a)' 'd> +I(1,b)')" "$(cat "$SL_TMPDIR/out2")" \
    "deletes output"

# ---- 3. a malformed record fails the job with its position ------------------------------------
sed -e 's/deletes/bad/' "$SL_TMPDIR/deletes.sql" >"$SL_TMPDIR/bad.sql"
printf '%s\n' '{"id":1}|{"id":1,"name":"ok"}' '{"id":3}|{"id":3,"name":' |
    kafka_produce bad --key-sep '|'
rc=0
timeout 60 "$SLUICE" run -D BS="$BOOTSTRAP" "$SL_TMPDIR/bad.sql" >"$SL_TMPDIR/out3" \
    2>"$SL_TMPDIR/err3" || rc=$?
assert_eq 1 "$rc" "exit code of a job with a malformed record"
part=$(kafka_consume bad | "$SL_PYTHON" -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    if r["value"] and r["value"].endswith(":"): print(r["partition"], r["offset"])')
read -r bad_part bad_off <<<"$part"
assert_contains "$(cat "$SL_TMPDIR/err3")" \
    "topic 'bad', partition $bad_part, offset $bad_off: Failed to deserialize JSON" "error"
assert_contains "$(cat "$SL_TMPDIR/err3")" "bad.sql:" "error position"

# ---- 4. an unbounded job stops cleanly on SIGTERM ----------------------------------------------
sed -e "s/deletes/live/" -e "/scan.bounded.mode/d" -e "s/'value.format' = 'json',/'value.format' = 'json');/" \
    "$SL_TMPDIR/deletes.sql" >"$SL_TMPDIR/live.sql"
printf '%s\n' '{"id":1}|{"id":1,"name":"x"}' '{"id":2}|{"id":2,"name":"y"}' |
    kafka_produce live --key-sep '|'
sl_bg "$SLUICE" run -D BS="$BOOTSTRAP" "$SL_TMPDIR/live.sql" >"$SL_TMPDIR/out4" 2>"$SL_TMPDIR/err4"
pid=$SL_BG_PID
for _ in $(seq 100); do
    [[ $(wc -l <"$SL_TMPDIR/out4") -ge 2 ]] && break
    kill -0 "$pid" 2>/dev/null || fail "unbounded job ended by itself: $(cat "$SL_TMPDIR/err4")"
    sleep 0.1
done
printf '%s\n' '{"id":3}|{"id":3,"name":"z"}' | kafka_produce live --key-sep '|'
for _ in $(seq 100); do
    [[ $(wc -l <"$SL_TMPDIR/out4") -ge 3 ]] && break
    sleep 0.1
done
kill -0 "$pid" 2>/dev/null || fail "unbounded job ended by itself"
rc=0
sl_stop "$pid" 10 || rc=$?
assert_eq 0 "$rc" "exit code after SIGTERM"
assert_eq "$(printf '%s\n' 'd> +I(1,x)' 'd> +I(2,y)' 'd> +I(3,z)' | sort)" \
    "$(sort "$SL_TMPDIR/out4")" "rows of the unbounded job"
sl_log "upsert_kafka_print: all checks passed"
