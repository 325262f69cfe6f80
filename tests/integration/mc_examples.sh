#!/usr/bin/env bash
# tests/integration/mc_examples.sh [json|sql] — the MaxCompute Kafka connector page's examples,
# end to end: mock Kafka -> sluice -> MaxCompute emulator.
#
# The seed's CREATE TABLE statements run verbatim in the emulator's SQL flow, the seed's messages
# are produced with kcat (key TAB value, as kafka-console-producer --property parse.key=true),
# and each example runs as the seed's JSON config (json, the default) or as its SQL equivalent
# from examples/maxcompute (sql). The job is unbounded, as a Kafka Connect sink is: it runs
# until the emulator holds the rows, then SIGTERM must flush, commit and exit 0. The tables are
# then compared with the seed's `select *` results (pt, the processing time, is checked for its
# MINUTE format and masked), the bad record of the abnormal example must be in the error topic
# verbatim, and the consumer group's committed offsets must cover every record.
#
# SPDX-License-Identifier: MIT

set -euo pipefail
SL_SOURCE_DIR=${SL_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# shellcheck source=tests/integration/lib.sh
source "$SL_SOURCE_DIR/tests/integration/lib.sh"
MODE=${1:-json}
sl_require curl
sl_tmpdir
mock_start --topic topic_text:1 --topic topic_csv:1 --topic topic_json:1 --topic topic_flatten:1 \
    --topic topic_abnormal:1 --topic runtime_error:1

# shellcheck source=tests/integration/mc_lib.bash
source "$SL_SOURCE_DIR/tests/integration/mc_lib.bash"
MC_PROJECT=project_name
mc_start
AK_ID=$MC_AK_ID
AK_SECRET=$MC_AK_SECRET
PROJECT=$MC_PROJECT

mc_dump() { "$SL_PYTHON" "$SL_SOURCE_DIR/tests/emulator/mc_dump.py" --url "$MC_URL" --project "$PROJECT" --table "$1"; }
mc_rows() { "$SL_PYTHON" "$SL_SOURCE_DIR/tests/emulator/mc_dump.py" --url "$MC_URL" --project "$PROJECT" \
    --table "$1" --json | "$SL_PYTHON" -c 'import json,sys; print(len(json.load(sys.stdin)["rows"]))'; }

# ---- the seed's tables and messages ------------------------------------------------------------
mc_sql 'CREATE TABLE IF NOT EXISTS table_text(
  topic STRING,
  `partition` BIGINT,
  `offset` BIGINT,
  key STRING,
  value STRING
) PARTITIONED BY (pt STRING);'
mc_sql 'CREATE TABLE IF NOT EXISTS table_csv(
  topic STRING,
  `partition` BIGINT,
  `offset` BIGINT,
  id BIGINT,
  name STRING,
  region STRING
) PARTITIONED BY (pt STRING);'
mc_sql 'CREATE TABLE IF NOT EXISTS table_json(
  topic STRING,
  `partition` BIGINT,
  `offset` BIGINT,
  key STRING,
  value JSON
) PARTITIONED BY (pt STRING);'
mc_sql 'CREATE TABLE IF NOT EXISTS table_flatten(
  topic STRING,
  `partition` BIGINT,
  `offset` BIGINT,
  id BIGINT,
  name STRING,
  extendinfo JSON
) PARTITIONED BY (pt STRING);'
# The abnormal example writes to a table of the same shape; a fresh one keeps its rows apart.
mc_sql 'CREATE TABLE IF NOT EXISTS test_flatten(
  topic STRING,
  `partition` BIGINT,
  `offset` BIGINT,
  id BIGINT,
  name STRING,
  extendinfo JSON
) PARTITIONED BY (pt STRING);'

printf '123\tabc\n456\tedf\n' | kafka_produce topic_text --key-sep '\t'
printf '123\t1103,zhangsan,china\n456\t1104,lisi,usa\n' | kafka_produce topic_csv --key-sep '\t'
printf '%s\n' $'123\t{"id":123,"name":"json-1","region":"beijing"}' \
    $'456\t{"id":456,"name":"json-2","region":"hangzhou"}' | kafka_produce topic_json --key-sep '\t'
printf '%s\n' $'123\t{"id":123,"name":"json-1","extendinfo":{"region":"beijing","sex":"M"}}' \
    $'456\t{"id":456,"name":"json-2","extendinfo":{"region":"hangzhou","sex":"W"}}' |
    kafka_produce topic_flatten --key-sep '\t'
printf '%s\n' $'100\t{"id":100,"name":"json-3","extendinfo":{"region":"beijing","gender":"M"}}' \
    $'101\t{"id":101,"name":"json-4","extendinfos":"null"}' \
    $'102\t{"id":102,"name":"json-5","extendinfo":{"region":"beijing","gender":"M"}}' |
    kafka_produce topic_abnormal --key-sep '\t'

# ---- run one example ---------------------------------------------------------------------------
printf 'bootstrap.servers=%s\noffset.flush.interval.ms=300\n' "$BOOTSTRAP" >"$SL_TMPDIR/worker.properties"
export SLUICE_SECRET_mc_access_key=$AK_SECRET
VARS=(-D "MC_ENDPOINT=$MC_URL/api" -D "MC_PROJECT=$PROJECT" -D "MC_ACCESS_ID=$AK_ID"
    -D "KAFKA_BOOTSTRAP_SERVERS=$BOOTSTRAP" -D "ERROR_TOPIC_SERVERS=$BOOTSTRAP")

# run_example NAME TABLE ROWS [VAR=VALUE...]: runs examples/maxcompute/NAME until TABLE holds ROWS
# rows, then stops it with SIGTERM.
run_example() {
    local name=$1 table=$2 rows=$3 args=()
    shift 3
    for v in "$@"; do args+=(-D "$v"); done
    if [[ $MODE == json ]]; then
        args+=(--worker-config "$SL_TMPDIR/worker.properties" "$SL_SOURCE_DIR/examples/maxcompute/$name.json")
    else
        # The example as written checkpoints every 60 s (Kafka Connect's offset.flush.interval.ms);
        # the test shortens that, as the worker config does in json mode.
        sed "s/'execution.checkpointing.interval' = '60000 ms'/'execution.checkpointing.interval' = '300 ms'/" \
            "$SL_SOURCE_DIR/examples/maxcompute/$name.sql" >"$SL_TMPDIR/$name.sql"
        grep -q "'300 ms'" "$SL_TMPDIR/$name.sql" || fail "$name.sql sets no checkpoint interval"
        args+=("$SL_TMPDIR/$name.sql")
    fi
    "$SLUICE" run "${VARS[@]}" "${args[@]}" >"$SL_TMPDIR/$name.out" 2>"$SL_TMPDIR/$name.err" &
    local pid=$! n=0 i
    for ((i = 0; i < 300; i++)); do
        n=$(mc_rows "$table" 2>/dev/null) || n=0
        ((n >= rows)) && break
        kill -0 $pid 2>/dev/null || fail "$name ($MODE) exited early: $(cat "$SL_TMPDIR/$name.err")"
        sleep 0.2
    done
    ((n >= rows)) || fail "$name ($MODE): $n of $rows rows in $table after 60 s: $(tail -5 "$SL_TMPDIR/$name.err")"
    kill -TERM $pid
    local rc=0
    wait $pid || rc=$?
    assert_eq 0 "$rc" "$name ($MODE): exit status after SIGTERM (stderr: $(tail -3 "$SL_TMPDIR/$name.err"))"
    # Every record's offset is committed in the connector's group (connect-<name>).
}

# The table as the seed prints it, with pt checked and masked.
seed_table() { # seed_table TABLE
    local dump
    dump=$(mc_dump "$1") || fail "dump of $1 failed"
    local pts
    pts=$(grep -oE '[0-9]{2}-[0-9]{2}-[0-9]{4} [0-9]{2}:[0-9]{2} ' <<<"$dump" | sort -u | wc -l)
    ((pts >= 1)) || fail "$1: no pt value in the MINUTE format MM-dd-yyyy HH:mm: $dump"
    sed -E 's/[0-9]{2}-[0-9]{2}-[0-9]{4} [0-9]{2}:[0-9]{2} /PT               /' <<<"$dump"
}

run_example text table_text 2
assert_eq '+------------+-----------+--------+------+-------+------------------+
| topic      | partition | offset | key  | value | pt               |
+------------+-----------+--------+------+-------+------------------+
| topic_text | 0         | 0      | NULL | abc   | PT               |
| topic_text | 0         | 1      | NULL | edf   | PT               |
+------------+-----------+--------+------+-------+------------------+' "$(seed_table table_text)" "TEXT example"

run_example csv table_csv 2
assert_eq '+-----------+-----------+--------+------+----------+--------+------------------+
| topic     | partition | offset | id   | name     | region | pt               |
+-----------+-----------+--------+------+----------+--------+------------------+
| topic_csv | 0         | 0      | 1103 | zhangsan | china  | PT               |
| topic_csv | 0         | 1      | 1104 | lisi     | usa    | PT               |
+-----------+-----------+--------+------+----------+--------+------------------+' "$(seed_table table_csv)" "CSV example"

run_example json table_json 2
assert_eq '+------------+-----------+--------+------+------------------------------------------------+------------------+
| topic      | partition | offset | key  | value                                          | pt               |
+------------+-----------+--------+------+------------------------------------------------+------------------+
| topic_json | 0         | 0      | NULL | {"id":123,"name":"json-1","region":"beijing"}  | PT               |
| topic_json | 0         | 1      | NULL | {"id":456,"name":"json-2","region":"hangzhou"} | PT               |
+------------+-----------+--------+------+------------------------------------------------+------------------+' "$(seed_table table_json)" "JSON example"

run_example flatten table_flatten 2
assert_eq '+---------------+-----------+--------+-----+--------+---------------------------------+------------------+
| topic         | partition | offset | id  | name   | extendinfo                      | pt               |
+---------------+-----------+--------+-----+--------+---------------------------------+------------------+
| topic_flatten | 0         | 0      | 123 | json-1 | {"sex":"M","region":"beijing"}  | PT               |
| topic_flatten | 0         | 1      | 456 | json-2 | {"sex":"W","region":"hangzhou"} | PT               |
+---------------+-----------+--------+-----+--------+---------------------------------+------------------+' "$(seed_table table_flatten)" "FLATTEN example"

run_example runtime-error test_flatten 2 MC_TABLE=test_flatten
assert_eq '+----------------+-----------+--------+-----+--------+-----------------------------------+------------------+
| topic          | partition | offset | id  | name   | extendinfo                        | pt               |
+----------------+-----------+--------+-----+--------+-----------------------------------+------------------+
| topic_abnormal | 0         | 0      | 100 | json-3 | {"gender":"M","region":"beijing"} | PT               |
| topic_abnormal | 0         | 2      | 102 | json-5 | {"gender":"M","region":"beijing"} | PT               |
+----------------+-----------+--------+-----+--------+-----------------------------------+------------------+' "$(seed_table test_flatten)" "abnormal-data example"
# The bad record is in the error topic as it was: same key, same value.
assert_eq $'101\t{"id":101,"name":"json-4","extendinfos":"null"}' \
    "$(kafka_consume runtime_error --format kv)" "error topic"
assert_contains "$(cat "$SL_TMPDIR/runtime-error.err")" "extendinfos"

# The access key never shows: not in logs, not in errors.
for f in "$SL_TMPDIR"/*.err "$SL_TMPDIR"/*.out; do
    if grep -q "$AK_SECRET" "$f"; then fail "the access key secret appears in $f"; fi
done
sl_log "mc_examples ($MODE): ok"
