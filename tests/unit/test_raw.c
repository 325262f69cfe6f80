/*
** tests/unit/test_raw.c — the 'raw' format: one column as the message bytes.
**
** SPDX-License-Identifier: MIT
*/
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/schema.h"
#include "formats/raw.h"

static sl_arena g_ar;
static sl_opt g_items[8];
static sl_optset g_os;

static void setup(void)
{
    sl_arena_init(&g_ar, 0);
    memset(&g_os, 0, sizeof g_os);
    g_os.items = g_items;
}

static void teardown(void)
{
    sl_arena_free(&g_ar);
}

TestSuite(raw, .init = setup, .fini = teardown);

static void opt(const char *key, const char *val)
{
    g_items[g_os.n].key = key;
    g_items[g_os.n].val = val;
    g_os.n++;
}

static const char *const one_name[] = {"f0"};

static sl_format_ctx ctx1(const sl_type *t)
{
    sl_format_ctx c = {&g_os, "raw.", 1, one_name, t, "topic", 0};
    return c;
}

static int dec(sl_type t, const void *data, size_t n, sl_value *v, sl_err *err)
{
    sl_format_ctx c = ctx1(&t);
    sl_decoder *d = NULL;
    cr_assert_eq(sl_format_raw.decoder_new(&c, &d, err), SL_OK, "%s", err->msg);
    int rc = sl_format_raw.decode(d, data, n, v, &g_ar, err);
    sl_format_raw.decoder_free(d);
    return rc;
}

static int enc(sl_type t, sl_value v, sl_buf *out, sl_err *err)
{
    sl_format_ctx c = ctx1(&t);
    sl_encoder *e = NULL;
    cr_assert_eq(sl_format_raw.encoder_new(&c, &e, err), SL_OK, "%s", err->msg);
    int rc = sl_format_raw.encode(e, &v, out, err);
    sl_format_raw.encoder_free(e);
    return rc;
}

static sl_type T(sl_typeid id)
{
    return sl_type_make(id);
}

Test(raw, option_table_lists_charset_and_endianness)
{
    cr_assert_str_eq(sl_format_raw.name, "raw");
    cr_assert_eq(sl_format_raw.nopts, 2);
    cr_assert_str_eq(sl_format_raw.opts[0].name, "charset");
    cr_assert_str_eq(sl_format_raw.opts[1].name, "endianness");
}

Test(raw, strings_are_the_message_bytes)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    const char msg[] = "h\xc3\xa9llo";
    cr_assert_eq(dec(sl_type_string(), msg, 6, &v, &err), SL_OK);
    cr_assert_eq(v.tag, SL_V_STRING);
    cr_assert_eq(v.u.z, msg);
    cr_assert_eq(v.n, 6);
}

Test(raw, null_payload_is_a_row_with_null)
{
    sl_value v = sl_int(1);
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec(sl_type_string(), NULL, 0, &v, &err), SL_OK);
    cr_assert_eq(v.tag, SL_V_NULL);
}

Test(raw, empty_payload_is_an_empty_string)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec(sl_type_string(), "", 0, &v, &err), SL_OK);
    cr_assert_eq(v.tag, SL_V_STRING);
    cr_assert_eq(v.n, 0);
}

Test(raw, bytes_are_the_message_bytes)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec(T(SL_TYPE_VARBINARY), "\0\1\2", 3, &v, &err), SL_OK);
    cr_assert_eq(v.tag, SL_V_BYTES);
    cr_assert_eq(v.n, 3);
}

Test(raw, numbers_are_big_endian_by_default)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec(T(SL_TYPE_INT), "\x00\x00\x01\x02", 4, &v, &err), SL_OK);
    cr_assert_eq(v.u.i, 258);
    cr_assert_eq(dec(T(SL_TYPE_SMALLINT), "\xff\xfe", 2, &v, &err), SL_OK);
    cr_assert_eq(v.u.i, -2);
    cr_assert_eq(dec(T(SL_TYPE_BIGINT), "\x80\0\0\0\0\0\0\0", 8, &v, &err), SL_OK);
    cr_assert_eq(v.u.i, INT64_MIN);
    cr_assert_eq(dec(T(SL_TYPE_TINYINT), "\x80", 1, &v, &err), SL_OK);
    cr_assert_eq(v.u.i, -128);
}

Test(raw, little_endian_reverses_the_bytes)
{
    opt("raw.endianness", "little-endian");
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec(T(SL_TYPE_INT), "\x02\x01\x00\x00", 4, &v, &err), SL_OK);
    cr_assert_eq(v.u.i, 258);
}

Test(raw, floating_point_is_ieee754)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec(T(SL_TYPE_DOUBLE), "\x3f\xf8\0\0\0\0\0\0", 8, &v, &err), SL_OK);
    cr_assert_eq(v.u.d, 1.5);
    cr_assert_eq(dec(T(SL_TYPE_FLOAT), "\x3e\xaa\xaa\xab", 4, &v, &err), SL_OK);
    cr_assert_eq(v.u.d, (double)0.33333334f);
}

Test(raw, booleans_are_one_byte)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec(T(SL_TYPE_BOOLEAN), "\x02", 1, &v, &err), SL_OK);
    cr_assert_eq(v.tag, SL_V_BOOL);
    cr_assert_eq(v.u.i, 1);
    cr_assert_eq(dec(T(SL_TYPE_BOOLEAN), "\x00", 1, &v, &err), SL_OK);
    cr_assert_eq(v.u.i, 0);
}

Test(raw, wrong_sizes_are_errors)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec(T(SL_TYPE_INT), "\x01\x02", 2, &v, &err), SL_DATA);
    cr_assert_str_eq(err.msg, "Size of data received for deserializing INT type is not 4.");
    sl_err_clear(&err);
    cr_assert_eq(dec(T(SL_TYPE_BOOLEAN), "", 0, &v, &err), SL_DATA);
    cr_assert_str_eq(err.msg, "Size of data received for deserializing BOOLEAN type is not 1.");
}

Test(raw, latin1_strings_are_converted)
{
    opt("raw.charset", "ISO-8859-1");
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec(sl_type_string(), "caf\xe9", 4, &v, &err), SL_OK);
    cr_assert_eq(v.n, 5);
    cr_assert(memcmp(v.u.z, "caf\xc3\xa9", 5) == 0);
    sl_buf b = SL_BUF_INIT;
    cr_assert_eq(enc(sl_type_string(), sl_string("caf\xc3\xa9\xe2\x82\xac", 8), &b, &err), SL_OK);
    cr_assert_eq(b.n, 5);
    cr_assert(memcmp(b.p, "caf\xe9?", 5) == 0);
    sl_buf_free(&b);
}

Test(raw, ascii_strings_replace_what_they_cannot_hold)
{
    opt("raw.charset", "us-ascii");
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec(sl_type_string(), "a\xffz", 3, &v, &err), SL_OK);
    cr_assert_eq(v.n, 5);
    cr_assert(memcmp(v.u.z, "a\xef\xbf\xbdz", 5) == 0);
    sl_buf b = SL_BUF_INIT;
    cr_assert_eq(enc(sl_type_string(), sl_string("\xc3\xa9x", 3), &b, &err), SL_OK);
    cr_assert_str_eq(b.p, "?x");
    sl_buf_free(&b);
}

Test(raw, encode_numbers_in_the_configured_order)
{
    sl_buf b = SL_BUF_INIT;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(enc(T(SL_TYPE_INT), sl_int(258), &b, &err), SL_OK);
    cr_assert_eq(b.n, 4);
    cr_assert(memcmp(b.p, "\0\0\1\2", 4) == 0);
    sl_buf_free(&b);
    opt("raw.endianness", "LITTLE-ENDIAN");
    cr_assert_eq(enc(T(SL_TYPE_SMALLINT), sl_int(-2), &b, &err), SL_OK);
    cr_assert(memcmp(b.p, "\xfe\xff", 2) == 0);
    sl_buf_free(&b);
}

Test(raw, encode_round_trips_every_type)
{
    struct {
        sl_type t;
        sl_value v;
    } cases[] = {{T(SL_TYPE_BOOLEAN), sl_bool(1)},
                 {T(SL_TYPE_TINYINT), sl_int(-5)},
                 {T(SL_TYPE_SMALLINT), sl_int(-300)},
                 {T(SL_TYPE_INT), sl_int(INT32_MIN)},
                 {T(SL_TYPE_BIGINT), sl_int(INT64_MAX)},
                 {T(SL_TYPE_FLOAT), sl_double((double)-1.75f)},
                 {T(SL_TYPE_DOUBLE), sl_double(-1e300)},
                 {sl_type_string(), sl_string("x\0y", 3)},
                 {T(SL_TYPE_VARBINARY), sl_bytes("\xff\0", 2)}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sl_buf b = SL_BUF_INIT;
        sl_err err = SL_ERR_INIT;
        cr_assert_eq(enc(cases[i].t, cases[i].v, &b, &err), SL_OK, "%zu: %s", i, err.msg);
        sl_value out;
        cr_assert_eq(dec(cases[i].t, b.p, b.n, &out, &err), SL_OK, "%zu: %s", i, err.msg);
        cr_assert(sl_value_equal(&cases[i].v, &out), "case %zu", i);
        sl_buf_free(&b);
    }
}

Test(raw, encode_null_yields_no_payload)
{
    sl_buf b = SL_BUF_INIT;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(enc(sl_type_string(), sl_null(), &b, &err), SL_DONE);
    cr_assert_eq(b.n, 0);
    cr_assert_eq(err.code, SL_OK);
}

Test(raw, encode_rejects_values_of_the_wrong_kind)
{
    sl_buf b = SL_BUF_INIT;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(enc(T(SL_TYPE_INT), sl_string("1", 1), &b, &err), SL_DATA);
    cr_assert_eq(b.n, 0);
}

Test(raw, more_than_one_column_is_rejected)
{
    const char *names[] = {"f0", "f1"};
    sl_type types[] = {sl_type_string(), T(SL_TYPE_BIGINT)};
    sl_format_ctx c = {&g_os, "raw.", 2, names, types, "topic", 0};
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_format_raw.validate(&c, &err), SL_CONFIG);
    cr_assert_str_eq(err.msg, "The 'raw' format only supports single physical column. However "
                              "the defined schema contains multiple physical columns: [`f0` "
                              "STRING, `f1` BIGINT]");
    sl_decoder *d = NULL;
    sl_err_clear(&err);
    cr_assert_eq(sl_format_raw.decoder_new(&c, &d, &err), SL_CONFIG);
}

Test(raw, unsupported_column_types_are_rejected)
{
    sl_type t = sl_type_decimal(10, 2);
    sl_format_ctx c = ctx1(&t);
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_format_raw.validate(&c, &err), SL_CONFIG);
    cr_assert_str_eq(err.msg, "The 'raw' format doesn't supports 'DECIMAL(10, 2)' as column type.");
}

Test(raw, unknown_charset_is_rejected)
{
    opt("raw.charset", "EBCDIC");
    sl_type t = sl_type_string();
    sl_format_ctx c = ctx1(&t);
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_format_raw.validate(&c, &err), SL_CONFIG);
    cr_assert_str_eq(err.msg, "Unsupported 'raw.charset' name: EBCDIC.");
}

Test(raw, unknown_endianness_is_rejected)
{
    opt("raw.endianness", "middle");
    sl_type t = T(SL_TYPE_INT);
    sl_format_ctx c = ctx1(&t);
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_format_raw.validate(&c, &err), SL_CONFIG);
    cr_assert_str_eq(err.msg, "Unsupported endianness name: middle. Valid values of "
                              "'raw.endianness' option are 'big-endian' and 'little-endian'.");
}
