#!/usr/bin/env bash
# bench/mc_e2e.sh — end-to-end Kafka -> MaxCompute rate: `sluice run` from the mock Kafka cluster
# into the MaxCompute emulator, with the emulator's own accept rate measured beside it.
#
# Writes N order records (bench/gen_orders.c: the upsert-kafka seed's nine fields as JSON) to a
# topic, creates a MaxCompute table with the order columns, then runs R rounds; in each round:
#   sluice   `sluice run` of a bounded job: kafka JSON -> maxcompute (column mode, deflate,
#            record_batch_size N/S so the job commits S upload sessions, sink_pool_size 2), into
#            a fresh table; rows/s = N / wall time of the whole process (start-up included);
#            the emulator's rows.committed must grow by exactly N.
#   accept   bench/mc_codec_bench.c upload: the same number of order rows, encoded and deflated
#            beforehand, written the way the sink flushes (S sessions one after the other: create,
#            PUT the block, commit): the rate at which the emulator alone takes rows, i.e. the
#            ceiling for any client.
# The ratio sluice/accept says which side is the limit: near 1, the emulator (sluice waits on
# it); well below 1, sluice. The emulator is one Python process; everything shares the machine.
#
# Usage: bench/mc_e2e.sh [-n RECORDS] [-s SESSIONS] [-r ROUNDS] [-o DIR]
# Defaults: 200,000 records, 4 sessions, 5 rounds (a few minutes on 2 cores).
# sluice comes from $SLUICE (default build/sluice), libsluice.a from $SL_BUILD_DIR (build/).
#
# SPDX-License-Identifier: MIT

set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export SL_SOURCE_DIR=${SL_SOURCE_DIR:-$(cd "$BENCH_DIR/.." && pwd)}
# shellcheck source=../tests/integration/lib.sh
source "$SL_SOURCE_DIR/tests/integration/lib.sh"
# shellcheck source=../tests/integration/mc_lib.bash
source "$SL_SOURCE_DIR/tests/integration/mc_lib.bash"

RECORDS=200000 SESSIONS=4 ROUNDS=5 OUT=""
while (($#)); do
    case $1 in
    -n) RECORDS=$2; shift 2 ;;
    -s) SESSIONS=$2; shift 2 ;;
    -r) ROUNDS=$2; shift 2 ;;
    -o) OUT=$2; shift 2 ;;
    *) sed -n '/^# Usage:/,/^# Defaults:/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
    esac
done
PARTS=$(((RECORDS + 14999) / 15000)) # the 2.0.2 mock keeps ~5 MiB per partition
OUT=${OUT:-/tmp/sluice-mc-bench-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
sl_require gcc kcat curl /usr/bin/time
[[ -x "$SLUICE" && -f "$SL_BUILD_DIR/libsluice.a" ]] || fail "build sluice first ($SLUICE, $SL_BUILD_DIR/libsluice.a)"

# ---- programs ---------------------------------------------------------------------------------
BENCH_BIN=${BENCH_BIN:-/tmp/sluice-bench-bin}
mkdir -p "$BENCH_BIN"
gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror "$BENCH_DIR/gen_orders.c" \
    -o "$BENCH_BIN/gen_orders" -lrdkafka || fail "cannot build bench/gen_orders.c"
# shellcheck disable=SC2046
gcc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -I"$SL_SOURCE_DIR" -I"$SL_SOURCE_DIR/include" \
    "$BENCH_DIR/mc_codec_bench.c" "$SL_BUILD_DIR/libsluice.a" -o "$BENCH_BIN/mc_codec_bench" \
    $(pkg-config --libs rdkafka jansson libcurl libcrypto zlib) -lpthread -lm ||
    fail "cannot build bench/mc_codec_bench.c"
sl_tmpdir
cp "$SLUICE" "$SL_TMPDIR/sluice"

{
    echo "date: $(date '+%Y-%m-%d %H:%M %Z')"
    echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) cores" \
        "(shared with other work: rates vary between runs)"
    echo "sluice $(sha256sum "$SLUICE" | cut -c1-12), built $(date -r "$SLUICE" '+%Y-%m-%d %H:%M')"
    echo "records=$RECORDS partitions=$PARTS sessions=$SESSIONS rounds=$ROUNDS"
} | tee "$OUT/env.txt" >&2

# ---- data -------------------------------------------------------------------------------------
mock_start --topic "orders:$PARTS"
mc_start --quiet
"$BENCH_BIN/gen_orders" -b "$BOOTSTRAP" -t orders -n "$RECORDS" -k "$RECORDS" >>"$OUT/env.txt" ||
    fail "gen_orders failed"
ORDER_COLS="order_id STRING, order_channel STRING, order_time STRING, pay_amount DOUBLE,
  real_pay DOUBLE, pay_time STRING, user_id STRING, user_name STRING, area_id STRING"
mc_sql "CREATE TABLE accept_orders ($ORDER_COLS) PARTITIONED BY (pt STRING);"
export SLUICE_SECRET_mc_access_key=$MC_AK_SECRET

echo "tool,round,rows,wall_s,rows_per_s,cpu_s" >"$OUT/runs.csv"
record() { # TOOL ROUND "WALL_S USER_S SYS_S"
    awk -v t="$1" -v r="$2" -v n="$RECORDS" -v times="$3" 'BEGIN { split(times, x, " ");
        printf "%s,%s,%d,%.3f,%.0f,%.2f\n", t, r, n, x[1], n / x[1], x[2] + x[3] }' |
        tee -a "$OUT/runs.csv" >&2
}

for ((r = 1; r <= ROUNDS; r++)); do
    mc_sql "CREATE TABLE orders_$r ($ORDER_COLS) PARTITIONED BY (pt STRING);"
    cat >"$SL_TMPDIR/job.sql" <<EOF
CREATE TABLE src ($ORDER_COLS) WITH ('connector' = 'kafka', 'topic' = 'orders',
  'properties.bootstrap.servers' = '$BOOTSTRAP', 'scan.startup.mode' = 'earliest-offset',
  'scan.bounded.mode' = 'latest-offset', 'format' = 'json');
CREATE TABLE dst ($ORDER_COLS) WITH ('connector' = 'maxcompute', 'endpoint' = '$MC_URL/api',
  'project' = '$MC_PROJECT', 'table' = 'orders_$r', 'access_id' = '$MC_AK_ID',
  'access_key' = '\${secret_values.mc_access_key}', 'partition_window_type' = 'DAY',
  'record_batch_size' = '$(((RECORDS + SESSIONS - 1) / SESSIONS))', 'sink_pool_size' = '2');
INSERT INTO dst SELECT * FROM src;
EOF
    mc_stats_reset
    timeout -k 5 600 /usr/bin/time -f '%e %U %S' -o "$SL_TMPDIR/time" "$SL_TMPDIR/sluice" run \
        "$SL_TMPDIR/job.sql" >/dev/null 2>"$OUT/sluice.$r.err" ||
        fail "sluice round $r failed: $(tail -3 "$OUT/sluice.$r.err")"
    got=$(mc_stat 'd["rows"]["committed"]')
    [[ $got == "$RECORDS" ]] || fail "sluice round $r committed $got rows, not $RECORDS"
    record sluice "$r" "$(tail -n 1 "$SL_TMPDIR/time")"
done

PT=accept
"$BENCH_BIN/mc_codec_bench" upload --endpoint "$MC_URL/api" --project "$MC_PROJECT" \
    --table accept_orders --partition "pt=$PT" --access-id "$MC_AK_ID" --access-key "$MC_AK_SECRET" \
    --rows "$RECORDS" --sessions "$SESSIONS" --blocks 1 --threads 2 --runs "$ROUNDS" \
    >"$OUT/accept.txt" || fail "the accept-rate client failed"
cat "$OUT/accept.txt" >&2
ACCEPT_S=$(sed -n 's/^accept *median \([0-9.]*\) s.*/\1/p' "$OUT/accept.txt")

median() { # TOOL COLUMN -> median of the column over the rounds
    awk -F, -v t="$1" -v c="$2" 'NR > 1 && $1 == t { print $c }' "$OUT/runs.csv" | sort -g |
        awk '{ v[NR] = $1 } END { m = int((NR + 1) / 2); print (NR % 2) ? v[m] : (v[m] + v[m + 1]) / 2 }'
}
SLUICE_S=$(median sluice 4) SLUICE_CPU=$(median sluice 6)
{
    echo "$RECORDS order records ($PARTS partitions) -> MaxCompute emulator, $SESSIONS upload sessions per run, median of $ROUNDS rounds"
    echo
    echo "| what | median s | rows/s |"
    echo "|---|---:|---:|"
    awk -v n="$RECORDS" -v s="$SLUICE_S" -v a="$ACCEPT_S" -v c="$SLUICE_CPU" 'BEGIN {
        printf "| sluice run: Kafka JSON -> maxcompute (whole process, wall) | %.2f | %.0f |\n", s, n / s;
        printf "| sluice CPU (user + sys) of that run | %.2f | %.0f per CPU-second |\n", c, n / c;
        printf "| emulator accept rate: pre-encoded blocks, same sessions | %.2f | %.0f |\n", a, n / a;
        printf "| sluice / accept | | %.2f |\n", a / s }'
} | tee "$OUT/table.md"
sl_log "results in $OUT (runs.csv, accept.txt, table.md, env.txt)"
