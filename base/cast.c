/*
** base/cast.c — CAST between SQL types, value comparison, and the small numeric and UTF-8
** helpers they share with expression evaluation.
**
** Casting is pure value logic, so it lives in base/: the runtime evaluates CAST expressions
** with it, and the planner folds casts of constants with it at plan time. Semantics are
** Flink's cast rules: integer narrowing wraps, DECIMAL overflow gives NULL, an invalid string
** is an error (NULL for TRY_CAST), string forms follow Flink's CAST(... AS STRING).
**
** SPDX-License-Identifier: MIT
*/
#include "base/cast.h"

#include <math.h>
#include <stdio.h>

#include "base/datetime.h"
#include "base/numfmt.h"
#include "base/valuefmt.h"

/* ---- comparison ----------------------------------------------------------------------- */

static int cmp_i128(__int128 a, __int128 b)
{
    return a < b ? -1 : a > b;
}

int sl_value_compare(const sl_value *a, const sl_value *b)
{
    switch (a->tag) {
    case SL_V_BOOL:
    case SL_V_INT:
    case SL_V_DATE:
    case SL_V_TIME: return a->u.i < b->u.i ? -1 : a->u.i > b->u.i;
    case SL_V_DOUBLE:
        if (a->u.d < b->u.d) return -1;
        if (a->u.d > b->u.d) return 1;
        if (a->u.d == b->u.d) return 0;
        return 2;
    case SL_V_DECIMAL: {
        __int128 x = sl_decimal_unscaled(a), y = sl_decimal_unscaled(b);
        int sa = a->scale, sb = b->scale;
        /* align scales; values near the 38-digit limit compare by sign and magnitude */
        while (sa < sb) {
            if (x > (__int128)1 << 120 || x < -((__int128)1 << 120)) return x < 0 ? -1 : 1;
            x *= 10;
            sa++;
        }
        while (sb < sa) {
            if (y > (__int128)1 << 120 || y < -((__int128)1 << 120)) return y < 0 ? 1 : -1;
            y *= 10;
            sb++;
        }
        return cmp_i128(x, y);
    }
    case SL_V_STRING:
    case SL_V_BYTES: {
        uint32_t n = a->n < b->n ? a->n : b->n;
        int c = n ? memcmp(a->u.z, b->u.z, n) : 0;
        if (c) return c < 0 ? -1 : 1;
        return a->n < b->n ? -1 : a->n > b->n;
    }
    case SL_V_TIMESTAMP:
        if (a->u.i != b->u.i) return a->u.i < b->u.i ? -1 : 1;
        return a->n < b->n ? -1 : a->n > b->n;
    default: return sl_value_equal(a, b) ? 0 : 2;
    }
}

/* ---- casts ---------------------------------------------------------------------------- */

int64_t sl_int_wrap(int64_t v, int id)
{
    switch (id) {
    case SL_TYPE_TINYINT: return (int8_t)v;
    case SL_TYPE_SMALLINT: return (int16_t)v;
    case SL_TYPE_INT: return (int32_t)v;
    default: return v;
    }
}

/* Java's (long) conversion of a double: truncation, NaN to 0, saturation. */
static int64_t double_to_long(double d)
{
    if (isnan(d)) return 0;
    if (d >= 9223372036854775807.0) return INT64_MAX;
    if (d <= -9223372036854775808.0) return INT64_MIN;
    return (int64_t)d;
}

/* Round unscaled v from scale `from` to scale `to`, half-up (away from zero). */
__int128 sl_decimal_rescale(__int128 v, int from, int to)
{
    if (to >= from) return v * sl_pow10_128(to - from);
    __int128 d = sl_pow10_128(from - to);
    __int128 q = v / d, r = v % d;
    if (r < 0) r = -r;
    if (r * 2 >= d) q += v < 0 ? -1 : 1;
    return q;
}

int sl_decimal_fits(__int128 v, int precision)
{
    __int128 lim = sl_pow10_128(precision);
    return v < lim && v > -lim;
}

sl_value sl_string_in(sl_arena *ar, const sl_buf *b)
{
    return sl_string(sl_arena_memdup(ar, b->p ? b->p : "", b->n), b->n);
}

/* String -> boolean as Flink's BinaryStringDataUtil.toBoolean. */
static int parse_bool(const char *z, size_t n, int *out)
{
    while (n && (*z == ' ' || *z == '\t')) z++, n--;
    while (n && (z[n - 1] == ' ' || z[n - 1] == '\t')) n--;
    static const char *const t[] = {"t", "true", "y", "yes", "1"};
    static const char *const f[] = {"f", "false", "n", "no", "0"};
    for (int i = 0; i < 5; i++) {
        if (strlen(t[i]) == n && sl_strncaseeq(z, t[i], n)) return *out = 1, 0;
        if (strlen(f[i]) == n && sl_strncaseeq(z, f[i], n)) return *out = 0, 0;
    }
    return -1;
}

/* Integer text that may carry a fractional part, truncated as Flink's toLong does. */
static int parse_int_trunc(const char *z, size_t n, int64_t *out)
{
    if (sl_parse_int64(z, n, out) == 0) return 0;
    const char *dot = memchr(z, '.', n);
    if (!dot) return -1;
    for (const char *p = dot + 1; p < z + n; p++)
        if (*p < '0' || *p > '9') {
            if (*p == ' ' || *p == '\t') continue;
            return -1;
        }
    return sl_parse_int64(z, (size_t)(dot - z), out);
}

static void truncate_nanos(uint32_t *nanos, int precision)
{
    if (precision >= 9 || precision < 0) return;
    uint32_t unit = 1;
    for (int i = precision; i < 9; i++) unit *= 10;
    *nanos -= *nanos % unit;
}

static int cast_fail(sl_err *err, const sl_value *v, const sl_type *from, const sl_type *to,
                     int try_cast, sl_value *out)
{
    if (try_cast) {
        *out = sl_null();
        return SL_OK;
    }
    sl_buf b = SL_BUF_INIT, tb = SL_BUF_INIT, fb = SL_BUF_INIT;
    sl_value_format(&b, v, from, SL_STYLE_SQL);
    sl_type_render(&tb, to);
    sl_type_render(&fb, from);
    sl_err_set(err, SL_DATA, "Cannot cast '%.100s' of type %s to %s", b.p ? b.p : "", fb.p, tb.p);
    sl_buf_free(&b);
    sl_buf_free(&tb);
    sl_buf_free(&fb);
    return SL_DATA;
}

/* Java String.length-free code point count and byte offset helpers for UTF-8 text. */
size_t sl_utf8_offset(const char *z, size_t n, int64_t chars)
{
    size_t i = 0;
    while (i < n && chars > 0) {
        i++;
        while (i < n && ((unsigned char)z[i] & 0xc0) == 0x80) i++;
        chars--;
    }
    return i;
}

int64_t sl_utf8_count(const char *z, size_t n)
{
    int64_t c = 0;
    for (size_t i = 0; i < n; i++) c += ((unsigned char)z[i] & 0xc0) != 0x80;
    return c;
}

static sl_value to_char_type(sl_arena *ar, sl_value s, const sl_type *to)
{
    if (to->length == SL_MAX_LENGTH) return s;
    int64_t nchars = sl_utf8_count(s.u.z, s.n);
    if (nchars > to->length) {
        s.n = (uint32_t)sl_utf8_offset(s.u.z, s.n, to->length);
    } else if (to->id == SL_TYPE_CHAR && nchars < to->length) {
        size_t pad = (size_t)(to->length - nchars);
        char *z = sl_arena_alloc(ar, s.n + pad);
        memcpy(z, s.u.z, s.n);
        memset(z + s.n, ' ', pad);
        s.u.z = z;
        s.n += (uint32_t)pad;
    }
    return s;
}

int sl_cast(const sl_value *v, const sl_type *from, const sl_type *to, int try_cast,
            sl_arena *ar, sl_value *out, sl_err *err)
{
    if (v->tag == SL_V_NULL) {
        *out = sl_null();
        return SL_OK;
    }
    int fid = from->id, tid = to->id;
    switch (tid) {
    case SL_TYPE_BOOLEAN:
        if (v->tag == SL_V_BOOL) *out = *v;
        else if (v->tag == SL_V_INT) *out = sl_bool(v->u.i != 0);
        else if (v->tag == SL_V_DOUBLE) *out = sl_bool(v->u.d != 0);
        else if (v->tag == SL_V_DECIMAL) *out = sl_bool(sl_decimal_unscaled(v) != 0);
        else if (v->tag == SL_V_STRING) {
            int b;
            if (parse_bool(v->u.z, v->n, &b)) return cast_fail(err, v, from, to, try_cast, out);
            *out = sl_bool(b);
        } else return cast_fail(err, v, from, to, try_cast, out);
        return SL_OK;
    case SL_TYPE_TINYINT:
    case SL_TYPE_SMALLINT:
    case SL_TYPE_INT:
    case SL_TYPE_BIGINT: {
        int64_t i;
        switch (v->tag) {
        case SL_V_BOOL:
        case SL_V_INT: i = v->u.i; break;
        case SL_V_DOUBLE: i = double_to_long(v->u.d); break;
        case SL_V_DECIMAL: {
            __int128 u = sl_decimal_unscaled(v) / sl_pow10_128(v->scale);
            i = (int64_t)u;
            break;
        }
        case SL_V_STRING:
            if (parse_int_trunc(v->u.z, v->n, &i)) return cast_fail(err, v, from, to, try_cast, out);
            if (sl_int_wrap(i, tid) != i) return cast_fail(err, v, from, to, try_cast, out);
            break;
        default: return cast_fail(err, v, from, to, try_cast, out);
        }
        *out = sl_int(sl_int_wrap(i, tid));
        return SL_OK;
    }
    case SL_TYPE_FLOAT:
    case SL_TYPE_DOUBLE: {
        double d;
        switch (v->tag) {
        case SL_V_BOOL:
        case SL_V_INT: d = (double)v->u.i; break;
        case SL_V_DOUBLE: d = v->u.d; break;
        case SL_V_DECIMAL: {
            sl_buf b = SL_BUF_INIT;
            sl_format_decimal_plain(&b, sl_decimal_unscaled(v), v->scale);
            sl_parse_double(b.p, b.n, &d);
            sl_buf_free(&b);
            break;
        }
        case SL_V_STRING:
            if (sl_parse_double(v->u.z, v->n, &d)) return cast_fail(err, v, from, to, try_cast, out);
            break;
        default: return cast_fail(err, v, from, to, try_cast, out);
        }
        if (tid == SL_TYPE_FLOAT) d = (double)(float)d;
        *out = sl_double(d);
        return SL_OK;
    }
    case SL_TYPE_DECIMAL: {
        __int128 u;
        int p = to->precision, s = to->scale;
        switch (v->tag) {
        case SL_V_BOOL:
        case SL_V_INT: u = (__int128)v->u.i * sl_pow10_128(s); break;
        case SL_V_DECIMAL: u = sl_decimal_rescale(sl_decimal_unscaled(v), v->scale, s); break;
        case SL_V_DOUBLE: {
            if (!isfinite(v->u.d)) return cast_fail(err, v, from, to, try_cast, out);
            sl_buf b = SL_BUF_INIT;
            sl_format_double_java(&b, v->u.d);
            int rc = sl_parse_decimal(b.p, b.n, p, s, &u);
            sl_buf_free(&b);
            if (rc == -2) {
                *out = sl_null(); /* overflow: NULL, as Flink */
                return SL_OK;
            }
            break;
        }
        case SL_V_STRING: {
            int rc = sl_parse_decimal(v->u.z, v->n, p, s, &u);
            if (rc == -1) return cast_fail(err, v, from, to, try_cast, out);
            if (rc == -2) {
                *out = sl_null();
                return SL_OK;
            }
            break;
        }
        default: return cast_fail(err, v, from, to, try_cast, out);
        }
        if (!sl_decimal_fits(u, p)) {
            *out = sl_null();
            return SL_OK;
        }
        *out = sl_decimal(ar, u, s);
        return SL_OK;
    }
    case SL_TYPE_CHAR:
    case SL_TYPE_VARCHAR: {
        if (v->tag == SL_V_STRING) {
            *out = to_char_type(ar, *v, to);
            return SL_OK;
        }
        sl_buf b = SL_BUF_INIT;
        if (v->tag == SL_V_BOOL) sl_buf_puts(&b, v->u.i ? "TRUE" : "FALSE");
        else if (v->tag == SL_V_DECIMAL)
            sl_format_decimal_plain(&b, sl_decimal_unscaled(v), v->scale);
        else if (v->tag == SL_V_BYTES) sl_buf_append(&b, v->u.z, v->n);
        else if (v->tag == SL_V_TIMESTAMP && fid == SL_TYPE_TIMESTAMP_LTZ)
            sl_format_timestamp_sql(&b, v->u.i, v->n, ' ', 0, from->precision);
        else sl_value_format(&b, v, from, v->tag == SL_V_DOUBLE ? SL_STYLE_JAVA : SL_STYLE_SQL);
        *out = to_char_type(ar, sl_string_in(ar, &b), to);
        sl_buf_free(&b);
        return SL_OK;
    }
    case SL_TYPE_BINARY:
    case SL_TYPE_VARBINARY:
        if (v->tag != SL_V_STRING && v->tag != SL_V_BYTES)
            return cast_fail(err, v, from, to, try_cast, out);
        *out = sl_bytes(v->u.z, v->n);
        if (to->length != SL_MAX_LENGTH && out->n > (uint32_t)to->length) out->n = (uint32_t)to->length;
        return SL_OK;
    case SL_TYPE_DATE:
        if (v->tag == SL_V_DATE) *out = *v;
        else if (v->tag == SL_V_TIMESTAMP) *out = sl_date(sl_floordiv(v->u.i, 86400));
        else if (v->tag == SL_V_STRING) {
            int64_t days;
            if (sl_parse_date(v->u.z, v->n, &days)) {
                int64_t sec;
                uint32_t ns;
                if (sl_parse_timestamp(v->u.z, v->n, &sec, &ns))
                    return cast_fail(err, v, from, to, try_cast, out);
                days = sl_floordiv(sec, 86400);
            }
            *out = sl_date(days);
        } else return cast_fail(err, v, from, to, try_cast, out);
        return SL_OK;
    case SL_TYPE_TIME: {
        int64_t nod;
        if (v->tag == SL_V_TIME) nod = v->u.i;
        else if (v->tag == SL_V_TIMESTAMP) nod = sl_floormod(v->u.i, 86400) * 1000000000 + v->n;
        else if (v->tag == SL_V_STRING) {
            if (sl_parse_time(v->u.z, v->n, &nod)) return cast_fail(err, v, from, to, try_cast, out);
        } else return cast_fail(err, v, from, to, try_cast, out);
        uint32_t frac = (uint32_t)(nod % 1000000000);
        uint32_t t = frac;
        truncate_nanos(&t, to->precision);
        *out = sl_time(nod - frac + t);
        return SL_OK;
    }
    case SL_TYPE_TIMESTAMP:
    case SL_TYPE_TIMESTAMP_LTZ: {
        int64_t sec;
        uint32_t nanos;
        if (v->tag == SL_V_TIMESTAMP) {
            sec = v->u.i;
            nanos = v->n;
        } else if (v->tag == SL_V_DATE) {
            sec = v->u.i * 86400;
            nanos = 0;
        } else if (v->tag == SL_V_STRING) {
            if (sl_parse_timestamp(v->u.z, v->n, &sec, &nanos))
                return cast_fail(err, v, from, to, try_cast, out);
        } else {
            return cast_fail(err, v, from, to, try_cast, out);
        }
        truncate_nanos(&nanos, to->precision);
        *out = sl_timestamp(sec, nanos);
        return SL_OK;
    }
    default:
        if (v->tag == SL_V_ARRAY || v->tag == SL_V_MAP || v->tag == SL_V_ROW) {
            *out = *v; /* the planner only allows structure-preserving casts here */
            return SL_OK;
        }
        return cast_fail(err, v, from, to, try_cast, out);
    }
}

