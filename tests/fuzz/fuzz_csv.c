/*
** tests/fuzz/fuzz_csv.c — libFuzzer target for the 'csv' format.
**
** Decodes arbitrary bytes against a fixed schema of every type CSV supports. The first byte
** picks the options (ignore-parse-errors, allow-comments, an escape character, a null
** literal). A row that decodes must encode. CSV cannot always carry a value unchanged (an array
** element holding the array delimiter, a NULL number without a null literal reads back as an
** empty, unparsable field, as in Flink), so with a null literal configured the property checked
** is that one more decode/encode cycle reproduces the same text.
**
** Build: clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -I. -Iinclude
**        base/[a-z]*.c formats/[a-z]*.c tests/fuzz/fuzz_csv.c -o /tmp/fuzz_csv -lm
** Run:   /tmp/fuzz_csv -max_total_time=300 tests/fuzz/corpus/csv
**
** SPDX-License-Identifier: MIT
*/
#include <stdio.h>
#include <stdlib.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/schema.h"
#include "formats/csv.h"

#define NCOL 12

static sl_type g_types[NCOL];
static const char *const g_names[NCOL] = {"s",  "i",  "t",  "d",  "f",   "dc",
                                          "bo", "dt", "tm", "ts", "arr", "row"};
static sl_decoder *g_dec[16];
static sl_encoder *g_enc[16];

static void build_schema(void)
{
    static sl_type as;
    static sl_field fields[3];
    g_types[0] = sl_type_string();
    g_types[1] = sl_type_make(SL_TYPE_INT);
    g_types[2] = sl_type_make(SL_TYPE_TINYINT);
    g_types[3] = sl_type_make(SL_TYPE_DOUBLE);
    g_types[4] = sl_type_make(SL_TYPE_FLOAT);
    g_types[5] = sl_type_decimal(20, 4);
    g_types[6] = sl_type_make(SL_TYPE_BOOLEAN);
    g_types[7] = sl_type_make(SL_TYPE_DATE);
    g_types[8] = sl_type_make(SL_TYPE_TIME);
    g_types[8].precision = 3;
    g_types[9] = sl_type_timestamp(SL_TYPE_TIMESTAMP, 9);
    as = sl_type_string();
    g_types[10] = sl_type_make(SL_TYPE_ARRAY);
    g_types[10].elem = &as;
    fields[0].name = "a";
    fields[0].type = sl_type_make(SL_TYPE_BIGINT);
    fields[1].name = "b";
    fields[1].type = sl_type_make(SL_TYPE_VARBINARY);
    fields[2].name = "c";
    fields[2].type = sl_type_timestamp(SL_TYPE_TIMESTAMP_LTZ, 3);
    g_types[11] = sl_type_make(SL_TYPE_ROW);
    g_types[11].fields = fields;
    g_types[11].nfields = 3;
}

static void make_codecs(int variant)
{
    static sl_opt items[16][6];
    static sl_optset os[16];
    int n = 0;
    if (variant & 1) items[variant][n++] = (sl_opt){"csv.ignore-parse-errors", "true"};
    if (variant & 2) items[variant][n++] = (sl_opt){"csv.allow-comments", "true"};
    if (variant & 4) items[variant][n++] = (sl_opt){"csv.escape-character", "\\"};
    if (variant & 8) {
        items[variant][n++] = (sl_opt){"csv.null-literal", "null"};
        items[variant][n++] = (sl_opt){"csv.field-delimiter", "|"};
    }
    os[variant].n = n;
    os[variant].items = items[variant];
    sl_format_ctx ctx = {&os[variant], "csv.", NCOL, g_names, g_types, "fuzz", 0};
    sl_err err = SL_ERR_INIT;
    if (sl_format_csv.decoder_new(&ctx, &g_dec[variant], &err) ||
        sl_format_csv.encoder_new(&ctx, &g_enc[variant], &err)) {
        fprintf(stderr, "codec setup failed: %s\n", err.msg);
        abort();
    }
}

/* Encode row, decode the text again and encode that; both texts must be equal. */
static void check_cycle(int variant, const sl_value *row, sl_arena *ar, int reread)
{
    sl_buf a = SL_BUF_INIT, b = SL_BUF_INIT;
    sl_err err = SL_ERR_INIT;
    if (sl_format_csv.encode(g_enc[variant], row, &a, &err) != SL_OK) {
        fprintf(stderr, "encode failed: %s\n", err.msg);
        abort();
    }
    if (!reread) goto out;
    sl_value again[NCOL];
    int v2 = variant & ~3; /* no ignoring, no comments on the re-read */
    int rc = sl_format_csv.decode(g_dec[v2], a.p ? a.p : "", a.n, again, ar, &err);
    if (rc == SL_DONE && a.n == 0) goto out; /* a row that encodes to nothing */
    if (rc != SL_OK) {
        fprintf(stderr, "re-decode failed: %s\n[%s]\n", err.msg, a.p);
        abort();
    }
    if (sl_format_csv.encode(g_enc[variant], again, &b, &err) != SL_OK) abort();
    if (a.n != b.n || memcmp(a.p, b.p, a.n) != 0) {
        fprintf(stderr, "encoding is not stable:\n[%s]\n[%s]\n", a.p, b.p);
        abort();
    }
out:
    sl_buf_free(&a);
    sl_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        build_schema();
        for (int v = 0; v < 16; v++) make_codecs(v);
        ready = 1;
    }
    if (size == 0) return 0;
    int variant = data[0] & 15;
    sl_arena ar;
    sl_arena_init(&ar, 4096);
    sl_value row[NCOL];
    sl_err err = SL_ERR_INIT;
    int rc = sl_format_csv.decode(g_dec[variant], (const char *)data + 1, size - 1, row, &ar, &err);
    if (rc != SL_OK && rc != SL_DONE && rc != SL_DATA) abort();
    if (rc == SL_DATA && err.code != SL_DATA) abort();
    if (rc == SL_OK) check_cycle(variant, row, &ar, (variant & 8) != 0);
    sl_arena_free(&ar);
    return 0;
}
