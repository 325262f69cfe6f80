#!/usr/bin/env bash
# tests/integration/kafka_connector.sh — the 'kafka' connector: where sources start and stop,
# which topics they read, metadata columns, keys and partitioners of the sink.
#
# Records are produced by python3-kafka with chosen partitions, timestamps and headers, read by
# sluice, and what sluice writes is read back by python3-kafka.
#
# SPDX-License-Identifier: MIT

set -euo pipefail
SL_SOURCE_DIR=${SL_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# shellcheck source=tests/integration/lib.sh
source "$SL_SOURCE_DIR/tests/integration/lib.sh"
sl_tmpdir
mock_start --topic in1:2 --topic in2:1 --topic other:1 --topic keyed:4 --topic fixed:3 \
    --topic rr:3 --topic meta_out:1

produce() { # produce TOPIC PARTITION TIMESTAMP KEY VALUE [HEADER...]
    local topic=$1 part=$2 ts=$3 key=$4 value=$5
    shift 5
    local hdrs=()
    for h in "$@"; do hdrs+=(--header "$h"); done
    kafka_tool produce --bootstrap "$BOOTSTRAP" --topic "$topic" --partition "$part" \
        --timestamp "$ts" --key "$key" --value "$value" "${hdrs[@]}" >/dev/null ||
        fail "produce to $topic"
}

# A source table over TOPIC_OPTION with extra WITH options, printed with its metadata.
write_print() { # write_print "'topic' = 'in1'" "extra options" -> $SL_TMPDIR/p.sql
    cat >"$SL_TMPDIR/p.sql" <<SQL
CREATE TABLE src (
  id INT, name STRING,
  t STRING METADATA FROM 'topic' VIRTUAL,
  p INT METADATA FROM 'partition' VIRTUAL,
  o BIGINT METADATA FROM 'offset' VIRTUAL
) WITH ('connector' = 'kafka', $1, 'properties.bootstrap.servers' = '$BOOTSTRAP',
  'format' = 'json' $2);
CREATE TABLE out (id INT, name STRING, t STRING, p INT, o BIGINT) WITH ('connector' = 'print');
INSERT INTO out SELECT * FROM src;
SQL
}

run_print() { # run_print "'topic' = 'in1'" "extra options" -> output lines (sorted)
    write_print "$@"
    timeout 60 "$SLUICE" run "$SL_TMPDIR/p.sql" 2>"$SL_TMPDIR/p.err" | sort ||
        fail "run failed: $(cat "$SL_TMPDIR/p.err")"
}

T0=1700000000000
produce in1 0 $T0 a '{"id":1,"name":"one"}' trace=abc
produce in1 0 $((T0 + 1000)) b '{"id":2,"name":"two"}'
produce in1 1 $((T0 + 2000)) c '{"id":3,"name":"three"}'
produce in2 0 $((T0 + 3000)) d '{"id":4,"name":"four"}'
produce other 0 $((T0 + 4000)) e '{"id":5,"name":"five"}'

bounded="'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset'"

# ---- topics: one, a list, a pattern ------------------------------------------------------------
assert_eq "$(printf '%s\n' '+I(1,one,in1,0,0)' '+I(2,two,in1,0,1)' '+I(3,three,in1,1,0)')" \
    "$(run_print "'topic' = 'in1'" ", $bounded")" "one topic"
assert_eq 4 "$(run_print "'topic' = 'in1;in2'" ", $bounded" | wc -l)" "a topic list"
assert_contains "$(run_print "'topic-pattern' = 'in[0-9]+'" ", $bounded")" "+I(4,four,in2,0,0)"
assert_eq 4 "$(run_print "'topic-pattern' = 'in[0-9]+'" ", $bounded" | wc -l)" "a pattern"

# ---- startup and bounded modes --------------------------------------------------------------
assert_eq "" "$(run_print "'topic' = 'in1'" ", 'scan.startup.mode' = 'latest-offset',
    'scan.bounded.mode' = 'latest-offset'")" "latest to latest reads nothing"
assert_eq "$(printf '%s\n' '+I(2,two,in1,0,1)' '+I(3,three,in1,1,0)')" \
    "$(run_print "'topic' = 'in1'" ", 'scan.startup.mode' = 'specific-offsets',
    'scan.startup.specific-offsets' = 'partition:0,offset:1',
    'scan.bounded.mode' = 'latest-offset'")" "startup specific-offsets"
assert_eq "$(printf '%s\n' '+I(1,one,in1,0,0)')" \
    "$(run_print "'topic' = 'in1'" ", 'scan.startup.mode' = 'earliest-offset',
    'scan.bounded.mode' = 'specific-offsets',
    'scan.bounded.specific-offsets' = 'partition:0,offset:1'")" "bounded specific-offsets"
# Timestamps: sluice asks the broker (offsets_for_times). librdkafka 2.0.2's mock cluster does not
# implement that lookup: it answers -1, "no record at or after the timestamp", for any timestamp
# (rdkafka_mock_handlers.c: "FIXME: by timestamp"). What can be checked here is how that answer is
# applied: a start at a timestamp with no record after it reads nothing, and a bound at such a
# timestamp is the end of the partition.
assert_eq "" "$(run_print "'topic' = 'in1'" ", 'scan.startup.mode' = 'timestamp',
    'scan.startup.timestamp-millis' = '$((T0 + 500))', 'scan.bounded.mode' = 'latest-offset'")" \
    "startup timestamp (mock: no record at or after it)"
assert_eq 3 "$(run_print "'topic' = 'in1'" ", 'scan.startup.mode' = 'earliest-offset',
    'scan.bounded.mode' = 'timestamp', 'scan.bounded.timestamp-millis' = '$((T0 + 500))'" |
    wc -l)" "bounded timestamp (mock: the end of the partition)"

# group-offsets: without a committed offset or a reset policy it is a clear error; a run
# commits what it read, and the next run of the group goes on from there.
group="'properties.group.id' = 'g1', 'scan.startup.mode' = 'group-offsets',
    'scan.bounded.mode' = 'latest-offset'"
write_print "'topic' = 'in1'" ", $group"
rc=0
"$SLUICE" run "$SL_TMPDIR/p.sql" >/dev/null 2>"$SL_TMPDIR/p.err" || rc=$?
assert_eq 1 "$rc" "group-offsets without a committed offset"
assert_contains "$(cat "$SL_TMPDIR/p.err")" "has no committed offset for group 'g1'"
assert_eq 3 "$(run_print "'topic' = 'in1'" ", $group,
    'properties.auto.offset.reset' = 'earliest'" | wc -l)" "first group run"
produce in1 1 $((T0 + 5000)) f '{"id":6,"name":"six"}'
assert_eq "$(printf '%s\n' '+I(6,six,in1,1,1)')" "$(run_print "'topic' = 'in1'" ", $group")" \
    "second group run continues after the committed offsets"
assert_eq "$(printf '%s\n' '+I(1,one,in1,0,0)' '+I(2,two,in1,0,1)' '+I(3,three,in1,1,0)' \
    '+I(6,six,in1,1,1)')" \
    "$(run_print "'topic' = 'in1'" ", 'properties.group.id' = 'g1',
    'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'group-offsets'")" \
    "bounded group-offsets stops at the committed offsets"

# ---- metadata: read, cast, and written back -------------------------------------------------
cat >"$SL_TMPDIR/meta.sql" <<SQL
CREATE TABLE src (
  id INT, name STRING,
  ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp',
  ts_local TIMESTAMP(3) METADATA FROM 'timestamp' VIRTUAL,
  tt STRING METADATA FROM 'timestamp-type' VIRTUAL,
  headers MAP<STRING, BYTES> METADATA,
  epoch INT METADATA FROM 'leader-epoch' VIRTUAL
) WITH ('connector' = 'kafka', 'topic' = 'in1', 'properties.bootstrap.servers' = '$BOOTSTRAP',
  'format' = 'json', $bounded);
CREATE TABLE shown (id INT, ts TIMESTAMP_LTZ(3), ts_local TIMESTAMP(3), tt STRING,
  headers MAP<STRING, BYTES>, epoch INT) WITH ('connector' = 'print');
CREATE TABLE meta_out (id INT, name STRING,
  ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp',
  headers MAP<STRING, BYTES> METADATA)
  WITH ('connector' = 'kafka', 'topic' = 'meta_out', 'properties.bootstrap.servers' = '$BOOTSTRAP',
  'format' = 'json');
INSERT INTO shown SELECT id, ts, ts_local, tt, headers, epoch FROM src WHERE id = 1;
INSERT INTO meta_out SELECT id, name, ts, headers FROM src WHERE id = 1;
SQL
out=$(timeout 60 "$SLUICE" run "$SL_TMPDIR/meta.sql") || fail "metadata job"
assert_eq '+I(1,2023-11-14T22:13:20Z,2023-11-14T22:13:20,CreateTime,{trace=[97, 98, 99]},null)' \
    "$out" "metadata read"
rec=$(kafka_consume meta_out)
assert_contains "$rec" "\"timestamp\":$T0" "timestamp written from the metadata column"
assert_contains "$rec" '"headers":[["trace","abc"]]' "headers written from the metadata column"

# A read-only metadata column of a written table must be VIRTUAL.
cat >"$SL_TMPDIR/ro.sql" <<SQL
CREATE TABLE t (id INT, o BIGINT METADATA FROM 'offset') WITH ('connector' = 'kafka',
  'topic' = 'other', 'properties.bootstrap.servers' = '$BOOTSTRAP', 'format' = 'json');
INSERT INTO t VALUES (1, 2);
SQL
rc=0
"$SLUICE" run "$SL_TMPDIR/ro.sql" 2>"$SL_TMPDIR/ro.err" || rc=$?
assert_eq 1 "$rc" "read-only metadata written"
assert_contains "$(cat "$SL_TMPDIR/ro.err")" "can only be read: declare it VIRTUAL"

# ---- the sink: key.fields and the partitioners ----------------------------------------------
sink_sql() { # sink_sql TOPIC "options"
    cat >"$SL_TMPDIR/s.sql" <<SQL
CREATE TABLE s (id INT, name STRING) WITH ('connector' = 'kafka', 'topic' = '$1',
  'properties.bootstrap.servers' = '$BOOTSTRAP', 'format' = 'json' $2);
INSERT INTO s VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd'), (5, 'e'), (6, 'f');
SQL
    timeout 60 "$SLUICE" run "$SL_TMPDIR/s.sql" || fail "sink job to $1"
}
sink_sql keyed ", 'key.format' = 'json', 'key.fields' = 'id'"
while IFS=$'\t' read -r part key; do
    assert_eq "$(kafka_tool murmur2-partition "$key" 4)" "$part" "partition of $key"
done < <(kafka_consume keyed | "$SL_PYTHON" -c '
import json, sys
for l in sys.stdin:
    r = json.loads(l); print("%s\t%s" % (r["partition"], r["key"]))')
assert_eq 6 "$(kafka_consume keyed | wc -l)" "keyed records"
sink_sql fixed ", 'sink.partitioner' = 'fixed'"
assert_eq "6 0" "$(kafka_consume fixed | "$SL_PYTHON" -c '
import json, sys
ps = [json.loads(l)["partition"] for l in sys.stdin]; print(len(ps), max(ps))')" \
    "fixed partitioner: writer 0 -> partition 0"
sink_sql rr ", 'sink.partitioner' = 'round-robin'"
assert_eq "2 2 2" "$(kafka_consume rr | "$SL_PYTHON" -c '
import json, sys, collections
c = collections.Counter(json.loads(l)["partition"] for l in sys.stdin)
print(" ".join(str(c[p]) for p in range(3)))')" "round-robin over 3 partitions"

# An updating query cannot go to the append-only kafka sink.
cat >"$SL_TMPDIR/upd.sql" <<SQL
CREATE TABLE u (id INT, v STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = 'in2', 'properties.bootstrap.servers' = '$BOOTSTRAP',
  'key.format' = 'json', 'value.format' = 'json');
CREATE TABLE k (id INT, v STRING) WITH ('connector' = 'kafka', 'topic' = 'other',
  'properties.bootstrap.servers' = '$BOOTSTRAP', 'format' = 'json');
INSERT INTO k SELECT * FROM u;
SQL
rc=0
"$SLUICE" run "$SL_TMPDIR/upd.sql" 2>"$SL_TMPDIR/upd.err" || rc=$?
assert_eq 1 "$rc" "updates into kafka"
assert_contains "$(cat "$SL_TMPDIR/upd.err")" "Table sink 'default_catalog.default_database.k' doesn't support consuming update and delete changes which is produced by node TableSourceScan(table=[default_catalog.default_database.u])"
sl_log "kafka_connector: all checks passed"
