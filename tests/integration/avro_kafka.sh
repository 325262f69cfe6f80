#!/usr/bin/env bash
# tests/integration/avro_kafka.sh — 'avro' and 'avro-confluent' in SQL jobs over Kafka.
#
# A JSON topic is copied by sluice into two topics, one with plain Avro values and one with
# Confluent-framed Avro keys and values (schemas registered in tests/support/schema_registry.py).
# An independent Avro decoder written here in Python checks the bytes; then sluice reads both
# topics back and prints them.
#
# SPDX-License-Identifier: MIT

set -euo pipefail
SL_SOURCE_DIR=${SL_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# shellcheck source=tests/integration/lib.sh
source "$SL_SOURCE_DIR/tests/integration/lib.sh"
sl_require curl
sl_tmpdir
mock_start --topic src:1 --topic av:1 --topic avc:2

sl_bg "$SL_PYTHON" "$SL_SOURCE_DIR/tests/support/schema_registry.py" \
    >"$SL_TMPDIR/reg.out" 2>"$SL_TMPDIR/reg.err"
for ((i = 0; i < 200; i++)); do
    [[ -s "$SL_TMPDIR/reg.out" ]] && break
    sleep 0.05
done
URL=$(head -n 1 "$SL_TMPDIR/reg.out")
[[ "$URL" == http://127.0.0.1:* ]] || fail "schema_registry.py printed no URL"

printf '%s\n' \
    'k1|{"id":1,"name":"alpha","price":"12.50","ts":"2023-03-25 12:02:02"}' \
    'k2|{"id":2,"name":null,"price":null,"ts":null}' \
    'k3|{"id":-3,"name":"日本","price":"0.01","ts":"1970-01-01 00:00:00.123"}' |
    kafka_produce src --key-sep '|'

cat >"$SL_TMPDIR/write.sql" <<SQL
CREATE TABLE src (id BIGINT, name STRING, price DECIMAL(10,2), ts TIMESTAMP(3))
WITH ('connector' = 'kafka', 'topic' = 'src', 'properties.bootstrap.servers' = '$BOOTSTRAP',
      'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset',
      'format' = 'json');
CREATE TABLE av (id BIGINT, name STRING, price DECIMAL(10,2), ts TIMESTAMP(3))
WITH ('connector' = 'kafka', 'topic' = 'av', 'properties.bootstrap.servers' = '$BOOTSTRAP',
      'format' = 'avro');
CREATE TABLE avc (id BIGINT NOT NULL, name STRING, price DECIMAL(10,2), ts TIMESTAMP(3))
WITH ('connector' = 'kafka', 'topic' = 'avc', 'properties.bootstrap.servers' = '$BOOTSTRAP',
      'key.format' = 'avro-confluent', 'key.avro-confluent.url' = '$URL', 'key.fields' = 'id',
      'value.format' = 'avro-confluent', 'value.avro-confluent.url' = '$URL');
INSERT INTO av SELECT * FROM src;
INSERT INTO avc SELECT * FROM src;
SQL
timeout 60 "$SLUICE" run "$SL_TMPDIR/write.sql" 2>"$SL_TMPDIR/write.err" ||
    fail "write job failed: $(cat "$SL_TMPDIR/write.err")"

# ---- the bytes, decoded independently -----------------------------------------------------------
kafka_consume av >"$SL_TMPDIR/av.json"
kafka_consume avc >"$SL_TMPDIR/avc.json"
decoded=$("$SL_PYTHON" - "$SL_TMPDIR/av.json" "$SL_TMPDIR/avc.json" "$URL" <<'PY'
import base64, json, sys, urllib.request

def raw(v):
    return base64.b64decode(v["base64"]) if isinstance(v, dict) else v.encode("utf-8")

class R:
    def __init__(self, b): self.b, self.i = b, 0
    def long(self):
        n = s = 0
        while True:
            c = self.b[self.i]; self.i += 1
            n |= (c & 0x7F) << s; s += 7
            if not c & 0x80: return (n >> 1) ^ -(n & 1)
    def bytes(self):
        n = self.long(); v = self.b[self.i:self.i + n]; self.i += n; return v

def value(r, t):
    if isinstance(t, list):
        return value(r, t[r.long()])
    if isinstance(t, dict):
        if t.get("logicalType") == "decimal":
            v = int.from_bytes(r.bytes(), "big", signed=True)
            return "%d.%02d" % divmod(v, 100) if v >= 0 else "-%d.%02d" % divmod(-v, 100)
        return value(r, t["type"])
    return {"null": lambda: None, "long": r.long, "int": r.long,
            "string": lambda: r.bytes().decode("utf-8")}[t]()

def record(b, schema):
    r = R(b)
    out = [value(r, f["type"]) for f in schema["fields"]]
    assert r.i == len(b), "trailing bytes"
    return out

# Plain avro: the schema Flink derives for the table (nullable unions, null first).
derived = {"fields": [{"type": ["null", "long"]}, {"type": ["null", "string"]},
    {"type": ["null", {"type": "bytes", "logicalType": "decimal"}]},
    {"type": ["null", "long"]}]}
for line in open(sys.argv[1]):
    print("av", record(raw(json.loads(line)["value"]), derived))
for line in open(sys.argv[2]):
    rec = json.loads(line)
    for part in ("key", "value"):
        b = raw(rec[part])
        assert b[0] == 0, "magic byte"
        sid = int.from_bytes(b[1:5], "big")
        req = urllib.request.urlopen("%s/schemas/ids/%d" % (sys.argv[3], sid), timeout=10)
        schema = json.loads(json.load(req)["schema"])
        print("avc", rec["partition"], part, record(b[5:], schema))
PY
) || fail "independent decode failed"
expected="av [1, 'alpha', '12.50', 1679745722000]
av [2, None, None, None]
av [-3, '日本', '0.01', 123]"
assert_eq "$expected" "$(grep '^av ' <<<"$decoded")" "plain avro values"
assert_eq 6 "$(grep -c '^avc ' <<<"$decoded")" "confluent keys and values"
assert_contains "$decoded" "key [1]"
assert_contains "$decoded" "value [-3, '日本', '0.01', 123]"

# ---- read back with sluice ----------------------------------------------------------------------
cat >"$SL_TMPDIR/read.sql" <<SQL
CREATE TABLE av (id BIGINT, name STRING, price DECIMAL(10,2), ts TIMESTAMP(3))
WITH ('connector' = 'kafka', 'topic' = 'av', 'properties.bootstrap.servers' = '$BOOTSTRAP',
      'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset',
      'format' = 'avro');
CREATE TABLE avc (id BIGINT NOT NULL, name STRING, price DECIMAL(10,2), ts TIMESTAMP(3))
WITH ('connector' = 'kafka', 'topic' = 'avc', 'properties.bootstrap.servers' = '$BOOTSTRAP',
      'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset',
      'key.format' = 'avro-confluent', 'key.avro-confluent.url' = '$URL', 'key.fields' = 'id',
      'value.format' = 'avro-confluent', 'value.avro-confluent.url' = '$URL',
      'value.fields-include' = 'EXCEPT_KEY');
CREATE TABLE out (src STRING, id BIGINT, name STRING, price DECIMAL(10,2), ts TIMESTAMP(3))
WITH ('connector' = 'print');
INSERT INTO out SELECT 'av', * FROM av;
INSERT INTO out SELECT 'avc', * FROM avc;
SQL
out=$(timeout 60 "$SLUICE" run "$SL_TMPDIR/read.sql" 2>"$SL_TMPDIR/read.err" | sort) ||
    fail "read job failed: $(cat "$SL_TMPDIR/read.err")"
expected='+I(av,-3,日本,0.01,1970-01-01T00:00:00.123)
+I(av,1,alpha,12.50,2023-03-25T12:02:02)
+I(av,2,null,null,null)
+I(avc,-3,日本,0.01,1970-01-01T00:00:00.123)
+I(avc,1,alpha,12.50,2023-03-25T12:02:02)
+I(avc,2,null,null,null)'
assert_eq "$expected" "$out" "avro topics read back"
sl_log "avro_kafka: ok"
