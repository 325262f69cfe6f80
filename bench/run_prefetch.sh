#!/usr/bin/env bash
# bench/run_prefetch.sh — librdkafka consumer prefetch settings against a consumer that works per message.
#
# librdkafka 2.0.2 stops fetching once its consumer queue holds queued.min.messages messages or
# queued.max.messages.kbytes of payload, and looks again only when its broker thread wakes up,
# at the latest after 1 s. A consumer that spends a few microseconds per message empties the
# queue sooner than that and then waits. This script measures it with bench/raw_consume.c:
# for each configuration and each per-message cost (--work-us), REPS runs on the same topic,
# reporting the medians of records/s, the share of wall time the consuming thread waited in
# rd_kafka_consume_batch_queue, the number of waits >= 20 ms, peak RSS and the longest queue.
#
# Usage: bench/run_prefetch.sh [-n RECORDS] [-r REPS] [-W "0 2 3 5"] [-c CONFIG_FILE] [-o DIR]
# Defaults: 1,000,000 records (233 MB of payload, more than any queue bound tried), 3 runs,
# work 0, 2, 3 and 5 us per message, the configurations below; about 7 minutes on 2 cores.
# A configuration file has one configuration a line: NAME (no spaces or commas), then -X
# key=value arguments.
# raw_consume runs with --from-low (concrete start offsets) so that the start-up offset lookup,
# which can add 0.5 s at random, does not blur the comparison.
#
# SPDX-License-Identifier: MIT

set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export SL_SOURCE_DIR=${SL_SOURCE_DIR:-$(cd "$BENCH_DIR/.." && pwd)}
# shellcheck source=../tests/integration/lib.sh
source "$SL_SOURCE_DIR/tests/integration/lib.sh"

RECORDS=1000000 REPS=3 WORKS="0 2 3 5" CONFIGS="" OUT=""
usage() { sed -n '/^# Usage:/,/^# Defaults:/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while (($#)); do
    case $1 in
    -n) RECORDS=$2; shift 2 ;;
    -r) REPS=$2; shift 2 ;;
    -W) WORKS=$2; shift 2 ;;
    -c) CONFIGS=$2; shift 2 ;;
    -o) OUT=$2; shift 2 ;;
    -h | --help) usage ;;
    *) echo "run_prefetch.sh: unknown argument $1" >&2; usage ;;
    esac
done
OUT=${OUT:-/tmp/sluice-prefetch-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
PARTS=$(((RECORDS + 14999) / 15000))

BENCH_BIN=${BENCH_BIN:-/tmp/sluice-bench-bin}
mkdir -p "$BENCH_BIN"
for prog in gen_orders raw_consume; do
    if [[ ! -x "$BENCH_BIN/$prog" || "$BENCH_DIR/$prog.c" -nt "$BENCH_BIN/$prog" ||
          "$BENCH_DIR/bench_kafka.h" -nt "$BENCH_BIN/$prog" ]]; then
        gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror "$BENCH_DIR/$prog.c" \
            -o "$BENCH_BIN/$prog" -lrdkafka || fail "cannot build bench/$prog.c"
    fi
done

if [[ -z "$CONFIGS" ]]; then
    CONFIGS=$OUT/configs.txt
    cat >"$CONFIGS" <<'EOF'
default
qmin=1M                    -X queued.min.messages=1000000
fmb=8M                     -X fetch.max.bytes=8388608
qmin=1M/fmb=8M             -X queued.min.messages=1000000 -X fetch.max.bytes=8388608
qmin=1M/kb=32M/fmb=8M      -X queued.min.messages=1000000 -X queued.max.messages.kbytes=32768 -X fetch.max.bytes=8388608
qmin=1M/kb=128M/fmb=8M     -X queued.min.messages=1000000 -X queued.max.messages.kbytes=131072 -X fetch.max.bytes=8388608
mpfb=256K                  -X max.partition.fetch.bytes=262144
fwait=100                  -X fetch.wait.max.ms=100
EOF
fi

sl_tmpdir
mock_start --topic "orders:$PARTS"
sl_log "producing $RECORDS records into $PARTS partitions"
"$BENCH_BIN/gen_orders" -b "$BOOTSTRAP" -t orders -n "$RECORDS" >"$OUT/gen.txt" ||
    fail "gen_orders failed"

echo "config,work_us,rep,records_per_s,wait_frac,stalls,stall_s,maxrss_kib,max_queue,cpu_us_per_rec" \
    >"$OUT/runs.csv"
for work in $WORKS; do
    for ((rep = 1; rep <= REPS; rep++)); do
        while read -r name args; do
            [[ -n "$name" && "$name" != \#* ]] || continue
            # shellcheck disable=SC2086 # args is a list of -X options
            line=$("$BENCH_BIN/raw_consume" -b "$BOOTSTRAP" -t orders --expect "$RECORDS" \
                --from-low --work-us "$work" $args 2>>"$OUT/stderr.txt") ||
                fail "raw_consume $name failed: $(tail -n 2 "$OUT/stderr.txt")"
            awk -v c="$name" -v w="$work" -v r="$rep" '{
                for (i = 2; i <= NF; i++) { split($i, a, "="); v[a[1]] = a[2] }
                printf "%s,%s,%s,%.0f,%.4f,%d,%.3f,%d,%d,%.3f\n", c, w, r, v["rate"],
                       v["wait_frac"], v["stalls"], v["stall_s"], v["maxrss_kib"],
                       v["max_queue"], v["cpu_us_per_rec"] }' <<<"$line" >>"$OUT/runs.csv"
            tail -n 1 "$OUT/runs.csv" >&2
        done <"$CONFIGS"
    done
done

# Medians per (config, work), in the order of the configuration file.
{
    echo "$RECORDS records, $PARTS partitions, 1 broker; median of $REPS runs; librdkafka" \
        "$(dpkg-query -W -f '${Version}' librdkafka1 2>/dev/null || echo '?')."
    echo
    echo "| settings | work µs/msg | records/s | waiting in consume | stalls ≥ 20 ms | peak RSS MiB | max queue (msgs) |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    for work in $WORKS; do
        while read -r name _; do
            [[ -n "$name" && "$name" != \#* ]] || continue
            awk -F, -v c="$name" -v w="$work" '
                function med(col,   n, i, j, t, x) {
                    n = 0
                    for (i = 1; i <= cnt; i++) x[++n] = val[i, col]
                    for (i = 2; i <= n; i++) for (j = i; j > 1 && x[j - 1] > x[j]; j--) {
                        t = x[j]; x[j] = x[j - 1]; x[j - 1] = t }
                    return n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2
                }
                NR > 1 && $1 == c && $2 == w { cnt++; for (k = 4; k <= 10; k++) val[cnt, k] = $k }
                END { if (!cnt) exit
                      printf "| %s | %s | %.0f | %.0f%% | %.0f | %.0f | %.0f |\n", c, w, med(4),
                             100 * med(5), med(6), med(8) / 1024, med(9) }' "$OUT/runs.csv"
        done <"$CONFIGS"
    done
} | tee "$OUT/table.md"
sl_log "results in $OUT"
