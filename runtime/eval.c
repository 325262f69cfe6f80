/*
** runtime/eval.c — the expression interpreter (see eval.h).
**
** A direct recursive walk over the compiled tree. Operands always arrive with the types the
** planner promised (it inserted every implicit cast), so each case handles one type family.
**
** SPDX-License-Identifier: MIT
*/
#include "runtime/eval.h"

#include "base/cast.h"

#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <wctype.h>

#include "base/datetime.h"
#include "base/numfmt.h"
#include "base/valuefmt.h"
#include "parser/ast.h"

static int data_error(sl_err *err, const sl_cexpr *e, const char *fmt, ...) SL_PRINTF(3, 4);
static int data_error(sl_err *err, const sl_cexpr *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sl_err_vat(err, SL_DATA, -1, 0, fmt, ap);
    va_end(ap);
    SL_UNUSED(e);
    return SL_DATA;
}

/* ---- arithmetic ----------------------------------------------------------------------- */

static int arith_int(const sl_cexpr *e, int64_t a, int64_t b, sl_value *out, sl_err *err)
{
    uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
    int64_t r;
    switch (e->op) {
    case SL_OP_ADD: r = (int64_t)(ua + ub); break;
    case SL_OP_SUB: r = (int64_t)(ua - ub); break;
    case SL_OP_MUL: r = (int64_t)(ua * ub); break;
    case SL_OP_DIV:
    case SL_OP_MOD:
        if (b == 0) return data_error(err, e, "Division by zero");
        if (b == -1) r = e->op == SL_OP_DIV ? (int64_t)(0 - ua) : 0;
        else r = e->op == SL_OP_DIV ? a / b : a % b;
        break;
    default: return data_error(err, e, "bad integer operator");
    }
    *out = sl_int(sl_int_wrap(r, e->type.id));
    return SL_OK;
}

static int arith_decimal(const sl_cexpr *e, const sl_value *a, const sl_value *b, sl_arena *ar,
                         sl_value *out, sl_err *err)
{
    __int128 x = sl_decimal_unscaled(a), y = sl_decimal_unscaled(b), r;
    int sa = a->scale, sb = b->scale, s = e->type.scale;
    switch (e->op) {
    case SL_OP_ADD:
    case SL_OP_SUB: {
        int m = sa > sb ? sa : sb;
        __int128 xa, yb;
        if (__builtin_mul_overflow(x, sl_pow10_128(m - sa), &xa) ||
            __builtin_mul_overflow(y, sl_pow10_128(m - sb), &yb))
            goto overflow;
        if (e->op == SL_OP_ADD ? __builtin_add_overflow(xa, yb, &r)
                               : __builtin_sub_overflow(xa, yb, &r))
            goto overflow;
        r = sl_decimal_rescale(r, m, s);
        break;
    }
    case SL_OP_MUL:
        if (__builtin_mul_overflow(x, y, &r)) goto overflow;
        r = sl_decimal_rescale(r, sa + sb, s);
        break;
    case SL_OP_DIV: {
        if (y == 0) return data_error(err, e, "Division by zero");
        /* x/10^sa / (y/10^sb) at scale s: x * 10^(s - sa + sb + 1) / y, then round the extra
        ** digit half-up. */
        int shift = s - sa + sb + 1;
        __int128 num;
        if (shift >= 0) {
            if (shift > 38 || __builtin_mul_overflow(x, sl_pow10_128(shift), &num)) goto overflow;
        } else {
            num = x / sl_pow10_128(-shift);
        }
        __int128 q = num / y;
        r = q / 10;
        __int128 last = q % 10;
        if (last >= 5) r += 1;
        else if (last <= -5) r -= 1;
        break;
    }
    case SL_OP_MOD: {
        if (y == 0) return data_error(err, e, "Division by zero");
        int m = sa > sb ? sa : sb;
        __int128 xa, yb;
        if (__builtin_mul_overflow(x, sl_pow10_128(m - sa), &xa) ||
            __builtin_mul_overflow(y, sl_pow10_128(m - sb), &yb))
            goto overflow;
        r = sl_decimal_rescale(xa % yb, m, s);
        break;
    }
    default: return data_error(err, e, "bad decimal operator");
    }
    if (!sl_decimal_fits(r, e->type.precision)) goto overflow;
    *out = sl_decimal(ar, r, s);
    return SL_OK;
overflow:
    *out = sl_null(); /* DECIMAL overflow is NULL in Flink */
    return SL_OK;
}

static int eval_arith(const sl_cexpr *e, const sl_row *row, sl_arena *ar, sl_value *out,
                      sl_err *err)
{
    sl_value a, b;
    int rc = sl_eval(e->args[0], row, ar, &a, err);
    if (rc) return rc;
    if (a.tag == SL_V_NULL) {
        *out = a;
        return SL_OK;
    }
    if (e->op == SL_OP_NEG) {
        if (a.tag == SL_V_INT) *out = sl_int(sl_int_wrap((int64_t)(0 - (uint64_t)a.u.i), e->type.id));
        else if (a.tag == SL_V_DOUBLE) *out = sl_double(-a.u.d);
        else *out = sl_decimal(ar, -sl_decimal_unscaled(&a), a.scale);
        return SL_OK;
    }
    if ((rc = sl_eval(e->args[1], row, ar, &b, err))) return rc;
    if (b.tag == SL_V_NULL) {
        *out = b;
        return SL_OK;
    }
    if (e->type.id == SL_TYPE_DECIMAL) return arith_decimal(e, &a, &b, ar, out, err);
    if (a.tag == SL_V_DOUBLE) {
        double r;
        switch (e->op) {
        case SL_OP_ADD: r = a.u.d + b.u.d; break;
        case SL_OP_SUB: r = a.u.d - b.u.d; break;
        case SL_OP_MUL: r = a.u.d * b.u.d; break;
        case SL_OP_DIV: r = a.u.d / b.u.d; break;
        default: r = fmod(a.u.d, b.u.d); break;
        }
        if (e->type.id == SL_TYPE_FLOAT) r = (double)(float)r;
        *out = sl_double(r);
        return SL_OK;
    }
    return arith_int(e, a.u.i, b.u.i, out, err);
}

/* ---- LIKE ----------------------------------------------------------------------------- */

static size_t utf8_len1(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

/* SQL LIKE over UTF-8: '%' any sequence, '_' one character, esc escapes the next char. */
static int like_match(const char *s, size_t sn, const char *p, size_t pn, int esc)
{
    size_t si = 0, pi = 0, star_p = (size_t)-1, star_s = 0;
    while (si < sn) {
        if (pi < pn) {
            unsigned char pc = (unsigned char)p[pi];
            if (esc >= 0 && pc == (unsigned char)esc && pi + 1 < pn) {
                size_t l = utf8_len1((unsigned char)p[pi + 1]);
                if (pi + 1 + l <= pn && si + l <= sn && memcmp(p + pi + 1, s + si, l) == 0) {
                    pi += 1 + l;
                    si += l;
                    continue;
                }
            } else if (pc == '%') {
                star_p = ++pi;
                star_s = si;
                continue;
            } else if (pc == '_') {
                si += utf8_len1((unsigned char)s[si]);
                pi++;
                continue;
            } else {
                size_t l = utf8_len1(pc);
                if (si + l <= sn && pi + l <= pn && memcmp(p + pi, s + si, l) == 0) {
                    pi += l;
                    si += l;
                    continue;
                }
            }
        }
        if (star_p == (size_t)-1) return 0;
        star_s += utf8_len1((unsigned char)s[star_s]);
        si = star_s;
        pi = star_p;
    }
    while (pi < pn && p[pi] == '%') pi++;
    return pi == pn;
}

/* ---- string functions ----------------------------------------------------------------- */

static locale_t utf8_locale;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void init_locale(void)
{
    utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

static uint32_t utf8_decode(const unsigned char *s, size_t n, size_t *len)
{
    unsigned c = s[0];
    if (c < 0x80 || n < 2) return *len = 1, c;
    if (c < 0xe0) return *len = 2, ((c & 0x1f) << 6) | (s[1] & 0x3f);
    if (c < 0xf0 || n < 4) {
        if (n < 3) return *len = 1, c;
        return *len = 3, ((c & 0x0f) << 12) | ((s[1] & 0x3f) << 6) | (s[2] & 0x3f);
    }
    return *len = 4, ((c & 0x07) << 18) | ((s[1] & 0x3f) << 12) | ((s[2] & 0x3f) << 6) | (s[3] & 0x3f);
}

static void utf8_encode(sl_buf *b, uint32_t cp)
{
    char o[4];
    if (cp < 0x80) {
        sl_buf_putc(b, (char)cp);
    } else if (cp < 0x800) {
        o[0] = (char)(0xc0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3f));
        sl_buf_append(b, o, 2);
    } else if (cp < 0x10000) {
        o[0] = (char)(0xe0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        sl_buf_append(b, o, 3);
    } else {
        o[0] = (char)(0xf0 | (cp >> 18));
        o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[3] = (char)(0x80 | (cp & 0x3f));
        sl_buf_append(b, o, 4);
    }
}

static sl_value change_case(sl_arena *ar, const sl_value *v, int upper)
{
    char *z = sl_arena_alloc(ar, v->n ? v->n : 1);
    size_t i = 0;
    for (; i < v->n; i++) {
        unsigned char c = (unsigned char)v->u.z[i];
        if (c >= 0x80) break;
        z[i] = (char)(upper ? (c >= 'a' && c <= 'z' ? c - 32 : c) : (c >= 'A' && c <= 'Z' ? c + 32 : c));
    }
    if (i == v->n) return sl_string(z, v->n);
    /* Non-ASCII: map code points with the C.UTF-8 locale's case tables. */
    pthread_once(&utf8_once, init_locale);
    sl_buf b = SL_BUF_INIT;
    sl_buf_append(&b, z, i);
    while (i < v->n) {
        size_t l;
        uint32_t cp = utf8_decode((const unsigned char *)v->u.z + i, v->n - i, &l);
        if (utf8_locale)
            cp = (uint32_t)(upper ? towupper_l((wint_t)cp, utf8_locale) : towlower_l((wint_t)cp, utf8_locale));
        utf8_encode(&b, cp);
        i += l;
    }
    sl_value out = sl_string_in(ar, &b);
    sl_buf_free(&b);
    return out;
}

static int in_set(const char *set, size_t n, const char *z, size_t l)
{
    for (size_t i = 0; i < n;) {
        size_t k = utf8_len1((unsigned char)set[i]);
        if (k == l && memcmp(set + i, z, l) == 0) return 1;
        i += k;
    }
    return 0;
}

static sl_value trim(const sl_value *s, const sl_value *chars, int mode)
{
    const char *set = chars ? chars->u.z : " ";
    size_t setn = chars ? chars->n : 1;
    const char *z = s->u.z;
    size_t b = 0, e = s->n;
    if (mode != 2)
        while (b < e) {
            size_t l = utf8_len1((unsigned char)z[b]);
            if (!in_set(set, setn, z + b, l)) break;
            b += l;
        }
    if (mode != 1)
        while (e > b) {
            size_t st = e - 1;
            while (st > b && ((unsigned char)z[st] & 0xc0) == 0x80) st--;
            if (!in_set(set, setn, z + st, e - st)) break;
            e = st;
        }
    return sl_string(z + b, e - b);
}

static int eval_call(const sl_cexpr *e, const sl_row *row, sl_arena *ar, sl_value *out,
                     sl_err *err)
{
    sl_value a[8];
    int n = e->nargs, rc;
    int lazy = e->op == SL_FN_COALESCE || e->op == SL_FN_IF;
    if (!lazy) {
        if (n > 8) {
            /* long CONCAT / CONCAT_WS lists: evaluate into an arena array */
            sl_value *many = sl_arena_alloc(ar, sizeof(sl_value) * (size_t)n);
            for (int i = 0; i < n; i++)
                if ((rc = sl_eval(e->args[i], row, ar, &many[i], err))) return rc;
            sl_buf b = SL_BUF_INIT;
            int start = e->op == SL_FN_CONCAT_WS ? 1 : 0;
            if (e->op == SL_FN_CONCAT_WS && many[0].tag == SL_V_NULL) {
                *out = sl_null();
                return SL_OK;
            }
            for (int i = start; i < n; i++) {
                if (many[i].tag == SL_V_NULL) {
                    if (e->op == SL_FN_CONCAT) {
                        sl_buf_free(&b);
                        *out = sl_null();
                        return SL_OK;
                    }
                    continue;
                }
                if (e->op == SL_FN_CONCAT_WS && b.n) sl_buf_append(&b, many[0].u.z, many[0].n);
                sl_buf_append(&b, many[i].u.z, many[i].n);
            }
            *out = sl_string_in(ar, &b);
            sl_buf_free(&b);
            return SL_OK;
        }
        for (int i = 0; i < n; i++)
            if ((rc = sl_eval(e->args[i], row, ar, &a[i], err))) return rc;
    }
    switch (e->op) {
    case SL_FN_COALESCE:
        for (int i = 0; i < n; i++) {
            if ((rc = sl_eval(e->args[i], row, ar, out, err))) return rc;
            if (out->tag != SL_V_NULL) return SL_OK;
        }
        *out = sl_null();
        return SL_OK;
    case SL_FN_IF: {
        sl_value c;
        if ((rc = sl_eval(e->args[0], row, ar, &c, err))) return rc;
        return sl_eval(e->args[c.tag == SL_V_BOOL && c.u.i ? 1 : 2], row, ar, out, err);
    }
    case SL_FN_CONCAT_WS: {
        if (a[0].tag == SL_V_NULL) {
            *out = sl_null();
            return SL_OK;
        }
        sl_buf b = SL_BUF_INIT;
        int first = 1;
        for (int i = 1; i < n; i++) {
            if (a[i].tag == SL_V_NULL) continue;
            if (!first) sl_buf_append(&b, a[0].u.z, a[0].n);
            sl_buf_append(&b, a[i].u.z, a[i].n);
            first = 0;
        }
        *out = sl_string_in(ar, &b);
        sl_buf_free(&b);
        return SL_OK;
    }
    case SL_FN_NULLIF:
        if (a[0].tag != SL_V_NULL && a[1].tag != SL_V_NULL && sl_value_compare(&a[0], &a[1]) == 0)
            *out = sl_null();
        else *out = a[0];
        return SL_OK;
    default: break;
    }
    for (int i = 0; i < n; i++)
        if (a[i].tag == SL_V_NULL) {
            *out = sl_null();
            return SL_OK;
        }
    switch (e->op) {
    case SL_FN_UPPER: *out = change_case(ar, &a[0], 1); break;
    case SL_FN_LOWER: *out = change_case(ar, &a[0], 0); break;
    case SL_FN_TRIM: *out = trim(&a[0], n > 1 ? &a[1] : NULL, e->mode); break;
    case SL_FN_CONCAT: {
        size_t total = 0;
        for (int i = 0; i < n; i++) total += a[i].n;
        char *z = sl_arena_alloc(ar, total ? total : 1), *p = z;
        for (int i = 0; i < n; i++) {
            if (a[i].n) memcpy(p, a[i].u.z, a[i].n);
            p += a[i].n;
        }
        *out = sl_string(z, total);
        break;
    }
    case SL_FN_SUBSTRING: {
        /* Flink's substringSQL: 1-based; 0 means 1; a negative start counts from the end. */
        int64_t len = sl_utf8_count(a[0].u.z, a[0].n);
        int64_t pos = a[1].u.i;
        int64_t start = pos > 0 ? pos - 1 : pos < 0 ? len + pos : 0;
        int64_t end = n > 2 ? start + a[2].u.i : len;
        if (n > 2 && a[2].u.i < 0) end = start;
        if (start < 0) start = 0;
        if (end > len) end = len;
        if (start >= end) {
            *out = sl_string("", 0);
            break;
        }
        size_t bs = sl_utf8_offset(a[0].u.z, a[0].n, start);
        size_t be = sl_utf8_offset(a[0].u.z, a[0].n, end);
        *out = sl_string(a[0].u.z + bs, be - bs);
        break;
    }
    case SL_FN_CHAR_LENGTH: *out = sl_int(sl_utf8_count(a[0].u.z, a[0].n)); break;
    case SL_FN_REPLACE: {
        sl_buf b = SL_BUF_INIT;
        const char *s = a[0].u.z;
        size_t sn = a[0].n, i = 0;
        if (a[1].n == 0) {
            *out = a[0];
            break;
        }
        while (i < sn) {
            if (i + a[1].n <= sn && memcmp(s + i, a[1].u.z, a[1].n) == 0) {
                sl_buf_append(&b, a[2].u.z, a[2].n);
                i += a[1].n;
            } else {
                sl_buf_putc(&b, s[i++]);
            }
        }
        *out = sl_string_in(ar, &b);
        sl_buf_free(&b);
        break;
    }
    case SL_FN_ABS:
        if (a[0].tag == SL_V_INT) *out = sl_int(sl_int_wrap(a[0].u.i < 0 ? (int64_t)(0 - (uint64_t)a[0].u.i) : a[0].u.i, e->type.id));
        else if (a[0].tag == SL_V_DOUBLE) *out = sl_double(fabs(a[0].u.d));
        else {
            __int128 u = sl_decimal_unscaled(&a[0]);
            *out = sl_decimal(ar, u < 0 ? -u : u, a[0].scale);
        }
        break;
    case SL_FN_FLOOR:
    case SL_FN_CEIL:
        if (a[0].tag == SL_V_INT) *out = a[0];
        else if (a[0].tag == SL_V_DOUBLE)
            *out = sl_double(e->op == SL_FN_FLOOR ? floor(a[0].u.d) : ceil(a[0].u.d));
        else {
            __int128 u = sl_decimal_unscaled(&a[0]), d = sl_pow10_128(a[0].scale);
            __int128 q = u / d, r = u % d;
            if (r != 0 && e->op == SL_FN_FLOOR && u < 0) q -= 1;
            if (r != 0 && e->op == SL_FN_CEIL && u > 0) q += 1;
            *out = sl_decimal(ar, q, 0);
        }
        break;
    case SL_FN_ROUND: {
        int64_t digits = n > 1 ? a[1].u.i : 0;
        if (a[0].tag == SL_V_DECIMAL) {
            int s = a[0].scale;
            __int128 u = sl_decimal_unscaled(&a[0]);
            if (digits < s) {
                int64_t d = digits < -37 ? -37 : digits;
                if (d >= 0) {
                    u = sl_decimal_rescale(u, s, (int)d);
                    s = (int)d;
                } else {
                    /* to a multiple of 10^-d: round at scale s - d, then scale back up */
                    u = sl_decimal_rescale(u, s + (int)-d, 0) * sl_pow10_128((int)-d);
                    s = 0;
                }
            }
            *out = sl_decimal(ar, sl_decimal_rescale(u, s, e->type.scale), e->type.scale);
        } else if (a[0].tag == SL_V_DOUBLE) {
            /* HALF_UP on the double's shortest decimal form, as BigDecimal.valueOf does */
            if (!isfinite(a[0].u.d)) {
                *out = a[0];
                break;
            }
            sl_buf b = SL_BUF_INIT;
            sl_format_double_java(&b, a[0].u.d);
            __int128 u;
            int dg = digits > 30 ? 30 : digits < 0 ? 0 : (int)digits;
            if (sl_parse_decimal(b.p, b.n, 38, dg, &u)) {
                sl_buf_free(&b);
                *out = a[0];
                break;
            }
            sl_buf_reset(&b);
            sl_format_decimal_plain(&b, u, dg);
            double d;
            sl_parse_double(b.p, b.n, &d);
            sl_buf_free(&b);
            if (digits < 0) {
                double f = pow(10, (double)-digits);
                d = (a[0].u.d < 0 ? -1 : 1) * floor(fabs(a[0].u.d) / f + 0.5) * f;
            }
            *out = sl_double(e->type.id == SL_TYPE_FLOAT ? (double)(float)d : d);
        } else {
            int64_t v = a[0].u.i;
            if (digits < 0 && digits > -19) {
                int64_t f = 1;
                for (int64_t i = 0; i < -digits; i++) f *= 10;
                int64_t q = v / f, r = v % f;
                if ((r < 0 ? -r : r) * 2 >= f) q += v < 0 ? -1 : 1;
                v = q * f;
            }
            *out = sl_int(sl_int_wrap(v, e->type.id));
        }
        break;
    }
    default: return data_error(err, e, "function %s is not implemented", sl_fn_name(e->op));
    }
    return SL_OK;
}

/* ---- dispatch ------------------------------------------------------------------------- */

int sl_eval(const sl_cexpr *e, const sl_row *row, sl_arena *ar, sl_value *out, sl_err *err)
{
    int rc;
    switch (e->kind) {
    case SL_CX_CONST: *out = e->val; return SL_OK;
    case SL_CX_COLUMN: *out = row->col[e->col]; return SL_OK;
    case SL_CX_CAST: {
        sl_value v;
        if ((rc = sl_eval(e->args[0], row, ar, &v, err))) return rc;
        return sl_cast(&v, &e->args[0]->type, &e->type, e->op, ar, out, err);
    }
    case SL_CX_NOT: {
        sl_value v;
        if ((rc = sl_eval(e->args[0], row, ar, &v, err))) return rc;
        *out = v.tag == SL_V_NULL ? v : sl_bool(!v.u.i);
        return SL_OK;
    }
    case SL_CX_AND:
    case SL_CX_OR: {
        /* three-valued: AND is FALSE if any is FALSE, OR is TRUE if any is TRUE */
        int is_and = e->kind == SL_CX_AND, saw_null = 0;
        for (int i = 0; i < e->nargs; i++) {
            sl_value v;
            if ((rc = sl_eval(e->args[i], row, ar, &v, err))) return rc;
            if (v.tag == SL_V_NULL) saw_null = 1;
            else if (!!v.u.i != is_and) {
                *out = sl_bool(!is_and);
                return SL_OK;
            }
        }
        *out = saw_null ? sl_null() : sl_bool(is_and);
        return SL_OK;
    }
    case SL_CX_CMP: {
        sl_value a, b;
        if ((rc = sl_eval(e->args[0], row, ar, &a, err))) return rc;
        if ((rc = sl_eval(e->args[1], row, ar, &b, err))) return rc;
        if (a.tag == SL_V_NULL || b.tag == SL_V_NULL) {
            *out = sl_null();
            return SL_OK;
        }
        int c = sl_value_compare(&a, &b), r;
        if (c == 2) r = e->op == SL_OP_NE;
        else switch (e->op) {
            case SL_OP_EQ: r = c == 0; break;
            case SL_OP_NE: r = c != 0; break;
            case SL_OP_LT: r = c < 0; break;
            case SL_OP_LE: r = c <= 0; break;
            case SL_OP_GT: r = c > 0; break;
            default: r = c >= 0; break;
            }
        *out = sl_bool(r);
        return SL_OK;
    }
    case SL_CX_ARITH: return eval_arith(e, row, ar, out, err);
    case SL_CX_IS: {
        sl_value v;
        if ((rc = sl_eval(e->args[0], row, ar, &v, err))) return rc;
        int isnull = v.tag == SL_V_NULL, r;
        switch (e->op) {
        case SL_OP_IS_NULL: r = isnull; break;
        case SL_OP_IS_NOT_NULL: r = !isnull; break;
        case SL_OP_IS_TRUE: r = !isnull && v.u.i; break;
        case SL_OP_IS_NOT_TRUE: r = isnull || !v.u.i; break;
        case SL_OP_IS_FALSE: r = !isnull && !v.u.i; break;
        default: r = isnull || v.u.i; break;
        }
        *out = sl_bool(r);
        return SL_OK;
    }
    case SL_CX_CASE: {
        int pairs = e->nargs / 2;
        for (int i = 0; i < pairs; i++) {
            sl_value c;
            if ((rc = sl_eval(e->args[2 * i], row, ar, &c, err))) return rc;
            if (c.tag == SL_V_BOOL && c.u.i) return sl_eval(e->args[2 * i + 1], row, ar, out, err);
        }
        if (e->nargs % 2) return sl_eval(e->args[e->nargs - 1], row, ar, out, err);
        *out = sl_null();
        return SL_OK;
    }
    case SL_CX_IN: {
        sl_value a;
        if ((rc = sl_eval(e->args[0], row, ar, &a, err))) return rc;
        if (a.tag == SL_V_NULL) {
            *out = sl_null();
            return SL_OK;
        }
        int saw_null = 0;
        for (int i = 1; i < e->nargs; i++) {
            sl_value b;
            if ((rc = sl_eval(e->args[i], row, ar, &b, err))) return rc;
            if (b.tag == SL_V_NULL) saw_null = 1;
            else if (sl_value_compare(&a, &b) == 0) {
                *out = sl_bool(!e->op);
                return SL_OK;
            }
        }
        *out = saw_null ? sl_null() : sl_bool(e->op);
        return SL_OK;
    }
    case SL_CX_LIKE: {
        sl_value s, p, x = sl_null();
        if ((rc = sl_eval(e->args[0], row, ar, &s, err))) return rc;
        if ((rc = sl_eval(e->args[1], row, ar, &p, err))) return rc;
        if (e->nargs > 2 && (rc = sl_eval(e->args[2], row, ar, &x, err))) return rc;
        if (s.tag == SL_V_NULL || p.tag == SL_V_NULL || (e->nargs > 2 && x.tag == SL_V_NULL)) {
            *out = sl_null();
            return SL_OK;
        }
        int esc = -1;
        if (e->nargs > 2) {
            if (x.n != 1) return data_error(err, e, "LIKE escape must be a single character");
            esc = (unsigned char)x.u.z[0];
        }
        int m = like_match(s.u.z, s.n, p.u.z, p.n, esc);
        *out = sl_bool(e->op ? !m : m);
        return SL_OK;
    }
    case SL_CX_CALL: return eval_call(e, row, ar, out, err);
    }
    return data_error(err, e, "unknown expression kind %d", e->kind);
}

int sl_eval_filter(const sl_cexpr *e, const sl_row *row, sl_arena *ar, int *pass, sl_err *err)
{
    sl_value v;
    int rc = sl_eval(e, row, ar, &v, err);
    if (rc) return rc;
    *pass = v.tag == SL_V_BOOL && v.u.i;
    return SL_OK;
}
