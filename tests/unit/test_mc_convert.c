/*
** tests/unit/test_mc_convert.c — Kafka records and SQL rows into MaxCompute rows.
**
** The seed's examples (maxcompute-kafka-connector.md: TEXT "abc", CSV "1103,zhangsan,china",
** JSON, FLATTEN with extendinfo, the abnormal record 101) with their result tables, every rule
** of spec 5.2 and convert.h, start-up validation, and the classes of bad input: invalid UTF-8,
** huge fields, wrong field counts, unterminated quotes, numbers out of range, deep nesting.
**
** SPDX-License-Identifier: MIT
*/
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/datetime.h"
#include "base/err.h"
#include "base/numfmt.h"
#include "base/value.h"
#include "connectors/maxcompute/convert.h"
#include "connectors/maxcompute/mctype.h"
#include "connectors/maxcompute/ptime.h"
#include "connectors/maxcompute/wire.h"

#define MAXCOL 32

static sl_arena g_ar;
static sl_mc_tz *g_utc, *g_sh;

static void setup(void)
{
    sl_err err = SL_ERR_INIT;
    sl_arena_init(&g_ar, 0);
    cr_assert_eq(sl_mc_tz_load("UTC", &g_utc, &err), SL_OK);
    cr_assert_eq(sl_mc_tz_load("Asia/Shanghai", &g_sh, &err), SL_OK);
}

static void teardown(void)
{
    sl_mc_tz_free(g_utc);
    sl_mc_tz_free(g_sh);
    sl_arena_free(&g_ar);
}

TestSuite(mc_convert, .init = setup, .fini = teardown);

static sl_mc_schema schema(const char *decl)
{
    sl_mc_schema s;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_mc_schema_parse(&g_ar, decl, &s, &err), SL_OK, "%s: %s", decl, err.msg);
    return s;
}

static const sl_mc_record_conv *conv(int format, int mode, const sl_mc_schema *s)
{
    sl_mc_record_conv *c = NULL;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_mc_record_conv_new(&g_ar, format, mode, s, g_utc, "p.t", &c, &err), SL_OK, "%s",
                 err.msg);
    return c;
}

static void conv_fails(int format, int mode, const char *decl, const char *needle)
{
    sl_mc_schema s = schema(decl);
    sl_mc_record_conv *c = NULL;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_mc_record_conv_new(&g_ar, format, mode, &s, g_utc, "p.t", &c, &err), SL_DATA,
                 "%s accepted", decl);
    cr_assert_null(c);
    cr_assert(strstr(err.msg, needle), "message [%s] lacks [%s]", err.msg, needle);
}

static sl_mc_kafka_record krec(const char *topic, int64_t offset, const char *key,
                               const char *value)
{
    sl_mc_kafka_record r = {0};
    r.topic = topic;
    r.topic_len = strlen(topic);
    r.partition = 0;
    r.offset = offset;
    r.key = key;
    r.key_len = key ? strlen(key) : 0;
    r.value = value;
    r.value_len = value ? strlen(value) : 0;
    return r;
}

static int run(const sl_mc_record_conv *c, const sl_mc_kafka_record *r, sl_value *row, sl_err *err)
{
    sl_err_clear(err);
    return sl_mc_record_convert(c, r, &g_ar, row, err);
}

static void ok(const sl_mc_record_conv *c, const sl_mc_kafka_record *r, sl_value *row)
{
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(run(c, r, row, &err), SL_OK, "%s", err.msg);
}

static void fails(const sl_mc_record_conv *c, const sl_mc_kafka_record *r, const char *needle)
{
    sl_value row[MAXCOL];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(run(c, r, row, &err), SL_DATA, "accepted; expected [%s]", needle);
    cr_assert(strstr(err.msg, needle), "message [%s] lacks [%s]", err.msg, needle);
}

/* The value text of a record on topic t at offset 9 fails to convert. */
static void fails_v(const sl_mc_record_conv *c, const char *value, const char *needle)
{
    sl_mc_kafka_record r = krec("t", 9, NULL, value);
    fails(c, &r, needle);
}

static void str_is(const sl_value *v, const char *want)
{
    cr_assert(v->tag == SL_V_STRING || v->tag == SL_V_BYTES, "tag %d, want [%s]", v->tag, want);
    cr_assert_eq(v->n, strlen(want), "[%.*s] vs [%s]", (int)v->n, v->u.z, want);
    cr_assert(memcmp(v->u.z, want, v->n) == 0, "[%.*s] vs [%s]", (int)v->n, v->u.z, want);
}

static void int_is(const sl_value *v, int64_t want)
{
    cr_assert_eq(v->tag, SL_V_INT);
    cr_assert_eq(v->u.i, want);
}

static void dec_is(const sl_value *v, const char *want)
{
    cr_assert_eq(v->tag, SL_V_DECIMAL);
    sl_buf b = SL_BUF_INIT;
    sl_format_decimal_plain(&b, sl_decimal_unscaled(v), v->scale);
    cr_assert_str_eq(b.p, want);
    sl_buf_free(&b);
}

/* The row must also be writable by the record codec. */
static void writable(const sl_mc_schema *s, const sl_value *row)
{
    sl_buf out = SL_BUF_INIT;
    sl_mc_writer w;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_mc_writer_init(&w, s, NULL, &out, &err), SL_OK);
    cr_assert_eq(sl_mc_write_record(&w, row, s->ncol, &err), SL_OK, "%s", err.msg);
    sl_mc_writer_free(&w);
    sl_buf_free(&out);
}

#define SEED_TEXT "topic string, partition bigint, offset bigint, key string, value string"
#define SEED_CSV                                                                                   \
    "topic string, partition bigint, offset bigint, id bigint, name string, region string"
#define SEED_JSON "topic string, partition bigint, offset bigint, key string, value json"
#define SEED_FLATTEN                                                                               \
    "topic string, partition bigint, offset bigint, id bigint, name string, extendinfo json"

/* ---- names ------------------------------------------------------------------------------- */

Test(mc_convert, format_and_mode_names)
{
    int v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_mc_format_parse("flatten", &v, &err), SL_OK);
    cr_assert_eq(v, SL_MC_FMT_FLATTEN);
    cr_assert_eq(sl_mc_mode_parse("Value", &v, &err), SL_OK);
    cr_assert_eq(v, SL_MC_MODE_VALUE);
    cr_assert_eq(sl_mc_format_parse("XML", &v, &err), SL_DATA);
    cr_assert_str_eq(err.msg, "format 'XML' is not one of TEXT, BINARY, CSV, JSON, FLATTEN");
    sl_err_clear(&err);
    cr_assert_eq(sl_mc_mode_parse("BOTH", &v, &err), SL_DATA);
    cr_assert_str_eq(err.msg, "mode 'BOTH' is not one of DEFAULT, KEY, VALUE");
}

/* ---- TEXT -------------------------------------------------------------------------------- */

Test(mc_convert, seed_text_value_mode)
{
    sl_mc_schema s = schema(SEED_TEXT);
    const sl_mc_record_conv *c = conv(SL_MC_FMT_TEXT, SL_MC_MODE_VALUE, &s);
    const char *vals[] = {"abc", "edf"};
    for (int i = 0; i < 2; i++) {
        sl_mc_kafka_record r = krec("topic_text", i, "k", vals[i]);
        sl_value row[MAXCOL];
        ok(c, &r, row);
        str_is(&row[0], "topic_text");
        int_is(&row[1], 0);
        int_is(&row[2], i);
        cr_assert(sl_is_null(&row[3]), "key must be NULL in VALUE mode");
        str_is(&row[4], vals[i]);
        writable(&s, row);
    }
}

Test(mc_convert, text_default_and_key_modes)
{
    sl_mc_schema s = schema(SEED_TEXT);
    sl_mc_kafka_record r = krec("t", 7, "123", "1103,zhangsan,china");
    sl_value row[MAXCOL];
    ok(conv(SL_MC_FMT_TEXT, SL_MC_MODE_DEFAULT, &s), &r, row);
    str_is(&row[3], "123");
    str_is(&row[4], "1103,zhangsan,china");
    ok(conv(SL_MC_FMT_TEXT, SL_MC_MODE_KEY, &s), &r, row);
    str_is(&row[3], "123");
    cr_assert(sl_is_null(&row[4]));
    /* a NULL key or value is a NULL column */
    sl_mc_kafka_record n = krec("t", 8, NULL, NULL);
    ok(conv(SL_MC_FMT_TEXT, SL_MC_MODE_DEFAULT, &s), &n, row);
    cr_assert(sl_is_null(&row[3]) && sl_is_null(&row[4]));
}

Test(mc_convert, fixed_columns_case_insensitive_any_order_and_insert_time)
{
    sl_mc_schema s = schema("VALUE string, Insert_Time bigint, `OFFSET` bigint, Topic string, "
                            "`Partition` int");
    const sl_mc_record_conv *c = conv(SL_MC_FMT_TEXT, SL_MC_MODE_VALUE, &s);
    sl_mc_kafka_record r = krec("tp", 42, NULL, "v");
    r.partition = 3;
    r.has_timestamp = 1;
    r.timestamp_ms = 1689282780123;
    sl_value row[MAXCOL];
    ok(c, &r, row);
    str_is(&row[0], "v");
    int_is(&row[1], 1689282780123);
    int_is(&row[2], 42);
    str_is(&row[3], "tp");
    int_is(&row[4], 3);
    writable(&s, row);
    r.has_timestamp = 0;
    ok(c, &r, row);
    cr_assert(sl_is_null(&row[1]), "no timestamp: NULL insert_time");
}

Test(mc_convert, insert_time_as_datetime_timestamp_ntz)
{
    sl_mc_schema s = schema("topic string, partition bigint, offset bigint, insert_time datetime, "
                            "value string");
    sl_mc_record_conv *c = NULL;
    sl_err err = SL_ERR_INIT;
    sl_mc_kafka_record r = krec("t", 1, NULL, "v");
    r.has_timestamp = 1;
    r.timestamp_ms = -1; /* 1 ms before the epoch */
    sl_value row[MAXCOL];
    ok(conv(SL_MC_FMT_TEXT, SL_MC_MODE_VALUE, &s), &r, row);
    cr_assert_eq(row[3].tag, SL_V_TIMESTAMP);
    cr_assert_eq(row[3].u.i, -1);
    cr_assert_eq(row[3].n, 999000000u);
    writable(&s, row);
    sl_mc_schema s2 = schema("topic string, partition bigint, offset bigint, insert_time "
                             "timestamp_ntz, value string");
    cr_assert_eq(
        sl_mc_record_conv_new(&g_ar, SL_MC_FMT_TEXT, SL_MC_MODE_VALUE, &s2, g_sh, "p.t", &c, &err),
        SL_OK);
    r.timestamp_ms = 1689282780000; /* 2023-07-13 21:13 in Shanghai */
    ok(c, &r, row);
    cr_assert_eq(row[3].u.i, 1689282780 + 8 * 3600);
}

Test(mc_convert, startup_checks_of_fixed_columns)
{
    conv_fails(SL_MC_FMT_TEXT, SL_MC_MODE_VALUE, "partition bigint, offset bigint, value string",
               "the table has no column 'topic'");
    conv_fails(SL_MC_FMT_TEXT, SL_MC_MODE_VALUE,
               "topic string, partition bigint, offset bigint, key string",
               "the table has no column 'value'");
    conv_fails(SL_MC_FMT_TEXT, SL_MC_MODE_DEFAULT,
               "topic string, partition bigint, offset bigint, value string",
               "the table has no column 'key'");
    conv_fails(SL_MC_FMT_TEXT, SL_MC_MODE_VALUE,
               "topic string, partition string, offset bigint, value string",
               "column 'partition' is STRING; it must be BIGINT");
    conv_fails(SL_MC_FMT_TEXT, SL_MC_MODE_VALUE,
               "topic string, partition bigint, offset bigint, value bigint",
               "MaxCompute table p.t, format TEXT, mode VALUE: column 'value' is BIGINT; it must "
               "be STRING, VARCHAR, CHAR or JSON");
    conv_fails(SL_MC_FMT_BINARY, SL_MC_MODE_KEY,
               "topic string, partition bigint, offset bigint, key string",
               "column 'key' is STRING; it must be BINARY");
    conv_fails(SL_MC_FMT_TEXT, SL_MC_MODE_VALUE,
               "topic string, partition bigint, offset bigint, insert_time string, value string",
               "column 'insert_time' is STRING");
    /* the unused column's type does not matter */
    sl_mc_schema s = schema("topic string, partition bigint, offset bigint, key bigint, value "
                            "string");
    conv(SL_MC_FMT_TEXT, SL_MC_MODE_VALUE, &s);
}

Test(mc_convert, text_rejects_invalid_utf8_with_offset)
{
    sl_mc_schema s = schema(SEED_TEXT);
    sl_mc_kafka_record r = krec("t", 5, NULL, "ab\xff");
    fails(conv(SL_MC_FMT_TEXT, SL_MC_MODE_VALUE, &s), &r,
          "Kafka record t/0@5: the value is not valid UTF-8 text (byte 2 is 0xff)");
    r = krec("t", 5, "\xc3(", NULL);
    fails(conv(SL_MC_FMT_TEXT, SL_MC_MODE_KEY, &s), &r, "the key is not valid UTF-8 text (byte 0");
}

Test(mc_convert, text_into_varchar_checks_length)
{
    sl_mc_schema s = schema("topic varchar(5), partition bigint, offset bigint, value char(3)");
    const sl_mc_record_conv *c = conv(SL_MC_FMT_TEXT, SL_MC_MODE_VALUE, &s);
    sl_mc_kafka_record r = krec("t", 0, NULL, "\xe4\xb8\xad\xe6\x96\x87!"); /* 3 characters */
    sl_value row[MAXCOL];
    ok(c, &r, row);
    fails_v(c, "abcd",
            "column 'value' (CHAR(3)), the value: 'abcd' is not a valid CHAR(3): 4 "
            "characters, more than 3");
}

/* ---- BINARY ------------------------------------------------------------------------------ */

Test(mc_convert, binary_keeps_bytes)
{
    sl_mc_schema s = schema("topic string, partition bigint, offset bigint, key binary, value "
                            "binary");
    const sl_mc_record_conv *c = conv(SL_MC_FMT_BINARY, SL_MC_MODE_DEFAULT, &s);
    sl_mc_kafka_record r = krec("t", 0, NULL, NULL);
    r.value = "\x00\xff\x80";
    r.value_len = 3;
    sl_value row[MAXCOL];
    ok(c, &r, row);
    cr_assert(sl_is_null(&row[3]));
    cr_assert_eq(row[4].tag, SL_V_BYTES);
    cr_assert_eq(row[4].n, 3);
    cr_assert(memcmp(row[4].u.z, "\x00\xff\x80", 3) == 0);
    writable(&s, row);
}

/* ---- CSV --------------------------------------------------------------------------------- */

Test(mc_convert, seed_csv)
{
    static const struct {
        const char *key, *value, *name, *region;
        int64_t id;
    } seed[] = {{"123", "1103,zhangsan,china", "zhangsan", "china", 1103},
                {"456", "1104,lisi,usa", "lisi", "usa", 1104}};
    sl_mc_schema s = schema(SEED_CSV);
    const sl_mc_record_conv *c = conv(SL_MC_FMT_CSV, SL_MC_MODE_VALUE, &s);
    for (int i = 0; i < 2; i++) {
        sl_mc_kafka_record r = krec("csv_test", i, seed[i].key, seed[i].value);
        sl_value row[MAXCOL];
        ok(c, &r, row);
        str_is(&row[0], "csv_test");
        int_is(&row[1], 0);
        int_is(&row[2], i);
        int_is(&row[3], seed[i].id);
        str_is(&row[4], seed[i].name);
        str_is(&row[5], seed[i].region);
        writable(&s, row);
    }
}

Test(mc_convert, csv_key_mode_and_insert_time_not_counted)
{
    sl_mc_schema s = schema("topic string, partition bigint, offset bigint, insert_time bigint, "
                            "a string, b bigint");
    const sl_mc_record_conv *c = conv(SL_MC_FMT_CSV, SL_MC_MODE_KEY, &s);
    sl_mc_kafka_record r = krec("t", 0, "x,2", "ignored");
    sl_value row[MAXCOL];
    ok(c, &r, row);
    str_is(&row[4], "x");
    int_is(&row[5], 2);
}

Test(mc_convert, csv_quoting_null_token_and_blanks)
{
    sl_mc_schema s = schema("topic string, partition bigint, offset bigint, a string, b string, "
                            "c string, d bigint");
    const sl_mc_record_conv *c = conv(SL_MC_FMT_CSV, SL_MC_MODE_VALUE, &s);
    sl_value row[MAXCOL];
    sl_mc_kafka_record r = krec("t", 0, NULL, "\"x, \"\"y\"\"\",\\N,\"\\N\", 7 \r\n");
    ok(c, &r, row);
    str_is(&row[3], "x, \"y\"");
    cr_assert(sl_is_null(&row[4]), "unquoted \\N is NULL");
    str_is(&row[5], "\\N");
    int_is(&row[6], 7);
    /* quoted fields keep their blanks and may hold line breaks; empty fields are empty text */
    r = krec("t", 0, NULL, "\" a \",\"l1\nl2\",,\\N");
    ok(c, &r, row);
    str_is(&row[3], " a ");
    str_is(&row[4], "l1\nl2");
    str_is(&row[5], "");
    cr_assert(sl_is_null(&row[6]));
    /* a NULL token into a BIGINT column is fine, an empty field is not a number */
    fails_v(c, "a,b,c,", "column 'd' (BIGINT), CSV field 4: '' is not a valid BIGINT");
}

Test(mc_convert, csv_bad_lines)
{
    sl_mc_schema s = schema(SEED_CSV);
    const sl_mc_record_conv *c = conv(SL_MC_FMT_CSV, SL_MC_MODE_VALUE, &s);
    fails_v(c, "1103,zhangsan",
            "Kafka record t/0@9: the value: the CSV line has 2 fields but table p.t has 3 "
            "columns to fill (id, name, region)");
    fails_v(c, "1,a,b,c", "has 4 fields but table p.t has 3 columns");
    fails_v(c, "1,\"abc,d", "field 2: the quote opened at byte 2 is not closed");
    fails_v(c, "1,\"ab\"c,d", "field 2: unexpected character at byte 6 after the closing quote");
    fails_v(c, "1,a,b\n2,c,d", "the CSV text has more than one line (line break at byte 5)");
    fails_v(c, "", "the CSV text is empty");
    fails_v(c, NULL, "the value is NULL; format CSV with mode VALUE needs text");
    fails_v(c, "1,\xe4\xb8,x", "the value is not valid UTF-8 text (byte 2 is 0xe4)");
}

Test(mc_convert, csv_startup_rules)
{
    conv_fails(SL_MC_FMT_CSV, SL_MC_MODE_DEFAULT, SEED_CSV,
               "MaxCompute table p.t, format CSV, mode DEFAULT: mode DEFAULT is not supported");
    conv_fails(SL_MC_FMT_CSV, SL_MC_MODE_VALUE,
               "topic string, partition bigint, offset bigint, a array<bigint>",
               "column 'a' is ARRAY<BIGINT>, a type that cannot be read from text");
    conv_fails(SL_MC_FMT_CSV, SL_MC_MODE_VALUE, "topic string, partition bigint, offset bigint",
               "the table has no column for CSV fields");
}

/* Typed parsing of one CSV field into a one-column table. */
static int typed(const char *type, const char *text, sl_value *out, sl_err *err, const sl_mc_tz *tz)
{
    char decl[128];
    snprintf(decl, sizeof decl, "topic string, partition bigint, offset bigint, x %s", type);
    sl_mc_schema s = schema(decl);
    sl_mc_record_conv *c = NULL;
    sl_err e2 = SL_ERR_INIT;
    cr_assert_eq(
        sl_mc_record_conv_new(&g_ar, SL_MC_FMT_CSV, SL_MC_MODE_VALUE, &s, tz, "p.t", &c, &e2),
        SL_OK, "%s", e2.msg);
    sl_mc_kafka_record r = krec("t", 0, NULL, text);
    sl_value row[4];
    int rc = run(c, &r, row, err);
    *out = row[3];
    if (rc == SL_OK) writable(&s, row);
    return rc;
}

static sl_value typed_ok(const char *type, const char *text)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(typed(type, text, &v, &err, g_utc), SL_OK, "%s [%s]: %s", type, text, err.msg);
    return v;
}

static void typed_fails(const char *type, const char *text, const char *needle)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(typed(type, text, &v, &err, g_utc), SL_DATA, "%s [%s] accepted", type, text);
    cr_assert(strstr(err.msg, needle), "message [%s] lacks [%s]", err.msg, needle);
}

Test(mc_convert, typed_integers)
{
    int_is((sl_value[]){typed_ok("bigint", "-9223372036854775808")}, INT64_MIN);
    int_is((sl_value[]){typed_ok("int", "+2147483647")}, INT32_MAX);
    int_is((sl_value[]){typed_ok("smallint", "-32768")}, -32768);
    int_is((sl_value[]){typed_ok("tinyint", "127")}, 127);
    typed_fails("bigint", "9223372036854775808",
                "column 'x' (BIGINT), CSV field 1: '9223372036854775808' is not a valid BIGINT: "
                "out of range");
    typed_fails("tinyint", "128", "not a valid TINYINT: out of range");
    typed_fails("int", "1.0", "'1.0' is not a valid INT");
    typed_fails("bigint", "0x10", "is not a valid BIGINT");
}

Test(mc_convert, typed_doubles)
{
    sl_value v = typed_ok("double", "nan");
    cr_assert(isnan(v.u.d));
    v = typed_ok("double", "inf");
    cr_assert(isinf(v.u.d) && v.u.d > 0);
    v = typed_ok("double", "-inf");
    cr_assert(isinf(v.u.d) && v.u.d < 0);
    v = typed_ok("double", "98.5");
    cr_assert_eq(v.u.d, 98.5);
    v = typed_ok("double", "1e308");
    cr_assert_eq(v.u.d, 1e308);
    v = typed_ok("float", "0.1");
    cr_assert_eq(v.u.d, (double)0.1f);
    typed_fails("double", "abc", "'abc' is not a valid DOUBLE");
    typed_fails("double", "NAN ", "is not a valid DOUBLE"); /* quoted blanks are kept */
}

Test(mc_convert, typed_decimal_boolean_date)
{
    dec_is((sl_value[]){typed_ok("decimal(10,2)", "1.005")}, "1.01");
    dec_is((sl_value[]){typed_ok("decimal(10,2)", "-12345678.9")}, "-12345678.90");
    dec_is((sl_value[]){typed_ok("decimal", "1.5")}, "1.500000000000000000");
    typed_fails("decimal(5,2)", "1234.5", "not a valid DECIMAL(5,2): more than 5 digits");
    typed_fails("decimal(10,2)", "1,5", "has 2 fields");
    typed_fails("decimal(10,2)", "x1", "is not a valid DECIMAL(10,2)");
    cr_assert_eq(typed_ok("boolean", "TRUE").u.i, 1);
    cr_assert_eq(typed_ok("boolean", "false").u.i, 0);
    typed_fails("boolean", "yes", "'yes' is not a valid BOOLEAN: expected true or false");
    cr_assert_eq(typed_ok("date", "2023-07-13").u.i, sl_days_from_civil(2023, 7, 13));
    typed_fails("date", "2023-7-13", "expected yyyy-MM-dd");
    typed_fails("date", "2023-02-30", "expected yyyy-MM-dd");
}

Test(mc_convert, typed_datetime_timestamp_in_time_zone)
{
    int64_t t0 = 1689282780; /* 2023-07-13T21:13:00Z */
    sl_value v = typed_ok("datetime", "2023-07-13 21:13:00");
    cr_assert_eq(v.tag, SL_V_TIMESTAMP);
    cr_assert_eq(v.u.i, t0);
    v = typed_ok("datetime", "2023-07-13 21:13:00.123");
    cr_assert_eq(v.n, 123000000u);
    typed_fails("datetime", "2023-07-13 21:13:00.1234", "expected yyyy-MM-dd HH:mm:ss[.SSS]");
    typed_fails("datetime", "2023-07-13T21:13:00", "expected yyyy-MM-dd HH:mm:ss");
    typed_fails("datetime", "2023-07-13 21:13", "expected yyyy-MM-dd HH:mm:ss");
    v = typed_ok("timestamp", "2023-07-13 21:13:00.1234");
    cr_assert_eq(v.u.i, t0);
    cr_assert_eq(v.n, 123400000u);
    v = typed_ok("timestamp", "2023-07-13 21:13:00.123456789");
    cr_assert_eq(v.n, 123456789u);
    /* in Asia/Shanghai the same text is eight hours earlier */
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(typed("timestamp", "2023-07-13 21:13:00.1234", &v, &err, g_sh), SL_OK);
    cr_assert_eq(v.u.i, t0 - 8 * 3600);
    cr_assert_eq(typed("datetime", "2023-07-13 21:13:00", &v, &err, g_sh), SL_OK);
    cr_assert_eq(v.u.i, t0 - 8 * 3600);
    /* NTZ ignores the zone */
    cr_assert_eq(typed("timestamp_ntz", "2023-07-13 21:13:00", &v, &err, g_sh), SL_OK);
    cr_assert_eq(v.u.i, t0);
}

Test(mc_convert, typed_datetime_dst_gap)
{
    sl_mc_tz *berlin;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_mc_tz_load("Europe/Berlin", &berlin, &err), SL_OK);
    sl_value v;
    /* 02:30 on 2023-03-26 does not exist in Berlin: 03:30 CEST, 01:30Z */
    cr_assert_eq(typed("datetime", "2023-03-26 02:30:00", &v, &err, berlin), SL_OK);
    cr_assert_eq(v.u.i, sl_days_from_civil(2023, 3, 26) * 86400 + 5400);
    sl_mc_tz_free(berlin);
}

Test(mc_convert, typed_strings_binary_json)
{
    str_is((sl_value[]){typed_ok("string", "zhangsan")}, "zhangsan");
    str_is((sl_value[]){typed_ok("binary", "ab")}, "ab");
    str_is((sl_value[]){typed_ok("varchar(3)", "abc")}, "abc");
    typed_fails("varchar(2)", "abc", "3 characters, more than 2");
    str_is((sl_value[]){typed_ok("json", "\"{\"\"a\"\":1}\"")}, "{\"a\":1}");
    typed_fails("json", "abc", "'abc' is not a valid JSON: an unexpected character at byte 0");
}

Test(mc_convert, huge_field)
{
    size_t n = 4 << 20;
    char *big = malloc(n + 3);
    memset(big, 'a', n);
    memcpy(big + n, ",1", 3);
    sl_mc_schema s = schema("topic string, partition bigint, offset bigint, a string, b bigint");
    const sl_mc_record_conv *c = conv(SL_MC_FMT_CSV, SL_MC_MODE_VALUE, &s);
    sl_mc_kafka_record r = krec("t", 0, NULL, big);
    sl_value row[MAXCOL];
    ok(c, &r, row);
    cr_assert_eq(row[3].n, n);
    int_is(&row[4], 1);
    big[n] = 'x'; /* now one field of 4 MiB + "x1" into a two-column table */
    r = krec("t", 0, NULL, big);
    fails(c, &r, "has 1 field but table p.t has 2 columns");
    free(big);
}

/* ---- JSON -------------------------------------------------------------------------------- */

Test(mc_convert, seed_json)
{
    sl_mc_schema s = schema(SEED_JSON);
    const sl_mc_record_conv *c = conv(SL_MC_FMT_JSON, SL_MC_MODE_VALUE, &s);
    const char *v = "{\"id\":123,\"name\":\"json-1\",\"region\":\"beijing\"}";
    sl_mc_kafka_record r = krec("Topic_json", 0, "123", v);
    sl_value row[MAXCOL];
    ok(c, &r, row);
    str_is(&row[0], "Topic_json");
    cr_assert(sl_is_null(&row[3]));
    str_is(&row[4], v); /* as is */
    writable(&s, row);
    r = krec("Topic_json", 1, NULL, "  [1, {\"a\": null}]  ");
    ok(c, &r, row);
    str_is(&row[4], "  [1, {\"a\": null}]  ");
}

Test(mc_convert, json_errors)
{
    sl_mc_schema s = schema(SEED_JSON);
    const sl_mc_record_conv *c = conv(SL_MC_FMT_JSON, SL_MC_MODE_VALUE, &s);
    static const struct {
        const char *text, *msg;
    } bad[] = {
        {"{\"id\":", "the text ended where a value was expected at byte 6"},
        {"{\"id\":1,}", "a member name was expected at byte 8"},
        {"{\"a\":1} x", "text after the JSON value at byte 8"},
        {"\"abc", "an unterminated string at byte 0"},
        {"[01]", "',' or ']' was expected at byte 2"},
        {"\"\\x\"", "a bad escape at byte 1"},
        {"\"\\ud800\"", "a lone surrogate escape at byte 1"},
        {"\"a\tb\"", "a control character inside a string at byte 2"},
        {"-", "a bad number at byte 0"},
        {"1.", "a bad number at byte 2"},
        {"nul", "an unexpected character at byte 0"},
        {"", "the text ended where a value was expected at byte 0"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sl_mc_kafka_record r = krec("t", 1, NULL, bad[i].text);
        fails(c, &r, bad[i].msg);
    }
    sl_buf deep = SL_BUF_INIT;
    for (int i = 0; i < 600; i++) sl_buf_putc(&deep, '[');
    sl_mc_kafka_record r = krec("t", 1, NULL, deep.p);
    fails(c, &r, "nesting deeper than 512 levels");
    sl_buf_free(&deep);
    conv_fails(SL_MC_FMT_JSON, SL_MC_MODE_DEFAULT, SEED_JSON, "mode DEFAULT is not supported");
}

/* ---- FLATTEN ----------------------------------------------------------------------------- */

Test(mc_convert, seed_flatten)
{
    sl_mc_schema s = schema(SEED_FLATTEN);
    const sl_mc_record_conv *c = conv(SL_MC_FMT_FLATTEN, SL_MC_MODE_VALUE, &s);
    sl_mc_kafka_record r = krec(
        "topic_flatten", 0, "123",
        "{\"id\":123,\"name\":\"json-1\",\"extendinfo\":{\"region\":\"beijing\",\"sex\":\"M\"}}");
    sl_value row[MAXCOL];
    ok(c, &r, row);
    str_is(&row[0], "topic_flatten");
    int_is(&row[3], 123);
    str_is(&row[4], "json-1");
    str_is(&row[5], "{\"sex\":\"M\",\"region\":\"beijing\"}"); /* as the seed's table shows */
    writable(&s, row);
    r = krec(
        "topic_flatten", 1, "456",
        "{\"id\":456,\"name\":\"json-2\",\"extendinfo\":{\"region\":\"hangzhou\",\"sex\":\"W\"}}");
    ok(c, &r, row);
    str_is(&row[5], "{\"sex\":\"W\",\"region\":\"hangzhou\"}");
}

Test(mc_convert, seed_abnormal_records)
{
    sl_mc_schema s = schema(SEED_FLATTEN);
    const sl_mc_record_conv *c = conv(SL_MC_FMT_FLATTEN, SL_MC_MODE_VALUE, &s);
    sl_value row[MAXCOL];
    sl_mc_kafka_record r = krec("flatten_test", 2, "100",
                                "{\"id\":100,\"name\":\"json-3\",\"extendinfo\":{\"region\":"
                                "\"beijing\",\"gender\":\"M\"}}");
    ok(c, &r, row);
    str_is(&row[5], "{\"gender\":\"M\",\"region\":\"beijing\"}");
    r = krec("flatten_test", 3, "101", "{\"id\":101,\"name\":\"json-4\",\"extendinfos\":\"null\"}");
    fails(c, &r,
          "Kafka record flatten_test/0@3: the value: member 'extendinfos' is not a column "
          "of table p.t");
    r = krec("flatten_test", 4, "102",
             "{\"id\":102,\"name\":\"json-5\",\"extendinfo\":{\"region\":\"beijing\",\"gender\":"
             "\"M\"}}");
    ok(c, &r, row);
    int_is(&row[3], 102);
}

Test(mc_convert, flatten_member_rules)
{
    sl_mc_schema s = schema("topic string, partition bigint, offset bigint, insert_time bigint, "
                            "ID bigint, name string, ok boolean, price decimal(30,20), "
                            "tags json, note string, d double");
    const sl_mc_record_conv *c = conv(SL_MC_FMT_FLATTEN, SL_MC_MODE_KEY, &s);
    sl_value row[MAXCOL];
    sl_mc_kafka_record r =
        krec("t", 0,
             "{\"Id\":1,\"NAME\":\"a\\u00e9\\n\\ud83d\\ude00\",\"ok\":true,"
             "\"price\":1.23456789012345678901,\"tags\":[1,{\"b\":1,\"a\":[true,null]},\"x\\\"\"],"
             "\"note\":null,\"d\":-1.5e3,\"id\":2}",
             NULL);
    ok(c, &r, row);
    int_is(&row[4], 2); /* the later duplicate ("id" after "Id") wins */
    str_is(&row[5], "a\xc3\xa9\n\xf0\x9f\x98\x80");
    cr_assert_eq(row[6].tag, SL_V_BOOL);
    cr_assert_eq(row[6].u.i, 1);
    dec_is(&row[7], "1.23456789012345678901");
    str_is(&row[8], "[1,{\"a\":[true,null],\"b\":1},\"x\\\"\"]");
    cr_assert(sl_is_null(&row[9]));
    cr_assert_eq(row[10].u.d, -1500.0);
    cr_assert(sl_is_null(&row[3]), "no timestamp");
    writable(&s, row);
    /* nested objects and numbers into a STRING column */
    r = krec("t", 0, "{\"note\":{\"zz\":1,\"b\":{\"y\":2,\"x\":1},\"b\":3}}", NULL);
    ok(c, &r, row);
    str_is(&row[9], "{\"b\":3,\"zz\":1}");
    r = krec("t", 0, "{\"note\":1.50}", NULL);
    ok(c, &r, row);
    str_is(&row[9], "1.50");
    /* a NULL key: no members, only the fixed columns */
    r = krec("t", 0, NULL, "{\"id\":5}");
    ok(c, &r, row);
    cr_assert(sl_is_null(&row[4]));
}

Test(mc_convert, flatten_errors)
{
    sl_mc_schema s = schema(SEED_FLATTEN);
    const sl_mc_record_conv *c = conv(SL_MC_FMT_FLATTEN, SL_MC_MODE_VALUE, &s);
    fails_v(c, "[1,2]", "the value is not a JSON object");
    fails_v(c, "{\"id\":\"x\"}",
            "column 'id' (BIGINT), JSON member 'id': 'x' is not a valid BIGINT");
    fails_v(c, "{\"id\":1.0}", "'1.0' is not a valid BIGINT");
    fails_v(c, "{\"id\":99999999999999999999}", "is not a valid BIGINT: out of range");
    fails_v(c, "{\"topic\":\"x\"}",
            "member 'topic' names a column the connector fills from the Kafka record");
    fails_v(c, "{\"extendinfo\":\"abc\"}",
            "column 'extendinfo' (JSON), JSON member 'extendinfo': 'abc' is not a valid JSON");
    fails_v(c, "{\"id\":1", "the value is not JSON: ',' or '}' was expected at byte 7");
    conv_fails(SL_MC_FMT_FLATTEN, SL_MC_MODE_DEFAULT, SEED_FLATTEN,
               "mode DEFAULT is not supported");
    conv_fails(SL_MC_FMT_FLATTEN, SL_MC_MODE_VALUE,
               "topic string, partition bigint, offset bigint, m map<string,bigint>",
               "column 'm' is MAP<STRING,BIGINT>, a type that cannot be read from text");
}

/* ---- SQL rows ---------------------------------------------------------------------------- */

static const sl_mc_row_conv *rowconv(const sl_mc_sql_table *t, const sl_mc_schema *data,
                                     const sl_mc_schema *part)
{
    sl_mc_row_conv *c = NULL;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_mc_row_conv_new(&g_ar, t, data, part, g_sh, "p.t", &c, &err), SL_OK, "%s",
                 err.msg);
    return c;
}

static void rowconv_fails(const char *name, sl_type type, const char *mc, const char *needle)
{
    sl_mc_schema data = schema(mc);
    sl_mc_sql_table t = {1, &name, &type};
    sl_mc_row_conv *c = NULL;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_mc_row_conv_new(&g_ar, &t, &data, NULL, g_utc, "p.t", &c, &err), SL_DATA,
                 "%s accepted", mc);
    cr_assert(strstr(err.msg, needle), "message [%s] lacks [%s]", err.msg, needle);
}

static void rowconv_ok(sl_type type, const char *mc)
{
    const char *name = "x";
    sl_mc_schema data = schema(mc);
    sl_mc_sql_table t = {1, &name, &type};
    sl_mc_row_conv *c = NULL;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_mc_row_conv_new(&g_ar, &t, &data, NULL, g_utc, "p.t", &c, &err), SL_OK,
                 "%s: %s", mc, err.msg);
}

Test(mc_convert, sql_compatibility_matrix)
{
    rowconv_ok(sl_type_make(SL_TYPE_INT), "x bigint");
    rowconv_ok(sl_type_make(SL_TYPE_TINYINT), "x smallint");
    rowconv_ok(sl_type_make(SL_TYPE_INT), "x double");
    rowconv_ok(sl_type_make(SL_TYPE_INT), "x decimal(12,2)");
    rowconv_ok(sl_type_make(SL_TYPE_BIGINT), "x decimal");
    rowconv_ok(sl_type_make(SL_TYPE_FLOAT), "x double");
    rowconv_ok(sl_type_decimal(10, 2), "x decimal(12,3)");
    rowconv_ok(sl_type_decimal(10, 2), "x string");
    rowconv_ok(sl_type_string(), "x varchar(10)");
    rowconv_ok(sl_type_string(), "x json");
    rowconv_ok(sl_type_make(SL_TYPE_DATE), "x string");
    rowconv_ok(sl_type_timestamp(SL_TYPE_TIMESTAMP, 3), "x datetime");
    rowconv_ok(sl_type_timestamp(SL_TYPE_TIMESTAMP_LTZ, 3), "x timestamp_ntz");
    rowconv_fails("price", sl_type_decimal(10, 2), "price decimal(5,2)",
                  "column 'price' is DECIMAL(10, 2) in sluice but DECIMAL(5,2) in MaxCompute "
                  "table p.t");
    rowconv_fails("x", sl_type_decimal(10, 2), "x decimal(12,1)", "DECIMAL(12,1)");
    rowconv_fails("x", sl_type_make(SL_TYPE_BIGINT), "x int", "is BIGINT in sluice but INT");
    rowconv_fails("x", sl_type_make(SL_TYPE_BIGINT), "x double", "but DOUBLE");
    rowconv_fails("x", sl_type_make(SL_TYPE_INT), "x decimal(10,2)", "but DECIMAL(10,2)");
    rowconv_fails("x", sl_type_make(SL_TYPE_DOUBLE), "x float", "is DOUBLE in sluice but FLOAT");
    rowconv_fails("x", sl_type_string(), "x bigint", "is STRING in sluice but BIGINT");
    rowconv_fails("x", sl_type_make(SL_TYPE_VARBINARY), "x string",
                  "is BYTES in sluice but STRING");
    rowconv_fails("x", sl_type_make(SL_TYPE_DATE), "x datetime", "is DATE in sluice but DATETIME");
    rowconv_fails("nope", sl_type_string(), "a string, b bigint",
                  "column 'nope' of the sluice table does not exist in MaxCompute table p.t (its "
                  "columns: a, b)");
}

Test(mc_convert, sql_row_values)
{
    const char *names[] = {"ID", "price", "name", "ts", "ltz", "d", "tags", "n"};
    sl_type types[8] = {sl_type_make(SL_TYPE_INT),
                        sl_type_decimal(10, 2),
                        sl_type_string(),
                        sl_type_timestamp(SL_TYPE_TIMESTAMP, 3),
                        sl_type_timestamp(SL_TYPE_TIMESTAMP_LTZ, 3),
                        sl_type_make(SL_TYPE_DOUBLE),
                        sl_type_string(),
                        sl_type_make(SL_TYPE_INT)};
    sl_mc_sql_table t = {8, names, types};
    sl_mc_schema data = schema("id bigint, extra string, price decimal(12,3), name varchar(4), "
                               "ts datetime, ltz timestamp_ntz, d string, tags json, n decimal");
    sl_mc_schema part = schema("pt string");
    const sl_mc_row_conv *c = rowconv(&t, &data, &part);
    int64_t t0 = 1689282780; /* 2023-07-13T21:13:00Z */
    sl_value in[8] = {sl_int(7),
                      sl_decimal(&g_ar, 1234, 2),
                      sl_string("abcd", 4),
                      sl_timestamp(t0, 5000000), /* wall clock 21:13:00.005 in Shanghai */
                      sl_timestamp(t0, 0),
                      sl_double(0.1),
                      sl_string("[1,2]", 5),
                      sl_int(-3)};
    sl_value row[9];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_mc_row_convert(c, in, &g_ar, row, &err), SL_OK, "%s", err.msg);
    int_is(&row[0], 7);
    cr_assert(sl_is_null(&row[1]), "a remote column the SQL table lacks is NULL");
    dec_is(&row[2], "12.340");
    str_is(&row[3], "abcd");
    cr_assert_eq(row[4].u.i, t0 - 8 * 3600);
    cr_assert_eq(row[4].n, 5000000u);
    cr_assert_eq(row[5].u.i, t0 + 8 * 3600);
    str_is(&row[6], "0.1");
    str_is(&row[7], "[1,2]");
    dec_is(&row[8], "-3.000000000000000000");
    writable(&data, row);
    in[2] = sl_string("abcde", 5);
    cr_assert_eq(sl_mc_row_convert(c, in, &g_ar, row, &err), SL_DATA);
    cr_assert_str_eq(err.msg, "column 'name': the value does not fit MaxCompute type VARCHAR(4): 5 "
                              "characters, more than 4");
    in[2] = sl_string("ab", 2);
    in[6] = sl_string("{x", 2);
    sl_err_clear(&err);
    cr_assert_eq(sl_mc_row_convert(c, in, &g_ar, row, &err), SL_DATA);
    cr_assert(strstr(err.msg, "column 'tags': the value does not fit MaxCompute type JSON: a "
                              "member name was expected at byte 1"),
              "%s", err.msg);
}

Test(mc_convert, sql_nested_types)
{
    static sl_type elem, key, val;
    elem = sl_type_make(SL_TYPE_INT);
    key = sl_type_string();
    val = sl_type_make(SL_TYPE_TINYINT);
    static sl_field fields[2];
    fields[0].name = "a";
    fields[0].type = sl_type_make(SL_TYPE_INT);
    fields[1].name = "b";
    fields[1].type = sl_type_string();
    sl_type arr = sl_type_make(SL_TYPE_ARRAY), map = sl_type_make(SL_TYPE_MAP),
            rowt = sl_type_make(SL_TYPE_ROW);
    arr.elem = &elem;
    map.elem = &key;
    map.val = &val;
    rowt.fields = fields;
    rowt.nfields = 2;
    const char *names[] = {"arr", "m", "r"};
    sl_type types[3] = {arr, map, rowt};
    sl_mc_sql_table t = {3, names, types};
    sl_mc_schema data = schema("arr array<double>, m map<string,bigint>, "
                               "r struct<a:decimal(12,1),b:varchar(2)>");
    const sl_mc_row_conv *c = rowconv(&t, &data, NULL);
    sl_value ae[2] = {sl_int(1), sl_null()};
    sl_value me[2] = {sl_string("k", 1), sl_int(-5)};
    sl_value re[2] = {sl_int(3), sl_string("xy", 2)};
    sl_value in[3];
    in[0] = (sl_value){.tag = SL_V_ARRAY, .n = 2, .u.list = ae};
    in[1] = (sl_value){.tag = SL_V_MAP, .n = 1, .u.list = me};
    in[2] = (sl_value){.tag = SL_V_ROW, .n = 2, .u.list = re};
    sl_value row[3];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_mc_row_convert(c, in, &g_ar, row, &err), SL_OK, "%s", err.msg);
    cr_assert_eq(row[0].u.list[0].tag, SL_V_DOUBLE);
    cr_assert(sl_is_null(&row[0].u.list[1]));
    int_is(&row[1].u.list[1], -5);
    dec_is(&row[2].u.list[0], "3.0");
    writable(&data, row);
    re[1] = sl_string("xyz", 3);
    cr_assert_eq(sl_mc_row_convert(c, in, &g_ar, row, &err), SL_DATA);
    cr_assert(strstr(err.msg, "column 'r'"), "%s", err.msg);
    rowconv_fails("r", rowt, "r struct<a:bigint>", "is ROW<`a` INT, `b` STRING> in sluice");
}

/* ---- partitions -------------------------------------------------------------------------- */

static int part_new(const char *mcpart, const sl_mc_sql_table *sql, sl_mc_partitioning *p,
                    sl_err *err)
{
    sl_mc_schema part = schema(mcpart);
    return sl_mc_partitioning_new(&g_ar, &part, sql, "p.t", p, err);
}

Test(mc_convert, partition_from_processing_time_named_by_table)
{
    sl_mc_partitioning p;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(part_new("ds string", NULL, &p, &err), SL_OK, "%s", err.msg);
    cr_assert_eq(p.kind, SL_MC_PART_TIME);
    sl_buf b = SL_BUF_INIT;
    int64_t now = 1689253980000; /* 2023-07-13T13:13:00Z, 21:13 in Shanghai */
    cr_assert_eq(sl_mc_partition_for(&p, NULL, now, SL_MC_WINDOW_MINUTE, 0, g_sh, 1, &b, &err),
                 SL_OK);
    cr_assert_str_eq(b.p, "ds='07-13-2023 21:13'");
    sl_buf_reset(&b);
    cr_assert_eq(sl_mc_partition_for(&p, NULL, now, SL_MC_WINDOW_HOUR, 0, g_sh, 0, &b, &err),
                 SL_OK);
    cr_assert_str_eq(b.p, "ds=07-13-2023 21");
    sl_buf_free(&b);
    /* no partition columns: no spec */
    sl_mc_schema none = {0, NULL};
    cr_assert_eq(sl_mc_partitioning_new(&g_ar, &none, NULL, "p.t", &p, &err), SL_OK);
    cr_assert_eq(p.kind, SL_MC_PART_NONE);
}

Test(mc_convert, partition_columns_from_sql_rows)
{
    const char *names[] = {"v", "PT", "region"};
    sl_type types[3] = {sl_type_string(), sl_type_string(), sl_type_make(SL_TYPE_INT)};
    sl_mc_sql_table t = {3, names, types};
    sl_mc_partitioning p;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(part_new("pt string, region bigint", &t, &p, &err), SL_OK, "%s", err.msg);
    cr_assert_eq(p.kind, SL_MC_PART_ROW);
    sl_value row[3] = {sl_string("x", 1), sl_string("2023-07-13", 10), sl_int(86)};
    sl_buf b = SL_BUF_INIT;
    cr_assert_eq(sl_mc_partition_for(&p, row, 0, 0, 0, g_utc, 1, &b, &err), SL_OK, "%s", err.msg);
    cr_assert_str_eq(b.p, "pt='2023-07-13',region='86'");
    row[1] = sl_null();
    cr_assert_eq(sl_mc_partition_for(&p, row, 0, 0, 0, g_utc, 1, &b, &err), SL_DATA);
    cr_assert_str_eq(err.msg, "partition column 'pt' is NULL");
    sl_buf_free(&b);
    /* the SQL columns that fill partitions are not data columns */
    sl_mc_schema data = schema("v string");
    sl_mc_schema part = schema("pt string, region bigint");
    rowconv(&t, &data, &part);
}

Test(mc_convert, several_partition_columns_need_sql_columns)
{
    sl_mc_partitioning p;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(part_new("pt string, region string", NULL, &p, &err), SL_DATA);
    cr_assert_str_eq(err.msg, "MaxCompute table p.t has 2 partition columns; records in a `format` "
                              "cannot supply the values of 'pt', 'region', since only a single "
                              "partition column can be filled from processing time");
    const char *names[] = {"pt"};
    sl_type types[1] = {sl_type_string()};
    sl_mc_sql_table t = {1, names, types};
    sl_err_clear(&err);
    cr_assert_eq(part_new("pt string, region string", &t, &p, &err), SL_DATA);
    cr_assert(strstr(err.msg, "the sluice table must supply the values of 'region'"), "%s",
              err.msg);
    sl_err_clear(&err);
    cr_assert_eq(part_new("pt bigint", NULL, &p, &err), SL_DATA);
    cr_assert(strstr(err.msg, "needs a STRING column"), "%s", err.msg);
    types[0] = sl_type_make(SL_TYPE_DOUBLE);
    sl_err_clear(&err);
    cr_assert_eq(part_new("pt string", &t, &p, &err), SL_DATA);
    cr_assert(strstr(err.msg, "column 'pt' is DOUBLE in sluice but a partition column"), "%s",
              err.msg);
}
