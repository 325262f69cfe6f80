#!/usr/bin/env bash
# tests/integration/mc_sink_modes.sh — the maxcompute sink's modes end to end: mock Kafka ->
# `sluice run` -> MaxCompute emulator, checked with the emulator's JSON dump.
#
# 1. Primary key (spec 3.7): an upsert-kafka source with inserts, updates, deletes and
#    re-inserts -> a sink with PRIMARY KEY on a transactional table: the table ends with the last
#    value per key and deleted keys absent. The errors for updates into an append-only table:
#    the planner's (no PRIMARY KEY) and the sink's at open (PRIMARY KEY, remote append-only), and
#    a primary key that differs from the remote one.
# 2. STS: account_type STS against the emulator's STS endpoint; the emulator's clock is moved
#    past the credential's lifetime mid-job: the expired token gets a 401, the sink assumes the
#    role again and goes on, every row once, the secret and tokens never in the log.
# 3. Column mode (no 'format'): a JSON topic into BIGINT, DOUBLE, DECIMAL, STRING, BOOLEAN,
#    DATETIME, TIMESTAMP and DATE columns mapped by name; the start-up errors for a missing
#    column and an incompatible type name both sides.
#
# SPDX-License-Identifier: MIT

set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/mc_lib.bash"
sl_require curl kcat
sl_tmpdir
mock_start --topic changes:3 --topic sts:3 --topic typed:1
mc_start
export SLUICE_SECRET_mc_access_key=$MC_AK_SECRET

# mc_with TABLE [OPTIONS]: the maxcompute connector's WITH clause for TABLE.
mc_with() {
    printf "'connector' = 'maxcompute', 'endpoint' = '%s/api', 'project' = '%s', 'table' = '%s',
  'access_id' = '%s', 'access_key' = '\${secret_values.mc_access_key}'%s" \
        "$MC_URL" "$MC_PROJECT" "$1" "$MC_AK_ID" "${2:+, $2}"
}

# run_bounded NAME SQLFILE: runs a bounded job to its end; sets JOB_RC.
run_bounded() {
    job_start "$1" "$2"
    job_wait_exit 90
}

# ---- 1. primary key ------------------------------------------------------------------------------
mc_sql "CREATE TABLE pk_orders (id BIGINT NOT NULL, name STRING, amount DOUBLE, PRIMARY KEY (id))
        TBLPROPERTIES ('transactional'='true');
        CREATE TABLE pk_two (id BIGINT NOT NULL, name STRING NOT NULL, amount DOUBLE,
        PRIMARY KEY (id, name)) TBLPROPERTIES ('transactional'='true');
        CREATE TABLE append_orders (id BIGINT, name STRING, amount DOUBLE);"
# 300 keys; then every third key updated, every fifth deleted (a tombstone), every tenth inserted
# again, and a delete of a key never seen.
"$SL_PYTHON" -c '
rows = []
for i in range(1, 301):
    rows.append((i, "v1-%d" % i))
for i in range(3, 301, 3):
    rows.append((i, "v2-%d" % i))
for i in range(5, 301, 5):
    rows.append((i, None))
for i in range(10, 301, 10):
    rows.append((i, "v3-%d" % i))
rows.append((9999, None))
for i, name in rows:
    value = "" if name is None else "{\"id\":%d,\"name\":\"%s\",\"amount\":%d.5}" % (i, name, i)
    print("{\"id\":%d}|%s" % (i, value))
' >"$SL_TMPDIR/changes.txt"
kafka_produce changes --key-sep '|' <"$SL_TMPDIR/changes.txt"

# pk_job FILE TABLE SINK_PK: upsert-kafka changes -> maxcompute TABLE, bounded.
pk_job() {
    cat >"$1" <<EOF
CREATE TABLE src (id BIGINT, name STRING, amount DOUBLE, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = 'changes', 'properties.bootstrap.servers' = '$BOOTSTRAP',
  'key.format' = 'json', 'value.format' = 'json', 'scan.bounded.mode' = 'latest-offset');
CREATE TABLE dst (id BIGINT, name STRING, amount DOUBLE${3:+, PRIMARY KEY ($3) NOT ENFORCED})
  WITH ($(mc_with "$2"));
INSERT INTO dst SELECT * FROM src;
EOF
}
mc_stats_reset
pk_job "$SL_TMPDIR/pk.sql" pk_orders id
run_bounded pk "$SL_TMPDIR/pk.sql"
assert_eq 0 "$JOB_RC" "pk: exit status ($(tail -3 "$SL_TMPDIR/pk.err"))"
mc_dump_json pk_orders | "$SL_PYTHON" -c '
import json, sys
got = {r["id"]: (r["name"], r["amount"]) for r in json.load(sys.stdin)["rows"]}
want = {}
for i in range(1, 301):
    if i % 10 == 0:
        want[i] = ("v3-%d" % i, i + 0.5)
    elif i % 5:
        want[i] = (("v2-%d" if i % 3 == 0 else "v1-%d") % i, i + 0.5)
if got != want:
    missing = sorted(set(want) - set(got))[:5]
    extra = sorted(set(got) - set(want))[:5]
    wrong = [(k, got[k], want[k]) for k in want if k in got and got[k] != want[k]][:3]
    sys.exit("pk_orders: %d rows, want %d; missing %r extra %r wrong %r"
             % (len(got), len(want), missing, extra, wrong))
print("pk_orders: %d keys, last value each, %d deleted keys absent" % (len(got), 300 - len(want)))
' || fail "pk_orders differs from the last change per key"
((($(mc_stat 'd["rows"]["deleted"]')) >= 60)) || fail "pk: deletes not sent: $(mc_stat 'd["rows"]')"
sl_log "ok: primary key: $(mc_stat 'd["rows"]["upserted"]') upserts, $(mc_stat 'd["rows"]["deleted"]') deletes"

# Updates into an append-only table: without a PRIMARY KEY the planner refuses the plan...
pk_job "$SL_TMPDIR/append.sql" append_orders
run_bounded append "$SL_TMPDIR/append.sql"
assert_eq 1 "$JOB_RC" "append: exit status"
assert_contains "$(cat "$SL_TMPDIR/append.err")" \
    "Table sink 'default_catalog.default_database.dst' doesn't support consuming update and delete changes which is produced by node TableSourceScan(table=[default_catalog.default_database.src])"
# ... with one, the sink refuses the remote table at open, before anything is read.
pk_job "$SL_TMPDIR/append_pk.sql" append_orders id
run_bounded append_pk "$SL_TMPDIR/append_pk.sql"
assert_eq 78 "$JOB_RC" "append_pk: exit status (a configuration error)"
assert_contains "$(cat "$SL_TMPDIR/append_pk.err")" \
    "sink 'dst': table 'dst' declares a PRIMARY KEY, but MaxCompute table test_project.append_orders is not a transactional table with a primary key; an append-only table takes inserts only"
# A primary key that is not the remote table's.
pk_job "$SL_TMPDIR/pk_two.sql" pk_two id
run_bounded pk_two "$SL_TMPDIR/pk_two.sql"
assert_eq 78 "$JOB_RC" "pk_two: exit status (a configuration error)"
assert_contains "$(cat "$SL_TMPDIR/pk_two.err")" \
    "table 'dst' has PRIMARY KEY (id) in sluice but MaxCompute table test_project.pk_two has primary key (id, name)"
assert_eq 0 "$(mc_dump_json append_orders | "$SL_PYTHON" -c 'import json,sys; print(len(json.load(sys.stdin)["rows"]))')" \
    "rows in append_orders"
sl_log "ok: updates into append-only tables refused with clear errors"

# ---- 2. STS, with the credential expiring mid-job ------------------------------------------------
mc_record_table t_sts
mc_record_job "$SL_TMPDIR/sts.sql" sts t_sts g_sts "'account_type' = 'STS', 'sts.endpoint' = '$MC_URL',
  'account_id' = '1234567890123456', 'role_name' = 'kafka-writer', 'region_id' = 'cn-hangzhou'"
produce_records sts 3 200 200
mc_stats_reset
job_start sts "$SL_TMPDIR/sts.sql" --log-level info
job_wait_offsets g_sts sts 3 "p0=200 p1=200 p2=200"
assert_eq 1 "$(mc_stat 'd["sts"]["issued"]')" "STS credentials issued before the clock moves"
# The emulator's clock passes the credential's expiry (DurationSeconds 3600).
mc_admin POST clock '{"advance": 3700}' >/dev/null
produce_records sts 3 200 200 200
job_wait_offsets g_sts sts 3 "p0=400 p1=400 p2=400"
job_stop TERM
assert_eq 0 "$JOB_RC" "sts: exit status after SIGTERM ($(tail -3 "$SL_TMPDIR/sts.err"))"
assert_eq "rows=1200 distinct=1200 duplicates=0 missing=0 unexpected=0" \
    "$(mc_kafka_rows t_sts sts 3 400)" "sts: rows"
assert_eq 2 "$(mc_stat 'd["sts"]["issued"]')" "STS credentials issued"
((($(mc_stat 'd["auth"]["failures"]')) >= 1)) || fail "sts: the expired token was never refused"
assert_eq 2 "$(grep -c 'STS credential STS\..* obtained for role kafka-writer' "$SL_TMPDIR/sts.err")" \
    "sts: credentials obtained (log)"
if grep -q -e "$MC_AK_SECRET" -e "CAIS" "$SL_TMPDIR/sts.err" "$SL_TMPDIR/sts.out"; then
    fail "a secret or an STS token is in the job's output"
fi
# Every ODPS request after the first was signed with a temporary key, none with the long-term one.
mc_admin GET "requests?route=tunnel.*" | "$SL_PYTHON" -c '
import json, sys
ids = {r["access_id"] for r in json.load(sys.stdin)["requests"]}
if not ids or any(not (i or "").startswith("STS.") for i in ids):
    sys.exit("tunnel requests signed with %r" % sorted(ids, key=str))
' || fail "sts: not every tunnel request was signed with STS credentials"
sl_log "ok: STS: 1200 rows once, the credential renewed after the emulator expired it"

# ---- 3. column mode ----------------------------------------------------------------------------
mc_sql "CREATE TABLE typed (id BIGINT, price DOUBLE, amount DECIMAL(10,2), name STRING,
        flag BOOLEAN, dt DATETIME, ts TIMESTAMP, day DATE, extra STRING)
        PARTITIONED BY (pt STRING);"
printf '%s\n' \
    '{"id":1,"price":1.25,"amount":12.34,"name":"one","flag":true,"dt":"2023-07-13 21:05:06.123","ts":"2023-07-13 21:05:06.123456Z","day":"2023-07-13"}' \
    '{"id":2,"price":-0.5,"amount":-99999999.99,"name":"二","flag":false,"dt":"1970-01-01 00:00:00","ts":"2000-02-29 23:59:59Z","day":"1900-01-01"}' \
    '{"id":3}' | kafka_produce typed

# typed_job FILE COLUMNS: the JSON topic with COLUMNS -> maxcompute typed, bounded.
typed_job() {
    cat >"$1" <<EOF
CREATE TABLE src ($2) WITH ('connector' = 'kafka', 'topic' = 'typed',
  'properties.bootstrap.servers' = '$BOOTSTRAP', 'scan.startup.mode' = 'earliest-offset',
  'scan.bounded.mode' = 'latest-offset', 'value.format' = 'json');
CREATE TABLE dst ($2) WITH ($(mc_with typed "'time_zone' = 'UTC'"));
INSERT INTO dst SELECT * FROM src;
EOF
}
COLS='id BIGINT, price DOUBLE, amount DECIMAL(10, 2), name STRING, flag BOOLEAN, dt TIMESTAMP(3),
  ts TIMESTAMP_LTZ(6), `day` DATE'
typed_job "$SL_TMPDIR/typed.sql" "$COLS"
run_bounded typed "$SL_TMPDIR/typed.sql"
assert_eq 0 "$JOB_RC" "typed: exit status ($(tail -3 "$SL_TMPDIR/typed.err"))"
mc_admin GET "dump?project=$MC_PROJECT&table=typed" |
    sed -E 's/[0-9]{2}-[0-9]{2}-[0-9]{4} [0-9]{2} /PT            /' >"$SL_TMPDIR/typed.dump"
assert_eq '+----+-------+--------------+------+-------+-------------------------+----------------------------+------------+-------+---------------+
| id | price | amount       | name | flag  | dt                      | ts                         | day        | extra | pt            |
+----+-------+--------------+------+-------+-------------------------+----------------------------+------------+-------+---------------+
| 1  | 1.25  | 12.34        | one  | true  | 2023-07-13 21:05:06.123 | 2023-07-13 21:05:06.123456 | 2023-07-13 | NULL  | PT            |
| 2  | -0.5  | -99999999.99 | 二   | false | 1970-01-01 00:00:00     | 2000-02-29 23:59:59        | 1900-01-01 | NULL  | PT            |
| 3  | NULL  | NULL         | NULL | NULL  | NULL                    | NULL                       | NULL       | NULL  | PT            |
+----+-------+--------------+------+-------+-------------------------+----------------------------+------------+-------+---------------+' \
    "$(cat "$SL_TMPDIR/typed.dump")" "typed rows"
sl_log "ok: column mode: 8 types by name"

# Start-up errors name both sides; nothing is written.
typed_job "$SL_TMPDIR/missing.sql" "$COLS, nope STRING"
run_bounded missing "$SL_TMPDIR/missing.sql"
assert_eq 78 "$JOB_RC" "missing column: exit status (a configuration error)"
assert_contains "$(cat "$SL_TMPDIR/missing.err")" \
    "column 'nope' of the sluice table does not exist in MaxCompute table test_project.typed"
typed_job "$SL_TMPDIR/narrow.sql" "${COLS/DECIMAL(10, 2)/DECIMAL(12, 2)}"
run_bounded narrow "$SL_TMPDIR/narrow.sql"
assert_eq 78 "$JOB_RC" "incompatible type: exit status (a configuration error)"
assert_contains "$(cat "$SL_TMPDIR/narrow.err")" \
    "column 'amount' is DECIMAL(12, 2) in sluice but DECIMAL(10,2) in MaxCompute table test_project.typed"
typed_job "$SL_TMPDIR/boolstr.sql" "${COLS/flag BOOLEAN/flag INT}"
run_bounded boolstr "$SL_TMPDIR/boolstr.sql"
assert_eq 78 "$JOB_RC" "incompatible type: exit status (a configuration error)"
assert_contains "$(cat "$SL_TMPDIR/boolstr.err")" "column 'flag' is INT in sluice but BOOLEAN in MaxCompute table test_project.typed"
assert_eq 3 "$(mc_dump_json typed | "$SL_PYTHON" -c 'import json,sys; print(len(json.load(sys.stdin)["rows"]))')" \
    "rows in typed after the failed starts"
sl_log "ok: column mode start-up errors"

mc_emulator_clean
sl_log "mc_sink_modes: all passed"
