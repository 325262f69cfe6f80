/*
** base/datetime.c — calendar arithmetic and date/time text forms (see datetime.h).
**
** The civil-date conversions are the well-known era/day-of-era algorithms (as published by
** Howard Hinnant), valid for every int64 day count that fits a year in int64.
**
** SPDX-License-Identifier: MIT
*/
#include "base/datetime.h"

int64_t sl_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void sl_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int64_t y, unsigned m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2) return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28;
    return dm[m - 1];
}

/* A small cursor over the text. */
typedef struct cur {
    const char *p, *end;
} cur;

static int num(cur *c, int mind, int maxd, int64_t *out)
{
    int nd = 0;
    int64_t v = 0;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9' && nd < maxd) {
        v = v * 10 + (*c->p - '0');
        c->p++;
        nd++;
    }
    if (nd < mind) return -1;
    *out = v;
    return 0;
}

static int lit(cur *c, char ch)
{
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return 0;
    }
    return -1;
}

static void trim(cur *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t')) c->p++;
    while (c->end > c->p && (c->end[-1] == ' ' || c->end[-1] == '\t')) c->end--;
}

static int date_part(cur *c, int64_t *days)
{
    int64_t y, m, d;
    int neg = lit(c, '-') == 0;
    if (num(c, 4, 9, &y) || lit(c, '-') || num(c, 1, 2, &m) || lit(c, '-') || num(c, 1, 2, &d))
        return -1;
    if (neg) y = -y;
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, (unsigned)m)) return -1;
    *days = sl_days_from_civil(y, (unsigned)m, (unsigned)d);
    return 0;
}

static int time_part(cur *c, int64_t *nanos)
{
    int64_t h, mi, s = 0, frac = 0;
    if (num(c, 1, 2, &h) || lit(c, ':') || num(c, 1, 2, &mi)) return -1;
    if (lit(c, ':') == 0) {
        if (num(c, 1, 2, &s)) return -1;
        if (lit(c, '.') == 0) {
            const char *start = c->p;
            if (num(c, 1, 9, &frac)) return -1;
            for (long nd = c->p - start; nd < 9; nd++) frac *= 10;
        }
    }
    if (h > 23 || mi > 59 || s > 59) return -1;
    *nanos = ((h * 60 + mi) * 60 + s) * INT64_C(1000000000) + frac;
    return 0;
}

int sl_parse_date(const char *text, size_t n, int64_t *days)
{
    cur c = {text, text + n};
    trim(&c);
    if (date_part(&c, days)) return -1;
    return c.p == c.end ? 0 : -1;
}

int sl_parse_time(const char *text, size_t n, int64_t *nanos)
{
    cur c = {text, text + n};
    trim(&c);
    if (time_part(&c, nanos)) return -1;
    return c.p == c.end ? 0 : -1;
}

int sl_parse_timestamp(const char *text, size_t n, int64_t *sec, uint32_t *nanos)
{
    cur c = {text, text + n};
    int64_t days, tod = 0;
    trim(&c);
    if (date_part(&c, &days)) return -1;
    if (c.p < c.end && (*c.p == ' ' || *c.p == 'T')) {
        c.p++;
        if (time_part(&c, &tod)) return -1;
    }
    if (c.p < c.end && *c.p == 'Z') c.p++;
    if (c.p != c.end) return -1;
    *sec = days * 86400 + tod / 1000000000;
    *nanos = (uint32_t)(tod % 1000000000);
    return 0;
}

void sl_format_date(sl_buf *b, int64_t days)
{
    int64_t y;
    unsigned m, d;
    sl_civil_from_days(days, &y, &m, &d);
    if (y > 9999) sl_buf_printf(b, "+%lld-%02u-%02u", (long long)y, m, d);
    else if (y < 0) sl_buf_printf(b, "-%04lld-%02u-%02u", (long long)-y, m, d);
    else sl_buf_printf(b, "%04lld-%02u-%02u", (long long)y, m, d);
}

/* Java's fraction: .SSS, .SSSSSS or .SSSSSSSSS, the shortest of those that is exact. */
static void java_fraction(sl_buf *b, uint32_t nanos)
{
    if (nanos % 1000000 == 0) sl_buf_printf(b, ".%03u", nanos / 1000000);
    else if (nanos % 1000 == 0) sl_buf_printf(b, ".%06u", nanos / 1000);
    else sl_buf_printf(b, ".%09u", nanos);
}

void sl_format_time_java(sl_buf *b, int64_t nod)
{
    int64_t secs = nod / 1000000000;
    uint32_t nanos = (uint32_t)(nod % 1000000000);
    int h = (int)(secs / 3600), mi = (int)(secs / 60 % 60), s = (int)(secs % 60);
    sl_buf_printf(b, "%02d:%02d", h, mi);
    if (s || nanos) {
        sl_buf_printf(b, ":%02d", s);
        if (nanos) java_fraction(b, nanos);
    }
}

void sl_format_timestamp_java(sl_buf *b, int64_t sec, uint32_t nanos)
{
    sl_format_date(b, sl_floordiv(sec, 86400));
    sl_buf_putc(b, 'T');
    sl_format_time_java(b, sl_floormod(sec, 86400) * INT64_C(1000000000) + nanos);
}

void sl_format_instant_java(sl_buf *b, int64_t sec, uint32_t nanos)
{
    int64_t tod = sl_floormod(sec, 86400);
    sl_format_date(b, sl_floordiv(sec, 86400));
    sl_buf_printf(b, "T%02d:%02d:%02d", (int)(tod / 3600), (int)(tod / 60 % 60), (int)(tod % 60));
    if (nanos) java_fraction(b, nanos);
    sl_buf_putc(b, 'Z');
}

static void sql_fraction(sl_buf *b, uint32_t nanos, int trim, int precision)
{
    char f[10];
    for (int i = 8; i >= 0; i--) {
        f[i] = (char)('0' + nanos % 10);
        nanos /= 10;
    }
    int nd = 9;
    if (trim) {
        while (nd > 0 && f[nd - 1] == '0') nd--;
    } else {
        nd = precision < 0 ? 0 : precision > 9 ? 9 : precision;
    }
    if (nd > 0) {
        sl_buf_putc(b, '.');
        sl_buf_append(b, f, (size_t)nd);
    }
}

void sl_format_time_sql(sl_buf *b, int64_t nod, int trim, int precision)
{
    int64_t secs = nod / 1000000000;
    sl_buf_printf(b, "%02d:%02d:%02d", (int)(secs / 3600), (int)(secs / 60 % 60),
                  (int)(secs % 60));
    sql_fraction(b, (uint32_t)(nod % 1000000000), trim, precision);
}

void sl_format_timestamp_sql(sl_buf *b, int64_t sec, uint32_t nanos, char sep, int trim,
                             int precision)
{
    sl_format_date(b, sl_floordiv(sec, 86400));
    sl_buf_putc(b, sep);
    sl_format_time_sql(b, sl_floormod(sec, 86400) * INT64_C(1000000000) + nanos, trim,
                       precision);
}
