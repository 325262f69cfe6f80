#!/usr/bin/env bash
# tests/integration/runner_drain.sh — SIGTERM drains a running job: the sources stop, the sinks
# flush, the offsets are committed, exit 0 within --shutdown-timeout; a drain that cannot finish
# (timeout, or a second SIGTERM) exits 75.
#
# An unbounded kafka -> kafka job runs over the mock cluster while a producer feeds its input
# continuously; after SIGTERM an independent client (python3-kafka) checks that every record the
# job committed as read is in the output, exactly once (no loss, and no duplicates since nothing
# restarted), and that the group's committed offsets account for every record written.
#
# SPDX-License-Identifier: MIT

set -euo pipefail
SL_SOURCE_DIR=${SL_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# shellcheck source=tests/integration/lib.sh
source "$SL_SOURCE_DIR/tests/integration/lib.sh"
sl_require kcat
sl_tmpdir
mock_start --topic in:3 --topic out:3 --topic in2:1 --topic out2:1

job() { # job IN OUT GROUP -> SQL
    cat <<SQL
SET 'execution.checkpointing.interval' = '1 s';
CREATE TABLE src (id BIGINT, note STRING) WITH ('connector' = 'kafka', 'topic' = '$1',
  'properties.bootstrap.servers' = '$BOOTSTRAP', 'properties.group.id' = '$3',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'json');
CREATE TABLE dst (id BIGINT, note STRING) WITH ('connector' = 'kafka', 'topic' = '$2',
  'properties.bootstrap.servers' = '$BOOTSTRAP', 'format' = 'json');
INSERT INTO dst SELECT id, note FROM src;
SQL
}

# Feeds TOPIC with {"id":N,...} records, keyed by N, as fast as kcat takes them (paced a little).
feed() {
    local i=0
    while :; do
        printf 'k%d|{"id":%d,"note":"n%d"}\n' "$i" "$i" "$i"
        i=$((i + 1))
        ((i % 50)) || sleep 0.05
    done | kcat -b "$BOOTSTRAP" -P -t "$1" -K '|' -X partitioner=murmur2_random \
        -X linger.ms=5 2>/dev/null
}

# ---- SIGTERM while records flow: exit 0, nothing lost ---------------------------------------------
job in out g1 >"$SL_TMPDIR/job.sql"
sl_bg feed in
feeder=$SL_BG_PID
kafka_wait_records in 200
sl_bg "$SLUICE" run --log-level info --shutdown-timeout 20s "$SL_TMPDIR/job.sql" \
    2>"$SL_TMPDIR/job.err"
runner=$SL_BG_PID
kafka_wait_records out 500 60
kill -TERM "$runner"
start=$SECONDS
rc=0
wait "$runner" || rc=$?
elapsed=$((SECONDS - start))
assert_eq 0 "$rc" "exit code after SIGTERM ($(tail -n 5 "$SL_TMPDIR/job.err"))"
((elapsed <= 20)) || fail "the drain took $elapsed s"
assert_contains "$(cat "$SL_TMPDIR/job.err")" "drained cleanly"
sl_stop "$feeder" 5 || true

kafka_consume in >"$SL_TMPDIR/in.json"
kafka_consume out >"$SL_TMPDIR/out.json"
kafka_tool committed --bootstrap "$BOOTSTRAP" --topic in --group g1 --timeout "$SL_TIMEOUT" \
    >"$SL_TMPDIR/committed.txt" || fail "reading the committed offsets"
"$SL_PYTHON" - "$SL_TMPDIR/in.json" "$SL_TMPDIR/out.json" "$SL_TMPDIR/committed.txt" <<'PY'
import collections, json, sys
inp = [json.loads(l) for l in open(sys.argv[1])]
out = [json.loads(l) for l in open(sys.argv[2])]
committed = dict(tuple(map(int, l.split())) for l in open(sys.argv[3]))
read = collections.Counter(r["value"] for r in inp if r["offset"] < committed[r["partition"]])
written = collections.Counter(json.dumps(json.loads(r["value"]), sort_keys=True) for r in out)
read = collections.Counter({json.dumps(json.loads(k), sort_keys=True): v for k, v in read.items()})
fed = len(inp)
print("fed %d, committed %d %s, written %d" % (fed, sum(committed.values()), committed, len(out)),
      file=sys.stderr)
assert sum(committed.values()) > 0, "nothing committed"
assert fed > sum(committed.values()), "the feed did not outrun the job: the test proves nothing"
missing = read - written
assert not missing, "committed as read but not written: %s" % list(missing)[:5]
extra = written - read
assert not extra, "written but not committed as read: %s" % list(extra)[:5]
assert sum(committed.values()) == len(out), "committed offsets != records written"
PY

# ---- a drain that cannot finish: the timeout, then a second SIGTERM, both exit 75 ----------------
# Broker 1 answers every request 10 s late, so the final flush cannot finish quickly.
printf '{"id":1,"note":"x"}\n{"id":2,"note":"y"}\n' | kafka_produce in2
job in2 out2 g2 >"$SL_TMPDIR/job2.sql"
sl_bg "$SLUICE" run --shutdown-timeout 1s "$SL_TMPDIR/job2.sql" 2>"$SL_TMPDIR/job2.err"
runner=$SL_BG_PID
kafka_wait_records out2 2 60
mock_ctl rtt -1 10000
kill -TERM "$runner"
start=$SECONDS
rc=0
wait "$runner" || rc=$?
assert_eq 75 "$rc" "exit code when the drain times out ($(tail -n 3 "$SL_TMPDIR/job2.err"))"
((SECONDS - start <= 8)) || fail "the 1 s shutdown timeout took $((SECONDS - start)) s"
assert_contains "$(cat "$SL_TMPDIR/job2.err")" "did not finish within the shutdown timeout"
mock_ctl rtt -1 0

printf '{"id":3,"note":"z"}\n' | kafka_produce in2
sl_bg "$SLUICE" run --shutdown-timeout 60s "$SL_TMPDIR/job2.sql" 2>"$SL_TMPDIR/job3.err"
runner=$SL_BG_PID
kafka_wait_records out2 3 60
mock_ctl rtt -1 10000
kill -TERM "$runner"
sleep 0.5
kill -TERM "$runner"
start=$SECONDS
rc=0
wait "$runner" || rc=$?
assert_eq 75 "$rc" "exit code after a second SIGTERM"
((SECONDS - start <= 3)) || fail "the second SIGTERM took $((SECONDS - start)) s to end it"
assert_contains "$(cat "$SL_TMPDIR/job3.err")" "second signal"
mock_ctl rtt -1 0
sl_log "runner_drain: all checks passed"
