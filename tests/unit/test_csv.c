/*
** tests/unit/test_csv.c — the 'csv' format: reading, writing, options and messages.
**
** Most cases mirror Flink's CsvRowDataSerDeSchemaTest: a row (STRING f0, <type> f1, STRING f2)
** written as "BEGIN,<value>,END".
**
** SPDX-License-Identifier: MIT
*/
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/arena.h"
#include "base/datetime.h"
#include "base/err.h"
#include "base/schema.h"
#include "formats/csv.h"

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

TestSuite(csv, .init = setup, .fini = teardown);

static void opt(const char *key, const char *val)
{
    g_items[g_os.n].key = key;
    g_items[g_os.n].val = val;
    g_os.n++;
}

static sl_type T(sl_typeid id)
{
    return sl_type_make(id);
}

static const char *const names3[] = {"f0", "f1", "f2"};

static sl_format_ctx ctx3(sl_type *types, sl_type mid)
{
    types[0] = sl_type_string();
    types[1] = mid;
    types[2] = sl_type_string();
    sl_format_ctx c = {&g_os, "csv.", 3, names3, types, "topic", 0};
    return c;
}

/* Decode text as (STRING, mid, STRING). */
static int dec3(sl_type mid, const char *text, sl_value *out, sl_err *err)
{
    sl_type types[3];
    sl_format_ctx c = ctx3(types, mid);
    sl_decoder *d = NULL;
    int rc = sl_format_csv.decoder_new(&c, &d, err);
    cr_assert_eq(rc, SL_OK, "decoder_new: %s", err->msg);
    rc = sl_format_csv.decode(d, text, text ? strlen(text) : 0, out, &g_ar, err);
    sl_format_csv.decoder_free(d);
    return rc;
}

/* Encode (STRING "BEGIN", v, STRING "END") of types (STRING, mid, STRING). */
static const char *enc3(sl_type mid, sl_value v)
{
    sl_type types[3];
    sl_format_ctx c = ctx3(types, mid);
    sl_encoder *e = NULL;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_format_csv.encoder_new(&c, &e, &err), SL_OK, "%s", err.msg);
    sl_value in[3] = {sl_string("BEGIN", 5), v, sl_string("END", 3)};
    sl_buf_reset(&g_out);
    int rc = sl_format_csv.encode(e, in, &g_out, &err);
    cr_assert_eq(rc, SL_OK, "encode: %s", err.msg);
    sl_format_csv.encoder_free(e);
    return g_out.p;
}

/* The value of f1 after decoding "BEGIN,<text>,END" with the current options. */
static sl_value mid_of(sl_type mid, const char *text, const char *delim)
{
    char line[512];
    snprintf(line, sizeof line, "BEGIN%s%s%sEND", delim, text, delim);
    sl_value out[3];
    sl_err err = SL_ERR_INIT;
    char *copy = sl_arena_strdup(&g_ar, line);
    cr_assert_eq(dec3(mid, copy, out, &err), SL_OK, "%s", err.msg);
    cr_assert_eq(out[0].n, 5);
    cr_assert_eq(out[2].n, 3);
    return out[1];
}

/* Flink's testField: decode "BEGIN,<text>,END", encode the row, expect the same text back. */
static void round_trip(sl_type mid, const char *text)
{
    sl_value v = mid_of(mid, text, ",");
    char want[512];
    snprintf(want, sizeof want, "BEGIN,%s,END", text);
    cr_assert_str_eq(enc3(mid, v), want);
}

static void assert_str(const sl_value *v, const char *s)
{
    cr_assert_eq(v->tag, SL_V_STRING, "tag %d", v->tag);
    cr_assert_eq(v->n, strlen(s), "expected '%s', got '%.*s'", s, (int)v->n, v->u.z);
    cr_assert(memcmp(v->u.z, s, v->n) == 0, "expected '%s', got '%.*s'", s, (int)v->n, v->u.z);
}

/* ---- decoding records ----------------------------------------------------------------- */

Test(csv, fields_decode_by_position)
{
    sl_value out[3];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec3(T(SL_TYPE_INT), "Test,12,Hello", out, &err), SL_OK);
    assert_str(&out[0], "Test");
    cr_assert_eq(out[1].u.i, 12);
    assert_str(&out[2], "Hello");
}

Test(csv, unquoted_fields_are_zero_copy)
{
    const char line[] = "Test,12,Hello";
    sl_value out[3];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec3(T(SL_TYPE_INT), line, out, &err), SL_OK);
    cr_assert_eq(out[2].u.z, line + 8);
}

Test(csv, null_payload_yields_no_row)
{
    sl_value out[3];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec3(T(SL_TYPE_INT), NULL, out, &err), SL_DONE);
}

Test(csv, empty_payload_yields_no_row)
{
    sl_value out[3];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec3(T(SL_TYPE_INT), "", out, &err), SL_DONE);
}

Test(csv, quoted_fields_may_hold_delimiters_and_quotes)
{
    sl_value out[3];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec3(sl_type_string(), "\"a,b\",\"say \"\"hi\"\"\",\"\"", out, &err), SL_OK);
    assert_str(&out[0], "a,b");
    assert_str(&out[1], "say \"hi\"");
    assert_str(&out[2], "");
}

Test(csv, quoted_fields_may_hold_line_breaks)
{
    sl_value v = mid_of(sl_type_string(), "\"This is a test\n\r.\"", ",");
    assert_str(&v, "This is a test\n\r.");
}

Test(csv, quotes_inside_unquoted_fields_are_data)
{
    sl_value v = mid_of(sl_type_string(), "ab\"c\"", ",");
    assert_str(&v, "ab\"c\"");
}

Test(csv, blanks_after_a_closing_quote_are_allowed)
{
    sl_value v = mid_of(sl_type_string(), "\"x\"  ", ",");
    assert_str(&v, "x");
}

Test(csv, text_after_a_closing_quote_is_an_error)
{
    sl_value out[3];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec3(sl_type_string(), "a,\"b\"c,d", out, &err), SL_DATA);
    cr_assert_str_eq(err.msg, "Failed to deserialize CSV row 'a,\"b\"c,d'. Unexpected character "
                              "'c' after a quoted value; expected the field delimiter or "
                              "end-of-line.");
}

Test(csv, unterminated_quote_is_an_error)
{
    sl_value out[3];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec3(sl_type_string(), "a,\"b,c", out, &err), SL_DATA);
    cr_assert_str_eq(err.msg,
                     "Failed to deserialize CSV row 'a,\"b,c'. Missing closing quote for value.");
}

Test(csv, only_the_first_record_is_read)
{
    sl_value out[3];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec3(T(SL_TYPE_INT), "a,1,b\nc,2,d\n", out, &err), SL_OK);
    cr_assert_eq(out[1].u.i, 1);
    assert_str(&out[2], "b");
}

Test(csv, crlf_ends_a_record)
{
    sl_value out[3];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec3(T(SL_TYPE_INT), "a,1,b\r\n", out, &err), SL_OK);
    assert_str(&out[2], "b");
}

Test(csv, escape_character_works_inside_and_outside_quotes)
{
    opt("csv.escape-character", "*");
    opt("csv.quote-character", "'");
    opt("csv.array-element-delimiter", ":");
    opt("csv.field-delimiter", ";");
    sl_value v = mid_of(sl_type_string(), "123*'4**", ";");
    assert_str(&v, "123'4*");
    v = mid_of(sl_type_string(), "'a;b*'c'", ";");
    assert_str(&v, "a;b'c");
    v = mid_of(sl_type_string(), "'123''4**'", ";");
    assert_str(&v, "123'4*");
}

Test(csv, custom_delimiters_round_trip_as_flink)
{
    opt("csv.escape-character", "*");
    opt("csv.quote-character", "'");
    opt("csv.array-element-delimiter", ":");
    opt("csv.field-delimiter", ";");
    sl_value v = mid_of(sl_type_string(), "'123''4**'", ";");
    cr_assert_str_eq(enc3(sl_type_string(), v), "BEGIN;'123''4**';END");
    v = mid_of(sl_type_string(), "'a;b''c'", ";");
    cr_assert_str_eq(enc3(sl_type_string(), v), "BEGIN;'a;b''c';END");
    v = mid_of(T(SL_TYPE_INT), "       12          ", ";");
    cr_assert_eq(v.u.i, 12);
    cr_assert_str_eq(enc3(T(SL_TYPE_INT), v), "BEGIN;12;END");
    static sl_field rf[2];
    rf[0].name = "f0";
    rf[0].type = sl_type_string();
    rf[1].name = "f1";
    rf[1].type = sl_type_string();
    sl_type row = T(SL_TYPE_ROW);
    row.fields = rf;
    row.nfields = 2;
    v = mid_of(row, "1:hello", ";");
    assert_str(&v.u.list[1], "hello");
    cr_assert_str_eq(enc3(row, v), "BEGIN;'1:hello';END");
    v = mid_of(sl_type_string(), "null", ";");
    cr_assert_str_eq(enc3(sl_type_string(), v), "BEGIN;null;END");
}

Test(csv, tab_delimiter_is_unescaped)
{
    opt("csv.field-delimiter", "\\t");
    sl_value v = mid_of(T(SL_TYPE_INT), "7", "\t");
    cr_assert_eq(v.u.i, 7);
    cr_assert_str_eq(enc3(T(SL_TYPE_INT), v), "BEGIN\t7\tEND");
}

Test(csv, disabled_quote_character_reads_quotes_as_data)
{
    opt("csv.disable-quote-character", "true");
    sl_value v = mid_of(sl_type_string(), "\"x\"", ",");
    assert_str(&v, "\"x\"");
}

/* ---- row shape ------------------------------------------------------------------------ */

Test(csv, short_rows_are_an_error)
{
    sl_value out[3];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec3(T(SL_TYPE_INT), "Test", out, &err), SL_DATA);
    cr_assert_str_eq(err.msg, "Failed to deserialize CSV row 'Test'. Row length mismatch. 3 "
                              "fields expected but was 1.");
}

Test(csv, long_rows_are_an_error)
{
    sl_value out[3];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec3(T(SL_TYPE_INT), "Test,12,Test,Test", out, &err), SL_DATA);
    cr_assert(strstr(err.msg, "Row length mismatch. 3 fields expected but was 4."), "%s", err.msg);
}

Test(csv, ignore_parse_errors_pads_short_rows)
{
    opt("csv.ignore-parse-errors", "true");
    sl_value out[3];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec3(T(SL_TYPE_INT), "Test", out, &err), SL_OK);
    assert_str(&out[0], "Test");
    cr_assert_eq(out[1].tag, SL_V_NULL);
    cr_assert_eq(out[2].tag, SL_V_NULL);
}

Test(csv, ignore_parse_errors_skips_long_rows)
{
    opt("csv.ignore-parse-errors", "true");
    sl_value out[3];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec3(T(SL_TYPE_INT), "Test,12,Test,Test", out, &err), SL_DONE);
}

Test(csv, ignore_parse_errors_reads_bad_fields_as_null)
{
    opt("csv.ignore-parse-errors", "true");
    sl_value out[3];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec3(T(SL_TYPE_INT), "Test,null,Test", out, &err), SL_OK);
    assert_str(&out[0], "Test");
    cr_assert_eq(out[1].tag, SL_V_NULL);
    assert_str(&out[2], "Test");
}

Test(csv, ignore_parse_errors_skips_unparsable_rows)
{
    opt("csv.ignore-parse-errors", "true");
    sl_value out[3];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec3(T(SL_TYPE_INT), "a,\"1,b", out, &err), SL_DONE);
}

Test(csv, unconvertible_fields_name_the_column)
{
    sl_value out[3];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec3(T(SL_TYPE_INT), "Test,null,Test", out, &err), SL_DATA);
    cr_assert_str_eq(err.msg, "Failed to deserialize CSV row 'Test,null,Test'. Field 'f1': "
                              "cannot convert 'null' to INT.");
}

Test(csv, comment_lines_are_data_by_default)
{
    sl_value out[3];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec3(T(SL_TYPE_INT), "#Test,12,Test", out, &err), SL_OK);
    assert_str(&out[0], "#Test");
    cr_assert_eq(out[1].u.i, 12);
}

Test(csv, allow_comments_skips_comment_lines)
{
    opt("csv.allow-comments", "true");
    opt("csv.ignore-parse-errors", "true");
    sl_value out[3];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec3(T(SL_TYPE_INT), "#Test,12,Test", out, &err), SL_DONE);
    cr_assert_eq(dec3(T(SL_TYPE_INT), "# c1\n# c2\r\nx,5,y", out, &err), SL_OK);
    cr_assert_eq(out[1].u.i, 5);
}

Test(csv, a_comment_only_message_is_an_error_without_ignore)
{
    opt("csv.allow-comments", "true");
    sl_value out[3];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec3(T(SL_TYPE_INT), "#Test,12,Test", out, &err), SL_DATA);
    cr_assert_str_eq(err.msg, "Failed to deserialize CSV row '#Test,12,Test'. No content to map "
                              "due to end-of-input.");
}

/* ---- types ---------------------------------------------------------------------------- */

Test(csv, null_literal_reads_null)
{
    opt("csv.null-literal", "null");
    sl_value v = mid_of(T(SL_TYPE_BIGINT), "null", ",");
    cr_assert_eq(v.tag, SL_V_NULL);
    v = mid_of(sl_type_string(), "null", ",");
    cr_assert_eq(v.tag, SL_V_NULL);
    round_trip(T(SL_TYPE_BIGINT), "null");
}

Test(csv, without_null_literal_null_is_a_string)
{
    sl_value v = mid_of(sl_type_string(), "null", ",");
    assert_str(&v, "null");
}

Test(csv, empty_fields_are_empty_strings)
{
    sl_value v = mid_of(sl_type_string(), "", ",");
    assert_str(&v, "");
}

Test(csv, empty_fields_are_not_numbers)
{
    sl_value out[3];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec3(T(SL_TYPE_INT), "a,,b", out, &err), SL_DATA);
}

Test(csv, flink_field_round_trips)
{
    opt("csv.null-literal", "null");
    round_trip(sl_type_string(), "\"This is a test.\"");
    round_trip(sl_type_string(), "\"This is a test\n\r.\"");
    round_trip(T(SL_TYPE_BOOLEAN), "true");
    round_trip(T(SL_TYPE_BOOLEAN), "null");
    round_trip(T(SL_TYPE_TINYINT), "124");
    round_trip(T(SL_TYPE_SMALLINT), "10000");
    round_trip(T(SL_TYPE_INT), "1234567");
    round_trip(T(SL_TYPE_BIGINT), "12345678910");
    round_trip(T(SL_TYPE_FLOAT), "0.33333334");
    round_trip(T(SL_TYPE_DOUBLE), "0.33333333332");
    round_trip(sl_type_decimal(38, 25), "\"1234.0000000000000000000000001\"");
    round_trip(sl_type_decimal(38, 0), "\"123400000000000000000000000001\"");
    round_trip(T(SL_TYPE_DATE), "2018-10-12");
    round_trip(T(SL_TYPE_TIME), "12:12:12");
    round_trip(sl_type_timestamp(SL_TYPE_TIMESTAMP, 0), "\"2018-10-12 12:12:12\"");
    round_trip(T(SL_TYPE_VARBINARY), "awML");
}

Test(csv, flink_nested_round_trips)
{
    opt("csv.null-literal", "null");
    static sl_field rf[3];
    rf[0].name = "f0";
    rf[0].type = sl_type_string();
    rf[1].name = "f1";
    rf[1].type = T(SL_TYPE_INT);
    rf[2].name = "f2";
    rf[2].type = T(SL_TYPE_BOOLEAN);
    sl_type row = T(SL_TYPE_ROW);
    row.fields = rf;
    row.nfields = 3;
    round_trip(row, "Hello;42;false");
    static sl_type s, ti;
    s = sl_type_string();
    ti = T(SL_TYPE_TINYINT);
    sl_type as = T(SL_TYPE_ARRAY), at = T(SL_TYPE_ARRAY);
    as.elem = &s;
    at.elem = &ti;
    round_trip(as, "a;b;c");
    round_trip(at, "12;4;null");
    sl_value v = mid_of(at, "12;4;null", ",");
    cr_assert_eq(v.n, 3);
    cr_assert_eq(v.u.list[0].u.i, 12);
    cr_assert_eq(v.u.list[2].tag, SL_V_NULL);
}

Test(csv, times_truncate_to_their_precision)
{
    sl_type t[4];
    for (int p = 0; p < 4; p++) {
        t[p] = T(SL_TYPE_TIME);
        t[p].precision = (uint8_t)p;
    }
    int64_t base = ((12 * 60 + 12) * 60 + 12) * INT64_C(1000000000);
    cr_assert_eq(mid_of(t[3], "12:12:12.232342", ",").u.i, base + 232000000);
    cr_assert_eq(mid_of(t[2], "12:12:12.232312", ",").u.i, base + 230000000);
    cr_assert_eq(mid_of(t[1], "12:12:12.2235", ",").u.i, base + 200000000);
    cr_assert_eq(mid_of(t[0], "12:12:12.45", ",").u.i, base);
    cr_assert_eq(mid_of(t[0], "12:12", ",").u.i, base - 12 * INT64_C(1000000000));
    round_trip(t[3], "12:12:12.232");
    round_trip(t[2], "12:12:12.23");
    round_trip(t[1], "12:12:12.2");
}

Test(csv, booleans_follow_java_parse_boolean)
{
    cr_assert_eq(mid_of(T(SL_TYPE_BOOLEAN), " TRUE ", ",").u.i, 1);
    cr_assert_eq(mid_of(T(SL_TYPE_BOOLEAN), "yes", ",").u.i, 0);
}

Test(csv, integer_range_is_checked)
{
    sl_value out[3];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec3(T(SL_TYPE_TINYINT), "a,128,b", out, &err), SL_DATA);
    cr_assert_str_eq(err.msg, "Failed to deserialize CSV row 'a,128,b'. Field 'f1': cannot "
                              "convert '128' to TINYINT: out of range.");
    cr_assert_eq(mid_of(T(SL_TYPE_TINYINT), "-128", ",").u.i, -128);
    cr_assert_eq(dec3(T(SL_TYPE_INT), "a,1.5,b", out, &err), SL_DATA);
}

Test(csv, doubles_accept_java_forms)
{
    cr_assert_eq(mid_of(T(SL_TYPE_DOUBLE), " 1e3 ", ",").u.d, 1000.0);
    cr_assert(isnan(mid_of(T(SL_TYPE_DOUBLE), "NaN", ",").u.d));
    cr_assert_eq(mid_of(T(SL_TYPE_DOUBLE), "2.5d", ",").u.d, 2.5);
}

Test(csv, decimals_round_and_check_precision)
{
    sl_value v = mid_of(sl_type_decimal(5, 2), "1.005", ",");
    cr_assert_eq(v.u.i, 101);
    sl_value out[3];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec3(sl_type_decimal(5, 2), "a,1234.5,b", out, &err), SL_DATA);
    cr_assert(strstr(err.msg, "cannot convert '1234.5' to DECIMAL(5, 2): precision overflow."),
              "%s", err.msg);
}

Test(csv, dates_follow_sql_date_value_of)
{
    cr_assert_eq(mid_of(T(SL_TYPE_DATE), "2018-1-2", ",").u.i, sl_days_from_civil(2018, 1, 2));
    cr_assert_eq(mid_of(T(SL_TYPE_DATE), "2021-02-30", ",").u.i, sl_days_from_civil(2021, 3, 2));
    sl_value out[3];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec3(T(SL_TYPE_DATE), "a,20191112,b", out, &err), SL_DATA);
    cr_assert_eq(dec3(T(SL_TYPE_DATE), "a,2019-13-01,b", out, &err), SL_DATA);
}

Test(csv, timestamps_use_the_sql_form)
{
    sl_type t = sl_type_timestamp(SL_TYPE_TIMESTAMP, 3);
    sl_value v = mid_of(t, "\" 2018-10-12 12:12:12.5 \"", ",");
    cr_assert_eq(v.u.i, sl_days_from_civil(2018, 10, 12) * 86400 + (12 * 60 + 12) * 60 + 12);
    cr_assert_eq(v.n, 500000000u);
    sl_value out[3];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec3(t, "a,2018-10-12T12:12:12,b", out, &err), SL_DATA);
}

Test(csv, local_zoned_timestamps_need_the_z)
{
    sl_type t = sl_type_timestamp(SL_TYPE_TIMESTAMP_LTZ, 3);
    sl_value v = mid_of(t, "2018-10-12 12:12:12Z", ",");
    cr_assert_eq(v.n, 0u);
    sl_value out[3];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec3(t, "a,2018-10-12 12:12:12,b", out, &err), SL_DATA);
}

Test(csv, bytes_are_base64)
{
    sl_value v = mid_of(T(SL_TYPE_VARBINARY), "awML", ",");
    cr_assert_eq(v.n, 3);
    cr_assert(memcmp(v.u.z, "\x6b\x03\x0b", 3) == 0);
    sl_value out[3];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec3(T(SL_TYPE_VARBINARY), "a,@@,b", out, &err), SL_DATA);
}

Test(csv, empty_array_field_is_an_empty_array)
{
    static sl_type s;
    s = sl_type_string();
    sl_type as = T(SL_TYPE_ARRAY);
    as.elem = &s;
    sl_value v = mid_of(as, "", ",");
    cr_assert_eq(v.tag, SL_V_ARRAY);
    cr_assert_eq(v.n, 0);
}

Test(csv, empty_row_field_is_null)
{
    static sl_field rf[1];
    rf[0].name = "x";
    rf[0].type = T(SL_TYPE_INT);
    sl_type row = T(SL_TYPE_ROW);
    row.fields = rf;
    row.nfields = 1;
    cr_assert_eq(mid_of(row, "", ",").tag, SL_V_NULL);
}

Test(csv, nested_row_arity_is_checked)
{
    static sl_field rf[2];
    rf[0].name = "x";
    rf[0].type = T(SL_TYPE_INT);
    rf[1].name = "y";
    rf[1].type = T(SL_TYPE_INT);
    sl_type row = T(SL_TYPE_ROW);
    row.fields = rf;
    row.nfields = 2;
    sl_value out[3];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec3(row, "a,1,b", out, &err), SL_DATA);
    cr_assert_str_eq(err.msg, "Failed to deserialize CSV row 'a,1,b'. Field 'f1': Row length "
                              "mismatch. 2 fields expected but was 1.");
    sl_err_clear(&err);
    cr_assert_eq(dec3(row, "a,1;x,b", out, &err), SL_DATA);
    cr_assert(strstr(err.msg, "Field 'f1.y': cannot convert 'x' to INT."), "%s", err.msg);
}

/* ---- validation ----------------------------------------------------------------------- */

static int validate3(sl_type mid, sl_err *err)
{
    sl_type types[3];
    sl_format_ctx c = ctx3(types, mid);
    return sl_format_csv.validate(&c, err);
}

Test(csv, option_table_lists_every_option)
{
    const char *want[] = {"field-delimiter",
                          "disable-quote-character",
                          "quote-character",
                          "allow-comments",
                          "ignore-parse-errors",
                          "array-element-delimiter",
                          "escape-character",
                          "null-literal",
                          "write-bigdecimal-in-scientific-notation"};
    cr_assert_eq(sl_format_csv.nopts, 9);
    for (int i = 0; i < 9; i++) cr_assert_str_eq(sl_format_csv.opts[i].name, want[i]);
    cr_assert_str_eq(sl_format_csv.name, "csv");
}

Test(csv, quote_character_with_disabled_quotes_is_rejected)
{
    opt("csv.disable-quote-character", "true");
    opt("csv.quote-character", "'");
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(validate3(T(SL_TYPE_INT), &err), SL_CONFIG);
    cr_assert_str_eq(err.msg, "Format cannot define a quote character and disabled quote "
                              "character at the same time.");
}

Test(csv, multi_character_options_are_rejected)
{
    const char *keys[] = {"csv.field-delimiter", "csv.quote-character",
                          "csv.array-element-delimiter", "csv.escape-character"};
    for (int i = 0; i < 4; i++) {
        memset(&g_os, 0, sizeof g_os);
        g_os.items = g_items;
        opt(keys[i], "ab");
        sl_err err = SL_ERR_INIT;
        cr_assert_eq(validate3(T(SL_TYPE_INT), &err), SL_CONFIG, "%s", keys[i]);
        char want[200];
        snprintf(want, sizeof want,
                 "Option '%s' must be a string with single character, but "
                 "was: ab",
                 keys[i]);
        cr_assert_str_eq(err.msg, want);
    }
}

Test(csv, escaped_quote_character_is_not_unescaped)
{
    opt("csv.quote-character", "\\t");
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(validate3(T(SL_TYPE_INT), &err), SL_CONFIG);
}

Test(csv, time_precision_above_three_is_rejected)
{
    sl_type t = T(SL_TYPE_TIME);
    t.precision = 5;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(validate3(t, &err), SL_CONFIG);
    cr_assert_str_eq(err.msg, "Csv does not support TIME type with precision: 5, it only "
                              "supports precision 0 ~ 3.");
}

Test(csv, maps_are_rejected)
{
    static sl_type k, v;
    k = sl_type_string();
    v = T(SL_TYPE_INT);
    sl_type m = T(SL_TYPE_MAP);
    m.elem = &k;
    m.val = &v;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(validate3(m, &err), SL_CONFIG);
    cr_assert_str_eq(err.msg, "Unsupported type 'MAP<STRING, INT>' for field 'f1'.");
}

Test(csv, nesting_beyond_one_level_is_rejected)
{
    static sl_field inner[1], outer[1];
    inner[0].name = "f0";
    inner[0].type = sl_type_string();
    outer[0].name = "f0";
    outer[0].type = T(SL_TYPE_ROW);
    outer[0].type.fields = inner;
    outer[0].type.nfields = 1;
    sl_type row = T(SL_TYPE_ROW);
    row.fields = outer;
    row.nfields = 1;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(validate3(row, &err), SL_CONFIG);
    cr_assert_str_eq(err.msg, "Only simple types are supported in the second level nesting of "
                              "fields 'f1' but was: ROW<`f0` STRING>");
}

Test(csv, bad_boolean_option_is_rejected)
{
    opt("csv.allow-comments", "maybe");
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(validate3(T(SL_TYPE_INT), &err), SL_CONFIG);
    cr_assert_str_eq(err.msg, "Invalid value 'maybe' for option 'csv.allow-comments'. Expected "
                              "'true' or 'false'.");
}

/* ---- encoding ------------------------------------------------------------------------- */

Test(csv, encode_plain_values_without_quotes)
{
    cr_assert_str_eq(enc3(T(SL_TYPE_INT), sl_int(12)), "BEGIN,12,END");
    cr_assert_str_eq(enc3(sl_type_string(), sl_string("Test", 4)), "BEGIN,Test,END");
}

Test(csv, encode_has_no_line_separator)
{
    const char *s = enc3(T(SL_TYPE_INT), sl_int(1));
    cr_assert_null(strchr(s, '\n'));
}

Test(csv, encode_quotes_values_with_special_characters)
{
    cr_assert_str_eq(enc3(sl_type_string(), sl_string("This is a test.", 15)),
                     "BEGIN,\"This is a test.\",END");
    cr_assert_str_eq(enc3(sl_type_string(), sl_string("a\"b", 3)), "BEGIN,\"a\"\"b\",END");
    cr_assert_str_eq(enc3(sl_type_string(), sl_string("x,y", 3)), "BEGIN,\"x,y\",END");
    cr_assert_str_eq(enc3(sl_type_string(), sl_string("a+b", 3)), "BEGIN,\"a+b\",END");
    cr_assert_str_eq(enc3(sl_type_string(), sl_string("a-b", 3)), "BEGIN,a-b,END");
}

Test(csv, encode_quotes_values_longer_than_24_characters)
{
    cr_assert_str_eq(enc3(sl_type_string(), sl_string("abcdefghijklmnopqrstuvwx", 24)),
                     "BEGIN,abcdefghijklmnopqrstuvwx,END");
    cr_assert_str_eq(enc3(sl_type_string(), sl_string("abcdefghijklmnopqrstuvwxy", 25)),
                     "BEGIN,\"abcdefghijklmnopqrstuvwxy\",END");
}

Test(csv, encode_counts_characters_not_bytes)
{
    char s[64] = "";
    for (int i = 0; i < 24; i++) strcat(s, "\xc3\xa9");
    sl_buf want = SL_BUF_INIT;
    sl_buf_printf(&want, "BEGIN,%s,END", s);
    cr_assert_str_eq(enc3(sl_type_string(), sl_string(s, strlen(s))), want.p);
    strcat(s, "\xc3\xa9");
    sl_buf_reset(&want);
    sl_buf_printf(&want, "BEGIN,\"%s\",END", s);
    cr_assert_str_eq(enc3(sl_type_string(), sl_string(s, strlen(s))), want.p);
    sl_buf_free(&want);
}

Test(csv, encode_with_another_quote_character)
{
    opt("csv.quote-character", "#");
    cr_assert_str_eq(enc3(sl_type_string(), sl_string("2019-12-26 12:12:12", 19)),
                     "BEGIN,#2019-12-26 12:12:12#,END");
}

Test(csv, encode_with_quotes_disabled)
{
    opt("csv.disable-quote-character", "true");
    cr_assert_str_eq(enc3(sl_type_string(), sl_string("2019-12-26 12:12:12", 19)),
                     "BEGIN,2019-12-26 12:12:12,END");
}

Test(csv, encode_null_as_empty_or_the_literal)
{
    cr_assert_str_eq(enc3(T(SL_TYPE_INT), sl_null()), "BEGIN,,END");
    opt("csv.null-literal", "n/a");
    cr_assert_str_eq(enc3(T(SL_TYPE_INT), sl_null()), "BEGIN,n/a,END");
}

Test(csv, encode_numbers_as_java_tostring)
{
    cr_assert_str_eq(enc3(T(SL_TYPE_DOUBLE), sl_double(1e10)), "BEGIN,1.0E10,END");
    cr_assert_str_eq(enc3(T(SL_TYPE_DOUBLE), sl_double(NAN)), "BEGIN,NaN,END");
    cr_assert_str_eq(enc3(T(SL_TYPE_DOUBLE), sl_double(-0.5)), "BEGIN,-0.5,END");
    cr_assert_str_eq(enc3(T(SL_TYPE_FLOAT), sl_double((double)33.333f)), "BEGIN,33.333,END");
    cr_assert_str_eq(enc3(T(SL_TYPE_BOOLEAN), sl_bool(0)), "BEGIN,false,END");
}

Test(csv, encode_decimals_as_jackson)
{
    cr_assert_str_eq(enc3(sl_type_decimal(10, 2), sl_decimal(&g_ar, 6000, 2)),
                     "BEGIN,\"6E+1\",END"); /* '+' is below ',' */
    cr_assert_str_eq(enc3(sl_type_decimal(10, 2), sl_decimal(&g_ar, 1250, 2)), "BEGIN,12.5,END");
    opt("csv.write-bigdecimal-in-scientific-notation", "false");
    cr_assert_str_eq(enc3(sl_type_decimal(10, 2), sl_decimal(&g_ar, 6000, 2)), "BEGIN,60,END");
}

Test(csv, encode_temporal_values)
{
    int64_t sec = sl_days_from_civil(2020, 3, 8) * 86400 + (13 * 60 + 12) * 60 + 11;
    cr_assert_str_eq(enc3(sl_type_timestamp(SL_TYPE_TIMESTAMP, 3), sl_timestamp(sec, 120000000)),
                     "BEGIN,\"2020-03-08 13:12:11.12\",END");
    cr_assert_str_eq(enc3(sl_type_timestamp(SL_TYPE_TIMESTAMP_LTZ, 3), sl_timestamp(sec, 0)),
                     "BEGIN,\"2020-03-08 13:12:11Z\",END");
    cr_assert_str_eq(enc3(T(SL_TYPE_DATE), sl_date(sl_days_from_civil(2020, 3, 8))),
                     "BEGIN,2020-03-08,END");
    sl_type t3 = T(SL_TYPE_TIME);
    t3.precision = 3;
    cr_assert_str_eq(enc3(t3, sl_time(((13 * 60 + 12) * 60 + 11) * INT64_C(1000000000) + 5e8)),
                     "BEGIN,13:12:11.5,END");
}

Test(csv, encode_bytes_as_base64)
{
    cr_assert_str_eq(enc3(T(SL_TYPE_VARBINARY), sl_bytes("\x6b\x03\x0b", 3)), "BEGIN,awML,END");
    cr_assert_str_eq(enc3(T(SL_TYPE_VARBINARY), sl_bytes("\xfb\xff", 2)), "BEGIN,\"+/8=\",END");
}

Test(csv, encode_arrays_and_rows_join_their_elements)
{
    opt("csv.null-literal", "null");
    static sl_type e;
    e = T(SL_TYPE_INT);
    sl_type arr = T(SL_TYPE_ARRAY);
    arr.elem = &e;
    sl_value items[] = {sl_int(1), sl_null(), sl_int(-3)};
    sl_value v = {0};
    v.tag = SL_V_ARRAY;
    v.n = 3;
    v.u.list = items;
    cr_assert_str_eq(enc3(arr, v), "BEGIN,1;null;-3,END");
}

Test(csv, encode_escape_character_is_doubled_and_quoted)
{
    opt("csv.escape-character", "\\");
    cr_assert_str_eq(enc3(sl_type_string(), sl_string("a\\b", 3)), "BEGIN,\"a\\\\b\",END");
    sl_value v = mid_of(sl_type_string(), "\"a\\\\b\"", ",");
    assert_str(&v, "a\\b");
}

Test(csv, encode_rejects_values_of_the_wrong_kind)
{
    sl_type types[3];
    sl_format_ctx c = ctx3(types, T(SL_TYPE_INT));
    sl_encoder *e = NULL;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_format_csv.encoder_new(&c, &e, &err), SL_OK);
    sl_value in[3] = {sl_string("a", 1), sl_double(1.5), sl_string("b", 1)};
    sl_buf b = SL_BUF_INIT;
    cr_assert_eq(sl_format_csv.encode(e, in, &b, &err), SL_DATA);
    cr_assert_str_eq(err.msg, "Field 'f1': Could not serialize a DOUBLE value as INT.");
    cr_assert_eq(b.n, 0);
    sl_buf_free(&b);
    sl_format_csv.encoder_free(e);
}

Test(csv, every_type_round_trips)
{
    opt("csv.null-literal", "NULL");
    static sl_type ae;
    static sl_field rf[2];
    ae = sl_type_string();
    rf[0].name = "a";
    rf[0].type = T(SL_TYPE_BIGINT);
    rf[1].name = "b";
    rf[1].type = sl_type_timestamp(SL_TYPE_TIMESTAMP, 9);
    const char *names[] = {"bool", "ti", "si", "i", "bi", "fl",  "db",  "dec",
                           "s",    "by", "d",  "t", "ts", "ltz", "arr", "row"};
    sl_type types[16] = {T(SL_TYPE_BOOLEAN),
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
                         T(SL_TYPE_ROW)};
    types[11].precision = 3;
    types[14].elem = &ae;
    types[15].fields = rf;
    types[15].nfields = 2;
    sl_value arr[] = {sl_string("x y", 3), sl_null(), sl_string("", 0)};
    sl_value row[2] = {sl_int(INT64_MIN), sl_timestamp(0, 1)};
    sl_value in[16] = {sl_bool(1),
                       sl_int(-128),
                       sl_int(12345),
                       sl_int(-99),
                       sl_int(INT64_MAX),
                       sl_double((double)1.25f),
                       sl_double(1e-300),
                       sl_decimal(&g_ar, -1500, 3),
                       sl_string("h\xc3\xa9 \"q\",\n", 10),
                       sl_bytes("\0\1\2\377", 4),
                       sl_date(-1000),
                       sl_time(((1 * 60 + 2) * 60 + 3) * INT64_C(1000000000) + 7000000),
                       sl_timestamp(-86400 * 365 + 5, 123456789),
                       sl_timestamp(1700000000, 5000000),
                       {0},
                       {0}};
    in[14].tag = SL_V_ARRAY, in[14].n = 3, in[14].u.list = arr;
    in[15].tag = SL_V_ROW, in[15].n = 2, in[15].u.list = row;
    sl_format_ctx c = {&g_os, "csv.", 16, names, types, "t", 0};
    sl_encoder *e = NULL;
    sl_decoder *d = NULL;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_format_csv.encoder_new(&c, &e, &err), SL_OK, "%s", err.msg);
    cr_assert_eq(sl_format_csv.decoder_new(&c, &d, &err), SL_OK, "%s", err.msg);
    sl_buf b = SL_BUF_INIT;
    cr_assert_eq(sl_format_csv.encode(e, in, &b, &err), SL_OK, "%s", err.msg);
    sl_value out[16];
    cr_assert_eq(sl_format_csv.decode(d, b.p, b.n, out, &g_ar, &err), SL_OK, "%s\n%s", err.msg,
                 b.p);
    for (int i = 0; i < 16; i++) {
        if (i == 7) {
            cr_assert(sl_decimal_unscaled(&out[i]) == -1500 && out[i].scale == 3);
            continue;
        }
        cr_assert(sl_value_equal(&in[i], &out[i]), "column %s in %s", names[i], b.p);
    }
    sl_buf_free(&b);
    sl_format_csv.encoder_free(e);
    sl_format_csv.decoder_free(d);
}

Test(csv, invalid_utf8_is_an_error)
{
    sl_value out[3];
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(dec3(sl_type_string(), "a,b\xff,c", out, &err), SL_DATA);
    cr_assert_str_eq(err.msg, "Failed to deserialize CSV row 'a,b\\xFF,c'. Invalid UTF-8 byte "
                              "0xFF at offset 3.");
}
