#!/usr/bin/env bash
# tests/integration/avro_confluent.sh — the 'avro-confluent' format against a registry stand-in.
#
# Starts tests/support/schema_registry.py with basic auth, registers an older writer schema with
# curl (as another producer would), then runs build/avro_registry_check, which encodes and
# decodes through the format descriptor (framing, registered id, schema resolution, unknown id,
# wrong credentials, lookup-only mode, key subject, unreachable registry). Finally checks with
# curl what the registry holds and that schemas were fetched once per id.
#
# SPDX-License-Identifier: MIT

SL_SOURCE_DIR=${SL_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
SL_BUILD_DIR=${SL_BUILD_DIR:-$SL_SOURCE_DIR/build}
# shellcheck source=tests/integration/lib.sh
source "$SL_SOURCE_DIR/tests/integration/lib.sh"

sl_require curl
CHECK=$SL_BUILD_DIR/avro_registry_check
[[ -x "$CHECK" ]] || fail "missing $CHECK (build it with: cmake --build $SL_BUILD_DIR)"
USER_INFO=alice:s3cret

sl_tmpdir

# start_registry NAME ARGS...: starts the stand-in in the background; sets URL.
start_registry() {
    local name=$1 i
    shift
    sl_bg "$SL_PYTHON" "$SL_SOURCE_DIR/tests/support/schema_registry.py" "$@" \
        >"$SL_TMPDIR/$name.out" 2>"$SL_TMPDIR/$name.err"
    for ((i = 0; i < 200; i++)); do
        [[ $(wc -l <"$SL_TMPDIR/$name.out") -ge 1 ]] && break
        kill -0 "$SL_BG_PID" 2>/dev/null ||
            fail "schema_registry.py exited: $(cat "$SL_TMPDIR/$name.err")"
        sleep 0.05
    done
    URL=$(head -n 1 "$SL_TMPDIR/$name.out")
    [[ "$URL" == http://127.0.0.1:* ]] || fail "schema_registry.py printed no URL"
    sl_log "$name registry at $URL"
}

# Bearer tokens first, on a registry of their own.
start_registry bearer --token tok-123
out=$(timeout -k 5 60 "$CHECK" --bearer "$URL" tok-123) || fail "bearer check failed:
$out"
printf '%s\n' "$out" >&2

start_registry basic --user "$USER_INFO"

reg() { # reg METHOD PATH [BODY]: one authenticated request, the JSON answer on stdout
    local args=(-sS --max-time 10 -u "$USER_INFO"
        -H 'Content-Type: application/vnd.schemaregistry.v1+json')
    [[ $# -ge 3 ]] && args+=(-X "$1" --data "$3")
    curl "${args[@]}" "$URL$2"
}

# An older producer's schema: id as int, a field the table no longer has, no price/ts/tags.
OLD='{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"id","type":"int"},{"name":"name","type":"string"},{"name":"legacy","type":"string"}]}'
body=$("$SL_PYTHON" -c 'import json,sys; print(json.dumps({"schema": sys.argv[1]}))' "$OLD")
old_id=$(reg POST /subjects/orders-value/versions "$body" |
    "$SL_PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["id"])')
sl_log "old writer schema registered as id $old_id"

unauth=$(curl -sS --max-time 10 "$URL/subjects")
assert_eq '{"error_code": 401, "message": "Unauthorized"}' "$unauth" "unauthenticated answer"

out=$(timeout -k 5 60 "$CHECK" "$URL" "$USER_INFO" "$old_id") ||
    fail "avro_registry_check failed:
$out"
printf '%s\n' "$out" >&2
id=$(sed -n 's/^id \([0-9]*\)$/\1/p' <<<"$out")
key_id=$(sed -n 's/^key id \([0-9]*\)$/\1/p' <<<"$out")
[[ -n "$id" && -n "$key_id" ]] || fail "avro_registry_check printed no ids"

# The registry holds the derived schema as version 2 of orders-value, with the id the records carry.
latest=$(reg GET /subjects/orders-value/versions/latest)
got=$("$SL_PYTHON" -c 'import json,sys; d=json.load(sys.stdin); print(d["version"], d["id"])' \
    <<<"$latest")
assert_eq "2 $id" "$got" "orders-value latest version and id"
schema=$("$SL_PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["schema"])' <<<"$latest")
assert_eq '{"type":"record","name":"record","namespace":"org.apache.flink.avro.generated","fields":[{"name":"id","type":"long"},{"name":"name","type":["null","string"],"default":null},{"name":"price","type":["null",{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}],"default":null},{"name":"ts","type":["null",{"type":"long","logicalType":"timestamp-millis"}],"default":null},{"name":"tags","type":["null",{"type":"array","items":["null","string"]}],"default":null}]}' \
    "$schema" "registered schema"
assert_eq '["orders-key", "orders-value"]' "$(reg GET /subjects)" "subjects"
key_latest=$(reg GET /subjects/orders-key/versions/latest |
    "$SL_PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["id"])')
assert_eq "$key_id" "$key_latest" "orders-key id"

# Writer schemas are fetched once per id by a decoder; unknown ids are remembered too.
stats=$(curl -sS --max-time 10 "$URL/__stats")
fetches=$("$SL_PYTHON" -c '
import json, sys
d = json.load(sys.stdin)["by_path"]
print(d.get("GET /schemas/ids/'"$old_id"'", 0), d.get("GET /schemas/ids/99999", 0))' <<<"$stats")
assert_eq "1 1" "$fetches" "schema fetches of the old id and of the unknown id"
conns=$("$SL_PYTHON" -c '
import json, sys
d = json.load(sys.stdin)
print(int(d["connections"] < d["requests"]))' <<<"$stats")
assert_eq 1 "$conns" "connections reused (fewer connections than requests)"

sl_log "avro_confluent: ok"
