#!/usr/bin/env bash
# tests/integration/example3_kerberos.sh — the seed's Example 3 (Kerberos, SASL_PLAINTEXT) and
# secret hygiene.
#
# There is no KDC here, so Example 3 cannot authenticate: the check is that its Java and
# DLI-specific properties are accepted and translated (unit-tested row by row in
# test_kafka_props), and that the job then fails fast with librdkafka's authentication error,
# not after a connection timeout. Then a canary password given through sasl.jaas.config must not
# appear anywhere in sluice's output, even with librdkafka's debug logging on.
#
# SPDX-License-Identifier: MIT

set -euo pipefail
SL_SOURCE_DIR=${SL_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# shellcheck source=tests/integration/lib.sh
source "$SL_SOURCE_DIR/tests/integration/lib.sh"
sl_tmpdir
mock_start --topic KafkaTopic:1

printf '[libdefaults]\n default_realm = EXAMPLE.COM\n' >"$SL_TMPDIR/krb5.conf"
printf 'placeholder keytab\n' >"$SL_TMPDIR/user.keytab"
start=$SECONDS
rc=0
timeout 60 "$SLUICE" run -D BOOTSTRAP_SERVERS="$BOOTSTRAP" -D KRB5="$SL_TMPDIR/krb5.conf" \
    -D KEYTAB="$SL_TMPDIR/user.keytab" -D PRINCIPAL=user@EXAMPLE.COM \
    "$SL_SOURCE_DIR/examples/upsert-kafka/example3.sql" >"$SL_TMPDIR/out" 2>"$SL_TMPDIR/err" ||
    rc=$?
assert_eq 1 "$rc" "example 3 exit code"
assert_contains "$(cat "$SL_TMPDIR/err")" "example3.sql:50:1: error: cannot connect to the Kafka cluster at $BOOTSTRAP"
assert_contains "$(cat "$SL_TMPDIR/err")" "SASL authentication"
assert_contains "$(cat "$SL_TMPDIR/err")" "(_AUTHENTICATION)"
((SECONDS - start < 20)) || fail "the authentication failure took $((SECONDS - start)) s to report"

# A Kerberos keytab on object storage (the page's obs:// paths) is refused at CREATE TABLE.
rc=0
"$SLUICE" run -D BOOTSTRAP_SERVERS="$BOOTSTRAP" -D KEYTAB=obs://xx/user.keytab \
    -D KRB5="$SL_TMPDIR/krb5.conf" "$SL_SOURCE_DIR/examples/upsert-kafka/example3.sql" \
    2>"$SL_TMPDIR/err2" || rc=$?
assert_eq 78 "$rc" "obs:// keytab (a configuration error)"
assert_contains "$(cat "$SL_TMPDIR/err2")" "example3.sql:32:"
assert_contains "$(cat "$SL_TMPDIR/err2")" "obs://"

# A secret given in the DDL never appears in output, logs or errors.
canary="CANARY-$RANDOM-$RANDOM"
cat >"$SL_TMPDIR/secret.sql" <<SQL
CREATE TABLE src (id STRING, v STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = 'KafkaTopic', 'properties.bootstrap.servers' = '$BOOTSTRAP',
  'key.format' = 'csv', 'value.format' = 'json',
  'properties.security.protocol' = 'SASL_PLAINTEXT', 'properties.sasl.mechanism' = 'PLAIN',
  'properties.sasl.jaas.config' = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="$canary";',
  'properties.debug' = 'security,broker,conf');
CREATE TABLE p (id STRING, v STRING) WITH ('connector' = 'print');
SHOW CREATE TABLE src;
EXPLAIN INSERT INTO p SELECT * FROM src;
INSERT INTO p SELECT * FROM src;
SQL
rc=0
timeout 60 "$SLUICE" run --log-level debug "$SL_TMPDIR/secret.sql" >"$SL_TMPDIR/s.out" \
    2>"$SL_TMPDIR/s.err" || rc=$?
assert_eq 1 "$rc" "the PLAIN job cannot authenticate against the mock"
assert_contains "$(cat "$SL_TMPDIR/s.out")" "'properties.sasl.jaas.config' = '******'"
if grep -q "$canary" "$SL_TMPDIR/s.out" "$SL_TMPDIR/s.err"; then
    grep -n "$canary" "$SL_TMPDIR/s.out" "$SL_TMPDIR/s.err" | head -5 >&2
    fail "the secret appeared in sluice's output"
fi
sl_log "example3_kerberos: all checks passed"
