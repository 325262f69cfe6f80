#!/usr/bin/env bash
# tests/integration/bad_records.sh — records that cannot be decoded or written.
#
# Every class of bad input goes through one job with 'errors.tolerance' = 'all' and a
# dead-letter topic with context headers: malformed JSON, a value of the wrong type, a missing
# field under fail-on-missing-field, invalid UTF-8, and a record too large to write. The good
# records around them reach the sink; each bad one is in a dead-letter topic, byte for byte,
# with headers naming its source topic, partition, offset, stage and error. Then the same input
# with the default policy ('none') fails the job on the first bad record, naming its position,
# and the format's own ignore-parse-errors skips records without any policy.
#
# SPDX-License-Identifier: MIT

set -euo pipefail
SL_SOURCE_DIR=${SL_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# shellcheck source=tests/integration/lib.sh
source "$SL_SOURCE_DIR/tests/integration/lib.sh"
sl_tmpdir
mock_start --topic bad_in:1 --topic out:1 --topic dlq:1 --topic dlq_out:1 --topic strict_out:1

big=$(printf 'x%.0s' $(seq 1500))
{
    printf '%s\n' '{"id":1,"name":"a"}'
    printf '%s\n' '{"id":2,"name":'
    printf '%s\n' '{"id":"x","name":"b"}'
    printf '%s\n' '{"name":"c"}'
    printf '{"id":5,"name":"\xff\xfe"}\n'
    printf '%s\n' '{"id":6,"name":"f"}'
    printf '{"id":7,"name":"%s"}\n' "$big"
    printf '%s\n' '{"id":8,"name":"h"}'
} >"$SL_TMPDIR/input"
kcat -b "$BOOTSTRAP" -P -t bad_in -p 0 -X partitioner=murmur2_random <"$SL_TMPDIR/input" ||
    fail "produce bad_in"

cat >"$SL_TMPDIR/job.sql" <<'SQL'
CREATE TABLE src (id INT, name STRING) WITH (
  'connector' = 'kafka', 'topic' = 'bad_in', 'properties.bootstrap.servers' = '${BS}',
  'format' = 'json', 'json.fail-on-missing-field' = 'true',
  'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset'
  ${SRC_POLICY:-});
CREATE TABLE dst (id INT, name STRING) WITH (
  'connector' = 'kafka', 'topic' = '${OUT:-out}', 'properties.bootstrap.servers' = '${BS}',
  'format' = 'json', 'properties.message.max.bytes' = '1000'
  ${DST_POLICY:-});
INSERT INTO dst SELECT * FROM src;
SQL
policy() { # policy TOPIC -> WITH-clause fragment
    printf "%s" ", 'errors.tolerance' = 'all', 'errors.log.enable' = 'true'," \
        " 'errors.deadletterqueue.topic.name' = '$1'," \
        " 'errors.deadletterqueue.bootstrap.servers' = '$BOOTSTRAP'," \
        " 'errors.deadletterqueue.context.headers.enable' = 'true'"
}
timeout 60 "$SLUICE" run -D BS="$BOOTSTRAP" -D "SRC_POLICY=$(policy dlq)" \
    -D "DST_POLICY=$(policy dlq_out)" "$SL_TMPDIR/job.sql" 2>"$SL_TMPDIR/err" ||
    fail "tolerant job failed: $(cat "$SL_TMPDIR/err")"

ids() { kafka_consume "$1" | "$SL_PYTHON" -c '
import json, sys
print(" ".join(str(json.loads(json.loads(l)["value"])["id"]) for l in sys.stdin))'; }
assert_eq "1 6 8" "$(ids out)" "good records reach the sink"

# Dead letters of the source: the original bytes, with where they came from and why.
kafka_consume dlq >"$SL_TMPDIR/dlq.json"
"$SL_PYTHON" - "$SL_TMPDIR/input" "$SL_TMPDIR/dlq.json" <<'PY'
import base64, json, sys
lines = open(sys.argv[1], "rb").read().split(b"\n")
recs = [json.loads(l) for l in open(sys.argv[2])]
assert [r["partition"] for r in recs] == [0, 0, 0, 0], recs
want = {1: b"Unexpected end of input", 2: b"Field 'id': cannot convert", 3: b"Could not find field", 4: b"UTF-8"}
for r, off in zip(recs, [1, 2, 3, 4]):
    v = r["value"]
    raw = base64.b64decode(v["base64"]) if isinstance(v, dict) else v.encode()
    assert raw == lines[off], (raw, lines[off])
    h = {k: (base64.b64decode(x["base64"]) if isinstance(x, dict) else x.encode()) for k, x in r["headers"]}
    assert h["__connect.errors.topic"] == b"bad_in", h
    assert h["__connect.errors.partition"] == b"0", h
    assert h["__connect.errors.offset"] == str(off).encode(), h
    assert h["__connect.errors.stage"] == b"deserialization", h
    msg = h["__connect.errors.exception.message"]
    assert b"topic 'bad_in', partition 0, offset %d" % off in msg, msg
    assert want[off] in msg, (off, msg)
print("dlq: 4 records with context headers")
PY
# Dead letter of the sink: the record it could not write (too large), and its source position.
kafka_consume dlq_out | "$SL_PYTHON" -c '
import json, sys
recs = [json.loads(l) for l in sys.stdin]
assert len(recs) == 1, recs
h = dict(recs[0]["headers"])
assert h["__connect.errors.stage"] == "producing", h
assert "offset 6" in h["__connect.errors.exception.message"], h
assert "MSG_SIZE_TOO_LARGE" in h["__connect.errors.exception.message"], h
assert json.loads(recs[0]["value"])["id"] == 7
print("dlq_out: the oversized record")'
assert_contains "$(cat "$SL_TMPDIR/err")" "skipped a record at deserialization (topic 'bad_in', partition 0, offset 1): SL_DATA"
[[ "$(cat "$SL_TMPDIR/err")" != *'"name":'* ]] || fail "a record's content appeared in the log"

# The default policy fails on the first bad record, with its position.
rc=0
timeout 60 "$SLUICE" run -D BS="$BOOTSTRAP" -D OUT=strict_out "$SL_TMPDIR/job.sql" \
    2>"$SL_TMPDIR/err2" || rc=$?
assert_eq 1 "$rc" "exit code with errors.tolerance = none"
assert_contains "$(cat "$SL_TMPDIR/err2")" "topic 'bad_in', partition 0, offset 1: Failed to deserialize JSON"

# json.ignore-parse-errors (Flink's format option) skips rows the format cannot read, and reads
# unconvertible fields as NULL; the too-large record still needs the sink's policy.
sed -e "s/'json.fail-on-missing-field' = 'true'/'json.ignore-parse-errors' = 'true'/" \
    "$SL_TMPDIR/job.sql" >"$SL_TMPDIR/ignore.sql"
timeout 60 "$SLUICE" run -D BS="$BOOTSTRAP" -D OUT=strict_out -D "DST_POLICY=, 'errors.tolerance' = 'all'" \
    "$SL_TMPDIR/ignore.sql" 2>"$SL_TMPDIR/err3" || fail "ignore-parse-errors job: $(cat "$SL_TMPDIR/err3")"
assert_eq '[1, None, None, 6, 8]' "$(kafka_consume strict_out | "$SL_PYTHON" -c '
import json, sys
print([json.loads(json.loads(l)["value"])["id"] for l in sys.stdin])')" \
    "ignore-parse-errors: malformed and bad UTF-8 skipped, wrong type and missing field NULL"
sl_log "bad_records: all checks passed"
