#!/usr/bin/env bash
# bench/run_kafka.sh — Kafka throughput benchmark: sluice workloads against a raw librdkafka consumer.
#
# Starts the mock Kafka cluster (tests/integration/lib.sh), writes N order records with K keys
# (bench/gen_orders.c) to a topic with P partitions, checks that the mock kept all of them, then
# runs R rounds; in each round, one after the other on the same topic data:
#   raw  bench/raw_consume.c: librdkafka reads the topic and counts (the baseline); it starts
#        from concrete offsets (--from-low), as sluice does, so that librdkafka's start-up
#        offset lookup (up to ~0.5 s at random) does not blur the comparison
#   raw-pf  the same with sluice's consumer prefetch defaults (docs/kafka-properties.md), except
#        queued.max.messages.kbytes, which stays at 64 MiB: sluice's 16 MiB relies on its reader
#        waking the fetchers, which raw_consume does not do
#   W1   sluice run bench/workloads/w1.sql: upsert-kafka (CSV key, JSON value) -> print (stdout
#        to /dev/null; the planner puts a ChangelogNormalize in front of print)
#   W2   sluice run bench/workloads/w2.sql: kafka JSON -> filter/projection -> kafka JSON, lz4
#        (skipped, with the reason, when sluice rejects the script)
# and with --tuned 'k=v,...', W1 and W2 again with those consumer properties added.
# Every run is measured from outside with /usr/bin/time: wall time, user+sys CPU, peak RSS.
# Records/s is N / wall time of the whole process. The script prints a Markdown table of the
# medians, with each workload as a ratio to the raw consumer, and keeps every run in runs.csv.
#
# Usage: bench/run_kafka.sh [-n RECORDS] [-k KEYS] [-p PARTITIONS] [-r ROUNDS] [-b BROKERS]
#                           [-w raw,w1,w2] [--tuned 'k=v,...'] [--no-verify] [-o DIR]
# Defaults: 1,000,000 records, 100,000 keys, ceil(N / 15,000) partitions (the 2.0.2 mock keeps
# ~5 MiB per partition), 5 rounds, 1 broker; about 2 minutes on a 2-core machine.
# The C programs are built with gcc into $BENCH_BIN (default /tmp/sluice-bench-bin); sluice is
# copied from $SLUICE (default build/sluice) at start, so a rebuild during the run changes nothing.
#
# SPDX-License-Identifier: MIT

set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export SL_SOURCE_DIR=${SL_SOURCE_DIR:-$(cd "$BENCH_DIR/.." && pwd)}
# shellcheck source=../tests/integration/lib.sh
source "$SL_SOURCE_DIR/tests/integration/lib.sh"

RECORDS=1000000 KEYS=100000 PARTS=0 ROUNDS=5 BROKERS=1 WORKLOADS=raw,w1,w2 TUNED="" VERIFY=1
OUT=""
usage() { sed -n '/^# Usage:/,/^# Defaults:/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while (($#)); do
    case $1 in
    -n) RECORDS=$2; shift 2 ;;
    -k) KEYS=$2; shift 2 ;;
    -p) PARTS=$2; shift 2 ;;
    -r) ROUNDS=$2; shift 2 ;;
    -b) BROKERS=$2; shift 2 ;;
    -w) WORKLOADS=$2; shift 2 ;;
    --tuned) TUNED=$2; shift 2 ;;
    --no-verify) VERIFY=0; shift ;;
    -o) OUT=$2; shift 2 ;;
    -h | --help) usage ;;
    *) echo "run_kafka.sh: unknown argument $1" >&2; usage ;;
    esac
done
((PARTS > 0)) || PARTS=$(((RECORDS + 14999) / 15000))
OUT=${OUT:-/tmp/sluice-bench-results-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
sl_require gcc kcat /usr/bin/time
[[ -x "$SLUICE" ]] || fail "no sluice binary at $SLUICE (make build)"

# ---- build the C programs ---------------------------------------------------------------------
BENCH_BIN=${BENCH_BIN:-/tmp/sluice-bench-bin}
mkdir -p "$BENCH_BIN"
for prog in gen_orders raw_consume; do
    if [[ ! -x "$BENCH_BIN/$prog" || "$BENCH_DIR/$prog.c" -nt "$BENCH_BIN/$prog" ||
          "$BENCH_DIR/bench_kafka.h" -nt "$BENCH_BIN/$prog" ]]; then
        gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror "$BENCH_DIR/$prog.c" \
            -o "$BENCH_BIN/$prog" -lrdkafka || fail "cannot build bench/$prog.c"
    fi
done
GEN=$BENCH_BIN/gen_orders RAW=$BENCH_BIN/raw_consume

sl_tmpdir
cp "$SLUICE" "$SL_TMPDIR/sluice"
SLUICE_COPY=$SL_TMPDIR/sluice

# ---- environment --------------------------------------------------------------------------------
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
NCPU=$(nproc)
RDK=$(dpkg-query -W -f '${Version}' librdkafka1 2>/dev/null || echo unknown)
SLUICE_ID="$(sha256sum "$SLUICE_COPY" | cut -c1-12), built $(date -r "$SLUICE" '+%Y-%m-%d %H:%M')"
{
    echo "date: $(date '+%Y-%m-%d %H:%M %Z')"
    echo "cpu: $CPU, $NCPU cores; librdkafka $RDK; sluice $SLUICE_ID"
    echo "records=$RECORDS keys=$KEYS partitions=$PARTS brokers=$BROKERS rounds=$ROUNDS"
    echo "tuned: ${TUNED:-none}"
} | tee "$OUT/env.txt" >&2

# ---- data ---------------------------------------------------------------------------------------
mock_start --brokers "$BROKERS" --topic "orders:$PARTS"
sl_log "mock at $BOOTSTRAP; producing $RECORDS records"
GENLINE=$("$GEN" -b "$BOOTSTRAP" -t orders -n "$RECORDS" -k "$KEYS") || fail "gen_orders failed"
echo "$GENLINE" >>"$OUT/env.txt"
genval() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$GENLINE"; }
EXPECT_W1=$(genval expected_w1_lines)
EXPECT_W2=$(genval expected_w2_records)

# Workload scripts; a tuned variant gets 'properties.K' = 'V' lines after the bootstrap servers.
tuned_copy() { # SRC DST
    local add="" kv kvs
    IFS=',' read -r -a kvs <<<"$TUNED"
    for kv in "${kvs[@]}"; do add+="  'properties.${kv%%=*}' = '${kv#*=}',\\n"; done
    awk -v add="$add" '{ print } /'"'"'properties.bootstrap.servers'"'"'/ { printf "%s", add }' \
        "$1" >"$2"
}
W1_SQL=$BENCH_DIR/workloads/w1.sql W2_SQL=$BENCH_DIR/workloads/w2.sql
if [[ -n "$TUNED" ]]; then
    tuned_copy "$W1_SQL" "$SL_TMPDIR/w1_tuned.sql"
    tuned_copy "$W2_SQL" "$SL_TMPDIR/w2_tuned.sql"
fi

SINKS=0
new_sink() { # creates a fresh sink topic for one W2 run, named in $SINK
    SINKS=$((SINKS + 1))
    mock_ctl "topic w2_out_$SINKS:$PARTS" >/dev/null || fail "cannot create sink topic"
    SINK=w2_out_$SINKS
}

# ---- one measured run ---------------------------------------------------------------------------
# measure NAME ROUND CMD...: runs CMD under /usr/bin/time, appends a line to runs.csv.
# Returns CMD's status; its stderr is kept in $OUT/NAME.ROUND.err.
echo "workload,round,records,wall_s,cpu_s,maxrss_kib,records_per_s,cpu_us_per_record" >"$OUT/runs.csv"
measure() {
    local name=$1 round=$2 rc=0 wall user sys rss
    shift 2
    timeout -k 5 600 /usr/bin/time -f '%e %U %S %M' -o "$SL_TMPDIR/time" "$@" \
        >/dev/null 2>"$OUT/$name.$round.err" || rc=$?
    ((rc == 0)) || return "$rc"
    read -r wall user sys rss <"$SL_TMPDIR/time"
    awk -v n="$name" -v r="$round" -v N="$RECORDS" -v w="$wall" -v u="$user" -v s="$sys" \
        -v m="$rss" 'BEGIN { c = u + s; printf "%s,%s,%d,%.2f,%.2f,%d,%.0f,%.3f\n",
                             n, r, N, w, c, m, N / w, c * 1e6 / N }' >>"$OUT/runs.csv"
    tail -n 1 "$OUT/runs.csv" | awk -F, '{ printf "  %-8s round %s: %9.0f records/s  %6.2f us CPU/record  %6.1f MiB RSS\n",
                                            $1, $2, $7, $8, $6 / 1024 }' >&2
}

sluice_cmd() { # SQL [SINK]: sets CMD to the command line that runs SQL
    CMD=("$SLUICE_COPY" run --define BOOTSTRAP_SERVERS="$BOOTSTRAP" --define TOPIC=orders
        --define SINK_TOPIC="${2:-w2_out_none}" "$1")
}

count_topic() { # TOPIC -> number of records
    "$RAW" -b "$BOOTSTRAP" -t "$1" 2>/dev/null | sed -n 's/^RAW records=\([0-9]*\).*/\1/p'
}

# ---- verification (untimed): the workloads read everything and compute the right thing ----------
W2_STATUS=""
has() { [[ ",$WORKLOADS," == *",$1,"* ]]; }
if ((VERIFY)); then
    sl_log "verifying (untimed runs)"
    got=$(count_topic orders)
    [[ "$got" == "$RECORDS" ]] || fail "raw_consume read $got records, expected $RECORDS"
    if has w1; then
        sluice_cmd "$W1_SQL"
        got=$("${CMD[@]}" 2>"$OUT/w1.verify.err" | wc -l) || fail "W1 failed: $(tail -n 3 "$OUT/w1.verify.err")"
        [[ "$got" == "$EXPECT_W1" ]] ||
            fail "W1 printed $got changelog rows, expected $EXPECT_W1 (see $OUT/w1.verify.err)"
        sl_log "W1 printed the expected $got changelog rows"
    fi
    if has w2; then
        new_sink
        sluice_cmd "$W2_SQL" "$SINK"
        if "${CMD[@]}" >/dev/null 2>"$OUT/w2.verify.err"; then
            got=$(count_topic "$SINK")
            [[ "$got" == "$EXPECT_W2" ]] ||
                fail "W2 wrote $got records, expected $EXPECT_W2 (see $OUT/w2.verify.err)"
            sl_log "W2 wrote the expected $got records"
        else
            W2_STATUS="pending: sluice rejected w2.sql ($(grep -m 1 'error' "$OUT/w2.verify.err" || head -n 1 "$OUT/w2.verify.err"))"
        fi
    fi
fi

# ---- rounds -------------------------------------------------------------------------------------
run_w2() { # NAME ROUND SQL
    local rc=0
    [[ -z "$W2_STATUS" ]] || return 0
    new_sink
    sluice_cmd "$3" "$SINK"
    measure "$1" "$2" "${CMD[@]}" || rc=$?
    if ((rc != 0)); then
        W2_STATUS="pending: sluice run w2.sql exited with $rc ($(grep -m 1 'error' "$OUT/$1.$2.err" || head -n 1 "$OUT/$1.$2.err"))"
        sl_log "W2 skipped from now on: $W2_STATUS"
        return 0
    fi
    got=$(count_topic "$SINK")
    [[ "$got" == "$EXPECT_W2" ]] || fail "$1 round $2 wrote $got records, expected $EXPECT_W2"
}
[[ -z "$W2_STATUS" ]] || sl_log "W2 skipped: $W2_STATUS"
for ((r = 1; r <= ROUNDS; r++)); do
    sl_log "round $r of $ROUNDS"
    if has raw; then
        measure raw "$r" "$RAW" -b "$BOOTSTRAP" -t orders --expect "$RECORDS" --from-low ||
            fail "raw_consume failed: $(tail -n 3 "$OUT/raw.$r.err")"
        measure raw-pf "$r" "$RAW" -b "$BOOTSTRAP" -t orders --expect "$RECORDS" --from-low \
            -X queued.min.messages=1000000 -X queued.max.messages.kbytes=65536 \
            -X fetch.max.bytes=8388608 ||
            fail "raw_consume (prefetch) failed: $(tail -n 3 "$OUT/raw-pf.$r.err")"
    fi
    if has w1; then
        sluice_cmd "$W1_SQL"
        measure W1 "$r" "${CMD[@]}" || fail "W1 failed: $(tail -n 3 "$OUT/W1.$r.err")"
        if [[ -n "$TUNED" ]]; then
            sluice_cmd "$SL_TMPDIR/w1_tuned.sql"
            measure "W1-tuned" "$r" "${CMD[@]}" ||
                fail "W1 tuned failed: $(tail -n 3 "$OUT/W1-tuned.$r.err")"
        fi
    fi
    if has w2; then
        run_w2 W2 "$r" "$W2_SQL"
        [[ -z "$TUNED" ]] || run_w2 "W2-tuned" "$r" "$SL_TMPDIR/w2_tuned.sql"
    fi
done

# ---- medians and the table ----------------------------------------------------------------------
median() { # WORKLOAD COLUMN -> median of that column over the workload's rounds
    awk -F, -v w="$1" -v c="$2" 'NR > 1 && $1 == w { print $c }' "$OUT/runs.csv" | sort -g |
        awk '{ v[NR] = $1 } END { if (NR == 0) exit; m = int((NR + 1) / 2);
              print (NR % 2) ? v[m] : (v[m] + v[m + 1]) / 2 }'
}
range() { # WORKLOAD COLUMN -> min–max
    awk -F, -v w="$1" -v c="$2" 'NR > 1 && $1 == w { print $c }' "$OUT/runs.csv" | sort -g |
        awk 'NR == 1 { lo = $1 } { hi = $1 } END { if (NR) printf "%.0f–%.0f", lo, hi }'
}
describe() {
    case $1 in
    raw) echo "librdkafka consumer, count only (bench/raw_consume.c)" ;;
    raw-pf) echo "the same with sluice's prefetch defaults (64 MiB queue)" ;;
    W1) echo "upsert-kafka (CSV key, JSON value) → normalize → print >/dev/null" ;;
    W1-tuned) echo "W1 with ${TUNED//,/, }" ;;
    W2) echo "kafka JSON → filter, projection → kafka JSON (lz4)" ;;
    W2-tuned) echo "W2 with ${TUNED//,/, }" ;;
    esac
}
RAW_RATE=$(median raw 7) RAW_CPU=$(median raw 8) RAW_RSS=$(median raw 6)
{
    echo "$RECORDS records ($KEYS keys, $PARTS partitions, $(genval bytes | awk '{ printf "%.0f", $1 / 1048576 }') MiB of keys and values)," \
        "median of $ROUNDS rounds; $CPU, $NCPU cores; librdkafka $RDK."
    echo
    echo "| workload | what | records/s (min–max) | CPU µs/record | peak RSS MiB | records/s vs raw | CPU/record vs raw | RSS vs raw |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|"
    for w in raw raw-pf W1 W1-tuned W2 W2-tuned; do
        rate=$(median "$w" 7)
        if [[ -z "$rate" ]]; then
            if [[ "$w" == W2 ]] && has w2; then
                echo "| W2 | $(describe W2) | ${W2_STATUS:-pending} | | | | | |"
            fi
            continue
        fi
        cpu=$(median "$w" 8) rss=$(median "$w" 6)
        awk -v w="$w" -v d="$(describe "$w")" -v rate="$rate" -v rg="$(range "$w" 7)" -v cpu="$cpu" \
            -v rss="$rss" -v r0="${RAW_RATE:-0}" -v c0="${RAW_CPU:-0}" -v m0="${RAW_RSS:-0}" 'BEGIN {
            ratio_r = r0 > 0 ? sprintf("%.2f", rate / r0) : "–";
            ratio_c = c0 > 0 ? sprintf("%.1f×", cpu / c0) : "–";
            ratio_m = m0 > 0 ? sprintf("%.1f×", rss / m0) : "–";
            printf "| %s | %s | %.0f (%s) | %.2f | %.0f | %s | %s | %s |\n",
                   w, d, rate, rg, cpu, rss / 1024, ratio_r, ratio_c, ratio_m }'
    done
    # The raw consumer's wall time swings with the mock broker's own pace, so ratios of the same
    # round (taken one after the other) are shown too.
    echo
    for w in W1 W2; do
        for base in raw raw-pf; do
            awk -F, -v w="$w" -v b="$base" 'NR > 1 && $1 == b { r[$2] = $7 }
                NR > 1 && $1 == w { x[$2] = $7 }
                END { n = 0; for (k in x) if (r[k] > 0) v[++n] = x[k] / r[k]
                      if (!n) exit
                      for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) {
                          t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
                      m = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
                      printf "- %s records/s ÷ %s records/s of the same round: median %.2f (%.2f–%.2f)\n",
                             w, b, m, v[1], v[n] }' "$OUT/runs.csv"
        done
    done
} | tee "$OUT/table.md"
sl_log "results in $OUT (runs.csv, table.md, env.txt, stderr of every run)"
