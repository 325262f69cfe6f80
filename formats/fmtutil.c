/*
** formats/fmtutil.c — Java-compatible text conversions shared by the formats.
**
** Numbers: Flink reads numeric text with Java's parsers, which round correctly. The decimal to
** double conversion therefore takes Clinger's fast path (a mantissa of at most 2^53 scaled by an
** exactly representable power of ten is one correctly rounded IEEE operation) and otherwise
** falls back to strtod_l in the C locale, which glibc rounds correctly. The locale object is
** created once and never freed: an embedding program may have changed LC_NUMERIC, and a ','
** decimal point must not change what a JSON number means.
**
** Dates and times follow java.time's ISO formatters field by field (widths, signs, ranges), not
** the lenient base/datetime.h parsers, because a value Flink rejects must be rejected here too.
**
** SPDX-License-Identifier: MIT
*/
#include "formats/fmtutil.h"

#include <ctype.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/datetime.h"
#include "base/numfmt.h"

/* ---- small helpers -------------------------------------------------------------------- */

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static locale_t c_locale(void)
{
    static locale_t loc;
    locale_t l = __atomic_load_n(&loc, __ATOMIC_ACQUIRE);
    if (SL_LIKELY(l != (locale_t)0)) return l;
    l = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    if (!l) sl_fatal("cannot create the C locale");
    locale_t expected = (locale_t)0;
    if (!__atomic_compare_exchange_n(&loc, &expected, l, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        freelocale(l);
        l = expected;
    }
    return l;
}

void sl_fmt_trim(const char **p, size_t *n)
{
    const unsigned char *s = (const unsigned char *)*p;
    size_t len = *n;
    while (len && s[0] <= ' ') {
        s++;
        len--;
    }
    while (len && s[len - 1] <= ' ') len--;
    *p = (const char *)s;
    *n = len;
}

/* ---- integers ------------------------------------------------------------------------- */

int sl_fmt_parse_java_long(const char *s, size_t n, int64_t min, int64_t max, int64_t *out)
{
    const char *p = s, *end = s + n;
    int neg = 0;
    if (p < end && (*p == '+' || *p == '-')) neg = *p++ == '-';
    if (p == end) return -1;
    uint64_t v = 0;
    int overflow = 0;
    for (; p < end; p++) {
        if (!is_digit(*p)) return -1;
        unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10)
            overflow = 1;
        else
            v = v * 10 + d;
    }
    if (overflow) return -2;
    if (neg) {
        if (v > (uint64_t)INT64_MAX + 1) return -2;
        int64_t r = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
        if (r < min) return -2;
        *out = r;
    } else {
        if (v > (uint64_t)INT64_MAX || (int64_t)v > max) return -2;
        *out = (int64_t)v;
    }
    return 0;
}

/* ---- floating point ------------------------------------------------------------------- */

static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* strtod_l / strtof_l on a NUL-terminated copy of s[0..n). */
static double slow_strtod(const char *s, size_t n, int as_float, float *fout)
{
    char small[128];
    char *tmp = n < sizeof small ? small : sl_malloc(n + 1);
    memcpy(tmp, s, n);
    tmp[n] = 0;
    double d = 0;
    if (as_float)
        *fout = strtof_l(tmp, NULL, c_locale());
    else
        d = strtod_l(tmp, NULL, c_locale());
    if (tmp != small) sl_free(tmp);
    return d;
}

double sl_fmt_decimal_to_double(const char *s, size_t n)
{
    const char *p = s, *end = s + n;
    int neg = 0;
    if (p < end && (*p == '+' || *p == '-')) neg = *p++ == '-';
    uint64_t m = 0;
    int nd = 0, inexact = 0;
    long exp10 = 0;
    for (; p < end && is_digit(*p); p++) {
        if (nd < 19) {
            m = m * 10 + (uint64_t)(*p - '0');
            if (m) nd++;
        } else {
            exp10++;
            if (*p != '0') inexact = 1;
        }
    }
    if (p < end && *p == '.') {
        for (p++; p < end && is_digit(*p); p++) {
            if (nd < 19) {
                m = m * 10 + (uint64_t)(*p - '0');
                if (m) nd++;
                exp10--;
            } else if (*p != '0') {
                inexact = 1;
            }
        }
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        int eneg = 0;
        if (p < end && (*p == '+' || *p == '-')) eneg = *p++ == '-';
        long e = 0;
        for (; p < end && is_digit(*p); p++)
            if (e < 100000) e = e * 10 + (*p - '0');
        exp10 += eneg ? -e : e;
    }
    if (m == 0 && !inexact) return neg ? -0.0 : 0.0;
    if (!inexact && m <= (UINT64_C(1) << 53) && exp10 >= -22 && exp10 <= 22) {
        double d = (double)m;
        d = exp10 < 0 ? d / pow10_exact[-exp10] : d * pow10_exact[exp10];
        return neg ? -d : d;
    }
    return slow_strtod(s, n, 0, NULL);
}

float sl_fmt_decimal_to_float(const char *s, size_t n)
{
    float f = 0;
    slow_strtod(s, n, 1, &f);
    return f;
}

/*
** Java's floating-point literal grammar (FloatingDecimal.readJavaFormatString) after trimming.
** Returns 1 decimal, 2 hexadecimal, 0 invalid; *core_n excludes a d/D/f/F suffix.
*/
static int java_fp_syntax(const char *s, size_t n, size_t *core_n)
{
    const char *p = s, *end = s + n;
    if (p < end && (*p == '+' || *p == '-')) p++;
    if (end - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        p += 2;
        int nd = 0;
        while (p < end && isxdigit((unsigned char)*p)) p++, nd++;
        if (p < end && *p == '.') {
            p++;
            while (p < end && isxdigit((unsigned char)*p)) p++, nd++;
        }
        if (!nd || p == end || (*p != 'p' && *p != 'P')) return 0;
        p++;
        if (p < end && (*p == '+' || *p == '-')) p++;
        int ed = 0;
        while (p < end && is_digit(*p)) p++, ed++;
        if (!ed) return 0;
        if (p < end && (*p == 'd' || *p == 'D' || *p == 'f' || *p == 'F')) {
            *core_n = (size_t)(p - s);
            p++;
        } else {
            *core_n = (size_t)(p - s);
        }
        return p == end ? 2 : 0;
    }
    int nd = 0;
    while (p < end && is_digit(*p)) p++, nd++;
    if (p < end && *p == '.') {
        p++;
        while (p < end && is_digit(*p)) p++, nd++;
    }
    if (!nd) return 0;
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-')) p++;
        int ed = 0;
        while (p < end && is_digit(*p)) p++, ed++;
        if (!ed) return 0;
    }
    *core_n = (size_t)(p - s);
    if (p < end && (*p == 'd' || *p == 'D' || *p == 'f' || *p == 'F')) p++;
    return p == end ? 1 : 0;
}

static int java_fp_special(const char *s, size_t n, double *out)
{
    const char *p = s;
    int neg = 0;
    if (n && (*p == '+' || *p == '-')) {
        neg = *p == '-';
        p++;
        n--;
    }
    if (n == 3 && memcmp(p, "NaN", 3) == 0) {
        *out = NAN;
        return 1;
    }
    if (n == 8 && memcmp(p, "Infinity", 8) == 0) {
        *out = neg ? -INFINITY : INFINITY;
        return 1;
    }
    return 0;
}

int sl_fmt_parse_java_double(const char *s, size_t n, double *out)
{
    sl_fmt_trim(&s, &n);
    if (java_fp_special(s, n, out)) return 0;
    size_t core = 0;
    int kind = java_fp_syntax(s, n, &core);
    if (!kind) return -1;
    *out = kind == 1 ? sl_fmt_decimal_to_double(s, core) : slow_strtod(s, core, 0, NULL);
    return 0;
}

int sl_fmt_parse_java_float(const char *s, size_t n, float *out)
{
    double d;
    sl_fmt_trim(&s, &n);
    if (java_fp_special(s, n, &d)) {
        *out = (float)d;
        return 0;
    }
    size_t core = 0;
    if (!java_fp_syntax(s, n, &core)) return -1;
    slow_strtod(s, core, 1, out);
    return 0;
}

int sl_fmt_parse_java_bool(const char *s, size_t n)
{
    sl_fmt_trim(&s, &n);
    return n == 4 && sl_strncaseeq(s, "true", 4);
}

/* ---- decimals ------------------------------------------------------------------------- */

int sl_fmt_parse_decimal(const char *s, size_t n, int precision, int scale, __int128 *out)
{
    const char *p = s, *end = s + n;
    if (p < end && (*p == '+' || *p == '-')) p++;
    int nd = 0;
    while (p < end && is_digit(*p)) p++, nd++;
    if (p < end && *p == '.') {
        p++;
        while (p < end && is_digit(*p)) p++, nd++;
    }
    if (!nd) return -1;
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-')) p++;
        int ed = 0;
        while (p < end && is_digit(*p)) p++, ed++;
        if (!ed) return -1;
    }
    if (p != end) return -1;
    return sl_parse_decimal(s, n, precision, scale, out);
}

void sl_fmt_bigdecimal_text(sl_buf *b, int neg, const char *digits, size_t nd, long scale,
                            int strip)
{
    while (nd > 1 && digits[0] == '0') {
        digits++;
        nd--;
    }
    int zero = nd == 0 || (nd == 1 && digits[0] == '0');
    if (zero) {
        digits = "0";
        nd = 1;
        if (strip) scale = 0;
    } else if (strip) {
        while (nd > 1 && digits[nd - 1] == '0') {
            nd--;
            scale--;
        }
    }
    if (neg && !zero) sl_buf_putc(b, '-');
    long adjusted = -scale + (long)(nd - 1);
    if (scale == 0) {
        sl_buf_append(b, digits, nd);
    } else if (scale > 0 && adjusted >= -6) {
        if ((long)nd > scale) {
            sl_buf_append(b, digits, nd - (size_t)scale);
            sl_buf_putc(b, '.');
            sl_buf_append(b, digits + nd - (size_t)scale, (size_t)scale);
        } else {
            sl_buf_puts(b, "0.");
            for (long i = 0; i < scale - (long)nd; i++) sl_buf_putc(b, '0');
            sl_buf_append(b, digits, nd);
        }
    } else {
        sl_buf_putc(b, digits[0]);
        if (nd > 1) {
            sl_buf_putc(b, '.');
            sl_buf_append(b, digits + 1, nd - 1);
        }
        sl_buf_printf(b, "E%s%ld", adjusted >= 0 ? "+" : "", adjusted);
    }
}

void sl_fmt_format_decimal_jackson(sl_buf *b, __int128 u, int scale, int plain)
{
    if (u == 0) {
        sl_buf_putc(b, '0');
        return;
    }
    while (u % 10 == 0) {
        u /= 10;
        scale--;
    }
    if (plain)
        sl_format_decimal_plain(b, u, scale);
    else
        sl_format_decimal(b, u, scale);
}

/* ---- dates and times ------------------------------------------------------------------ */

/* Exactly `width` digits (or between min and max when width is 0) at *pp. */
static int read_digits(const char **pp, const char *end, int min, int max, int64_t *v)
{
    const char *p = *pp;
    int64_t x = 0;
    int nd = 0;
    while (p < end && is_digit(*p) && nd < max) {
        x = x * 10 + (*p - '0');
        p++;
        nd++;
    }
    if (nd < min) return -1;
    *pp = p;
    *v = x;
    return 0;
}

static int days_in_month(int64_t y, int64_t m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2) return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28;
    return dm[m - 1];
}

static int iso_date_at(const char **pp, const char *end, int64_t *days)
{
    const char *p = *pp;
    int sign = 0;
    if (p < end && (*p == '+' || *p == '-')) sign = *p++;
    const char *y0 = p;
    int64_t y, m, d;
    if (read_digits(&p, end, 4, 9, &y)) return -1;
    long ny = p - y0;
    if (!sign && ny != 4) return -1;
    if (sign == '+' && ny <= 4) return -1;
    if (sign == '-') y = -y;
    if (p >= end || *p++ != '-' || read_digits(&p, end, 2, 2, &m)) return -1;
    if (p >= end || *p++ != '-' || read_digits(&p, end, 2, 2, &d)) return -1;
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return -1;
    *days = sl_days_from_civil(y, (unsigned)m, (unsigned)d);
    *pp = p;
    return 0;
}

int sl_fmt_parse_iso_date(const char *s, size_t n, int64_t *days)
{
    const char *p = s, *end = s + n;
    return iso_date_at(&p, end, days) == 0 && p == end ? 0 : -1;
}

int sl_fmt_parse_sql_date(const char *s, size_t n, int64_t *days)
{
    const char *p = s, *end = s + n;
    int64_t y, m, d;
    if (read_digits(&p, end, 4, 4, &y) || p >= end || *p++ != '-') return -1;
    if (read_digits(&p, end, 1, 2, &m) || p >= end || *p++ != '-') return -1;
    if (read_digits(&p, end, 1, 2, &d) || p != end) return -1;
    if (m < 1 || m > 12 || d < 1 || d > 31) return -1;
    /* java.sql.Date is lenient about the day within the month: 02-30 is 03-02 (or 03-01). */
    *days = sl_days_from_civil(y, (unsigned)m, 1) + d - 1;
    return 0;
}

static int time_at(const char **pp, const char *end, int need_seconds, int64_t *nanos)
{
    const char *p = *pp;
    int64_t h, mi, sec = 0, frac = 0;
    if (read_digits(&p, end, 2, 2, &h) || p >= end || *p++ != ':') return -1;
    if (read_digits(&p, end, 2, 2, &mi)) return -1;
    if (p < end && *p == ':') {
        p++;
        if (read_digits(&p, end, 2, 2, &sec)) return -1;
        if (p < end && *p == '.') {
            p++;
            const char *f0 = p;
            if (read_digits(&p, end, 0, 9, &frac)) return -1;
            for (long k = p - f0; k < 9; k++) frac *= 10;
        }
    } else if (need_seconds) {
        return -1;
    }
    if (h > 23 || mi > 59 || sec > 59) return -1;
    *nanos = ((h * 60 + mi) * 60 + sec) * INT64_C(1000000000) + frac;
    *pp = p;
    return 0;
}

int sl_fmt_parse_time(const char *s, size_t n, int need_seconds, int64_t *nanos_of_day)
{
    const char *p = s, *end = s + n;
    return time_at(&p, end, need_seconds, nanos_of_day) == 0 && p == end ? 0 : -1;
}

int sl_fmt_parse_timestamp(const char *s, size_t n, char sep, int zulu, int64_t *sec,
                           uint32_t *nanos)
{
    const char *p = s, *end = s + n;
    int64_t days, tod;
    if (iso_date_at(&p, end, &days) || p >= end || *p++ != sep) return -1;
    if (time_at(&p, end, 0, &tod)) return -1;
    if (zulu && (p >= end || *p++ != 'Z')) return -1;
    if (p != end) return -1;
    *sec = days * 86400 + tod / 1000000000;
    *nanos = (uint32_t)(tod % 1000000000);
    return 0;
}

int64_t sl_fmt_truncate_nanos(int64_t nanos, int precision)
{
    static const int64_t unit[10] = {1000000000, 100000000, 10000000, 1000000, 100000,
                                     10000,      1000,      100,      10,      1};
    if (precision < 0) precision = 0;
    if (precision > 9) precision = 9;
    return nanos - nanos % unit[precision];
}

/* ---- base64 --------------------------------------------------------------------------- */

static const char b64_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void sl_fmt_base64_encode(sl_buf *b, const void *data, size_t n)
{
    const unsigned char *s = data;
    sl_buf_reserve(b, (n + 2) / 3 * 4);
    char *o = b->p + b->n;
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        unsigned v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8 | s[i + 2];
        *o++ = b64_chars[v >> 18];
        *o++ = b64_chars[(v >> 12) & 63];
        *o++ = b64_chars[(v >> 6) & 63];
        *o++ = b64_chars[v & 63];
    }
    if (i < n) {
        unsigned v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0);
        *o++ = b64_chars[v >> 18];
        *o++ = b64_chars[(v >> 12) & 63];
        *o++ = i + 1 < n ? b64_chars[(v >> 6) & 63] : '=';
        *o++ = '=';
    }
    b->n = (size_t)(o - b->p);
    b->p[b->n] = 0;
}

static int b64_val(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

int sl_fmt_base64_decode(const char *s, size_t n, sl_arena *ar, const char **out, size_t *outn)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    unsigned char *o = sl_arena_alloc(ar, n / 4 * 3 + 3);
    size_t k = 0;
    for (;;) {
        while (p < end && *p <= ' ') p++;
        if (p == end) break;
        if (end - p < 4) return -1;
        int a = b64_val(p[0]), b = b64_val(p[1]);
        if (a < 0 || b < 0) return -1;
        o[k++] = (unsigned char)(a << 2 | b >> 4);
        if (p[2] == '=') {
            if (p[3] != '=') return -1;
            p += 4;
            while (p < end && *p <= ' ') p++;
            if (p != end) return -1;
            break;
        }
        int c = b64_val(p[2]);
        if (c < 0) return -1;
        o[k++] = (unsigned char)((b & 15) << 4 | c >> 2);
        if (p[3] == '=') {
            p += 4;
            while (p < end && *p <= ' ') p++;
            if (p != end) return -1;
            break;
        }
        int d = b64_val(p[3]);
        if (d < 0) return -1;
        o[k++] = (unsigned char)((c & 3) << 6 | d);
        p += 4;
    }
    *out = (const char *)o;
    *outn = k;
    return 0;
}

/* ---- UTF-8 ---------------------------------------------------------------------------- */

size_t sl_fmt_utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80) return 1;
    if (c < 0xC2) return 0;
    if (c < 0xE0) return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c < 0xF0) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80) return 0;
        if (c == 0xE0 && s[1] < 0xA0) return 0; /* overlong */
        if (c == 0xED && s[1] > 0x9F) return 0; /* surrogate */
        return 3;
    }
    if (c < 0xF5) {
        if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && s[1] < 0x90) return 0; /* overlong */
        if (c == 0xF4 && s[1] > 0x8F) return 0; /* beyond U+10FFFF */
        return 4;
    }
    return 0;
}

size_t sl_fmt_utf8_check(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t l = sl_fmt_utf8_seq(p + i, n - i);
        if (!l) return i;
        i += l;
    }
    return n;
}

/* ---- messages ------------------------------------------------------------------------- */

void sl_fmt_snippet(sl_buf *b, const char *s, size_t n, size_t max)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        if (i >= max) {
            sl_buf_puts(b, "...");
            return;
        }
        unsigned c = p[i];
        if (c >= 0x20 && c < 0x7F) {
            sl_buf_putc(b, (char)c);
            i++;
        } else if (c == '\n') {
            sl_buf_puts(b, "\\n");
            i++;
        } else if (c == '\r') {
            sl_buf_puts(b, "\\r");
            i++;
        } else if (c == '\t') {
            sl_buf_puts(b, "\\t");
            i++;
        } else if (c >= 0x80) {
            size_t l = sl_fmt_utf8_seq(p + i, n - i);
            if (l) {
                sl_buf_append(b, p + i, l);
                i += l;
            } else {
                sl_buf_printf(b, "\\x%02X", c);
                i++;
            }
        } else {
            sl_buf_printf(b, "\\x%02X", c);
            i++;
        }
    }
}

void sl_fmt_type_name(char *out, size_t cap, const sl_type *t)
{
    sl_buf b = SL_BUF_INIT;
    sl_type_render(&b, t);
    snprintf(out, cap, "%s", b.p ? b.p : "");
    sl_buf_free(&b);
}

/* 0: copy; 1: needs an escape; 2: start of a multi-byte sequence to check. */
static const unsigned char json_esc[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
};

void sl_fmt_json_quote(sl_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p = (const unsigned char *)s;
    sl_buf_reserve(b, n + 2);
    b->p[b->n++] = '"';
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned c = p[i];
        if (SL_LIKELY(!json_esc[c])) continue;
        if (json_esc[c] == 2) {
            size_t l = sl_fmt_utf8_seq(p + i, n - i);
            if (l) {
                i += l - 1;
                continue;
            }
            /* Not UTF-8: write U+FFFD, as a Java String decoded from these bytes would hold. */
            sl_buf_append(b, s + run, i - run);
            sl_buf_append(b, "\xEF\xBF\xBD", 3);
            run = i + 1;
            continue;
        }
        sl_buf_append(b, s + run, i - run);
        run = i + 1;
        char e[6] = {'\\', 0, 0, 0, 0, 0};
        size_t el = 2;
        switch (c) {
        case '"': e[1] = '"'; break;
        case '\\': e[1] = '\\'; break;
        case '\b': e[1] = 'b'; break;
        case '\t': e[1] = 't'; break;
        case '\n': e[1] = 'n'; break;
        case '\f': e[1] = 'f'; break;
        case '\r': e[1] = 'r'; break;
        default:
            e[1] = 'u';
            e[2] = '0';
            e[3] = '0';
            e[4] = hex[c >> 4];
            e[5] = hex[c & 15];
            el = 6;
        }
        sl_buf_append(b, e, el);
    }
    sl_buf_append(b, s + run, n - run);
    sl_buf_putc(b, '"');
}

int sl_fmt_int_range(int id, int64_t *lo, int64_t *hi)
{
    switch (id) {
    case SL_TYPE_TINYINT: *lo = INT8_MIN, *hi = INT8_MAX; return 1;
    case SL_TYPE_SMALLINT: *lo = INT16_MIN, *hi = INT16_MAX; return 1;
    case SL_TYPE_INT: *lo = INT32_MIN, *hi = INT32_MAX; return 1;
    case SL_TYPE_BIGINT: *lo = INT64_MIN, *hi = INT64_MAX; return 1;
    default: return 0;
    }
}

static const char *ts_expect(const sl_fmt_text_style *st, int ltz)
{
    if (st->ts_sep == 'T')
        return ltz ? ": expected 'yyyy-MM-ddTHH:mm:ss[.fffffffff]Z'"
                   : ": expected 'yyyy-MM-ddTHH:mm:ss[.fffffffff]'";
    return ltz ? ": expected 'yyyy-MM-dd HH:mm:ss[.fffffffff]Z'"
               : ": expected 'yyyy-MM-dd HH:mm:ss[.fffffffff]'";
}

int sl_fmt_text_value(const sl_type *t, const char *s, size_t n, const sl_fmt_text_style *st,
                      sl_arena *ar, sl_value *out, const char **why)
{
    *why = NULL;
    switch (t->id) {
    case SL_TYPE_CHAR:
    case SL_TYPE_VARCHAR: *out = sl_string(s, n); return 0;
    case SL_TYPE_BOOLEAN: *out = sl_bool(sl_fmt_parse_java_bool(s, n)); return 0;
    case SL_TYPE_TINYINT:
    case SL_TYPE_SMALLINT:
    case SL_TYPE_INT:
    case SL_TYPE_BIGINT: {
        int64_t lo, hi, v;
        sl_fmt_int_range(t->id, &lo, &hi);
        sl_fmt_trim(&s, &n);
        int rc = sl_fmt_parse_java_long(s, n, lo, hi, &v);
        if (rc) {
            if (rc == -2) *why = ": out of range";
            return -1;
        }
        *out = sl_int(v);
        return 0;
    }
    case SL_TYPE_FLOAT: {
        float f;
        if (sl_fmt_parse_java_float(s, n, &f)) return -1;
        *out = sl_double((double)f);
        return 0;
    }
    case SL_TYPE_DOUBLE: {
        double d;
        if (sl_fmt_parse_java_double(s, n, &d)) return -1;
        *out = sl_double(d);
        return 0;
    }
    case SL_TYPE_DECIMAL: {
        __int128 u;
        sl_fmt_trim(&s, &n);
        int rc = sl_fmt_parse_decimal(s, n, t->precision, t->scale, &u);
        if (rc) {
            if (rc == -2) *why = ": precision overflow";
            return -1;
        }
        *out = sl_decimal(ar, u, t->scale);
        return 0;
    }
    case SL_TYPE_DATE: {
        int64_t days;
        int rc = st->lenient_dates ? sl_fmt_parse_sql_date(s, n, &days)
                                   : sl_fmt_parse_iso_date(s, n, &days);
        if (rc) {
            *why = st->lenient_dates ? ": expected 'yyyy-[m]m-[d]d'" : ": expected 'yyyy-MM-dd'";
            return -1;
        }
        *out = sl_date(days);
        return 0;
    }
    case SL_TYPE_TIME: {
        int64_t nod;
        if (sl_fmt_parse_time(s, n, st->strict_time, &nod)) {
            *why = st->strict_time ? ": expected 'HH:mm:ss[.fff]'" : ": expected 'HH:mm[:ss[.fff]]'";
            return -1;
        }
        /* Flink keeps milliseconds of a TIME; finer digits are dropped. */
        *out = sl_time(sl_fmt_truncate_nanos(nod, SL_MIN(t->precision, 3)));
        return 0;
    }
    case SL_TYPE_TIMESTAMP:
    case SL_TYPE_TIMESTAMP_LTZ: {
        int64_t sec;
        uint32_t ns;
        int ltz = t->id == SL_TYPE_TIMESTAMP_LTZ;
        if (st->trim) sl_fmt_trim(&s, &n);
        if (sl_fmt_parse_timestamp(s, n, st->ts_sep, ltz, &sec, &ns)) {
            *why = ts_expect(st, ltz);
            return -1;
        }
        *out = sl_timestamp(sec, ns);
        return 0;
    }
    case SL_TYPE_BINARY:
    case SL_TYPE_VARBINARY: {
        const char *b;
        size_t bn;
        if (sl_fmt_base64_decode(s, n, ar, &b, &bn)) {
            *why = ": invalid base64";
            return -1;
        }
        *out = sl_bytes(b, bn);
        return 0;
    }
    default: return -1;
    }
}

const char *sl_fmt_opt_get(const sl_format_ctx *ctx, const char *name)
{
    char key[256];
    if (!ctx->opts) return NULL;
    snprintf(key, sizeof key, "%s%s", ctx->prefix ? ctx->prefix : "", name);
    return sl_optset_get(ctx->opts, key);
}

int sl_fmt_opt_flag(const sl_format_ctx *ctx, const char *name, int dflt)
{
    const char *v = sl_fmt_opt_get(ctx, name);
    int b = v ? sl_opt_parse_bool(v) : -1;
    return b < 0 ? dflt : b;
}

const char *sl_fmt_vtag_name(int tag)
{
    static const char *const names[] = {"NULL",   "BOOLEAN", "INT",  "DOUBLE", "DECIMAL",
                                        "STRING", "BYTES",   "DATE", "TIME",   "TIMESTAMP",
                                        "ARRAY",  "MAP",     "ROW"};
    return tag >= 0 && tag < (int)SL_ARRAY_LEN(names) ? names[tag] : "?";
}
