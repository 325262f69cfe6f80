#!/usr/bin/env bash
# tests/support/demo.sh [BUILD_DIR] — the quickstart, end to end, with no Kafka installation.
#
# Starts a Kafka-protocol broker on 127.0.0.1 (librdkafka's mock cluster, build/mock_kafka),
# loads the seed's three order messages with their keys (kcat), and runs
# examples/quickstart.sql, which prints the changelog of the upserts. Progress goes to standard
# error; standard output carries exactly the job's output.
#
# SPDX-License-Identifier: MIT
set -euo pipefail
SL_SOURCE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SL_BUILD_DIR=$(cd "${1:-$SL_SOURCE_DIR/build}" && pwd)
export SL_SOURCE_DIR SL_BUILD_DIR
# shellcheck source=tests/integration/lib.sh
source "$SL_SOURCE_DIR/tests/integration/lib.sh"

mock_start --topic KafkaTopic:1
echo "demo: broker at $BOOTSTRAP; loading 3 orders into topic KafkaTopic" >&2
kafka_produce KafkaTopic --key-sep '|' <"$SL_SOURCE_DIR/tests/integration/data/seed_orders.txt"
echo "demo: sluice run examples/quickstart.sql" >&2
"$SLUICE" run --define BOOTSTRAP_SERVERS="$BOOTSTRAP" "$SL_SOURCE_DIR/examples/quickstart.sql"
