# shellcheck shell=bash
# tests/integration/lib.sh — shared helpers for sluice's integration tests (source it from bash).
#
# Starts and stops the mock Kafka cluster (tests/support/mock_kafka.c), produces with kcat,
# consumes with tests/support/kafka_tool.py (python3-kafka under /usr/bin/python3), and provides
# assertions. Everything runs on 127.0.0.1, every long operation is bounded by `timeout`, and one
# EXIT trap removes what a test started. Tests must not set their own EXIT/INT/TERM traps: register
# clean-up with sl_on_exit instead. See docs/testing-kafka.md.
#
# SPDX-License-Identifier: MIT

set -euo pipefail

# ---- locations --------------------------------------------------------------------------------
SL_SOURCE_DIR=${SL_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
SL_BUILD_DIR=${SL_BUILD_DIR:-$SL_SOURCE_DIR/build}
SLUICE=${SLUICE:-$SL_BUILD_DIR/sluice}
SL_PYTHON=${SL_PYTHON:-/usr/bin/python3} # Debian's python, where python3-kafka lives
KAFKA_TOOL=${KAFKA_TOOL:-$SL_SOURCE_DIR/tests/support/kafka_tool.py}
SL_TIMEOUT=${SL_TIMEOUT:-30}             # seconds for one produce/consume/command
SL_MOCK_START_TIMEOUT=${SL_MOCK_START_TIMEOUT:-10}
export SL_SOURCE_DIR SL_BUILD_DIR SLUICE SL_PYTHON KAFKA_TOOL

# ---- messages and assertions ------------------------------------------------------------------
sl_log() {
    printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2
}

fail() {
    printf 'FAIL: %s\n' "$*" >&2
    exit 1
}

# assert_eq EXPECTED ACTUAL [WHAT]
assert_eq() {
    local what=${3:-value}
    [[ "$1" == "$2" ]] && return 0
    printf 'FAIL: %s differs\n--- expected\n%s\n--- actual\n%s\n' "$what" "$1" "$2" >&2
    if [[ "$1" == *$'\n'* || "$2" == *$'\n'* ]]; then
        diff <(printf '%s\n' "$1") <(printf '%s\n' "$2") >&2 || true
    fi
    exit 1
}

# assert_contains HAYSTACK NEEDLE [WHAT]
assert_contains() {
    local what=${3:-output}
    [[ "$1" == *"$2"* ]] && return 0
    printf 'FAIL: %s does not contain %s\n--- %s\n%s\n' "$what" "$2" "$what" "$1" >&2
    exit 1
}

sl_require() {
    local cmd
    for cmd in "$@"; do
        command -v "$cmd" >/dev/null 2>&1 || fail "required program not found: $cmd"
    done
}

# ---- clean-up: one EXIT trap running registered commands, last registered first ----------------
SL_CLEANUPS=()
SL_BG_PIDS=()

sl_on_exit() {
    SL_CLEANUPS+=("$*")
}

sl__cleanup() {
    local rc=$? i
    set +e
    for ((i = ${#SL_CLEANUPS[@]} - 1; i >= 0; i--)); do
        eval "${SL_CLEANUPS[i]}"
    done
    exit "$rc"
}
trap sl__cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# Functions that set shell state must not run in $(...) or a pipeline: their effect would vanish.
sl__not_in_subshell() {
    ((BASH_SUBSHELL == 0)) || fail "$1 must not run in a subshell (\$(...) or a pipe)"
}

# sl_tmpdir: creates $SL_TMPDIR (removed on exit) once; call it plainly, then use $SL_TMPDIR.
sl_tmpdir() {
    sl__not_in_subshell sl_tmpdir
    if [[ -z "${SL_TMPDIR:-}" ]]; then
        SL_TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/sluice-test.XXXXXX")
        export SL_TMPDIR
        sl_on_exit "rm -rf -- $(printf %q "$SL_TMPDIR")"
    fi
}

# sl_bg CMD...: starts CMD in the background without the mock's control pipe (so a leftover child
# never keeps the mock alive), records its pid in SL_BG_PID, and kills it on exit if still there.
sl_bg() {
    sl__not_in_subshell sl_bg
    if [[ -n "${MOCK_CTL_FD:-}" ]]; then
        "$@" {MOCK_CTL_FD}>&- &
    else
        "$@" &
    fi
    SL_BG_PID=$!
    SL_BG_PIDS+=("$SL_BG_PID")
    if ((${#SL_BG_PIDS[@]} == 1)); then
        sl_on_exit 'sl__kill_bg'
    fi
}

# sl_stop PID [SECONDS]: TERM, then KILL after SECONDS (5); returns the process's exit status.
sl_stop() {
    local pid=$1 secs=${2:-5} i rc=0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < secs * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || rc=$?
    return "$rc"
}

sl__kill_bg() {
    local pid
    for pid in "${SL_BG_PIDS[@]}"; do
        kill -0 "$pid" 2>/dev/null && sl_stop "$pid" 3
    done
    return 0
}

# ---- the mock cluster -------------------------------------------------------------------------
# The helper built by CMake is $SL_BUILD_DIR/mock_kafka. Until every checkout builds it, a missing
# one is built with gcc into /tmp/mock_kafka (temporary fallback, see docs/testing-kafka.md).
sl_mock_binary() {
    local src=$SL_SOURCE_DIR/tests/support/mock_kafka.c out=/tmp/mock_kafka tmp
    if [[ -n "${MOCK_KAFKA:-}" ]]; then
        printf '%s\n' "$MOCK_KAFKA"
    elif [[ -x "$SL_BUILD_DIR/mock_kafka" ]]; then
        printf '%s\n' "$SL_BUILD_DIR/mock_kafka"
    else
        if [[ ! -x "$out" || "$src" -nt "$out" ]]; then
            sl_log "no $SL_BUILD_DIR/mock_kafka: building fallback $out with gcc"
            tmp=$(mktemp /tmp/mock_kafka.build.XXXXXX)
            gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror "$src" -o "$tmp" \
                -lrdkafka -lpthread || { rm -f "$tmp"; fail "cannot build $src"; }
            mv -f "$tmp" "$out"
        fi
        printf '%s\n' "$out"
    fi
}

# mock_start [mock_kafka args...]: starts the mock with --stdin-lifetime on a FIFO that this shell
# holds open (if the test dies, the FIFO closes and the mock exits), waits for the bootstrap line
# and exports BOOTSTRAP and MOCK_PID. One mock per test shell.
mock_start() {
    local bin fifo i
    sl__not_in_subshell mock_start
    [[ -z "${MOCK_PID:-}" ]] || fail "mock_start: a mock is already running (pid $MOCK_PID)"
    sl_tmpdir
    bin=$(sl_mock_binary)
    fifo=$SL_TMPDIR/mock.ctl
    MOCK_OUT=$SL_TMPDIR/mock.out
    MOCK_ERR=$SL_TMPDIR/mock.err
    rm -f "$fifo"
    mkfifo "$fifo"
    "$bin" --stdin-lifetime "$@" <"$fifo" >"$MOCK_OUT" 2>"$MOCK_ERR" &
    MOCK_PID=$!
    # Read-write so that the open never blocks and a write after the mock died raises no SIGPIPE.
    exec {MOCK_CTL_FD}<>"$fifo"
    MOCK_REPLIES=0
    if [[ -z "${SL_MOCK_CLEANUP:-}" ]]; then
        SL_MOCK_CLEANUP=1
        sl_on_exit 'mock_stop'
    fi
    for ((i = 0; i < SL_MOCK_START_TIMEOUT * 20; i++)); do
        [[ $(wc -l <"$MOCK_OUT") -ge 1 ]] && break # a complete first line
        if ! kill -0 "$MOCK_PID" 2>/dev/null; then
            wait "$MOCK_PID" || true
            unset MOCK_PID
            fail "mock_kafka exited at start: $(cat "$MOCK_ERR")"
        fi
        sleep 0.05
    done
    [[ $(wc -l <"$MOCK_OUT") -ge 1 ]] || fail "mock_kafka printed no bootstrap line in time"
    BOOTSTRAP=$(head -n 1 "$MOCK_OUT")
    export BOOTSTRAP MOCK_PID
}

# mock_ctl COMMAND...: sends one control command (see docs) and waits for its reply; fails the
# test on "error: ..." unless called as `mock_ctl ... || ...`.
mock_ctl() {
    local want i reply
    [[ -n "${MOCK_PID:-}" ]] || fail "mock_ctl: no mock running"
    printf '%s\n' "$*" >&"$MOCK_CTL_FD"
    MOCK_REPLIES=$((MOCK_REPLIES + 1))
    want=$((MOCK_REPLIES + 1))
    for ((i = 0; i < SL_TIMEOUT * 20; i++)); do
        [[ $(wc -l <"$MOCK_OUT") -ge $want ]] && break
        kill -0 "$MOCK_PID" 2>/dev/null || fail "mock_kafka died: $(cat "$MOCK_ERR")"
        sleep 0.05
    done
    reply=$(sed -n "${want}p" "$MOCK_OUT")
    [[ "$reply" == ok* ]] && return 0
    sl_log "mock_ctl $*: ${reply:-no reply}"
    return 1
}

# mock_stop: closes the control FIFO (EOF stops the mock), waits up to 10 s, then signals.
# Returns the mock's exit status. Called on exit automatically.
mock_stop() {
    local rc=0 i
    [[ -n "${MOCK_PID:-}" ]] || return 0
    exec {MOCK_CTL_FD}>&-
    for ((i = 0; i < 100; i++)); do
        kill -0 "$MOCK_PID" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$MOCK_PID" 2>/dev/null; then
        sl_log "mock_kafka ignored EOF on stdin; sending TERM"
        sl_stop "$MOCK_PID" 5 || rc=$?
    else
        wait "$MOCK_PID" 2>/dev/null || rc=$?
    fi
    ((rc == 0)) || sl_log "mock_kafka exited with $rc: $(cat "$MOCK_ERR" 2>/dev/null)"
    unset MOCK_PID MOCK_CTL_FD BOOTSTRAP
    return "$rc"
}

# ---- producing and consuming --------------------------------------------------------------------
# kafka_produce TOPIC [--key-sep SEP] [--partition P] [--header NAME=VALUE]... [--keep-empty]
#   Reads records from stdin, one per line. With --key-sep, a line is KEY<SEP>VALUE (split at the
#   first SEP; a line without SEP has a null key). Empty lines are skipped by kcat. An empty key or
#   value is sent as NULL (kcat -Z): "k|" is a tombstone for key k, "|v" has a null key; with
#   --keep-empty they are sent as empty strings instead. Keys are partitioned like Java clients
#   (murmur2_random). SEP uses kcat's syntax: a character, \t, \xNN.
kafka_produce() {
    local topic=$1 null=(-Z) args=(-P -t "$1" -X partitioner=murmur2_random)
    shift
    while (($#)); do
        case $1 in
        --key-sep) args+=(-K "$2"); shift 2 ;;
        --partition) args+=(-p "$2"); shift 2 ;;
        --header) args+=(-H "$2"); shift 2 ;;
        --keep-empty) null=(); shift ;;
        *) fail "kafka_produce: unknown option $1" ;;
        esac
    done
    [[ -n "${BOOTSTRAP:-}" ]] || fail "kafka_produce $topic: BOOTSTRAP is not set"
    timeout -k 5 "$SL_TIMEOUT" kcat -b "$BOOTSTRAP" -m 10 -X message.timeout.ms=20000 \
        "${null[@]}" "${args[@]}" || fail "kafka_produce $topic: kcat failed (status $?)"
}

# kafka_tool SUBCOMMAND ARGS...: runs tests/support/kafka_tool.py under Debian's python.
kafka_tool() {
    timeout -k 5 $((SL_TIMEOUT + 20)) "$SL_PYTHON" "$KAFKA_TOOL" "$@"
}

# kafka_consume TOPIC [kafka_tool consume options: --partitions 0,2 --format kv --timeout S]
#   Prints every record from the beginning to the current end, one JSON object per line, sorted by
#   partition then offset (format in docs/testing-kafka.md).
kafka_consume() {
    local topic=$1
    shift
    [[ -n "${BOOTSTRAP:-}" ]] || fail "kafka_consume $topic: BOOTSTRAP is not set"
    kafka_tool consume --bootstrap "$BOOTSTRAP" --topic "$topic" --timeout "$SL_TIMEOUT" "$@" ||
        fail "kafka_consume $topic failed"
}

# kafka_wait_records TOPIC COUNT [SECONDS]: waits until TOPIC holds at least COUNT records.
kafka_wait_records() {
    local topic=$1 want=$2 secs=${3:-$SL_TIMEOUT} end n=0
    end=$((SECONDS + secs))
    while ((SECONDS < end)); do
        n=$(kafka_tool consume --bootstrap "$BOOTSTRAP" --topic "$topic" --timeout 5 \
            --format kv 2>/dev/null | wc -l) || n=0
        ((n >= want)) && return 0
        sleep 0.5
    done
    fail "kafka_wait_records $topic: $n records after ${secs}s, wanted $want"
}
