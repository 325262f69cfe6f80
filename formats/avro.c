/*
** formats/avro.c — the 'avro' and 'avro-confluent' formats: Avro binary rows, schema
** resolution, and the Confluent Schema Registry wire format.
**
** The binary encoding is the Avro 1.11 specification's ("Binary Encoding"): zig-zag varints for
** int and long, little-endian IEEE floats, length-prefixed bytes and strings, union branch
** indexes, arrays and maps as blocks ending with a zero count (a negative count is followed by
** the block's byte size). Nothing here links an Avro library.
**
** Plans. A writer schema and a reader (the table's row type together with its Avro schema) are
** compiled once into a read plan: a tree of small ops that says, for every writer field in
** writer order, which reader column it fills and how its value converts, or that it is skipped;
** reader fields the writer lacks get their default. That is Avro's schema resolution ("Schema
** Resolution"): fields matched by name (or reader alias), promotions int->long->float->double,
** string<->bytes, unions resolved branch by branch. 'avro' compiles one plan (writer = reader);
** 'avro-confluent' compiles one per writer schema id and caches it, failures included.
** Encoding compiles the table's type against the writer schema the same way.
**
** Hot path. Decoding walks the plan over the message with bounds checks on every read. Strings
** and bytes are zero-copy slices of the message, scalars are written straight into the output
** values; the only allocations are one batch-arena block per nested ROW/ARRAY/MAP value (array
** and map elements are gathered on a decoder-owned stack first) and wide decimals. Encoding
** appends to the caller's buffer without other allocation.
**
** Strictness, where Avro's Java reader is lenient and Flink silently converts: a message with
** bytes after the record, a truncated field, a varint longer than its type, a boolean byte other
** than 0/1, invalid UTF-8 in a string, a union index outside the union, an array block count
** larger than the remaining message, nesting deeper than SL_AVRO_MAX_DEPTH, a DECIMAL that does
** not fit the column's precision and an integer outside TINYINT/SMALLINT range are SL_DATA with
** a message naming the field and byte offset.
**
** SPDX-License-Identifier: MIT
*/
#include "formats/avro.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include "base/datetime.h"
#include "formats/avro_registry.h"
#include "formats/avro_schema.h"
#include "formats/fmtutil.h"

#define PATH_MAX_SEGS     32
#define EMPTY_ITEM_BUDGET 65536 /* elements of zero-byte types one message may hold */
#define CACHE_MAX         10000 /* schema ids a decoder remembers */

/* ---- options -------------------------------------------------------------------------- */

static const sl_opt_def avro_opts[] = {
    {"timestamp_mapping.legacy", SL_OPT_BOOL, 0, "true", NULL, 0, -1,
     "Flink's legacy timestamp mapping: TIMESTAMP(p <= 3) as timestamp-millis, no TIMESTAMP_LTZ "
     "and no TIMESTAMP(p > 3). With false: TIMESTAMP as local-timestamp-millis/micros/nanos and "
     "TIMESTAMP_LTZ as timestamp-millis/micros/nanos."},
};

static const sl_opt_def confluent_opts[] = {
    {"url", SL_OPT_STRING, SL_OPT_REQUIRED, NULL, NULL, 0, -1,
     "The URL of the Confluent Schema Registry to fetch/register schemas (several may be given, "
     "separated by commas)."},
    {"subject", SL_OPT_STRING, 0, NULL, NULL, 0, -1,
     "The subject under which the writer registers its schema. Kafka tables default to "
     "'<topic>-value' or '<topic>-key'; required otherwise when writing."},
    {"schema", SL_OPT_STRING, 0, NULL, NULL, 0, -1,
     "The Avro schema to register and to read with, instead of the one derived from the table; "
     "it must match the table schema."},
    {"auto.register.schemas", SL_OPT_BOOL, 0, "true", NULL, 0, -1,
     "Register the writer schema on first use; with false it must already be registered under "
     "the subject, and only its id is looked up."},
    {"basic-auth.credentials-source", SL_OPT_ENUM, 0, NULL, "USER_INFO|URL", 0, -1,
     "Where HTTP basic-auth credentials come from: USER_INFO (basic-auth.user-info) or URL "
     "(user:password@ in the url)."},
    {"basic-auth.user-info", SL_OPT_STRING, SL_OPT_SECRET, NULL, NULL, 0, -1,
     "Basic-auth credentials for the Schema Registry, 'user:password'."},
    {"bearer-auth.credentials-source", SL_OPT_ENUM, 0, NULL, "STATIC_TOKEN", 0, -1,
     "Where the bearer token comes from: STATIC_TOKEN (bearer-auth.token)."},
    {"bearer-auth.token", SL_OPT_STRING, SL_OPT_SECRET, NULL, NULL, 0, -1,
     "Bearer token for the Schema Registry."},
    {"ssl.truststore.location", SL_OPT_STRING, 0, NULL, NULL, 0, -1,
     "PEM file of the CA certificates that sign the registry's certificate (not a Java "
     "KeyStore)."},
    {"ssl.keystore.location", SL_OPT_STRING, 0, NULL, NULL, 0, -1,
     "PEM file holding the client certificate and its private key, for mutual TLS."},
    {"ssl.keystore.password", SL_OPT_STRING, SL_OPT_SECRET, NULL, NULL, 0, -1,
     "Password of the private key in ssl.keystore.location."},
};

static int check_opts(const sl_format_ctx *ctx, const sl_opt_def *defs, int n, sl_err *err)
{
    char key[256];
    for (int i = 0; i < n; i++) {
        const char *v = sl_fmt_opt_get(ctx, defs[i].name);
        snprintf(key, sizeof key, "%s%s", ctx->prefix ? ctx->prefix : "", defs[i].name);
        if (v && sl_opt_check_value(&defs[i], key, v, err)) return err->code;
    }
    return SL_OK;
}

/* ---- read plans ----------------------------------------------------------------------- */

enum {
    RD_NULL,    /* writer null: a NULL value */
    RD_ERROR,   /* a writer union branch the reader cannot take */
    RD_BOOL,    /* boolean */
    RD_INT,     /* int or long -> TINYINT..BIGINT, range [lo, hi] */
    RD_FP,      /* int, long, float or double -> FLOAT/DOUBLE */
    RD_STRING,  /* string or bytes -> STRING (UTF-8 checked) */
    RD_BYTES,   /* bytes or string -> BYTES */
    RD_FIXED,   /* fixed -> BYTES */
    RD_ENUM,    /* enum -> STRING via a symbol table */
    RD_DECIMAL, /* bytes or fixed -> DECIMAL */
    RD_DATE,    /* int -> DATE */
    RD_TIME,    /* int millis or long micros -> TIME */
    RD_TS,      /* long (or int) in a unit -> TIMESTAMP / TIMESTAMP_LTZ */
    RD_ARRAY,
    RD_MAP,
    RD_RECORD,
    RD_UNION /* writer union: index, then the branch's plan */
};

typedef struct rplan rplan;

typedef struct rstep {
    int target;              /* reader field index, or -1 to skip */
    const rplan *plan;       /* when target >= 0 */
    const sl_avro_schema *w; /* the writer field's schema (skipping, messages) */
    const char *name;        /* the writer field's name */
} rstep;

struct rplan {
    uint8_t op;
    uint8_t wkind;       /* writer kind (sl_avro_kind) for ops that accept several */
    uint8_t prec;        /* TIME/TIMESTAMP: fractional digits kept; DECIMAL precision */
    uint8_t scale;       /* DECIMAL */
    uint8_t fp32;        /* RD_FP: reader FLOAT */
    int32_t size;        /* fixed size */
    int64_t lo, hi;      /* RD_INT range */
    int64_t unit;        /* RD_TS / RD_TIME: writer units per second */
    __int128 limit;      /* RD_DECIMAL: 10^precision */
    const sl_type *type; /* reader type (messages) */
    const sl_avro_schema *w;
    const rplan *elem; /* array items, map values */
    int nsteps;        /* record */
    rstep *steps;
    int nfields; /* record: reader fields */
    int nmissing;
    const int *missing_idx;
    const sl_value *missing_val;
    int nb; /* union branches; enum symbols */
    const rplan **branches;
    const char *const *symbols; /* enum: writer index -> reader text (NULL: not readable) */
    const uint32_t *symlen;
    const char *msg; /* RD_ERROR */
};

typedef struct rctx {
    sl_arena *ar;
    sl_buf *why;
    int legacy;
} rctx;

static __int128 pow10_128(int n)
{
    __int128 p = 1;
    for (int i = 0; i < n; i++) p *= 10;
    return p;
}

static void type_text(char *out, size_t cap, const sl_type *t)
{
    sl_fmt_type_name(out, cap, t);
}

static void avro_text(char *out, size_t cap, const sl_avro_schema *w)
{
    if (w->kind == SL_AVRO_RECORD || w->kind == SL_AVRO_ENUM || w->kind == SL_AVRO_FIXED)
        snprintf(out, cap, "%s %s", sl_avro_kind_name(w->kind), w->name);
    else if (w->logical)
        snprintf(out, cap, "%s (%s)", sl_avro_kind_name(w->kind), sl_avro_logical_name(w->logical));
    else
        snprintf(out, cap, "%s", sl_avro_kind_name(w->kind));
}

static rplan *new_plan(rctx *c, int op, const sl_avro_schema *w, const sl_type *t)
{
    rplan *p = sl_arena_calloc(c->ar, sizeof *p);
    p->op = (uint8_t)op;
    p->w = w;
    p->type = t;
    p->wkind = w ? w->kind : 0;
    return p;
}

static const rplan *mismatch(rctx *c, const sl_avro_schema *w, const sl_type *t)
{
    char a[160], b[160];
    avro_text(a, sizeof a, w);
    type_text(b, sizeof b, t);
    sl_buf_printf(c->why, "the writer's %s cannot be read as %s", a, b);
    return NULL;
}

static int64_t ts_unit(int logical)
{
    switch (logical) {
    case SL_AVRO_LT_TS_MICROS:
    case SL_AVRO_LT_LTS_MICROS:
    case SL_AVRO_LT_TIME_MICROS: return 1000000;
    case SL_AVRO_LT_TS_NANOS:
    case SL_AVRO_LT_LTS_NANOS: return 1000000000;
    case SL_AVRO_LT_TS_MILLIS:
    case SL_AVRO_LT_LTS_MILLIS:
    case SL_AVRO_LT_TIME_MILLIS: return 1000;
    default: return 0;
    }
}

static const rplan *resolve(rctx *c, const sl_avro_schema *w, const sl_avro_schema *r,
                            const sl_type *t, int depth);

/* ---- defaults (reader fields the writer lacks) ---------------------------------------- */

static int json_to_value(rctx *c, const sl_avro_schema *r, const sl_type *t, json_t *j,
                         sl_value *out, int depth);

/* Avro's JSON form of bytes and fixed: one character U+0000..U+00FF per byte. */
static int json_bytes(rctx *c, json_t *j, const char **out, size_t *n)
{
    if (!json_is_string(j)) return -1;
    const unsigned char *s = (const unsigned char *)json_string_value(j);
    size_t len = json_string_length(j), k = 0;
    char *b = sl_arena_alloc(c->ar, len + 1);
    for (size_t i = 0; i < len;) {
        if (s[i] < 0x80) {
            b[k++] = (char)s[i++];
        } else if ((s[i] & 0xE0) == 0xC0 && i + 1 < len && s[i] <= 0xC3) {
            b[k++] = (char)(((s[i] & 0x03) << 6) | (s[i + 1] & 0x3F));
            i += 2;
        } else {
            return -1;
        }
    }
    *out = b;
    *n = k;
    return 0;
}

static int json_to_value(rctx *c, const sl_avro_schema *r, const sl_type *t, json_t *j,
                         sl_value *out, int depth)
{
    if (depth > SL_AVRO_MAX_DEPTH) return -1;
    if (r->kind == SL_AVRO_UNION) /* a union's default belongs to its first branch */
        return r->n ? json_to_value(c, r->branches[0], t, j, out, depth + 1) : -1;
    if (r->kind == SL_AVRO_NULL) {
        if (!json_is_null(j)) return -1;
        *out = sl_null();
        return 0;
    }
    const char *s;
    size_t n;
    switch (t->id) {
    case SL_TYPE_BOOLEAN:
        if (!json_is_boolean(j)) return -1;
        *out = sl_bool(json_is_true(j));
        return 0;
    case SL_TYPE_TINYINT:
    case SL_TYPE_SMALLINT:
    case SL_TYPE_INT:
    case SL_TYPE_BIGINT: {
        int64_t lo, hi;
        sl_fmt_int_range(t->id, &lo, &hi);
        if (!json_is_integer(j) || json_integer_value(j) < lo || json_integer_value(j) > hi)
            return -1;
        *out = sl_int(json_integer_value(j));
        return 0;
    }
    case SL_TYPE_FLOAT:
    case SL_TYPE_DOUBLE: {
        if (!json_is_number(j)) return -1;
        double d = json_number_value(j);
        *out = sl_double(t->id == SL_TYPE_FLOAT ? (double)(float)d : d);
        return 0;
    }
    case SL_TYPE_CHAR:
    case SL_TYPE_VARCHAR:
        if (!json_is_string(j)) return -1;
        n = json_string_length(j);
        s = sl_arena_memdup(c->ar, json_string_value(j), n);
        if (sl_fmt_utf8_check(s, n) != n) return -1;
        *out = sl_string(s, n);
        return 0;
    case SL_TYPE_BINARY:
    case SL_TYPE_VARBINARY:
        if (json_bytes(c, j, &s, &n)) return -1;
        *out = sl_bytes(s, n);
        return 0;
    case SL_TYPE_DECIMAL: {
        if (json_bytes(c, j, &s, &n) || n == 0 || n > 16) return -1;
        __int128 v = (signed char)s[0];
        for (size_t i = 1; i < n; i++) v = v * 256 + (unsigned char)s[i];
        __int128 lim = pow10_128(t->precision);
        if (v >= lim || v <= -lim) return -1;
        *out = sl_decimal(c->ar, v, t->scale);
        return 0;
    }
    case SL_TYPE_DATE:
        if (!json_is_integer(j)) return -1;
        *out = sl_date(json_integer_value(j));
        return 0;
    case SL_TYPE_TIME: {
        if (!json_is_integer(j)) return -1;
        int64_t unit = ts_unit(r->logical) ? ts_unit(r->logical) : 1000;
        int64_t v = json_integer_value(j);
        if (v < 0 || v >= 86400 * unit) return -1;
        *out = sl_time(sl_fmt_truncate_nanos(v * (1000000000 / unit), t->precision));
        return 0;
    }
    case SL_TYPE_TIMESTAMP:
    case SL_TYPE_TIMESTAMP_LTZ: {
        if (!json_is_integer(j)) return -1;
        int64_t unit = ts_unit(r->logical) ? ts_unit(r->logical) : 1000;
        int64_t v = json_integer_value(j);
        int64_t ns = sl_floormod(v, unit) * (1000000000 / unit);
        *out =
            sl_timestamp(sl_floordiv(v, unit), (uint32_t)sl_fmt_truncate_nanos(ns, t->precision));
        return 0;
    }
    case SL_TYPE_ARRAY: {
        if (!json_is_array(j) || r->kind != SL_AVRO_ARRAY) return -1;
        size_t k = json_array_size(j);
        sl_value *list = sl_arena_calloc(c->ar, sizeof(sl_value) * (k ? k : 1));
        for (size_t i = 0; i < k; i++)
            if (json_to_value(c, r->items, t->elem, json_array_get(j, i), &list[i], depth + 1))
                return -1;
        out->tag = SL_V_ARRAY;
        out->n = (uint32_t)k;
        out->u.list = list;
        return 0;
    }
    case SL_TYPE_MAP: {
        if (!json_is_object(j) || r->kind != SL_AVRO_MAP) return -1;
        size_t k = json_object_size(j), i = 0;
        sl_value *list = sl_arena_calloc(c->ar, sizeof(sl_value) * (2 * k + 1));
        const char *key;
        json_t *v;
        json_object_foreach(j, key, v)
        {
            size_t kn = strlen(key);
            list[i] = sl_string(sl_arena_memdup(c->ar, key, kn), kn);
            if (json_to_value(c, r->items, t->val, v, &list[k + i], depth + 1)) return -1;
            i++;
        }
        out->tag = SL_V_MAP;
        out->n = (uint32_t)k;
        out->u.list = list;
        return 0;
    }
    case SL_TYPE_ROW: {
        if (!json_is_object(j) || r->kind != SL_AVRO_RECORD || r->n != t->nfields) return -1;
        sl_value *list = sl_arena_calloc(c->ar, sizeof(sl_value) * (size_t)(r->n ? r->n : 1));
        for (int i = 0; i < r->n; i++) {
            json_t *fv = json_object_get(j, r->fields[i].name);
            json_t *own = NULL;
            if (!fv && r->fields[i].dflt)
                fv = own = json_loads(r->fields[i].dflt, JSON_DECODE_ANY, NULL);
            int bad = !fv || json_to_value(c, r->fields[i].type, &t->fields[i].type, fv, &list[i],
                                           depth + 1);
            json_decref(own);
            if (bad) return -1;
        }
        out->tag = SL_V_ROW;
        out->n = (uint32_t)r->n;
        out->u.list = list;
        return 0;
    }
    default: return -1;
    }
}

static int default_of(rctx *c, const sl_avro_field *f, const sl_type *t, sl_value *out)
{
    json_t *j = json_loads(f->dflt, JSON_DECODE_ANY, NULL);
    int rc = j ? json_to_value(c, f->type, t, j, out, 0) : -1;
    json_decref(j);
    if (rc)
        sl_buf_printf(c->why, "the default %s of field '%s' is not a valid value", f->dflt,
                      f->name);
    return rc;
}

/* ---- resolution ----------------------------------------------------------------------- */

static int name_matches(const sl_avro_field *rf, const char *wname)
{
    if (strcmp(rf->name, wname) == 0) return 1;
    for (int i = 0; i < rf->naliases; i++)
        if (strcmp(rf->aliases[i], wname) == 0) return 1;
    return 0;
}

static const rplan *resolve_record(rctx *c, const sl_avro_schema *w, const sl_avro_schema *r,
                                   const sl_type *t, int depth)
{
    if (r->n != t->nfields) {
        sl_buf_puts(c->why, "the reader schema does not match the table");
        return NULL;
    }
    rplan *p = new_plan(c, RD_RECORD, w, t);
    p->nfields = r->n;
    p->nsteps = w->n;
    p->steps = sl_arena_calloc(c->ar, sizeof(rstep) * (size_t)(w->n ? w->n : 1));
    char *taken = sl_arena_calloc(c->ar, (size_t)(r->n ? r->n : 1));
    for (int i = 0; i < w->n; i++) {
        rstep *s = &p->steps[i];
        s->w = w->fields[i].type;
        s->name = w->fields[i].name;
        s->target = -1;
        for (int k = 0; k < r->n; k++) {
            if (taken[k] || !name_matches(&r->fields[k], w->fields[i].name)) continue;
            const rplan *fp =
                resolve(c, w->fields[i].type, r->fields[k].type, &t->fields[k].type, depth + 1);
            if (!fp) {
                sl_buf_printf(c->why, " (field '%s')", r->fields[k].name);
                return NULL;
            }
            s->target = k;
            s->plan = fp;
            taken[k] = 1;
            break;
        }
    }
    int nm = 0;
    for (int k = 0; k < r->n; k++) nm += !taken[k];
    int *idx = sl_arena_alloc(c->ar, sizeof(int) * (size_t)(nm ? nm : 1));
    sl_value *val = sl_arena_calloc(c->ar, sizeof(sl_value) * (size_t)(nm ? nm : 1));
    nm = 0;
    for (int k = 0; k < r->n; k++) {
        if (taken[k]) continue;
        if (!r->fields[k].dflt) {
            sl_buf_printf(c->why, "field '%s' is missing from the writer schema and has no default",
                          r->fields[k].name);
            return NULL;
        }
        if (default_of(c, &r->fields[k], &t->fields[k].type, &val[nm])) return NULL;
        idx[nm++] = k;
    }
    p->nmissing = nm;
    p->missing_idx = idx;
    p->missing_val = val;
    return p;
}

static const rplan *resolve_enum(rctx *c, const sl_avro_schema *w, const sl_avro_schema *r,
                                 const sl_type *t)
{
    rplan *p = new_plan(c, RD_ENUM, w, t);
    p->nb = w->n;
    const char **sy = sl_arena_calloc(c->ar, sizeof(char *) * (size_t)(w->n ? w->n : 1));
    uint32_t *len = sl_arena_calloc(c->ar, sizeof(uint32_t) * (size_t)(w->n ? w->n : 1));
    int any = 0;
    for (int i = 0; i < w->n; i++) {
        const char *s = w->symbols[i];
        if (r && r->kind == SL_AVRO_ENUM) { /* reader enum: its symbols, or its default */
            const char *m = NULL;
            for (int k = 0; k < r->n && !m; k++)
                if (strcmp(r->symbols[k], s) == 0) m = r->symbols[k];
            s = m ? m : r->enum_default;
        }
        sy[i] = s;
        len[i] = s ? (uint32_t)strlen(s) : 0;
        any |= s != NULL;
    }
    if (!any && w->n) {
        sl_buf_printf(c->why, "no symbol of the writer's enum %s is in the reader's enum %s",
                      w->name, r ? r->name : "");
        return NULL;
    }
    p->symbols = sy;
    p->symlen = len;
    return p;
}

static const rplan *resolve_union(rctx *c, const sl_avro_schema *w, const sl_avro_schema *r,
                                  const sl_type *t, int depth)
{
    rplan *p = new_plan(c, RD_UNION, w, t);
    p->nb = w->n;
    p->branches = sl_arena_calloc(c->ar, sizeof(rplan *) * (size_t)(w->n ? w->n : 1));
    int ok = 0;
    size_t mark = c->why->n;
    for (int i = 0; i < w->n; i++) {
        const rplan *b = resolve(c, w->branches[i], r, t, depth);
        if (b) {
            ok++;
        } else {
            rplan *e = new_plan(c, RD_ERROR, w->branches[i], t);
            e->msg = sl_arena_strndup(c->ar, c->why->p + mark, c->why->n - mark);
            b = e;
        }
        c->why->n = mark;
        if (c->why->p) c->why->p[mark] = 0;
        p->branches[i] = b;
    }
    if (!ok) {
        char b[160];
        type_text(b, sizeof b, t);
        sl_buf_printf(c->why, "no branch of the writer's union can be read as %s", b);
        return NULL;
    }
    return p;
}

static const rplan *resolve(rctx *c, const sl_avro_schema *w, const sl_avro_schema *r,
                            const sl_type *t, int depth)
{
    if (depth > SL_AVRO_MAX_DEPTH) {
        sl_buf_printf(c->why, "schemas nest deeper than %d levels", SL_AVRO_MAX_DEPTH);
        return NULL;
    }
    if (w->kind == SL_AVRO_UNION) return resolve_union(c, w, r, t, depth);
    int nullable = !t->not_null;
    if (r && r->kind == SL_AVRO_UNION) {
        int vi, ni;
        const sl_avro_schema *v = sl_avro_union_value(r, &vi, &ni);
        if (!v) {
            sl_buf_puts(c->why, "the reader schema has a union other than [\"null\", T]");
            return NULL;
        }
        nullable = ni >= 0;
        r = v;
    }
    if (w->kind == SL_AVRO_NULL) {
        if (nullable || t->id == SL_TYPE_NULL) return new_plan(c, RD_NULL, w, t);
        char b[160];
        type_text(b, sizeof b, t);
        sl_buf_printf(c->why, "the writer's null cannot be read as %s", b);
        return NULL;
    }
    rplan *p;
    int k = w->kind;
    switch (t->id) {
    case SL_TYPE_BOOLEAN:
        if (k != SL_AVRO_BOOLEAN) return mismatch(c, w, t);
        return new_plan(c, RD_BOOL, w, t);
    case SL_TYPE_TINYINT:
    case SL_TYPE_SMALLINT:
    case SL_TYPE_INT:
    case SL_TYPE_BIGINT:
        if (k != SL_AVRO_INT && !(k == SL_AVRO_LONG && t->id == SL_TYPE_BIGINT))
            return mismatch(c, w, t);
        p = new_plan(c, RD_INT, w, t);
        sl_fmt_int_range(t->id, &p->lo, &p->hi);
        return p;
    case SL_TYPE_FLOAT:
    case SL_TYPE_DOUBLE:
        if (k != SL_AVRO_INT && k != SL_AVRO_LONG && k != SL_AVRO_FLOAT &&
            !(k == SL_AVRO_DOUBLE && t->id == SL_TYPE_DOUBLE))
            return mismatch(c, w, t);
        p = new_plan(c, RD_FP, w, t);
        p->fp32 = t->id == SL_TYPE_FLOAT;
        return p;
    case SL_TYPE_CHAR:
    case SL_TYPE_VARCHAR:
        if (k == SL_AVRO_STRING || k == SL_AVRO_BYTES) return new_plan(c, RD_STRING, w, t);
        if (k == SL_AVRO_ENUM) return resolve_enum(c, w, r, t);
        return mismatch(c, w, t);
    case SL_TYPE_BINARY:
    case SL_TYPE_VARBINARY:
        if (k == SL_AVRO_BYTES || k == SL_AVRO_STRING) return new_plan(c, RD_BYTES, w, t);
        if (k == SL_AVRO_FIXED) {
            p = new_plan(c, RD_FIXED, w, t);
            p->size = w->size;
            return p;
        }
        return mismatch(c, w, t);
    case SL_TYPE_DECIMAL:
        if (k != SL_AVRO_BYTES && k != SL_AVRO_FIXED) return mismatch(c, w, t);
        if (w->logical == SL_AVRO_LT_DECIMAL && w->scale != t->scale) {
            char b[160];
            type_text(b, sizeof b, t);
            sl_buf_printf(c->why,
                          "the writer's decimal(%d, %d) cannot be read as %s (scales "
                          "differ)",
                          w->precision, w->scale, b);
            return NULL;
        }
        p = new_plan(c, RD_DECIMAL, w, t);
        p->limit = pow10_128(t->precision);
        p->prec = t->precision;
        p->scale = t->scale;
        p->size = k == SL_AVRO_FIXED ? w->size : -1;
        return p;
    case SL_TYPE_DATE:
        if (k != SL_AVRO_INT) return mismatch(c, w, t);
        return new_plan(c, RD_DATE, w, t);
    case SL_TYPE_TIME:
        if (k == SL_AVRO_INT && (w->logical == SL_AVRO_LT_TIME_MILLIS || !w->logical)) {
            p = new_plan(c, RD_TIME, w, t);
            p->unit = 1000;
        } else if (k == SL_AVRO_LONG && w->logical == SL_AVRO_LT_TIME_MICROS) {
            p = new_plan(c, RD_TIME, w, t);
            p->unit = 1000000;
        } else {
            return mismatch(c, w, t);
        }
        p->prec = t->precision;
        return p;
    case SL_TYPE_TIMESTAMP:
    case SL_TYPE_TIMESTAMP_LTZ: {
        if (k != SL_AVRO_LONG && k != SL_AVRO_INT) return mismatch(c, w, t);
        int64_t unit = ts_unit(w->logical);
        if (w->logical == SL_AVRO_LT_TIME_MICROS || w->logical == SL_AVRO_LT_TIME_MILLIS)
            return mismatch(c, w, t);
        if (!unit) unit = r ? ts_unit(r->logical) : 0; /* a plain long: the reader's unit */
        if (!unit) unit = 1000;
        p = new_plan(c, RD_TS, w, t);
        p->unit = unit;
        p->prec = t->precision;
        return p;
    }
    case SL_TYPE_ARRAY:
        if (k != SL_AVRO_ARRAY) return mismatch(c, w, t);
        p = new_plan(c, RD_ARRAY, w, t);
        p->elem = resolve(c, w->items, r && r->kind == SL_AVRO_ARRAY ? r->items : NULL, t->elem,
                          depth + 1);
        return p->elem ? p : NULL;
    case SL_TYPE_MAP:
        if (k != SL_AVRO_MAP) return mismatch(c, w, t);
        p = new_plan(c, RD_MAP, w, t);
        p->elem =
            resolve(c, w->items, r && r->kind == SL_AVRO_MAP ? r->items : NULL, t->val, depth + 1);
        return p->elem ? p : NULL;
    case SL_TYPE_ROW:
        if (k != SL_AVRO_RECORD || !r || r->kind != SL_AVRO_RECORD) return mismatch(c, w, t);
        return resolve_record(c, w, r, t, depth);
    default: return mismatch(c, w, t);
    }
}

/* ---- the decoder ---------------------------------------------------------------------- */

typedef struct cache_entry {
    uint32_t id;
    uint8_t used;
    const rplan *plan;
    const char *error; /* a cached failure (unknown id, unresolvable schema) */
} cache_entry;

enum { SEG_FIELD, SEG_INDEX };

typedef struct pseg {
    uint8_t kind;
    const char *name;
    size_t idx;
} pseg;

struct sl_decoder {
    sl_arena own; /* names, types, schemas, plans, cached errors */
    int confluent;
    int nfields;
    const char *const *names;
    const sl_type *types;
    const sl_avro_schema *reader;
    const rplan *plan; /* 'avro' */
    /* 'avro-confluent' */
    sl_avro_registry *reg;
    cache_entry *cache;
    uint32_t cache_cap, cache_n;
    uint32_t last_id;
    const rplan *last_plan;
    sl_buf fetched; /* a schema text being fetched */
    /* per message */
    const uint8_t *base, *p, *end;
    sl_arena *ar;
    sl_value *vs; /* array elements and map entries being gathered */
    size_t vn, vcap;
    uint32_t empty_budget;
    /* the error of the current message */
    sl_buf why;
    int npath, path_cut;
    pseg path[PATH_MAX_SEGS];
};

static int fail(sl_decoder *d, const char *fmt, ...) SL_PRINTF(2, 3);

static int fail(sl_decoder *d, const char *fmt, ...)
{
    va_list ap;
    sl_buf_reset(&d->why);
    va_start(ap, fmt);
    sl_buf_vprintf(&d->why, fmt, ap);
    va_end(ap);
    sl_buf_printf(&d->why, " at byte offset %zu", (size_t)(d->p - d->base));
    return -1;
}

static int truncated(sl_decoder *d)
{
    return fail(d, "unexpected end of data (the message is truncated)");
}

static void push_seg(sl_decoder *d, int kind, const char *name, size_t idx)
{
    if (d->npath == PATH_MAX_SEGS) {
        d->path_cut = 1;
        return;
    }
    pseg *g = &d->path[d->npath++];
    g->kind = (uint8_t)kind;
    g->name = name;
    g->idx = idx;
}

static inline int get_long(sl_decoder *d, int64_t *out)
{
    const uint8_t *p = d->p;
    if (SL_LIKELY(p < d->end && *p < 0x80)) {
        uint64_t v = *p;
        d->p = p + 1;
        *out = (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
        return 0;
    }
    uint64_t v = 0;
    *out = 0;
    for (int shift = 0;; shift += 7) {
        if (p >= d->end) return truncated(d);
        uint8_t b = *p++;
        if (shift == 63 && b > 1) return fail(d, "malformed long (a varint longer than 64 bits)");
        v |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80)) break;
    }
    d->p = p;
    *out = (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
    return 0;
}

static inline int get_int(sl_decoder *d, int32_t *out)
{
    const uint8_t *p = d->p;
    uint32_t v = 0;
    *out = 0;
    for (int shift = 0;; shift += 7) {
        if (p >= d->end) return truncated(d);
        uint8_t b = *p++;
        if (shift == 28 && b > 0x0F) return fail(d, "malformed int (a varint longer than 32 bits)");
        v |= (uint32_t)(b & 0x7F) << shift;
        if (!(b & 0x80)) break;
    }
    d->p = p;
    *out = (int32_t)((v >> 1) ^ (0u - (v & 1)));
    return 0;
}

/* A length prefix followed by that many bytes; *s points into the message. */
static inline int get_span(sl_decoder *d, const char **s, size_t *n)
{
    int64_t len;
    *s = NULL;
    *n = 0;
    if (get_long(d, &len)) return -1;
    if (len < 0) return fail(d, "negative length %lld", (long long)len);
    if ((uint64_t)len > (uint64_t)(d->end - d->p)) return truncated(d);
    if (len > (int64_t)UINT32_MAX)
        return fail(d, "a value of %lld bytes is too long", (long long)len);
    *s = (const char *)d->p;
    *n = (size_t)len;
    d->p += len;
    return 0;
}

static inline int get_fixed(sl_decoder *d, size_t size, const char **s)
{
    *s = NULL;
    if (size > (size_t)(d->end - d->p)) return truncated(d);
    *s = (const char *)d->p;
    d->p += size;
    return 0;
}

static inline uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t le64(const uint8_t *p)
{
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static int get_float(sl_decoder *d, double *out)
{
    if (d->end - d->p < 4) return truncated(d);
    uint32_t u = le32(d->p);
    float f;
    memcpy(&f, &u, 4);
    d->p += 4;
    *out = f;
    return 0;
}

static int get_double(sl_decoder *d, double *out)
{
    if (d->end - d->p < 8) return truncated(d);
    uint64_t u = le64(d->p);
    memcpy(out, &u, 8);
    d->p += 8;
    return 0;
}

/* A block count of an array or map; a negative count is followed by the block's byte size. */
static int get_count(sl_decoder *d, const sl_avro_schema *item, int is_map, int64_t *count)
{
    int64_t n;
    if (get_long(d, &n)) return -1;
    if (n < 0) {
        if (n == INT64_MIN) return fail(d, "invalid block count");
        n = -n;
        int64_t bytes;
        if (get_long(d, &bytes)) return -1;
        if (bytes < 0) return fail(d, "negative block size %lld", (long long)bytes);
    }
    if (n > 0) {
        if (is_map || !item->zero_size) {
            if ((uint64_t)n > (uint64_t)(d->end - d->p))
                return fail(d, "block count %lld exceeds the %zu bytes left", (long long)n,
                            (size_t)(d->end - d->p));
        } else {
            if ((uint64_t)n > d->empty_budget)
                return fail(d, "block count %lld of empty items exceeds the limit of %d",
                            (long long)n, EMPTY_ITEM_BUDGET);
            d->empty_budget -= (uint32_t)n;
        }
    }
    *count = n;
    return 0;
}

static int skip_value(sl_decoder *d, const sl_avro_schema *w, int depth)
{
    const char *s;
    size_t n;
    int64_t v;
    int32_t iv;
    if (depth > SL_AVRO_MAX_DEPTH)
        return fail(d, "values nest deeper than %d levels", SL_AVRO_MAX_DEPTH);
    switch (w->kind) {
    case SL_AVRO_NULL: return 0;
    case SL_AVRO_BOOLEAN: return get_fixed(d, 1, &s);
    case SL_AVRO_INT:
    case SL_AVRO_ENUM: return get_int(d, &iv);
    case SL_AVRO_LONG: return get_long(d, &v);
    case SL_AVRO_FLOAT: return get_fixed(d, 4, &s);
    case SL_AVRO_DOUBLE: return get_fixed(d, 8, &s);
    case SL_AVRO_BYTES:
    case SL_AVRO_STRING: return get_span(d, &s, &n);
    case SL_AVRO_FIXED: return get_fixed(d, (size_t)w->size, &s);
    case SL_AVRO_RECORD:
        for (int i = 0; i < w->n; i++)
            if (skip_value(d, w->fields[i].type, depth + 1)) return -1;
        return 0;
    case SL_AVRO_UNION:
        if (get_long(d, &v)) return -1;
        if (v < 0 || v >= w->n)
            return fail(d, "union branch index %lld is out of range (the union has %d branches)",
                        (long long)v, w->n);
        return skip_value(d, w->branches[v], depth + 1);
    case SL_AVRO_ARRAY:
    case SL_AVRO_MAP:
        for (;;) {
            int64_t cnt;
            if (get_count(d, w->items, w->kind == SL_AVRO_MAP, &cnt)) return -1;
            if (!cnt) return 0;
            for (int64_t i = 0; i < cnt; i++) {
                if (w->kind == SL_AVRO_MAP && get_span(d, &s, &n)) return -1;
                if (skip_value(d, w->items, depth + 1)) return -1;
            }
        }
    default: return fail(d, "unknown writer type");
    }
}

static int read_value(sl_decoder *d, const rplan *pl, sl_value *out, int depth);

static int read_fields(sl_decoder *d, const rplan *pl, sl_value *dst, int depth)
{
    for (int k = 0; k < pl->nmissing; k++) dst[pl->missing_idx[k]] = pl->missing_val[k];
    for (int i = 0; i < pl->nsteps; i++) {
        const rstep *s = &pl->steps[i];
        int bad = s->target < 0 ? skip_value(d, s->w, depth + 1)
                                : read_value(d, s->plan, &dst[s->target], depth + 1);
        if (SL_UNLIKELY(bad)) {
            push_seg(d, SEG_FIELD, s->name, 0);
            return -1;
        }
    }
    return 0;
}

static void reserve_stack(sl_decoder *d, size_t extra)
{
    if (d->vn + extra <= d->vcap) return;
    size_t cap = d->vcap ? d->vcap : 64;
    while (cap < d->vn + extra) cap *= 2;
    d->vs = sl_realloc(d->vs, cap * sizeof(sl_value));
    d->vcap = cap;
}

static int read_list(sl_decoder *d, const rplan *pl, sl_value *out, int depth)
{
    int is_map = pl->op == RD_MAP;
    size_t mark = d->vn, idx = 0;
    for (;;) {
        int64_t cnt;
        if (get_count(d, pl->w->items, is_map, &cnt)) goto bad;
        if (!cnt) break;
        reserve_stack(d, (size_t)cnt * (is_map ? 2 : 1));
        for (int64_t i = 0; i < cnt; i++, idx++) {
            sl_value v, k = {0};
            if (is_map) {
                const char *s;
                size_t n;
                if (get_span(d, &s, &n)) goto bad_at;
                size_t okn = sl_fmt_utf8_check(s, n);
                if (okn != n) {
                    d->p = (const uint8_t *)s + okn;
                    fail(d, "map key is not valid UTF-8");
                    goto bad_at;
                }
                k = sl_string(s, n);
            }
            if (read_value(d, pl->elem, &v, depth + 1)) goto bad_at;
            if (is_map) d->vs[d->vn++] = k;
            d->vs[d->vn++] = v;
        }
    }
    size_t n = d->vn - mark;
    size_t count = is_map ? n / 2 : n;
    sl_value *list = sl_arena_alloc(d->ar, sizeof(sl_value) * (n ? n : 1));
    if (is_map) {
        for (size_t i = 0; i < count; i++) {
            list[i] = d->vs[mark + 2 * i];
            list[count + i] = d->vs[mark + 2 * i + 1];
        }
    } else if (n) {
        memcpy(list, d->vs + mark, n * sizeof(sl_value));
    }
    d->vn = mark;
    out->tag = is_map ? SL_V_MAP : SL_V_ARRAY;
    out->flags = 0;
    out->scale = 0;
    out->n = (uint32_t)count;
    out->u.list = list;
    return 0;
bad_at:
    push_seg(d, SEG_INDEX, NULL, idx);
bad:
    d->vn = mark;
    return -1;
}

static int read_decimal(sl_decoder *d, const rplan *pl, sl_value *out)
{
    const char *s;
    size_t n;
    const uint8_t *at = d->p;
    if (pl->size >= 0) {
        if (get_fixed(d, (size_t)pl->size, &s)) return -1;
        n = (size_t)pl->size;
    } else if (get_span(d, &s, &n)) {
        return -1;
    }
    const uint8_t *b = (const uint8_t *)s;
    if (n == 0) {
        d->p = at;
        return fail(d, "a DECIMAL value has zero bytes");
    }
    /* Leading bytes beyond 16 must be pure sign extension. */
    size_t skip = n > 16 ? n - 16 : 0;
    uint8_t sign = (b[0] & 0x80) ? 0xFF : 0x00;
    for (size_t i = 0; i < skip; i++)
        if (b[i] != sign || (i + 1 == skip && ((b[skip] ^ sign) & 0x80))) goto overflow;
    __int128 v = (signed char)b[skip];
    for (size_t i = skip + 1; i < n; i++) v = (__int128)((unsigned __int128)v << 8) | b[i];
    if (v >= pl->limit || v <= -pl->limit) goto overflow;
    *out = sl_decimal(d->ar, v, pl->scale);
    return 0;
overflow:
    d->p = at;
    return fail(d, "the value does not fit DECIMAL(%d, %d)", pl->prec, pl->scale);
}

static int read_value(sl_decoder *d, const rplan *pl, sl_value *out, int depth)
{
    int64_t v;
    int32_t iv;
    const char *s;
    size_t n;
    const uint8_t *at = d->p;
    switch (pl->op) {
    case RD_NULL: *out = sl_null(); return 0;
    case RD_UNION: {
        if (get_long(d, &v)) return -1;
        if (SL_UNLIKELY(v < 0 || v >= pl->nb)) {
            d->p = at;
            return fail(d, "union branch index %lld is out of range (the union has %d branches)",
                        (long long)v, pl->nb);
        }
        return read_value(d, pl->branches[v], out, depth);
    }
    case RD_BOOL:
        if (SL_UNLIKELY(d->p >= d->end)) return truncated(d);
        if (SL_UNLIKELY(*d->p > 1)) return fail(d, "invalid boolean byte 0x%02X", *d->p);
        *out = sl_bool(*d->p++);
        return 0;
    case RD_INT:
        if (pl->wkind == SL_AVRO_INT) {
            if (get_int(d, &iv)) return -1;
            v = iv;
        } else if (get_long(d, &v)) {
            return -1;
        }
        if (SL_UNLIKELY(v < pl->lo || v > pl->hi)) {
            char tn[64];
            type_text(tn, sizeof tn, pl->type);
            d->p = at;
            return fail(d, "value %lld is out of range for %s", (long long)v, tn);
        }
        *out = sl_int(v);
        return 0;
    case RD_FP: {
        double x;
        switch (pl->wkind) {
        case SL_AVRO_INT:
            if (get_int(d, &iv)) return -1;
            x = pl->fp32 ? (double)(float)iv : (double)iv;
            break;
        case SL_AVRO_LONG:
            if (get_long(d, &v)) return -1;
            x = pl->fp32 ? (double)(float)v : (double)v;
            break;
        case SL_AVRO_FLOAT:
            if (get_float(d, &x)) return -1;
            break;
        default:
            if (get_double(d, &x)) return -1;
            break;
        }
        *out = sl_double(x);
        return 0;
    }
    case RD_STRING: {
        if (get_span(d, &s, &n)) return -1;
        size_t ok = sl_fmt_utf8_check(s, n);
        if (SL_UNLIKELY(ok != n)) {
            d->p = (const uint8_t *)s + ok;
            return fail(d, "a string is not valid UTF-8");
        }
        *out = sl_string(s, n);
        return 0;
    }
    case RD_BYTES:
        if (get_span(d, &s, &n)) return -1;
        *out = sl_bytes(s, n);
        return 0;
    case RD_FIXED:
        if (get_fixed(d, (size_t)pl->size, &s)) return -1;
        *out = sl_bytes(s, (size_t)pl->size);
        return 0;
    case RD_ENUM:
        if (get_int(d, &iv)) return -1;
        if (SL_UNLIKELY(iv < 0 || iv >= pl->nb)) {
            d->p = at;
            return fail(d, "enum index %d is out of range (the enum has %d symbols)", iv, pl->nb);
        }
        if (SL_UNLIKELY(!pl->symbols[iv])) {
            d->p = at;
            return fail(d, "enum symbol '%s' is not in the reader's enum", pl->w->symbols[iv]);
        }
        *out = sl_string(pl->symbols[iv], pl->symlen[iv]);
        return 0;
    case RD_DECIMAL: return read_decimal(d, pl, out);
    case RD_DATE:
        if (get_int(d, &iv)) return -1;
        *out = sl_date(iv);
        return 0;
    case RD_TIME:
        if (pl->unit == 1000) {
            if (get_int(d, &iv)) return -1;
            v = iv;
        } else if (get_long(d, &v)) {
            return -1;
        }
        if (SL_UNLIKELY(v < 0 || v >= 86400 * pl->unit)) {
            d->p = at;
            return fail(d, "TIME value %lld is outside a day", (long long)v);
        }
        *out = sl_time(sl_fmt_truncate_nanos(v * (1000000000 / pl->unit), pl->prec));
        return 0;
    case RD_TS: {
        if (pl->wkind == SL_AVRO_INT) {
            if (get_int(d, &iv)) return -1;
            v = iv;
        } else if (get_long(d, &v)) {
            return -1;
        }
        int64_t ns = sl_floormod(v, pl->unit) * (1000000000 / pl->unit);
        if (pl->prec < 9) ns = sl_fmt_truncate_nanos(ns, pl->prec);
        *out = sl_timestamp(sl_floordiv(v, pl->unit), (uint32_t)ns);
        return 0;
    }
    case RD_ARRAY:
    case RD_MAP:
        if (SL_UNLIKELY(depth > SL_AVRO_MAX_DEPTH))
            return fail(d, "values nest deeper than %d levels", SL_AVRO_MAX_DEPTH);
        return read_list(d, pl, out, depth);
    case RD_RECORD: {
        if (SL_UNLIKELY(depth > SL_AVRO_MAX_DEPTH))
            return fail(d, "values nest deeper than %d levels", SL_AVRO_MAX_DEPTH);
        sl_value *list =
            sl_arena_alloc(d->ar, sizeof(sl_value) * (size_t)(pl->nfields ? pl->nfields : 1));
        if (read_fields(d, pl, list, depth)) return -1;
        out->tag = SL_V_ROW;
        out->flags = 0;
        out->scale = 0;
        out->n = (uint32_t)pl->nfields;
        out->u.list = list;
        return 0;
    }
    case RD_ERROR: return fail(d, "%s", pl->msg);
    default: return fail(d, "internal error: unknown read op %d", pl->op);
    }
}

/* "Failed to deserialize Avro record: <why>, field 'a.b[2]'." */
static int fail_message(sl_decoder *d, const char *what, sl_err *err)
{
    sl_buf m = SL_BUF_INIT;
    sl_buf_printf(&m, "Failed to deserialize Avro record%s: ", what ? what : "");
    sl_buf_append(&m, d->why.p ? d->why.p : "", d->why.n);
    if (d->npath) {
        sl_buf_puts(&m, ", field '");
        if (d->path_cut) sl_buf_puts(&m, "...");
        for (int i = d->npath - 1; i >= 0; i--) {
            const pseg *g = &d->path[i];
            if (g->kind == SEG_INDEX)
                sl_buf_printf(&m, "[%zu]", g->idx);
            else
                sl_buf_printf(&m, "%s%s", i == d->npath - 1 && !d->path_cut ? "" : ".", g->name);
        }
        sl_buf_putc(&m, '\'');
    }
    sl_buf_putc(&m, '.');
    sl_err_set(err, SL_DATA, "%s", m.p);
    sl_buf_free(&m);
    return SL_DATA;
}

static int decode_body(sl_decoder *d, const rplan *plan, const char *data, size_t n,
                       const char *body, sl_value *out, sl_arena *ar, const char *what, sl_err *err)
{
    d->base = (const uint8_t *)data;
    d->p = (const uint8_t *)body;
    d->end = (const uint8_t *)data + n;
    d->ar = ar;
    d->vn = 0;
    d->npath = 0;
    d->path_cut = 0;
    d->empty_budget = EMPTY_ITEM_BUDGET;
    if (SL_LIKELY(read_fields(d, plan, out, 0) == 0)) {
        if (SL_LIKELY(d->p == d->end)) return SL_OK;
        fail(d, "%zu unexpected bytes after the record", (size_t)(d->end - d->p));
    }
    for (int i = 0; i < d->nfields; i++) out[i] = sl_null();
    return fail_message(d, what, err);
}

static int avro_decode(sl_decoder *d, const char *data, size_t n, sl_value *out, sl_arena *ar,
                       sl_err *err)
{
    if (!data) return SL_DONE;
    return decode_body(d, d->plan, data, n, data, out, ar, NULL, err);
}

/* ---- format setup ------------------------------------------------------------------------ */

/* Copy the context's names and types into ar (they must outlive the caller's context). */
static void copy_fields(sl_arena *ar, const sl_format_ctx *ctx, const char *const **names,
                        const sl_type **types)
{
    int n = ctx->nfields;
    const char **nm = sl_arena_alloc(ar, sizeof(char *) * (size_t)(n ? n : 1));
    sl_type *ty = sl_arena_alloc(ar, sizeof(sl_type) * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) {
        nm[i] = sl_arena_strdup(ar, ctx->names[i]);
        ty[i] = sl_type_copy(ar, &ctx->types[i]);
    }
    *names = nm;
    *types = ty;
}

/* The reader/writer schema: the 'schema' option (checked against the table) or derived. */
static int table_schema(sl_arena *ar, const sl_format_ctx *ctx, const char *fmt, int legacy,
                        const sl_avro_schema **out, sl_err *err)
{
    const char *text = sl_fmt_opt_get(ctx, "schema");
    sl_avro_schema *s;
    if (!text) {
        int rc = sl_avro_schema_derive(ar, ctx->nfields, ctx->names, ctx->types, legacy, &s, err);
        if (rc) return rc;
        *out = s;
        return SL_OK;
    }
    sl_err sub = SL_ERR_INIT;
    if (sl_avro_schema_parse(ar, text, strlen(text), &s, &sub))
        return sl_err_set(err, SL_CONFIG, "Could not parse the '%sschema' option: %s",
                          ctx->prefix ? ctx->prefix : "", sub.msg);
    sl_buf why = SL_BUF_INIT;
    if (!sl_avro_schema_matches_row(s, ctx->nfields, ctx->names, ctx->types, &why)) {
        sl_err_set(err, SL_CONFIG,
                   "Schema provided for '%s' format does not match the table schema: %s (%s).", fmt,
                   text, why.p ? why.p : "");
        sl_buf_free(&why);
        return SL_CONFIG;
    }
    sl_buf_free(&why);
    if (s->kind != SL_AVRO_RECORD)
        return sl_err_set(err, SL_CONFIG,
                          "The '%sschema' option must be an Avro record schema, not a %s.",
                          ctx->prefix ? ctx->prefix : "", sl_avro_kind_name(s->kind));
    *out = s;
    return SL_OK;
}

static int avro_validate(const sl_format_ctx *ctx, sl_err *err)
{
    if (check_opts(ctx, avro_opts, (int)SL_ARRAY_LEN(avro_opts), err)) return err->code;
    sl_arena ar;
    sl_arena_init(&ar, 4096);
    sl_avro_schema *s;
    int rc = sl_avro_schema_derive(&ar, ctx->nfields, ctx->names, ctx->types,
                                   sl_fmt_opt_flag(ctx, "timestamp_mapping.legacy", 1), &s, err);
    sl_arena_free(&ar);
    return rc;
}

static sl_decoder *decoder_alloc(const sl_format_ctx *ctx)
{
    sl_decoder *d = sl_calloc(1, sizeof *d);
    sl_arena_init(&d->own, 8192);
    d->nfields = ctx->nfields;
    copy_fields(&d->own, ctx, &d->names, &d->types);
    return d;
}

static void avro_decoder_free(sl_decoder *d)
{
    if (!d) return;
    sl_avro_registry_free(d->reg);
    sl_free(d->cache);
    sl_free(d->vs);
    sl_buf_free(&d->why);
    sl_buf_free(&d->fetched);
    sl_arena_free(&d->own);
    sl_free(d);
}

/* The plan reading writer schema w into the decoder's row; SL_DATA with err when it cannot. */
static const rplan *compile_reader(sl_decoder *d, const sl_avro_schema *w, int legacy, sl_err *err,
                                   const char *what)
{
    sl_buf why = SL_BUF_INIT;
    rctx c = {&d->own, &why, legacy};
    sl_type row = sl_type_make(SL_TYPE_ROW);
    sl_field *f = sl_arena_alloc(&d->own, sizeof(sl_field) * (size_t)(d->nfields ? d->nfields : 1));
    for (int i = 0; i < d->nfields; i++) {
        f[i].name = d->names[i];
        f[i].type = d->types[i];
    }
    row.fields = f;
    row.nfields = d->nfields;
    row.not_null = 1;
    const rplan *p = NULL;
    if (w->kind != SL_AVRO_RECORD) {
        char a[160];
        avro_text(a, sizeof a, w);
        sl_buf_printf(&why, "the writer schema is a %s, not a record", a);
    } else {
        p = resolve(&c, w, d->reader, sl_arena_memdup(&d->own, &row, sizeof row), 0);
    }
    if (!p)
        sl_err_set(err, SL_DATA, "%s cannot be resolved against the table schema: %s", what,
                   why.p ? why.p : "");
    sl_buf_free(&why);
    return p;
}

static int avro_decoder_new(const sl_format_ctx *ctx, sl_decoder **out, sl_err *err)
{
    int rc = avro_validate(ctx, err);
    if (rc) return rc;
    sl_decoder *d = decoder_alloc(ctx);
    int legacy = sl_fmt_opt_flag(ctx, "timestamp_mapping.legacy", 1);
    sl_avro_schema *s;
    rc = sl_avro_schema_derive(&d->own, d->nfields, d->names, d->types, legacy, &s, err);
    if (!rc) {
        d->reader = s;
        d->plan = compile_reader(d, s, legacy, err, "The derived schema");
        if (!d->plan) rc = SL_INTERNAL;
    }
    if (rc) {
        avro_decoder_free(d);
        return rc;
    }
    *out = d;
    return SL_OK;
}

/* ---- the encoder ---------------------------------------------------------------------- */

enum {
    EN_UNION, /* nullable: branch index, then the value */
    EN_BOOL,
    EN_INT,
    EN_LONG,
    EN_FLOAT,
    EN_DOUBLE,
    EN_STRING,
    EN_BYTES,
    EN_FIXED,
    EN_ENUM,
    EN_DECIMAL, /* bytes, or fixed when size >= 0 */
    EN_DATE,
    EN_TIME, /* unit 1000: int millis; 1000000: long micros */
    EN_TS,   /* long in unit per second */
    EN_ARRAY,
    EN_MAP,
    EN_RECORD,
    EN_NULL
};

typedef struct wplan wplan;
struct wplan {
    uint8_t op;
    int null_index, value_index;
    int32_t size;
    int64_t unit;
    const sl_type *type;
    const wplan *child; /* union value, array items, map values */
    int n;              /* record fields, enum symbols */
    const wplan **fields;
    const char *const *names;
    const char *const *symbols;
};

static const wplan *compile_writer(sl_arena *ar, const sl_avro_schema *w, const sl_type *t,
                                   sl_buf *why, int depth)
{
    wplan *p = sl_arena_calloc(ar, sizeof *p);
    p->type = t;
    p->size = -1;
    char a[160], b[160];
    if (depth > SL_AVRO_MAX_DEPTH) {
        sl_buf_puts(why, "the schema nests too deeply");
        return NULL;
    }
    if (w->kind == SL_AVRO_UNION) {
        const sl_avro_schema *v = sl_avro_union_value(w, &p->value_index, &p->null_index);
        if (!v) goto mismatch;
        p->op = EN_UNION;
        p->child = compile_writer(ar, v, t, why, depth + 1);
        return p->child ? p : NULL;
    }
    switch (w->kind) {
    case SL_AVRO_NULL: p->op = EN_NULL; return p;
    case SL_AVRO_BOOLEAN: p->op = EN_BOOL; break;
    case SL_AVRO_INT:
        p->op = w->logical == SL_AVRO_LT_DATE          ? EN_DATE
                : w->logical == SL_AVRO_LT_TIME_MILLIS ? EN_TIME
                                                       : EN_INT;
        p->unit = 1000;
        break;
    case SL_AVRO_LONG:
        p->unit = ts_unit(w->logical);
        p->op = w->logical == SL_AVRO_LT_TIME_MICROS ? EN_TIME : p->unit ? EN_TS : EN_LONG;
        break;
    case SL_AVRO_FLOAT: p->op = EN_FLOAT; break;
    case SL_AVRO_DOUBLE: p->op = EN_DOUBLE; break;
    case SL_AVRO_STRING: p->op = EN_STRING; break;
    case SL_AVRO_BYTES: p->op = w->logical == SL_AVRO_LT_DECIMAL ? EN_DECIMAL : EN_BYTES; break;
    case SL_AVRO_FIXED:
        p->op = w->logical == SL_AVRO_LT_DECIMAL ? EN_DECIMAL : EN_FIXED;
        p->size = w->size;
        break;
    case SL_AVRO_ENUM:
        p->op = EN_ENUM;
        p->n = w->n;
        p->symbols = w->symbols;
        break;
    case SL_AVRO_ARRAY:
    case SL_AVRO_MAP:
        if (t->id != (w->kind == SL_AVRO_ARRAY ? SL_TYPE_ARRAY : SL_TYPE_MAP)) goto mismatch;
        p->op = w->kind == SL_AVRO_ARRAY ? EN_ARRAY : EN_MAP;
        p->child = compile_writer(ar, w->items, w->kind == SL_AVRO_ARRAY ? t->elem : t->val, why,
                                  depth + 1);
        return p->child ? p : NULL;
    case SL_AVRO_RECORD:
        if (t->id != SL_TYPE_ROW || t->nfields != w->n) goto mismatch;
        p->op = EN_RECORD;
        p->n = w->n;
        p->fields = sl_arena_alloc(ar, sizeof(wplan *) * (size_t)(w->n ? w->n : 1));
        {
            const char **nm = sl_arena_alloc(ar, sizeof(char *) * (size_t)(w->n ? w->n : 1));
            for (int i = 0; i < w->n; i++) {
                nm[i] = w->fields[i].name;
                p->fields[i] =
                    compile_writer(ar, w->fields[i].type, &t->fields[i].type, why, depth + 1);
                if (!p->fields[i]) return NULL;
            }
            p->names = nm;
        }
        return p;
    default: goto mismatch;
    }
    return p;
mismatch:
    avro_text(a, sizeof a, w);
    type_text(b, sizeof b, t);
    sl_buf_printf(why, "%s cannot be written as the schema's %s", b, a);
    return NULL;
}

struct sl_encoder {
    sl_arena own;
    int confluent;
    int nfields;
    const char *const *names;
    const sl_type *types;
    const wplan *root;
    char *schema_json; /* the writer schema as JSON text */
    /* 'avro-confluent' */
    sl_avro_registry *reg;
    char *subject;
    int auto_register;
    int have_id;
    uint32_t id;
};

static int enc_mismatch(const wplan *p, const sl_value *v, sl_err *err)
{
    char tname[256];
    type_text(tname, sizeof tname, p->type);
    return sl_err_set(err, SL_DATA, "Could not serialize a %s value as %s.", sl_fmt_vtag_name(v->tag),
                      tname);
}

static inline uint8_t *room(sl_buf *b, size_t n)
{
    if (SL_UNLIKELY(b->n + n + 1 > b->cap)) sl_buf_reserve(b, n);
    return (uint8_t *)b->p + b->n;
}

static inline void put_long(sl_buf *b, int64_t v)
{
    uint8_t *q = room(b, 10);
    uint64_t u = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
    size_t k = 0;
    while (u >= 0x80) {
        q[k++] = (uint8_t)(u | 0x80);
        u >>= 7;
    }
    q[k++] = (uint8_t)u;
    b->n += k;
    b->p[b->n] = 0;
}

static inline void put_bytes(sl_buf *b, const void *s, size_t n)
{
    put_long(b, (int64_t)n);
    sl_buf_append(b, s, n);
}

static void put_le(sl_buf *b, uint64_t u, int n)
{
    uint8_t *q = room(b, (size_t)n);
    for (int i = 0; i < n; i++) q[i] = (uint8_t)(u >> (8 * i));
    b->n += (size_t)n;
    b->p[b->n] = 0;
}

/* Big-endian two's complement of v: the minimal form, or exactly size bytes (fixed). */
static int put_decimal(sl_buf *b, __int128 v, int size)
{
    uint8_t raw[16];
    unsigned __int128 u = (unsigned __int128)v;
    for (int i = 15; i >= 0; i--) {
        raw[i] = (uint8_t)u;
        u >>= 8;
    }
    int start = 0;
    while (start < 15 && ((raw[start] == 0x00 && !(raw[start + 1] & 0x80)) ||
                          (raw[start] == 0xFF && (raw[start + 1] & 0x80))))
        start++;
    int len = 16 - start;
    if (size < 0) {
        put_bytes(b, raw + start, (size_t)len);
        return 0;
    }
    if (len > size) return -1;
    uint8_t *q = room(b, (size_t)size);
    memset(q, v < 0 ? 0xFF : 0x00, (size_t)(size - len));
    memcpy(q + size - len, raw + start, (size_t)len);
    b->n += (size_t)size;
    b->p[b->n] = 0;
    return 0;
}

static int encode_value(const wplan *p, const sl_value *v, sl_buf *b, sl_err *err, int depth);

static int encode_fields(const wplan *p, const sl_value *vals, sl_buf *b, sl_err *err, int depth)
{
    for (int i = 0; i < p->n; i++) {
        if (SL_UNLIKELY(encode_value(p->fields[i], &vals[i], b, err, depth + 1))) {
            sl_err_prefix(err, "Field '%s': ", p->names[i]);
            return err->code;
        }
    }
    return SL_OK;
}

static int encode_value(const wplan *p, const sl_value *v, sl_buf *b, sl_err *err, int depth)
{
    if (p->op == EN_UNION) {
        if (v->tag == SL_V_NULL) {
            if (p->null_index < 0) goto null_value;
            put_long(b, p->null_index);
            return SL_OK;
        }
        put_long(b, p->value_index);
        p = p->child;
    }
    if (SL_UNLIKELY(v->tag == SL_V_NULL)) {
        if (p->op == EN_NULL) return SL_OK;
        goto null_value;
    }
    switch (p->op) {
    case EN_BOOL:
        if (v->tag != SL_V_BOOL) return enc_mismatch(p, v, err);
        sl_buf_putc_fast(b, v->u.i ? 1 : 0);
        return SL_OK;
    case EN_INT:
        if (v->tag != SL_V_INT || v->u.i < INT32_MIN || v->u.i > INT32_MAX)
            return enc_mismatch(p, v, err);
        put_long(b, v->u.i);
        return SL_OK;
    case EN_LONG:
        if (v->tag != SL_V_INT) return enc_mismatch(p, v, err);
        put_long(b, v->u.i);
        return SL_OK;
    case EN_FLOAT: {
        if (v->tag != SL_V_DOUBLE) return enc_mismatch(p, v, err);
        float f = (float)v->u.d;
        uint32_t u;
        memcpy(&u, &f, 4);
        put_le(b, u, 4);
        return SL_OK;
    }
    case EN_DOUBLE: {
        if (v->tag != SL_V_DOUBLE) return enc_mismatch(p, v, err);
        uint64_t u;
        memcpy(&u, &v->u.d, 8);
        put_le(b, u, 8);
        return SL_OK;
    }
    case EN_STRING:
        if (v->tag != SL_V_STRING) return enc_mismatch(p, v, err);
        put_bytes(b, v->u.z, v->n);
        return SL_OK;
    case EN_BYTES:
        if (v->tag != SL_V_BYTES) return enc_mismatch(p, v, err);
        put_bytes(b, v->u.z, v->n);
        return SL_OK;
    case EN_FIXED:
        if (v->tag != SL_V_BYTES) return enc_mismatch(p, v, err);
        if ((int32_t)v->n != p->size)
            return sl_err_set(err, SL_DATA, "A value of %u bytes cannot be written as fixed(%d).",
                              v->n, p->size);
        sl_buf_append(b, v->u.z, v->n);
        return SL_OK;
    case EN_ENUM:
        if (v->tag != SL_V_STRING) return enc_mismatch(p, v, err);
        for (int i = 0; i < p->n; i++)
            if (strlen(p->symbols[i]) == v->n && memcmp(p->symbols[i], v->u.z, v->n) == 0) {
                put_long(b, i);
                return SL_OK;
            }
        return sl_err_set(err, SL_DATA, "'%.*s' is not a symbol of the schema's enum.",
                          (int)SL_MIN(v->n, 200), v->u.z);
    case EN_DECIMAL: {
        if (v->tag != SL_V_DECIMAL) return enc_mismatch(p, v, err);
        __int128 u = sl_decimal_unscaled(v);
        if (v->scale != p->type->scale) {
            if (v->scale > p->type->scale) return enc_mismatch(p, v, err);
            u *= pow10_128(p->type->scale - v->scale);
        }
        if (put_decimal(b, u, p->size))
            return sl_err_set(err, SL_DATA, "A DECIMAL value does not fit fixed(%d).", p->size);
        return SL_OK;
    }
    case EN_DATE:
        if (v->tag != SL_V_DATE || v->u.i < INT32_MIN || v->u.i > INT32_MAX)
            return enc_mismatch(p, v, err);
        put_long(b, v->u.i);
        return SL_OK;
    case EN_TIME:
        if (v->tag != SL_V_TIME) return enc_mismatch(p, v, err);
        put_long(b, sl_floordiv(v->u.i, 1000000000 / p->unit));
        return SL_OK;
    case EN_TS: {
        if (v->tag != SL_V_TIMESTAMP) return enc_mismatch(p, v, err);
        int64_t x;
        if (__builtin_mul_overflow(v->u.i, p->unit, &x) ||
            __builtin_add_overflow(x, (int64_t)v->n / (1000000000 / p->unit), &x))
            return sl_err_set(err, SL_DATA, "A TIMESTAMP value is out of the range of %s.",
                              p->unit == 1000000000 ? "nanosecond timestamps"
                                                    : "microsecond timestamps");
        put_long(b, x);
        return SL_OK;
    }
    case EN_ARRAY:
    case EN_MAP: {
        if (v->tag != (p->op == EN_ARRAY ? SL_V_ARRAY : SL_V_MAP)) return enc_mismatch(p, v, err);
        if (depth > SL_AVRO_MAX_DEPTH)
            return sl_err_set(err, SL_DATA, "Values nest deeper than %d levels.",
                              SL_AVRO_MAX_DEPTH);
        if (v->n) put_long(b, v->n);
        for (uint32_t i = 0; i < v->n; i++) {
            if (p->op == EN_MAP) {
                const sl_value *k = &v->u.list[i];
                if (k->tag != SL_V_STRING)
                    return sl_err_set(err, SL_DATA,
                                      k->tag == SL_V_NULL ? "Avro maps cannot have a NULL key."
                                                          : "Avro map keys must be strings.");
                put_bytes(b, k->u.z, k->n);
            }
            const sl_value *e = p->op == EN_MAP ? &v->u.list[v->n + i] : &v->u.list[i];
            if (encode_value(p->child, e, b, err, depth + 1)) return err->code;
        }
        sl_buf_putc_fast(b, 0);
        return SL_OK;
    }
    case EN_RECORD:
        if (v->tag != SL_V_ROW || (int)v->n != p->n) return enc_mismatch(p, v, err);
        if (depth > SL_AVRO_MAX_DEPTH)
            return sl_err_set(err, SL_DATA, "Values nest deeper than %d levels.",
                              SL_AVRO_MAX_DEPTH);
        return encode_fields(p, v->u.list, b, err, depth);
    default: return enc_mismatch(p, v, err);
    }
null_value:;
    char tname[256];
    type_text(tname, sizeof tname, p->type);
    return sl_err_set(err, SL_DATA,
                      "A NULL value cannot be written as %s: the schema does not "
                      "allow null.",
                      tname);
}

static int encode_row(const sl_encoder *e, const sl_value *in, sl_buf *out, sl_err *err)
{
    size_t mark = out->n;
    if (encode_fields(e->root, in, out, err, 0) == SL_OK) return SL_OK;
    out->n = mark;
    if (out->p) out->p[mark] = 0;
    return err->code;
}

static int avro_encode(sl_encoder *e, const sl_value *in, sl_buf *out, sl_err *err)
{
    return encode_row(e, in, out, err);
}

static void avro_encoder_free(sl_encoder *e)
{
    if (!e) return;
    sl_avro_registry_free(e->reg);
    sl_free(e->schema_json);
    sl_free(e->subject);
    sl_arena_free(&e->own);
    sl_free(e);
}

/* An encoder for schema s (derived from or matched to the context's row type). */
static int encoder_setup(sl_encoder *e, const sl_avro_schema *s, sl_err *err)
{
    sl_type *row = sl_arena_calloc(&e->own, sizeof *row);
    sl_field *f = sl_arena_alloc(&e->own, sizeof(sl_field) * (size_t)(e->nfields ? e->nfields : 1));
    for (int i = 0; i < e->nfields; i++) {
        f[i].name = e->names[i];
        f[i].type = e->types[i];
    }
    row->id = SL_TYPE_ROW;
    row->fields = f;
    row->nfields = e->nfields;
    row->not_null = 1;
    sl_buf why = SL_BUF_INIT;
    e->root = compile_writer(&e->own, s, row, &why, 0);
    if (!e->root || e->root->op != EN_RECORD) {
        sl_err_set(err, SL_CONFIG, "The Avro schema cannot write the table's rows: %s",
                   why.p ? why.p : "not a record");
        sl_buf_free(&why);
        return SL_CONFIG;
    }
    sl_buf_free(&why);
    sl_buf j = SL_BUF_INIT;
    sl_avro_schema_json(&j, s);
    e->schema_json = sl_buf_detach(&j);
    return SL_OK;
}

static sl_encoder *encoder_alloc(const sl_format_ctx *ctx)
{
    sl_encoder *e = sl_calloc(1, sizeof *e);
    sl_arena_init(&e->own, 4096);
    e->nfields = ctx->nfields;
    copy_fields(&e->own, ctx, &e->names, &e->types);
    return e;
}

static int avro_encoder_new(const sl_format_ctx *ctx, sl_encoder **out, sl_err *err)
{
    int rc = avro_validate(ctx, err);
    if (rc) return rc;
    sl_encoder *e = encoder_alloc(ctx);
    sl_avro_schema *s;
    rc = sl_avro_schema_derive(&e->own, e->nfields, e->names, e->types,
                               sl_fmt_opt_flag(ctx, "timestamp_mapping.legacy", 1), &s, err);
    if (!rc) rc = encoder_setup(e, s, err);
    if (rc) {
        avro_encoder_free(e);
        return rc;
    }
    *out = e;
    return SL_OK;
}

const char *sl_avro_encoder_schema(const sl_encoder *enc)
{
    return enc->schema_json;
}

/* ---- avro-confluent ----------------------------------------------------------------------- */

static int confluent_validate(const sl_format_ctx *ctx, sl_err *err)
{
    if (check_opts(ctx, confluent_opts, (int)SL_ARRAY_LEN(confluent_opts), err)) return err->code;
    const char *pre = ctx->prefix ? ctx->prefix : "";
    const char *url = sl_fmt_opt_get(ctx, "url");
    if (!url)
        return sl_err_set(err, SL_CONFIG,
                          "One or more required options are missing for format "
                          "'avro-confluent': '%surl'.",
                          pre);
    if (!*url) return sl_err_set(err, SL_CONFIG, "Option '%surl' must not be empty.", pre);
    const char *bsrc = sl_fmt_opt_get(ctx, "basic-auth.credentials-source");
    const char *binfo = sl_fmt_opt_get(ctx, "basic-auth.user-info");
    const char *tsrc = sl_fmt_opt_get(ctx, "bearer-auth.credentials-source");
    const char *tok = sl_fmt_opt_get(ctx, "bearer-auth.token");
    if (bsrc && sl_strcaseeq(bsrc, "USER_INFO") && !binfo)
        return sl_err_set(err, SL_CONFIG,
                          "Option '%sbasic-auth.user-info' is required when "
                          "'%sbasic-auth.credentials-source' is USER_INFO.",
                          pre, pre);
    if (binfo && !strchr(binfo, ':'))
        return sl_err_set(err, SL_CONFIG,
                          "Option '%sbasic-auth.user-info' must have the form 'user:password'.",
                          pre);
    if (tsrc && !tok)
        return sl_err_set(err, SL_CONFIG,
                          "Option '%sbearer-auth.token' is required when "
                          "'%sbearer-auth.credentials-source' is STATIC_TOKEN.",
                          pre, pre);
    int basic = binfo || (bsrc && sl_strcaseeq(bsrc, "URL"));
    if (basic && tok)
        return sl_err_set(err, SL_CONFIG,
                          "Options '%sbasic-auth.*' and '%sbearer-auth.*' cannot be used together.",
                          pre, pre);
    if (sl_fmt_opt_get(ctx, "ssl.keystore.password") && !sl_fmt_opt_get(ctx, "ssl.keystore.location"))
        return sl_err_set(err, SL_CONFIG,
                          "Option '%sssl.keystore.password' needs '%sssl.keystore.location'.", pre,
                          pre);
    sl_arena ar;
    sl_arena_init(&ar, 4096);
    const sl_avro_schema *s;
    int rc = table_schema(&ar, ctx, "avro-confluent", 1, &s, err);
    sl_arena_free(&ar);
    return rc;
}

/* A PEM file that curl can read; a Java KeyStore gets a message saying what to do instead. */
static int check_pem_file(const sl_format_ctx *ctx, const char *name, sl_err *err)
{
    const char *path = sl_fmt_opt_get(ctx, name);
    if (!path) return SL_OK;
    const char *pre = ctx->prefix ? ctx->prefix : "";
    FILE *f = fopen(path, "rb");
    if (!f) return sl_err_set(err, SL_CONFIG, "Cannot read '%s%s' file '%s'.", pre, name, path);
    unsigned char head[4] = {0};
    size_t n = fread(head, 1, 4, f);
    fclose(f);
    if (n == 4 && ((head[0] == 0xFE && head[1] == 0xED && head[2] == 0xFE && head[3] == 0xED) ||
                   (head[0] == 0x30 && (head[1] & 0x80))))
        return sl_err_set(err, SL_CONFIG,
                          "'%s%s' file '%s' is a Java KeyStore or PKCS#12 file; sluice reads PEM "
                          "files (convert with keytool -exportcert -rfc or openssl pkcs12).",
                          pre, name, path);
    return SL_OK;
}

static sl_avro_registry *make_registry(const sl_format_ctx *ctx)
{
    sl_avro_registry_conf conf = {0};
    conf.url = sl_fmt_opt_get(ctx, "url");
    const char *bsrc = sl_fmt_opt_get(ctx, "basic-auth.credentials-source");
    if (!bsrc || sl_strcaseeq(bsrc, "USER_INFO"))
        conf.user_info = sl_fmt_opt_get(ctx, "basic-auth.user-info");
    conf.bearer_token = sl_fmt_opt_get(ctx, "bearer-auth.token");
    conf.ca_file = sl_fmt_opt_get(ctx, "ssl.truststore.location");
    conf.cert_file = sl_fmt_opt_get(ctx, "ssl.keystore.location");
    conf.key_password = sl_fmt_opt_get(ctx, "ssl.keystore.password");
    return sl_avro_registry_new(&conf);
}

static int confluent_common(const sl_format_ctx *ctx, sl_err *err)
{
    int rc = confluent_validate(ctx, err);
    if (!rc) rc = check_pem_file(ctx, "ssl.truststore.location", err);
    if (!rc) rc = check_pem_file(ctx, "ssl.keystore.location", err);
    return rc;
}

static int confluent_decoder_new(const sl_format_ctx *ctx, sl_decoder **out, sl_err *err)
{
    int rc = confluent_common(ctx, err);
    if (rc) return rc;
    sl_decoder *d = decoder_alloc(ctx);
    d->confluent = 1;
    rc = table_schema(&d->own, ctx, "avro-confluent", 1, &d->reader, err);
    if (rc) {
        avro_decoder_free(d);
        return rc;
    }
    d->reg = make_registry(ctx);
    *out = d;
    return SL_OK;
}

static cache_entry *cache_find(sl_decoder *d, uint32_t id)
{
    if (!d->cache_cap) return NULL;
    uint32_t h = (id * 0x9E3779B1u) & (d->cache_cap - 1);
    for (;;) {
        cache_entry *c = &d->cache[h];
        if (!c->used) return NULL;
        if (c->id == id) return c;
        h = (h + 1) & (d->cache_cap - 1);
    }
}

static void cache_put(sl_decoder *d, uint32_t id, const rplan *plan, const char *error)
{
    if (d->cache_n >= CACHE_MAX) return;
    if ((d->cache_n + 1) * 2 > d->cache_cap) {
        uint32_t cap = d->cache_cap ? d->cache_cap * 2 : 16;
        cache_entry *old = d->cache;
        uint32_t ocap = d->cache_cap;
        d->cache = sl_calloc(cap, sizeof(cache_entry));
        d->cache_cap = cap;
        d->cache_n = 0;
        for (uint32_t i = 0; i < ocap; i++)
            if (old[i].used) cache_put(d, old[i].id, old[i].plan, old[i].error);
        sl_free(old);
    }
    uint32_t h = (id * 0x9E3779B1u) & (d->cache_cap - 1);
    while (d->cache[h].used && d->cache[h].id != id) h = (h + 1) & (d->cache_cap - 1);
    if (!d->cache[h].used) d->cache_n++;
    d->cache[h].used = 1;
    d->cache[h].id = id;
    d->cache[h].plan = plan;
    d->cache[h].error = error;
}

/* Parse and resolve a writer schema for id; the result (plan or failure) is cached. */
static int add_writer_schema(sl_decoder *d, uint32_t id, const char *text, size_t n, sl_err *err)
{
    sl_err sub = SL_ERR_INIT;
    sl_avro_schema *w;
    char what[96];
    snprintf(what, sizeof what, "The writer schema of id %u", id);
    const rplan *plan = NULL;
    if (sl_avro_schema_parse(&d->own, text, n, &w, &sub))
        sl_err_set(err, SL_DATA, "%s cannot be parsed: %s", what, sub.msg);
    else
        plan = compile_reader(d, w, 1, err, what);
    cache_put(d, id, plan, plan ? NULL : sl_arena_strdup(&d->own, err->msg));
    return plan ? SL_OK : SL_DATA;
}

int sl_avro_confluent_seed_schema(sl_decoder *dec, uint32_t id, const char *schema, sl_err *err)
{
    return add_writer_schema(dec, id, schema, strlen(schema), err);
}

static int plan_for_id(sl_decoder *d, uint32_t id, const rplan **out, sl_err *err)
{
    cache_entry *c = cache_find(d, id);
    if (!c) {
        sl_buf_reset(&d->fetched);
        sl_err sub = SL_ERR_INIT;
        int rc = sl_avro_registry_schema(d->reg, id, &d->fetched, &sub);
        if (rc == SL_DATA) {
            /* The registry does not know the id: the record is bad, and stays bad. */
            char *msg = sl_arena_printf(&d->own,
                                        "Schema id %u is not known to the Schema Registry at %s "
                                        "(%s)",
                                        id, sl_avro_registry_display_url(d->reg), sub.msg);
            cache_put(d, id, NULL, msg);
        } else if (rc) {
            sl_err_copy(err, &sub);
            return rc;
        } else if (add_writer_schema(d, id, d->fetched.p ? d->fetched.p : "", d->fetched.n, &sub)) {
            /* cached as a failure by add_writer_schema */
        }
        c = cache_find(d, id);
        if (!c) { /* the cache is full: report without caching */
            sl_err_copy(err, &sub);
            return sub.code ? sub.code : SL_DATA;
        }
    }
    if (!c->plan) return sl_err_set(err, SL_DATA, "%s.", c->error);
    d->last_id = id;
    d->last_plan = c->plan;
    *out = c->plan;
    return SL_OK;
}

static int confluent_decode(sl_decoder *d, const char *data, size_t n, sl_value *out, sl_arena *ar,
                            sl_err *err)
{
    if (!data) return SL_DONE;
    const uint8_t *u = (const uint8_t *)data;
    if (n < 5) {
        for (int i = 0; i < d->nfields; i++) out[i] = sl_null();
        if (n >= 1 && u[0] != SL_AVRO_CONFLUENT_MAGIC)
            return sl_err_set(err, SL_DATA,
                              "Unknown data format. Magic number does not match (expected 0x00, "
                              "found 0x%02X).",
                              u[0]);
        return sl_err_set(err, SL_DATA,
                          "A message of %zu bytes is too short for the Confluent wire format "
                          "(magic byte and 4-byte schema id).",
                          n);
    }
    if (u[0] != SL_AVRO_CONFLUENT_MAGIC) {
        for (int i = 0; i < d->nfields; i++) out[i] = sl_null();
        return sl_err_set(err, SL_DATA,
                          "Unknown data format. Magic number does not match (expected 0x00, "
                          "found 0x%02X).",
                          u[0]);
    }
    uint32_t id = (uint32_t)u[1] << 24 | (uint32_t)u[2] << 16 | (uint32_t)u[3] << 8 | u[4];
    const rplan *plan = d->last_plan;
    if (!plan || id != d->last_id) {
        int rc = plan_for_id(d, id, &plan, err);
        if (rc) {
            for (int i = 0; i < d->nfields; i++) out[i] = sl_null();
            return rc;
        }
    }
    char what[48];
    snprintf(what, sizeof what, " (schema id %u)", id);
    return decode_body(d, plan, data, n, data + 5, out, ar, what, err);
}

static int confluent_encoder_new(const sl_format_ctx *ctx, sl_encoder **out, sl_err *err)
{
    int rc = confluent_common(ctx, err);
    if (rc) return rc;
    const char *subject = sl_fmt_opt_get(ctx, "subject");
    char *dflt = NULL;
    if (!subject && ctx->topic) {
        sl_buf b = SL_BUF_INIT;
        sl_buf_printf(&b, "%s-%s", ctx->topic, ctx->is_key ? "key" : "value");
        dflt = sl_buf_detach(&b);
    }
    if (!subject && !dflt)
        return sl_err_set(err, SL_CONFIG,
                          "Option avro-confluent.subject is required for "
                          "serialization");
    sl_encoder *e = encoder_alloc(ctx);
    e->confluent = 1;
    e->subject = dflt ? dflt : sl_strdup(subject);
    e->auto_register = sl_fmt_opt_flag(ctx, "auto.register.schemas", 1);
    const sl_avro_schema *s;
    rc = table_schema(&e->own, ctx, "avro-confluent", 1, &s, err);
    if (!rc) rc = encoder_setup(e, s, err);
    if (!rc && sl_fmt_opt_get(ctx, "schema")) {
        /* Register the schema text as the user wrote it (docs and properties included). */
        sl_free(e->schema_json);
        e->schema_json = sl_strdup(sl_fmt_opt_get(ctx, "schema"));
    }
    if (rc) {
        avro_encoder_free(e);
        return rc;
    }
    e->reg = make_registry(ctx);
    *out = e;
    return SL_OK;
}

void sl_avro_confluent_seed_id(sl_encoder *enc, uint32_t id)
{
    enc->id = id;
    enc->have_id = 1;
}

static int confluent_encode(sl_encoder *e, const sl_value *in, sl_buf *out, sl_err *err)
{
    if (SL_UNLIKELY(!e->have_id)) {
        sl_err sub = SL_ERR_INIT;
        int rc = e->auto_register
                     ? sl_avro_registry_register(e->reg, e->subject, e->schema_json, &e->id, &sub)
                     : sl_avro_registry_lookup(e->reg, e->subject, e->schema_json, &e->id, &sub);
        if (rc) {
            if (rc == SL_DATA) /* lookup: subject or schema not registered */
                return sl_err_set(err, SL_CONFIG,
                                  "The schema is not registered under subject '%s' at %s and "
                                  "auto.register.schemas is false (%s).",
                                  e->subject, sl_avro_registry_display_url(e->reg), sub.msg);
            sl_err_copy(err, &sub);
            sl_err_prefix(err, "Cannot %s the schema under subject '%s': ",
                          e->auto_register ? "register" : "look up", e->subject);
            return rc;
        }
        e->have_id = 1;
    }
    size_t mark = out->n;
    uint8_t *q = room(out, 5);
    q[0] = SL_AVRO_CONFLUENT_MAGIC;
    q[1] = (uint8_t)(e->id >> 24);
    q[2] = (uint8_t)(e->id >> 16);
    q[3] = (uint8_t)(e->id >> 8);
    q[4] = (uint8_t)e->id;
    out->n += 5;
    out->p[out->n] = 0;
    int rc = encode_row(e, in, out, err);
    if (rc) {
        out->n = mark;
        out->p[mark] = 0;
    }
    return rc;
}

/* ---- descriptors ---------------------------------------------------------------------- */

const sl_format_desc sl_format_avro = {
    .name = "avro",
    .opts = avro_opts,
    .nopts = (int)SL_ARRAY_LEN(avro_opts),
    .mode = SL_CL_INSERT_ONLY,
    .doc = "Avro binary records with a schema derived from the table (Flink's 'avro' format).",
    .validate = avro_validate,
    .decoder_new = avro_decoder_new,
    .decode = avro_decode,
    .decoder_free = avro_decoder_free,
    .encoder_new = avro_encoder_new,
    .encode = avro_encode,
    .encoder_free = avro_encoder_free,
};

const sl_format_desc sl_format_avro_confluent = {
    .name = "avro-confluent",
    .opts = confluent_opts,
    .nopts = (int)SL_ARRAY_LEN(confluent_opts),
    .mode = SL_CL_INSERT_ONLY,
    .doc = "Avro records in the Confluent wire format, with schemas in a Confluent Schema "
           "Registry (Flink's 'avro-confluent' format).",
    .validate = confluent_validate,
    .decoder_new = confluent_decoder_new,
    .decode = confluent_decode,
    .decoder_free = avro_decoder_free,
    .encoder_new = confluent_encoder_new,
    .encode = confluent_encode,
    .encoder_free = avro_encoder_free,
};
