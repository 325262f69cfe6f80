/*
** tests/unit/test_mc_ptime.c — time zones and partition values of the maxcompute sink.
**
** Zones come from the system's tzdata (/usr/share/zoneinfo, Debian's tzdata package). The pt
** formats are spec 5.3's table; the seed's TEXT example shows pt 07-13-2023 21:13, which is
** 2023-07-13T13:13Z in Asia/Shanghai. DST cases pin java.time's gap and overlap rules, and the
** years after 2037 exercise the TZif footer's POSIX rule.
**
** SPDX-License-Identifier: MIT
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/datetime.h"
#include "base/err.h"
#include "connectors/maxcompute/ptime.h"

static sl_mc_tz *load(const char *name)
{
    sl_mc_tz *tz = NULL;
    sl_err err = SL_ERR_INIT;
    int rc = sl_mc_tz_load(name, &tz, &err);
    cr_assert_eq(rc, SL_OK, "load %s: %s", name, err.msg);
    return tz;
}

static void load_fails(const char *name, const char *needle)
{
    sl_mc_tz *tz = NULL;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_mc_tz_load(name, &tz, &err), SL_DATA, "%s loaded", name);
    cr_assert_null(tz);
    cr_assert(strstr(err.msg, needle), "%s: message [%s] lacks [%s]", name, err.msg, needle);
}

/* Epoch seconds of a UTC civil time. */
static int64_t utc(int y, int mo, int d, int h, int mi, int s)
{
    return sl_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s;
}

static void pt_is(const sl_mc_tz *tz, int64_t sec, int window, int newfmt, const char *want)
{
    sl_buf b = SL_BUF_INIT;
    sl_mc_pt_value(&b, sec * 1000, window, newfmt, tz);
    cr_assert_str_eq(b.p, want, "pt for %lld in %s", (long long)sec, sl_mc_tz_name(tz));
    sl_buf_free(&b);
}

Test(mc_ptime, formats_of_spec_5_3)
{
    sl_mc_tz *tz = load("Asia/Shanghai");
    int64_t t = utc(2023, 7, 13, 13, 13, 42); /* 21:13:42 in Shanghai */
    pt_is(tz, t, SL_MC_WINDOW_DAY, 0, "07-13-2023");
    pt_is(tz, t, SL_MC_WINDOW_HOUR, 0, "07-13-2023 21");
    pt_is(tz, t, SL_MC_WINDOW_MINUTE, 0, "07-13-2023 21:13");
    pt_is(tz, t, SL_MC_WINDOW_DAY, 1, "2023-07-13");
    pt_is(tz, t, SL_MC_WINDOW_HOUR, 1, "2023-07-13 21");
    pt_is(tz, t, SL_MC_WINDOW_MINUTE, 1, "2023-07-13 21:13");
    /* the day changes in Shanghai before it does in UTC */
    pt_is(tz, utc(2023, 7, 13, 16, 10, 0), SL_MC_WINDOW_MINUTE, 0, "07-14-2023 00:10");
    sl_mc_tz_free(tz);
}

Test(mc_ptime, utc_default_and_milliseconds_floor)
{
    sl_mc_tz *tz = load("UTC");
    pt_is(tz, utc(2023, 7, 13, 21, 13, 0), SL_MC_WINDOW_MINUTE, 0, "07-13-2023 21:13");
    sl_buf b = SL_BUF_INIT;
    sl_mc_pt_value(&b, -1, SL_MC_WINDOW_MINUTE, 1, tz); /* 1 ms before the epoch */
    cr_assert_str_eq(b.p, "1969-12-31 23:59");
    sl_buf_reset(&b);
    sl_mc_pt_value(&b, utc(2023, 1, 1, 0, 0, 0) * 1000 - 1, SL_MC_WINDOW_HOUR, 0, tz);
    cr_assert_str_eq(b.p, "12-31-2022 23");
    sl_buf_free(&b);
    sl_mc_tz_free(tz);
}

Test(mc_ptime, dst_spring_forward_berlin)
{
    sl_mc_tz *tz = load("Europe/Berlin");
    /* 2023-03-26 01:00Z: 02:00 CET becomes 03:00 CEST */
    cr_assert_eq(sl_mc_tz_offset(tz, utc(2023, 3, 26, 0, 59, 59)), 3600);
    cr_assert_eq(sl_mc_tz_offset(tz, utc(2023, 3, 26, 1, 0, 0)), 7200);
    pt_is(tz, utc(2023, 3, 26, 0, 59, 0), SL_MC_WINDOW_MINUTE, 1, "2023-03-26 01:59");
    pt_is(tz, utc(2023, 3, 26, 1, 0, 0), SL_MC_WINDOW_MINUTE, 1, "2023-03-26 03:00");
    /* 02:30 does not exist: java.time moves it forward by the gap, to 03:30 CEST = 01:30Z */
    int64_t local = utc(2023, 3, 26, 2, 30, 0);
    cr_assert_eq(sl_mc_tz_from_local(tz, local), utc(2023, 3, 26, 1, 30, 0));
    /* ordinary times either side */
    cr_assert_eq(sl_mc_tz_from_local(tz, utc(2023, 3, 26, 1, 30, 0)), utc(2023, 3, 26, 0, 30, 0));
    cr_assert_eq(sl_mc_tz_from_local(tz, utc(2023, 3, 26, 3, 30, 0)), utc(2023, 3, 26, 1, 30, 0));
    sl_mc_tz_free(tz);
}

Test(mc_ptime, dst_fall_back_overlap_takes_earlier_offset)
{
    sl_mc_tz *tz = load("Europe/Berlin");
    /* 2023-10-29 01:00Z: 03:00 CEST becomes 02:00 CET; 02:30 happens twice */
    pt_is(tz, utc(2023, 10, 29, 0, 30, 0), SL_MC_WINDOW_HOUR, 0, "10-29-2023 02");
    pt_is(tz, utc(2023, 10, 29, 1, 30, 0), SL_MC_WINDOW_HOUR, 0, "10-29-2023 02");
    cr_assert_eq(sl_mc_tz_from_local(tz, utc(2023, 10, 29, 2, 30, 0)), utc(2023, 10, 29, 0, 30, 0));
    sl_mc_tz_free(tz);
}

Test(mc_ptime, new_york_and_the_footer_rule_after_2037)
{
    sl_mc_tz *tz = load("America/New_York");
    cr_assert_eq(sl_mc_tz_offset(tz, utc(2023, 7, 1, 12, 0, 0)), -4 * 3600);
    cr_assert_eq(sl_mc_tz_offset(tz, utc(2023, 1, 1, 12, 0, 0)), -5 * 3600);
    /* beyond the table: "EST5EDT,M3.2.0,M11.1.0"; 2100-03-14 is the second Sunday of March */
    cr_assert_eq(sl_mc_tz_offset(tz, utc(2100, 7, 1, 12, 0, 0)), -4 * 3600);
    cr_assert_eq(sl_mc_tz_offset(tz, utc(2100, 1, 1, 12, 0, 0)), -5 * 3600);
    cr_assert_eq(sl_mc_tz_offset(tz, utc(2100, 3, 14, 6, 59, 59)), -5 * 3600);
    cr_assert_eq(sl_mc_tz_offset(tz, utc(2100, 3, 14, 7, 0, 0)), -4 * 3600);
    /* first Sunday of November 2100 is the 7th; 02:00 EDT = 06:00Z */
    cr_assert_eq(sl_mc_tz_offset(tz, utc(2100, 11, 7, 5, 59, 59)), -4 * 3600);
    cr_assert_eq(sl_mc_tz_offset(tz, utc(2100, 11, 7, 6, 0, 0)), -5 * 3600);
    pt_is(tz, utc(2100, 3, 14, 7, 0, 0), SL_MC_WINDOW_MINUTE, 0, "03-14-2100 03:00");
    sl_mc_tz_free(tz);
}

Test(mc_ptime, southern_hemisphere_rule)
{
    sl_mc_tz *tz = load("Australia/Sydney");
    cr_assert_eq(sl_mc_tz_offset(tz, utc(2024, 1, 15, 0, 0, 0)), 11 * 3600);
    cr_assert_eq(sl_mc_tz_offset(tz, utc(2024, 7, 15, 0, 0, 0)), 10 * 3600);
    cr_assert_eq(sl_mc_tz_offset(tz, utc(2100, 1, 15, 0, 0, 0)), 11 * 3600);
    cr_assert_eq(sl_mc_tz_offset(tz, utc(2100, 7, 15, 0, 0, 0)), 10 * 3600);
    /* New Year's Eve in Sydney is already the next year */
    pt_is(tz, utc(2099, 12, 31, 13, 0, 0), SL_MC_WINDOW_DAY, 1, "2100-01-01");
    sl_mc_tz_free(tz);
}

Test(mc_ptime, fixed_offsets_in_java_spellings)
{
    static const struct {
        const char *name;
        int32_t off;
    } cases[] = {{"Z", 0},          {"UTC", 0},          {"GMT", 0},       {"+08:00", 28800},
                 {"+8", 28800},     {"-0530", -19800},   {"UTC+8", 28800}, {"GMT-03:30", -12600},
                 {"+18:00", 64800}, {"+01:02:03", 3723}, {"UT-1", -3600}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sl_mc_tz *tz = load(cases[i].name);
        cr_assert_eq(sl_mc_tz_offset(tz, 0), cases[i].off, "%s", cases[i].name);
        cr_assert_eq(sl_mc_tz_offset(tz, utc(2100, 6, 1, 0, 0, 0)), cases[i].off);
        cr_assert_eq(sl_mc_tz_from_local(tz, 1000000), 1000000 - cases[i].off);
        sl_mc_tz_free(tz);
    }
}

Test(mc_ptime, bad_zone_names)
{
    load_fails("+19:00", "is not a zone");
    load_fails("+8:0", "is not a zone");
    load_fails("", "is not a zone");
    load_fails("../../etc/passwd", "is not a zone");
    load_fails("/etc/localtime", "is not a zone");
    load_fails("Asia/Shang hai", "is not a zone");
    load_fails("Mars/Olympus_Mons", "is not a known zone");
    load_fails("right/UTC", "leap-second");
}

Test(mc_ptime, not_a_tzif_file)
{
    char dir[] = "/tmp/sl_tzdir_XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/Bogus", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("TZif2 but not really a zone file", f);
    fclose(f);
    setenv("TZDIR", dir, 1);
    load_fails("Bogus", "not a valid TZif file");
    unsetenv("TZDIR");
    remove(path);
    rmdir(dir);
}

Test(mc_ptime, window_names)
{
    int w = -1;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_mc_window_parse("minute", &w, &err), SL_OK);
    cr_assert_eq(w, SL_MC_WINDOW_MINUTE);
    cr_assert_eq(sl_mc_window_parse("DAY", &w, &err), SL_OK);
    cr_assert_eq(w, SL_MC_WINDOW_DAY);
    cr_assert_eq(sl_mc_window_parse("WEEK", &w, &err), SL_DATA);
    cr_assert_str_eq(err.msg, "partition_window_type 'WEEK' is not one of DAY, HOUR, MINUTE");
}

Test(mc_ptime, partition_spec_forms)
{
    const char *names[] = {"pt", "region"};
    const char *vals[] = {"07-13-2023 21", "cn"};
    size_t lens[] = {13, 2};
    static const struct {
        int n, quoted;
        const char *want;
    } cases[] = {{1, 1, "pt='07-13-2023 21'"},
                 {1, 0, "pt=07-13-2023 21"},
                 {2, 1, "pt='07-13-2023 21',region='cn'"},
                 {2, 0, "pt=07-13-2023 21,region=cn"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sl_buf b = SL_BUF_INIT;
        sl_err err = SL_ERR_INIT;
        cr_assert_eq(sl_mc_partition_spec(&b, names, vals, lens, cases[i].n, cases[i].quoted, &err),
                     SL_OK);
        cr_assert_str_eq(b.p, cases[i].want);
        sl_buf_free(&b);
    }
}

Test(mc_ptime, partition_spec_rejects_what_it_cannot_carry)
{
    const char *names[] = {"pt"};
    const char *bad[] = {"a'b", "a,b", "a=b", "a/b", "a\nb", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t len = strlen(bad[i]);
        sl_buf b = SL_BUF_INIT;
        sl_err err = SL_ERR_INIT;
        cr_assert_eq(sl_mc_partition_spec(&b, names, &bad[i], &len, 1, 1, &err), SL_DATA,
                     "[%s] accepted", bad[i]);
        cr_assert(strstr(err.msg, "partition column 'pt'"), "%s", err.msg);
        cr_assert_eq(b.n, 0);
        sl_buf_free(&b);
    }
    char longv[300];
    memset(longv, 'x', sizeof longv);
    const char *lv = longv;
    size_t len = sizeof longv;
    sl_buf b = SL_BUF_INIT;
    sl_err err = SL_ERR_INIT;
    cr_assert_eq(sl_mc_partition_spec(&b, names, &lv, &len, 1, 0, &err), SL_DATA);
    cr_assert(strstr(err.msg, "1 to 255 bytes, not 300"), "%s", err.msg);
    sl_buf_free(&b);
}
