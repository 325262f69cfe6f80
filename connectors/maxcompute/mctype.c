/*
** connectors/maxcompute/mctype.c — parse and render MaxCompute type strings.
**
** The REST table schema and the Tunnel session JSON give every column type as text; the codec
** needs a tree it can walk per value. A small recursive-descent parser turns the text into
** sl_mc_type nodes in an arena. Its recursion, and therefore the codec's, is capped at
** SL_MC_MAX_TYPE_DEPTH so that a hostile schema string cannot exhaust the stack.
**
** SPDX-License-Identifier: MIT
*/
#include "connectors/maxcompute/mctype.h"

#include <stdio.h>

static const struct {
    const char *name;
    uint8_t id;
} type_names[] = {
    {"bigint", SL_MC_BIGINT},
    {"int", SL_MC_INT},
    {"smallint", SL_MC_SMALLINT},
    {"tinyint", SL_MC_TINYINT},
    {"double", SL_MC_DOUBLE},
    {"float", SL_MC_FLOAT},
    {"boolean", SL_MC_BOOLEAN},
    {"string", SL_MC_STRING},
    {"binary", SL_MC_BINARY},
    {"char", SL_MC_CHAR},
    {"varchar", SL_MC_VARCHAR},
    {"datetime", SL_MC_DATETIME},
    {"date", SL_MC_DATE},
    {"timestamp", SL_MC_TIMESTAMP},
    {"timestamp_ntz", SL_MC_TIMESTAMP_NTZ},
    {"decimal", SL_MC_DECIMAL},
    {"json", SL_MC_JSON},
    {"interval_year_month", SL_MC_INTERVAL_YEAR_MONTH},
    {"interval_day_time", SL_MC_INTERVAL_DAY_TIME},
    {"array", SL_MC_ARRAY},
    {"map", SL_MC_MAP},
    {"struct", SL_MC_STRUCT},
};

static uint8_t wire_of(int id)
{
    switch (id) {
    case SL_MC_BIGINT:
    case SL_MC_INT:
    case SL_MC_SMALLINT:
    case SL_MC_TINYINT:
    case SL_MC_BOOLEAN:
    case SL_MC_DATETIME:
    case SL_MC_DATE:
    case SL_MC_INTERVAL_YEAR_MONTH: return 0;
    case SL_MC_DOUBLE: return 1;
    case SL_MC_FLOAT: return 5;
    default: return 2; /* strings, decimal, json, and the unprefixed (!) kinds */
    }
}

const char *sl_mc_typeid_name(int id)
{
    for (size_t i = 0; i < SL_ARRAY_LEN(type_names); i++)
        if (type_names[i].id == id) return type_names[i].name;
    return "?";
}

/* Statically built simple types, indexed by id; the fourth field is the wire type. */
static const sl_mc_type simple_types[SL_MC__TYPE_COUNT] = {
    [SL_MC_BIGINT] = {SL_MC_BIGINT, 0, 0, 0, 0, NULL, NULL, NULL, 0},
    [SL_MC_INT] = {SL_MC_INT, 0, 0, 0, 0, NULL, NULL, NULL, 0},
    [SL_MC_SMALLINT] = {SL_MC_SMALLINT, 0, 0, 0, 0, NULL, NULL, NULL, 0},
    [SL_MC_TINYINT] = {SL_MC_TINYINT, 0, 0, 0, 0, NULL, NULL, NULL, 0},
    [SL_MC_DOUBLE] = {SL_MC_DOUBLE, 0, 0, 1, 0, NULL, NULL, NULL, 0},
    [SL_MC_FLOAT] = {SL_MC_FLOAT, 0, 0, 5, 0, NULL, NULL, NULL, 0},
    [SL_MC_BOOLEAN] = {SL_MC_BOOLEAN, 0, 0, 0, 0, NULL, NULL, NULL, 0},
    [SL_MC_STRING] = {SL_MC_STRING, 0, 0, 2, 0, NULL, NULL, NULL, 0},
    [SL_MC_BINARY] = {SL_MC_BINARY, 0, 0, 2, 0, NULL, NULL, NULL, 0},
    [SL_MC_DATETIME] = {SL_MC_DATETIME, 0, 0, 0, 0, NULL, NULL, NULL, 0},
    [SL_MC_DATE] = {SL_MC_DATE, 0, 0, 0, 0, NULL, NULL, NULL, 0},
    [SL_MC_TIMESTAMP] = {SL_MC_TIMESTAMP, 0, 0, 2, 0, NULL, NULL, NULL, 0},
    [SL_MC_TIMESTAMP_NTZ] = {SL_MC_TIMESTAMP_NTZ, 0, 0, 2, 0, NULL, NULL, NULL, 0},
    [SL_MC_DECIMAL] = {SL_MC_DECIMAL, 0, 0, 2, 0, NULL, NULL, NULL, 0},
    [SL_MC_JSON] = {SL_MC_JSON, 0, 0, 2, 0, NULL, NULL, NULL, 0},
    [SL_MC_INTERVAL_YEAR_MONTH] = {SL_MC_INTERVAL_YEAR_MONTH, 0, 0, 0, 0, NULL, NULL, NULL, 0},
    [SL_MC_INTERVAL_DAY_TIME] = {SL_MC_INTERVAL_DAY_TIME, 0, 0, 2, 0, NULL, NULL, NULL, 0},
};

const sl_mc_type *sl_mc_type_simple(int id)
{
    if (id <= 0 || id >= SL_MC__TYPE_COUNT || simple_types[id].id == 0) return NULL;
    return &simple_types[id];
}

/* ---- parser ------------------------------------------------------------------------------- */

typedef struct parser {
    const char *s;
    size_t n, i;
    sl_arena *ar;
    sl_err *err;
} parser;

static int fail(parser *ps, const char *what)
{
    return sl_err_set(ps->err, SL_DATA, "maxcompute type '%.*s': %s at offset %zu",
                      (int)SL_MIN(ps->n, 200), ps->s, what, ps->i);
}

static void skip_blank(parser *ps)
{
    while (ps->i < ps->n && (ps->s[ps->i] == ' ' || ps->s[ps->i] == '\t' || ps->s[ps->i] == '\n' ||
                             ps->s[ps->i] == '\r'))
        ps->i++;
}

static int is_ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '$';
}

/* Consume c (after blanks) if it is next; 1 when consumed. */
static int accept(parser *ps, char c)
{
    skip_blank(ps);
    if (ps->i < ps->n && ps->s[ps->i] == c) {
        ps->i++;
        return 1;
    }
    return 0;
}

static int expect(parser *ps, char c)
{
    if (accept(ps, c)) return SL_OK;
    char what[32];
    snprintf(what, sizeof what, "expected '%c'", c);
    return fail(ps, what);
}

static int parse_uint(parser *ps, int max, int *out)
{
    skip_blank(ps);
    size_t start = ps->i;
    long v = 0;
    while (ps->i < ps->n && ps->s[ps->i] >= '0' && ps->s[ps->i] <= '9') {
        v = v * 10 + (ps->s[ps->i] - '0');
        if (v > max) return fail(ps, "number out of range");
        ps->i++;
    }
    if (ps->i == start) return fail(ps, "expected a number");
    *out = (int)v;
    return SL_OK;
}

/* A struct field or column name: an identifier or a `backquoted` name (`` escapes a `). */
static int parse_name(parser *ps, const char **out)
{
    skip_blank(ps);
    if (ps->i < ps->n && ps->s[ps->i] == '`') {
        sl_buf b = SL_BUF_INIT;
        ps->i++;
        for (;;) {
            if (ps->i >= ps->n) {
                sl_buf_free(&b);
                return fail(ps, "unterminated `name`");
            }
            char c = ps->s[ps->i++];
            if (c == '`') {
                if (ps->i < ps->n && ps->s[ps->i] == '`') {
                    ps->i++;
                } else {
                    break;
                }
            }
            sl_buf_putc(&b, c);
        }
        *out = sl_arena_strndup(ps->ar, b.p ? b.p : "", b.n);
        sl_buf_free(&b);
        return SL_OK;
    }
    size_t start = ps->i;
    while (ps->i < ps->n && is_ident_char(ps->s[ps->i])) ps->i++;
    if (ps->i == start) return fail(ps, "expected a name");
    *out = sl_arena_strndup(ps->ar, ps->s + start, ps->i - start);
    return SL_OK;
}

static int parse_type(parser *ps, int depth, const sl_mc_type **out);

static int parse_struct_fields(parser *ps, int depth, sl_mc_type *t)
{
    /* Fields are collected in a temporary buffer, then copied into the arena in one piece. */
    sl_buf tmp = SL_BUF_INIT;
    int rc = SL_OK;
    do {
        sl_mc_field f;
        if ((rc = parse_name(ps, &f.name)) != SL_OK) break;
        accept(ps, ':');
        if ((rc = parse_type(ps, depth + 1, &f.type)) != SL_OK) break;
        sl_buf_append(&tmp, &f, sizeof f);
    } while (accept(ps, ','));
    if (rc == SL_OK) rc = expect(ps, '>');
    if (rc == SL_OK) {
        t->nfields = (int)(tmp.n / sizeof(sl_mc_field));
        t->fields = sl_arena_memdup(ps->ar, tmp.p, tmp.n);
    }
    sl_buf_free(&tmp);
    return rc;
}

static int parse_type(parser *ps, int depth, const sl_mc_type **out)
{
    if (depth >= SL_MC_MAX_TYPE_DEPTH) return fail(ps, "type nested too deeply");
    skip_blank(ps);
    size_t start = ps->i;
    while (ps->i < ps->n && is_ident_char(ps->s[ps->i])) ps->i++;
    size_t len = ps->i - start;
    int id = 0;
    for (size_t k = 0; k < SL_ARRAY_LEN(type_names); k++) {
        if (strlen(type_names[k].name) == len &&
            sl_strncaseeq(type_names[k].name, ps->s + start, len)) {
            id = type_names[k].id;
            break;
        }
    }
    if (id == 0) {
        ps->i = start;
        return fail(ps, len ? "unknown type" : "expected a type");
    }
    sl_mc_type *t = sl_arena_calloc(ps->ar, sizeof *t);
    t->id = (uint8_t)id;
    t->wire = wire_of(id);
    int rc = SL_OK;
    switch (id) {
    case SL_MC_DECIMAL:
        if (accept(ps, '(')) {
            int p = 0, s = 0;
            if ((rc = parse_uint(ps, 38, &p)) != SL_OK) return rc;
            if (p < 1) return fail(ps, "decimal precision must be 1 to 38");
            if (accept(ps, ',') && (rc = parse_uint(ps, 38, &s)) != SL_OK) return rc;
            if (s > p) return fail(ps, "decimal scale exceeds precision");
            if ((rc = expect(ps, ')')) != SL_OK) return rc;
            t->precision = (uint8_t)p;
            t->scale = (uint8_t)s;
        }
        break;
    case SL_MC_CHAR:
    case SL_MC_VARCHAR: {
        int max = id == SL_MC_CHAR ? 255 : 65535, n = 0;
        if ((rc = expect(ps, '(')) != SL_OK) return rc;
        if ((rc = parse_uint(ps, max, &n)) != SL_OK) return rc;
        if (n < 1) return fail(ps, "length must be positive");
        if ((rc = expect(ps, ')')) != SL_OK) return rc;
        t->length = n;
        break;
    }
    case SL_MC_ARRAY:
        if ((rc = expect(ps, '<')) != SL_OK) return rc;
        if ((rc = parse_type(ps, depth + 1, &t->elem)) != SL_OK) return rc;
        if ((rc = expect(ps, '>')) != SL_OK) return rc;
        break;
    case SL_MC_MAP:
        if ((rc = expect(ps, '<')) != SL_OK) return rc;
        if ((rc = parse_type(ps, depth + 1, &t->elem)) != SL_OK) return rc;
        if ((rc = expect(ps, ',')) != SL_OK) return rc;
        if ((rc = parse_type(ps, depth + 1, &t->val)) != SL_OK) return rc;
        if ((rc = expect(ps, '>')) != SL_OK) return rc;
        break;
    case SL_MC_STRUCT:
        if ((rc = expect(ps, '<')) != SL_OK) return rc;
        if ((rc = parse_struct_fields(ps, depth, t)) != SL_OK) return rc;
        break;
    default: break;
    }
    *out = t;
    return SL_OK;
}

int sl_mc_type_parse(sl_arena *ar, const char *text, size_t n, const sl_mc_type **out, sl_err *err)
{
    parser ps = {text, n == (size_t)-1 ? strlen(text) : n, 0, ar, err};
    int rc = parse_type(&ps, 0, out);
    if (rc != SL_OK) return rc;
    skip_blank(&ps);
    if (ps.i != ps.n) return fail(&ps, "unexpected text after the type");
    return SL_OK;
}

int sl_mc_schema_parse(sl_arena *ar, const char *decl, sl_mc_schema *out, sl_err *err)
{
    parser ps = {decl, strlen(decl), 0, ar, err};
    sl_buf tmp = SL_BUF_INIT;
    int rc = SL_OK;
    skip_blank(&ps);
    if (ps.i < ps.n) {
        do {
            sl_mc_column c;
            if ((rc = parse_name(&ps, &c.name)) != SL_OK) break;
            if ((rc = parse_type(&ps, 0, &c.type)) != SL_OK) break;
            sl_buf_append(&tmp, &c, sizeof c);
        } while (accept(&ps, ','));
        skip_blank(&ps);
        if (rc == SL_OK && ps.i != ps.n) rc = fail(&ps, "expected ',' between columns");
    }
    if (rc == SL_OK) {
        out->ncol = (int)(tmp.n / sizeof(sl_mc_column));
        out->cols = tmp.n ? sl_arena_memdup(ar, tmp.p, tmp.n) : NULL;
    }
    sl_buf_free(&tmp);
    return rc;
}

/* Names that the parser would not read back as an identifier are backquoted. */
static void render_name(sl_buf *b, const char *name)
{
    int plain = *name != 0;
    for (const char *p = name; *p; p++)
        if (!is_ident_char(*p)) plain = 0;
    if (plain) {
        sl_buf_puts(b, name);
        return;
    }
    sl_buf_putc(b, '`');
    for (const char *p = name; *p; p++) {
        if (*p == '`') sl_buf_putc(b, '`');
        sl_buf_putc(b, *p);
    }
    sl_buf_putc(b, '`');
}

void sl_mc_type_render(sl_buf *b, const sl_mc_type *t)
{
    sl_buf_puts(b, sl_mc_typeid_name(t->id));
    switch (t->id) {
    case SL_MC_DECIMAL:
        if (t->precision) sl_buf_printf(b, "(%d,%d)", t->precision, t->scale);
        break;
    case SL_MC_CHAR:
    case SL_MC_VARCHAR: sl_buf_printf(b, "(%d)", (int)t->length); break;
    case SL_MC_ARRAY:
        sl_buf_putc(b, '<');
        sl_mc_type_render(b, t->elem);
        sl_buf_putc(b, '>');
        break;
    case SL_MC_MAP:
        sl_buf_putc(b, '<');
        sl_mc_type_render(b, t->elem);
        sl_buf_putc(b, ',');
        sl_mc_type_render(b, t->val);
        sl_buf_putc(b, '>');
        break;
    case SL_MC_STRUCT:
        sl_buf_putc(b, '<');
        for (int i = 0; i < t->nfields; i++) {
            if (i) sl_buf_putc(b, ',');
            render_name(b, t->fields[i].name);
            sl_buf_putc(b, ':');
            sl_mc_type_render(b, t->fields[i].type);
        }
        sl_buf_putc(b, '>');
        break;
    default: break;
    }
}
