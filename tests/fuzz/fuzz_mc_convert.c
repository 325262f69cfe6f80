/*
** tests/fuzz/fuzz_mc_convert.c — libFuzzer target for the maxcompute sink's record conversion.
**
** Byte 0 picks the conversion: bits 0-2 the format (value % 5: TEXT, BINARY, CSV, JSON,
** FLATTEN), bit 3 mode KEY instead of VALUE, bit 4 mode DEFAULT for TEXT and BINARY, bit 5 a
** NULL record timestamp, bit 6 a NULL key/value. The rest is the key and the value. Zone:
** Europe/Berlin, so DATETIME/TIMESTAMP text crosses DST gaps and overlaps.
**
** Properties: conversion returns SL_OK or SL_DATA with a message, never crashes; a converted row
** is accepted by the record writer (every value has the tag and range its column needs); text
** columns hold valid UTF-8; every JSON column value (FLATTEN writes nested values as canonical
** JSON) is itself accepted as a JSON record value, and canonical text is a fixed point.
**
** Build: make fuzz (clang, -fsanitize=fuzzer), or by hand from the repository root:
**   clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -I. -Iinclude \
**       base/[*].c formats/[*].c connectors/maxcompute/[*].c tests/fuzz/fuzz_mc_convert.c \
**       -o /tmp/fuzz_mc_convert -lcrypto -lz -lm
**   /tmp/fuzz_mc_convert -max_total_time=60 /tmp/mcc_corpus tests/fuzz/corpus/mc_convert
** (the [*] globs stand for slash-star, which a C comment cannot hold).
**
** SPDX-License-Identifier: MIT
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/value.h"
#include "connectors/maxcompute/convert.h"
#include "connectors/maxcompute/mctype.h"
#include "connectors/maxcompute/ptime.h"
#include "connectors/maxcompute/wire.h"
#include "formats/fmtutil.h"

static const char *const decl_text =
    "topic string, partition bigint, offset bigint, insert_time datetime, a bigint, b string, "
    "c double, d decimal(10,2), e boolean, f date, g datetime, h timestamp, i json, "
    "j varchar(5), k float, l tinyint, m binary, n timestamp_ntz, o decimal, key string, "
    "value json";
static const char *const decl_binary =
    "topic string, partition bigint, offset bigint, insert_time timestamp, key binary, "
    "value binary";

static sl_arena g_ar;
static sl_mc_schema g_text, g_bin;
static sl_mc_tz *g_tz;
static sl_mc_record_conv *g_conv[5][3];
static sl_mc_record_conv *g_json; /* JSON format, mode VALUE, over g_text */

static void setup(void)
{
    sl_err err = SL_ERR_INIT;
    sl_arena_init(&g_ar, 0);
    if (sl_mc_schema_parse(&g_ar, decl_text, &g_text, &err) ||
        sl_mc_schema_parse(&g_ar, decl_binary, &g_bin, &err) ||
        sl_mc_tz_load("Europe/Berlin", &g_tz, &err)) {
        fprintf(stderr, "setup: %s\n", err.msg);
        abort();
    }
    for (int f = 0; f < 5; f++)
        for (int m = 0; m < 3; m++) {
            sl_err e = SL_ERR_INIT;
            const sl_mc_schema *s = f == SL_MC_FMT_BINARY ? &g_bin : &g_text;
            int rc = sl_mc_record_conv_new(&g_ar, f, m, s, g_tz, "p.t", &g_conv[f][m], &e);
            int want_ok = m != SL_MC_MODE_DEFAULT || f == SL_MC_FMT_TEXT || f == SL_MC_FMT_BINARY;
            if ((rc == SL_OK) != want_ok) {
                fprintf(stderr, "setup format %d mode %d: rc %d %s\n", f, m, rc, e.msg);
                abort();
            }
        }
    g_json = g_conv[SL_MC_FMT_JSON][SL_MC_MODE_VALUE];
}

static void check_row(const sl_mc_schema *s, const sl_value *row, sl_arena *ar)
{
    sl_buf out = SL_BUF_INIT;
    sl_mc_writer w;
    sl_err err = SL_ERR_INIT;
    if (sl_mc_writer_init(&w, s, NULL, &out, &err) || sl_mc_write_record(&w, row, s->ncol, &err)) {
        fprintf(stderr, "converted row not writable: %s\n", err.msg);
        abort();
    }
    sl_mc_writer_free(&w);
    sl_buf_free(&out);
    for (int i = 0; i < s->ncol; i++) {
        const sl_value *v = &row[i];
        int id = s->cols[i].type->id;
        if (v->tag != SL_V_STRING || id == SL_MC_BINARY) continue;
        if (sl_fmt_utf8_check(v->u.z, v->n) != v->n) {
            fprintf(stderr, "column %s holds invalid UTF-8\n", s->cols[i].name);
            abort();
        }
        if (id != SL_MC_JSON) continue;
        /* the JSON text must read back as a JSON record value */
        sl_mc_kafka_record r = {0};
        r.topic = "t";
        r.topic_len = 1;
        r.value = v->u.z;
        r.value_len = v->n;
        sl_value again[64];
        sl_err e2 = SL_ERR_INIT;
        if (sl_mc_record_convert(g_json, &r, ar, again, &e2)) {
            fprintf(stderr, "column %s: JSON [%.*s] does not read back: %s\n", s->cols[i].name,
                    (int)v->n, v->u.z, e2.msg);
            abort();
        }
    }
}

/* FLATTEN {"i": text} and return column i's text (or NULL). */
static const sl_value *flatten_i(const char *t, size_t n, sl_arena *ar, sl_value *row)
{
    sl_buf b = SL_BUF_INIT;
    sl_buf_puts(&b, "{\"i\":");
    sl_buf_append(&b, t, n);
    sl_buf_putc(&b, '}');
    sl_mc_kafka_record r = {0};
    r.topic = "t";
    r.topic_len = 1;
    r.value = sl_arena_memdup(ar, b.p, b.n);
    r.value_len = b.n;
    sl_buf_free(&b);
    sl_err err = SL_ERR_INIT;
    if (sl_mc_record_convert(g_conv[SL_MC_FMT_FLATTEN][SL_MC_MODE_VALUE], &r, ar, row, &err)) {
        fprintf(stderr, "JSON [%.*s] does not flatten: %s\n", (int)n, t, err.msg);
        abort();
    }
    return &row[12];
}

/* Canonical JSON text is a fixed point: canon(canon(x)) == canon(x). */
static void check_canonical(const sl_value *v, sl_arena *ar)
{
    if (v->tag != SL_V_STRING || !v->n || (v->u.z[0] != '{' && v->u.z[0] != '[')) return;
    sl_value r1[64], r2[64];
    const sl_value *y = flatten_i(v->u.z, v->n, ar, r1);
    const sl_value *z = flatten_i(y->u.z, y->n, ar, r2);
    if (y->n != z->n || memcmp(y->u.z, z->u.z, y->n)) {
        fprintf(stderr, "canonical JSON is not stable:\n[%.*s]\n[%.*s]\n", (int)y->n, y->u.z,
                (int)z->n, z->u.z);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        setup();
        ready = 1;
    }
    if (size == 0) return 0;
    int sel = data[0];
    int format = (sel & 7) % 5;
    int mode = sel & 8 ? SL_MC_MODE_KEY : SL_MC_MODE_VALUE;
    if ((sel & 16) && (format == SL_MC_FMT_TEXT || format == SL_MC_FMT_BINARY))
        mode = SL_MC_MODE_DEFAULT;
    const sl_mc_record_conv *c = g_conv[format][mode];
    const sl_mc_schema *s = format == SL_MC_FMT_BINARY ? &g_bin : &g_text;
    /* the input is copied so that reads past its end are caught */
    size_t n = size - 1;
    char *text = malloc(n ? n : 1);
    memcpy(text, data + 1, n);
    sl_mc_kafka_record r = {0};
    r.topic = "topic";
    r.topic_len = 5;
    r.partition = 1;
    r.offset = (int64_t)size;
    r.has_timestamp = !(sel & 32);
    r.timestamp_ms = (int64_t)size * 86400007 - 1;
    if (!(sel & 64)) {
        r.key = text;
        r.key_len = n;
        r.value = text;
        r.value_len = n;
    }
    sl_arena ar;
    sl_arena_init(&ar, 4096);
    sl_value row[64];
    sl_err err = SL_ERR_INIT;
    int rc = sl_mc_record_convert(c, &r, &ar, row, &err);
    if (rc == SL_OK) {
        check_row(s, row, &ar);
        if (format == SL_MC_FMT_FLATTEN) check_canonical(&row[12], &ar);
    } else if (rc != SL_DATA || err.code != SL_DATA || !err.msg[0]) {
        fprintf(stderr, "unexpected rc %d / %d [%s]\n", rc, err.code, err.msg);
        abort();
    }
    sl_arena_free(&ar);
    free(text);
    return 0;
}
