/*
** planner/expr.c — the expression binder (see expr.h).
**
** One recursive pass over the AST: each node's children are bound first, then the node's
** type rule runs and, where operand types differ, CAST nodes are inserted so that the
** evaluator only ever sees operands of one type. Literals are checked here (a bad DATE
** '2020-13-01' is a planning error, not a runtime one).
**
** Memory: everything is allocated in the caller's arena (the plan's, or a table's for
** computed columns checked at CREATE TABLE).
**
** SPDX-License-Identifier: MIT
*/
#include "planner/expr.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/cast.h"
#include "base/datetime.h"
#include "base/numfmt.h"
#include "base/opt.h"
#include "base/valuefmt.h"
#include "planner/types.h"

#define MAX_DEPTH 200

typedef struct binder {
    sl_arena *ar;
    const sl_scope *scope;
    sl_err *err;
    int depth;
} binder;

static int bind(binder *bd, const sl_expr *e, sl_cexpr **out);

sl_cexpr *sl_cx_column(sl_arena *ar, int col, const sl_type *type)
{
    sl_cexpr *c = sl_arena_calloc(ar, sizeof *c);
    c->kind = SL_CX_COLUMN;
    c->col = col;
    c->type = *type;
    return c;
}

sl_cexpr *sl_cx_const(sl_arena *ar, sl_value val, const sl_type *type)
{
    sl_cexpr *c = sl_arena_calloc(ar, sizeof *c);
    c->kind = SL_CX_CONST;
    c->val = val;
    c->type = *type;
    c->col = -1;
    return c;
}

static sl_cexpr *cx_new(binder *bd, int kind, int op, int nargs, const sl_expr *src)
{
    sl_cexpr *c = sl_arena_calloc(bd->ar, sizeof *c);
    c->kind = (uint8_t)kind;
    c->op = (uint8_t)op;
    c->col = -1;
    c->nargs = nargs;
    c->args = sl_arena_calloc(bd->ar, sizeof(sl_cexpr *) * (size_t)(nargs ? nargs : 1));
    if (src) {
        c->offset = src->offset;
        c->len = src->len;
    }
    return c;
}

static int same_type(const sl_type *a, const sl_type *b)
{
    return a->id == b->id && sl_type_equal(a, b);
}

/*
** A cast of a constant, done now: the plan then carries the converted constant (EXPLAIN shows
** 2.0, not CAST(2 AS DOUBLE)) and no row pays for it. A cast that would fail stays in the plan
** so that it fails when evaluated, as it would without folding.
*/
static sl_cexpr *fold_cast(sl_arena *ar, const sl_cexpr *e, const sl_type *to, int try_cast)
{
    if (e->kind != SL_CX_CONST) return NULL;
    sl_err err = SL_ERR_INIT;
    sl_value v;
    if (sl_cast(&e->val, &e->type, to, try_cast, ar, &v, &err)) return NULL;
    v = sl_value_copy(ar, &v);
    sl_type t = *to;
    t.not_null = v.tag != SL_V_NULL;
    sl_cexpr *c = sl_cx_const(ar, v, &t);
    c->offset = e->offset;
    c->len = e->len;
    return c;
}

sl_cexpr *sl_cx_cast_to(sl_arena *ar, sl_cexpr *e, const sl_type *to)
{
    if (same_type(&e->type, to)) {
        /* Only nullability may differ; never cast just for that. */
        return e;
    }
    /* A string type converted into a longer string of the same kind changes nothing. */
    if ((e->type.id == SL_TYPE_VARCHAR || e->type.id == SL_TYPE_CHAR) &&
        to->id == SL_TYPE_VARCHAR && to->length >= e->type.length)
        return e;
    if ((e->type.id == SL_TYPE_VARBINARY || e->type.id == SL_TYPE_BINARY) &&
        to->id == SL_TYPE_VARBINARY && to->length >= e->type.length)
        return e;
    sl_cexpr *folded = fold_cast(ar, e, to, 0);
    if (folded) return folded;
    sl_cexpr *c = sl_arena_calloc(ar, sizeof *c);
    c->kind = SL_CX_CAST;
    c->col = -1;
    c->type = *to;
    c->type.not_null = e->type.not_null;
    c->nargs = 1;
    c->args = sl_arena_alloc(ar, sizeof(sl_cexpr *));
    c->args[0] = e;
    c->offset = e->offset;
    c->len = e->len;
    return c;
}

static const char *tstr(const sl_type *t, char *buf, size_t n)
{
    return sl_type_str(t, buf, n);
}

static int type_error(binder *bd, const sl_expr *e, const char *fmt, ...) SL_PRINTF(3, 4);
static int type_error(binder *bd, const sl_expr *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sl_err_vat(bd->err, SL_SEMANTIC, e->offset, e->len, fmt, ap);
    va_end(ap);
    return SL_SEMANTIC;
}

/* ---- literals ------------------------------------------------------------------------- */

static int count_code_points(const char *z)
{
    int n = 0;
    for (; *z; z++) n += ((unsigned char)*z & 0xc0) != 0x80;
    return n;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int bind_literal(binder *bd, const sl_expr *e, sl_cexpr **out)
{
    sl_type t = {0};
    sl_value v = sl_null();
    const char *z = e->text;
    switch (e->lit) {
    case SL_LIT_NULL: t = sl_type_make(SL_TYPE_NULL); break;
    case SL_LIT_TRUE:
    case SL_LIT_FALSE:
        t = sl_type_make(SL_TYPE_BOOLEAN);
        v = sl_bool(e->lit == SL_LIT_TRUE);
        break;
    case SL_LIT_INTEGER: {
        int64_t i;
        if (sl_parse_int64(z, strlen(z), &i) == 0) {
            t = sl_type_make(i >= INT32_MIN && i <= INT32_MAX ? SL_TYPE_INT : SL_TYPE_BIGINT);
            v = sl_int(i);
            break;
        }
        /* Too big for BIGINT: an exact DECIMAL, as Calcite types it. */
    }
    /* fall through */
    case SL_LIT_DECIMAL: {
        const char *dot = strchr(z, '.');
        int scale = dot ? (int)strlen(dot + 1) : 0;
        int digits = 0;
        for (const char *c = z; *c; c++) digits += *c >= '0' && *c <= '9';
        /* leading zeros do not count toward precision */
        for (const char *c = z; *c == '0' || *c == '.'; c++)
            if (*c == '0' && digits > scale) digits--;
        if (digits < scale) digits = scale;
        if (digits == 0) digits = 1;
        __int128 u;
        if (digits > 38 || sl_parse_decimal(z, strlen(z), digits, scale, &u))
            return type_error(bd, e, "Numeric literal '%s' out of range", z);
        t = sl_type_decimal(digits, scale);
        v = sl_decimal(bd->ar, u, scale);
        break;
    }
    case SL_LIT_DOUBLE: {
        double d;
        if (sl_parse_double(z, strlen(z), &d))
            return type_error(bd, e, "invalid numeric literal '%s'", z);
        t = sl_type_make(SL_TYPE_DOUBLE);
        v = sl_double(d);
        break;
    }
    case SL_LIT_STRING:
        t = sl_type_make(SL_TYPE_CHAR);
        t.length = count_code_points(z);
        if (t.length == 0) t.length = 1; /* Flink types '' as CHAR(0); we keep CHAR(1) legal */
        v = sl_string(sl_arena_strdup(bd->ar, z), strlen(z));
        break;
    case SL_LIT_BINARY: {
        size_t n = strlen(z);
        if (n % 2) return type_error(bd, e, "binary literal needs an even number of hex digits");
        unsigned char *bytes = sl_arena_alloc(bd->ar, n / 2 + 1);
        for (size_t i = 0; i < n; i += 2) {
            int h = hexval(z[i]), l = hexval(z[i + 1]);
            if (h < 0 || l < 0)
                return type_error(bd, e, "binary literal X'%s' has a character that is not a "
                                         "hex digit",
                                  z);
            bytes[i / 2] = (unsigned char)(h * 16 + l);
        }
        t = sl_type_make(SL_TYPE_BINARY);
        t.length = (int)(n / 2) ? (int)(n / 2) : 1;
        v = sl_bytes(bytes, n / 2);
        break;
    }
    case SL_LIT_DATE: {
        int64_t days;
        if (sl_parse_date(z, strlen(z), &days))
            return type_error(bd, e, "Illegal DATE literal '%s': expected 'yyyy-MM-dd'", z);
        t = sl_type_make(SL_TYPE_DATE);
        v = sl_date(days);
        break;
    }
    case SL_LIT_TIME: {
        int64_t nod;
        if (sl_parse_time(z, strlen(z), &nod))
            return type_error(bd, e, "Illegal TIME literal '%s': expected 'HH:mm:ss'", z);
        t = sl_type_make(SL_TYPE_TIME);
        v = sl_time(nod);
        break;
    }
    case SL_LIT_TIMESTAMP: {
        int64_t sec;
        uint32_t nanos;
        if (sl_parse_timestamp(z, strlen(z), &sec, &nanos) || strchr(z, 'Z'))
            return type_error(bd, e,
                              "Illegal TIMESTAMP literal '%s': expected 'yyyy-MM-dd HH:mm:ss'", z);
        const char *dot = strchr(z, '.');
        int prec = 0;
        if (dot)
            for (const char *c = dot + 1; *c >= '0' && *c <= '9'; c++) prec++;
        t = sl_type_timestamp(SL_TYPE_TIMESTAMP, prec);
        v = sl_timestamp(sec, nanos);
        break;
    }
    default:
        return type_error(bd, e, "INTERVAL literals are not supported yet");
    }
    t.not_null = e->lit != SL_LIT_NULL;
    *out = sl_cx_const(bd->ar, v, &t);
    (*out)->offset = e->offset;
    (*out)->len = e->len;
    return SL_OK;
}

/* ---- columns -------------------------------------------------------------------------- */

static int bind_column(binder *bd, const sl_expr *e, sl_cexpr **out)
{
    const sl_scope *sc = bd->scope;
    const sl_scope_col *found = NULL;
    int qual_known = !e->qualifier.z;
    for (int i = 0; i < sc->n; i++) {
        const sl_scope_col *c = &sc->cols[i];
        if (e->qualifier.z) {
            if (!c->qual || strcmp(c->qual, e->qualifier.z) != 0) continue;
            qual_known = 1;
        }
        if (strcmp(c->name, e->name.z) != 0) continue;
        if (found)
            return type_error(bd, e, "Column '%s' is ambiguous", e->name.z);
        found = c;
    }
    if (!found) {
        if (!qual_known)
            return sl_err_at(bd->err, SL_SEMANTIC, e->qualifier.offset, e->qualifier.len,
                             "Table '%s' not found", e->qualifier.z);
        const char *names[256];
        int n = 0;
        for (int i = 0; i < sc->n && n < 256; i++) names[n++] = sc->cols[i].name;
        /* A case-only difference is the most likely typo: Flink names are case-sensitive. */
        for (int i = 0; i < n; i++)
            if (sl_strcaseeq(names[i], e->name.z))
                return sl_err_at(bd->err, SL_SEMANTIC, e->name.offset, e->name.len,
                                 "Column '%s' not found in any table; did you mean '%s'? "
                                 "(names are case-sensitive)",
                                 e->name.z, names[i]);
        const char *hint = sl_suggest(e->name.z, names, n);
        if (hint)
            return sl_err_at(bd->err, SL_SEMANTIC, e->name.offset, e->name.len,
                             "Column '%s' not found in any table; did you mean '%s'?", e->name.z,
                             hint);
        return sl_err_at(bd->err, SL_SEMANTIC, e->name.offset, e->name.len,
                         "Column '%s' not found in any table", e->name.z);
    }
    if (found->computed) {
        if (bd->depth > 16)
            return type_error(bd, e, "computed column '%s' refers to itself", e->name.z);
        bd->depth++;
        int rc = bind(bd, found->computed, out);
        bd->depth--;
        return rc;
    }
    *out = sl_cx_column(bd->ar, found->index, &found->type);
    (*out)->offset = e->offset;
    (*out)->len = e->len;
    return SL_OK;
}

/* ---- operators ------------------------------------------------------------------------ */

static int is_bool(const sl_type *t)
{
    return t->id == SL_TYPE_BOOLEAN || t->id == SL_TYPE_NULL;
}

static int require_bool(binder *bd, const sl_expr *e, const sl_cexpr *c, const char *what)
{
    char buf[128];
    if (is_bool(&c->type)) return SL_OK;
    return type_error(bd, e, "%s must be a BOOLEAN expression, but '%s' is %s", what,
                      "this expression", tstr(&c->type, buf, sizeof buf));
}

static sl_type bool_type(int not_null)
{
    sl_type t = sl_type_make(SL_TYPE_BOOLEAN);
    t.not_null = (uint8_t)not_null;
    return t;
}

/* Coerce two operands to their common comparable type. */
static int coerce_pair(binder *bd, const sl_expr *e, const char *opname, sl_cexpr **a,
                       sl_cexpr **b)
{
    sl_type common;
    char ba[128], bb[128];
    if (!sl_type_comparable(&(*a)->type, &(*b)->type) ||
        sl_type_common(&(*a)->type, &(*b)->type, &common))
        return type_error(bd, e, "Cannot apply '%s' to arguments of type '<%s> %s <%s>'", opname,
                          tstr(&(*a)->type, ba, sizeof ba), opname,
                          tstr(&(*b)->type, bb, sizeof bb));
    *a = sl_cx_cast_to(bd->ar, *a, &common);
    *b = sl_cx_cast_to(bd->ar, *b, &common);
    return SL_OK;
}

static int bind_binary(binder *bd, const sl_expr *e, sl_cexpr **out)
{
    sl_cexpr *a, *b;
    int rc;
    if ((rc = bind(bd, e->a, &a)) || (rc = bind(bd, e->b, &b))) return rc;
    int nn = a->type.not_null && b->type.not_null;
    char ba[128], bb[128];
    const char *opname = sl_op_text(e->op);
    switch (e->op) {
    case SL_OP_AND:
    case SL_OP_OR: {
        if ((rc = require_bool(bd, e->a, a, opname)) || (rc = require_bool(bd, e->b, b, opname)))
            return rc;
        sl_cexpr *c = cx_new(bd, e->op == SL_OP_AND ? SL_CX_AND : SL_CX_OR, 0, 2, e);
        c->args[0] = a;
        c->args[1] = b;
        c->type = bool_type(nn);
        *out = c;
        return SL_OK;
    }
    case SL_OP_EQ:
    case SL_OP_NE:
    case SL_OP_LT:
    case SL_OP_LE:
    case SL_OP_GT:
    case SL_OP_GE: {
        if ((rc = coerce_pair(bd, e, opname, &a, &b))) return rc;
        sl_cexpr *c = cx_new(bd, SL_CX_CMP, e->op, 2, e);
        c->args[0] = a;
        c->args[1] = b;
        c->type = bool_type(nn);
        *out = c;
        return SL_OK;
    }
    case SL_OP_CONCAT: {
        int sa = sl_type_is_string(&a->type) || a->type.id == SL_TYPE_NULL;
        int sb = sl_type_is_string(&b->type) || b->type.id == SL_TYPE_NULL;
        if (!sa || !sb)
            return type_error(bd, e,
                              "Cannot apply '||' to arguments of type '<%s> || <%s>': both "
                              "sides must be strings (CAST them to STRING)",
                              tstr(&a->type, ba, sizeof ba), tstr(&b->type, bb, sizeof bb));
        sl_cexpr *c = cx_new(bd, SL_CX_CALL, SL_FN_CONCAT, 2, e);
        c->args[0] = a;
        c->args[1] = b;
        c->type = sl_type_string();
        c->type.not_null = (uint8_t)nn;
        *out = c;
        return SL_OK;
    }
    default: {
        sl_type rt;
        if (a->type.id == SL_TYPE_NULL) a->type = b->type, a->type.not_null = 0;
        if (b->type.id == SL_TYPE_NULL) b->type = a->type, b->type.not_null = 0;
        if (sl_type_arith(e->op, &a->type, &b->type, &rt))
            return type_error(bd, e, "Cannot apply '%s' to arguments of type '<%s> %s <%s>'",
                              opname, tstr(&a->type, ba, sizeof ba), opname,
                              tstr(&b->type, bb, sizeof bb));
        /* Operands are evaluated in the result's family: DECIMAL math on decimals (each at
        ** its own scale), DOUBLE math on floats, integer math on integers. */
        sl_type opnd = rt;
        if (rt.id == SL_TYPE_DECIMAL) {
            sl_type da = sl_type_as_decimal(&a->type), db = sl_type_as_decimal(&b->type);
            a = sl_cx_cast_to(bd->ar, a, &da);
            b = sl_cx_cast_to(bd->ar, b, &db);
        } else {
            a = sl_cx_cast_to(bd->ar, a, &opnd);
            b = sl_cx_cast_to(bd->ar, b, &opnd);
        }
        sl_cexpr *c = cx_new(bd, SL_CX_ARITH, e->op, 2, e);
        c->args[0] = a;
        c->args[1] = b;
        c->type = rt;
        /* x / 0 and x % 0 fail at run time for exact types; the result stays as typed. */
        *out = c;
        return SL_OK;
    }
    }
}

static int bind_unary(binder *bd, const sl_expr *e, sl_cexpr **out)
{
    sl_cexpr *a;
    int rc = bind(bd, e->a, &a);
    if (rc) return rc;
    if (e->op == SL_OP_NOT) {
        if ((rc = require_bool(bd, e->a, a, "NOT"))) return rc;
        sl_cexpr *c = cx_new(bd, SL_CX_NOT, 0, 1, e);
        c->args[0] = a;
        c->type = bool_type(a->type.not_null);
        *out = c;
        return SL_OK;
    }
    if (!sl_type_is_numeric(&a->type)) {
        char buf[128];
        return type_error(bd, e, "Cannot apply '%s' to arguments of type '%s <%s>'",
                          sl_op_text(e->op), sl_op_text(e->op), tstr(&a->type, buf, sizeof buf));
    }
    if (e->op == SL_OP_PLUS) {
        *out = a;
        return SL_OK;
    }
    sl_cexpr *c = cx_new(bd, SL_CX_ARITH, SL_OP_NEG, 1, e);
    c->args[0] = a;
    c->type = a->type;
    *out = c;
    return SL_OK;
}

static int bind_is(binder *bd, const sl_expr *e, sl_cexpr **out)
{
    sl_cexpr *a;
    int rc = bind(bd, e->a, &a);
    if (rc) return rc;
    if (e->op != SL_OP_IS_NULL && e->op != SL_OP_IS_NOT_NULL &&
        (rc = require_bool(bd, e->a, a, sl_op_text(e->op))))
        return rc;
    sl_cexpr *c = cx_new(bd, SL_CX_IS, e->op, 1, e);
    c->args[0] = a;
    c->type = bool_type(1);
    *out = c;
    return SL_OK;
}

static int bind_cast(binder *bd, const sl_expr *e, sl_cexpr **out)
{
    sl_cexpr *a;
    int rc = bind(bd, e->a, &a);
    if (rc) return rc;
    sl_type to = sl_type_copy(bd->ar, &e->type);
    if (a->type.id != SL_TYPE_NULL && !sl_type_explicit_cast(&a->type, &to)) {
        char ba[128], bb[128];
        return type_error(bd, e, "Cast function cannot convert value of type %s to type %s",
                          tstr(&a->type, ba, sizeof ba), tstr(&to, bb, sizeof bb));
    }
    sl_cexpr *folded = fold_cast(bd->ar, a, &to, e->op);
    if (folded) {
        folded->offset = e->offset;
        folded->len = e->len;
        *out = folded;
        return SL_OK;
    }
    sl_cexpr *c = cx_new(bd, SL_CX_CAST, e->op, 1, e);
    c->args[0] = a;
    c->type = to;
    c->type.not_null = (uint8_t)(a->type.not_null && !e->op);
    *out = c;
    return SL_OK;
}

/* The common type of several expressions, casting each to it. */
static int unify(binder *bd, const sl_expr *e, sl_cexpr **xs, int n, const char *what,
                 sl_type *out)
{
    sl_type t = xs[0]->type;
    for (int i = 1; i < n; i++) {
        sl_type u;
        if (sl_type_common(&t, &xs[i]->type, &u)) {
            char ba[128], bb[128];
            return type_error(bd, e, "%s: types %s and %s have no common type", what,
                              tstr(&t, ba, sizeof ba), tstr(&xs[i]->type, bb, sizeof bb));
        }
        t = u;
    }
    for (int i = 0; i < n; i++) xs[i] = sl_cx_cast_to(bd->ar, xs[i], &t);
    *out = t;
    return SL_OK;
}

static int bind_case(binder *bd, const sl_expr *e, sl_cexpr **out)
{
    int npairs = e->args.n / 2;
    int nargs = npairs * 2 + (e->c ? 1 : 0);
    sl_cexpr *c = cx_new(bd, SL_CX_CASE, 0, nargs, e);
    sl_cexpr *operand = NULL;
    int rc;
    if (e->a && (rc = bind(bd, e->a, &operand))) return rc;
    sl_cexpr *results[256];
    if (npairs + 1 > 256) return type_error(bd, e, "CASE has too many branches");
    int nres = 0;
    for (int i = 0; i < npairs; i++) {
        const sl_expr *we = e->args.items[2 * i], *te = e->args.items[2 * i + 1];
        sl_cexpr *w, *t;
        if ((rc = bind(bd, we, &w)) || (rc = bind(bd, te, &t))) return rc;
        if (operand) {
            sl_cexpr *l = operand, *r = w;
            if ((rc = coerce_pair(bd, we, "=", &l, &r))) return rc;
            sl_cexpr *eq = cx_new(bd, SL_CX_CMP, SL_OP_EQ, 2, we);
            eq->args[0] = l;
            eq->args[1] = r;
            eq->type = bool_type(0);
            w = eq;
        } else if ((rc = require_bool(bd, we, w, "WHEN condition"))) {
            return rc;
        }
        c->args[2 * i] = w;
        results[nres++] = t;
    }
    sl_cexpr *els = NULL;
    if (e->c) {
        if ((rc = bind(bd, e->c, &els))) return rc;
        results[nres++] = els;
    }
    sl_type t;
    if ((rc = unify(bd, e, results, nres, "CASE", &t))) return rc;
    for (int i = 0; i < npairs; i++) c->args[2 * i + 1] = results[i];
    if (els) c->args[nargs - 1] = results[nres - 1];
    int nn = els != NULL;
    for (int i = 0; i < nres; i++) nn &= results[i]->type.not_null;
    c->type = t;
    c->type.not_null = (uint8_t)nn;
    *out = c;
    return SL_OK;
}

static int bind_in(binder *bd, const sl_expr *e, sl_cexpr **out)
{
    int n = e->args.n + 1;
    sl_cexpr *c = cx_new(bd, SL_CX_IN, e->op, n, e);
    int rc;
    if ((rc = bind(bd, e->a, &c->args[0]))) return rc;
    for (int i = 1; i < n; i++)
        if ((rc = bind(bd, e->args.items[i - 1], &c->args[i]))) return rc;
    sl_type t;
    if ((rc = unify(bd, e, c->args, n, "IN", &t))) return rc;
    int nn = 1;
    for (int i = 0; i < n; i++) nn &= c->args[i]->type.not_null;
    c->type = bool_type(nn);
    *out = c;
    return SL_OK;
}

static int bind_between(binder *bd, const sl_expr *e, sl_cexpr **out)
{
    sl_cexpr *a, *lo, *hi, *a2;
    int rc;
    if ((rc = bind(bd, e->a, &a)) || (rc = bind(bd, e->b, &lo)) || (rc = bind(bd, e->c, &hi)))
        return rc;
    a2 = a;
    if ((rc = coerce_pair(bd, e, "BETWEEN", &a, &lo)) ||
        (rc = coerce_pair(bd, e, "BETWEEN", &a2, &hi)))
        return rc;
    /* a BETWEEN lo AND hi  ==  a >= lo AND a <= hi;  NOT BETWEEN  ==  a < lo OR a > hi */
    sl_cexpr *l = cx_new(bd, SL_CX_CMP, e->op ? SL_OP_LT : SL_OP_GE, 2, e);
    sl_cexpr *h = cx_new(bd, SL_CX_CMP, e->op ? SL_OP_GT : SL_OP_LE, 2, e);
    l->args[0] = a;
    l->args[1] = lo;
    h->args[0] = a2;
    h->args[1] = hi;
    int nn = a->type.not_null && lo->type.not_null && hi->type.not_null;
    l->type = h->type = bool_type(nn);
    sl_cexpr *c = cx_new(bd, e->op ? SL_CX_OR : SL_CX_AND, 0, 2, e);
    c->args[0] = l;
    c->args[1] = h;
    c->type = bool_type(nn);
    *out = c;
    return SL_OK;
}

static int bind_like(binder *bd, const sl_expr *e, sl_cexpr **out)
{
    int n = e->c ? 3 : 2;
    sl_cexpr *c = cx_new(bd, SL_CX_LIKE, e->op, n, e);
    int rc;
    const sl_expr *parts[3] = {e->a, e->b, e->c};
    int nn = 1;
    for (int i = 0; i < n; i++) {
        if ((rc = bind(bd, parts[i], &c->args[i]))) return rc;
        if (!sl_type_is_string(&c->args[i]->type) && c->args[i]->type.id != SL_TYPE_NULL) {
            char buf[128];
            return type_error(bd, parts[i], "LIKE needs string operands, but this is %s",
                              tstr(&c->args[i]->type, buf, sizeof buf));
        }
        nn &= c->args[i]->type.not_null;
    }
    c->type = bool_type(nn);
    *out = c;
    return SL_OK;
}

/* ---- functions ------------------------------------------------------------------------ */

typedef struct fn_def {
    const char *name;
    int id;
    int minargs, maxargs;
} fn_def;

static const fn_def functions[] = {
    {"UPPER", SL_FN_UPPER, 1, 1},
    {"LOWER", SL_FN_LOWER, 1, 1},
    {"TRIM", SL_FN_TRIM, 1, 2},
    {"LTRIM", SL_FN_TRIM, 1, 1},
    {"RTRIM", SL_FN_TRIM, 1, 1},
    {"COALESCE", SL_FN_COALESCE, 1, 255},
    {"CONCAT", SL_FN_CONCAT, 1, 255},
    {"CONCAT_WS", SL_FN_CONCAT_WS, 2, 255},
    {"SUBSTRING", SL_FN_SUBSTRING, 2, 3},
    {"SUBSTR", SL_FN_SUBSTRING, 2, 3},
    {"CHAR_LENGTH", SL_FN_CHAR_LENGTH, 1, 1},
    {"CHARACTER_LENGTH", SL_FN_CHAR_LENGTH, 1, 1},
    {"ABS", SL_FN_ABS, 1, 1},
    {"ROUND", SL_FN_ROUND, 1, 2},
    {"FLOOR", SL_FN_FLOOR, 1, 1},
    {"CEIL", SL_FN_CEIL, 1, 1},
    {"CEILING", SL_FN_CEIL, 1, 1},
    {"MOD", SL_FN_MOD, 2, 2},
    {"NULLIF", SL_FN_NULLIF, 2, 2},
    {"IF", SL_FN_IF, 3, 3},
    {"REPLACE", SL_FN_REPLACE, 3, 3},
};

static const char *const aggregates[] = {"COUNT", "SUM", "MIN", "MAX", "AVG", "LISTAGG",
                                         "FIRST_VALUE", "LAST_VALUE", "STDDEV_POP", "VAR_POP"};

static int arg_string(binder *bd, const sl_expr *call, sl_cexpr *a, int i)
{
    char buf[128];
    if (sl_type_is_string(&a->type) || a->type.id == SL_TYPE_NULL) return SL_OK;
    return type_error(bd, call->args.items[i],
                      "%s expects a string argument here, but this is %s (CAST it to STRING)",
                      call->name.z, tstr(&a->type, buf, sizeof buf));
}

static int arg_integer(binder *bd, const sl_expr *call, sl_cexpr **a, int i)
{
    char buf[128];
    if ((*a)->type.id == SL_TYPE_NULL) return SL_OK;
    if (!sl_type_is_integer(&(*a)->type))
        return type_error(bd, call->args.items[i],
                          "%s expects an integer argument here, but this is %s", call->name.z,
                          tstr(&(*a)->type, buf, sizeof buf));
    sl_type t = sl_type_make(SL_TYPE_INT);
    t.not_null = (*a)->type.not_null;
    if ((*a)->type.id != SL_TYPE_BIGINT) *a = sl_cx_cast_to(bd->ar, *a, &t);
    return SL_OK;
}

static int arg_numeric(binder *bd, const sl_expr *call, sl_cexpr *a, int i)
{
    char buf[128];
    if (sl_type_is_numeric(&a->type)) return SL_OK;
    return type_error(bd, call->args.items[i],
                      "%s expects a numeric argument here, but this is %s", call->name.z,
                      tstr(&a->type, buf, sizeof buf));
}

static int all_not_null(sl_cexpr **args, int n)
{
    for (int i = 0; i < n; i++)
        if (!args[i]->type.not_null) return 0;
    return 1;
}

static int bind_call(binder *bd, const sl_expr *e, sl_cexpr **out)
{
    char up[64];
    size_t nl = strlen(e->name.z);
    if (nl >= sizeof up) nl = sizeof up - 1;
    for (size_t i = 0; i < nl; i++) {
        char ch = e->name.z[i];
        up[i] = ch >= 'a' && ch <= 'z' ? (char)(ch - 32) : ch;
    }
    up[nl] = 0;
    const fn_def *fd = NULL;
    for (size_t i = 0; i < SL_ARRAY_LEN(functions); i++)
        if (strcmp(functions[i].name, up) == 0) fd = &functions[i];
    if (!fd) {
        for (size_t i = 0; i < SL_ARRAY_LEN(aggregates); i++)
            if (strcmp(aggregates[i], up) == 0)
                return type_error(bd, e,
                                  "Aggregate function %s is not supported yet: sluice has no "
                                  "GROUP BY aggregation",
                                  up);
        const char *names[SL_ARRAY_LEN(functions)];
        for (size_t i = 0; i < SL_ARRAY_LEN(functions); i++) names[i] = functions[i].name;
        const char *hint = sl_suggest(up, names, (int)SL_ARRAY_LEN(functions));
        return sl_err_at(bd->err, SL_SEMANTIC, e->name.offset, e->name.len,
                         "No match found for function signature %s(...)%s%s%s", e->name.z,
                         hint ? "; did you mean " : "", hint ? hint : "", hint ? "?" : "");
    }
    int n = e->args.n;
    if (n < fd->minargs || n > fd->maxargs) {
        if (fd->minargs == fd->maxargs)
            return type_error(bd, e, "%s takes %d argument%s, not %d", fd->name, fd->minargs,
                              fd->minargs == 1 ? "" : "s", n);
        return type_error(bd, e, "%s takes %d to %d arguments, not %d", fd->name, fd->minargs,
                          fd->maxargs, n);
    }
    if (e->distinct) return type_error(bd, e, "DISTINCT is only allowed in aggregate functions");
    sl_cexpr *c = cx_new(bd, SL_CX_CALL, fd->id, n, e);
    int rc;
    for (int i = 0; i < n; i++) {
        const sl_expr *ae = e->args.items[i];
        if (ae->kind == SL_E_STAR) return type_error(bd, ae, "'*' is not a valid argument here");
        if ((rc = bind(bd, ae, &c->args[i]))) return rc;
    }
    sl_cexpr **a = c->args;
    int nn = all_not_null(a, n);
    sl_type str = sl_type_string();
    switch (fd->id) {
    case SL_FN_UPPER:
    case SL_FN_LOWER:
    case SL_FN_REPLACE:
    case SL_FN_CONCAT:
    case SL_FN_CONCAT_WS:
        for (int i = 0; i < n; i++)
            if ((rc = arg_string(bd, e, a[i], i))) return rc;
        c->type = str;
        /* CONCAT_WS skips NULL arguments, so only its separator makes the result NULL. */
        c->type.not_null = (uint8_t)(fd->id == SL_FN_CONCAT_WS ? a[0]->type.not_null : nn);
        break;
    case SL_FN_TRIM:
        for (int i = 0; i < n; i++)
            if ((rc = arg_string(bd, e, a[i], i))) return rc;
        c->mode = e->trim_mode;
        if (strcmp(up, "LTRIM") == 0) c->mode = 1;
        if (strcmp(up, "RTRIM") == 0) c->mode = 2;
        c->type = str;
        c->type.not_null = (uint8_t)nn;
        break;
    case SL_FN_SUBSTRING:
        if ((rc = arg_string(bd, e, a[0], 0)) || (rc = arg_integer(bd, e, &a[1], 1)) ||
            (n == 3 && (rc = arg_integer(bd, e, &a[2], 2))))
            return rc;
        c->type = str;
        c->type.not_null = (uint8_t)nn;
        break;
    case SL_FN_CHAR_LENGTH:
        if ((rc = arg_string(bd, e, a[0], 0))) return rc;
        c->type = sl_type_make(SL_TYPE_INT);
        c->type.not_null = (uint8_t)nn;
        break;
    case SL_FN_COALESCE: {
        sl_type t;
        if ((rc = unify(bd, e, a, n, "COALESCE", &t))) return rc;
        int any = 0;
        for (int i = 0; i < n; i++) any |= a[i]->type.not_null;
        c->type = t;
        c->type.not_null = (uint8_t)any;
        break;
    }
    case SL_FN_NULLIF: {
        sl_cexpr *l = a[0], *r = a[1];
        if ((rc = coerce_pair(bd, e, "NULLIF", &l, &r))) return rc;
        a[0] = l;
        a[1] = r;
        c->type = l->type;
        c->type.not_null = 0;
        break;
    }
    case SL_FN_IF: {
        if ((rc = require_bool(bd, e->args.items[0], a[0], "IF condition"))) return rc;
        sl_type t;
        if ((rc = unify(bd, e, a + 1, 2, "IF", &t))) return rc;
        c->type = t;
        c->type.not_null = (uint8_t)(a[1]->type.not_null && a[2]->type.not_null);
        break;
    }
    case SL_FN_ABS:
        if ((rc = arg_numeric(bd, e, a[0], 0))) return rc;
        c->type = a[0]->type;
        break;
    case SL_FN_FLOOR:
    case SL_FN_CEIL:
        if ((rc = arg_numeric(bd, e, a[0], 0))) return rc;
        c->type = a[0]->type;
        if (c->type.id == SL_TYPE_DECIMAL) {
            int p = c->type.precision - c->type.scale + 1;
            c->type = sl_type_decimal(p > 38 ? 38 : p, 0);
            c->type.not_null = a[0]->type.not_null;
        }
        break;
    case SL_FN_ROUND: {
        if ((rc = arg_numeric(bd, e, a[0], 0))) return rc;
        int digits = 0;
        if (n == 2) {
            if ((rc = arg_integer(bd, e, &a[1], 1))) return rc;
            if (a[1]->kind != SL_CX_CONST && a[0]->type.id == SL_TYPE_DECIMAL)
                return type_error(bd, e->args.items[1],
                                  "ROUND of a DECIMAL needs a constant number of digits");
            if (a[1]->kind == SL_CX_CONST && a[1]->val.tag == SL_V_INT)
                digits = (int)a[1]->val.u.i;
        }
        c->type = a[0]->type;
        if (c->type.id == SL_TYPE_DECIMAL) {
            int s = digits < 0 ? 0 : digits > c->type.scale ? c->type.scale : digits;
            int p = c->type.precision - c->type.scale + s + 1;
            c->type = sl_type_decimal(p > 38 ? 38 : p, s);
        }
        c->type.not_null = (uint8_t)nn;
        break;
    }
    case SL_FN_MOD: {
        for (int i = 0; i < 2; i++)
            if ((rc = arg_numeric(bd, e, a[i], i))) return rc;
        sl_type t;
        if (sl_type_arith(SL_OP_MOD, &a[0]->type, &a[1]->type, &t))
            return type_error(bd, e, "MOD needs numeric arguments");
        c->kind = SL_CX_ARITH;
        c->op = SL_OP_MOD;
        if (t.id == SL_TYPE_DECIMAL) {
            sl_type da = sl_type_as_decimal(&a[0]->type), db = sl_type_as_decimal(&a[1]->type);
            a[0] = sl_cx_cast_to(bd->ar, a[0], &da);
            a[1] = sl_cx_cast_to(bd->ar, a[1], &db);
        } else {
            a[0] = sl_cx_cast_to(bd->ar, a[0], &t);
            a[1] = sl_cx_cast_to(bd->ar, a[1], &t);
        }
        c->type = t;
        break;
    }
    default: return type_error(bd, e, "function %s is not implemented", fd->name);
    }
    *out = c;
    return SL_OK;
}

/* ---- dispatch ------------------------------------------------------------------------- */

static int bind(binder *bd, const sl_expr *e, sl_cexpr **out)
{
    if (++bd->depth > MAX_DEPTH) {
        bd->depth--;
        return type_error(bd, e, "expression is nested too deeply");
    }
    int rc;
    switch (e->kind) {
    case SL_E_LITERAL: rc = bind_literal(bd, e, out); break;
    case SL_E_COLUMN: rc = bind_column(bd, e, out); break;
    case SL_E_STAR: rc = type_error(bd, e, "'*' is only allowed in a select list"); break;
    case SL_E_UNARY: rc = bind_unary(bd, e, out); break;
    case SL_E_BINARY: rc = bind_binary(bd, e, out); break;
    case SL_E_IS: rc = bind_is(bd, e, out); break;
    case SL_E_CAST: rc = bind_cast(bd, e, out); break;
    case SL_E_CASE: rc = bind_case(bd, e, out); break;
    case SL_E_CALL: rc = bind_call(bd, e, out); break;
    case SL_E_BETWEEN: rc = bind_between(bd, e, out); break;
    case SL_E_IN: rc = bind_in(bd, e, out); break;
    case SL_E_LIKE: rc = bind_like(bd, e, out); break;
    default: rc = type_error(bd, e, "unsupported expression");
    }
    bd->depth--;
    return rc;
}

int sl_bind(sl_arena *ar, const sl_scope *scope, const sl_expr *e, sl_cexpr **out, sl_err *err)
{
    binder bd = {ar, scope, err, 0};
    return bind(&bd, e, out);
}

/* ---- rendering ------------------------------------------------------------------------ */

void sl_cexpr_render(sl_buf *b, const sl_cexpr *e, const sl_pcol *cols)
{
    switch (e->kind) {
    case SL_CX_CONST:
        if (e->val.tag == SL_V_STRING) {
            sl_buf_putc(b, '\'');
            for (uint32_t i = 0; i < e->val.n; i++) {
                if (e->val.u.z[i] == '\'') sl_buf_putc(b, '\'');
                sl_buf_putc(b, e->val.u.z[i]);
            }
            sl_buf_putc(b, '\'');
        } else {
            sl_value_format(b, &e->val, &e->type, SL_STYLE_SQL);
        }
        break;
    case SL_CX_COLUMN:
        if (cols) sl_buf_puts(b, cols[e->col].name);
        else sl_buf_printf(b, "$%d", e->col);
        break;
    case SL_CX_CAST: {
        sl_buf_puts(b, e->op ? "TRY_CAST(" : "CAST(");
        sl_cexpr_render(b, e->args[0], cols);
        sl_buf_puts(b, " AS ");
        sl_type t = e->type;
        t.not_null = 0; /* CAST(x AS INT NOT NULL) is not SQL; nullability is implied */
        sl_type_render(b, &t);
        sl_buf_putc(b, ')');
        break;
    }
    case SL_CX_NOT:
        sl_buf_puts(b, "NOT(");
        sl_cexpr_render(b, e->args[0], cols);
        sl_buf_putc(b, ')');
        break;
    case SL_CX_AND:
    case SL_CX_OR:
        sl_buf_puts(b, e->kind == SL_CX_AND ? "AND(" : "OR(");
        for (int i = 0; i < e->nargs; i++) {
            if (i) sl_buf_puts(b, ", ");
            sl_cexpr_render(b, e->args[i], cols);
        }
        sl_buf_putc(b, ')');
        break;
    case SL_CX_CMP:
    case SL_CX_ARITH:
        if (e->nargs == 1) {
            sl_buf_puts(b, "-(");
            sl_cexpr_render(b, e->args[0], cols);
            sl_buf_putc(b, ')');
            break;
        }
        sl_buf_putc(b, '(');
        sl_cexpr_render(b, e->args[0], cols);
        sl_buf_printf(b, " %s ", sl_op_text(e->op));
        sl_cexpr_render(b, e->args[1], cols);
        sl_buf_putc(b, ')');
        break;
    case SL_CX_IS:
        sl_cexpr_render(b, e->args[0], cols);
        sl_buf_printf(b, " %s", sl_op_text(e->op));
        break;
    case SL_CX_CASE:
        sl_buf_puts(b, "CASE");
        for (int i = 0; i + 1 < e->nargs; i += 2) {
            sl_buf_puts(b, " WHEN ");
            sl_cexpr_render(b, e->args[i], cols);
            sl_buf_puts(b, " THEN ");
            sl_cexpr_render(b, e->args[i + 1], cols);
        }
        if (e->nargs % 2) {
            sl_buf_puts(b, " ELSE ");
            sl_cexpr_render(b, e->args[e->nargs - 1], cols);
        }
        sl_buf_puts(b, " END");
        break;
    case SL_CX_IN:
        sl_cexpr_render(b, e->args[0], cols);
        sl_buf_puts(b, e->op ? " NOT IN (" : " IN (");
        for (int i = 1; i < e->nargs; i++) {
            if (i > 1) sl_buf_puts(b, ", ");
            sl_cexpr_render(b, e->args[i], cols);
        }
        sl_buf_putc(b, ')');
        break;
    case SL_CX_LIKE:
        sl_cexpr_render(b, e->args[0], cols);
        sl_buf_puts(b, e->op ? " NOT LIKE " : " LIKE ");
        sl_cexpr_render(b, e->args[1], cols);
        break;
    case SL_CX_CALL:
        sl_buf_printf(b, "%s(", sl_fn_name(e->op));
        for (int i = 0; i < e->nargs; i++) {
            if (i) sl_buf_puts(b, ", ");
            sl_cexpr_render(b, e->args[i], cols);
        }
        sl_buf_putc(b, ')');
        break;
    }
}
