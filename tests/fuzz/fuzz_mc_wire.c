/*
** tests/fuzz/fuzz_mc_wire.c — libFuzzer target for the MaxCompute record codec.
**
** Input layout: byte 0 selects what the rest is.
**   bits 0-1  schema: 0 basic, 1 kafka_text_value, 2 alltypes (the golden vectors' schemas),
**             3 every type incl. CHAR/VARCHAR/TIMESTAMP_NTZ/intervals and deep nesting
**   bit 2     the rest is a zlib body: inflate it first (bounded to 4 MiB)
**   bit 3     the rest is a type string instead: parse, render, re-parse, re-render
**   bit 4     decode without comparing checksums (so mutated values reach every value decoder),
**             re-encode, then decode that strictly: same values, and a fixed point on re-encoding
** A stream that decodes must re-encode to exactly the same bytes (the decoder accepts only the
** canonical form), and a type string that parses must render to a fixed point. Either mismatch
** aborts, as does any sanitizer report.
**
** Build (from the repository root) and run with the seed corpus:
**   clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -I. -Iinclude \
**       base/[*].c connectors/maxcompute/[*].c tests/fuzz/fuzz_mc_wire.c -o /tmp/fuzz_mc_wire \
**       -lcrypto -lz -lm
**   /tmp/fuzz_mc_wire -max_total_time=300 /tmp/mc_corpus tests/fuzz/corpus/mc_wire
** (the [*] globs stand for slash-star, which a C comment cannot hold).
**
** SPDX-License-Identifier: MIT
*/
#include <stdio.h>
#include <stdlib.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/value.h"
#include "connectors/maxcompute/mctype.h"
#include "connectors/maxcompute/wire.h"

static const char *const decls[4] = {
    "id bigint, name string, score double, ok boolean, ts datetime",
    "topic string, partition bigint, offset bigint, insert_time bigint, value string",
    "c_bigint bigint, c_int int, c_smallint smallint, c_tinyint tinyint, c_double double, "
    "c_float float, c_boolean boolean, c_string string, c_binary binary, c_datetime datetime, "
    "c_date date, c_timestamp timestamp, c_decimal decimal(18,3), c_json json, "
    "c_array array<bigint>, c_map map<string,bigint>, c_struct struct<a:bigint,b:string>",
    "a tinyint, b smallint, c int, d float, e char(4), f varchar(10), g timestamp_ntz, "
    "h interval_year_month, i interval_day_time, j decimal, k date, "
    "l array<struct<t:timestamp,m:map<bigint,array<decimal(38,10)>>,s:struct<x:binary>>>, "
    "m map<string,array<map<int,struct<y:float,z:array<boolean>>>>>, "
    "n array<array<array<array<string>>>>, o json, p datetime",
};

static sl_arena schema_arena;
static sl_mc_schema schemas[4];
static int ready;

static void setup(void)
{
    sl_arena_init(&schema_arena, 0);
    for (int i = 0; i < 4; i++) {
        sl_err err = SL_ERR_INIT;
        if (sl_mc_schema_parse(&schema_arena, decls[i], &schemas[i], &err) != SL_OK) {
            fprintf(stderr, "fuzz setup: %s\n", err.msg);
            abort();
        }
    }
    ready = 1;
}

static void fuzz_type(const uint8_t *data, size_t size)
{
    sl_arena ar;
    sl_arena_init(&ar, 0);
    sl_err err = SL_ERR_INIT;
    const sl_mc_type *t;
    if (sl_mc_type_parse(&ar, (const char *)data, size, &t, &err) == SL_OK) {
        sl_buf r1 = SL_BUF_INIT, r2 = SL_BUF_INIT;
        sl_mc_type_render(&r1, t);
        const sl_mc_type *t2;
        if (sl_mc_type_parse(&ar, r1.p, r1.n, &t2, &err) != SL_OK) {
            fprintf(stderr, "rendered type does not parse: %s (%s)\n", r1.p, err.msg);
            abort();
        }
        sl_mc_type_render(&r2, t2);
        if (r1.n != r2.n || memcmp(r1.p, r2.p, r1.n) != 0) {
            fprintf(stderr, "render not a fixed point: %s vs %s\n", r1.p, r2.p);
            abort();
        }
        sl_buf_free(&r1);
        sl_buf_free(&r2);
    }
    sl_arena_free(&ar);
}

static void reencode(const sl_mc_schema *s, const sl_value *rows, size_t nrows, sl_buf *out)
{
    sl_mc_writer w;
    sl_err err = SL_ERR_INIT;
    if (sl_mc_writer_init(&w, s, NULL, out, &err) != SL_OK) abort();
    for (size_t r = 0; r < nrows; r++) {
        if (sl_mc_write_record(&w, rows + r * (size_t)s->ncol, s->ncol, &err) != SL_OK) {
            fprintf(stderr, "decoded row %zu does not re-encode: %s\n", r, err.msg);
            abort();
        }
    }
    if (sl_mc_writer_finish(&w, &err) != SL_OK) abort();
    sl_mc_writer_free(&w);
}

/* Checksums ignored: whatever decodes must re-encode into a stream that decodes strictly. */
static void fuzz_lenient(const sl_mc_schema *s, const uint8_t *data, size_t size)
{
    sl_arena ar;
    sl_arena_init(&ar, 0);
    sl_buf acc = SL_BUF_INIT;
    size_t row_bytes = (size_t)s->ncol * sizeof(sl_value), nrows = 0;
    sl_mc_reader r;
    sl_mc_reader_init(&r, s, data, size);
    r.skip_checksums = 1;
    sl_err err = SL_ERR_INIT;
    int rc;
    for (;;) {
        sl_buf_reserve(&acc, row_bytes);
        rc = sl_mc_reader_next(&r, &ar, (sl_value *)(void *)(acc.p + acc.n), &err);
        if (rc != SL_ROW) break;
        acc.n += row_bytes;
        nrows++;
    }
    if (rc == SL_DONE) {
        const sl_value *rows = (const sl_value *)(const void *)acc.p;
        sl_buf y = SL_BUF_INIT, z = SL_BUF_INIT;
        reencode(s, rows, nrows, &y);
        sl_value *rows2 = NULL;
        size_t nrows2 = 0;
        sl_err_clear(&err);
        if (sl_mc_decode(s, y.p, y.n, &ar, &rows2, &nrows2, &err) != SL_OK || nrows2 != nrows) {
            fprintf(stderr, "re-encoded stream does not decode: %s\n", err.msg);
            abort();
        }
        for (size_t i = 0; i < nrows * (size_t)s->ncol; i++) {
            if (!sl_value_equal(&rows[i], &rows2[i])) {
                fprintf(stderr, "value %zu changed through encode/decode\n", i);
                abort();
            }
        }
        reencode(s, rows2, nrows2, &z);
        if (y.n != z.n || memcmp(y.p, z.p, y.n) != 0) abort();
        sl_buf_free(&y);
        sl_buf_free(&z);
    }
    sl_buf_free(&acc);
    sl_arena_free(&ar);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ready) setup();
    if (size < 1) return 0;
    uint8_t mode = data[0];
    data++;
    size--;
    if (mode & 0x08) {
        fuzz_type(data, size);
        return 0;
    }
    const sl_mc_schema *s = &schemas[mode & 3];
    sl_buf inflated = SL_BUF_INIT;
    sl_err err = SL_ERR_INIT;
    if (mode & 0x04) {
        if (sl_mc_inflate(data, size, (size_t)4 << 20, &inflated, &err) != SL_OK) {
            sl_buf_free(&inflated);
            return 0;
        }
        data = (const uint8_t *)inflated.p;
        size = inflated.n;
    }
    if (mode & 0x10) {
        fuzz_lenient(s, data, size);
        sl_buf_free(&inflated);
        return 0;
    }
    sl_arena ar;
    sl_arena_init(&ar, 0);
    sl_value *rows = NULL;
    size_t nrows = 0;
    if (sl_mc_decode(s, data, size, &ar, &rows, &nrows, &err) == SL_OK) {
        sl_buf out = SL_BUF_INIT;
        reencode(s, rows, nrows, &out);
        if (out.n != size || memcmp(out.p, data, size) != 0) {
            fprintf(stderr, "re-encoded stream differs (%zu vs %zu bytes)\n", out.n, size);
            abort();
        }
        sl_buf_free(&out);
    }
    sl_arena_free(&ar);
    sl_buf_free(&inflated);
    return 0;
}
