/*
** tests/unit/test_duration.c — Flink duration strings, exactly as spec 2.3 lists them.
**
** SPDX-License-Identifier: MIT
*/
#include <criterion/criterion.h>

#include "base/duration.h"

static int64_t ns_of(const char *text)
{
    sl_err err = SL_ERR_INIT;
    int64_t ns = -1;
    cr_assert_eq(sl_duration_parse(text, &ns, &err), SL_OK, "'%s': %s", text, err.msg);
    return ns;
}

static const char *error_of(const char *text)
{
    static sl_err err;
    sl_err_clear(&err);
    int64_t ns;
    cr_assert_eq(sl_duration_parse(text, &ns, &err), SL_CONFIG, "'%s' should be invalid", text);
    return err.msg;
}

#define MS INT64_C(1000000)

Test(duration, valid_forms)
{
    cr_assert_eq(ns_of("10 ms"), 10 * MS);
    cr_assert_eq(ns_of("10ms"), 10 * MS);
    cr_assert_eq(ns_of("1 s"), 1000 * MS);
    cr_assert_eq(ns_of("1s"), 1000 * MS);
    cr_assert_eq(ns_of("1 min"), 60000 * MS);
    cr_assert_eq(ns_of("2h"), 7200000 * MS);
    cr_assert_eq(ns_of("2 H"), 7200000 * MS);
    cr_assert_eq(ns_of("  155  ms  "), 155 * MS);
    cr_assert_eq(ns_of("5 minutes"), 300000 * MS);
    cr_assert_eq(ns_of("1 d"), INT64_C(86400000) * MS);
    cr_assert_eq(ns_of("3 micros"), 3000);
    cr_assert_eq(ns_of("3 \xc2\xb5s"), 3000);
    cr_assert_eq(ns_of("7 nanoseconds"), 7);
    cr_assert_eq(ns_of("2 SECONDS"), 2000 * MS);
}

Test(duration, bare_numbers_are_milliseconds)
{
    cr_assert_eq(ns_of("100000"), 100000 * MS);
    cr_assert_eq(ns_of("0"), 0);
}

Test(duration, unknown_label_lists_the_units)
{
    cr_assert_str_eq(error_of("1 m"),
                     "Time interval unit label 'm' does not match any of the recognized units: "
                     "DAYS: (d | day | days), HOURS: (h | hour | hours), MINUTES: (min | minute | "
                     "minutes), SECONDS: (s | sec | secs | second | seconds), MILLISECONDS: (ms | "
                     "milli | millis | millisecond | milliseconds), MICROSECONDS: (\xc2\xb5s | "
                     "micro | micros | microsecond | microseconds), NANOSECONDS: (ns | nano | "
                     "nanos | nanosecond | nanoseconds)");
}

Test(duration, invalid_forms)
{
    error_of("1.5 s");      /* no decimals */
    error_of("-1 s");       /* no sign */
    error_of("PT1S");       /* ISO-8601 is not this grammar */
    error_of("1 s 500 ms"); /* one number only */
    error_of("");
    error_of("   ");
    error_of("99999999999999999999 ms"); /* overflows 64 bits */
    error_of("9999999999999 d");         /* the conversion overflows */
}

Test(duration, rendering)
{
    char b[32];
    sl_duration_render(b, sizeof b, 60000 * MS);
    cr_assert_str_eq(b, "1 min");
    sl_duration_render(b, sizeof b, 10 * MS);
    cr_assert_str_eq(b, "10 ms");
    sl_duration_render(b, sizeof b, 0);
    cr_assert_str_eq(b, "0 ms");
}
