/*
** tests/fuzz/fuzz_avro.c — libFuzzer target for the 'avro' and 'avro-confluent' decoders.
**
** The first byte picks the path:
**   bit 0 clear  'avro': the rest is decoded with a fixed reader schema that has every column
**                type, nested containers included (bit 1 picks the non-legacy timestamp
**                mapping, which admits TIMESTAMP(6)/(9) and TIMESTAMP_LTZ);
**   bit 0 set    'avro-confluent': the rest is framed as 0x00 + a schema id chosen by bits 1-2
**                and decoded through schema resolution against one of a few seeded writer
**                schemas (promotions, skipped fields, enums, fixed, a recursive record, unions
**                in both directions), so no registry is contacted.
**   0xFE         the rest is Avro schema JSON (a writer schema from a registry is untrusted
**                input too): if it parses, its canonical text must parse to the same text, and
**                it is resolved against the reader schema in a fresh 'avro-confluent' decoder.
** Any row that decodes must encode with 'avro', and that encoding must decode back to an equal
** row.
**
** Build: clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -I. -Iinclude
**        base/[a-z]*.c formats/[a-z]*.c tests/fuzz/fuzz_avro.c -o /tmp/fuzz_avro -lm -ljansson
**        -lcurl
** Run:   /tmp/fuzz_avro -max_total_time=300 tests/fuzz/corpus/avro
**
** SPDX-License-Identifier: MIT
*/
#include <stdio.h>
#include <stdlib.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/schema.h"
#include "formats/avro.h"
#include "formats/avro_schema.h"

#define NCOL 19

static sl_type g_types[2][NCOL];
static const char *const g_names[NCOL] = {"bo", "ti", "si",  "i",   "bi", "f",  "d",
                                          "dc", "dw", "s",   "c",   "by", "dt", "tm",
                                          "ts", "lz", "arr", "map", "row"};
static sl_decoder *g_dec[2], *g_cdec;
static sl_encoder *g_enc[2];

/* Writer schemas for the confluent path; field names match the reader's where they resolve. */
static const char *const g_writers[4] = {
    /* 1: promotions and reordering */
    "{\"type\":\"record\",\"name\":\"W1\",\"fields\":["
    "{\"name\":\"row\",\"type\":[\"null\",{\"type\":\"record\",\"name\":\"R\",\"fields\":["
    "{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"n\",\"type\":{\"type\":\"array\","
    "\"items\":{\"type\":\"record\",\"name\":\"X\",\"fields\":[{\"name\":\"x\",\"type\":"
    "\"int\"}]}}}]}]},"
    "{\"name\":\"bi\",\"type\":\"int\"},{\"name\":\"d\",\"type\":\"float\"},"
    "{\"name\":\"f\",\"type\":\"long\"},{\"name\":\"s\",\"type\":\"bytes\"},"
    "{\"name\":\"by\",\"type\":\"string\"},"
    "{\"name\":\"map\",\"type\":{\"type\":\"map\",\"values\":[\"double\",\"null\"]}}]}",
    /* 2: fields the reader lacks (skipped), enum and fixed */
    "{\"type\":\"record\",\"name\":\"W2\",\"fields\":["
    "{\"name\":\"gone\",\"type\":[\"null\",\"int\",\"string\",{\"type\":\"map\",\"values\":"
    "{\"type\":\"array\",\"items\":\"long\"}}]},"
    "{\"name\":\"s\",\"type\":{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\",\"C\"]}},"
    "{\"name\":\"by\",\"type\":{\"type\":\"fixed\",\"name\":\"F\",\"size\":3}},"
    "{\"name\":\"dc\",\"type\":{\"type\":\"fixed\",\"name\":\"D\",\"size\":5,\"logicalType\":"
    "\"decimal\",\"precision\":10,\"scale\":3}},"
    "{\"name\":\"ts\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}},"
    "{\"name\":\"tm\",\"type\":{\"type\":\"long\",\"logicalType\":\"time-micros\"}}]}",
    /* 3: a recursive record, skipped */
    "{\"type\":\"record\",\"name\":\"W3\",\"fields\":["
    "{\"name\":\"i\",\"type\":[\"int\",\"null\"]},"
    "{\"name\":\"tree\",\"type\":{\"type\":\"record\",\"name\":\"T\",\"fields\":["
    "{\"name\":\"kids\",\"type\":{\"type\":\"array\",\"items\":\"T\"}},"
    "{\"name\":\"v\",\"type\":\"double\"}]}},"
    "{\"name\":\"arr\",\"type\":[\"null\",{\"type\":\"array\",\"items\":[\"null\","
    "{\"type\":\"record\",\"name\":\"E2\",\"fields\":[{\"name\":\"n\",\"type\":{\"type\":"
    "\"array\",\"items\":{\"type\":\"record\",\"name\":\"R2\",\"fields\":[{\"name\":"
    "\"x\",\"type\":\"int\"}]}}}]}]}]}]}",
    /* 4: empty record: every reader field takes its default */
    ("{\"type\":\"record\",\"name\":\"W4\",\"fields\":[{\"name\":\"z\",\"type\":{\"type\":"
     "\"array\",\"items\":\"null\"}}]}"),
};

static void build_schema(void)
{
    static sl_type mk, mv, nx, narr, nrow, el, bin;
    static sl_field inner[1], fields[3];
    for (int v = 0; v < 2; v++) {
        sl_type *t = g_types[v];
        t[0] = sl_type_make(SL_TYPE_BOOLEAN);
        t[1] = sl_type_make(SL_TYPE_TINYINT);
        t[2] = sl_type_make(SL_TYPE_SMALLINT);
        t[3] = sl_type_make(SL_TYPE_INT);
        t[4] = sl_type_make(SL_TYPE_BIGINT);
        t[5] = sl_type_make(SL_TYPE_FLOAT);
        t[6] = sl_type_make(SL_TYPE_DOUBLE);
        t[7] = sl_type_decimal(10, 3);
        t[8] = sl_type_decimal(38, 10);
        t[9] = sl_type_string();
        bin = sl_type_make(SL_TYPE_CHAR);
        bin.length = 4;
        t[10] = bin;
        t[11] = sl_type_make(SL_TYPE_VARBINARY);
        t[12] = sl_type_make(SL_TYPE_DATE);
        t[13] = sl_type_make(SL_TYPE_TIME);
        t[13].precision = 3;
        t[14] = sl_type_timestamp(SL_TYPE_TIMESTAMP, v ? 9 : 3);
        t[15] = v ? sl_type_timestamp(SL_TYPE_TIMESTAMP_LTZ, 6) : sl_type_make(SL_TYPE_DATE);
        nx = sl_type_make(SL_TYPE_INT);
        nx.not_null = 1;
        inner[0].name = "x";
        inner[0].type = nx;
        nrow = sl_type_make(SL_TYPE_ROW);
        nrow.fields = inner;
        nrow.nfields = 1;
        narr = sl_type_make(SL_TYPE_ARRAY);
        narr.elem = &nrow;
        el = sl_type_make(SL_TYPE_ROW);
        el.fields = fields + 1;
        el.nfields = 1;
        t[16] = sl_type_make(SL_TYPE_ARRAY);
        t[16].elem = &el;
        mk = sl_type_string();
        mv = sl_type_make(SL_TYPE_DOUBLE);
        t[17] = sl_type_make(SL_TYPE_MAP);
        t[17].elem = &mk;
        t[17].val = &mv;
        fields[0].name = "a";
        fields[0].type = sl_type_string();
        fields[1].name = "n";
        fields[1].type = narr;
        fields[2].name = "s";
        fields[2].type = sl_type_string();
        t[18] = sl_type_make(SL_TYPE_ROW);
        t[18].fields = fields;
        t[18].nfields = 3;
    }
}

static void make_codecs(void)
{
    static sl_opt items[2][1] = {{{"avro.timestamp_mapping.legacy", "true"}},
                                 {{"avro.timestamp_mapping.legacy", "false"}}};
    static sl_optset os[2];
    static sl_opt citems[1] = {{"avro-confluent.url", "http://127.0.0.1:1"}};
    static sl_optset cos = {1, citems, 0, 0};
    sl_err err = SL_ERR_INIT;
    for (int v = 0; v < 2; v++) {
        os[v].n = 1;
        os[v].items = items[v];
        sl_format_ctx ctx = {&os[v], "avro.", NCOL, g_names, g_types[v], "fuzz", 0};
        if (sl_format_avro.decoder_new(&ctx, &g_dec[v], &err) ||
            sl_format_avro.encoder_new(&ctx, &g_enc[v], &err)) {
            fprintf(stderr, "codec setup failed: %s\n", err.msg);
            abort();
        }
    }
    sl_format_ctx cctx = {&cos, "avro-confluent.", NCOL, g_names, g_types[0], "fuzz", 0};
    if (sl_format_avro_confluent.decoder_new(&cctx, &g_cdec, &err)) {
        fprintf(stderr, "confluent setup failed: %s\n", err.msg);
        abort();
    }
    for (int i = 0; i < 4; i++) {
        sl_err_clear(&err);
        if (sl_avro_confluent_seed_schema(g_cdec, (uint32_t)i + 1, g_writers[i], &err)) {
            fprintf(stderr, "writer schema %d does not resolve: %s\n", i + 1, err.msg);
            abort();
        }
    }
}

static void fuzz_schema(const char *text, size_t n)
{
    sl_arena ar;
    sl_arena_init(&ar, 4096);
    sl_avro_schema *s, *s2;
    sl_err err = SL_ERR_INIT;
    if (sl_avro_schema_parse(&ar, text, n, &s, &err) == SL_OK) {
        sl_buf a = SL_BUF_INIT, b = SL_BUF_INIT;
        sl_avro_schema_json(&a, s);
        sl_err e2 = SL_ERR_INIT;
        if (sl_avro_schema_parse(&ar, a.p, a.n, &s2, &e2) != SL_OK) {
            fprintf(stderr, "canonical text does not parse: %s\n%s\n", e2.msg, a.p);
            abort();
        }
        sl_avro_schema_json(&b, s2);
        if (a.n != b.n || memcmp(a.p, b.p, a.n) != 0) {
            fprintf(stderr, "canonical text is not stable:\n%s\n%s\n", a.p, b.p);
            abort();
        }
        static sl_opt citems[1] = {{"avro-confluent.url", "http://127.0.0.1:1"}};
        static sl_optset cos = {1, citems, 0, 0};
        sl_format_ctx cctx = {&cos, "avro-confluent.", NCOL, g_names, g_types[0], "fuzz", 0};
        sl_decoder *d;
        sl_err e3 = SL_ERR_INIT;
        if (sl_format_avro_confluent.decoder_new(&cctx, &d, &e3)) abort();
        int rc = sl_avro_confluent_seed_schema(d, 1, a.p, &e3);
        if (rc != SL_OK && rc != SL_DATA) abort();
        sl_format_avro_confluent.decoder_free(d);
        sl_buf_free(&a);
        sl_buf_free(&b);
    } else if (err.code != SL_CONFIG) {
        abort();
    }
    sl_arena_free(&ar);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        build_schema();
        make_codecs();
        ready = 1;
    }
    if (size == 0) return 0;
    if (data[0] == 0xFE) {
        fuzz_schema((const char *)data + 1, size - 1);
        return 0;
    }
    int confluent = data[0] & 1;
    int v = confluent ? 0 : (data[0] >> 1) & 1;
    sl_arena ar;
    sl_arena_init(&ar, 4096);
    sl_value row[NCOL], again[NCOL];
    sl_err err = SL_ERR_INIT;
    int rc;
    if (confluent) {
        /* decoded strings point into msg: it lives until the round trip is done */
        uint8_t *msg = malloc(size + 4);
        msg[0] = 0;
        msg[1] = msg[2] = msg[3] = 0;
        msg[4] = (uint8_t)(((data[0] >> 1) & 3) + 1);
        memcpy(msg + 5, data + 1, size - 1);
        rc = sl_format_avro_confluent.decode(g_cdec, (const char *)msg, size + 4, row, &ar, &err);
        if (rc == SL_OK) {
            sl_buf out = SL_BUF_INIT;
            sl_err eerr = SL_ERR_INIT;
            if (sl_format_avro.encode(g_enc[0], row, &out, &eerr) != SL_OK) {
                fprintf(stderr, "encode failed: %s\n", eerr.msg);
                abort();
            }
            sl_err derr = SL_ERR_INIT;
            if (sl_format_avro.decode(g_dec[0], out.p, out.n, again, &ar, &derr) != SL_OK) {
                fprintf(stderr, "re-decode failed: %s\n", derr.msg);
                abort();
            }
            for (int i = 0; i < NCOL; i++)
                if (!sl_value_equal(&row[i], &again[i])) {
                    fprintf(stderr, "column %s differs after a round trip\n", g_names[i]);
                    abort();
                }
            sl_buf_free(&out);
        }
        free(msg);
    } else {
        rc = sl_format_avro.decode(g_dec[v], (const char *)data + 1, size - 1, row, &ar, &err);
        if (rc == SL_OK) {
            sl_buf out = SL_BUF_INIT;
            sl_err eerr = SL_ERR_INIT;
            if (sl_format_avro.encode(g_enc[v], row, &out, &eerr) != SL_OK) {
                fprintf(stderr, "encode failed: %s\n", eerr.msg);
                abort();
            }
            sl_err derr = SL_ERR_INIT;
            if (sl_format_avro.decode(g_dec[v], out.p, out.n, again, &ar, &derr) != SL_OK) {
                fprintf(stderr, "re-decode failed: %s\n", derr.msg);
                abort();
            }
            for (int i = 0; i < NCOL; i++)
                if (!sl_value_equal(&row[i], &again[i])) {
                    fprintf(stderr, "column %s differs after a round trip\n", g_names[i]);
                    abort();
                }
            sl_buf_free(&out);
        }
    }
    if (rc != SL_OK && rc != SL_DATA) abort();
    if (rc == SL_DATA && err.code != SL_DATA) abort();
    sl_arena_free(&ar);
    return 0;
}
