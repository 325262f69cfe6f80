#!/usr/bin/env bash
# tests/integration/embed.sh — sluice as a library: `make install` into a temporary prefix (and a
# DESTDIR staging tree), the shared library exports exactly the SL_API functions of sluice.h, and
# examples/embed builds against the INSTALLED files through pkg-config (shared and static) and
# runs an upsert-kafka -> print job over the mock cluster, bounded, then unbounded until SIGTERM.
#
# SPDX-License-Identifier: MIT

set -euo pipefail
SL_SOURCE_DIR=${SL_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# shellcheck source=tests/integration/lib.sh
source "$SL_SOURCE_DIR/tests/integration/lib.sh"
sl_require make cc nm pkg-config
sl_tmpdir

# ---- make install PREFIX=... DESTDIR=... -------------------------------------------------------
prefix=$SL_TMPDIR/prefix
make -s -C "$SL_SOURCE_DIR" install BUILD="$SL_BUILD_DIR" PREFIX="$prefix" >"$SL_TMPDIR/install.log" 2>&1 ||
    fail "make install: $(tail -n 20 "$SL_TMPDIR/install.log")"
make -s -C "$SL_SOURCE_DIR" install BUILD="$SL_BUILD_DIR" PREFIX=/usr/local \
    DESTDIR="$SL_TMPDIR/stage" >>"$SL_TMPDIR/install.log" 2>&1 ||
    fail "make install DESTDIR: $(tail -n 20 "$SL_TMPDIR/install.log")"
libdir=$(PKG_CONFIG_PATH="$(dirname "$(find "$prefix" -name sluice.pc)")" pkg-config --variable=libdir sluice)
for f in bin/sluice include/sluice.h; do
    [[ -f "$prefix/$f" ]] || fail "not installed: $f"
    [[ -f "$SL_TMPDIR/stage/usr/local/$f" ]] || fail "not staged under DESTDIR: $f"
done
for f in libsluice.a libsluice.so libsluice.so.0 pkgconfig/sluice.pc; do
    [[ -e "$libdir/$f" ]] || fail "not installed: $libdir/$f"
done
[[ -z "$(find "$SL_TMPDIR/stage" -path '*/usr/local/*' -prune -o -type f -print)" ]] ||
    fail "DESTDIR staging wrote outside PREFIX"
"$prefix/bin/sluice" version | grep -q '^sluice ' || fail "the installed sluice does not run"

# ---- the shared library exports the public API and nothing else ---------------------------------
grep -oE '^SL_API [^(]*\(' "$prefix/include/sluice.h" | sed -E 's/.*[ *]([a-z_0-9]+)\($/\1/' |
    sort >"$SL_TMPDIR/api.txt"
nm -D --defined-only "$libdir/libsluice.so" | awk '{print $3}' | sort >"$SL_TMPDIR/exported.txt"
assert_eq "$(cat "$SL_TMPDIR/api.txt")" "$(cat "$SL_TMPDIR/exported.txt")" \
    "symbols exported by libsluice.so vs SL_API functions in sluice.h"
(($(wc -l <"$SL_TMPDIR/api.txt") > 20)) || fail "too few SL_API functions found: the check is broken"

# ---- build the example against the installation -----------------------------------------------
export PKG_CONFIG_PATH=$libdir/pkgconfig
# A sanitized build's library needs the sanitizer runtime in the program too (sluice.pc says so).
for kind in shared static; do
    rm -rf "$SL_TMPDIR/embed-$kind"
    cp -r "$SL_SOURCE_DIR/examples/embed" "$SL_TMPDIR/embed-$kind"
    make -s -C "$SL_TMPDIR/embed-$kind" STATIC=$([[ $kind == static ]] && echo 1 || echo 0) \
        >"$SL_TMPDIR/make-$kind.log" 2>&1 || fail "building embed ($kind): $(cat "$SL_TMPDIR/make-$kind.log")"
done
if readelf -d "$SL_TMPDIR/embed-static/embed" | grep -q 'libsluice\.so'; then
    fail "the static build links libsluice.so"
fi
readelf -d "$SL_TMPDIR/embed-shared/embed" | grep -q 'libsluice\.so\.0' ||
    fail "the shared build does not link libsluice.so.0"

# ---- run it: upsert-kafka -> print over the mock cluster ------------------------------------------
mock_start --topic orders:2
printf 'o1|{"id":"o1","amount":10}\no2|{"id":"o2","amount":20}\no1|{"id":"o1","amount":15}\no2|\n' |
    kafka_produce orders --key-sep '|'
job() { # job EXTRA-OPTIONS
    cat <<SQL
CREATE TABLE orders (id STRING, amount INT, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = 'orders', 'properties.bootstrap.servers' = '$BOOTSTRAP',
  'key.format' = 'raw', 'value.format' = 'json' $1);
CREATE TABLE shown (id STRING, amount INT) WITH ('connector' = 'print');
EXPLAIN INSERT INTO shown SELECT * FROM orders;
INSERT INTO shown SELECT * FROM orders;
SQL
}
job ", 'scan.bounded.mode' = 'latest-offset'" >"$SL_TMPDIR/bounded.sql"
expected=$(printf '%s\n' '+I(o1,10)' '+I(o2,20)' '-D(o2,20)' '-U(o1,10)' '+U(o1,15)' | sort)
for kind in shared static; do
    rc=0
    timeout 60 "$SL_TMPDIR/embed-$kind/embed" "$SL_TMPDIR/bounded.sql" >"$SL_TMPDIR/$kind.out" \
        2>"$SL_TMPDIR/$kind.err" || rc=$?
    assert_eq 0 "$rc" "embed ($kind) exit code ($(cat "$SL_TMPDIR/$kind.err"))"
    assert_contains "$(cat "$SL_TMPDIR/$kind.out")" "ChangelogNormalize" "EXPLAIN rows ($kind)"
    assert_eq "$expected" "$(grep -E '^[-+][IUD]\(' "$SL_TMPDIR/$kind.out" | sort)" "job output ($kind)"
    assert_contains "$(cat "$SL_TMPDIR/$kind.err")" \
        'sluice_records_in_total{job="insert-into_default_catalog.default_database.shown",table="default_catalog.default_database.orders"} 4' \
        "metrics through the API ($kind)"
done

# Unbounded: runs until SIGTERM, which the program turns into sl_interrupt; exit 0.
job "" >"$SL_TMPDIR/unbounded.sql"
sl_bg "$SL_TMPDIR/embed-shared/embed" "$SL_TMPDIR/unbounded.sql" >"$SL_TMPDIR/u.out" 2>"$SL_TMPDIR/u.err"
pid=$SL_BG_PID
for ((i = 0; i < 100; i++)); do
    (($(grep -cE '^[-+][IUD]\(' "$SL_TMPDIR/u.out" || true) >= 5)) && break
    sleep 0.1
done
rc=0
sl_stop "$pid" 20 || rc=$?
assert_eq 0 "$rc" "embed exit code after SIGTERM ($(cat "$SL_TMPDIR/u.err"))"
assert_eq "$expected" "$(grep -E '^[-+][IUD]\(' "$SL_TMPDIR/u.out" | sort)" "unbounded job output"
sl_log "embed: all checks passed"
