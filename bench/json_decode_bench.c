/*
** bench/json_decode_bench.c — ns per record to decode the seed order record into 9 columns.
**
** Compares sluice's schema-directed JSON decoder (formats/json.c) with jansson's DOM parse
** (json_loadb) plus extracting the same 9 fields, converting the two amounts to double as the
** table's DOUBLE columns require. Each contender runs RUNS timed rounds of ITERS decodes; the
** median round is reported because the machine is shared and noisy. The batch arena is reset
** every 1024 records, as a source would do per batch.
**
** Build and run:
**   gcc -std=c11 -D_GNU_SOURCE -O2 -I. -Iinclude base/[a-z]*.c formats/[a-z]*.c \
**       bench/json_decode_bench.c -o /tmp/json_bench -ljansson -lm && /tmp/json_bench
**
** SPDX-License-Identifier: MIT
*/
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/schema.h"
#include "formats/json.h"

#define RUNS  9
#define ITERS 200000

static const char seed[] =
    "{\"order_id\":\"202303251202020001\", \"order_channel\":\"miniAppShop\", "
    "\"order_time\":\"2023-03-25 12:02:02\", \"pay_amount\":\"60.00\", \"real_pay\":\"60.00\", "
    "\"pay_time\":\"2023-03-25 12:03:00\", \"user_id\":\"0002\", \"user_name\":\"Bob\", "
    "\"area_id\":\"330110\"}";

static const char *const names[9] = {"order_id",   "order_channel", "order_time",
                                     "pay_amount", "real_pay",      "pay_time",
                                     "user_id",    "user_name",     "area_id"};

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static volatile size_t sink;

static double run_sluice(const sl_format_desc *fmt, sl_decoder *dec)
{
    sl_arena ar;
    sl_arena_init(&ar, 1 << 16);
    sl_value out[9];
    sl_err err = SL_ERR_INIT;
    size_t n = sizeof seed - 1;
    double t0 = now_ns();
    for (int i = 0; i < ITERS; i++) {
        if (fmt->decode(dec, seed, n, out, &ar, &err) != SL_OK) {
            fprintf(stderr, "decode failed: %s\n", err.msg);
            exit(1);
        }
        sink += out[3].n + out[8].n;
        if ((i & 1023) == 1023) sl_arena_reset(&ar);
    }
    double t = (now_ns() - t0) / ITERS;
    sl_arena_free(&ar);
    return t;
}

static double run_jansson(void)
{
    size_t n = sizeof seed - 1;
    double t0 = now_ns();
    for (int i = 0; i < ITERS; i++) {
        json_error_t jerr;
        json_t *root = json_loadb(seed, n, 0, &jerr);
        if (!root) {
            fprintf(stderr, "jansson failed: %s\n", jerr.text);
            exit(1);
        }
        size_t acc = 0;
        for (int f = 0; f < 9; f++) {
            json_t *v = json_object_get(root, names[f]);
            const char *s = json_string_value(v);
            if (f == 3 || f == 4)
                acc += (size_t)strtod(s, NULL);
            else
                acc += json_string_length(v);
        }
        sink += acc;
        json_decref(root);
    }
    return (now_ns() - t0) / ITERS;
}

int main(void)
{
    sl_type str = sl_type_string(), dbl = sl_type_make(SL_TYPE_DOUBLE);
    sl_type types[9] = {str, str, str, dbl, dbl, str, str, str, str};
    sl_optset opts = {0};
    sl_format_ctx ctx = {&opts, "json.", 9, names, types, "orders", 0};
    sl_decoder *dec = NULL;
    sl_err err = SL_ERR_INIT;
    if (sl_format_json.decoder_new(&ctx, &dec, &err) != SL_OK) {
        fprintf(stderr, "decoder_new: %s\n", err.msg);
        return 1;
    }
    double ours[RUNS], theirs[RUNS];
    for (int r = 0; r < RUNS; r++) {
        ours[r] = run_sluice(&sl_format_json, dec);
        theirs[r] = run_jansson();
    }
    qsort(ours, RUNS, sizeof(double), cmp_double);
    qsort(theirs, RUNS, sizeof(double), cmp_double);
    printf("record: %zu bytes, 9 columns (7 STRING, 2 DOUBLE from strings)\n", sizeof seed - 1);
    printf("sluice json decoder : median %7.1f ns/record (min %.1f, max %.1f)\n", ours[RUNS / 2],
           ours[0], ours[RUNS - 1]);
    printf("jansson json_loadb  : median %7.1f ns/record (min %.1f, max %.1f)\n", theirs[RUNS / 2],
           theirs[0], theirs[RUNS - 1]);
    printf("speed-up            : %.1fx\n", theirs[RUNS / 2] / ours[RUNS / 2]);
    sl_format_json.decoder_free(dec);
    return 0;
}
