#!/usr/bin/env bash
# tests/integration/mc_client.sh — the MaxCompute client (connectors/maxcompute/client.h) against
# the emulator (tests/emulator), through tests/support/mc_client_check.
#
# Starts the emulator on 127.0.0.1, creates tables through its admin SQL, runs the driver and
# checks the result with the emulator's JSON dump (every row exactly once) and its counters
# (commits per session, conflicts, the request journal). Fault cases (reliability.md 5.5): 500
# then success (M2), 429 with Retry-After (M1), a lost commit answer (M8), a reset inside a block
# PUT (M6), a block the server dropped (M9), an expired session (M10), 502 on a stream pack (M3),
# slow answers beyond the read timeout (M15), malformed answers (M16), bad credentials and an
# expired STS token (M5), STS refresh.
#
# SPDX-License-Identifier: MIT

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
sl_require curl
sl_tmpdir

CHECK=$SL_BUILD_DIR/mc_client_check
[[ -x $CHECK ]] || fail "missing $CHECK (build the tests first)"
EMULATOR=$SL_SOURCE_DIR/tests/emulator/mc_emulator.py
AK_ID=LTAI5tTestAccessId
AK_SECRET=TestAccessKeySecret0123456789ab
CANARY=CanarySecret0000XYZ987

# ---- emulator ---------------------------------------------------------------------------------
"$SL_PYTHON" "$EMULATOR" --port 0 --port-file "$SL_TMPDIR/mc.port" --stream-slots 2 \
    --access-key "$AK_ID:$AK_SECRET" --access-key "LTAIcanary:$CANARY" \
    --log-file "$SL_TMPDIR/mc.log" >"$SL_TMPDIR/mc.url" 2>"$SL_TMPDIR/mc.err" &
MC_PID=$!
sl_on_exit "sl_stop $MC_PID 3"
for ((i = 0; i < 100; i++)); do
    [[ -s $SL_TMPDIR/mc.url ]] && break
    kill -0 "$MC_PID" 2>/dev/null || fail "emulator exited: $(cat "$SL_TMPDIR/mc.err")"
    sleep 0.1
done
MC_URL=$(head -n 1 "$SL_TMPDIR/mc.url")
[[ $MC_URL == http://127.0.0.1:* ]] || fail "emulator printed no URL"
sl_log "emulator at $MC_URL"

admin() { # METHOD PATH [BODY]
    curl -sS --fail-with-body -X "$1" "$MC_URL/__admin/$2" ${3:+--data-binary "$3"}
}
fault() { admin POST faults "$1" >/dev/null; }
sql() { admin POST "sql?project=test_project" "$1" >/dev/null; }
BUGS_SEEN=0 # emulator.bugs counted before the resets
stats_reset() {
    BUGS_SEEN=$((BUGS_SEEN + $(emu_stat 'd["emulator"]["bugs"]')))
    admin DELETE stats >/dev/null
}
# emu_stat PYTHON_EXPR: evaluates EXPR over the stats document d.
emu_stat() {
    admin GET stats | "$SL_PYTHON" -c "import json,sys; d=json.load(sys.stdin); print($1)"
}
# stat_of OUTPUT NAME: a counter from the driver's "stats ..." line.
stat_of() {
    sed -n 's/^stats .*\b'"$2"'=\([0-9]*\).*/\1/p' <<<"$1"
}

BASE=(--endpoint "$MC_URL/api" --access-id "$AK_ID" --access-key "$AK_SECRET" --backoff-ms 100)
check() { timeout -k 5 60 "$CHECK" "${BASE[@]}" "$@"; }
# check_ok ARGS: runs the driver and fails the test when it fails.
check_ok() {
    local out
    out=$(check "$@" 2>"$SL_TMPDIR/check.err") ||
        fail "mc_client_check $*: $(cat "$SL_TMPDIR/check.err")"
    printf '%s\n' "$out"
}

# rows_once TABLE PARTITION N [PREFIX]: the table holds ids 0..N-1 once each, name PREFIX<id>.
rows_once() {
    "$SL_PYTHON" - "$MC_URL" "$1" "$2" "$3" "${4:-v}" <<'EOF' || fail "rows of $1 ($2)"
import json, sys, urllib.parse, urllib.request
url, table, part, n, prefix = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
q = {"project": "test_project", "table": table, "format": "json"}
if part:
    q["partition"] = part
d = json.load(urllib.request.urlopen(url + "/__admin/dump?" + urllib.parse.urlencode(q)))
ids = sorted(r["id"] for r in d["rows"])
if ids != list(range(n)):
    sys.exit("%s: %d rows, %d distinct ids, expected ids 0..%d once each"
             % (table, len(ids), len(set(ids)), n - 1))
bad = [r for r in d["rows"] if r["name"] != "%s%d" % (prefix, r["id"])]
if bad:
    sys.exit("%s: wrong values %r" % (table, bad[:3]))
EOF
}

make_table() { # NAME
    sql "CREATE TABLE $1 (id BIGINT, name STRING, score DOUBLE) PARTITIONED BY (pt STRING);"
}

# ---- schema, partitions -----------------------------------------------------------------------
sql "CREATE TABLE kafka_sink (topic STRING, \`partition\` BIGINT, \`offset\` BIGINT,
     insert_time BIGINT, value STRING NOT NULL, price DECIMAL(18,3), tags ARRAY<STRING>)
     PARTITIONED BY (pt STRING);
     CREATE TABLE pk_tab (id BIGINT NOT NULL, name STRING, PRIMARY KEY (id))
     TBLPROPERTIES ('transactional'='true');"
out=$(check_ok --table kafka_sink schema)
assert_contains "$out" "column partition bigint" "schema"
assert_contains "$out" "column value string not null" "schema"
assert_contains "$out" "column price decimal(18,3)" "schema"
assert_contains "$out" "column tags array<string>" "schema"
assert_contains "$out" "partition pt string" "schema"
out=$(check_ok --table pk_tab schema)
assert_contains "$out" "table pk_tab transactional=1" "pk schema"
assert_contains "$out" "primary key id (column 0)" "pk schema"
out=$(check --table no_such_table schema 2>&1) && fail "schema of a missing table succeeded"
assert_contains "$out" "HTTP 404 NoSuchObject" "missing table"
assert_contains "$out" "test_project.no_such_table" "missing table"
sl_log "ok: schema"

stats_reset
out=$(check_ok --table kafka_sink --partition "pt='07-13-2023 21'" partition)
assert_contains "$out" "partition created" "partition"
assert_eq 1 "$(emu_stat 'd["requests"]["by_route"]["rest.instance_create"]["201"]')" "SQL instances"
out=$(check_ok --table kafka_sink --partition "pt=07-13-2023 21" partition)
assert_contains "$out" "partition exists" "partition"
out=$(check --table kafka_sink --partition "pt='a,b'" partition 2>&1) && fail "bad spec accepted"
assert_contains "$out" "partition spec" "bad spec"
sl_log "ok: partitions"

# ---- batch upload: parallel blocks, then the fault cases --------------------------------------
make_table up_ok
out=$(check_ok --table up_ok --partition pt=p1 --create-partition --rows 2000 --blocks 8 \
    --threads 4 upload)
rows_once up_ok "pt=p1" 2000
assert_eq 1 "$(emu_stat 'd["sessions"]["committed"]')" "sessions committed"
make_table up_raw
check_ok --table up_raw --partition pt=p1 --create-partition --raw --rows 300 --blocks 3 upload \
    >/dev/null
rows_once up_raw "pt=p1" 300
sl_log "ok: upload, 8 blocks on 4 threads"

# M2: 500 twice, then success.
make_table up_500
stats_reset
fault '{"action":"error","status":500,"route":"tunnel.upload_block","times":2}'
out=$(check_ok --table up_500 --partition pt=p --create-partition --rows 400 --blocks 4 \
    --threads 2 upload)
assert_eq 2 "$(stat_of "$out" server)" "5xx retries"
assert_eq 2 "$(stat_of "$out" blocks_resent)" "blocks re-sent"
rows_once up_500 "pt=p" 400
sl_log "ok: 500 then success"

# M1: 429 with Retry-After: 1 is waited out.
make_table up_429
fault '{"action":"error","status":429,"retry_after":1,"code":"FlowExceeded","route":"tunnel.upload_block"}'
start=$SECONDS
out=$(check_ok --table up_429 --partition pt=p --create-partition --rows 100 --blocks 1 upload)
assert_eq 1 "$(stat_of "$out" throttled)" "429 retries"
((SECONDS - start >= 1)) || fail "the client did not wait for Retry-After"
rows_once up_429 "pt=p" 100
sl_log "ok: 429 with Retry-After"

# M8: the commit is applied, its answer lost: a status GET, no second commit, rows once.
make_table up_lost
stats_reset
fault '{"action":"drop_response","route":"tunnel.upload_commit"}'
out=$(check_ok --table up_lost --partition pt=p --create-partition --rows 300 --blocks 3 upload)
assert_eq 1 "$(stat_of "$out" commits_confirmed)" "commit confirmed by status"
assert_eq 1 "$(emu_stat 'd["sessions"]["commit_attempts"]')" "commit POSTs"
assert_eq 0 "$(emu_stat 'd["sessions"]["commit_conflicts"]')" "commit conflicts"
rows_once up_lost "pt=p" 300
# The answer is lost and the status cannot be read either: the outcome is reported as unknown.
make_table up_unk
fault '{"action":"drop_response","route":"tunnel.upload_commit"}'
fault '{"action":"error","status":503,"route":"tunnel.upload_status","skip":1,"times":-1}'
out=$(check --table up_unk --partition pt=p --create-partition --retries 1 --rows 100 upload \
    2>&1) && fail "a commit with an unknown outcome succeeded"
assert_contains "$out" "the outcome of the commit of upload session" "unknown commit outcome"
assert_contains "$out" "HTTP 503" "unknown commit outcome"
admin DELETE faults >/dev/null
rows_once up_unk "pt=p" 100
# The same with a 500 that hides an applied commit, and a garbage answer.
make_table up_500c
stats_reset
fault '{"action":"error","status":500,"phase":"after","route":"tunnel.upload_commit"}'
check_ok --table up_500c --partition pt=p --create-partition --rows 100 upload >/dev/null
assert_eq 1 "$(emu_stat 'd["sessions"]["commit_attempts"]')" "commit POSTs after 500"
rows_once up_500c "pt=p" 100
make_table up_garb
stats_reset
fault '{"action":"corrupt_body","mode":"garbage","route":"tunnel.upload_commit"}'
fault '{"action":"corrupt_body","mode":"unknown_status","route":"tunnel.upload_create"}'
out=$(check_ok --table up_garb --partition pt=p --create-partition --rows 100 upload)
assert_eq 1 "$(stat_of "$out" malformed)" "malformed create answer retried"
assert_eq 1 "$(emu_stat 'd["sessions"]["commit_attempts"]')" "commit POSTs after garbage"
rows_once up_garb "pt=p" 100
# A 500 before the commit is applied: status "normal", so the commit is sent again.
make_table up_500b
stats_reset
fault '{"action":"error","status":503,"route":"tunnel.upload_commit"}'
out=$(check_ok --table up_500b --partition pt=p --create-partition --rows 100 upload)
assert_eq 1 "$(stat_of "$out" commit_checks)" "status checks after 503"
assert_eq "{'503': 1, '200': 1}" "$(emu_stat 'd["requests"]["by_route"]["tunnel.upload_commit"]')" \
    "commit answers after 503"
assert_eq 1 "$(emu_stat 'd["sessions"]["committed"]')" "commits after 503"
rows_once up_500b "pt=p" 100
sl_log "ok: lost, failed and garbled commit answers"

# M6: a reset inside a block PUT: the same block id is sent again.
make_table up_reset
admin GET "requests?route=tunnel.upload_block" >/dev/null
fault '{"action":"reset","after_bytes":100,"route":"tunnel.upload_block","query":{"blockid":"1"}}'
check_ok --table up_reset --partition pt=p --create-partition --rows 3000 --blocks 3 upload \
    >/dev/null
outcomes=$(admin GET "requests?route=tunnel.upload_block" | "$SL_PYTHON" -c '
import json, sys
for r in json.load(sys.stdin)["requests"]:
    if "up_reset" in r.get("path", r.get("target", "")) and "blockid=1" in r.get("target", r.get("query", "")):
        print(r.get("outcome", r.get("status")))')
assert_eq $'reset\n200' "$outcomes" "block 1 PUTs"
rows_once up_reset "pt=p" 3000
sl_log "ok: reset during a block PUT"

# M9: the server drops a block it acknowledged; kept bodies are sent again before the commit.
make_table up_drop
fault '{"action":"drop_block","route":"tunnel.upload_block","query":{"blockid":"0"}}'
out=$(check_ok --table up_drop --partition pt=p --create-partition --keep --rows 200 --blocks 2 \
    upload)
assert_eq 1 "$(stat_of "$out" blocks_resent)" "dropped block re-sent"
rows_once up_drop "pt=p" 200
fault '{"action":"drop_block","route":"tunnel.upload_block","query":{"blockid":"0"}}'
out=$(check --table up_drop --partition pt=q --create-partition --rows 200 --blocks 2 upload 2>&1) &&
    fail "commit without a block succeeded"
assert_contains "$out" "the server lacks block(s) 0" "missing block"
sl_log "ok: dropped block"

# M10: the session expires before the commit.
make_table up_exp
fault '{"action":"expire_session","route":"tunnel.upload_commit"}'
out=$(check --table up_exp --partition pt=p --create-partition --rows 100 upload 2>&1) &&
    fail "commit of an expired session succeeded"
assert_contains "$out" "has expired" "expired session"
assert_contains "$out" "uploaded again in a new session" "expired session"
fault '{"action":"expire_session","route":"tunnel.upload_commit"}'
out=$(check_ok --table up_exp --partition pt=q --create-partition --keep --rows 300 --blocks 3 \
    upload)
assert_eq 1 "$(stat_of "$out" sessions_renewed)" "sessions renewed"
rows_once up_exp "pt=q" 300
sl_log "ok: expired session"

# M15: answers slower than the read timeout are abandoned and retried; bounded when it persists.
make_table up_slow
fault '{"action":"delay","seconds":4,"route":"tunnel.upload_block"}'
out=$(check_ok --table up_slow --partition pt=p --create-partition --read-timeout-ms 1000 \
    --rows 100 upload)
assert_eq 1 "$(stat_of "$out" transport)" "timeout retries"
rows_once up_slow "pt=p" 100
fault '{"action":"delay","seconds":4,"route":"tunnel.upload_block","times":3}'
start=$SECONDS
out=$(check --table up_slow --partition pt=q --create-partition --read-timeout-ms 1000 \
    --retries 1 --rows 100 upload 2>&1) && fail "a permanently slow server did not fail the upload"
assert_contains "$out" "read timeout" "slow server"
assert_contains "$out" "gave up after 2 attempts" "slow server"
((SECONDS - start < 15)) || fail "the slow-server failure took $((SECONDS - start)) s"
admin DELETE faults >/dev/null
sl_log "ok: slow answers"

# ---- credentials --------------------------------------------------------------------------------
out=$(timeout 30 "$CHECK" --endpoint "$MC_URL/api" --access-id LTAIcanary \
    --access-key "${CANARY}wrong" --table kafka_sink schema 2>&1) && fail "a wrong key was accepted"
assert_contains "$out" "HTTP 401 SignatureNotMatch" "bad key"
[[ $out != *"$CANARY"* ]] || fail "the secret appears in the error: $out"
[[ $out != *"ODPS LTAIcanary:"* ]] || fail "the signature appears in the error: $out"
STS=(--sts --sts-endpoint "$MC_URL" --account-id 1234567890123456 --role-name kafka-writer
    --region cn-hangzhou)
out=$(timeout 30 "$CHECK" --endpoint "$MC_URL/api" --access-id LTAIcanary \
    --access-key "${CANARY}wrong" "${STS[@]}" --table kafka_sink schema 2>&1) &&
    fail "AssumeRole with a wrong key succeeded"
assert_contains "$out" "STS AssumeRole" "bad STS key"
assert_contains "$out" "SignatureDoesNotMatch" "bad STS key"
[[ $out != *"$CANARY"* ]] || fail "the secret appears in the STS error: $out"
sl_log "ok: bad credentials"

# STS: credentials cached, refreshed after --sts-refresh-ms; a token the service has expired is
# replaced after the 401.
out=$(check_ok "${STS[@]}" --table kafka_sink --rounds 4 --sleep-ms 700 --sts-refresh-ms 1000 sts)
assert_contains "$out" "credential changes 1" "STS refresh"
assert_eq 2 "$(stat_of "$out" sts_fetches)" "STS fetches"
make_table up_sts
out=$(check_ok "${STS[@]}" --table up_sts --partition pt=p --create-partition --rows 100 upload)
rows_once up_sts "pt=p" 100
fault '{"action":"error","status":401,"code":"Unauthorized","message":"ODPS-0410051:Invalid credentials - the security token expired","route":"tunnel.upload_block"}'
out=$(check_ok "${STS[@]}" --table up_sts --partition pt=q --create-partition --rows 100 upload)
assert_eq 2 "$(stat_of "$out" sts_fetches)" "STS fetches after a 401"
rows_once up_sts "pt=q" 100
grep -q "CAIS" "$SL_TMPDIR/check.err" && fail "a security token was logged"
# The service's clock passes the token's expiry while the client still holds it: 401, refresh
# (a credential refresh is not a retry: it works with --retries 0).
check "${STS[@]}" --table kafka_sink --rounds 2 --sleep-ms 2500 --sts-refresh-ms 600000 \
    --retries 0 sts >"$SL_TMPDIR/expire.out" 2>&1 &
EXPIRE_PID=$!
sleep 1
admin POST clock '{"advance": 3700}' >/dev/null
wait "$EXPIRE_PID" || fail "STS after the token expired: $(cat "$SL_TMPDIR/expire.out")"
out=$(cat "$SL_TMPDIR/expire.out")
assert_contains "$out" "credential changes 1" "STS token expired by the service"
assert_eq 2 "$(stat_of "$out" sts_fetches)" "STS fetches after expiry"
sl_log "ok: STS"

# ---- streaming ------------------------------------------------------------------------------------
make_table st_ok
out=$(check_ok --table st_ok --partition pt=s --create-partition --rows 600 --packs 6 stream)
rows_once st_ok "pt=s" 600
make_table st_502
admin GET stats >/dev/null
fault '{"action":"error","status":502,"route":"tunnel.stream_write"}'
out=$(check_ok --table st_502 --partition pt=s --create-partition --rows 200 --packs 2 stream)
assert_eq 1 "$(stat_of "$out" stream_reloads)" "stream reload after 502"
rows_once st_502 "pt=s" 200
# M13: a pack applied but answered with 500 is sent again: at-least-once, one duplicate pack.
make_table st_dup
stats_reset
fault '{"action":"error","status":500,"phase":"after","route":"tunnel.stream_write"}'
out=$(check_ok --table st_dup --partition pt=s --create-partition --rows 200 --packs 2 stream)
assert_eq 1 "$(stat_of "$out" server)" "pack retries"
assert_eq 100 "$(emu_stat 'd["rows"]["duplicates"]')" "duplicated rows (one pack)"
assert_eq 300 "$(emu_stat 'd["rows"]["streamed"]')" "streamed rows"
sl_log "ok: streaming"

# ---- upsert -------------------------------------------------------------------------------------
out=$(check_ok --table pk_tab --rows 40 upsert)
assert_contains "$out" "upsert committed" "upsert"
"$SL_PYTHON" - "$MC_URL" <<'EOF' || fail "upsert result"
import json, sys, urllib.request
d = json.load(urllib.request.urlopen(sys.argv[1] + "/__admin/dump?project=test_project&table=pk_tab&format=json"))
got = {r["id"]: r["name"] for r in d["rows"]}
want = {i: ("b%d" if i < 20 else "a%d") % i for i in range(40) if i % 5}
if got != want:
    sys.exit("pk_tab: got %r, want %r" % (sorted(got.items())[:8], sorted(want.items())[:8]))
EOF
# M14: 308 on an upsert pack: the slot map is reloaded and the pack sent again.
sql "CREATE TABLE pk_308 (id BIGINT NOT NULL, name STRING, PRIMARY KEY (id))
     TBLPROPERTIES ('transactional'='true');"
stats_reset
fault '{"action":"error","status":308,"route":"tunnel.upsert_write"}'
out=$(check_ok --table pk_308 --rows 40 upsert)
assert_eq 1 "$(emu_stat 'd["requests"]["by_route"]["tunnel.upsert_reload"]["200"]')" \
    "upsert reload after 308"
rows=$(admin GET "dump?project=test_project&table=pk_308&format=json" |
    "$SL_PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["row_count"])')
assert_eq 32 "$rows" "rows of pk_308"
sl_log "ok: upsert"

# ---- TLS: an emulator with a private CA ---------------------------------------------------------
if command -v openssl >/dev/null 2>&1; then
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$SL_TMPDIR/key.pem" \
        -out "$SL_TMPDIR/cert.pem" -days 1 -subj /CN=127.0.0.1 \
        -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1 || fail "openssl req failed"
    "$SL_PYTHON" "$EMULATOR" --port 0 --tls-cert "$SL_TMPDIR/cert.pem" \
        --tls-key "$SL_TMPDIR/key.pem" --quiet >"$SL_TMPDIR/tls.url" 2>"$SL_TMPDIR/tls.err" &
    TLS_PID=$!
    sl_on_exit "sl_stop $TLS_PID 3"
    for ((i = 0; i < 100; i++)); do
        [[ -s $SL_TMPDIR/tls.url ]] && break
        sleep 0.1
    done
    TLS_URL=$(head -n 1 "$SL_TMPDIR/tls.url")
    [[ $TLS_URL == https://127.0.0.1:* ]] || fail "the TLS emulator printed no URL"
    curl -sS --cacert "$SL_TMPDIR/cert.pem" -X POST "$TLS_URL/__admin/sql?project=test_project" \
        --data-binary "CREATE TABLE t (id BIGINT, name STRING) PARTITIONED BY (pt STRING);" \
        >/dev/null
    TLS=(--endpoint "$TLS_URL/api" --access-id "$AK_ID" --access-key "$AK_SECRET" --table t)
    out=$(timeout 30 "$CHECK" "${TLS[@]}" --ca-file "$SL_TMPDIR/cert.pem" \
        --sts --sts-endpoint "${TLS_URL#https://}" --account-id 1 --role-name r --partition pt=1 \
        --create-partition --rows 50 upload 2>&1) || fail "upload over TLS: $out"
    assert_contains "$out" "committed session" "TLS upload"
    out=$(timeout 30 "$CHECK" "${TLS[@]}" --retries 0 schema 2>&1) &&
        fail "an untrusted certificate was accepted"
    assert_contains "$out" "certificate" "untrusted certificate"
    sl_log "ok: TLS with a private CA (STS over https)"
fi

# The emulator counts a BrokenPipeError while answering a request the client has abandoned on
# its read timeout (the slow-answer case) as an emulator bug; every other one is a real failure.
bugs=$((BUGS_SEEN + $(emu_stat 'd["emulator"]["bugs"]')))
pipes=$(grep -c '^BrokenPipeError' "$SL_TMPDIR/mc.log" || true)
((bugs == pipes)) ||
    fail "the emulator failed $bugs times: $(grep -A25 Traceback "$SL_TMPDIR/mc.log")"
sl_log "mc_client: all passed"
