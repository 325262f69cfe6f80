/*
** planner/types.c — type relations (see types.h).
**
** The rules follow Flink's LogicalTypeCasts: implicit casts only widen within the numeric
** tower (TINYINT < SMALLINT < INT < BIGINT < DECIMAL/FLOAT < DOUBLE) or change length or
** precision inside one family (CHAR/VARCHAR, BINARY/VARBINARY, DECIMAL, TIMESTAMP); explicit
** casts also go to and from strings and between the temporal types.
**
** SPDX-License-Identifier: MIT
*/
#include "planner/types.h"

#include "parser/ast.h"

#include <stdio.h>

static int is_exact_int(int id)
{
    return id >= SL_TYPE_TINYINT && id <= SL_TYPE_BIGINT;
}

static int is_num(int id)
{
    return id >= SL_TYPE_TINYINT && id <= SL_TYPE_DECIMAL;
}

static int is_char(int id)
{
    return id == SL_TYPE_CHAR || id == SL_TYPE_VARCHAR;
}

static int is_bin(int id)
{
    return id == SL_TYPE_BINARY || id == SL_TYPE_VARBINARY;
}

static int is_ts(int id)
{
    return id == SL_TYPE_TIMESTAMP || id == SL_TYPE_TIMESTAMP_LTZ;
}

/* Position in the numeric tower for widening. */
static int num_rank(int id)
{
    switch (id) {
    case SL_TYPE_TINYINT: return 1;
    case SL_TYPE_SMALLINT: return 2;
    case SL_TYPE_INT: return 3;
    case SL_TYPE_BIGINT: return 4;
    case SL_TYPE_DECIMAL: return 5;
    case SL_TYPE_FLOAT: return 6;
    case SL_TYPE_DOUBLE: return 7;
    default: return 0;
    }
}

sl_type sl_type_as_decimal(const sl_type *t)
{
    switch (t->id) {
    case SL_TYPE_TINYINT: return sl_type_decimal(3, 0);
    case SL_TYPE_SMALLINT: return sl_type_decimal(5, 0);
    case SL_TYPE_INT: return sl_type_decimal(10, 0);
    case SL_TYPE_BIGINT: return sl_type_decimal(19, 0);
    case SL_TYPE_DECIMAL: return sl_type_decimal(t->precision, t->scale);
    default: return sl_type_decimal(38, 18);
    }
}

int sl_type_implicit_cast(const sl_type *from, const sl_type *to)
{
    int f = from->id, t = to->id;
    if (f == SL_TYPE_NULL) return 1;
    if (f == t) {
        if (f == SL_TYPE_ARRAY) return sl_type_implicit_cast(from->elem, to->elem);
        if (f == SL_TYPE_MAP)
            return sl_type_implicit_cast(from->elem, to->elem) &&
                   sl_type_implicit_cast(from->val, to->val);
        if (f == SL_TYPE_ROW) {
            if (from->nfields != to->nfields) return 0;
            for (int i = 0; i < from->nfields; i++)
                if (!sl_type_implicit_cast(&from->fields[i].type, &to->fields[i].type)) return 0;
        }
        return 1;
    }
    if (is_char(f) && is_char(t)) return 1;
    if (is_bin(f) && is_bin(t)) return 1;
    if (is_ts(f) && is_ts(t)) return 1;
    if (is_num(f) && is_num(t)) {
        /* DECIMAL never implicitly narrows to an integer; integers widen into anything. */
        return num_rank(f) <= num_rank(t) || (is_exact_int(f) && t == SL_TYPE_DECIMAL) ||
               (f == SL_TYPE_DECIMAL && (t == SL_TYPE_FLOAT || t == SL_TYPE_DOUBLE));
    }
    return 0;
}

int sl_type_explicit_cast(const sl_type *from, const sl_type *to)
{
    int f = from->id, t = to->id;
    if (sl_type_implicit_cast(from, to)) return 1;
    if (is_char(f) || is_char(t)) {
        int other = is_char(f) ? t : f;
        return other != SL_TYPE_ARRAY && other != SL_TYPE_MAP && other != SL_TYPE_ROW;
    }
    if (is_num(f) && is_num(t)) return 1;
    if ((f == SL_TYPE_BOOLEAN && is_num(t)) || (is_num(f) && t == SL_TYPE_BOOLEAN)) return 1;
    if (is_ts(f) && (t == SL_TYPE_DATE || t == SL_TYPE_TIME)) return 1;
    if (f == SL_TYPE_DATE && is_ts(t)) return 1;
    if (is_ts(f) && (t == SL_TYPE_BIGINT || t == SL_TYPE_INT)) return 0;
    return 0;
}

static sl_type widest_string(const sl_type *a, const sl_type *b)
{
    /* CHAR only when both are CHAR of one length: like Flink's conformance, ragged CHAR types
    ** unify to VARCHAR instead of padding the shorter values with blanks. */
    sl_type t = sl_type_make(SL_TYPE_VARCHAR);
    if (a->id == SL_TYPE_CHAR && b->id == SL_TYPE_CHAR && a->length == b->length)
        t = sl_type_make(SL_TYPE_CHAR);
    t.length = a->length > b->length ? a->length : b->length;
    return t;
}

int sl_type_common(const sl_type *a, const sl_type *b, sl_type *out)
{
    int nullable = !a->not_null || !b->not_null;
    if (a->id == SL_TYPE_NULL) {
        *out = *b;
        out->not_null = 0;
        return 0;
    }
    if (b->id == SL_TYPE_NULL) {
        *out = *a;
        out->not_null = 0;
        return 0;
    }
    if (is_num(a->id) && is_num(b->id)) {
        if (a->id == b->id && a->id != SL_TYPE_DECIMAL) {
            *out = sl_type_make(a->id);
        } else if (a->id == SL_TYPE_DOUBLE || b->id == SL_TYPE_DOUBLE) {
            *out = sl_type_make(SL_TYPE_DOUBLE);
        } else if (a->id == SL_TYPE_FLOAT || b->id == SL_TYPE_FLOAT) {
            *out = sl_type_make(SL_TYPE_FLOAT);
        } else if (a->id == SL_TYPE_DECIMAL || b->id == SL_TYPE_DECIMAL) {
            sl_type da = sl_type_as_decimal(a), db = sl_type_as_decimal(b);
            int s = da.scale > db.scale ? da.scale : db.scale;
            int ia = da.precision - da.scale, ib = db.precision - db.scale;
            int p = (ia > ib ? ia : ib) + s;
            if (p > 38) p = 38;
            if (s > p) s = p;
            *out = sl_type_decimal(p, s);
        } else {
            *out = sl_type_make(num_rank(a->id) > num_rank(b->id) ? a->id : b->id);
        }
    } else if (is_char(a->id) && is_char(b->id)) {
        *out = widest_string(a, b);
    } else if (is_bin(a->id) && is_bin(b->id)) {
        *out = sl_type_make(SL_TYPE_VARBINARY);
        out->length = a->length > b->length ? a->length : b->length;
    } else if (is_ts(a->id) && is_ts(b->id)) {
        *out = sl_type_timestamp(a->id == b->id ? a->id : SL_TYPE_TIMESTAMP_LTZ,
                                 a->precision > b->precision ? a->precision : b->precision);
    } else if (a->id == b->id && sl_type_equal(a, b)) {
        *out = *a;
    } else if (a->id == b->id && (a->id == SL_TYPE_TIME)) {
        *out = a->precision >= b->precision ? *a : *b;
    } else {
        return -1;
    }
    out->not_null = (uint8_t)!nullable;
    return 0;
}

int sl_type_arith(int op, const sl_type *a, const sl_type *b, sl_type *out)
{
    if (!is_num(a->id) || !is_num(b->id)) return -1;
    int nullable = !a->not_null || !b->not_null;
    int isdec = (a->id == SL_TYPE_DECIMAL || b->id == SL_TYPE_DECIMAL) &&
                a->id != SL_TYPE_DOUBLE && b->id != SL_TYPE_DOUBLE && a->id != SL_TYPE_FLOAT &&
                b->id != SL_TYPE_FLOAT;
    if (!isdec) {
        if (sl_type_common(a, b, out)) return -1;
        out->not_null = (uint8_t)!nullable;
        return 0;
    }
    sl_type da = sl_type_as_decimal(a), db = sl_type_as_decimal(b);
    int p1 = da.precision, s1 = da.scale, p2 = db.precision, s2 = db.scale, p, s;
    switch (op) {
    case SL_OP_ADD:
    case SL_OP_SUB:
        s = s1 > s2 ? s1 : s2;
        p = (p1 - s1 > p2 - s2 ? p1 - s1 : p2 - s2) + s + 1;
        break;
    case SL_OP_MUL:
        p = p1 + p2;
        s = s1 + s2;
        break;
    case SL_OP_DIV:
        s = 6 > s1 + p2 + 1 ? 6 : s1 + p2 + 1;
        p = p1 - s1 + s2 + s;
        break;
    default: /* mod */
        s = s1 > s2 ? s1 : s2;
        p = (p1 - s1 < p2 - s2 ? p1 - s1 : p2 - s2) + s;
        break;
    }
    if (p > 38) {
        /* Keep the integer digits; give up scale, but keep at least 6 digits of it. */
        int intd = p - s;
        int minscale = s < 6 ? s : 6;
        s = 38 - intd > minscale ? 38 - intd : minscale;
        p = 38;
    }
    *out = sl_type_decimal(p, s);
    out->not_null = (uint8_t)!nullable;
    return 0;
}

int sl_type_comparable(const sl_type *a, const sl_type *b)
{
    sl_type t;
    if (a->id == SL_TYPE_NULL || b->id == SL_TYPE_NULL) return 1;
    if (a->id == SL_TYPE_ARRAY || a->id == SL_TYPE_MAP || a->id == SL_TYPE_ROW) return 0;
    return sl_type_common(a, b, &t) == 0;
}

const char *sl_type_str(const sl_type *t, char *buf, size_t n)
{
    sl_buf b = SL_BUF_INIT;
    sl_type_render(&b, t);
    snprintf(buf, n, "%s", b.p ? b.p : "");
    sl_buf_free(&b);
    return buf;
}
