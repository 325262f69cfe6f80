/*
** connectors/maxcompute/convert.c — Kafka records and SQL rows to MaxCompute rows, partitions.
**
** The rules are in convert.h. Three pieces:
**   - text to a column type: one function (text_value) for TEXT, JSON, CSV fields and FLATTEN
**     scalars, built on the Java-compatible parsers of formats/fmtutil.h;
**   - a small strict JSON reader (RFC 8259, depth-limited, UTF-8 checked) that builds a tree in
**     the batch arena, for FLATTEN and for checking JSON columns, and writes nested values back
**     as compact canonical text;
**   - a per-column plan for SQL rows, checked once at start-up.
**
** SPDX-License-Identifier: MIT
*/
#include "connectors/maxcompute/convert.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/cast.h"
#include "base/datetime.h"
#include "base/numfmt.h"
#include "formats/fmtutil.h"

#define JSON_MAX_DEPTH 512
#define SNIPPET        64
#define NANOS          1000000000

/* ---- names --------------------------------------------------------------------------------- */

static int parse_choice(const char *s, const char *const *names, int n, const char *what, int *out,
                        sl_err *err)
{
    for (int i = 0; i < n; i++)
        if (s && sl_strcaseeq(s, names[i])) {
            *out = i;
            return SL_OK;
        }
    sl_buf b = SL_BUF_INIT;
    for (int i = 0; i < n; i++) sl_buf_printf(&b, "%s%s", i ? ", " : "", names[i]);
    sl_err_set(err, SL_DATA, "%s '%s' is not one of %s", what, s ? s : "", b.p);
    sl_buf_free(&b);
    return SL_DATA;
}

int sl_mc_format_parse(const char *s, int *out, sl_err *err)
{
    static const char *const names[] = {"TEXT", "BINARY", "CSV", "JSON", "FLATTEN"};
    return parse_choice(s, names, 5, "format", out, err);
}

int sl_mc_mode_parse(const char *s, int *out, sl_err *err)
{
    static const char *const names[] = {"DEFAULT", "KEY", "VALUE"};
    return parse_choice(s, names, 3, "mode", out, err);
}

static const char *const fmt_names[] = {"TEXT", "BINARY", "CSV", "JSON", "FLATTEN"};
static const char *const mode_names[] = {"DEFAULT", "KEY", "VALUE"};

/* Upper-case MaxCompute type text for messages ("DECIMAL(10,2)"), in a static-size buffer. */
static const char *mc_type_text(char *out, size_t cap, const sl_mc_type *t)
{
    sl_buf b = SL_BUF_INIT;
    sl_mc_type_render(&b, t);
    size_t i = 0;
    for (; i + 1 < cap && i < b.n; i++)
        out[i] = (char)(b.p[i] >= 'a' && b.p[i] <= 'z' ? b.p[i] - 32 : b.p[i]);
    out[i] = 0;
    sl_buf_free(&b);
    return out;
}

static int find_col(const sl_mc_schema *s, const char *name)
{
    for (int i = 0; s && i < s->ncol; i++)
        if (sl_strcaseeq(s->cols[i].name, name)) return i;
    return -1;
}

/* ---- JSON ---------------------------------------------------------------------------------- */

enum { J_NULL, J_FALSE, J_TRUE, J_NUM, J_STR, J_ARR, J_OBJ };

typedef struct jnode {
    int kind;
    const char *s; /* J_NUM: text; J_STR: the raw text between the quotes */
    size_t n;
    int esc;            /* J_STR: holds escapes */
    struct jnode *kids; /* J_ARR: elements; J_OBJ: name, value, name, value ... */
    size_t nkids;
} jnode;

typedef struct jreader {
    const char *base, *p, *end;
    sl_arena *ar;
    const char *why;
    size_t at;
} jreader;

static int jfail(jreader *r, const char *p, const char *why)
{
    r->why = why;
    r->at = (size_t)(p - r->base);
    return -1;
}

static void jws(jreader *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

static int hexv(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int hex4(const char *p, const char *end, unsigned *out)
{
    if (end - p < 4) return -1;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexv((unsigned char)p[i]);
        if (h < 0) return -1;
        v = v << 4 | (unsigned)h;
    }
    *out = v;
    return 0;
}

static int jstring(jreader *r, jnode *nd)
{
    const char *p = ++r->p;
    nd->kind = J_STR;
    nd->esc = 0;
    while (p < r->end && *p != '"') {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20) return jfail(r, p, "a control character inside a string");
        if (c == '\\') {
            nd->esc = 1;
            if (p + 1 >= r->end) break;
            char e = p[1];
            if (e == 'u') {
                unsigned cp, lo;
                if (hex4(p + 2, r->end, &cp)) return jfail(r, p, "a bad \\u escape");
                p += 6;
                if (cp >= 0xDC00 && cp <= 0xDFFF) return jfail(r, p - 6, "a lone surrogate escape");
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    if (r->end - p < 6 || p[0] != '\\' || p[1] != 'u' || hex4(p + 2, r->end, &lo) ||
                        lo < 0xDC00 || lo > 0xDFFF)
                        return jfail(r, p - 6, "a lone surrogate escape");
                    p += 6;
                }
                continue;
            }
            if (!e || !strchr("\"\\/bfnrt", e)) return jfail(r, p, "a bad escape");
            p += 2;
            continue;
        }
        if (c < 0x80) {
            p++;
            continue;
        }
        size_t k = sl_fmt_utf8_seq((const unsigned char *)p, (size_t)(r->end - p));
        if (!k) return jfail(r, p, "bytes that are not UTF-8");
        p += k;
    }
    if (p >= r->end) return jfail(r, r->p - 1, "an unterminated string");
    nd->s = r->p;
    nd->n = (size_t)(p - r->p);
    r->p = p + 1;
    return 0;
}

static int jnumber(jreader *r, jnode *nd)
{
    const char *p = r->p, *e = r->end;
    if (p < e && *p == '-') p++;
    if (p >= e || *p < '0' || *p > '9') return jfail(r, r->p, "a bad number");
    if (*p == '0')
        p++;
    else
        while (p < e && *p >= '0' && *p <= '9') p++;
    if (p < e && *p == '.') {
        if (++p >= e || *p < '0' || *p > '9') return jfail(r, p, "a bad number");
        while (p < e && *p >= '0' && *p <= '9') p++;
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < e && (*p == '+' || *p == '-')) p++;
        if (p >= e || *p < '0' || *p > '9') return jfail(r, p, "a bad number");
        while (p < e && *p >= '0' && *p <= '9') p++;
    }
    nd->kind = J_NUM;
    nd->s = r->p;
    nd->n = (size_t)(p - r->p);
    r->p = p;
    return 0;
}

static int jvalue(jreader *r, jnode *nd, int depth);

/* Elements or members of a container, collected in a growable array then moved to the arena. */
static int jcontainer(jreader *r, jnode *nd, int depth)
{
    int obj = *r->p == '{';
    char close = obj ? '}' : ']';
    nd->kind = obj ? J_OBJ : J_ARR;
    if (depth >= JSON_MAX_DEPTH) return jfail(r, r->p, "nesting deeper than 512 levels");
    r->p++;
    size_t cap = 8, n = 0;
    jnode *kids = sl_malloc(cap * sizeof *kids);
    jws(r);
    if (r->p < r->end && *r->p == close) {
        r->p++;
        goto done;
    }
    for (;;) {
        if (n + 2 > cap) kids = sl_realloc(kids, (cap *= 2) * sizeof *kids);
        jws(r);
        if (obj) {
            if (r->p >= r->end || *r->p != '"') {
                sl_free(kids);
                return jfail(r, r->p, "a member name was expected");
            }
            memset(&kids[n], 0, sizeof kids[n]);
            if (jstring(r, &kids[n])) goto fail;
            n++;
            jws(r);
            if (r->p >= r->end || *r->p != ':') {
                sl_free(kids);
                return jfail(r, r->p, "':' was expected");
            }
            r->p++;
        }
        if (jvalue(r, &kids[n], depth + 1)) goto fail;
        n++;
        jws(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        if (r->p < r->end && *r->p == close) {
            r->p++;
            break;
        }
        sl_free(kids);
        return jfail(r, r->p, obj ? "',' or '}' was expected" : "',' or ']' was expected");
    }
done:
    nd->nkids = n;
    nd->kids = n ? sl_arena_memdup(r->ar, kids, n * sizeof *kids) : NULL;
    sl_free(kids);
    return 0;
fail:
    sl_free(kids);
    return -1;
}

static int jlit(jreader *r, jnode *nd, const char *w, int kind)
{
    size_t n = strlen(w);
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, w, n) != 0)
        return jfail(r, r->p, "an unexpected character");
    nd->kind = kind;
    r->p += n;
    return 0;
}

static int jvalue(jreader *r, jnode *nd, int depth)
{
    memset(nd, 0, sizeof *nd);
    jws(r);
    if (r->p >= r->end) return jfail(r, r->p, "the text ended where a value was expected");
    switch (*r->p) {
    case '{':
    case '[': return jcontainer(r, nd, depth);
    case '"': return jstring(r, nd);
    case 't': return jlit(r, nd, "true", J_TRUE);
    case 'f': return jlit(r, nd, "false", J_FALSE);
    case 'n': return jlit(r, nd, "null", J_NULL);
    default:
        if (*r->p == '-' || (*r->p >= '0' && *r->p <= '9')) return jnumber(r, nd);
        return jfail(r, r->p, "an unexpected character");
    }
}

/* Parse s[0..n) as exactly one JSON value. 0, or -1 with r->why and r->at set. */
static int json_parse(const char *s, size_t n, sl_arena *ar, jnode *root, jreader *r)
{
    r->base = r->p = s;
    r->end = s + n;
    r->ar = ar;
    if (jvalue(r, root, 0)) return -1;
    jws(r);
    if (r->p != r->end) return jfail(r, r->p, "text after the JSON value");
    return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) return o[0] = (char)cp, 1;
    if (cp < 0x800) return o[0] = (char)(0xC0 | cp >> 6), o[1] = (char)(0x80 | (cp & 0x3F)), 2;
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | cp >> 12);
        o[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | cp >> 18);
    o[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    o[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* The text of a checked J_STR node, unescaped into ar when needed. */
static void jstr_text(sl_arena *ar, const jnode *nd, const char **s, size_t *n)
{
    if (!nd->esc) {
        *s = nd->s;
        *n = nd->n;
        return;
    }
    char *o = sl_arena_alloc(ar, nd->n + 1), *q = o;
    for (const char *p = nd->s, *e = nd->s + nd->n; p < e;) {
        if (*p != '\\') {
            *q++ = *p++;
            continue;
        }
        char c = p[1];
        p += 2;
        switch (c) {
        case 'b': *q++ = '\b'; break;
        case 'f': *q++ = '\f'; break;
        case 'n': *q++ = '\n'; break;
        case 'r': *q++ = '\r'; break;
        case 't': *q++ = '\t'; break;
        case 'u': {
            unsigned cp = 0, lo = 0xDC00; /* checked already: hex4 cannot fail here */
            hex4(p, e, &cp);
            p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                hex4(p + 2, e, &lo);
                p += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            q += put_utf8(q, cp);
            break;
        }
        default: *q++ = c; break;
        }
    }
    *s = o;
    *n = (size_t)(q - o);
}

typedef struct jmember {
    const char *name;
    size_t n;
    const jnode *val;
    size_t order;
} jmember;

static int member_cmp(const void *a, const void *b)
{
    const jmember *x = a, *y = b;
    if (x->n != y->n) return x->n < y->n ? -1 : 1;
    int c = memcmp(x->name, y->name, x->n);
    if (c) return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Compact canonical JSON of nd: no blanks, members by name length then bytes, last duplicate
** wins, strings re-escaped, numbers as written. */
static void json_write(sl_buf *b, const jnode *nd, sl_arena *ar)
{
    switch (nd->kind) {
    case J_NULL: sl_buf_puts(b, "null"); return;
    case J_TRUE: sl_buf_puts(b, "true"); return;
    case J_FALSE: sl_buf_puts(b, "false"); return;
    case J_NUM: sl_buf_append(b, nd->s, nd->n); return;
    case J_STR: {
        const char *s;
        size_t n;
        jstr_text(ar, nd, &s, &n);
        sl_fmt_json_quote(b, s, n);
        return;
    }
    case J_ARR:
        sl_buf_putc(b, '[');
        for (size_t i = 0; i < nd->nkids; i++) {
            if (i) sl_buf_putc(b, ',');
            json_write(b, &nd->kids[i], ar);
        }
        sl_buf_putc(b, ']');
        return;
    default: {
        size_t m = nd->nkids / 2;
        jmember *ms = m ? sl_malloc(m * sizeof *ms) : NULL;
        for (size_t i = 0; i < m; i++) {
            jstr_text(ar, &nd->kids[2 * i], &ms[i].name, &ms[i].n);
            ms[i].val = &nd->kids[2 * i + 1];
            ms[i].order = i;
        }
        if (m > 1) qsort(ms, m, sizeof *ms, member_cmp);
        sl_buf_putc(b, '{');
        int first = 1;
        for (size_t i = 0; i < m; i++) {
            if (i + 1 < m && ms[i + 1].n == ms[i].n && !memcmp(ms[i + 1].name, ms[i].name, ms[i].n))
                continue; /* a later duplicate follows */
            if (!first) sl_buf_putc(b, ',');
            first = 0;
            sl_fmt_json_quote(b, ms[i].name, ms[i].n);
            sl_buf_putc(b, ':');
            json_write(b, ms[i].val, ar);
        }
        sl_buf_putc(b, '}');
        sl_free(ms);
        return;
    }
    }
}

/* ---- text to a column type ----------------------------------------------------------------- */

/* 1..4 for TINYINT..BIGINT, 0 for other types. */
static int mc_int_rank(int id)
{
    switch (id) {
    case SL_MC_TINYINT: return 1;
    case SL_MC_SMALLINT: return 2;
    case SL_MC_INT: return 3;
    case SL_MC_BIGINT: return 4;
    default: return 0;
    }
}

/* Types text_value can fill: every simple type (the ids before the interval types). */
static int text_fillable(int id)
{
    return id >= SL_MC_BIGINT && id < SL_MC_INTERVAL_YEAR_MONTH;
}

/* yyyy-MM-dd HH:mm:ss[.fraction]: local seconds and nanos. */
static int parse_local_ts(const char *s, size_t n, int64_t *local, uint32_t *nanos)
{
    const char *sp = memchr(s, ' ', n);
    int64_t days, nod;
    if (!sp || sl_fmt_parse_iso_date(s, (size_t)(sp - s), &days) ||
        sl_fmt_parse_time(sp + 1, n - (size_t)(sp - s) - 1, 1, &nod))
        return -1;
    *local = days * 86400 + nod / NANOS;
    *nanos = (uint32_t)(nod % NANOS);
    return 0;
}

/*
** Convert text s[0..n) (valid UTF-8 unless the column is BINARY) for a column of type t. Returns
** 0, or -1 with *why set (a static explanation that completes "... is not a <TYPE>"
** or starts with ':'), ar for JSON checking.
*/
static int text_value(const sl_mc_type *t, const sl_mc_tz *tz, const char *s, size_t n,
                      sl_arena *ar, sl_value *out, const char **why, sl_buf *detail)
{
    *why = NULL;
    switch (t->id) {
    case SL_MC_STRING: *out = sl_string(s, n); return 0;
    case SL_MC_BINARY: *out = sl_bytes(s, n); return 0;
    case SL_MC_CHAR:
    case SL_MC_VARCHAR: {
        int64_t chars = sl_utf8_count(s, n);
        if (chars > t->length) {
            sl_buf_printf(detail, ": %lld characters, more than %d", (long long)chars, t->length);
            *why = "";
            return -1;
        }
        *out = sl_string(s, n);
        return 0;
    }
    case SL_MC_JSON: {
        jreader r;
        jnode root;
        if (json_parse(s, n, ar, &root, &r)) {
            sl_buf_printf(detail, ": %s at byte %zu", r.why, r.at);
            *why = "";
            return -1;
        }
        *out = sl_string(s, n);
        return 0;
    }
    case SL_MC_BIGINT:
    case SL_MC_INT:
    case SL_MC_SMALLINT:
    case SL_MC_TINYINT: {
        int64_t lo, hi, v;
        sl_fmt_int_range(SL_TYPE_TINYINT + mc_int_rank(t->id) - 1, &lo, &hi);
        int rc = sl_fmt_parse_java_long(s, n, lo, hi, &v);
        if (rc == -2) *why = ": out of range";
        if (rc) return -1;
        *out = sl_int(v);
        return 0;
    }
    case SL_MC_DOUBLE:
    case SL_MC_FLOAT: {
        double d;
        if (n == 3 && !memcmp(s, "nan", 3))
            d = NAN;
        else if (n == 3 && !memcmp(s, "inf", 3))
            d = INFINITY;
        else if (n == 4 && !memcmp(s, "-inf", 4))
            d = -INFINITY;
        else if (t->id == SL_MC_DOUBLE) {
            if (sl_fmt_parse_java_double(s, n, &d)) return -1;
        } else {
            float f;
            if (sl_fmt_parse_java_float(s, n, &f)) return -1;
            d = f;
        }
        *out = sl_double(d);
        return 0;
    }
    case SL_MC_DECIMAL: {
        int p = t->precision ? t->precision : 38, sc = t->precision ? t->scale : 18;
        __int128 u;
        int rc = sl_fmt_parse_decimal(s, n, p, sc, &u);
        if (rc == -2) {
            sl_buf_printf(detail, ": more than %d digits (%d after the point)", p, sc);
            *why = "";
        }
        if (rc) return -1;
        *out = sl_decimal(ar, u, sc);
        return 0;
    }
    case SL_MC_BOOLEAN:
        if (n == 4 && sl_strncaseeq(s, "true", 4))
            *out = sl_bool(1);
        else if (n == 5 && sl_strncaseeq(s, "false", 5))
            *out = sl_bool(0);
        else {
            *why = ": expected true or false";
            return -1;
        }
        return 0;
    case SL_MC_DATE: {
        int64_t days;
        if (sl_fmt_parse_iso_date(s, n, &days)) {
            *why = ": expected yyyy-MM-dd";
            return -1;
        }
        *out = sl_date(days);
        return 0;
    }
    case SL_MC_DATETIME:
    case SL_MC_TIMESTAMP:
    case SL_MC_TIMESTAMP_NTZ: {
        int64_t local;
        uint32_t nanos;
        int dt = t->id == SL_MC_DATETIME;
        if (parse_local_ts(s, n, &local, &nanos) || (dt && nanos % 1000000)) {
            *why = dt ? ": expected yyyy-MM-dd HH:mm:ss[.SSS]"
                      : ": expected yyyy-MM-dd HH:mm:ss[.fraction]";
            return -1;
        }
        int64_t sec = t->id == SL_MC_TIMESTAMP_NTZ ? local : sl_mc_tz_from_local(tz, local);
        *out = sl_timestamp(sec, nanos);
        return 0;
    }
    default: *why = ": the column type cannot be read from text"; return -1;
    }
}

/* ---- Kafka records ------------------------------------------------------------------------- */

enum { FIX_TOPIC, FIX_PARTITION, FIX_OFFSET, FIX_INSERT_TIME, FIX_KEY, FIX_VALUE, FIX_COUNT };
static const char *const fixed_names[FIX_COUNT] = {"topic",       "partition", "offset",
                                                   "insert_time", "key",       "value"};

typedef struct namecol {
    const char *lower; /* lower-case column name */
    size_t n;
    int col;
} namecol;

struct sl_mc_record_conv {
    int format, mode;
    const sl_mc_schema *cols;
    const sl_mc_tz *tz;
    const char *table;
    int fixed[FIX_COUNT]; /* column index or -1 */
    int *user;            /* CSV: the columns the fields fill */
    int nuser;
    namecol *byname; /* FLATTEN: columns sorted by lower-case name */
};

static int namecol_cmp(const void *a, const void *b)
{
    const namecol *x = a, *y = b;
    int c = memcmp(x->lower, y->lower, SL_MIN(x->n, y->n));
    return c ? c : (x->n > y->n) - (x->n < y->n);
}

static int is_string_col(int id)
{
    return id == SL_MC_STRING || id == SL_MC_VARCHAR || id == SL_MC_CHAR;
}

static int startup_fail(const sl_mc_record_conv *c, sl_err *err, const char *fmt, const char *a,
                        const char *b)
{
    char msg[512];
    snprintf(msg, sizeof msg, fmt, a, b);
    return sl_err_set(err, SL_DATA, "MaxCompute table %s, format %s, mode %s: %s", c->table,
                      fmt_names[c->format], mode_names[c->mode], msg);
}

static int check_fixed_type(sl_mc_record_conv *c, int f, sl_err *err)
{
    int col = c->fixed[f];
    if (col < 0) return SL_OK;
    const sl_mc_type *t = c->cols->cols[col].type;
    int ok;
    switch (f) {
    case FIX_TOPIC: ok = is_string_col(t->id); break;
    case FIX_PARTITION: ok = t->id == SL_MC_BIGINT || t->id == SL_MC_INT; break;
    case FIX_OFFSET: ok = t->id == SL_MC_BIGINT; break;
    case FIX_INSERT_TIME:
        ok = t->id == SL_MC_BIGINT || t->id == SL_MC_DATETIME || t->id == SL_MC_TIMESTAMP ||
             t->id == SL_MC_TIMESTAMP_NTZ;
        break;
    default:
        if (c->format == SL_MC_FMT_BINARY)
            ok = t->id == SL_MC_BINARY;
        else if (c->format == SL_MC_FMT_TEXT || c->format == SL_MC_FMT_JSON)
            ok = is_string_col(t->id) || t->id == SL_MC_JSON;
        else
            ok = 1;
        break;
    }
    if (ok) return SL_OK;
    static const char *const want[FIX_COUNT] = {
        "STRING", "BIGINT", "BIGINT", "BIGINT, DATETIME, TIMESTAMP or TIMESTAMP_NTZ", "", ""};
    const char *w = want[f];
    if (f >= FIX_KEY)
        w = c->format == SL_MC_FMT_BINARY ? "BINARY" : "STRING, VARCHAR, CHAR or JSON";
    char tt[64];
    char name[96];
    snprintf(name, sizeof name, "column '%s' is %s", c->cols->cols[col].name,
             mc_type_text(tt, sizeof tt, t));
    return startup_fail(c, err, "%s; it must be %s", name, w);
}

int sl_mc_record_conv_new(sl_arena *ar, int format, int mode, const sl_mc_schema *cols,
                          const sl_mc_tz *tz, const char *table, sl_mc_record_conv **out,
                          sl_err *err)
{
    *out = NULL;
    sl_mc_record_conv *c = sl_arena_calloc(ar, sizeof *c);
    c->format = format;
    c->mode = mode;
    c->cols = cols;
    c->tz = tz;
    c->table = table ? table : "?";
    if (format < 0 || format > SL_MC_FMT_FLATTEN || mode < 0 || mode > SL_MC_MODE_VALUE)
        return sl_err_set(err, SL_MISUSE, "format %d / mode %d out of range", format, mode);
    if (mode == SL_MC_MODE_DEFAULT &&
        (format == SL_MC_FMT_CSV || format == SL_MC_FMT_JSON || format == SL_MC_FMT_FLATTEN))
        return startup_fail(c, err, "%s%s",
                            "mode DEFAULT is not supported with this format; use "
                            "mode KEY or VALUE",
                            "");
    for (int f = 0; f < FIX_COUNT; f++) {
        c->fixed[f] = find_col(cols, fixed_names[f]);
        for (int i = c->fixed[f] + 1; c->fixed[f] >= 0 && i < cols->ncol; i++)
            if (sl_strcaseeq(cols->cols[i].name, fixed_names[f]))
                return startup_fail(c, err, "two columns are named '%s'%s", fixed_names[f], "");
    }
    for (int f = FIX_TOPIC; f <= FIX_OFFSET; f++)
        if (c->fixed[f] < 0)
            return startup_fail(c, err,
                                "the table has no column '%s'%s; the connector writes "
                                "topic, partition and offset",
                                fixed_names[f], "");
    int need_key =
        format == SL_MC_FMT_TEXT || format == SL_MC_FMT_BINARY || format == SL_MC_FMT_JSON;
    if (need_key) {
        if (mode != SL_MC_MODE_VALUE && c->fixed[FIX_KEY] < 0)
            return startup_fail(c, err, "the table has no column '%s'%s", "key", "");
        if (mode != SL_MC_MODE_KEY && c->fixed[FIX_VALUE] < 0)
            return startup_fail(c, err, "the table has no column '%s'%s", "value", "");
    }
    for (int f = 0; f < FIX_COUNT; f++) {
        if (f >= FIX_KEY &&
            (!need_key || mode == (f == FIX_KEY ? SL_MC_MODE_VALUE : SL_MC_MODE_KEY)))
            continue;
        if (check_fixed_type(c, f, err)) return err->code;
    }
    if (format == SL_MC_FMT_CSV || format == SL_MC_FMT_FLATTEN) {
        c->user = sl_arena_alloc(ar, sizeof *c->user * (size_t)(cols->ncol + 1));
        c->byname = sl_arena_alloc(ar, sizeof *c->byname * (size_t)(cols->ncol + 1));
        for (int i = 0; i < cols->ncol; i++) {
            if (i == c->fixed[FIX_TOPIC] || i == c->fixed[FIX_PARTITION] ||
                i == c->fixed[FIX_OFFSET] || i == c->fixed[FIX_INSERT_TIME])
                continue;
            const sl_mc_type *t = cols->cols[i].type;
            if (!text_fillable(t->id)) {
                char tt[64];
                return startup_fail(c, err,
                                    "column '%s' is %s, a type that cannot be read from "
                                    "text",
                                    cols->cols[i].name, mc_type_text(tt, sizeof tt, t));
            }
            namecol *nc = &c->byname[c->nuser];
            nc->n = strlen(cols->cols[i].name);
            char *lower = sl_arena_strdup(ar, cols->cols[i].name);
            for (char *q = lower; *q; q++)
                if (*q >= 'A' && *q <= 'Z') *q += 32;
            nc->lower = lower;
            nc->col = i;
            c->user[c->nuser++] = i;
        }
        qsort(c->byname, (size_t)c->nuser, sizeof *c->byname, namecol_cmp);
        if (format == SL_MC_FMT_CSV && c->nuser == 0)
            return startup_fail(c, err, "the table has no column for CSV fields%s%s", "", "");
    }
    *out = c;
    return SL_OK;
}

/* The failing value for messages: a snippet, with "..." past SNIPPET bytes. */
static void snippet(sl_buf *b, const char *s, size_t n)
{
    sl_buf_putc(b, '\'');
    sl_fmt_snippet(b, s, n, SNIPPET);
    sl_buf_putc(b, '\'');
}

/* Record-level error: "topic/partition@offset: <message>". */
static int rec_fail(const sl_mc_kafka_record *rec, sl_err *err, const char *fmt, ...)
    SL_PRINTF(3, 4);
static int rec_fail(const sl_mc_kafka_record *rec, sl_err *err, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return sl_err_set(err, SL_DATA, "Kafka record %.*s/%d@%lld: %s",
                      (int)SL_MIN(rec->topic_len, 200), rec->topic ? rec->topic : "",
                      (int)rec->partition, (long long)rec->offset, msg);
}

/* Fill column col from text; `where` says where the text came from ("CSV field 2"). */
static int fill_text(const sl_mc_record_conv *c, const sl_mc_kafka_record *rec, int col,
                     const char *where, const char *s, size_t n, sl_arena *ar, sl_value *row,
                     sl_err *err)
{
    const sl_mc_type *t = c->cols->cols[col].type;
    const char *why;
    sl_buf detail = SL_BUF_INIT;
    if (text_value(t, c->tz, s, n, ar, &row[col], &why, &detail) == 0) return SL_OK;
    char tt[64];
    sl_buf b = SL_BUF_INIT;
    snippet(&b, s, n);
    int rc = rec_fail(rec, err, "column '%s' (%s), %s: %s is not a valid %s%s%s",
                      c->cols->cols[col].name, mc_type_text(tt, sizeof tt, t), where, b.p, tt,
                      why ? why : "", detail.p ? detail.p : "");
    sl_buf_free(&b);
    sl_buf_free(&detail);
    return rc;
}

static int check_utf8(const sl_mc_kafka_record *rec, const char *what, const char *s, size_t n,
                      sl_err *err)
{
    size_t bad = sl_fmt_utf8_check(s, n);
    if (bad == n) return SL_OK;
    return rec_fail(rec, err, "%s is not valid UTF-8 text (byte %zu is 0x%02x)", what, bad,
                    (unsigned char)s[bad]);
}

/* ---- CSV ----------------------------------------------------------------------------------- */

typedef struct csvfield {
    const char *s;
    size_t n;
    int quoted;
} csvfield;

static int is_blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

/* Split one CSV line into fields (in a malloc'd array *out, caller frees). 0 or -1 with *why. */
static int csv_split(const char *s, size_t n, sl_arena *ar, csvfield **out, size_t *nout, char *why,
                     size_t whycap)
{
    size_t cap = 16, nf = 0, i = 0;
    csvfield *fs = sl_malloc(cap * sizeof *fs);
    if (n > 0 && s[n - 1] == '\n') n--;
    if (n > 0 && s[n - 1] == '\r') n--;
    int blank = 1;
    for (size_t k = 0; k < n && blank; k++) blank = is_blank(s[k]);
    if (blank) {
        snprintf(why, whycap, "the CSV text is empty");
        goto fail;
    }
    for (;;) {
        if (nf == cap) fs = sl_realloc(fs, (cap *= 2) * sizeof *fs);
        while (i < n && is_blank(s[i])) i++;
        csvfield *f = &fs[nf++];
        if (i < n && s[i] == '"') {
            size_t open = i++, start = i, dq = 0;
            for (;;) {
                if (i >= n) {
                    snprintf(why, whycap, "field %zu: the quote opened at byte %zu is not closed",
                             nf, open);
                    goto fail;
                }
                if (s[i] == '"') {
                    if (i + 1 < n && s[i + 1] == '"') {
                        dq++;
                        i += 2;
                        continue;
                    }
                    break;
                }
                i++;
            }
            f->quoted = 1;
            f->n = i - start - dq;
            if (dq) {
                char *o = sl_arena_alloc(ar, f->n + 1);
                for (size_t k = start, m = 0; k < i; k++) {
                    o[m++] = s[k];
                    if (s[k] == '"') k++;
                }
                f->s = o;
            } else {
                f->s = s + start;
            }
            i++;
            while (i < n && is_blank(s[i])) i++;
            if (i < n && s[i] != ',') {
                if (s[i] == '\r' || s[i] == '\n') {
                    snprintf(why, whycap,
                             "the CSV text has more than one line (line break at "
                             "byte %zu)",
                             i);
                } else {
                    snprintf(why, whycap,
                             "field %zu: unexpected character at byte %zu after "
                             "the closing quote",
                             nf, i);
                }
                goto fail;
            }
        } else {
            size_t start = i;
            while (i < n && s[i] != ',' && s[i] != '\r' && s[i] != '\n') i++;
            if (i < n && s[i] != ',') {
                snprintf(why, whycap,
                         "the CSV text has more than one line (line break at byte %zu)", i);
                goto fail;
            }
            size_t e = i;
            while (e > start && is_blank(s[e - 1])) e--;
            f->s = s + start;
            f->n = e - start;
            f->quoted = 0;
        }
        if (i >= n) break;
        i++; /* the comma */
    }
    *out = fs;
    *nout = nf;
    return 0;
fail:
    sl_free(fs);
    return -1;
}

static int convert_csv(const sl_mc_record_conv *c, const sl_mc_kafka_record *rec, const char *what,
                       const char *s, size_t n, sl_arena *ar, sl_value *row, sl_err *err)
{
    csvfield *fs;
    size_t nf;
    char why[256];
    if (csv_split(s, n, ar, &fs, &nf, why, sizeof why))
        return rec_fail(rec, err, "%s: %s", what, why);
    if (nf != (size_t)c->nuser) {
        sl_buf cols = SL_BUF_INIT;
        for (int i = 0; i < c->nuser && i < 8; i++)
            sl_buf_printf(&cols, "%s%s", i ? ", " : "", c->cols->cols[c->user[i]].name);
        if (c->nuser > 8) sl_buf_puts(&cols, ", ...");
        int rc = rec_fail(rec, err,
                          "%s: the CSV line has %zu field%s but table %s has %d column%s "
                          "to fill (%s)",
                          what, nf, nf == 1 ? "" : "s", c->table, c->nuser,
                          c->nuser == 1 ? "" : "s", cols.p);
        sl_buf_free(&cols);
        sl_free(fs);
        return rc;
    }
    int rc = SL_OK;
    for (size_t i = 0; i < nf && rc == SL_OK; i++) {
        int col = c->user[i];
        if (!fs[i].quoted && fs[i].n == 2 && fs[i].s[0] == '\\' && fs[i].s[1] == 'N') {
            row[col] = sl_null();
            continue;
        }
        char where[32];
        snprintf(where, sizeof where, "CSV field %zu", i + 1);
        rc = fill_text(c, rec, col, where, fs[i].s, fs[i].n, ar, row, err);
    }
    sl_free(fs);
    return rc;
}

/* ---- FLATTEN ------------------------------------------------------------------------------- */

static int lookup_name(const sl_mc_record_conv *c, const char *name, size_t n)
{
    char buf[256];
    if (n >= sizeof buf) return -1;
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
    namecol key = {buf, n, 0};
    namecol *hit = bsearch(&key, c->byname, (size_t)c->nuser, sizeof key, namecol_cmp);
    return hit ? hit->col : -1;
}

static int convert_flatten(const sl_mc_record_conv *c, const sl_mc_kafka_record *rec,
                           const char *what, const char *s, size_t n, sl_arena *ar, sl_value *row,
                           sl_err *err)
{
    jreader r;
    jnode root;
    if (json_parse(s, n, ar, &root, &r))
        return rec_fail(rec, err, "%s is not JSON: %s at byte %zu", what, r.why, r.at);
    if (root.kind != J_OBJ) return rec_fail(rec, err, "%s is not a JSON object", what);
    for (size_t i = 0; i + 1 < root.nkids; i += 2) {
        const char *name;
        size_t nn;
        jstr_text(ar, &root.kids[i], &name, &nn);
        const jnode *v = &root.kids[i + 1];
        int col = lookup_name(c, name, nn);
        if (col < 0) {
            sl_buf b = SL_BUF_INIT;
            snippet(&b, name, nn);
            int fixed = 0;
            for (int f = FIX_TOPIC; f <= FIX_INSERT_TIME; f++)
                fixed |= nn == strlen(fixed_names[f]) && sl_strncaseeq(name, fixed_names[f], nn);
            int rc = fixed ? rec_fail(rec, err,
                                      "%s: member %s names a column the connector fills "
                                      "from the Kafka record",
                                      what, b.p)
                           : rec_fail(rec, err, "%s: member %s is not a column of table %s", what,
                                      b.p, c->table);
            sl_buf_free(&b);
            return rc;
        }
        char where[300];
        snprintf(where, sizeof where, "JSON member '%.*s'", (int)SL_MIN(nn, 200), name);
        const char *ts;
        size_t tn;
        sl_buf nested = SL_BUF_INIT;
        switch (v->kind) {
        case J_NULL: row[col] = sl_null(); continue;
        case J_TRUE: ts = "true", tn = 4; break;
        case J_FALSE: ts = "false", tn = 5; break;
        case J_NUM: ts = v->s, tn = v->n; break;
        case J_STR: jstr_text(ar, v, &ts, &tn); break;
        default:
            json_write(&nested, v, ar);
            ts = sl_arena_memdup(ar, nested.p, nested.n);
            tn = nested.n;
            break;
        }
        sl_buf_free(&nested);
        if (fill_text(c, rec, col, where, ts, tn, ar, row, err)) return err->code;
    }
    return SL_OK;
}

/* ---- records ------------------------------------------------------------------------------- */

static int fill_fixed(const sl_mc_record_conv *c, const sl_mc_kafka_record *rec, sl_value *row)
{
    row[c->fixed[FIX_TOPIC]] =
        sl_string(rec->topic ? rec->topic : "", rec->topic ? rec->topic_len : 0);
    row[c->fixed[FIX_PARTITION]] = sl_int(rec->partition);
    row[c->fixed[FIX_OFFSET]] = sl_int(rec->offset);
    int it = c->fixed[FIX_INSERT_TIME];
    if (it >= 0 && rec->has_timestamp) {
        int64_t ms = rec->timestamp_ms;
        int64_t sec = sl_floordiv(ms, 1000);
        uint32_t nanos = (uint32_t)sl_floormod(ms, 1000) * 1000000u;
        switch (c->cols->cols[it].type->id) {
        case SL_MC_BIGINT: row[it] = sl_int(ms); break;
        case SL_MC_TIMESTAMP_NTZ:
            row[it] = sl_timestamp(sec + sl_mc_tz_offset(c->tz, sec), nanos);
            break;
        default: row[it] = sl_timestamp(sec, nanos); break;
        }
    }
    return SL_OK;
}

int sl_mc_record_convert(const sl_mc_record_conv *c, const sl_mc_kafka_record *rec, sl_arena *ar,
                         sl_value *row, sl_err *err)
{
    for (int i = 0; i < c->cols->ncol; i++) row[i] = sl_null();
    if (rec->key_len > INT32_MAX || rec->value_len > INT32_MAX || rec->topic_len > INT32_MAX)
        return rec_fail(rec, err, "the record is larger than 2 GiB");
    fill_fixed(c, rec, row);
    for (int k = 0; k < 2; k++) {
        int is_key = k == 0;
        if (c->mode == (is_key ? SL_MC_MODE_VALUE : SL_MC_MODE_KEY)) continue;
        const char *s = is_key ? rec->key : rec->value;
        size_t n = is_key ? rec->key_len : rec->value_len;
        const char *what = is_key ? "the key" : "the value";
        int col = c->fixed[is_key ? FIX_KEY : FIX_VALUE];
        if (!s) {
            if (c->format == SL_MC_FMT_CSV)
                return rec_fail(rec, err, "%s is NULL; format CSV with mode %s needs text", what,
                                mode_names[c->mode]);
            continue;
        }
        if (c->format == SL_MC_FMT_BINARY) {
            row[col] = sl_bytes(s, n);
            continue;
        }
        if (check_utf8(rec, what, s, n, err)) return err->code;
        int rc;
        switch (c->format) {
        case SL_MC_FMT_CSV: rc = convert_csv(c, rec, what, s, n, ar, row, err); break;
        case SL_MC_FMT_FLATTEN: rc = convert_flatten(c, rec, what, s, n, ar, row, err); break;
        case SL_MC_FMT_JSON: {
            jreader r;
            jnode root;
            if (json_parse(s, n, ar, &root, &r))
                return rec_fail(rec, err, "%s is not JSON: %s at byte %zu", what, r.why, r.at);
            row[col] = sl_string(s, n);
            rc = SL_OK;
            break;
        }
        default: rc = fill_text(c, rec, col, what, s, n, ar, row, err); break;
        }
        if (rc) return rc;
    }
    return SL_OK;
}

/* ---- SQL rows ------------------------------------------------------------------------------ */

enum {
    OP_COPY, /* the value as it is */
    OP_INT_TO_DOUBLE,
    OP_TO_DECIMAL,       /* integer or decimal to the column's scale (exact: checked at start-up) */
    OP_STR_LEN,          /* CHAR(n)/VARCHAR(n): length checked */
    OP_STR_JSON,         /* JSON: text checked */
    OP_LOCAL_TO_INSTANT, /* sluice TIMESTAMP (wall clock) to an instant in time_zone */
    OP_INSTANT_TO_LOCAL, /* TIMESTAMP_LTZ to its wall clock in time_zone */
    OP_TO_STRING,        /* CAST(x AS STRING) */
    OP_ARRAY,
    OP_MAP,
    OP_ROW
};

typedef struct rconv {
    int op;
    const sl_type *from;
    const sl_mc_type *to;
    struct rconv *kids; /* ARRAY: [elem]; MAP: [key, value]; ROW: one per field */
    int nkids;
} rconv;

struct sl_mc_row_conv {
    const sl_mc_schema *cols;
    const sl_mc_tz *tz;
    int *src;    /* per data column: SQL column index or -1 */
    rconv *conv; /* per data column */
    const char *const *sql_names;
};

static int int_digits(int id)
{
    switch (id) {
    case SL_TYPE_TINYINT: return 3;
    case SL_TYPE_SMALLINT: return 5;
    case SL_TYPE_INT: return 10;
    default: return 19;
    }
}

static int sql_int_rank(int id)
{
    return id >= SL_TYPE_TINYINT && id <= SL_TYPE_BIGINT ? id - SL_TYPE_TINYINT + 1 : 0;
}

/* Build the conversion of `from` into `to`; 0, or -1 when the types are not compatible. */
static int plan_conv(sl_arena *ar, const sl_type *from, const sl_mc_type *to, rconv *rc)
{
    memset(rc, 0, sizeof *rc);
    rc->from = from;
    rc->to = to;
    int f = from->id, t = to->id;
    switch (f) {
    case SL_TYPE_BOOLEAN:
        if (t == SL_MC_BOOLEAN) return rc->op = OP_COPY, 0;
        break;
    case SL_TYPE_TINYINT:
    case SL_TYPE_SMALLINT:
    case SL_TYPE_INT:
    case SL_TYPE_BIGINT:
        if (mc_int_rank(t) && mc_int_rank(t) >= sql_int_rank(f)) return rc->op = OP_COPY, 0;
        if (t == SL_MC_DOUBLE && f != SL_TYPE_BIGINT) return rc->op = OP_INT_TO_DOUBLE, 0;
        if (t == SL_MC_DECIMAL && (!to->precision || to->precision - to->scale >= int_digits(f)))
            return rc->op = OP_TO_DECIMAL, 0;
        break;
    case SL_TYPE_FLOAT:
        if (t == SL_MC_FLOAT || t == SL_MC_DOUBLE) return rc->op = OP_COPY, 0;
        break;
    case SL_TYPE_DOUBLE:
        if (t == SL_MC_DOUBLE) return rc->op = OP_COPY, 0;
        break;
    case SL_TYPE_DECIMAL:
        if (t == SL_MC_DECIMAL && !to->precision) return rc->op = OP_COPY, 0;
        if (t == SL_MC_DECIMAL && to->scale >= from->scale &&
            to->precision - to->scale >= from->precision - from->scale)
            return rc->op = OP_TO_DECIMAL, 0;
        break;
    case SL_TYPE_CHAR:
    case SL_TYPE_VARCHAR:
        if (t == SL_MC_STRING) return rc->op = OP_COPY, 0;
        if (t == SL_MC_CHAR || t == SL_MC_VARCHAR) return rc->op = OP_STR_LEN, 0;
        if (t == SL_MC_JSON) return rc->op = OP_STR_JSON, 0;
        break;
    case SL_TYPE_BINARY:
    case SL_TYPE_VARBINARY:
        if (t == SL_MC_BINARY) return rc->op = OP_COPY, 0;
        return -1;
    case SL_TYPE_DATE:
        if (t == SL_MC_DATE) return rc->op = OP_COPY, 0;
        break;
    case SL_TYPE_TIMESTAMP:
        if (t == SL_MC_TIMESTAMP_NTZ) return rc->op = OP_COPY, 0;
        if (t == SL_MC_TIMESTAMP || t == SL_MC_DATETIME) return rc->op = OP_LOCAL_TO_INSTANT, 0;
        break;
    case SL_TYPE_TIMESTAMP_LTZ:
        if (t == SL_MC_TIMESTAMP || t == SL_MC_DATETIME) return rc->op = OP_COPY, 0;
        if (t == SL_MC_TIMESTAMP_NTZ) return rc->op = OP_INSTANT_TO_LOCAL, 0;
        break;
    case SL_TYPE_ARRAY:
        if (t != SL_MC_ARRAY) return -1;
        rc->op = OP_ARRAY;
        rc->nkids = 1;
        rc->kids = sl_arena_alloc(ar, sizeof *rc->kids);
        return plan_conv(ar, from->elem, to->elem, &rc->kids[0]);
    case SL_TYPE_MAP:
        if (t != SL_MC_MAP) return -1;
        rc->op = OP_MAP;
        rc->nkids = 2;
        rc->kids = sl_arena_alloc(ar, 2 * sizeof *rc->kids);
        return plan_conv(ar, from->elem, to->elem, &rc->kids[0]) ||
                       plan_conv(ar, from->val, to->val, &rc->kids[1])
                   ? -1
                   : 0;
    case SL_TYPE_ROW:
        if (t != SL_MC_STRUCT || from->nfields != to->nfields) return -1;
        rc->op = OP_ROW;
        rc->nkids = from->nfields;
        rc->kids = sl_arena_alloc(ar, sizeof *rc->kids * (size_t)(from->nfields + 1));
        for (int i = 0; i < from->nfields; i++)
            if (plan_conv(ar, &from->fields[i].type, to->fields[i].type, &rc->kids[i])) return -1;
        return 0;
    default: return -1;
    }
    if (t == SL_MC_STRING) return rc->op = OP_TO_STRING, 0;
    return -1;
}

static void sql_type_text(char *out, size_t cap, const sl_type *t)
{
    sl_type u = *t;
    u.not_null = 0;
    sl_fmt_type_name(out, cap, &u);
}

int sl_mc_row_conv_new(sl_arena *ar, const sl_mc_sql_table *sql, const sl_mc_schema *data_cols,
                       const sl_mc_schema *part_cols, const sl_mc_tz *tz, const char *table,
                       sl_mc_row_conv **out, sl_err *err)
{
    *out = NULL;
    table = table ? table : "?";
    sl_mc_row_conv *c = sl_arena_calloc(ar, sizeof *c);
    c->cols = data_cols;
    c->tz = tz;
    c->sql_names = sql->names;
    c->src = sl_arena_alloc(ar, sizeof *c->src * (size_t)(data_cols->ncol + 1));
    c->conv = sl_arena_calloc(ar, sizeof *c->conv * (size_t)(data_cols->ncol + 1));
    for (int i = 0; i < data_cols->ncol; i++) c->src[i] = -1;
    for (int j = 0; j < sql->ncol; j++) {
        int col = find_col(data_cols, sql->names[j]);
        if (col < 0) {
            if (find_col(part_cols, sql->names[j]) >= 0) continue;
            sl_buf b = SL_BUF_INIT;
            for (int i = 0; i < data_cols->ncol; i++)
                sl_buf_printf(&b, "%s%s", i ? ", " : "", data_cols->cols[i].name);
            for (int i = 0; part_cols && i < part_cols->ncol; i++)
                sl_buf_printf(&b, ", %s (partition)", part_cols->cols[i].name);
            sl_err_set(err, SL_DATA,
                       "column '%s' of the sluice table does not exist in MaxCompute table %s "
                       "(its columns: %s)",
                       sql->names[j], table, b.p ? b.p : "none");
            sl_buf_free(&b);
            return SL_DATA;
        }
        if (c->src[col] >= 0)
            return sl_err_set(err, SL_DATA,
                              "columns '%s' and '%s' of the sluice table both map to column "
                              "'%s' of MaxCompute table %s",
                              sql->names[c->src[col]], sql->names[j], data_cols->cols[col].name,
                              table);
        if (plan_conv(ar, &sql->types[j], data_cols->cols[col].type, &c->conv[col])) {
            char a[128], b[128];
            sql_type_text(a, sizeof a, &sql->types[j]);
            mc_type_text(b, sizeof b, data_cols->cols[col].type);
            return sl_err_set(err, SL_DATA,
                              "column '%s' is %s in sluice but %s in MaxCompute table %s, and "
                              "sluice does not convert %s to %s",
                              sql->names[j], a, b, table, a, b);
        }
        c->src[col] = j;
    }
    *out = c;
    return SL_OK;
}

static int conv_value(const sl_mc_row_conv *c, const rconv *rc, const sl_value *v, sl_arena *ar,
                      sl_value *out, sl_buf *why)
{
    if (v->tag == SL_V_NULL) {
        *out = sl_null();
        return 0;
    }
    switch (rc->op) {
    case OP_COPY: *out = *v; return 0;
    case OP_INT_TO_DOUBLE: *out = sl_double((double)v->u.i); return 0;
    case OP_TO_DECIMAL: {
        int s = rc->to->precision ? rc->to->scale : 18;
        __int128 u = v->tag == SL_V_INT ? (__int128)v->u.i * sl_pow10_128(s)
                                        : sl_decimal_rescale(sl_decimal_unscaled(v), v->scale, s);
        *out = sl_decimal(ar, u, s);
        return 0;
    }
    case OP_STR_LEN:
    case OP_STR_JSON: {
        const char *w;
        if (text_value(rc->to, c->tz, v->u.z, v->n, ar, out, &w, why)) {
            if (w) sl_buf_puts(why, w);
            return -1;
        }
        return 0;
    }
    case OP_LOCAL_TO_INSTANT:
        *out = sl_timestamp(sl_mc_tz_from_local(c->tz, v->u.i), v->n);
        return 0;
    case OP_INSTANT_TO_LOCAL:
        *out = sl_timestamp(v->u.i + sl_mc_tz_offset(c->tz, v->u.i), v->n);
        return 0;
    case OP_TO_STRING: {
        sl_type st = sl_type_string();
        sl_err e = SL_ERR_INIT;
        if (sl_cast(v, rc->from, &st, 0, ar, out, &e)) {
            sl_buf_printf(why, ": %s", e.msg);
            return -1;
        }
        return 0;
    }
    default: {
        size_t n = v->tag == SL_V_MAP ? 2 * (size_t)v->n : v->n;
        sl_value *list = sl_arena_alloc(ar, sizeof *list * (n + 1));
        for (size_t i = 0; i < n; i++) {
            const rconv *k = rc->op == OP_ARRAY ? &rc->kids[0]
                             : rc->op == OP_MAP ? &rc->kids[i < v->n ? 0 : 1]
                                                : &rc->kids[i];
            if (conv_value(c, k, &v->u.list[i], ar, &list[i], why)) return -1;
        }
        *out = *v;
        out->u.list = list;
        return 0;
    }
    }
}

int sl_mc_row_convert(const sl_mc_row_conv *c, const sl_value *sql_row, sl_arena *ar, sl_value *row,
                      sl_err *err)
{
    for (int i = 0; i < c->cols->ncol; i++) {
        if (c->src[i] < 0) {
            row[i] = sl_null();
            continue;
        }
        sl_buf why = SL_BUF_INIT;
        if (conv_value(c, &c->conv[i], &sql_row[c->src[i]], ar, &row[i], &why)) {
            char tt[64];
            sl_err_set(err, SL_DATA, "column '%s': the value does not fit MaxCompute type %s%s",
                       c->cols->cols[i].name, mc_type_text(tt, sizeof tt, c->cols->cols[i].type),
                       why.p ? why.p : "");
            sl_buf_free(&why);
            return SL_DATA;
        }
        sl_buf_free(&why);
    }
    return SL_OK;
}

/* ---- partitions ---------------------------------------------------------------------------- */

int sl_mc_partitioning_new(sl_arena *ar, const sl_mc_schema *part_cols, const sl_mc_sql_table *sql,
                           const char *table, sl_mc_partitioning *out, sl_err *err)
{
    memset(out, 0, sizeof *out);
    table = table ? table : "?";
    int n = part_cols ? part_cols->ncol : 0;
    if (n == 0) return SL_OK;
    const char **names = sl_arena_alloc(ar, sizeof *names * (size_t)n);
    int *idx = sl_arena_alloc(ar, sizeof *idx * (size_t)n);
    int *int_col = sl_arena_alloc(ar, sizeof *int_col * (size_t)n);
    int supplied = 0;
    for (int i = 0; i < n; i++) {
        names[i] = part_cols->cols[i].name;
        idx[i] = -1;
        for (int j = 0; sql && j < sql->ncol; j++)
            if (sl_strcaseeq(sql->names[j], names[i])) idx[i] = j;
        int pt = part_cols->cols[i].type->id;
        int_col[i] = mc_int_rank(pt) != 0;
        if (!is_string_col(pt) && !mc_int_rank(pt)) {
            char tt[64];
            return sl_err_set(err, SL_DATA,
                              "partition column '%s' of MaxCompute table %s is %s; sluice writes "
                              "STRING, VARCHAR, CHAR and integer partition columns",
                              names[i], table,
                              mc_type_text(tt, sizeof tt, part_cols->cols[i].type));
        }
        if (idx[i] >= 0) {
            const sl_type *st = &sql->types[idx[i]];
            if (!sl_type_is_string(st) && !sl_type_is_integer(st)) {
                char a[64];
                sql_type_text(a, sizeof a, st);
                return sl_err_set(err, SL_DATA,
                                  "column '%s' is %s in sluice but a partition column of "
                                  "MaxCompute table %s, which takes text or integers",
                                  sql->names[idx[i]], a, table);
            }
            supplied++;
        }
    }
    out->n = n;
    out->names = names;
    out->sql_idx = idx;
    out->int_col = int_col;
    if (supplied == n) {
        out->kind = SL_MC_PART_ROW;
        return SL_OK;
    }
    if (n == 1 && supplied == 0) {
        if (!is_string_col(part_cols->cols[0].type->id)) {
            char tt[64];
            return sl_err_set(err, SL_DATA,
                              "partition column '%s' of MaxCompute table %s is %s; the "
                              "processing-time partition value needs a STRING column",
                              names[0], table,
                              mc_type_text(tt, sizeof tt, part_cols->cols[0].type));
        }
        out->kind = SL_MC_PART_TIME;
        return SL_OK;
    }
    sl_buf miss = SL_BUF_INIT;
    for (int i = 0; i < n; i++)
        if (idx[i] < 0) sl_buf_printf(&miss, "%s'%s'", miss.n ? ", " : "", names[i]);
    sl_err_set(err, SL_DATA,
               "MaxCompute table %s has %d partition columns; %s the values of %s, since only a "
               "single partition column can be filled from processing time",
               table, n,
               sql ? "the sluice table must supply" : "records in a `format` cannot supply",
               miss.p);
    sl_buf_free(&miss);
    return SL_DATA;
}

int sl_mc_partition_for(const sl_mc_partitioning *p, const sl_value *sql_row, int64_t now_ms,
                        int window, int new_format, const sl_mc_tz *tz, int quoted, sl_buf *b,
                        sl_err *err)
{
    if (p->kind == SL_MC_PART_NONE) return SL_OK;
    const char *vals[64];
    size_t lens[64];
    char nums[64][24];
    sl_buf tb = SL_BUF_INIT;
    int rc = SL_OK;
    if (p->n > 64) return sl_err_set(err, SL_DATA, "more than 64 partition columns");
    if (p->kind == SL_MC_PART_TIME) {
        sl_mc_pt_value(&tb, now_ms, window, new_format, tz);
        vals[0] = tb.p;
        lens[0] = tb.n;
    } else {
        for (int i = 0; i < p->n; i++) {
            const sl_value *v = &sql_row[p->sql_idx[i]];
            if (v->tag == SL_V_NULL) {
                rc = sl_err_set(err, SL_DATA, "partition column '%s' is NULL", p->names[i]);
                goto out;
            }
            if (v->tag == SL_V_INT) {
                snprintf(nums[i], sizeof nums[i], "%lld", (long long)v->u.i);
                vals[i] = nums[i];
                lens[i] = strlen(nums[i]);
            } else {
                int64_t x;
                vals[i] = v->u.z;
                lens[i] = v->n;
                if (p->int_col[i] &&
                    sl_fmt_parse_java_long(v->u.z, v->n, INT64_MIN, INT64_MAX, &x)) {
                    sl_buf sn = SL_BUF_INIT;
                    snippet(&sn, v->u.z, v->n);
                    rc = sl_err_set(err, SL_DATA, "partition column '%s' takes integers, not %s",
                                    p->names[i], sn.p);
                    sl_buf_free(&sn);
                    goto out;
                }
            }
        }
    }
    rc = sl_mc_partition_spec(b, p->names, vals, lens, p->n, quoted, err);
out:
    sl_buf_free(&tb);
    return rc;
}
