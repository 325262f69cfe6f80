#!/usr/bin/env bash
# tests/integration/mc_faults.sh [batch|crash] — the maxcompute sink under MaxCompute faults, end
# to end: mock Kafka -> `sluice run` -> MaxCompute emulator (reliability.md 5.5).
#
# 4,500 records over 3 partitions (1.2 KB of incompressible value each) are written to a record
# mode table (topic, partition, offset, key, value) by an unbounded job with a consumer group.
# record_batch_size 2000 and buffer_size_kb 1024 make each job write 3 upload sessions of up to
# 2 blocks. The checks take an independent path: the emulator's JSON dump ((topic, partition,
# offset) of every row against the records produced) and the group's committed offsets read with
# python3-kafka.
#
# batch (the default): one job per fault, each on a fresh table and group — 5xx on a block PUT
#   (M2), 429 with Retry-After (M1), a commit applied whose answer is lost (M8) or hidden by a 500,
#   a reset inside a block PUT (M6), a block dropped by the server (M9; also the only block of a
#   session, so that the server's block list is empty), a session expired at
#   commit (M10), block answers slower than client_timeout_ms (M15), malformed answers (M16).
#   Each job is stopped with SIGTERM once the rows are in: exit 0, every row exactly once, the
#   group's offsets at the end of every partition.
# crash (mc_faults_crash.sh): streaming with a 500 after a pack was applied (at-least-once: the
#   duplicates are counted and must be exactly the retried pack); SIGKILL in the middle of a
#   batch job and a restart with the same group (no row lost, the duplicates counted); faults no
#   retry cures (403 on a block PUT, the table dropped mid-job): the job stops with exit 1 and a
#   clear message, and no Kafka offset is committed past the rows MaxCompute holds.
#
# SPDX-License-Identifier: MIT

set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/mc_lib.bash"
WHAT=${1:-batch}
sl_require curl kcat
sl_tmpdir

TOPIC=orders
NPARTS=3
PER=1500
TOTAL=$((NPARTS * PER))
mock_start --topic "$TOPIC:$NPARTS"
mc_start --stream-slots 2
produce_records "$TOPIC" "$NPARTS" "$PER" 1200
export SLUICE_SECRET_mc_access_key=$MC_AK_SECRET

ALL_COMMITTED="p0=$PER p1=$PER p2=$PER"
EXACTLY_ONCE="rows=$TOTAL distinct=$TOTAL duplicates=0 missing=0 unexpected=0"

# run_batch NAME FAULT_JSON [SINK_OPTIONS]: one job on table t_NAME, group g_NAME, with the fault
# armed; waits for every row, stops the job with SIGTERM and checks exit 0, every row once and
# the group's offsets at the end. Leaves the fault's fire count in FIRED.
run_batch() {
    local name=$1 rule=$2 start=$SECONDS
    mc_record_table "t_$name"
    mc_record_job "$SL_TMPDIR/$name.sql" "$TOPIC" "t_$name" "g_$name" "${3:-}"
    mc_admin DELETE faults >/dev/null
    mc_stats_reset
    [[ -z $rule ]] || mc_fault "$rule"
    job_start "$name" "$SL_TMPDIR/$name.sql"
    job_wait_stat 'd["rows"]["committed"]' "$TOTAL"
    FIRED=$(mc_fired)
    job_stop TERM
    assert_eq 0 "$JOB_RC" "$name: exit status after SIGTERM ($(tail -3 "$SL_TMPDIR/$name.err"))"
    assert_eq "$EXACTLY_ONCE" "$(mc_kafka_rows "t_$name" "$TOPIC" "$NPARTS" "$PER")" "$name: rows"
    assert_eq "$ALL_COMMITTED" "$(kafka_group_offsets "g_$name" "$TOPIC" "$NPARTS")" \
        "$name: committed offsets"
    if [[ -n $rule ]]; then ((FIRED >= 1)) || fail "$name: the fault never fired"; fi
    sl_log "ok: $name: $TOTAL rows once, offsets committed, fault fired $FIRED time(s), \
$(mc_stat 'd["sessions"]["committed"]') sessions, $(mc_stat 'd["blocks"]["uploaded"]') blocks, $((SECONDS - start)) s"
}

# faulted_block: the journal's outcomes of the PUTs of the first block (session and block id) a
# fault hit, in the order they were recorded; the faulted PUT is marked with a *.
faulted_block() {
    mc_admin GET "requests?route=tunnel.upload_block" | "$SL_PYTHON" -c '
import json, sys
reqs = json.load(sys.stdin)["requests"]
def key(r):
    q = dict(kv.split("=", 1) for kv in r["target"].split("?", 1)[-1].split("&") if "=" in kv)
    return q.get("uploadid"), q.get("blockid")
hit = [key(r) for r in reqs if r["fault"]]
print(" ".join("%s%s" % (r["outcome"], "*" if r["fault"] else "") for r in reqs if hit and key(r) == hit[0]))
'
}

batch_faults() {
    run_batch clean ''
    # Several sessions with several blocks each: the shape the faults below hit.
    local sessions blocks outcomes
    sessions=$(mc_stat 'd["sessions"]["committed"]')
    blocks=$(mc_stat 'd["blocks"]["uploaded"]')
    ((sessions >= 3 && blocks >= 5)) || fail "the clean run made $sessions sessions, $blocks blocks"

    # M2: 503 twice on the PUT of a block 1: the same block is sent a third time.
    run_batch put_5xx '{"action":"error","status":503,"route":"tunnel.upload_block","query":{"blockid":"1"},"times":2}'
    assert_eq 2 "$FIRED" "put_5xx: faults fired"
    assert_eq "503* 503* 200" "$(faulted_block)" "put_5xx: the failed block sent again"
    # M1: 429 with Retry-After on a block PUT and on a commit.
    run_batch throttled '[{"action":"error","status":429,"retry_after":1,"code":"FlowExceeded","route":"tunnel.upload_block","skip":1},
        {"action":"error","status":429,"retry_after":1,"code":"FlowExceeded","route":"tunnel.upload_commit"}]'
    assert_eq 2 "$FIRED" "throttled: faults fired"
    # M8: the first commit is applied and its answer lost; then one hidden behind a 500.
    run_batch commit_lost '[{"action":"drop_response","route":"tunnel.upload_commit"},
        {"action":"error","status":500,"phase":"after","route":"tunnel.upload_commit","skip":1}]'
    assert_eq 0 "$(mc_stat 'd["sessions"]["commit_conflicts"]')" "commit_lost: second commits"
    assert_eq "$(mc_stat 'd["sessions"]["committed"]')" "$(mc_stat 'd["sessions"]["commit_attempts"]')" \
        "commit_lost: one commit POST per session"
    # M6: the connection is reset 100 KB into the second block PUT.
    run_batch put_reset '{"action":"reset","after_bytes":100000,"route":"tunnel.upload_block","skip":1}'
    assert_eq 1 "$(mc_stat 'd["requests"]["by_route"]["tunnel.upload_block"].get("reset", 0)')" \
        "put_reset: PUTs reset"
    assert_eq "reset* 200" "$(faulted_block)" "put_reset: the reset block sent again"
    # M9: the server acknowledges block 0 of the first session and loses it.
    run_batch block_dropped '{"action":"drop_block","route":"tunnel.upload_block","query":{"blockid":"0"}}'
    assert_eq 1 "$FIRED" "block_dropped: faults fired"
    assert_eq 1 "$(mc_stat 'd["blocks"]["dropped_by_fault"]')" "block_dropped: blocks lost"
    # The same when the session has no other block: the server's block list is empty.
    MC_BUFFER_KB=65536 run_batch only_block_dropped \
        '{"action":"drop_block","route":"tunnel.upload_block","query":{"blockid":"0"}}'
    assert_eq 1 "$(mc_stat 'd["blocks"]["dropped_by_fault"]')" "only_block_dropped: blocks lost"
    # M10: the second session has expired when it is committed: a new one, every block again.
    run_batch expired '{"action":"expire_session","route":"tunnel.upload_commit","skip":1}'
    assert_eq "$(($(mc_stat 'd["sessions"]["committed"]') + 1))" "$(mc_stat 'd["sessions"]["created"]')" \
        "expired: sessions created (one renewed)"
    # M15: block answers take 4 s, beyond 'client_timeout_ms' = 2000: abandoned and retried.
    run_batch slow '{"action":"delay","seconds":4,"route":"tunnel.upload_block","skip":1}' \
        "'client_timeout_ms' = '2000'"
    # The abandoned PUT is still handled when its delay ends: applied (200*) before the commit
    # (same block id, same bytes: nothing doubles) or refused (409*) after it.
    outcomes=$(faulted_block)
    [[ " $outcomes " == *" 200 "* && " $outcomes " =~ \ (200|409)\*\  ]] ||
        fail "slow: the abandoned block was not sent again: $outcomes"
    # M16: malformed answers: garbage to a commit, a truncated session status, an unknown status.
    run_batch malformed '[{"action":"corrupt_body","mode":"garbage","route":"tunnel.upload_commit"},
        {"action":"corrupt_body","mode":"truncate","route":"tunnel.upload_status","skip":1},
        {"action":"corrupt_body","mode":"unknown_status","route":"tunnel.upload_create","skip":1}]'
    assert_eq 3 "$FIRED" "malformed: faults fired"
}

crash_faults() {
    # M13: streaming; the second pack is applied, then answered with 500 and sent again.
    local name=stream_dup counts dups streamed
    mc_record_table "t_$name"
    mc_record_job "$SL_TMPDIR/$name.sql" "$TOPIC" "t_$name" "g_$name" "'use_streaming' = 'true'"
    mc_stats_reset
    mc_fault '{"action":"error","status":500,"phase":"after","route":"tunnel.stream_write","skip":1}'
    job_start "$name" "$SL_TMPDIR/$name.sql"
    job_wait_stat 'd["rows"]["streamed"] - d["rows"]["duplicates"]' "$TOTAL"
    job_stop TERM
    assert_eq 0 "$JOB_RC" "$name: exit status after SIGTERM ($(tail -3 "$SL_TMPDIR/$name.err"))"
    assert_eq 1 "$(mc_fired)" "$name: faults fired"
    counts=$(mc_kafka_rows "t_$name" "$TOPIC" "$NPARTS" "$PER")
    dups=$(sed -n 's/.*duplicates=\([0-9]*\).*/\1/p' <<<"$counts")
    streamed=$(mc_stat 'd["rows"]["streamed"]')
    assert_eq "rows=$((TOTAL + dups)) distinct=$TOTAL duplicates=$dups missing=0 unexpected=0" \
        "$counts" "$name: rows"
    # At-least-once: the duplicates are exactly the rows of the pack sent twice.
    ((dups > 0)) || fail "$name: the retried pack left no duplicate"
    assert_eq "$dups" "$(mc_stat 'd["rows"]["duplicates"]')" "$name: duplicates the emulator saw"
    assert_eq "$((TOTAL + dups))" "$streamed" "$name: rows streamed"
    assert_eq "$ALL_COMMITTED" "$(kafka_group_offsets "g_$name" "$TOPIC" "$NPARTS")" \
        "$name: committed offsets"
    sl_log "ok: $name: at-least-once, $dups duplicated rows (one of $(mc_stat 'd["streams"]["packs"]') packs sent twice)"

    # P1: SIGKILL once the first session is committed, while the job runs; the restart with the
    # same group reads on from the group's offsets. Nothing may be lost; what MaxCompute took
    # after the last offset commit comes again (at-least-once).
    name=killed
    mc_record_table "t_$name"
    mc_record_job "$SL_TMPDIR/$name.sql" "$TOPIC" "t_$name" "g_$name"
    mc_admin DELETE faults >/dev/null
    mc_stats_reset
    # Slow block answers keep the job busy long enough to be killed in the middle.
    mc_fault '{"action":"delay","seconds":0.3,"route":"tunnel.upload_block","times":-1}'
    job_start "$name" "$SL_TMPDIR/$name.sql"
    job_wait_stat 'd["rows"]["committed"]' 2000
    job_stop KILL
    assert_eq 137 "$JOB_RC" "$name: killed"
    local before at_kill
    before=$(mc_kafka_rows "t_$name" "$TOPIC" "$NPARTS" "$PER")
    at_kill=$(kafka_group_offsets "g_$name" "$TOPIC" "$NPARTS")
    [[ $at_kill != "$ALL_COMMITTED" ]] || fail "$name: the job had finished before SIGKILL"
    mc_covers "t_$name" "$TOPIC" "$at_kill"
    mc_admin DELETE faults >/dev/null
    job_start "${name}2" "$SL_TMPDIR/$name.sql"
    job_wait_offsets "g_$name" "$TOPIC" "$NPARTS" "$ALL_COMMITTED"
    job_stop TERM
    assert_eq 0 "$JOB_RC" "$name: exit status of the restart"
    counts=$(mc_kafka_rows "t_$name" "$TOPIC" "$NPARTS" "$PER")
    [[ $counts == *" distinct=$TOTAL "*" missing=0 unexpected=0" ]] ||
        fail "$name: rows lost over SIGKILL and restart: $counts"
    sl_log "ok: $name: SIGKILL with ${before%% *} in MaxCompute and offsets $at_kill committed;" \
        "after the restart $counts"
    KILL_RESULT="$before / offsets $at_kill / $counts"

    # Faults no retry cures stop the job with exit 1 and a clear message; the group keeps the
    # offsets of what MaxCompute holds. A second topic: a first wave is written, then the fault is
    # armed and a second wave produced.
    incurable forbidden '{"action":"error","status":403,"code":"NoPermission","message":"Authorization Failed [4019], You have NO privilege","route":"tunnel.upload_block","times":-1}' \
        "HTTP 403 NoPermission"
    incurable dropped "DROP TABLE t_dropped;" "t_dropped"
}

# incurable NAME FAULT_JSON|DROP_SQL MESSAGE: see crash_faults.
incurable() {
    local name=$1 fault=$2 msg=$3 topic=late_$1 offs="p0=300 p1=300 p2=300"
    mock_ctl topic "$topic:3"
    produce_records "$topic" 3 300 200
    mc_record_table "t_$name"
    mc_record_job "$SL_TMPDIR/$name.sql" "$topic" "t_$name" "g_$name"
    mc_admin DELETE faults >/dev/null
    job_start "$name" "$SL_TMPDIR/$name.sql"
    job_wait_offsets "g_$name" "$topic" 3 "$offs"
    if [[ $fault == "{"* ]]; then mc_fault "$fault"; else mc_sql "$fault"; fi
    produce_records "$topic" 3 300 200 300
    job_wait_exit 60
    assert_eq 1 "$JOB_RC" "$name: exit status"
    local err
    err=$(cat "$SL_TMPDIR/$name.err")
    assert_contains "$err" "$msg" "$name: error"
    assert_contains "$err" "test_project.t_$name" "$name: error"
    assert_eq "$offs" "$(kafka_group_offsets "g_$name" "$topic" 3)" "$name: committed offsets"
    if [[ $fault == "{"* ]]; then
        assert_eq "rows=900 distinct=900 duplicates=0 missing=0 unexpected=0" \
            "$(mc_kafka_rows "t_$name" "$topic" 3 300)" "$name: rows"
    fi
    sl_log "ok: $name: exit 1, offsets stay at $offs: $(grep -m1 -i error <<<"$err")"
}

case $WHAT in
batch) batch_faults ;;
crash) crash_faults ;;
*) fail "unknown part '$WHAT' (batch, crash)" ;;
esac
mc_emulator_clean
sl_log "mc_faults ($WHAT): all passed"
