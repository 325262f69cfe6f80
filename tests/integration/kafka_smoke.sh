#!/usr/bin/env bash
# tests/integration/kafka_smoke.sh — smoke test of the Kafka test infrastructure itself.
#
# Starts the mock cluster, produces keyed records (with a tombstone and a null key) with kcat,
# reads them back with kafka_tool.py (python3-kafka) and the other way round, checks that kcat's
# murmur2_random partitioner agrees with kafka_tool.py murmur2-partition (Kafka's Java default),
# exercises the control channel, and checks that no process outlives the test, including when the
# test shell itself is killed. Set SL_SMOKE_BENCH=N to also time N records through kcat.
#
# SPDX-License-Identifier: MIT

set -euo pipefail
SL_SOURCE_DIR=${SL_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# shellcheck source=tests/integration/lib.sh
source "$SL_SOURCE_DIR/tests/integration/lib.sh"

TOPIC=smoke
NPART=3

now_ms() {
    echo $(($(date +%s%N) / 1000000))
}

check_prerequisites() {
    sl_require kcat gcc timeout mkfifo
    [[ -x "$SL_PYTHON" ]] || fail "$SL_PYTHON not found"
    "$SL_PYTHON" -c 'import kafka' 2>/dev/null || fail "python3-kafka missing for $SL_PYTHON"
    kafka_tool self-test >"$SL_TMPDIR/selftest.out" ||
        fail "kafka_tool.py self-test: $(cat "$SL_TMPDIR/selftest.out")"
}

start_cluster() {
    local t0
    t0=$(now_ms)
    mock_start --brokers 3 --topic "$TOPIC:$NPART" --topic other:1 \
        --bootstrap-file "$SL_TMPDIR/bootstrap"
    sl_log "mock up in $(($(now_ms) - t0)) ms at $BOOTSTRAP (pid $MOCK_PID)"
    assert_eq "$BOOTSTRAP" "$(cat "$SL_TMPDIR/bootstrap")" "bootstrap file"
    [[ "$BOOTSTRAP" =~ ^127\.0\.0\.1:[0-9]+(,127\.0\.0\.1:[0-9]+){2}$ ]] ||
        fail "unexpected bootstrap list: $BOOTSTRAP"
    mock_ctl ping
}

# kcat -> kafka_tool.py: keys, values, tombstone, null key, headers.
check_kcat_to_python() {
    local kv json
    printf '%s\n' 'alpha|1' 'beta|2' 'gamma|3' 'alpha|' '|nokey' '{"id":1}|x' '{"id":3}|y' \
        'delta|d' 'epsilon|e' 'zeta|z' | kafka_produce "$TOPIC" --key-sep '|' --header src=kcat
    kv=$(kafka_consume "$TOPIC" --format kv | sort)
    assert_eq "$(printf '%s\t%s\n' NULL nokey alpha 1 alpha NULL beta 2 delta d epsilon e \
        gamma 3 zeta z '{"id":1}' x '{"id":3}' y | sort)" "$kv" "records read by kafka_tool"
    json=$(kafka_consume "$TOPIC")
    assert_eq 10 "$(grep -c . <<<"$json")" "record count"
    assert_contains "$json" '"key":"alpha","value":null' "tombstone"
    assert_contains "$json" '"key":null,"value":"nokey"' "null key"
    assert_contains "$json" '"headers":[["src","kcat"]]' "headers"
    printf '%s\n' "$json" >"$SL_TMPDIR/records.json"
}

# Every keyed record sits where Kafka's Java default partitioner would put it.
check_partitions() {
    local part key want n=0
    while IFS=$'\t' read -r part key; do
        want=$(kafka_tool murmur2-partition "$key" "$NPART")
        assert_eq "$want" "$part" "partition of key $key"
        n=$((n + 1))
    done < <("$SL_PYTHON" -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    if r["key"] is not None:
        print("%d\t%s" % (r["partition"], r["key"]))' <"$SL_TMPDIR/records.json")
    assert_eq 9 "$n" "keyed records checked"
    # The partitions must not all be the same, or the check above proves little.
    [[ $(cut -d, -f2 <"$SL_TMPDIR/records.json" | sort -u | wc -l) -ge 2 ]] ||
        fail "all records landed in one partition"
}

# kafka_tool.py -> kcat, including a binary value and a tombstone.
check_python_to_kcat() {
    local out
    kafka_tool produce --bootstrap "$BOOTSTRAP" --topic other --key k1 --value hello
    kafka_tool produce --bootstrap "$BOOTSTRAP" --topic other --key k1 --null-value
    printf 'bin\xff\n' | kafka_tool produce --bootstrap "$BOOTSTRAP" --topic other --key k2
    out=$(timeout 20 kcat -b "$BOOTSTRAP" -C -t other -e -q -Z -f '%k=%s\n')
    assert_eq "$(printf 'k1=hello\nk1=NULL\nk2=bin\xff')" "$out" "records read by kcat"
    assert_contains "$(kafka_consume other)" '"value":{"base64":"Ymlu/w=="}' "binary value"
}

check_control_channel() {
    local rc=0
    mock_ctl bogus command 2>/dev/null && fail "mock_ctl accepted a bogus command"
    mock_ctl down -1
    echo 'x|y' | timeout 20 kcat -b "$BOOTSTRAP" -P -t other -K'|' -m 3 \
        -X message.timeout.ms=2000 2>/dev/null || rc=$?
    ((rc != 0)) || fail "produce succeeded while all brokers were down"
    mock_ctl up -1
    mock_ctl error Produce 2 NOT_LEADER_FOR_PARTITION # retriable: absorbed by the producer
    echo 'after|faults' | kafka_produce other --key-sep '|'
    assert_contains "$(kafka_consume other --format kv)" $'after\tfaults' "record after faults"
    mock_ctl rtt -1 0
    mock_ctl leader "$TOPIC" 0 2
}

# A Metadata request naming an unknown topic auto-creates it on the mock; kafka_tool must not.
check_no_autocreate_by_tool() {
    kafka_tool consume --bootstrap "$BOOTSTRAP" --topic missing --timeout 1 2>/dev/null &&
        fail "kafka_tool consumed a missing topic"
    if timeout 20 kcat -b "$BOOTSTRAP" -L | grep -q '"missing"'; then
        fail "kafka_tool created topic 'missing'"
    fi
}

# sl_bg children must not hold the mock's control FIFO (it would keep an orphaned mock alive).
check_bg_helper() {
    local pid fd
    sl_bg sleep 60
    pid=$SL_BG_PID
    for fd in "/proc/$pid/fd"/*; do
        [[ "$(readlink "$fd" 2>/dev/null)" != */mock.ctl ]] ||
            fail "sl_bg child holds the mock control FIFO"
    done
    sl_stop "$pid" 2 || true
    ! kill -0 "$pid" 2>/dev/null || fail "sl_stop left pid $pid running"
}

stop_cluster() {
    local pid=$MOCK_PID
    mock_stop || fail "mock_kafka exited with an error"
    ! kill -0 "$pid" 2>/dev/null || fail "mock_kafka (pid $pid) still running after mock_stop"
}

# A test shell killed with SIGKILL runs no trap: the mock must still go away (EOF on stdin).
check_no_orphan_on_kill() {
    local shell_pid mock_pid i
    TMPDIR=$SL_TMPDIR bash -c '
        source "$SL_SOURCE_DIR/tests/integration/lib.sh"
        mock_start
        echo "$MOCK_PID" >"$SL_TMPDIR/orphan.pid"
        kill -STOP "$BASHPID"' &
    shell_pid=$!
    for ((i = 0; i < 200; i++)); do
        [[ -s "$SL_TMPDIR/orphan.pid" ]] && break
        sleep 0.05
    done
    mock_pid=$(cat "$SL_TMPDIR/orphan.pid") || fail "inner test did not start a mock"
    kill -KILL "$shell_pid"
    wait "$shell_pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        kill -0 "$mock_pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$mock_pid" 2>/dev/null || true
    fail "mock_kafka (pid $mock_pid) outlived its killed parent"
}

check_no_children() {
    local left
    left=$(pgrep -a -P $$) || true # pgrep never lists itself
    [[ -z "$left" ]] || fail "processes left behind: $left"
}

# Optional: SL_SMOKE_BENCH=N times N small records through kcat (produce, then consume).
bench() {
    local n=$1 t0 t1 got
    mock_start --topic bench:1
    seq 1 "$n" | sed 's/.*/key&|value-&/' >"$SL_TMPDIR/bench.in"
    t0=$(now_ms)
    kafka_produce bench --key-sep '|' <"$SL_TMPDIR/bench.in"
    t1=$(now_ms)
    sl_log "bench: produced $n records in $((t1 - t0)) ms ($((n * 1000 / (t1 - t0 + 1))) rec/s)"
    t0=$(now_ms)
    got=$(timeout 120 kcat -b "$BOOTSTRAP" -C -t bench -c "$n" -e -q -o beginning | wc -l)
    t1=$(now_ms)
    sl_log "bench: consumed $got records in $((t1 - t0)) ms ($((got * 1000 / (t1 - t0 + 1))) rec/s)"
    assert_eq "$n" "$got" "bench record count"
    mock_stop
}

# step FUNCTION [ARGS...]: runs one check and logs how long it took.
step() {
    local t0
    t0=$(now_ms)
    "$@"
    sl_log "ok $1 ($(($(now_ms) - t0)) ms)"
}

main() {
    sl_tmpdir
    step check_prerequisites
    step start_cluster
    step check_kcat_to_python
    step check_partitions
    step check_python_to_kcat
    step check_no_autocreate_by_tool
    step check_control_channel
    step check_bg_helper
    step stop_cluster
    step check_no_orphan_on_kill
    if [[ -n "${SL_SMOKE_BENCH:-}" ]]; then step bench "$SL_SMOKE_BENCH"; fi
    step check_no_children
    echo "kafka_smoke: all checks passed"
}

main "$@"
