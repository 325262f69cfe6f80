#!/usr/bin/env bash
# tests/integration/upsert_kafka_sink.sh — the upsert-kafka sink, read back by python3-kafka.
#
# 1. The seed's Example 2 (kafka JSON -> upsert-kafka): three records, keys the CSV order ids,
#    values the orders as JSON (DOUBLE written as 60.0), each in partition
#    murmur2(key) mod partitions computed the Java way.
# 2. Deletes and updates: a tombstone in the source is a tombstone in the sink; with a filter
#    above the upsert source, an update reaches the sink as -U (a tombstone) then +U.
# 3. Buffered flush: the same updates through 'sink.buffer-flush.*' keep only the last change
#    per key, so no transient tombstone is written.
# 4. 'sink.parallelism' = 3 writes the same records, each key still in its Java partition.
# 5. 'sink.delivery-guarantee' = 'exactly-once': records are written in a Kafka transaction and
#    are visible to a read_committed reader after the job.
#
# SPDX-License-Identifier: MIT

set -euo pipefail
SL_SOURCE_DIR=${SL_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# shellcheck source=tests/integration/lib.sh
source "$SL_SOURCE_DIR/tests/integration/lib.sh"
DATA=$SL_SOURCE_DIR/tests/integration/data
sl_tmpdir
mock_start --topic orders:1 --topic orders_by_id:3 --topic changes:1 --topic changes_out:2 \
    --topic buffered_out:2 --topic par_out:3 --topic eo_out:2

# Records of a topic as "partition<TAB>key<TAB>value" lines ("NULL" for a tombstone).
records() {
    kafka_consume "$1" | "$SL_PYTHON" -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    v = "NULL" if r["value"] is None else r["value"]
    print("%s\t%s\t%s" % (r["partition"], r["key"], v))'
}

# Check that every record's partition is murmur2(key) mod NPART, the Java client's choice.
check_java_partitions() {
    local topic=$1 npart=$2 part key value want
    while IFS=$'\t' read -r part key value; do
        want=$(kafka_tool murmur2-partition "$key" "$npart")
        assert_eq "$want" "$part" "partition of key $key in $topic"
    done < <(records "$topic")
}

# Run a script until its output topic holds N records, then stop it with SIGTERM.
run_until() {
    local script=$1 topic=$2 n=$3
    shift 3
    sl_bg "$SLUICE" run --log-level info -D BS="$BOOTSTRAP" "$@" "$script" \
        >"$SL_TMPDIR/run.out" 2>"$SL_TMPDIR/run.err"
    local pid=$SL_BG_PID rc=0
    kafka_wait_records "$topic" "$n" 30
    sl_stop "$pid" 10 || rc=$?
    assert_eq 0 "$rc" "exit code of $script after SIGTERM ($(cat "$SL_TMPDIR/run.err"))"
}

# ---- 1. Example 2 --------------------------------------------------------------------------
sl_bg "$SLUICE" run --log-level info -D BOOTSTRAP_SERVERS="$BOOTSTRAP" -D SOURCE_TOPIC=orders \
    -D SINK_TOPIC=orders_by_id "$SL_SOURCE_DIR/examples/upsert-kafka/example2.sql" \
    >"$SL_TMPDIR/ex2.out" 2>"$SL_TMPDIR/ex2.err"
pid=$SL_BG_PID
for _ in $(seq 100); do
    grep -q "reading 1 partition" "$SL_TMPDIR/ex2.err" && break
    sleep 0.1
done
cut -d'|' -f2- "$DATA/seed_orders.txt" | kafka_produce orders --key-sep '|'
kafka_wait_records orders_by_id 3 30
rc=0
sl_stop "$pid" 10 || rc=$?
assert_eq 0 "$rc" "example 2 exit code after SIGTERM"
records orders_by_id | sort -k2,2 -s >"$SL_TMPDIR/ex2.records"
"$SL_PYTHON" - "$SL_TMPDIR/ex2.records" "$DATA/seed_orders.txt" <<'PY'
import json, sys
got = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
seed = [json.loads(l.split("|", 1)[1]) for l in open(sys.argv[2])]
assert len(got) == 3, got
# The page shows the input lines; the sink holds the same fields and values, with the DOUBLE
# columns as JSON numbers (Flink writes 60.0 for the string "60.00" read into a DOUBLE).
want = sorted(seed, key=lambda r: r["order_id"])  # stable: per key, in input order
for (part, key, value), w in zip(got, want):
    v = json.loads(value)
    assert key == w["order_id"], (key, w)
    assert list(v) == list(w), (list(v), list(w))
    for k in w:
        exp = float(w[k]) if k in ("pay_amount", "real_pay") else w[k]
        assert v[k] == exp, (k, v[k], exp)
    assert '"pay_amount":%s' % (repr(float(w["pay_amount"]))) in value, value
print("example 2: 3 records as the page shows")
PY
check_java_partitions orders_by_id 3

# ---- 2. tombstones and -U ------------------------------------------------------------------
cat >"$SL_TMPDIR/passthrough.sql" <<'SQL'
CREATE TABLE src (id INT, v STRING, amount INT, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = 'changes', 'properties.bootstrap.servers' = '${BS}',
  'key.format' = 'json', 'value.format' = 'json');
CREATE TABLE dst (id INT, v STRING, amount INT, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = '${OUT}', 'properties.bootstrap.servers' = '${BS}',
  'key.format' = 'json', 'value.format' = 'json' ${EXTRA:-});
INSERT INTO dst SELECT * FROM src WHERE amount > ${MIN:-0};
SQL
printf '%s\n' '{"id":1}|{"id":1,"v":"a","amount":10}' '{"id":2}|{"id":2,"v":"b","amount":20}' \
    '{"id":1}|{"id":1,"v":"a2","amount":11}' '{"id":2}|' | kafka_produce changes --key-sep '|'
# A filter forces ChangelogNormalize with -U: the update of key 1 arrives as -U then +U, the
# -U written as a tombstone (spec 6.5); the delete of key 2 as a tombstone.
run_until "$SL_TMPDIR/passthrough.sql" changes_out 5 -D OUT=changes_out -D MIN=5
assert_eq "$(printf '%s\n' '{"id":1}	{"id":1,"v":"a","amount":10}' '{"id":1}	NULL' \
    '{"id":1}	{"id":1,"v":"a2","amount":11}' '{"id":2}	{"id":2,"v":"b","amount":20}' \
    '{"id":2}	NULL')" "$(records changes_out | cut -f2- | sort -s -k1,1)" "tombstones"
check_java_partitions changes_out 2
"$SLUICE" explain -D BS=x -D OUT=changes_out -D MIN=5 "$SL_TMPDIR/passthrough.sql" |
    grep -q "ChangelogNormalize" || fail "the filter should force a ChangelogNormalize"

# ---- 3. buffered flush keeps the last change per key ---------------------------------------
run_until "$SL_TMPDIR/passthrough.sql" buffered_out 2 -D OUT=buffered_out -D MIN=5 \
    -D "EXTRA=, 'sink.buffer-flush.max-rows' = '100', 'sink.buffer-flush.interval' = '200 ms'"
assert_eq "$(printf '%s\n' '{"id":1}	{"id":1,"v":"a2","amount":11}' '{"id":2}	NULL')" \
    "$(records buffered_out | cut -f2- | sort -s -k1,1)" "buffered records (no transient tombstone)"

# ---- 4. several writers ----------------------------------------------------------------------
run_until "$SL_TMPDIR/passthrough.sql" par_out 5 -D OUT=par_out \
    -D "EXTRA=, 'sink.parallelism' = '3'"
assert_eq 5 "$(records par_out | wc -l)" "records written by 3 writers"
check_java_partitions par_out 3

# ---- 5. exactly-once -------------------------------------------------------------------------
cat >"$SL_TMPDIR/eo.sql" <<'SQL'
CREATE TABLE dst (id INT, v STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = 'eo_out', 'properties.bootstrap.servers' = '${BS}',
  'key.format' = 'json', 'value.format' = 'json',
  'sink.delivery-guarantee' = 'exactly-once', 'sink.transactional-id-prefix' = 'sluice-eo');
INSERT INTO dst VALUES (1, 'one'), (2, 'two'), (3, 'three');
SQL
timeout 60 "$SLUICE" run -D BS="$BOOTSTRAP" "$SL_TMPDIR/eo.sql" || fail "exactly-once job failed"
n=$(timeout 30 kcat -b "$BOOTSTRAP" -C -t eo_out -e -q -X isolation.level=read_committed \
    -f '%k\n' | sort | tr '\n' ' ')
assert_eq '{"id":1} {"id":2} {"id":3} ' "$n" "committed records"
sl_log "upsert_kafka_sink: all checks passed"
