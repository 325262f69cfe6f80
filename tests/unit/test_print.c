/*
** tests/unit/test_print.c — print rendering: Java number forms, NULL, decimals, temporal
** values, bytes, and whole print lines in the seed's format.
**
** SPDX-License-Identifier: MIT
*/
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>

#include "base/datetime.h"
#include "base/numfmt.h"
#include "base/valuefmt.h"
#include "connectors/print/print.h"

static char out[256];

static const char *java_double(double d)
{
    sl_buf b = SL_BUF_INIT;
    sl_format_double_java(&b, d);
    snprintf(out, sizeof out, "%s", b.p);
    sl_buf_free(&b);
    return out;
}

static const char *java_float(float f)
{
    sl_buf b = SL_BUF_INIT;
    sl_format_float_java(&b, f);
    snprintf(out, sizeof out, "%s", b.p);
    sl_buf_free(&b);
    return out;
}

static const char *render(sl_value v, sl_type t)
{
    sl_buf b = SL_BUF_INIT;
    sl_value_format(&b, &v, &t, SL_STYLE_JAVA);
    snprintf(out, sizeof out, "%s", b.p);
    sl_buf_free(&b);
    return out;
}

Test(print, java_double_tostring)
{
    cr_assert_str_eq(java_double(60.0), "60.0");
    cr_assert_str_eq(java_double(400.0), "400.0");
    cr_assert_str_eq(java_double(1.1), "1.1");
    cr_assert_str_eq(java_double(100.0), "100.0");
    cr_assert_str_eq(java_double(1.0e7), "1.0E7");
    cr_assert_str_eq(java_double(9999999.0), "9999999.0");
    cr_assert_str_eq(java_double(12345678.9), "1.23456789E7");
    cr_assert_str_eq(java_double(1.0e-4), "1.0E-4");
    cr_assert_str_eq(java_double(0.001), "0.001");
    cr_assert_str_eq(java_double(0.1 + 0.2), "0.30000000000000004");
    cr_assert_str_eq(java_double(-2.5), "-2.5");
    cr_assert_str_eq(java_double(0.0), "0.0");
    cr_assert_str_eq(java_double(-0.0), "-0.0");
    cr_assert_str_eq(java_double(NAN), "NaN");
    cr_assert_str_eq(java_double(INFINITY), "Infinity");
    cr_assert_str_eq(java_double(-INFINITY), "-Infinity");
    cr_assert_str_eq(java_double(1e300), "1.0E300");
    cr_assert_str_eq(java_double(123456.0), "123456.0");
    cr_assert_str_eq(java_double(4.9e-324), "4.9E-324");
    cr_assert_str_eq(java_double(1.7976931348623157e308), "1.7976931348623157E308");
}

Test(print, java_float_tostring)
{
    cr_assert_str_eq(java_float(1.5f), "1.5");
    cr_assert_str_eq(java_float(0.1f), "0.1");
    cr_assert_str_eq(java_float(1.0e10f), "1.0E10");
    cr_assert_str_eq(java_float(3.4028235e38f), "3.4028235E38");
}

Test(print, decimals_keep_their_scale)
{
    sl_arena ar;
    sl_arena_init(&ar, 1024);
    sl_type t = sl_type_decimal(5, 2);
    cr_assert_str_eq(render(sl_decimal(&ar, 110, 2), t), "1.10");
    cr_assert_str_eq(render(sl_decimal(&ar, -5, 2), t), "-0.05");
    cr_assert_str_eq(render(sl_decimal(&ar, 0, 2), t), "0.00");
    /* BigDecimal.toString goes scientific when the adjusted exponent is below -6 */
    cr_assert_str_eq(render(sl_decimal(&ar, 1, 8), sl_type_decimal(10, 8)), "1E-8");
    cr_assert_str_eq(render(sl_decimal(&ar, 0, 8), sl_type_decimal(10, 8)), "0E-8");
    __int128 big = (__int128)1000000000000000000LL * 1000000000000LL; /* 10^30 */
    cr_assert_str_eq(render(sl_decimal(&ar, big, 0), sl_type_decimal(38, 0)),
                     "1000000000000000000000000000000");
    sl_arena_free(&ar);
}

Test(print, nulls_and_simple_types)
{
    cr_assert_str_eq(render(sl_null(), sl_type_string()), "null");
    cr_assert_str_eq(render(sl_bool(1), sl_type_make(SL_TYPE_BOOLEAN)), "true");
    cr_assert_str_eq(render(sl_int(-42), sl_type_make(SL_TYPE_INT)), "-42");
    cr_assert_str_eq(render(sl_string("a b", 3), sl_type_string()), "a b");
    cr_assert_str_eq(render(sl_double((double)1.5f), sl_type_make(SL_TYPE_FLOAT)), "1.5");
    unsigned char bytes[] = {0xc0, 0xff, 0xee};
    cr_assert_str_eq(render(sl_bytes(bytes, 3), sl_type_make(SL_TYPE_VARBINARY)),
                     "[-64, -1, -18]");
}

Test(print, dates_times_timestamps)
{
    int64_t d = sl_days_from_civil(2020, 11, 5);
    cr_assert_str_eq(render(sl_date(d), sl_type_make(SL_TYPE_DATE)), "2020-11-05");
    int64_t tod = (12 * 3600 + 22 * 60 + 35) * INT64_C(1000000000);
    cr_assert_str_eq(render(sl_time(tod), sl_type_make(SL_TYPE_TIME)), "12:22:35");
    cr_assert_str_eq(render(sl_time(tod - 35 * INT64_C(1000000000)), sl_type_make(SL_TYPE_TIME)),
                     "12:22");
    cr_assert_str_eq(render(sl_time(tod + 120000000), sl_type_make(SL_TYPE_TIME)),
                     "12:22:35.120");
    sl_type ts = sl_type_timestamp(SL_TYPE_TIMESTAMP, 3);
    int64_t sec = d * 86400 + tod / 1000000000;
    cr_assert_str_eq(render(sl_timestamp(sec, 0), ts), "2020-11-05T12:22:35");
    cr_assert_str_eq(render(sl_timestamp(sec, 120000000), ts), "2020-11-05T12:22:35.120");
    /* seconds are omitted when seconds and fraction are zero */
    int64_t midnight = sl_days_from_civil(2020, 8, 16) * 86400 + 6 * 60;
    cr_assert_str_eq(render(sl_timestamp(midnight, 0), ts), "2020-08-16T00:06");
    sl_type ltz = sl_type_timestamp(SL_TYPE_TIMESTAMP_LTZ, 3);
    int64_t inst = sl_days_from_civil(2021, 3, 30) * 86400 + 15 * 3600;
    cr_assert_str_eq(render(sl_timestamp(inst, 0), ltz), "2021-03-30T15:00:00Z");
    cr_assert_str_eq(render(sl_timestamp(inst, 123000000), ltz), "2021-03-30T15:00:00.123Z");
    /* before 1970 */
    cr_assert_str_eq(render(sl_timestamp(-1, 0), ts), "1969-12-31T23:59:59");
}

Test(print, seed_line_format)
{
    sl_arena ar;
    sl_arena_init(&ar, 4096);
    sl_column cols[4] = {{.name = "order_id", .type = sl_type_string()},
                         {.name = "pay_amount", .type = sl_type_make(SL_TYPE_DOUBLE)},
                         {.name = "user_name", .type = sl_type_string()},
                         {.name = "n", .type = sl_type_make(SL_TYPE_INT)}};
    sl_tabledef t = {0};
    t.schema.ncol = 4;
    t.schema.cols = cols;
    sl_row *row = sl_row_new(&ar, 4);
    row->col[0] = sl_string("202303251202020001", 18);
    row->col[1] = sl_double(60.0);
    row->col[2] = sl_string("Bob", 3);
    row->col[3] = sl_null();
    sl_buf b = SL_BUF_INIT;
    sl_print_format_row(&b, NULL, row, &t, NULL);
    cr_assert_str_eq(b.p, "+I(202303251202020001,60.0,Bob,null)");
    sl_buf_reset(&b);
    row->kind = SL_UPDATE_BEFORE;
    sl_print_format_row(&b, "sink", row, &t, NULL);
    cr_assert_str_eq(b.p, "sink> -U(202303251202020001,60.0,Bob,null)");
    sl_buf_free(&b);
    sl_arena_free(&ar);
}

Test(print, decimal_parse_rounds_half_up)
{
    __int128 u;
    cr_assert_eq(sl_parse_decimal("60.00", 5, 10, 2, &u), 0);
    cr_assert(u == 6000);
    cr_assert_eq(sl_parse_decimal("1.005", 5, 10, 2, &u), 0);
    cr_assert(u == 101);
    cr_assert_eq(sl_parse_decimal("-1.005", 6, 10, 2, &u), 0);
    cr_assert(u == -101);
    cr_assert_eq(sl_parse_decimal("1e3", 3, 10, 0, &u), 0);
    cr_assert(u == 1000);
    cr_assert_eq(sl_parse_decimal("12345", 5, 4, 0, &u), -2);
    cr_assert_eq(sl_parse_decimal("abc", 3, 4, 0, &u), -1);
    cr_assert_eq(sl_parse_decimal(".5", 2, 4, 1, &u), 0);
    cr_assert(u == 5);
}

/* Significant digits of a Java rendering ("123.45", "1.0E-5"): digits without leading zeros,
** without the exponent and without trailing zeros. */
static int sig_digits(const char *s, char *digits)
{
    int n = 0, started = 0;
    for (; *s && *s != 'E' && *s != 'e'; s++) {
        if (*s < '0' || *s > '9') continue;
        if (*s != '0') started = 1;
        if (started) digits[n++] = *s;
    }
    while (n > 1 && digits[n - 1] == '0') n--;
    digits[n] = 0;
    return n;
}

/* The shortest round-trip digits, the closest to x among those: what Double.toString keeps. */
static void check_shortest(double x)
{
    const char *s = java_double(x);
    cr_assert(strtod(s, NULL) == x, "%s does not read back as %.17g", s, x);
    char got[32], want[40];
    int n = sig_digits(s, got);
    int p = 2;
    for (; p < 17; p++) {
        snprintf(want, sizeof want, "%.*e", p - 1, x);
        if (strtod(want, NULL) == x) break;
    }
    snprintf(want, sizeof want, "%.*e", p - 1, x);
    char wd[32];
    int wn = sig_digits(want, wd);
    cr_assert(n == wn && strcmp(got, wd) == 0, "%.17g rendered %s, want digits %s", x, s, wd);
}

Test(java_double, shortest_digits_for_decimals_and_random_doubles)
{
    uint64_t r = 0x9E3779B97F4A7C15u;
    for (int i = 0; i < 200000; i++) {
        r ^= r << 13, r ^= r >> 7, r ^= r << 17;
        /* short decimals: k / 10^d, as prices and amounts are */
        double dec = (double)(r % 100000000) / pow(10, (int)(r >> 59) % 9);
        if (dec != 0) check_shortest(dec);
        /* arbitrary finite doubles of both signs' magnitudes in the fast path's range */
        double any = ldexp((double)(r >> 11) / 9007199254740992.0, (int)(r % 80) - 20);
        if (any != 0) check_shortest(any);
    }
    check_shortest(0.1 + 0.2);
    check_shortest(60.0);
    check_shortest(1e-5);
    check_shortest(999999999999999.9);
}
