# shellcheck shell=bash
# tests/integration/mc_lib.bash — helpers for the maxcompute sink's end-to-end tests (mc_faults.sh,
# mc_sink_modes.sh, bench/mc_e2e.sh): the MaxCompute emulator, its admin API, sluice jobs run in
# the background and stopped with a signal, and the checks made by an independent path (the
# emulator's JSON dump, the consumer group's offsets read with python3-kafka).
#
# Source it after lib.sh. Named .bash so that the integration glob (*.sh) does not take it for a
# test.
#
# SPDX-License-Identifier: MIT

MC_PROJECT=${MC_PROJECT:-test_project}
MC_AK_ID=LTAI5tTestAccessId
MC_AK_SECRET=TestAccessKeySecret0123456789ab

# mc_start [emulator options...]: starts the emulator on 127.0.0.1, sets MC_URL and MC_PID.
mc_start() {
    local i
    sl__not_in_subshell mc_start
    sl_tmpdir
    sl_bg "$SL_PYTHON" "$SL_SOURCE_DIR/tests/emulator/mc_emulator.py" --port 0 \
        --project "$MC_PROJECT" --access-key "$MC_AK_ID:$MC_AK_SECRET" \
        --log-file "$SL_TMPDIR/mc.log" "$@" >"$SL_TMPDIR/mc.url" 2>"$SL_TMPDIR/mc.err"
    MC_PID=$SL_BG_PID
    for ((i = 0; i < 100; i++)); do
        [[ -s $SL_TMPDIR/mc.url ]] && break
        kill -0 "$MC_PID" 2>/dev/null || fail "emulator exited: $(cat "$SL_TMPDIR/mc.err")"
        sleep 0.1
    done
    MC_URL=$(head -n 1 "$SL_TMPDIR/mc.url")
    [[ $MC_URL == http://127.0.0.1:* ]] || fail "the emulator printed no URL"
    export MC_URL
}

# mc_admin METHOD PATH [BODY]: an admin API call; prints the answer.
mc_admin() {
    curl -sS --fail-with-body -X "$1" "$MC_URL/__admin/$2" ${3:+--data-binary "$3"} ||
        fail "emulator admin $1 $2 failed"
}
mc_sql() { mc_admin POST "sql?project=$MC_PROJECT" "$1" >/dev/null; }
mc_fault() { mc_admin POST faults "$1" >/dev/null; }
# mc_stat PYTHON_EXPR: evaluates EXPR over the stats document d.
mc_stat() {
    mc_admin GET stats | "$SL_PYTHON" -c "import json,sys; d=json.load(sys.stdin); print($1)"
}
# mc_stats_reset: zeroes the counters (the emulator's own failures are kept in MC_BUGS).
MC_BUGS=0
mc_stats_reset() {
    sl__not_in_subshell mc_stats_reset
    MC_BUGS=$((MC_BUGS + $(mc_stat 'd["emulator"]["bugs"]')))
    mc_admin DELETE stats >/dev/null
}
# mc_fired: how many times the active fault rules fired, in total.
mc_fired() {
    mc_admin GET faults | "$SL_PYTHON" -c \
        'import json,sys; print(sum(r["fired"] for r in json.load(sys.stdin)["faults"]))'
}
# mc_dump_json TABLE: the whole table (every partition) as the emulator's JSON dump.
mc_dump_json() {
    mc_admin GET "dump?project=$MC_PROJECT&table=$1&format=json"
}

# mc_kafka_rows TABLE TOPIC PARTITIONS PER_PARTITION: compares the (topic, partition, offset) of
# the table's rows with offsets 0..PER_PARTITION-1 of partitions 0..PARTITIONS-1; prints
# "rows=N distinct=D duplicates=X missing=M unexpected=U" (duplicates: rows beyond the first of
# a record). The value column must be the record's value: each is checked against its offset.
mc_kafka_rows() {
    mc_dump_json "$1" | "$SL_PYTHON" -c '
import collections, json, sys
topic, nparts, per = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = json.load(sys.stdin)["rows"]
seen = collections.Counter((r["topic"], r["partition"], r["offset"]) for r in rows)
want = {(topic, p, o) for p in range(nparts) for o in range(per)}
bad = [r for r in rows if not str(r.get("value", "")).startswith("p%d-o%d-" % (r["partition"], r["offset"]))]
if bad:
    sys.exit("rows whose value is not their record: %r" % [(r["partition"], r["offset"], str(r["value"])[:20]) for r in bad[:3]])
print("rows=%d distinct=%d duplicates=%d missing=%d unexpected=%d" % (
    len(rows), len(seen), len(rows) - len(seen), len(want - set(seen)), len(set(seen) - want)))
' "$2" "$3" "$4" || fail "dump of $1"
}

# kafka_group_offsets GROUP TOPIC PARTITIONS: the group's committed offsets, "p0=N p1=N ..."
# (-1 when nothing is committed), read with python3-kafka.
kafka_group_offsets() {
    timeout -k 5 "$SL_TIMEOUT" "$SL_PYTHON" -c '
import sys
from kafka import KafkaConsumer, TopicPartition
group, topic, n = sys.argv[2], sys.argv[3], int(sys.argv[4])
c = KafkaConsumer(bootstrap_servers=sys.argv[1], group_id=group, enable_auto_commit=False,
                  api_version=(2, 3, 0))
out = []
for p in range(n):
    o = c.committed(TopicPartition(topic, p))
    out.append("p%d=%d" % (p, -1 if o is None else o))
c.close()
print(" ".join(out))
' "$BOOTSTRAP" "$1" "$2" "$3" || fail "committed offsets of group $1"
}

# job_wait_offsets GROUP TOPIC PARTITIONS WANT [SECONDS]: waits while the job runs until the
# group's committed offsets are WANT ("p0=N p1=N ...").
job_wait_offsets() {
    job_poll "group $1 has offsets" "$4" "${5:-90}" kafka_group_offsets "$1" "$2" "$3"
}

# mc_covers TABLE TOPIC OFFSETS: checks that every record below the committed offsets OFFSETS
# ("p0=N p1=N ...", as kafka_group_offsets prints) is in TABLE: a group never commits past the
# rows MaxCompute holds.
mc_covers() {
    mc_dump_json "$1" | "$SL_PYTHON" -c '
import json, sys
topic, offsets = sys.argv[1], sys.argv[2].split()
have = {(r["topic"], r["partition"], r["offset"]) for r in json.load(sys.stdin)["rows"]}
for item in offsets:
    p, o = item[1:].split("=")
    lost = [x for x in range(int(o)) if (topic, int(p), x) not in have]
    if lost:
        sys.exit("partition %s: committed offset %s but %d rows below it are not in the table "
                 "(first %d)" % (p, o, len(lost), lost[0]))
' "$2" "$3" || fail "$1: the group committed past the rows in MaxCompute"
}

# produce_records TOPIC PARTITIONS PER_PARTITION VALUE_BYTES [FIRST]: writes PER_PARTITION records
# to each partition, which must hold FIRST (0) records already; the value of offset o in
# partition p is "p<p>-o<o>-" followed by random base64 up to VALUE_BYTES (incompressible, so that
# deflated blocks keep their size), the key "k<p>-<o>".
produce_records() {
    local topic=$1 nparts=$2 per=$3 size=$4 first=${5:-0} p
    for ((p = 0; p < nparts; p++)); do
        "$SL_PYTHON" -c '
import base64, os, sys
p, per, size, first = (int(a) for a in sys.argv[1:5])
out = sys.stdout
for o in range(first, first + per):
    head = "p%d-o%d-" % (p, o)
    pad = base64.b64encode(os.urandom(size)).decode()[:max(size - len(head), 0)]
    out.write("k%d-%d\t%s%s\n" % (p, o, head, pad))
' "$p" "$per" "$size" "$first" | kafka_produce "$topic" --key-sep '\t' --partition "$p"
    done
}

# mc_record_job FILE TOPIC TABLE GROUP [SINK_OPTIONS]: writes a job's SQL to FILE: TOPIC in record
# mode (format TEXT: topic, partition, offset, key, value) into TABLE, unbounded, from GROUP's
# offsets (earliest without one), a checkpoint every 300 ms; record_batch_size 2000,
# buffer_size_kb $MC_BUFFER_KB (1024: blocks of about 920 KB), two upload threads, one partition
# per day.
# SINK_OPTIONS ("'k' = 'v', ...") are added to the sink's.
mc_record_job() {
    cat >"$1" <<EOF
SET 'execution.checkpointing.interval' = '300 ms';
CREATE TABLE src (
  \`topic\` STRING METADATA VIRTUAL,
  \`partition\` INT METADATA VIRTUAL,
  \`offset\` BIGINT METADATA VIRTUAL,
  \`key\` BYTES,
  \`value\` BYTES
) WITH (
  'connector' = 'kafka',
  'topic' = '$2',
  'properties.bootstrap.servers' = '$BOOTSTRAP',
  'properties.group.id' = '$4',
  'scan.startup.mode' = 'group-offsets',
  'properties.auto.offset.reset' = 'earliest',
  'key.format' = 'raw',
  'key.fields' = 'key',
  'value.format' = 'raw',
  'value.fields-include' = 'EXCEPT_KEY'
);
CREATE TABLE snk (
  \`topic\` STRING,
  \`partition\` INT,
  \`offset\` BIGINT,
  \`key\` BYTES,
  \`value\` BYTES
) WITH (
  'connector' = 'maxcompute',
  'endpoint' = '$MC_URL/api',
  'project' = '$MC_PROJECT',
  'table' = '$3',
  'access_id' = '$MC_AK_ID',
  'access_key' = '\${secret_values.mc_access_key}',
  'format' = 'TEXT',
  'partition_window_type' = 'DAY',
  'record_batch_size' = '2000',
  'buffer_size_kb' = '${MC_BUFFER_KB:-1024}',
  'sink_pool_size' = '2'${5:+,
  $5}
);
INSERT INTO snk SELECT * FROM src;
EOF
}

# mc_record_table NAME: creates the table mc_record_job writes, partitioned by pt.
mc_record_table() {
    mc_sql "CREATE TABLE $1 (topic STRING, \`partition\` BIGINT, \`offset\` BIGINT, key STRING,
            value STRING) PARTITIONED BY (pt STRING);"
}

# job_start NAME SQLFILE [sluice run options...]: starts `sluice run` in the background (stdout
# and stderr in $SL_TMPDIR/NAME.out/.err); sets JOB_PID.
job_start() {
    local name=$1 file=$2
    shift 2
    sl_bg "$SLUICE" run "$@" "$file" >"$SL_TMPDIR/$name.out" 2>"$SL_TMPDIR/$name.err"
    JOB_PID=$SL_BG_PID
    JOB_NAME=$name
}

# job_wait_stat EXPR WANT [SECONDS]: waits while the job runs until the emulator's stats EXPR
# reaches WANT (a number).
job_wait_stat() {
    job_poll "$1 is" "$2" "${3:-90}" mc_stat "$1"
}

# job_poll WHAT WANT SECONDS CMD...: runs CMD every 0.2 s until it prints WANT (or a number at
# least WANT, when both are numbers); fails when the job exits first or SECONDS pass.
job_poll() {
    local what=$1 want=$2 end=$((SECONDS + $3)) got=""
    shift 3
    while ((SECONDS < end)); do
        got=$("$@")
        [[ $got == "$want" ]] && return 0
        [[ $got =~ ^[0-9]+$ && $want =~ ^[0-9]+$ ]] && ((got >= want)) && return 0
        kill -0 "$JOB_PID" 2>/dev/null ||
            fail "$JOB_NAME exited early ($what $got, not $want): $(tail -5 "$SL_TMPDIR/$JOB_NAME.err")"
        sleep 0.2
    done
    fail "$JOB_NAME: $what $got, not $want: $(tail -5 "$SL_TMPDIR/$JOB_NAME.err")"
}

# job_stop [SIGNAL]: sends SIGNAL (TERM) to the job and waits; sets JOB_RC to its exit status.
job_stop() {
    kill "-${1:-TERM}" "$JOB_PID" 2>/dev/null || true
    JOB_RC=0
    timeout_wait "$JOB_PID" 60 || JOB_RC=$?
}

# job_wait_exit [SECONDS]: waits for the job to end by itself; sets JOB_RC.
job_wait_exit() {
    JOB_RC=0
    timeout_wait "$JOB_PID" "${1:-60}" || JOB_RC=$?
}

# timeout_wait PID SECONDS: waits for a child; kills it (and fails) when it outlives SECONDS.
timeout_wait() {
    local pid=$1 secs=$2 i
    for ((i = 0; i < secs * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null
        fail "$JOB_NAME did not end within ${secs}s: $(tail -5 "$SL_TMPDIR/$JOB_NAME.err")"
    fi
    local rc=0
    wait "$pid" 2>/dev/null || rc=$?
    # A sanitizer report exits 1 too: it must not pass for an expected job failure.
    if grep -q "Sanitizer" "$SL_TMPDIR/$JOB_NAME.err"; then
        fail "$JOB_NAME: $(grep -A30 Sanitizer "$SL_TMPDIR/$JOB_NAME.err")"
    fi
    return "$rc"
}

# mc_emulator_clean: fails when the emulator counted a bug of its own (a handler exception other
# than a BrokenPipeError while answering a request the client had abandoned).
mc_emulator_clean() {
    local bugs pipes
    bugs=$((MC_BUGS + $(mc_stat 'd["emulator"]["bugs"]')))
    pipes=$(grep -c '^BrokenPipeError' "$SL_TMPDIR/mc.log" || true)
    ((bugs <= pipes)) || fail "the emulator failed $bugs times: $(grep -A25 Traceback "$SL_TMPDIR/mc.log")"
}
