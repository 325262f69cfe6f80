/*
** tests/unit/test_json.c — the 'json' format: decoding, encoding, options and messages.
**
** Each test states one behaviour. Expected values come from Flink's JSON format (its tests and
** the rules in flink-semantics.md 8.1) and from Java's own number and date parsers.
**
** SPDX-License-Identifier: MIT
*/
#include <criterion/criterion.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/arena.h"
#include "base/datetime.h"
#include "base/err.h"
#include "base/schema.h"
#include "formats/json.h"

static sl_arena g_ar;
static sl_opt g_items[32];
static sl_optset g_os;
static sl_buf g_out;

static void setup(void)
{
    sl_arena_init(&g_ar, 0);
    memset(&g_os, 0, sizeof g_os);
    g_os.items = g_items;
}

static void teardown(void)
{
    sl_arena_free(&g_ar);
    sl_buf_free(&g_out);
}

TestSuite(json, .init = setup, .fini = teardown);

static void opt(const char *key, const char *val)
{
    g_items[g_os.n].key = key;
    g_items[g_os.n].val = val;
    g_os.n++;
}

static sl_format_ctx ctx_of(int n, const char *const *names, const sl_type *types)
{
    sl_format_ctx c = {&g_os, "json.", n, names, types, "topic", 0};
    return c;
}

static sl_decoder *dec_new(int n, const char *const *names, const sl_type *types)
{
    sl_format_ctx c = ctx_of(n, names, types);
    sl_decoder *d = NULL;
    sl_err e = SL_ERR_INIT;
    int rc = sl_format_json.decoder_new(&c, &d, &e);
    cr_assert_eq(rc, SL_OK, "decoder_new: %s", e.msg);
    return d;
}

static int decode(sl_decoder *d, const char *json, sl_value *out, sl_err *err)
{
    return sl_format_json.decode(d, json, strlen(json), out, &g_ar, err);
}

/* Decode json into one column named f of type t. */
static int dec1(sl_type t, const char *json, sl_value *v, sl_err *err)
{
    static const char *const names[] = {"f"};
    sl_decoder *d = dec_new(1, names, &t);
    int rc = decode(d, json, v, err);
    sl_format_json.decoder_free(d);
    return rc;
}

static const char *enc(int n, const char *const *names, const sl_type *types, const sl_value *in,
                       int *rc_out, sl_err *err)
{
    sl_format_ctx c = ctx_of(n, names, types);
    sl_encoder *e = NULL;
    int rc = sl_format_json.encoder_new(&c, &e, err);
    cr_assert_eq(rc, SL_OK, "encoder_new: %s", err->msg);
    sl_buf_reset(&g_out);
    rc = sl_format_json.encode(e, in, &g_out, err);
    if (rc_out) *rc_out = rc;
    sl_format_json.encoder_free(e);
    return g_out.p ? g_out.p : "";
}

static const char *enc1(sl_type t, sl_value v)
{
    static const char *const names[] = {"f"};
    sl_err err = SL_ERR_INIT;
    int rc;
    const char *s = enc(1, names, &t, &v, &rc, &err);
    cr_assert_eq(rc, SL_OK, "encode: %s", err.msg);
    return s;
}

static void assert_str(const sl_value *v, const char *s)
{
    cr_assert_eq(v->tag, SL_V_STRING, "tag %d", v->tag);
    cr_assert_eq(v->n, strlen(s), "length %u, expected '%s', got '%.*s'", v->n, s, (int)v->n,
                 v->u.z);
    cr_assert(memcmp(v->u.z, s, v->n) == 0, "expected '%s', got '%.*s'", s, (int)v->n, v->u.z);
}

static sl_type T(sl_typeid id)
{
    return sl_type_make(id);
}

static double c_strtod(const char *s)
{
    return strtod(s, NULL);
}

/* ---- the seed record ------------------------------------------------------------------ */

static const char seed[] =
    "{\"order_id\":\"202303251202020001\", \"order_channel\":\"miniAppShop\", "
    "\"order_time\":\"2023-03-25 12:02:02\", \"pay_amount\":\"60.00\", \"real_pay\":\"60.00\", "
    "\"pay_time\":\"2023-03-25 12:03:00\", \"user_id\":\"0002\", \"user_name\":\"Bob\", "
    "\"area_id\":\"330110\"}";

static const char *const seed_names[9] = {"order_id",   "order_channel", "order_time",
                                          "pay_amount", "real_pay",      "pay_time",
                                          "user_id",    "user_name",     "area_id"};

static void seed_types(sl_type *t)
{
    for (int i = 0; i < 9; i++) t[i] = sl_type_string();
    t[3] = t[4] = T(SL_TYPE_DOUBLE);
}

Test(json, seed_record_decodes_nine_columns)
{
    sl_type types[9];
    seed_types(types);
    sl_decoder *d = dec_new(9, seed_names, types);
    sl_value out[9];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(decode(d, seed, out, &err), SL_OK, "%s", err.msg);
    assert_str(&out[0], "202303251202020001");
    assert_str(&out[1], "miniAppShop");
    assert_str(&out[2], "2023-03-25 12:02:02");
    cr_assert_eq(out[3].tag, SL_V_DOUBLE);
    cr_assert_eq(out[3].u.d, 60.0);
    cr_assert_eq(out[4].u.d, 60.0);
    assert_str(&out[5], "2023-03-25 12:03:00");
    assert_str(&out[6], "0002");
    assert_str(&out[7], "Bob");
    assert_str(&out[8], "330110");
    sl_format_json.decoder_free(d);
}

Test(json, seed_strings_are_zero_copy_slices_of_the_message)
{
    sl_type types[9];
    seed_types(types);
    sl_decoder *d = dec_new(9, seed_names, types);
    sl_value out[9];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(decode(d, seed, out, &err), SL_OK);
    cr_assert(out[0].u.z > seed && out[0].u.z < seed + sizeof seed);
    cr_assert(out[8].u.z > seed && out[8].u.z < seed + sizeof seed);
    sl_format_json.decoder_free(d);
}

Test(json, seed_record_round_trips_through_encode)
{
    sl_type types[9];
    seed_types(types);
    sl_decoder *d = dec_new(9, seed_names, types);
    sl_value out[9], again[9];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(decode(d, seed, out, &err), SL_OK);
    int rc;
    const char *s = enc(9, seed_names, types, out, &rc, &err);
    cr_assert_str_eq(s, "{\"order_id\":\"202303251202020001\",\"order_channel\":\"miniAppShop\","
                        "\"order_time\":\"2023-03-25 12:02:02\",\"pay_amount\":60.0,"
                        "\"real_pay\":60.0,\"pay_time\":\"2023-03-25 12:03:00\","
                        "\"user_id\":\"0002\",\"user_name\":\"Bob\",\"area_id\":\"330110\"}");
    char *copy = strdup(s);
    cr_assert_eq(decode(d, copy, again, &err), SL_OK);
    for (int i = 0; i < 9; i++) cr_assert(sl_value_equal(&out[i], &again[i]), "column %d", i);
    free(copy);
    sl_format_json.decoder_free(d);
}

/* ---- matching members ----------------------------------------------------------------- */

Test(json, members_are_matched_by_name_in_any_order)
{
    const char *names[] = {"a", "b", "c"};
    sl_type types[] = {T(SL_TYPE_INT), T(SL_TYPE_INT), T(SL_TYPE_INT)};
    sl_decoder *d = dec_new(3, names, types);
    sl_value out[3];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(decode(d, "{\"c\":3,\"a\":1,\"b\":2}", out, &err), SL_OK);
    cr_assert_eq(out[0].u.i, 1);
    cr_assert_eq(out[1].u.i, 2);
    cr_assert_eq(out[2].u.i, 3);
    sl_format_json.decoder_free(d);
}

Test(json, member_names_are_case_sensitive)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_INT), "{\"F\":1}", &v, &err), SL_OK);
    cr_assert_eq(v.tag, SL_V_NULL);
}

Test(json, extra_members_of_every_kind_are_skipped)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    const char *js = "{\"x\":{\"y\":[1,2.5e3,-0,{\"z\":null}],\"w\":\"s\\\"\"},\"t\":true,"
                     "\"u\":false,\"n\":null,\"q\":[],\"r\":{},\"f\":7,\"g\":\"\\u00e9\"}";
    cr_assert_eq(dec1(T(SL_TYPE_INT), js, &v, &err), SL_OK, "%s", err.msg);
    cr_assert_eq(v.u.i, 7);
}

Test(json, missing_member_reads_as_null)
{
    const char *names[] = {"a", "b"};
    sl_type types[] = {T(SL_TYPE_INT), sl_type_string()};
    sl_decoder *d = dec_new(2, names, types);
    sl_value out[2];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(decode(d, "{\"a\":1}", out, &err), SL_OK);
    cr_assert_eq(out[1].tag, SL_V_NULL);
    sl_format_json.decoder_free(d);
}

Test(json, fail_on_missing_field_names_the_field)
{
    opt("json.fail-on-missing-field", "true");
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(sl_type_string(), "{\"id\":123123123}", &v, &err), SL_DATA);
    cr_assert_str_eq(err.msg, "Failed to deserialize JSON '{\"id\":123123123}'. Could not find "
                              "field with name 'f'.");
}

Test(json, fail_on_missing_field_reports_the_nested_path)
{
    opt("json.fail-on-missing-field", "true");
    static sl_field inner[] = {{"x", {0}}};
    inner[0].type = T(SL_TYPE_INT);
    sl_type row = T(SL_TYPE_ROW);
    row.fields = inner;
    row.nfields = 1;
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(row, "{\"f\":{}}", &v, &err), SL_DATA);
    cr_assert_str_eq(err.msg,
                     "Failed to deserialize JSON '{\"f\":{}}'. Could not find field with name "
                     "'f.x'.");
}

Test(json, json_null_reads_as_null)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_INT), "{\"f\":null}", &v, &err), SL_OK);
    cr_assert_eq(v.tag, SL_V_NULL);
}

Test(json, duplicate_members_keep_the_last_value)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_INT), "{\"f\":1,\"f\":2}", &v, &err), SL_OK);
    cr_assert_eq(v.u.i, 2);
}

Test(json, escaped_member_names_match_fields)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_INT), "{\"\\u0066\":5}", &v, &err), SL_OK);
    cr_assert_eq(v.u.i, 5);
}

Test(json, many_fields_are_found_through_the_name_table)
{
    enum { N = 100 };
    static char namebuf[N][8];
    const char *names[N];
    sl_type types[N];
    for (int i = 0; i < N; i++) {
        snprintf(namebuf[i], sizeof namebuf[i], "c%d", i);
        names[i] = namebuf[i];
        types[i] = T(SL_TYPE_INT);
    }
    sl_buf js = SL_BUF_INIT;
    sl_buf_putc(&js, '{');
    for (int i = N - 1; i >= 0; i--)
        sl_buf_printf(&js, "%s\"c%d\":%d", i == N - 1 ? "" : ",", i, i * 3);
    sl_buf_putc(&js, '}');
    sl_decoder *d = dec_new(N, names, types);
    sl_value out[N];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(decode(d, js.p, out, &err), SL_OK, "%s", err.msg);
    for (int i = 0; i < N; i++) cr_assert_eq(out[i].u.i, i * 3);
    sl_format_json.decoder_free(d);
    sl_buf_free(&js);
}

/* ---- payload-level outcomes ----------------------------------------------------------- */

Test(json, null_payload_yields_no_row)
{
    const char *names[] = {"f"};
    sl_type t = T(SL_TYPE_INT);
    sl_decoder *d = dec_new(1, names, &t);
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_format_json.decode(d, NULL, 0, &v, &g_ar, &err), SL_DONE);
    cr_assert_eq(err.code, SL_OK);
    sl_format_json.decoder_free(d);
}

Test(json, empty_payload_yields_no_row)
{
    const char *names[] = {"f"};
    sl_type t = T(SL_TYPE_INT);
    sl_decoder *d = dec_new(1, names, &t);
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_format_json.decode(d, "", 0, &v, &g_ar, &err), SL_DONE);
    sl_format_json.decoder_free(d);
}

Test(json, empty_payload_is_an_error_for_the_legacy_parser)
{
    opt("json.decode.json-parser.enabled", "false");
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_INT), "", &v, &err), SL_DATA);
    cr_assert_str_eq(err.msg, "Failed to deserialize JSON ''. No content to map due to "
                              "end-of-input at offset 0.");
}

Test(json, blank_payload_is_an_error)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_INT), "  \n", &v, &err), SL_DATA);
    cr_assert_str_eq(err.msg, "Failed to deserialize JSON '  \\n'. Unexpected end of input, "
                              "expected a JSON object at offset 3.");
}

Test(json, top_level_array_is_an_error)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_INT), "[{\"f\":1}]", &v, &err), SL_DATA);
    cr_assert_str_eq(err.msg, "Failed to deserialize JSON '[{\"f\":1}]'. Unexpected character "
                              "'[', expected a JSON object at offset 0.");
}

Test(json, top_level_scalar_is_an_error)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_INT), "42", &v, &err), SL_DATA);
    cr_assert_eq(dec1(T(SL_TYPE_INT), "null", &v, &err), SL_DATA);
}

Test(json, leading_and_trailing_blanks_are_allowed)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_INT), " \t\r\n{ \"f\" : 1 } \n", &v, &err), SL_OK, "%s", err.msg);
    cr_assert_eq(v.u.i, 1);
}

Test(json, trailing_characters_are_an_error)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_INT), "{\"f\":1} x", &v, &err), SL_DATA);
    cr_assert_str_eq(err.msg, "Failed to deserialize JSON '{\"f\":1} x'. Unexpected characters "
                              "after the JSON object at offset 8.");
}

Test(json, unterminated_object_is_an_error)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_INT), "{\"f\":1", &v, &err), SL_DATA);
    cr_assert_str_eq(err.msg, "Failed to deserialize JSON '{\"f\":1'. Unexpected end of input, "
                              "expected ',' or '}' at offset 6.");
}

Test(json, unterminated_string_is_an_error)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(sl_type_string(), "{\"f\":\"abc", &v, &err), SL_DATA);
    cr_assert(strstr(err.msg, "Unexpected end of input inside a string at offset 9."), "%s",
              err.msg);
}

Test(json, missing_colon_is_an_error)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_INT), "{\"f\" 1}", &v, &err), SL_DATA);
    cr_assert(strstr(err.msg, "Unexpected character '1', expected ':' at offset 5."), "%s",
              err.msg);
}

Test(json, malformed_skipped_members_are_still_errors)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_INT), "{\"x\":[1,2},\"f\":1}", &v, &err), SL_DATA);
    cr_assert(strstr(err.msg, "expected ',' or ']'"), "%s", err.msg);
    cr_assert_eq(dec1(T(SL_TYPE_INT), "{\"x\":{\"a\" 1},\"f\":1}", &v, &err), SL_DATA);
    cr_assert_eq(dec1(T(SL_TYPE_INT), "{\"x\":[1,],\"f\":1}", &v, &err), SL_DATA);
    cr_assert_eq(dec1(T(SL_TYPE_INT), "{\"x\":{,},\"f\":1}", &v, &err), SL_DATA);
}

Test(json, trailing_comma_in_object_is_an_error)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_INT), "{\"f\":1,}", &v, &err), SL_DATA);
    cr_assert(strstr(err.msg, "Unexpected character '}', expected a field name"), "%s", err.msg);
}

Test(json, invalid_escape_is_an_error)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(sl_type_string(), "{\"f\":\"a\\qb\"}", &v, &err), SL_DATA);
    cr_assert(strstr(err.msg, "Invalid escape character 'q' in a string at offset 7."), "%s",
              err.msg);
    cr_assert_eq(dec1(sl_type_string(), "{\"f\":\"\\u12G4\"}", &v, &err), SL_DATA);
}

Test(json, invalid_utf8_in_a_string_is_an_error)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(sl_type_string(), "{\"f\":\"a\xff\"}", &v, &err), SL_DATA);
    cr_assert_str_eq(err.msg, "Failed to deserialize JSON '{\"f\":\"a\\xFF\"}'. Invalid UTF-8 "
                              "byte 0xFF in a string at offset 7.");
}

Test(json, overlong_and_surrogate_utf8_are_errors)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(sl_type_string(), "{\"f\":\"\xc0\xaf\"}", &v, &err), SL_DATA);
    cr_assert_eq(dec1(sl_type_string(), "{\"f\":\"\xed\xa0\x80\"}", &v, &err), SL_DATA);
    cr_assert_eq(dec1(sl_type_string(), "{\"f\":\"\xf4\x90\x80\x80\"}", &v, &err), SL_DATA);
    cr_assert_eq(dec1(sl_type_string(), "{\"f\":\"\xe2\x82\"}", &v, &err), SL_DATA);
}

Test(json, invalid_utf8_in_a_skipped_member_is_an_error)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_INT), "{\"x\":\"\x80\",\"f\":1}", &v, &err), SL_DATA);
}

Test(json, valid_multibyte_utf8_is_kept)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(
        dec1(sl_type_string(), "{\"f\":\"h\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80\"}", &v, &err),
        SL_OK);
    assert_str(&v, "h\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80");
}

Test(json, raw_control_character_in_a_string_is_an_error)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(sl_type_string(), "{\"f\":\"a\nb\"}", &v, &err), SL_DATA);
    cr_assert(strstr(err.msg, "Unescaped control character 0x0A in a string at offset 7."), "%s",
              err.msg);
}

Test(json, nesting_deeper_than_the_limit_is_an_error)
{
    sl_buf js = SL_BUF_INIT;
    sl_buf_puts(&js, "{\"x\":");
    for (int i = 0; i < 600; i++) sl_buf_putc(&js, '[');
    for (int i = 0; i < 600; i++) sl_buf_putc(&js, ']');
    sl_buf_puts(&js, ",\"f\":1}");
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_INT), js.p, &v, &err), SL_DATA);
    cr_assert(strstr(err.msg, "Nesting deeper than 512 levels at offset 516."), "%s", err.msg);
    sl_buf_free(&js);
}

Test(json, nesting_up_to_the_limit_is_accepted)
{
    sl_buf js = SL_BUF_INIT;
    sl_buf_puts(&js, "{\"x\":");
    for (int i = 0; i < 511; i++) sl_buf_putc(&js, '[');
    for (int i = 0; i < 511; i++) sl_buf_putc(&js, ']');
    sl_buf_puts(&js, ",\"f\":1}");
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_INT), js.p, &v, &err), SL_OK, "%s", err.msg);
    sl_buf_free(&js);
}

Test(json, a_million_open_brackets_do_not_overflow_the_stack)
{
    size_t n = 1000000;
    char *js = malloc(n + 8);
    memcpy(js, "{\"f\":", 5);
    memset(js + 5, '[', n);
    js[n + 5] = 0;
    static sl_type elem;
    elem = T(SL_TYPE_INT);
    sl_type arr = T(SL_TYPE_ARRAY);
    arr.elem = &elem;
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(arr, js, &v, &err), SL_DATA);
    cr_assert_eq(dec1(sl_type_string(), js, &v, &err), SL_DATA);
    free(js);
}

Test(json, deeply_nested_typed_arrays_are_limited_too)
{
    /* ARRAY<ARRAY<...>> nested deeper than the limit through typed recursion. */
    static sl_type levels[600];
    levels[0] = T(SL_TYPE_INT);
    for (int i = 1; i < 600; i++) {
        levels[i] = T(SL_TYPE_ARRAY);
        levels[i].elem = &levels[i - 1];
    }
    sl_buf js = SL_BUF_INIT;
    sl_buf_puts(&js, "{\"f\":");
    for (int i = 0; i < 599; i++) sl_buf_putc(&js, '[');
    sl_buf_putc(&js, '1');
    for (int i = 0; i < 599; i++) sl_buf_putc(&js, ']');
    sl_buf_putc(&js, '}');
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(levels[599], js.p, &v, &err), SL_DATA);
    cr_assert(strstr(err.msg, "Nesting deeper than 512 levels"), "%s", err.msg);
    sl_buf_free(&js);
}

/* ---- strings -------------------------------------------------------------------------- */

Test(json, escapes_are_decoded)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(sl_type_string(),
                      "{\"f\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\u20ac\\ud83d\\ude00\"}", &v,
                      &err),
                 SL_OK, "%s", err.msg);
    assert_str(&v, "a\"b\\c/d\b\f\n\r\t\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
}

Test(json, escaped_nul_is_kept_in_the_string)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(sl_type_string(), "{\"f\":\"a\\u0000b\"}", &v, &err), SL_OK);
    cr_assert_eq(v.n, 3);
    cr_assert(memcmp(v.u.z, "a\0b", 3) == 0);
}

Test(json, lone_surrogate_escape_becomes_a_question_mark)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(sl_type_string(), "{\"f\":\"x\\ud800y\\udc00\"}", &v, &err), SL_OK);
    assert_str(&v, "x?y?");
}

Test(json, char_columns_read_strings)
{
    sl_type t = T(SL_TYPE_CHAR);
    t.length = 3;
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(t, "{\"f\":\"abc\"}", &v, &err), SL_OK);
    assert_str(&v, "abc");
}

Test(json, number_into_string_keeps_its_literal_text)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(sl_type_string(), "{\"f\":1.50e3}", &v, &err), SL_OK);
    assert_str(&v, "1.50e3");
    cr_assert_eq(dec1(sl_type_string(), "{\"f\":-0}", &v, &err), SL_OK);
    assert_str(&v, "-0");
}

Test(json, boolean_into_string_is_its_text)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(sl_type_string(), "{\"f\":true}", &v, &err), SL_OK);
    assert_str(&v, "true");
}

Test(json, object_into_string_is_compact_json)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(sl_type_string(),
                      "{\"f\": { \"a\" : [ 1 , 2 ] ,\n \"b\" : { } , \"c\" : null, \"d\": "
                      "\"x\\u0041\\n\\u0001/\\/\" } }",
                      &v, &err),
                 SL_OK, "%s", err.msg);
    assert_str(&v, "{\"a\":[1,2],\"b\":{},\"c\":null,\"d\":\"xA\\n\\u0001//\"}");
}

Test(json, array_into_string_is_compact_json)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(sl_type_string(), "{\"f\":[ true, false ,\"\xc3\xa9\", [] ]}", &v, &err),
                 SL_OK);
    assert_str(&v, "[true,false,\"\xc3\xa9\",[]]");
}

Test(json, floats_inside_json_text_print_as_java_doubles)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(sl_type_string(), "{\"f\":[1e2,1.50,-0,0.0001,1e400,12345678.9]}", &v, &err),
                 SL_OK);
    assert_str(&v, "[100.0,1.5,0,1.0E-4,\"Infinity\",1.23456789E7]");
}

Test(json, floats_inside_json_text_print_as_bigdecimals_when_the_schema_has_a_decimal)
{
    const char *names[] = {"f", "d"};
    sl_type types[] = {sl_type_string(), sl_type_decimal(10, 2)};
    sl_decoder *d = dec_new(2, names, types);
    sl_value out[2];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(decode(d, "{\"f\":[1e2,1.50,0.000,1.5e-9,-2.50e1]}", out, &err), SL_OK);
    assert_str(&out[0], "[1E+2,1.5,0,1.5E-9,-25]");
    sl_format_json.decoder_free(d);
}

/* ---- integers ------------------------------------------------------------------------- */

Test(json, integers_decode_at_every_width)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_TINYINT), "{\"f\":-128}", &v, &err), SL_OK);
    cr_assert_eq(v.u.i, -128);
    cr_assert_eq(dec1(T(SL_TYPE_SMALLINT), "{\"f\":32767}", &v, &err), SL_OK);
    cr_assert_eq(v.u.i, 32767);
    cr_assert_eq(dec1(T(SL_TYPE_INT), "{\"f\":-2147483648}", &v, &err), SL_OK);
    cr_assert_eq(v.u.i, INT32_MIN);
    cr_assert_eq(dec1(T(SL_TYPE_BIGINT), "{\"f\":9223372036854775807}", &v, &err), SL_OK);
    cr_assert_eq(v.u.i, INT64_MAX);
    cr_assert_eq(dec1(T(SL_TYPE_BIGINT), "{\"f\":-9223372036854775808}", &v, &err), SL_OK);
    cr_assert_eq(v.u.i, INT64_MIN);
}

Test(json, tinyint_out_of_range_is_an_error)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_TINYINT), "{\"f\":300}", &v, &err), SL_DATA);
    cr_assert_str_eq(err.msg, "Failed to deserialize JSON '{\"f\":300}'. Field 'f': cannot "
                              "convert 300 to TINYINT: out of range.");
}

Test(json, smallint_and_int_out_of_range_are_errors)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_SMALLINT), "{\"f\":32768}", &v, &err), SL_DATA);
    cr_assert_eq(dec1(T(SL_TYPE_INT), "{\"f\":2147483648}", &v, &err), SL_DATA);
    cr_assert_eq(dec1(T(SL_TYPE_INT), "{\"f\":\"2147483648\"}", &v, &err), SL_DATA);
}

Test(json, bigint_overflow_is_an_error)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_BIGINT), "{\"f\":9223372036854775808}", &v, &err), SL_DATA);
    cr_assert_eq(dec1(T(SL_TYPE_BIGINT), "{\"f\":-9223372036854775809}", &v, &err), SL_DATA);
    cr_assert_eq(dec1(T(SL_TYPE_BIGINT), "{\"f\":123456789012345678901234567890}", &v, &err),
                 SL_DATA);
}

Test(json, integers_may_be_given_as_strings)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_INT), "{\"f\":\"42\"}", &v, &err), SL_OK);
    cr_assert_eq(v.u.i, 42);
    cr_assert_eq(dec1(T(SL_TYPE_INT), "{\"f\":\" +42 \"}", &v, &err), SL_OK);
    cr_assert_eq(v.u.i, 42);
}

Test(json, integer_strings_that_are_not_integers_are_errors)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_INT), "{\"f\":\"abc\"}", &v, &err), SL_DATA);
    cr_assert_str_eq(err.msg, "Failed to deserialize JSON '{\"f\":\"abc\"}'. Field 'f': cannot "
                              "convert \"abc\" to INT.");
    cr_assert_eq(dec1(T(SL_TYPE_INT), "{\"f\":\"1.5\"}", &v, &err), SL_DATA);
    cr_assert_eq(dec1(T(SL_TYPE_BIGINT), "{\"f\":\"\"}", &v, &err), SL_DATA);
}

Test(json, fractional_numbers_truncate_into_int_and_bigint)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_BIGINT), "{\"f\":112.013}", &v, &err), SL_OK);
    cr_assert_eq(v.u.i, 112);
    cr_assert_eq(dec1(T(SL_TYPE_INT), "{\"f\":-1.9}", &v, &err), SL_OK);
    cr_assert_eq(v.u.i, -1);
    cr_assert_eq(dec1(T(SL_TYPE_BIGINT), "{\"f\":1e3}", &v, &err), SL_OK);
    cr_assert_eq(v.u.i, 1000);
    cr_assert_eq(dec1(T(SL_TYPE_INT), "{\"f\":1e10}", &v, &err), SL_DATA);
}

Test(json, fractional_numbers_are_errors_for_tinyint_and_smallint)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_TINYINT), "{\"f\":1.5}", &v, &err), SL_DATA);
    cr_assert_eq(dec1(T(SL_TYPE_SMALLINT), "{\"f\":1e2}", &v, &err), SL_DATA);
}

Test(json, invalid_number_syntax_is_an_error)
{
    const char *bad[] = {"{\"f\":01}", "{\"f\":1.}", "{\"f\":-}",    "{\"f\":1e}",
                         "{\"f\":+1}", "{\"f\":.5}", "{\"f\":1.e5}", "{\"f\":NaN}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sl_value v;
        sl_err err = SL_ERR_INIT;
        cr_assert_eq(dec1(T(SL_TYPE_DOUBLE), bad[i], &v, &err), SL_DATA, "%s", bad[i]);
    }
}

Test(json, misspelled_literals_are_errors)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_BOOLEAN), "{\"f\":tru}", &v, &err), SL_DATA);
    cr_assert_eq(dec1(T(SL_TYPE_BOOLEAN), "{\"f\":nul}", &v, &err), SL_DATA);
    cr_assert_eq(dec1(T(SL_TYPE_BOOLEAN), "{\"f\":True}", &v, &err), SL_DATA);
}

/* ---- floating point ------------------------------------------------------------------- */

Test(json, doubles_may_be_given_as_strings)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_DOUBLE), "{\"f\":\"60.00\"}", &v, &err), SL_OK);
    cr_assert_eq(v.u.d, 60.0);
    cr_assert_eq(dec1(T(SL_TYPE_DOUBLE), "{\"f\":\" 1.5d \"}", &v, &err), SL_OK);
    cr_assert_eq(v.u.d, 1.5);
    cr_assert_eq(dec1(T(SL_TYPE_DOUBLE), "{\"f\":\"0x1.8p1\"}", &v, &err), SL_OK);
    cr_assert_eq(v.u.d, 3.0);
}

Test(json, double_strings_accept_nan_and_infinity)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_DOUBLE), "{\"f\":\"NaN\"}", &v, &err), SL_OK);
    cr_assert(isnan(v.u.d));
    cr_assert_eq(dec1(T(SL_TYPE_DOUBLE), "{\"f\":\"-Infinity\"}", &v, &err), SL_OK);
    cr_assert(isinf(v.u.d) && v.u.d < 0);
    cr_assert_eq(dec1(T(SL_TYPE_DOUBLE), "{\"f\":\"inf\"}", &v, &err), SL_DATA);
}

Test(json, unparsable_double_names_field_and_value)
{
    const char *names[] = {"pay_amount"};
    sl_type t = T(SL_TYPE_DOUBLE);
    sl_decoder *d = dec_new(1, names, &t);
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(decode(d, "{\"pay_amount\":\"abc\"}", &v, &err), SL_DATA);
    cr_assert_str_eq(err.msg, "Failed to deserialize JSON '{\"pay_amount\":\"abc\"}'. Field "
                              "'pay_amount': cannot convert \"abc\" to DOUBLE.");
    sl_format_json.decoder_free(d);
}

Test(json, doubles_are_correctly_rounded)
{
    const char *cases[] = {"0.1",
                           "2.2250738585072011e-308",
                           "9007199254740993",
                           "1.7976931348623157e308",
                           "4.9e-324",
                           "123456789012345678901234567890",
                           "0.30000000000000004",
                           "1e23",
                           "8.41e21",
                           "5e-324",
                           "1.00000000000000011102230246251565404236316680908203125",
                           "7.2057594037927933e16"};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char js[128];
        snprintf(js, sizeof js, "{\"f\":%s}", cases[i]);
        sl_value v;
        sl_err err = SL_ERR_INIT;
        cr_assert_eq(dec1(T(SL_TYPE_DOUBLE), js, &v, &err), SL_OK);
        cr_assert_eq(v.u.d, c_strtod(cases[i]), "%s", cases[i]);
        snprintf(js, sizeof js, "{\"f\":\"%s\"}", cases[i]);
        cr_assert_eq(dec1(T(SL_TYPE_DOUBLE), js, &v, &err), SL_OK);
        cr_assert_eq(v.u.d, c_strtod(cases[i]), "string %s", cases[i]);
    }
}

Test(json, doubles_ignore_a_comma_decimal_locale)
{
    if (!setlocale(LC_NUMERIC, "de_DE.UTF-8") && !setlocale(LC_NUMERIC, "fr_FR.UTF-8"))
        cr_skip_test("no locale with a decimal comma installed");
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_DOUBLE), "{\"f\":1.0000000000000002e-300}", &v, &err), SL_OK);
    setlocale(LC_NUMERIC, "C");
    cr_assert_eq(v.u.d, strtod("1.0000000000000002e-300", NULL));
}

Test(json, huge_exponents_become_infinity_or_zero)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_DOUBLE), "{\"f\":1e400}", &v, &err), SL_OK);
    cr_assert(isinf(v.u.d));
    cr_assert_eq(dec1(T(SL_TYPE_DOUBLE), "{\"f\":-1e-400}", &v, &err), SL_OK);
    cr_assert(v.u.d == 0 && signbit(v.u.d));
}

Test(json, floats_are_rounded_to_float)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_FLOAT), "{\"f\":0.33333334}", &v, &err), SL_OK);
    cr_assert_eq(v.u.d, (double)0.33333334f);
    cr_assert_eq(dec1(T(SL_TYPE_FLOAT), "{\"f\":\"33.333\"}", &v, &err), SL_OK);
    cr_assert_eq(v.u.d, (double)33.333f);
}

/* ---- booleans ------------------------------------------------------------------------- */

Test(json, booleans_decode_from_literals_and_strings)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_BOOLEAN), "{\"f\":true}", &v, &err), SL_OK);
    cr_assert_eq(v.tag, SL_V_BOOL);
    cr_assert_eq(v.u.i, 1);
    cr_assert_eq(dec1(T(SL_TYPE_BOOLEAN), "{\"f\":\"TRUE\"}", &v, &err), SL_OK);
    cr_assert_eq(v.u.i, 1);
    cr_assert_eq(dec1(T(SL_TYPE_BOOLEAN), "{\"f\":\"false\"}", &v, &err), SL_OK);
    cr_assert_eq(v.u.i, 0);
}

Test(json, other_boolean_text_reads_false_as_java_parse_boolean)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_BOOLEAN), "{\"f\":\"trueA\"}", &v, &err), SL_OK);
    cr_assert_eq(v.u.i, 0);
    cr_assert_eq(dec1(T(SL_TYPE_BOOLEAN), "{\"f\":1}", &v, &err), SL_OK);
    cr_assert_eq(v.u.i, 0);
}

Test(json, objects_are_not_booleans)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_BOOLEAN), "{\"f\":{\"a\":1}}", &v, &err), SL_DATA);
    cr_assert_str_eq(err.msg, "Failed to deserialize JSON '{\"f\":{\"a\":1}}'. Field 'f': "
                              "cannot convert {\"a\":1} to BOOLEAN.");
}

/* ---- decimals ------------------------------------------------------------------------- */

Test(json, decimals_round_half_up_to_the_scale)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(sl_type_decimal(5, 2), "{\"f\":1.005}", &v, &err), SL_OK);
    cr_assert_eq(v.tag, SL_V_DECIMAL);
    cr_assert_eq(v.scale, 2);
    cr_assert_eq(v.u.i, 101);
    cr_assert_eq(dec1(sl_type_decimal(5, 2), "{\"f\":-1.005}", &v, &err), SL_OK);
    cr_assert_eq(v.u.i, -101);
    cr_assert_eq(dec1(sl_type_decimal(5, 2), "{\"f\":1.004}", &v, &err), SL_OK);
    cr_assert_eq(v.u.i, 100);
    cr_assert_eq(dec1(sl_type_decimal(5, 0), "{\"f\":12e2}", &v, &err), SL_OK);
    cr_assert_eq(v.u.i, 1200);
}

Test(json, decimals_may_be_given_as_strings)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(sl_type_decimal(10, 3), "{\"f\":\" 12.3456 \"}", &v, &err), SL_OK);
    cr_assert_eq(v.u.i, 12346);
    cr_assert_eq(dec1(sl_type_decimal(10, 3), "{\"f\":\"abc\"}", &v, &err), SL_DATA);
    cr_assert_eq(dec1(sl_type_decimal(10, 3), "{\"f\":\"1,5\"}", &v, &err), SL_DATA);
}

Test(json, decimal_precision_overflow_is_an_error)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(sl_type_decimal(5, 2), "{\"f\":1234.5}", &v, &err), SL_DATA);
    cr_assert_str_eq(err.msg, "Failed to deserialize JSON '{\"f\":1234.5}'. Field 'f': cannot "
                              "convert 1234.5 to DECIMAL(5, 2): precision overflow.");
    cr_assert_eq(dec1(sl_type_decimal(2, 2), "{\"f\":0.995}", &v, &err), SL_DATA);
}

Test(json, decimal_precision_overflow_reads_null_when_ignoring_errors)
{
    opt("json.ignore-parse-errors", "true");
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(sl_type_decimal(5, 2), "{\"f\":1234.5}", &v, &err), SL_OK);
    cr_assert_eq(v.tag, SL_V_NULL);
}

Test(json, wide_decimals_keep_all_38_digits)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(
        dec1(sl_type_decimal(38, 10), "{\"f\":1234567890123456789012345678.0123456789}", &v, &err),
        SL_OK, "%s", err.msg);
    cr_assert(v.flags & SL_VF_WIDE);
    const char *digits = "12345678901234567890123456780123456789";
    __int128 want = 0;
    for (const char *c = digits; *c; c++) want = want * 10 + (*c - '0');
    cr_assert(sl_decimal_unscaled(&v) == want);
}

Test(json, booleans_are_not_decimals)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(sl_type_decimal(5, 2), "{\"f\":true}", &v, &err), SL_DATA);
}

/* ---- binary, dates and times ---------------------------------------------------------- */

Test(json, bytes_decode_from_base64)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_VARBINARY), "{\"f\":\"awML\"}", &v, &err), SL_OK);
    cr_assert_eq(v.tag, SL_V_BYTES);
    cr_assert_eq(v.n, 3);
    cr_assert(memcmp(v.u.z, "\x6b\x03\x0b", 3) == 0);
    cr_assert_eq(dec1(T(SL_TYPE_VARBINARY), "{\"f\":\"aGk=\"}", &v, &err), SL_OK);
    cr_assert_eq(v.n, 2);
    cr_assert_eq(dec1(T(SL_TYPE_VARBINARY), "{\"f\":\"\"}", &v, &err), SL_OK);
    cr_assert_eq(v.n, 0);
}

Test(json, invalid_base64_is_an_error)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_VARBINARY), "{\"f\":\"aGk\"}", &v, &err), SL_DATA);
    cr_assert_str_eq(err.msg, "Failed to deserialize JSON '{\"f\":\"aGk\"}'. Field 'f': cannot "
                              "convert \"aGk\" to BYTES: invalid base64.");
    cr_assert_eq(dec1(T(SL_TYPE_VARBINARY), "{\"f\":\"a$k=\"}", &v, &err), SL_DATA);
    cr_assert_eq(dec1(T(SL_TYPE_VARBINARY), "{\"f\":12}", &v, &err), SL_DATA);
}

Test(json, dates_use_iso_local_date)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_DATE), "{\"f\":\"2020-03-08\"}", &v, &err), SL_OK);
    cr_assert_eq(v.tag, SL_V_DATE);
    cr_assert_eq(v.u.i, sl_days_from_civil(2020, 3, 8));
    cr_assert_eq(dec1(T(SL_TYPE_DATE), "{\"f\":\"1969-12-31\"}", &v, &err), SL_OK);
    cr_assert_eq(v.u.i, -1);
}

Test(json, malformed_dates_are_errors)
{
    const char *bad[] = {"{\"f\":\"20191112\"}", "{\"f\":\"2020-3-8\"}", "{\"f\":\"2020-02-30\"}",
                         "{\"f\":\" 2020-03-08\"}", "{\"f\":20200308}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sl_value v;
        sl_err err = SL_ERR_INIT;
        cr_assert_eq(dec1(T(SL_TYPE_DATE), bad[i], &v, &err), SL_DATA, "%s", bad[i]);
    }
    sl_value v;
    sl_err err = SL_ERR_INIT;
    dec1(T(SL_TYPE_DATE), "{\"f\":\"20191112\"}", &v, &err);
    cr_assert_str_eq(err.msg, "Failed to deserialize JSON '{\"f\":\"20191112\"}'. Field 'f': "
                              "cannot convert \"20191112\" to DATE: expected 'yyyy-MM-dd'.");
}

Test(json, times_keep_milliseconds_within_the_precision)
{
    sl_type t3 = T(SL_TYPE_TIME), t0 = T(SL_TYPE_TIME);
    t3.precision = 3;
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(t3, "{\"f\":\"13:12:11.123456\"}", &v, &err), SL_OK);
    cr_assert_eq(v.tag, SL_V_TIME);
    cr_assert_eq(v.u.i, ((13 * 60 + 12) * 60 + 11) * INT64_C(1000000000) + 123000000);
    cr_assert_eq(dec1(t0, "{\"f\":\"13:12:11.9\"}", &v, &err), SL_OK);
    cr_assert_eq(v.u.i, ((13 * 60 + 12) * 60 + 11) * INT64_C(1000000000));
}

Test(json, times_need_seconds)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_TIME), "{\"f\":\"13:12\"}", &v, &err), SL_DATA);
    cr_assert_eq(dec1(T(SL_TYPE_TIME), "{\"f\":\"18:00:243\"}", &v, &err), SL_DATA);
    cr_assert_eq(dec1(T(SL_TYPE_TIME), "{\"f\":\"24:00:00\"}", &v, &err), SL_DATA);
}

Test(json, sql_timestamps_use_a_space)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    sl_type t = sl_type_timestamp(SL_TYPE_TIMESTAMP, 9);
    cr_assert_eq(dec1(t, "{\"f\":\"2020-03-08 13:12:11.123456789\"}", &v, &err), SL_OK);
    cr_assert_eq(v.tag, SL_V_TIMESTAMP);
    cr_assert_eq(v.u.i, sl_days_from_civil(2020, 3, 8) * 86400 + (13 * 60 + 12) * 60 + 11);
    cr_assert_eq(v.n, 123456789u);
    cr_assert_eq(dec1(t, "{\"f\":\"2020-03-08 13:12\"}", &v, &err), SL_OK);
    cr_assert_eq(v.n, 0u);
    cr_assert_eq(dec1(t, "{\"f\":\"2020-03-08T13:12:11\"}", &v, &err), SL_DATA);
    cr_assert_str_eq(err.msg,
                     "Failed to deserialize JSON '{\"f\":\"2020-03-08T13:12:11\"}'. Field 'f': "
                     "cannot convert \"2020-03-08T13:12:11\" to TIMESTAMP(9): expected "
                     "'yyyy-MM-dd HH:mm:ss[.fffffffff]'.");
}

Test(json, iso_timestamps_use_a_t)
{
    opt("json.timestamp-format.standard", "ISO-8601");
    sl_value v;
    sl_err err = SL_ERR_INIT;
    sl_type t = sl_type_timestamp(SL_TYPE_TIMESTAMP, 3);
    cr_assert_eq(dec1(t, "{\"f\":\"2020-03-08T13:12:11.5\"}", &v, &err), SL_OK);
    cr_assert_eq(v.n, 500000000u);
    cr_assert_eq(dec1(t, "{\"f\":\"2020-03-08 13:12:11\"}", &v, &err), SL_DATA);
}

Test(json, local_zoned_timestamps_need_the_z)
{
    sl_type t = sl_type_timestamp(SL_TYPE_TIMESTAMP_LTZ, 3);
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(t, "{\"f\":\"1990-10-14 12:12:43.123Z\"}", &v, &err), SL_OK);
    cr_assert_eq(v.u.i, sl_days_from_civil(1990, 10, 14) * 86400 + (12 * 60 + 12) * 60 + 43);
    cr_assert_eq(v.n, 123000000u);
    cr_assert_eq(dec1(t, "{\"f\":\"1990-10-14 12:12:43.123\"}", &v, &err), SL_DATA);
    cr_assert(strstr(err.msg, "expected 'yyyy-MM-dd HH:mm:ss[.fffffffff]Z'"), "%s", err.msg);
}

/* ---- containers ----------------------------------------------------------------------- */

Test(json, arrays_decode_with_null_elements)
{
    static sl_type elem;
    elem = T(SL_TYPE_INT);
    sl_type arr = T(SL_TYPE_ARRAY);
    arr.elem = &elem;
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(arr, "{\"f\":[1, null, \"3\"]}", &v, &err), SL_OK);
    cr_assert_eq(v.tag, SL_V_ARRAY);
    cr_assert_eq(v.n, 3);
    cr_assert_eq(v.u.list[0].u.i, 1);
    cr_assert_eq(v.u.list[1].tag, SL_V_NULL);
    cr_assert_eq(v.u.list[2].u.i, 3);
    cr_assert_eq(dec1(arr, "{\"f\":[]}", &v, &err), SL_OK);
    cr_assert_eq(v.n, 0);
}

Test(json, nested_arrays_decode)
{
    static sl_type s, inner;
    s = sl_type_string();
    inner = T(SL_TYPE_ARRAY);
    inner.elem = &s;
    sl_type outer = T(SL_TYPE_ARRAY);
    outer.elem = &inner;
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(outer, "{\"f\":[[\"a\",\"b\"],[],[\"c\"]]}", &v, &err), SL_OK);
    cr_assert_eq(v.n, 3);
    cr_assert_eq(v.u.list[0].n, 2);
    assert_str(&v.u.list[0].u.list[1], "b");
    cr_assert_eq(v.u.list[1].n, 0);
    assert_str(&v.u.list[2].u.list[0], "c");
}

Test(json, long_arrays_decode)
{
    static sl_type elem;
    elem = T(SL_TYPE_BIGINT);
    sl_type arr = T(SL_TYPE_ARRAY);
    arr.elem = &elem;
    sl_buf js = SL_BUF_INIT;
    sl_buf_puts(&js, "{\"f\":[");
    for (int i = 0; i < 20000; i++) sl_buf_printf(&js, "%s%d", i ? "," : "", i);
    sl_buf_puts(&js, "]}");
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(arr, js.p, &v, &err), SL_OK);
    cr_assert_eq(v.n, 20000);
    cr_assert_eq(v.u.list[19999].u.i, 19999);
    sl_buf_free(&js);
}

Test(json, a_non_array_for_an_array_column_is_an_error)
{
    static sl_type elem;
    elem = T(SL_TYPE_INT);
    sl_type arr = T(SL_TYPE_ARRAY);
    arr.elem = &elem;
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(arr, "{\"f\":5}", &v, &err), SL_DATA);
    cr_assert_str_eq(err.msg, "Failed to deserialize JSON '{\"f\":5}'. Field 'f': cannot "
                              "convert 5 to ARRAY<INT>.");
}

Test(json, maps_decode_with_string_keys)
{
    static sl_type k, val;
    k = sl_type_string();
    val = T(SL_TYPE_BIGINT);
    sl_type m = T(SL_TYPE_MAP);
    m.elem = &k;
    m.val = &val;
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(m, "{\"f\":{\"flink\":123,\"x\\ty\":null}}", &v, &err), SL_OK);
    cr_assert_eq(v.tag, SL_V_MAP);
    cr_assert_eq(v.n, 2);
    assert_str(&v.u.list[0], "flink");
    assert_str(&v.u.list[1], "x\ty");
    cr_assert_eq(v.u.list[2].u.i, 123);
    cr_assert_eq(v.u.list[3].tag, SL_V_NULL);
}

Test(json, repeated_map_keys_keep_the_last_value)
{
    static sl_type k, val;
    k = sl_type_string();
    val = T(SL_TYPE_INT);
    sl_type m = T(SL_TYPE_MAP);
    m.elem = &k;
    m.val = &val;
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(m, "{\"f\":{\"a\":1,\"b\":2,\"a\":3}}", &v, &err), SL_OK);
    cr_assert_eq(v.n, 2);
    assert_str(&v.u.list[0], "a");
    cr_assert_eq(v.u.list[2].u.i, 3);
    cr_assert_eq(v.u.list[3].u.i, 2);
}

Test(json, large_maps_with_repeated_keys_are_deduplicated)
{
    static sl_type k, val;
    k = sl_type_string();
    val = T(SL_TYPE_INT);
    sl_type m = T(SL_TYPE_MAP);
    m.elem = &k;
    m.val = &val;
    sl_buf js = SL_BUF_INIT;
    sl_buf_puts(&js, "{\"f\":{");
    for (int i = 0; i < 200; i++) sl_buf_printf(&js, "%s\"k%d\":%d", i ? "," : "", i % 50, i);
    sl_buf_puts(&js, "}}");
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(m, js.p, &v, &err), SL_OK);
    cr_assert_eq(v.n, 50);
    assert_str(&v.u.list[7], "k7");
    cr_assert_eq(v.u.list[50 + 7].u.i, 157);
    sl_buf_free(&js);
}

Test(json, nested_rows_decode_by_name)
{
    static sl_field inner[2];
    inner[0].name = "id";
    inner[0].type = sl_type_string();
    inner[1].name = "n";
    inner[1].type = T(SL_TYPE_INT);
    sl_type row = T(SL_TYPE_ROW);
    row.fields = inner;
    row.nfields = 2;
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(row, "{\"f\":{\"n\":4,\"x\":[1],\"id\":\"281708d0\"}}", &v, &err), SL_OK);
    cr_assert_eq(v.tag, SL_V_ROW);
    cr_assert_eq(v.n, 2);
    assert_str(&v.u.list[0], "281708d0");
    cr_assert_eq(v.u.list[1].u.i, 4);
    cr_assert_eq(dec1(row, "{\"f\":{}}", &v, &err), SL_OK);
    cr_assert_eq(v.u.list[0].tag, SL_V_NULL);
}

Test(json, errors_inside_containers_name_the_path)
{
    static sl_type elem;
    static sl_field inner[1];
    elem = T(SL_TYPE_INT);
    inner[0].name = "a";
    inner[0].type = T(SL_TYPE_ARRAY);
    inner[0].type.elem = &elem;
    sl_type row = T(SL_TYPE_ROW);
    row.fields = inner;
    row.nfields = 1;
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(row, "{\"f\":{\"a\":[1,\"x\"]}}", &v, &err), SL_DATA);
    cr_assert_str_eq(err.msg, "Failed to deserialize JSON '{\"f\":{\"a\":[1,\"x\"]}}'. Field "
                              "'f.a[1]': cannot convert \"x\" to INT.");
}

/* ---- ignore-parse-errors -------------------------------------------------------------- */

Test(json, ignore_parse_errors_reads_a_bad_field_as_null)
{
    opt("json.ignore-parse-errors", "true");
    const char *names[] = {"a", "b"};
    sl_type types[] = {T(SL_TYPE_INT), sl_type_string()};
    sl_decoder *d = dec_new(2, names, types);
    sl_value out[2];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(decode(d, "{\"a\":\"x\",\"b\":\"ok\"}", out, &err), SL_OK);
    cr_assert_eq(out[0].tag, SL_V_NULL);
    assert_str(&out[1], "ok");
    sl_format_json.decoder_free(d);
}

Test(json, ignore_parse_errors_skips_malformed_messages)
{
    opt("json.ignore-parse-errors", "true");
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(T(SL_TYPE_INT), "{\"f\":1", &v, &err), SL_DONE);
    cr_assert_eq(dec1(T(SL_TYPE_INT), "not json", &v, &err), SL_DONE);
    cr_assert_eq(err.code, SL_OK);
}

Test(json, ignore_parse_errors_nulls_bad_elements_only)
{
    opt("json.ignore-parse-errors", "true");
    static sl_type elem;
    elem = T(SL_TYPE_TINYINT);
    sl_type arr = T(SL_TYPE_ARRAY);
    arr.elem = &elem;
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(arr, "{\"f\":[1,300,{\"x\":1},3]}", &v, &err), SL_OK);
    cr_assert_eq(v.n, 4);
    cr_assert_eq(v.u.list[1].tag, SL_V_NULL);
    cr_assert_eq(v.u.list[2].tag, SL_V_NULL);
    cr_assert_eq(v.u.list[3].u.i, 3);
}

Test(json, ignore_parse_errors_with_flink_test_rows)
{
    /* JsonRowDataSerDeSchemaTest#testSerDeMultiRowsWithNullValues */
    opt("json.ignore-parse-errors", "true");
    static sl_field ops[1];
    static sl_type ielem, mk, mv;
    ops[0].name = "id";
    ops[0].type = sl_type_string();
    ielem = T(SL_TYPE_INT);
    mk = sl_type_string();
    mv = T(SL_TYPE_DOUBLE);
    const char *names[] = {"svt", "ops", "ids", "metrics"};
    sl_type types[4] = {sl_type_string(), T(SL_TYPE_ROW), T(SL_TYPE_ARRAY), T(SL_TYPE_MAP)};
    types[1].fields = ops;
    types[1].nfields = 1;
    types[2].elem = &ielem;
    types[3].elem = &mk;
    types[3].val = &mv;
    const char *in[] = {
        "{\"svt\":\"2020-02-24T12:58:09.209+0800\",\"metrics\":{\"k1\":10.01,\"k2\":\"invalid\"}}",
        ("{\"svt\":\"2020-02-24T12:58:09.209+0800\", \"ops\":{\"id\":"
         "\"281708d0-4092-4c21-9233-931950b6eccf\"}, \"ids\":[1, 2, 3]}"),
        "{\"svt\":\"2020-02-24T12:58:09.209+0800\",\"metrics\":{}}"};
    const char *want[] = {
        ("{\"svt\":\"2020-02-24T12:58:09.209+0800\",\"ops\":null,\"ids\":null,\"metrics\":"
         "{\"k1\":10.01,\"k2\":null}}"),
        ("{\"svt\":\"2020-02-24T12:58:09.209+0800\",\"ops\":{\"id\":"
         "\"281708d0-4092-4c21-9233-931950b6eccf\"},\"ids\":[1,2,3],\"metrics\":null}"),
        "{\"svt\":\"2020-02-24T12:58:09.209+0800\",\"ops\":null,\"ids\":null,\"metrics\":{}}"};
    sl_decoder *d = dec_new(4, names, types);
    for (int i = 0; i < 3; i++) {
        sl_value out[4];
        sl_err err = SL_ERR_INIT;
        cr_assert_eq(decode(d, in[i], out, &err), SL_OK, "%s", err.msg);
        int rc;
        cr_assert_str_eq(enc(4, names, types, out, &rc, &err), want[i]);
    }
    sl_format_json.decoder_free(d);
}

/* ---- error messages ------------------------------------------------------------------- */

Test(json, long_messages_are_truncated_in_errors)
{
    sl_buf js = SL_BUF_INIT;
    sl_buf_puts(&js, "{\"f\":\"");
    for (int i = 0; i < 300; i++) sl_buf_putc(&js, 'a');
    sl_buf_puts(&js, "\",\"g\":}");
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(sl_type_string(), js.p, &v, &err), SL_DATA);
    cr_assert(strstr(err.msg, "aaaa...'. Unexpected character '}', expected a value at offset "
                              "312."),
              "%s", err.msg);
    cr_assert(strlen(err.msg) < 300);
    sl_buf_free(&js);
}

Test(json, unprintable_bytes_are_escaped_in_errors)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    const char js[] = "{\"f\":\x01\x7f}";
    cr_assert_eq(dec1(T(SL_TYPE_INT), js, &v, &err), SL_DATA);
    cr_assert_str_eq(err.msg, "Failed to deserialize JSON '{\"f\":\\x01\\x7F}'. Unexpected "
                              "character 0x01, expected a value at offset 5.");
}

/* ---- options and validation ----------------------------------------------------------- */

static int validate(int n, const char *const *names, const sl_type *types, sl_err *err)
{
    sl_format_ctx c = ctx_of(n, names, types);
    return sl_format_json.validate(&c, err);
}

Test(json, option_table_lists_every_option)
{
    const char *want[] = {"fail-on-missing-field",     "ignore-parse-errors",
                          "timestamp-format.standard", "map-null-key.mode",
                          "map-null-key.literal",      "encode.decimal-as-plain-number",
                          "encode.ignore-null-fields", "decode.json-parser.enabled"};
    cr_assert_eq(sl_format_json.nopts, 8);
    for (int i = 0; i < 8; i++) cr_assert_str_eq(sl_format_json.opts[i].name, want[i]);
    cr_assert_str_eq(sl_format_json.name, "json");
}

Test(json, validate_rejects_fail_on_missing_with_ignore_errors)
{
    opt("json.fail-on-missing-field", "true");
    opt("json.ignore-parse-errors", "true");
    const char *names[] = {"f"};
    sl_type t = T(SL_TYPE_INT);
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(validate(1, names, &t, &err), SL_CONFIG);
    cr_assert_str_eq(err.msg,
                     "fail-on-missing-field and ignore-parse-errors shouldn't both be true.");
}

Test(json, decoder_new_runs_the_validation)
{
    opt("json.fail-on-missing-field", "true");
    opt("json.ignore-parse-errors", "true");
    const char *names[] = {"f"};
    sl_type t = T(SL_TYPE_INT);
    sl_format_ctx c = ctx_of(1, names, &t);
    sl_decoder *d = NULL;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_format_json.decoder_new(&c, &d, &err), SL_CONFIG);
    cr_assert_null(d);
}

Test(json, validate_rejects_unknown_timestamp_standard)
{
    opt("json.timestamp-format.standard", "iso-8601");
    const char *names[] = {"f"};
    sl_type t = T(SL_TYPE_INT);
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(validate(1, names, &t, &err), SL_CONFIG);
    cr_assert_str_eq(err.msg, "Unsupported value 'iso-8601' for timestamp-format.standard. "
                              "Supported values are [SQL, ISO-8601].");
}

Test(json, validate_rejects_non_string_map_keys)
{
    static sl_type k, val;
    k = T(SL_TYPE_INT);
    val = sl_type_string();
    sl_type m = T(SL_TYPE_MAP);
    m.elem = &k;
    m.val = &val;
    const char *names[] = {"f"};
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(validate(1, names, &m, &err), SL_CONFIG);
    cr_assert_str_eq(err.msg, "JSON format doesn't support non-string as key type of map. The "
                              "type is: MAP<INT, STRING>");
}

Test(json, validate_rejects_bad_option_values)
{
    opt("value.json.ignore-parse-errors", "yes");
    const char *names[] = {"f"};
    sl_type t = T(SL_TYPE_INT);
    sl_format_ctx c = ctx_of(1, names, &t);
    c.prefix = "value.json.";
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_format_json.validate(&c, &err), SL_CONFIG);
    cr_assert_str_eq(err.msg, "Invalid value 'yes' for option 'value.json.ignore-parse-errors'. "
                              "Expected 'true' or 'false'.");
}

Test(json, options_are_read_under_the_slot_prefix)
{
    opt("json.ignore-parse-errors", "true"); /* another slot's option: no effect here */
    const char *names[] = {"f"};
    sl_type t = T(SL_TYPE_INT);
    sl_format_ctx c = ctx_of(1, names, &t);
    c.prefix = "key.json.";
    sl_decoder *d = NULL;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_format_json.decoder_new(&c, &d, &err), SL_OK);
    sl_value v;
    cr_assert_eq(decode(d, "{\"f\":\"x\"}", &v, &err), SL_DATA);
    sl_format_json.decoder_free(d);
}

/* ---- encoding ------------------------------------------------------------------------- */

Test(json, encode_writes_fields_in_schema_order)
{
    const char *names[] = {"b", "a"};
    sl_type types[] = {T(SL_TYPE_INT), T(SL_TYPE_BOOLEAN)};
    sl_value in[] = {sl_int(-7), sl_bool(1)};
    sl_err err = SL_ERR_INIT;
    int rc;
    cr_assert_str_eq(enc(2, names, types, in, &rc, &err), "{\"b\":-7,\"a\":true}");
}

Test(json, encode_writes_null_fields)
{
    const char *names[] = {"a", "b"};
    sl_type types[] = {T(SL_TYPE_INT), sl_type_string()};
    sl_value in[] = {sl_null(), sl_string("x", 1)};
    sl_err err = SL_ERR_INIT;
    int rc;
    cr_assert_str_eq(enc(2, names, types, in, &rc, &err), "{\"a\":null,\"b\":\"x\"}");
}

Test(json, encode_ignore_null_fields_leaves_them_out)
{
    opt("json.encode.ignore-null-fields", "true");
    const char *names[] = {"a", "b", "c"};
    sl_type types[] = {T(SL_TYPE_INT), sl_type_string(), T(SL_TYPE_INT)};
    sl_value in[] = {sl_null(), sl_string("x", 1), sl_null()};
    sl_err err = SL_ERR_INIT;
    int rc;
    cr_assert_str_eq(enc(3, names, types, in, &rc, &err), "{\"b\":\"x\"}");
}

Test(json, encode_doubles_as_java_tostring)
{
    cr_assert_str_eq(enc1(T(SL_TYPE_DOUBLE), sl_double(60.0)), "{\"f\":60.0}");
    cr_assert_str_eq(enc1(T(SL_TYPE_DOUBLE), sl_double(1e10)), "{\"f\":1.0E10}");
    cr_assert_str_eq(enc1(T(SL_TYPE_DOUBLE), sl_double(1e-4)), "{\"f\":1.0E-4}");
    cr_assert_str_eq(enc1(T(SL_TYPE_DOUBLE), sl_double(0.1 + 0.2)), "{\"f\":0.30000000000000004}");
    cr_assert_str_eq(enc1(T(SL_TYPE_DOUBLE), sl_double(-0.0)), "{\"f\":-0.0}");
}

Test(json, encode_non_finite_doubles_as_quoted_strings)
{
    cr_assert_str_eq(enc1(T(SL_TYPE_DOUBLE), sl_double(NAN)), "{\"f\":\"NaN\"}");
    cr_assert_str_eq(enc1(T(SL_TYPE_DOUBLE), sl_double(-INFINITY)), "{\"f\":\"-Infinity\"}");
    cr_assert_str_eq(enc1(T(SL_TYPE_FLOAT), sl_double(INFINITY)), "{\"f\":\"Infinity\"}");
}

Test(json, encode_floats_as_java_float_tostring)
{
    cr_assert_str_eq(enc1(T(SL_TYPE_FLOAT), sl_double((double)33.333f)), "{\"f\":33.333}");
    cr_assert_str_eq(enc1(T(SL_TYPE_FLOAT), sl_double((double)0.1f)), "{\"f\":0.1}");
}

Test(json, encode_decimals_strip_trailing_zeros_as_jackson)
{
    cr_assert_str_eq(enc1(sl_type_decimal(10, 2), sl_decimal(&g_ar, 6000, 2)), "{\"f\":6E+1}");
    cr_assert_str_eq(enc1(sl_type_decimal(10, 2), sl_decimal(&g_ar, 1230, 2)), "{\"f\":12.3}");
    cr_assert_str_eq(enc1(sl_type_decimal(10, 2), sl_decimal(&g_ar, 0, 2)), "{\"f\":0}");
    cr_assert_str_eq(enc1(sl_type_decimal(10, 9), sl_decimal(&g_ar, 27, 9)), "{\"f\":2.7E-8}");
    cr_assert_str_eq(enc1(sl_type_decimal(9, 6), sl_decimal(&g_ar, 123456789, 6)),
                     "{\"f\":123.456789}");
}

Test(json, encode_decimal_as_plain_number)
{
    opt("json.encode.decimal-as-plain-number", "true");
    cr_assert_str_eq(enc1(sl_type_decimal(10, 9), sl_decimal(&g_ar, 27, 9)), "{\"f\":0.000000027}");
    cr_assert_str_eq(enc1(sl_type_decimal(10, 2), sl_decimal(&g_ar, 6000, 2)), "{\"f\":60}");
    cr_assert_str_eq(enc1(sl_type_decimal(10, 2), sl_decimal(&g_ar, -5, 2)), "{\"f\":-0.05}");
}

Test(json, encode_wide_decimals)
{
    __int128 u = (__int128)12345678901234567LL * 1000000000000000000LL + 123456789012345678LL;
    cr_assert_str_eq(enc1(sl_type_decimal(38, 5), sl_decimal(&g_ar, u, 5)),
                     "{\"f\":123456789012345671234567890123.45678}");
}

Test(json, encode_strings_escape_as_jackson)
{
    const char s[] = "q\"b\\s/\b\f\n\r\t\x01\x1f\x7f h\xc3\xa9";
    cr_assert_str_eq(enc1(sl_type_string(), sl_string(s, sizeof s - 1)),
                     "{\"f\":\"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0001\\u001F\x7f h\xc3\xa9\"}");
}

Test(json, encode_strings_with_nul)
{
    cr_assert_str_eq(enc1(sl_type_string(), sl_string("a\0b", 3)), "{\"f\":\"a\\u0000b\"}");
}

Test(json, encode_bytes_as_base64)
{
    cr_assert_str_eq(enc1(T(SL_TYPE_VARBINARY), sl_bytes("\x6b\x03\x0b", 3)), "{\"f\":\"awML\"}");
    cr_assert_str_eq(enc1(T(SL_TYPE_VARBINARY), sl_bytes("hi", 2)), "{\"f\":\"aGk=\"}");
    cr_assert_str_eq(enc1(T(SL_TYPE_VARBINARY), sl_bytes("h", 1)), "{\"f\":\"aA==\"}");
    cr_assert_str_eq(enc1(T(SL_TYPE_VARBINARY), sl_bytes("", 0)), "{\"f\":\"\"}");
}

Test(json, encode_dates_and_times)
{
    cr_assert_str_eq(enc1(T(SL_TYPE_DATE), sl_date(sl_days_from_civil(2020, 3, 8))),
                     "{\"f\":\"2020-03-08\"}");
    int64_t tod = ((13 * 60 + 12) * 60 + 11) * INT64_C(1000000000) + 120000000;
    cr_assert_str_eq(enc1(T(SL_TYPE_TIME), sl_time(tod)), "{\"f\":\"13:12:11\"}");
}

Test(json, encode_sql_timestamps_trim_the_fraction)
{
    int64_t sec = sl_days_from_civil(2020, 3, 8) * 86400 + (13 * 60 + 12) * 60 + 11;
    sl_type t = sl_type_timestamp(SL_TYPE_TIMESTAMP, 3);
    cr_assert_str_eq(enc1(t, sl_timestamp(sec, 120000000)), "{\"f\":\"2020-03-08 13:12:11.12\"}");
    cr_assert_str_eq(enc1(t, sl_timestamp(sec, 0)), "{\"f\":\"2020-03-08 13:12:11\"}");
    sl_type l = sl_type_timestamp(SL_TYPE_TIMESTAMP_LTZ, 3);
    cr_assert_str_eq(enc1(l, sl_timestamp(sec, 123000000)), "{\"f\":\"2020-03-08 13:12:11.123Z\"}");
}

Test(json, encode_iso_timestamps_use_a_t)
{
    opt("json.timestamp-format.standard", "ISO-8601");
    int64_t sec = sl_days_from_civil(2020, 3, 8) * 86400 + (13 * 60 + 12) * 60 + 11;
    cr_assert_str_eq(enc1(sl_type_timestamp(SL_TYPE_TIMESTAMP, 3), sl_timestamp(sec, 120000000)),
                     "{\"f\":\"2020-03-08T13:12:11.12\"}");
    cr_assert_str_eq(enc1(sl_type_timestamp(SL_TYPE_TIMESTAMP_LTZ, 3), sl_timestamp(sec, 0)),
                     "{\"f\":\"2020-03-08T13:12:11Z\"}");
}

Test(json, encode_arrays_maps_and_rows)
{
    static sl_type e, k, mv;
    static sl_field rf[2];
    e = T(SL_TYPE_INT);
    k = sl_type_string();
    mv = T(SL_TYPE_BIGINT);
    rf[0].name = "x";
    rf[0].type = sl_type_string();
    rf[1].name = "y";
    rf[1].type = T(SL_TYPE_INT);
    const char *names[] = {"arr", "map", "row"};
    sl_type types[3] = {T(SL_TYPE_ARRAY), T(SL_TYPE_MAP), T(SL_TYPE_ROW)};
    types[0].elem = &e;
    types[1].elem = &k;
    types[1].val = &mv;
    types[2].fields = rf;
    types[2].nfields = 2;
    sl_value arr_items[] = {sl_int(1), sl_null(), sl_int(3)};
    sl_value map_items[] = {sl_string("flink", 5), sl_string("k2", 2), sl_int(123), sl_null()};
    sl_value row_items[] = {sl_string("s", 1), sl_null()};
    sl_value in[3] = {{0}};
    in[0].tag = SL_V_ARRAY, in[0].n = 3, in[0].u.list = arr_items;
    in[1].tag = SL_V_MAP, in[1].n = 2, in[1].u.list = map_items;
    in[2].tag = SL_V_ROW, in[2].n = 2, in[2].u.list = row_items;
    sl_err err = SL_ERR_INIT;
    int rc;
    cr_assert_str_eq(enc(3, names, types, in, &rc, &err),
                     "{\"arr\":[1,null,3],\"map\":{\"flink\":123,\"k2\":null},"
                     "\"row\":{\"x\":\"s\",\"y\":null}}");
}

static sl_type map_type(void)
{
    static sl_type k, v;
    k = sl_type_string();
    v = T(SL_TYPE_INT);
    sl_type m = T(SL_TYPE_MAP);
    m.elem = &k;
    m.val = &v;
    return m;
}

static sl_value map_with_null_key(void)
{
    static sl_value items[4];
    items[0] = sl_null();
    items[1] = sl_string("a", 1);
    items[2] = sl_int(1);
    items[3] = sl_int(2);
    sl_value m = {0};
    m.tag = SL_V_MAP;
    m.n = 2;
    m.u.list = items;
    return m;
}

Test(json, encode_null_map_key_fails_by_default)
{
    const char *names[] = {"f"};
    sl_type t = map_type();
    sl_value m = map_with_null_key();
    sl_err err = SL_ERR_INIT;
    int rc;
    enc(1, names, &t, &m, &rc, &err);
    cr_assert_eq(rc, SL_DATA);
    cr_assert_str_eq(err.msg, "Field 'f': JSON format doesn't support to serialize map data with "
                              "null keys. You can drop null key entries or encode null in "
                              "literals by specifying map-null-key.mode option.");
    cr_assert_eq(g_out.n, 0);
}

Test(json, encode_null_map_key_drop)
{
    opt("json.map-null-key.mode", "drop");
    cr_assert_str_eq(enc1(map_type(), map_with_null_key()), "{\"f\":{\"a\":2}}");
}

Test(json, encode_null_map_key_literal)
{
    opt("json.map-null-key.mode", "LITERAL");
    opt("json.map-null-key.literal", "nullKey");
    cr_assert_str_eq(enc1(map_type(), map_with_null_key()), "{\"f\":{\"nullKey\":1,\"a\":2}}");
}

Test(json, encode_rejects_values_of_the_wrong_kind)
{
    const char *names[] = {"f"};
    sl_type t = T(SL_TYPE_INT);
    sl_value v = sl_string("x", 1);
    sl_err err = SL_ERR_INIT;
    int rc;
    enc(1, names, &t, &v, &rc, &err);
    cr_assert_eq(rc, SL_DATA);
    cr_assert_str_eq(err.msg, "Field 'f': Could not serialize a STRING value as INT.");
}

Test(json, encode_appends_to_the_buffer)
{
    const char *names[] = {"f"};
    sl_type t = T(SL_TYPE_INT);
    sl_format_ctx c = ctx_of(1, names, &t);
    sl_encoder *e = NULL;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_format_json.encoder_new(&c, &e, &err), SL_OK);
    sl_buf b = SL_BUF_INIT;
    sl_buf_puts(&b, "X");
    sl_value v = sl_int(1);
    cr_assert_eq(sl_format_json.encode(e, &v, &b, &err), SL_OK);
    cr_assert_str_eq(b.p, "X{\"f\":1}");
    sl_buf_free(&b);
    sl_format_json.encoder_free(e);
}

Test(json, every_type_round_trips)
{
    static sl_type ae, mk, mv;
    static sl_field rf[2];
    ae = sl_type_string();
    mk = sl_type_string();
    mv = T(SL_TYPE_DOUBLE);
    rf[0].name = "a";
    rf[0].type = T(SL_TYPE_BIGINT);
    rf[1].name = "b";
    rf[1].type = sl_type_decimal(20, 4);
    const char *names[] = {"bool", "ti", "si", "i",  "bi",  "fl",  "db",  "dec", "s",
                           "by",   "d",  "t",  "ts", "ltz", "arr", "map", "row"};
    sl_type types[17] = {T(SL_TYPE_BOOLEAN),
                         T(SL_TYPE_TINYINT),
                         T(SL_TYPE_SMALLINT),
                         T(SL_TYPE_INT),
                         T(SL_TYPE_BIGINT),
                         T(SL_TYPE_FLOAT),
                         T(SL_TYPE_DOUBLE),
                         sl_type_decimal(10, 3),
                         sl_type_string(),
                         T(SL_TYPE_VARBINARY),
                         T(SL_TYPE_DATE),
                         T(SL_TYPE_TIME),
                         sl_type_timestamp(SL_TYPE_TIMESTAMP, 9),
                         sl_type_timestamp(SL_TYPE_TIMESTAMP_LTZ, 3),
                         T(SL_TYPE_ARRAY),
                         T(SL_TYPE_MAP),
                         T(SL_TYPE_ROW)};
    types[14].elem = &ae;
    types[15].elem = &mk;
    types[15].val = &mv;
    types[16].fields = rf;
    types[16].nfields = 2;
    sl_value arr[] = {sl_string("x\"y", 3), sl_null()};
    sl_value map[] = {sl_string("k", 1), sl_double(-2.5)};
    sl_value row[2] = {sl_int(INT64_MIN), sl_decimal(&g_ar, -123456789, 4)};
    sl_value in[17] = {sl_bool(0),
                       sl_int(-128),
                       sl_int(12345),
                       sl_int(-99),
                       sl_int(INT64_MAX),
                       sl_double((double)1.25f),
                       sl_double(1e-300),
                       sl_decimal(&g_ar, 1500, 3),
                       sl_string("h\xc3\xa9\n", 4),
                       sl_bytes("\0\1\2\377", 4),
                       sl_date(-1000),
                       sl_time(((1 * 60 + 2) * 60 + 3) * INT64_C(1000000000)),
                       sl_timestamp(-86400 * 365 + 5, 123456789),
                       sl_timestamp(1700000000, 5000000),
                       {0},
                       {0},
                       {0}};
    in[14].tag = SL_V_ARRAY, in[14].n = 2, in[14].u.list = arr;
    in[15].tag = SL_V_MAP, in[15].n = 1, in[15].u.list = map;
    in[16].tag = SL_V_ROW, in[16].n = 2, in[16].u.list = row;
    sl_err err = SL_ERR_INIT;
    int rc;
    const char *s = enc(17, names, types, in, &rc, &err);
    cr_assert_eq(rc, SL_OK, "%s", err.msg);
    char *copy = strdup(s);
    sl_decoder *d = dec_new(17, names, types);
    sl_value out[17];
    cr_assert_eq(decode(d, copy, out, &err), SL_OK, "%s\n%s", err.msg, copy);
    for (int i = 0; i < 17; i++) {
        if (i == 7) { /* 1.500 is written 1.5 and read back at the column's scale */
            cr_assert(sl_decimal_unscaled(&out[i]) == 1500 && out[i].scale == 3);
            continue;
        }
        if (i == 16) {
            cr_assert_eq(out[i].u.list[0].u.i, INT64_MIN);
            cr_assert(sl_decimal_unscaled(&out[i].u.list[1]) == -123456789);
            continue;
        }
        cr_assert(sl_value_equal(&in[i], &out[i]), "column %s in %s", names[i], copy);
    }
    free(copy);
    sl_format_json.decoder_free(d);
}

Test(json, encode_replaces_bytes_that_are_not_utf8)
{
    cr_assert_str_eq(enc1(sl_type_string(), sl_string("a\xff\xc3\xa9\xe2\x82", 6)),
                     "{\"f\":\"a\xef\xbf\xbd\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd\"}");
}

Test(json, an_empty_map_in_the_first_message_decodes)
{
    sl_value v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec1(map_type(), "{\"f\":{}}", &v, &err), SL_OK);
    cr_assert_eq(v.tag, SL_V_MAP);
    cr_assert_eq(v.n, 0);
}
