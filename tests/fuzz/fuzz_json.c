/*
** tests/fuzz/fuzz_json.c — libFuzzer target for the 'json' format.
**
** Decodes arbitrary bytes against a fixed schema that has every column type, nested containers
** included. The first byte picks the options (ignore-parse-errors, ISO-8601 timestamps, the
** legacy parser switch). Any row that decodes must encode, and the encoding must decode back
** to an equal row: that checks the encoder's escaping, number and date forms against the
** decoder's grammar on inputs nobody wrote by hand.
**
** Build: clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -I. -Iinclude
**        base/[a-z]*.c formats/[a-z]*.c tests/fuzz/fuzz_json.c -o /tmp/fuzz_json -lm
** Run:   /tmp/fuzz_json -max_total_time=300 tests/fuzz/corpus/json
**
** SPDX-License-Identifier: MIT
*/
#include <stdio.h>
#include <stdlib.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/schema.h"
#include "formats/json.h"

#define NCOL 17

static sl_type g_types[NCOL];
static const char *const g_names[NCOL] = {"s",  "i",  "b",  "t",  "d",  "f",   "bo",  "dc", "dw",
                                          "by", "dt", "tm", "ts", "lz", "arr", "map", "row"};
static sl_decoder *g_dec[8];
static sl_encoder *g_enc[8];

static void build_schema(void)
{
    static sl_type ai, mk, mv, nx, narr, nrow;
    static sl_field inner[1], fields[3];
    g_types[0] = sl_type_string();
    g_types[1] = sl_type_make(SL_TYPE_INT);
    g_types[2] = sl_type_make(SL_TYPE_BIGINT);
    g_types[3] = sl_type_make(SL_TYPE_TINYINT);
    g_types[4] = sl_type_make(SL_TYPE_DOUBLE);
    g_types[5] = sl_type_make(SL_TYPE_FLOAT);
    g_types[6] = sl_type_make(SL_TYPE_BOOLEAN);
    g_types[7] = sl_type_decimal(10, 3);
    g_types[8] = sl_type_decimal(38, 10);
    g_types[9] = sl_type_make(SL_TYPE_VARBINARY);
    g_types[10] = sl_type_make(SL_TYPE_DATE);
    g_types[11] = sl_type_make(SL_TYPE_TIME); /* TIME(0): the encoder writes whole seconds */
    g_types[12] = sl_type_timestamp(SL_TYPE_TIMESTAMP, 9);
    g_types[13] = sl_type_timestamp(SL_TYPE_TIMESTAMP_LTZ, 3);
    ai = sl_type_make(SL_TYPE_INT);
    g_types[14] = sl_type_make(SL_TYPE_ARRAY);
    g_types[14].elem = &ai;
    mk = sl_type_string();
    mv = sl_type_make(SL_TYPE_DOUBLE);
    g_types[15] = sl_type_make(SL_TYPE_MAP);
    g_types[15].elem = &mk;
    g_types[15].val = &mv;
    nx = sl_type_make(SL_TYPE_BIGINT);
    inner[0].name = "x";
    inner[0].type = nx;
    nrow = sl_type_make(SL_TYPE_ROW);
    nrow.fields = inner;
    nrow.nfields = 1;
    narr = sl_type_make(SL_TYPE_ARRAY);
    narr.elem = &nrow;
    fields[0].name = "a";
    fields[0].type = sl_type_string();
    fields[1].name = "n";
    fields[1].type = narr;
    fields[2].name = "s";
    fields[2].type = sl_type_string();
    g_types[16] = sl_type_make(SL_TYPE_ROW);
    g_types[16].fields = fields;
    g_types[16].nfields = 3;
}

static void make_codecs(int variant)
{
    static sl_opt items[8][4];
    static sl_optset os[8];
    int n = 0;
    if (variant & 1) items[variant][n++] = (sl_opt){"json.ignore-parse-errors", "true"};
    if (variant & 2) items[variant][n++] = (sl_opt){"json.timestamp-format.standard", "ISO-8601"};
    if (variant & 4) items[variant][n++] = (sl_opt){"json.decode.json-parser.enabled", "false"};
    os[variant].n = n;
    os[variant].items = items[variant];
    sl_format_ctx ctx = {&os[variant], "json.", NCOL, g_names, g_types, "fuzz", 0};
    sl_err err = SL_ERR_INIT;
    if (sl_format_json.decoder_new(&ctx, &g_dec[variant], &err) ||
        sl_format_json.encoder_new(&ctx, &g_enc[variant], &err)) {
        fprintf(stderr, "codec setup failed: %s\n", err.msg);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        build_schema();
        for (int v = 0; v < 8; v++) make_codecs(v);
        ready = 1;
    }
    if (size == 0) return 0;
    int variant = data[0] & 7;
    const char *msg = (const char *)data + 1;
    size_t n = size - 1;

    sl_arena ar;
    sl_arena_init(&ar, 4096);
    sl_value row[NCOL], again[NCOL];
    sl_err err = SL_ERR_INIT;
    int rc = sl_format_json.decode(g_dec[variant], msg, n, row, &ar, &err);
    if (rc != SL_OK && rc != SL_DONE && rc != SL_DATA) abort();
    if (rc == SL_DATA && err.code != SL_DATA) abort();
    if (rc == SL_OK) {
        sl_buf out = SL_BUF_INIT;
        sl_err eerr = SL_ERR_INIT;
        if (sl_format_json.encode(g_enc[variant], row, &out, &eerr) != SL_OK) {
            fprintf(stderr, "encode failed: %s\n", eerr.msg);
            abort();
        }
        sl_err derr = SL_ERR_INIT;
        /* The re-read must not depend on ignore-parse-errors hiding a problem. */
        int v2 = variant & ~1;
        if (sl_format_json.decode(g_dec[v2], out.p, out.n, again, &ar, &derr) != SL_OK) {
            fprintf(stderr, "re-decode failed: %s\n%s\n", derr.msg, out.p);
            abort();
        }
        for (int i = 0; i < NCOL; i++) {
            if (!sl_value_equal(&row[i], &again[i])) {
                fprintf(stderr, "column %s differs after a round trip: %s\n", g_names[i], out.p);
                abort();
            }
        }
        sl_buf_free(&out);
    }
    sl_arena_free(&ar);
    return 0;
}
