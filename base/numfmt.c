/*
** base/numfmt.c — Java-compatible number text (see numfmt.h).
**
** Shortest digits: short decimals (most data) take an exact fast path with integer arithmetic
** (shortest_fast). Otherwise try 2..17 significant digits with correctly rounded printf and keep
** the first that strtod maps back to the same double. That is the shortest round-trip string,
** and, being correctly rounded, the one closest to the exact value, as Java 19+ chooses
** (Raffaello Giulietti's specification of Double.toString).
**
** SPDX-License-Identifier: MIT
*/
#include "base/numfmt.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                      1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/*
** The fast path of shortest() for doubles that are short decimals, which is what data holds
** (prices, amounts). For d = 0, 1, 2... fraction digits, the candidates are the integers next to
** x * 10^d; m * 10^-d reads back as x exactly when m / 10^d == x, because m < 2^53 and 10^d
** (d <= 22) are exact and the division is correctly rounded, as strtod is. The first d with a
** candidate gives the fewest significant digits. Below 2^50, only the integer nearest to the
** computed x * 10^d can be a candidate: one that reads back as x lies within 10^d * ulp(x) / 2
** <= ulp(x * 10^d) <= 1/8 of the exact product, which is within ulp/2 of the computed one.
** Above, the neighbours are tried too; two candidates at the same d (possible only when 10^-d
** is below the spacing of doubles near x) are left to the slow path, which picks the closer
** one. Returns 0 when the fast path does not apply; *min_p is then the number of significant
** digits the slow path may start from (every shorter length was ruled out here).
*/
static int shortest_fast(double x, char *digits, int *exp10, int *min_p)
{
    *min_p = 2;
    if (!(x >= 1e-5 && x < 1e15)) return 0;
    int d, hits = 0;
    double found = 0;
    for (d = 0; d <= 22; d++) {
        double scaled = x * pow10_exact[d];
        if (scaled >= 9007199254740992.0) break; /* 2^53 */
        double m = nearbyint(scaled);
        if (scaled < 1125899906842624.0) { /* 2^50 */
            if (m > 0 && m / pow10_exact[d] == x) {
                hits = 1;
                found = m;
                break;
            }
            continue;
        }
        for (double c = m - 1; c <= m + 1; c++)
            if (c > 0 && c / pow10_exact[d] == x) {
                hits++;
                found = c;
            }
        if (hits) break;
    }
    if (hits == 1) {
        char tmp[24];
        int n = 0;
        for (unsigned long long u = (unsigned long long)found; u; u /= 10)
            tmp[sizeof tmp - 1 - n++] = (char)('0' + u % 10);
        int nd = n;
        while (nd > 1 && tmp[sizeof tmp - n + nd - 1] == '0') nd--;
        memcpy(digits, tmp + sizeof tmp - n, (size_t)nd);
        digits[nd] = 0;
        *exp10 = n - 1 - d;
        return nd;
    }
    if (hits == 0 && d > 0) {
        /* No decimal with d - 1 fraction digits matched, so none with floor(log10(x)) + d
        ** significant digits does; the start is one lower, in case of an off-by-one at a power
        ** of ten. int_digits: floor(log10(x)) + 1, <= 0 below 1. The thresholds are the
        ** doubles nearest to 10^k, which for k = -5..15 are never below 10^k, so a double at a
        ** threshold really is >= 10^k. */
        int int_digits = 1;
        if (x >= 1) {
            while (int_digits < 16 && x >= pow10_exact[int_digits]) int_digits++;
        } else {
            int_digits = 0;
            while (x < 1.0 / pow10_exact[1 - int_digits]) int_digits--;
        }
        if (int_digits + d - 1 > *min_p) *min_p = int_digits + d - 1;
    }
    return 0;
}

/* Shortest digits of x (finite, > 0): digits[] without dot, and the decimal exponent of the
** first digit: x = d1.d2d3... * 10^exp10. */
static int shortest(double x, int is_float, char *digits, int *exp10)
{
    int minp = 2;
    if (!is_float) {
        int nd = shortest_fast(x, digits, exp10, &minp);
        if (nd) return nd;
    }
    char tmp[40];
    int maxp = is_float ? 9 : 17;
    /* Java (JDK 19+) chooses among decimals of length 1 *or 2* when one digit would do, the
    ** closest to x: 4.9E-324, not 5.0E-324. A correctly rounded 2-digit form is exactly that,
    ** so the search starts at two digits. */
    for (int p = minp < maxp ? minp : maxp; p <= maxp; p++) {
        snprintf(tmp, sizeof tmp, "%.*e", p - 1, x);
        int ok = p == maxp; /* 17 (float: 9) digits always read back; no need to check */
        if (!ok && is_float) ok = strtof(tmp, NULL) == (float)x;
        else if (!ok) ok = strtod(tmp, NULL) == x;
        if (ok || p == maxp) {
            /* tmp = d[.ddd]e[+-]XX */
            int nd = 0;
            const char *s = tmp;
            while (*s && *s != 'e') {
                if (*s >= '0' && *s <= '9') digits[nd++] = *s;
                s++;
            }
            while (nd > 1 && digits[nd - 1] == '0') nd--;
            digits[nd] = 0;
            *exp10 = atoi(s + 1);
            return nd;
        }
    }
    return 0;
}

static void java_fp(sl_buf *b, double x, int is_float)
{
    if (isnan(x)) {
        sl_buf_puts(b, "NaN");
        return;
    }
    if (isinf(x)) {
        sl_buf_puts(b, x > 0 ? "Infinity" : "-Infinity");
        return;
    }
    if (x == 0) {
        sl_buf_puts(b, signbit(x) ? "-0.0" : "0.0");
        return;
    }
    if (x < 0) {
        sl_buf_putc(b, '-');
        x = -x;
    }
    char d[24];
    int e = 0;
    int nd = shortest(x, is_float, d, &e);
    if (x >= 1e-3 && x < 1e7) {
        if (e >= 0) {
            /* integer part: digits[0..e], pad with zeros */
            for (int i = 0; i <= e; i++) sl_buf_putc(b, i < nd ? d[i] : '0');
            sl_buf_putc(b, '.');
            if (nd > e + 1) sl_buf_append(b, d + e + 1, (size_t)(nd - e - 1));
            else sl_buf_putc(b, '0');
        } else {
            sl_buf_puts(b, "0.");
            for (int i = 0; i < -e - 1; i++) sl_buf_putc(b, '0');
            sl_buf_append(b, d, (size_t)nd);
        }
    } else {
        sl_buf_putc(b, d[0]);
        sl_buf_putc(b, '.');
        if (nd > 1) sl_buf_append(b, d + 1, (size_t)(nd - 1));
        else sl_buf_putc(b, '0');
        sl_buf_printf(b, "E%d", e);
    }
}

void sl_format_double_java(sl_buf *b, double d)
{
    java_fp(b, d, 0);
}

void sl_format_float_java(sl_buf *b, float f)
{
    java_fp(b, (double)f, 1);
}

__int128 sl_pow10_128(int n)
{
    __int128 r = 1;
    while (n-- > 0) r *= 10;
    return r;
}

static int u128_digits(unsigned __int128 u, char *out)
{
    char tmp[48];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    for (int i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
    out[n] = 0;
    return n;
}

void sl_format_decimal_plain(sl_buf *b, __int128 v, int scale)
{
    char d[48];
    unsigned __int128 u = v < 0 ? (unsigned __int128)0 - (unsigned __int128)v : (unsigned __int128)v;
    int nd = u128_digits(u, d);
    if (v < 0) sl_buf_putc(b, '-');
    if (scale <= 0) {
        sl_buf_append(b, d, (size_t)nd);
        if (u != 0)
            for (int i = 0; i < -scale; i++) sl_buf_putc(b, '0');
        return;
    }
    if (nd > scale) {
        sl_buf_append(b, d, (size_t)(nd - scale));
        sl_buf_putc(b, '.');
        sl_buf_append(b, d + nd - scale, (size_t)scale);
    } else {
        sl_buf_puts(b, "0.");
        for (int i = 0; i < scale - nd; i++) sl_buf_putc(b, '0');
        sl_buf_append(b, d, (size_t)nd);
    }
}

void sl_format_decimal(sl_buf *b, __int128 v, int scale)
{
    char d[48];
    unsigned __int128 u = v < 0 ? (unsigned __int128)0 - (unsigned __int128)v : (unsigned __int128)v;
    int nd = u128_digits(u, d);
    long adjusted = -(long)scale + (nd - 1);
    if (scale >= 0 && adjusted >= -6) {
        sl_format_decimal_plain(b, v, scale);
        return;
    }
    if (v < 0) sl_buf_putc(b, '-');
    sl_buf_putc(b, d[0]);
    if (nd > 1) {
        sl_buf_putc(b, '.');
        sl_buf_append(b, d + 1, (size_t)(nd - 1));
    }
    sl_buf_printf(b, "E%s%ld", adjusted >= 0 ? "+" : "", adjusted);
}

int sl_parse_decimal(const char *s, size_t n, int precision, int scale, __int128 *out)
{
    const char *p = s, *end = s + n;
    while (p < end && (*p == ' ' || *p == '\t')) p++;
    while (end > p && (end[-1] == ' ' || end[-1] == '\t')) end--;
    int neg = 0;
    if (p < end && (*p == '+' || *p == '-')) neg = *p++ == '-';
    /* Collect up to 40 significant digits; remember where the point was. */
    char dig[80];
    int nd = 0, point = -1, any = 0;
    long exp = 0;
    for (; p < end; p++) {
        if (*p >= '0' && *p <= '9') {
            any = 1;
            if (nd == 0 && *p == '0' && point < 0) continue; /* leading zeros */
            if (nd < 76) dig[nd++] = *p;
            else if (point < 0) exp++; /* too many integer digits: keep magnitude */
        } else if (*p == '.' && point < 0) {
            point = nd;
        } else {
            break;
        }
    }
    if (!any) return -1;
    if (point < 0) point = nd;
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        int eneg = 0;
        if (p < end && (*p == '+' || *p == '-')) eneg = *p++ == '-';
        long e = 0;
        int ed = 0;
        while (p < end && *p >= '0' && *p <= '9') {
            if (e < 100000) e = e * 10 + (*p - '0');
            p++;
            ed++;
        }
        if (!ed) return -1;
        exp += eneg ? -e : e;
    }
    if (p != end) return -1;
    /* value = 0.dig * 10^(point+exp) ... as integer: dig * 10^(point + exp - nd) */
    long shift = point + exp - nd + scale; /* unscaled = dig * 10^shift */
    unsigned __int128 u = 0;
    int round_up = 0;
    long keep = nd + shift; /* digits of dig that survive */
    if (keep > 39) return -2;
    for (long i = 0; i < nd && i < keep; i++) u = u * 10 + (unsigned)(dig[i] - '0');
    if (keep < nd) {
        if (keep >= 0 && dig[keep] >= '5') round_up = 1;
    } else {
        for (long i = nd; i < keep; i++) u *= 10;
    }
    if (round_up) u += 1;
    if (u >= (unsigned __int128)sl_pow10_128(precision)) return -2;
    *out = neg ? -(__int128)u : (__int128)u;
    return 0;
}

int sl_parse_int64(const char *s, size_t n, int64_t *out)
{
    const char *p = s, *end = s + n;
    while (p < end && (*p == ' ' || *p == '\t')) p++;
    while (end > p && (end[-1] == ' ' || end[-1] == '\t')) end--;
    int neg = 0;
    if (p < end && (*p == '+' || *p == '-')) neg = *p++ == '-';
    if (p == end) return -1;
    uint64_t v = 0;
    for (; p < end; p++) {
        if (*p < '0' || *p > '9') return -1;
        unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_C(9223372036854775808) - d) / 10) return -1;
        v = v * 10 + d;
    }
    if (!neg && v > (uint64_t)INT64_MAX) return -1;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 0;
}

int sl_parse_double(const char *s, size_t n, double *out)
{
    char tmp[128];
    const char *p = s, *end = s + n;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
    while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
        end--;
    size_t len = (size_t)(end - p);
    if (len == 0 || len >= sizeof tmp) return -1;
    memcpy(tmp, p, len);
    tmp[len] = 0;
    /* Java accepts NaN, Infinity, -Infinity, +Infinity; strtod also takes "inf", "nan", hex:
    ** refuse what Java refuses. */
    const char *t = tmp + (tmp[0] == '+' || tmp[0] == '-');
    if (strcmp(t, "NaN") == 0 && t == tmp) {
        *out = NAN;
        return 0;
    }
    if (strcmp(t, "Infinity") == 0) {
        *out = tmp[0] == '-' ? -INFINITY : INFINITY;
        return 0;
    }
    for (const char *c = t; *c; c++)
        if (!((*c >= '0' && *c <= '9') || *c == '.' || *c == 'e' || *c == 'E' || *c == '+' ||
              *c == '-' || ((*c == 'd' || *c == 'D' || *c == 'f' || *c == 'F') && !c[1])))
            return -1;
    char *endp;
    errno = 0;
    double d = strtod(tmp, &endp);
    if (endp == tmp) return -1;
    if (*endp && !((*endp == 'd' || *endp == 'D' || *endp == 'f' || *endp == 'F') && !endp[1]))
        return -1;
    *out = d;
    return 0;
}
