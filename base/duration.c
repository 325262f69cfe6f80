/*
** base/duration.c — Flink duration strings (see duration.h).
**
** SPDX-License-Identifier: MIT
*/
#include "base/duration.h"

#include <stdio.h>

static const struct unit {
    int64_t ns;
    const char *labels[5];
} units[] = {
    {INT64_C(86400000000000), {"d", "day", "days", NULL}},
    {INT64_C(3600000000000), {"h", "hour", "hours", NULL}},
    {INT64_C(60000000000), {"min", "minute", "minutes", NULL}},
    {INT64_C(1000000000), {"s", "sec", "secs", "second", "seconds"}},
    {INT64_C(1000000), {"ms", "milli", "millis", "millisecond", "milliseconds"}},
    {INT64_C(1000), {"\xc2\xb5s", "micro", "micros", "microsecond", "microseconds"}},
    {INT64_C(1), {"ns", "nano", "nanos", "nanosecond", "nanoseconds"}},
};

static const char unit_list[] =
    "DAYS: (d | day | days), HOURS: (h | hour | hours), MINUTES: (min | minute | minutes), "
    "SECONDS: (s | sec | secs | second | seconds), MILLISECONDS: (ms | milli | millis | "
    "millisecond | milliseconds), MICROSECONDS: (\xc2\xb5s | micro | micros | microsecond | "
    "microseconds), NANOSECONDS: (ns | nano | nanos | nanosecond | nanoseconds)";

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

int sl_duration_parse(const char *text, int64_t *out_ns, sl_err *err)
{
    const char *p = text;
    while (is_blank(*p)) p++;
    if (!*p) return sl_err_set(err, SL_CONFIG, "argument is an empty- or whitespace-only string");
    const char *digits = p;
    uint64_t num = 0;
    int overflow = 0;
    while (*p >= '0' && *p <= '9') {
        if (num > (UINT64_C(9223372036854775807) - (uint64_t)(*p - '0')) / 10) overflow = 1;
        num = num * 10 + (uint64_t)(*p - '0');
        p++;
    }
    if (p == digits)
        return sl_err_set(err, SL_CONFIG, "text does not start with a number: '%s'", text);
    if (overflow)
        return sl_err_set(err, SL_CONFIG,
                          "The value '%.*s' cannot be represented as 64bit number (numeric "
                          "overflow).",
                          (int)(p - digits), digits);
    while (is_blank(*p)) p++;
    const char *label = p;
    const char *end = label + strlen(label);
    while (end > label && is_blank(end[-1])) end--;
    size_t nlabel = (size_t)(end - label);
    int64_t mult = INT64_C(1000000); /* no label: milliseconds */
    if (nlabel) {
        mult = 0;
        for (size_t u = 0; u < SL_ARRAY_LEN(units) && !mult; u++)
            for (int l = 0; l < 5 && units[u].labels[l]; l++)
                if (strlen(units[u].labels[l]) == nlabel &&
                    sl_strncaseeq(units[u].labels[l], label, nlabel)) {
                    mult = units[u].ns;
                    break;
                }
        if (!mult)
            return sl_err_set(err, SL_CONFIG,
                              "Time interval unit label '%.*s' does not match any of the "
                              "recognized units: %s",
                              (int)nlabel, label, unit_list);
    }
    if (num > (uint64_t)INT64_MAX / (uint64_t)mult)
        return sl_err_set(err, SL_CONFIG,
                          "The value '%s' cannot be represented as java.time.Duration (numeric "
                          "overflow).",
                          text);
    *out_ns = (int64_t)num * mult;
    return SL_OK;
}

void sl_duration_render(char *out, size_t n, int64_t ns)
{
    static const struct {
        int64_t ns;
        const char *label;
    } r[] = {{INT64_C(86400000000000), "d"}, {INT64_C(3600000000000), "h"},
             {INT64_C(60000000000), "min"}, {INT64_C(1000000000), "s"},
             {INT64_C(1000000), "ms"},       {INT64_C(1000), "\xc2\xb5s"}};
    if (ns == 0) {
        snprintf(out, n, "0 ms");
        return;
    }
    for (size_t i = 0; i < SL_ARRAY_LEN(r); i++)
        if (ns % r[i].ns == 0) {
            snprintf(out, n, "%lld %s", (long long)(ns / r[i].ns), r[i].label);
            return;
        }
    snprintf(out, n, "%lld ns", (long long)ns);
}
